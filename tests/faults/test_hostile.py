"""Hostile input against the real CLI and bot processes: files built to hang or exhaust
``claimwatch ingest``, slash commands carrying mentions and control characters, forged and
replayed Slack requests, and start-up failures that must end in one clear line."""

from __future__ import annotations

import gzip
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.topics import slugify
from storage.db import make_engine
from storage.repository import Repository
from tests.discord.fake_discord import FakeDiscord
from tests.discord.test_mentions import message_bodies
from tests.faults.harness import (
    SIGNING_SECRET,
    Bot,
    Fakes,
    cli_env,
    free_port,
    run_measured,
    wait_until,
)
from tests.slack.conftest import sign
from tests.slack.test_mentions import MENTION, channel_links, strings

GOOD = {
    "url": "https://wire.example/quake-1",
    "title": "Quake",
    "outlet": "Wire",
    "published": "2025-03-01T12:00:00Z",
    "text": "The interior ministry said 40 people died in the quake on Friday.",
}
PAGE = (
    "<html><head><title>Toll rises</title></head><body><article><h1>Toll rises</h1><p>The "
    "death toll from the earthquake rose to 212, the interior ministry said on Friday. "
    "Rescuers searched collapsed buildings in the old town.</p></article></body></html>"
)


def write_big(path: Path, head: bytes, chunk: bytes, size: int, tail: bytes = b"") -> None:
    """A file of about ``size`` bytes written in pieces (never held in memory)."""
    with path.open("wb") as fh:
        fh.write(head)
        written = len(head)
        while written < size:
            fh.write(chunk)
            written += len(chunk)
        fh.write(tail)


