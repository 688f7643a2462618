"""Secrets out of logs and replies: URL credentials, tokens, and the configured secrets.

``redact(text)`` replaces

* the user-info part of any URL (``https://user:pass@host`` → ``https://***@host``);
* ``Authorization``-style values (``Bearer …``, ``Bot …``) and Slack tokens
  (``xoxb-…``, ``xapp-…``) and Discord bot tokens wherever they appear;
* every secret value registered with ``register_secrets`` (the bot and app
  tokens, signing and client secrets, the LLM key, database passwords).

``RedactingFilter`` applies it to every log record (message, arguments and
traceback) on the handlers it is installed on; ``install_log_redaction`` puts
it on the root logger's handlers.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

MASK = "***"
_URL_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<info>[^/?#\s@<>|]+)@")
_SLACK_TOKEN = re.compile(r"\bx(?:ox[abposre]|app)-[0-9A-Za-z-]{8,}")
_AUTH_VALUE = re.compile(r"\b(?P<kind>Bearer|Bot|Basic)\s+(?P<value>[A-Za-z0-9._~+/=-]{16,})")
_DISCORD_TOKEN = re.compile(r"\b[A-Za-z0-9_-]{23,}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}")
_MIN_SECRET = 6

_lock = threading.Lock()
_secrets: set[str] = set()


def register_secrets(values: Iterable[str | None]) -> None:
    """Remember secret values (and database passwords) so ``redact`` hides them anywhere."""
    with _lock:
        for value in values:
            if value and len(value) >= _MIN_SECRET:
                _secrets.add(value)


def url_password(url: str) -> str | None:
    """The password inside a URL such as ``postgresql://user:pw@host/db``, if any."""
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def redact(text: str) -> str:
    """``text`` with URL credentials, tokens and registered secrets masked."""
    if not text:
        return text
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _URL_USERINFO.sub(lambda m: m.group("scheme") + MASK + "@", text)
    text = _SLACK_TOKEN.sub(MASK, text)
    text = _DISCORD_TOKEN.sub(MASK, text)
    return _AUTH_VALUE.sub(lambda m: f"{m.group('kind')} {MASK}", text)


class RedactingFilter(logging.Filter):
    """Redacts a record's formatted message and traceback before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw text, redacted
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_log_redaction(logger: logging.Logger | None = None) -> None:
    """Put one ``RedactingFilter`` on each handler of ``logger`` (the root by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
