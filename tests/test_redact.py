"""Secrets and URL credentials never reach a log line or a reply."""

from __future__ import annotations

import io
import logging

from hypothesis import given
from hypothesis import strategies as st

from bot.config import Settings
from bot.redact import MASK, RedactingFilter, redact, register_secrets

SAFE = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789-._~", min_size=1)


@given(user=SAFE, password=SAFE.filter(lambda p: len(p) >= 4))
def test_url_credentials_are_masked(user: str, password: str) -> None:
    line = f"refused https://{user}:{password}@feeds.example/rss?x=1: private address"
    assert redact(line) == "refused https://***@feeds.example/rss?x=1: private address"
    assert redact(f"<https://{user}@feeds.example/|feed>") == "<https://***@feeds.example/|feed>"


def test_tokens_and_registered_secrets_are_masked() -> None:
    settings = Settings(
        slack_signing_secret="s3cr3t-signing-value",
        database_url="postgresql://bot:hunter2-db@db.example/claimwatch",
    )
    register_secrets(settings.secret_values())
    text = (
        "token xoxb-1234567890-abcdefghij, Authorization: Bearer abcdefghijklmnop1234, "
        "secret s3cr3t-signing-value, password hunter2-db, "
        "discord MTA4NzY1NDMyMTA5ODc2NTQzMg.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456"
    )
    out = redact(text)
    for secret in (
        "xoxb-1234567890",
        "abcdefghijklmnop1234",
        "s3cr3t-signing-value",
        "hunter2-db",
        "GaBcDe",
    ):
        assert secret not in out
    assert out.count(MASK) == 5
    assert redact("The Bot answered in 2 s.") == "The Bot answered in 2 s."


def test_log_records_are_redacted_with_their_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("claimwatch.test.redact")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("refused %s", "https://alice:pa55word@10.0.0.1/feed")
        try:
            raise ValueError("cannot open https://bob:letmein99@host.example/x")
        except ValueError:
            logger.exception("fetch failed")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "pa55word" not in written and "letmein99" not in written
    assert "https://***@10.0.0.1/feed" in written and "ValueError" in written