def hostile_folder(root: Path) -> dict[str, str]:
    """The files, and what ingest must say about each (a fragment of its problem line)."""
    root.mkdir()
    lines = [
        json.dumps(GOOD),
        json.dumps({**GOOD, "url": "javascript:alert(document.cookie)"}),
        json.dumps({**GOOD, "url": "https://bob:hunter2-pw@wire.example/x"}),
        json.dumps(
            {**GOOD, "url": "https://wire.example/2", "text": "Rescuers \x1b[2Jsaid\u202e 12 died."}
        ),
        "[" * 200_000,
    ]
    (root / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (root / "a.jsonl").open("ab") as fh:  # a 60 MB line, then one more good article
        fh.write(b'{"url": "https://wire.example/huge", "text": "')
        for _ in range(60):
            fh.write(b"word " * 200_000)
        last = {**GOOD, "url": "https://wire.example/3", "text": "The Red Cross said 50 died."}
        fh.write(b'"}\n' + json.dumps(last).encode() + b"\n")
    write_big(root / "b-50mb.html", b"<html><body>", b"<span>word</span>" * 1000, 50 << 20)
    write_big(root / "c-dense.html", b"<html><body>", b"<span>w</span>" * 1000, 9 << 20)
    rng = random.Random(7)
    (root / "d-garbage.txt").write_bytes(bytes(rng.getrandbits(8) for _ in range(500_000)))
    (root / "e-garbage.jsonl").write_bytes(b"\x00\xff" * (1 << 20))
    (root / "f-nested.json").write_text("[" * 100_000 + "]" * 100_000)
    write_big(root / "g-40mb.txt", b"A long title\n", b"word " * 10_000, 40 << 20)
    item = (
        b"<item><title>x</title><link>https://w.example/x</link><description>y</description></item>"
    )
    write_big(root / "j-45mb.rss", b"<rss><channel><title>t</title>", item * 100, 45 << 20)
    write_big(root / "k-30mb.json", b"[", json.dumps(GOOD).encode() + b",", 30 << 20, b"{}]")
    (root / "h-good.html").write_text(PAGE)
    (root / "i-good.txt").write_text("Quake title\nThe quake killed 40 people in the north.")
    (root.parent / "bomb.html.gz").write_bytes(gzip.compress(b"<p>" + b"0" * (256 << 20), 9))
    return {
        "a.jsonl:2": "http:// or https://",
        "a.jsonl:3": "user name or password",
        "a.jsonl:5": "nested too deeply",
        "a.jsonl:6": "the line is over",
        "b-50mb.html": "over the 10.0 MB limit for extracting HTML",
        "c-dense.html": "HTML elements besides scripts and styles, over the limit",
        "d-garbage.txt": "binary",
        "e-garbage.jsonl": "binary",
        "f-nested.json": "nested too deeply",
        "g-40mb.txt": "too long for one article (CLAIMWATCH_ARTICLE_MAX_CHARS",
        "bomb.html.gz": "unsupported file type",
        "j-45mb.rss": "over the 5.0 MB limit",
        "k-30mb.json": "over the 20.0 MB limit",
    }


def test_ingest_of_hostile_files_finishes_in_bounds_and_loses_nothing_else(
    tmp_path: Path, fault_db: str, figures: list[tuple[str, str]]
) -> None:
    expected = hostile_folder(tmp_path / "in")
    args = [sys.executable, "-m", "bot.cli", "ingest", str(tmp_path / "in")]
    args += [str(tmp_path / "bomb.html.gz"), "http://carol:pa55-word@127.0.0.1:9/page"]
    result, seconds, peak_mb = run_measured(args, cli_env(fault_db), timeout=120)
    problems = [line for line in result.stderr.splitlines() if line.startswith("✗")]
    for where, why in expected.items():
        assert any(where in p and why in p for p in problems), (where, why, problems)
    assert "hunter2-pw" not in result.stderr + result.stdout
    assert "pa55-word" not in result.stderr + result.stdout
    assert result.returncode == 1
    repo = Repository(make_engine(fault_db))
    try:
        stored = repo.count_articles()
        clean = repo.article_by_url("https://wire.example/2")
    finally:
        repo.dispose()
    assert stored == 5  # a.jsonl 1, 4 and 7; the good .html and .txt
    assert clean is not None and "\x1b" not in clean.text and "\u202e" not in clean.text
    figures.append(
        (
            "hostile files (ingest)",
            f"{len(expected)} hostile items refused by name, {stored} good articles stored; "
            f"{seconds:.1f} s, peak {peak_mb:.0f} MB for the whole process tree",
        )
    )
    assert seconds < 60 and peak_mb < 500


def slack_command(bot: Bot, fakes: Fakes, n: int, text: str, **sign_kw: Any) -> tuple[int, str]:
    body = urlencode(
        {
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": "UFAULT",
            "user_name": "fault",
            "command": "/claimwatch" if not text.startswith("/") else text.split()[0],
            "text": text if not text.startswith("/") else text.split(" ", 1)[1],
            "response_url": f"{fakes.slack.url}/respond/h{n}",
        }
    )
    request = urllib.request.Request(
        f"http://127.0.0.1:{bot.slack_port}/slack/events",
        data=body.encode(),
        headers=sign(body, **{"secret": SIGNING_SECRET, **sign_kw}),
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, f"h{n}"
    except urllib.error.HTTPError as exc:
        return exc.code, f"h{n}"


def test_hostile_commands_ping_nobody_and_forged_requests_get_401(
    fault_db: str, fakes: Fakes, tmp_path: Path, figures: list[tuple[str, str]]
) -> None:
    bot = Bot(fault_db, fakes, tmp_path, CLAIMWATCH_SLACK_ADMINS="UFAULT").start()
    try:
        name = "<!channel> quake <@U42> <#C999>"
        commands = [
            f'topic add "{name}" dead OR killed',
            f"subscribe {slugify(name)}",
            "topic add \x1b[31mred\x1b[0m dead",
            "topic add bidi\u202eetouq dead",
            f"/claims {slugify(name)} \u2066",
            "/submit Title\n" + "word " * 60_000,
            "feed add http://169.254.169.254/latest/meta-data quake",
        ]
        keys = []
        for n, text in enumerate(commands):
            status, key = slack_command(bot, fakes, n, text)
            assert status == 200
            wait_until(lambda k=key: k in fakes.slack.responses, 30, f"the reply to {text[:40]}")
            keys.append(key)
        replies = {k: fakes.slack.responses[k] for k in keys}
        public = replies[keys[1]]
        assert public["response_type"] == "in_channel" and public["text"].startswith("<#C1>")
        refused = [replies[k]["text"] for k in keys[2:5]]
        assert all("control or invisible formatting characters" in r for r in refused), refused
        assert "CLAIMWATCH_ARTICLE_MAX_CHARS" in replies[keys[5]]["text"]
        assert "link-local" in replies[keys[6]]["text"]
        discord: FakeDiscord = fakes.discord
        fakes.run(discord.command("claimwatch topic add", name="@everyone <@&9009>", query="x"))
        fakes.run(discord.command("claimwatch topic add", name="bad\u202ename", query="x"))
        discord_bodies = message_bodies(discord)
        assert len(discord_bodies) == 2
        unguarded = [b for b in discord_bodies if b.get("allowed_mentions") != {"parse": []}]
        forged = slack_command(bot, fakes, 90, "topic list", secret="not-the-secret")[0]
        stale = slack_command(bot, fakes, 91, "topic list", ts=int(time.time()) - 400)[0]
        outgoing = [c.body for c in fakes.slack.calls] + list(fakes.slack.responses.values())
        texts = strings(outgoing)
        pings = [t for t in texts if MENTION.search(t) or channel_links(t) - {"C1"}]
        with urllib.request.urlopen(f"http://127.0.0.1:{bot.health_port}/healthz") as resp:
            healthy = resp.status == 200
    finally:
        bot.stop()
    figures.append(
        (
            "hostile commands",
            f"{len(commands)} Slack + 2 Discord commands: {len(pings)} mentions in "
            f"{len(texts)} outgoing Slack texts, {len(unguarded)} Discord messages without "
            f"allowed_mentions none; forged signature → {forged}, stale (400 s) replay → {stale}",
        )
    )
    assert pings == [] and unguarded == []
    assert (forged, stale) == (401, 401)
    assert healthy


@pytest.mark.parametrize(
    ("env", "line"),
    [
        (
            {"SLACK_BOT_TOKEN": "xoxb-revoked-77777", "SLACK_SIGNING_SECRET": "s"},
            "Claimwatch stopped: slack: TokenRejected: Slack rejected the bot token (invalid_auth)",
        ),
        (
            {"CLAIMWATCH_DATABASE_URL": "postgresql://bob:s3cret-db@127.0.0.1:{port}/x"},
            "Claimwatch stopped: the database at postgresql://***@127.0.0.1:{port}/x cannot "
            "be used: connection failed",
        ),
    ],
)
def test_start_up_failures_end_in_one_line(
    fault_db: str, fakes: Fakes, env: dict[str, str], line: str
) -> None:
    port = free_port()
    env = {k: v.format(port=port) for k, v in env.items()}
    full = cli_env(fault_db, CLAIMWATCH_SLACK_API_URL=fakes.slack.api_url, **env)
    result, _, _ = run_measured(
        [sys.executable, "-m", "bot.cli", "run", "--no-demo"], full, timeout=60
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(line.format(port=port)), result.stderr[-2000:]
    assert "s3cret-db" not in result.stderr and "xoxb-revoked" not in result.stderr
    assert os.linesep not in last
