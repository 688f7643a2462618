"""The fault suite's rig: fake Slack and Discord on 127.0.0.1, the real bot and CLI as processes.

``Fakes`` serves ``FakeSlack`` and ``FakeDiscord`` from an event loop in a
thread, so a test can kill and restart bot processes while the fakes keep
recording. ``Bot`` runs ``python -m bot.cli run`` with both adapters pointed
at the fakes (Slack in HTTP mode on a free port), its health endpoint on a
free port, and a short lease and sweep so restarts resume quickly.
``queue_alerts`` fills the outbox the way ingest does (the real pipeline,
the tests' pattern extractor), and ``delivered`` counts what reached each
channel, per alert.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from bot.app import build_app
from bot.config import Settings
from tests.conftest import PatternExtractor, article
from tests.discord.fake_discord import GUILD_ID, FakeDiscord
from tests.slack.fake_slack import FakeSlack

ROOT = Path(__file__).parents[2]
SIGNING_SECRET = "fault-suite-signing-secret"
SLACK_TOKEN = "xoxb-fault-suite-0001"
DISCORD_TOKEN = "ZmF1bHQtc3VpdGU.fault.token"
TEAM = "T1"
UNITS = ("dead", "injured", "missing", "displaced", "evacuated")
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(predicate: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


class Fakes:
    """Fake Slack and Discord APIs on their own event loop thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="fakes")
        self._thread.start()
        self.slack: FakeSlack = self.run(self._make(FakeSlack))
        self.discord: FakeDiscord = self.run(self._make(FakeDiscord))
        self.run(self.slack.start())
        self.run(self.discord.start())

    @staticmethod
    async def _make(cls: Callable[[], T]) -> T:
        return cls()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.run(self.slack.close())
        self.run(self.discord.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


class Bot:
    """``claimwatch run`` in a subprocess, with its log in a file."""

    def __init__(self, db_url: str, fakes: Fakes, workdir: Path, **env: str) -> None:
        self.log_path = workdir / "bot.log"
        self.slack_port = free_port()
        self.env = cli_env(db_url)
        self.env.update(
            PYTHONUNBUFFERED="1",
            CLAIMWATCH_LOG_LEVEL="INFO",
            CLAIMWATCH_HEALTH_HOST="127.0.0.1",
            CLAIMWATCH_HEALTH_PORT="0",
            CLAIMWATCH_DISPATCH_SWEEP_S="0.3",
            CLAIMWATCH_ALERT_LEASE_S="4",
            CLAIMWATCH_FETCH_ALLOW_HOSTS="127.0.0.1",
            SLACK_BOT_TOKEN=SLACK_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            CLAIMWATCH_SLACK_API_URL=fakes.slack.api_url,
            CLAIMWATCH_SLACK_PORT=str(self.slack_port),
            DISCORD_TOKEN=DISCORD_TOKEN,
            CLAIMWATCH_DISCORD_API_URL=fakes.discord.api_url,
            CLAIMWATCH_DISCORD_GATEWAY_URL=fakes.discord.gateway_url,
        )
        self.env.update(env)
        self.fakes = fakes
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, wait: bool = True) -> Bot:
        identifies = len(self.fakes.discord.identifies)
        self.log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run", "--no-demo"],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1
        if wait:
            wait_until(lambda: "Claimwatch running with" in self.log(), 60, "the bot to start")
            if "DISCORD_TOKEN" in self.env:
                wait_until(
                    lambda: len(self.fakes.discord.identifies) > identifies,
                    30,
                    "the bot to connect to the Discord gateway",
                )
        return self

    def log(self) -> str:
        """This run's log."""
        with self.log_path.open("rb") as fh:
            fh.seek(self.log_offset)
            return fh.read().decode(errors="replace")

    @property
    def health_port(self) -> int:
        m = re.search(r"health endpoint on http://[^:]+:(\d+)/healthz", self.log())
        assert m, "no health endpoint in the log"
        return int(m.group(1))

    def kill(self) -> None:
        """``kill -9``: no chance to clean up."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM, as systemd, Docker and Kubernetes stop it; the exit status."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def queue_alerts(
    db_url: str,
    n: int,
    *,
    slack_channels: tuple[str, ...] = (),
    discord_channels: tuple[int, ...] = (),
    start: int = 1,
) -> int:
    """``n`` articles through the real pipeline, one alert each per subscribed channel."""
    app = build_app(
        Settings(database_url=db_url, demo=False, console=False), extractor=PatternExtractor()
    )
    repo = app.repo
    try:
        for platform, workspace, channels in (
            ("slack", TEAM, slack_channels),
            ("discord", str(GUILD_ID), tuple(str(c) for c in discord_channels)),
        ):
            if not channels:
                continue
            repo.ensure_workspace(platform, workspace)
            topic = repo.find_topic(platform, workspace, "quake") or repo.add_topic(
                platform, workspace, "Quake", "quake", "dead"
            )
            for channel in channels:
                repo.subscribe(topic.id, platform, workspace, channel, "instant", "fault", 3600)
        for i in range(start, start + n):
            unit = UNITS[i % len(UNITS)]  # a few keys: a key stops alerting after ~100 sources
            figure = round(1000 * 1.02**i) * 10 + 3  # 2 % apart: no figure restates another
            text = f"Quake news, dead and hurt. Agency{i} says {figure:,} {unit}."
            app.pipeline.ingest_sync(article(i, text, hours=i / 20))
        return len(repo.alerts())
    finally:
        repo.dispose()


def slack_deliveries(fakes: Fakes, channel: str | None = None) -> Counter[str]:
    """Accepted chat.postMessage calls per alert (the block id carries the alert id)."""
    seen: Counter[str] = Counter()
    for call in list(fakes.slack.calls):
        if call.method != "chat.postMessage" or call.status != 200:
            continue
        if channel is not None and call.body.get("channel") != channel:
            continue
        for block in call.body.get("blocks") or []:
            if block.get("type") == "actions":
                seen[f"{call.body.get('channel')}:{block['block_id']}"] += 1
    return seen


def discord_deliveries(fakes: Fakes, channel: int) -> Counter[str]:
    """Accepted posts to a channel per alert (the embed links the article)."""
    seen: Counter[str] = Counter()
    for rec in fakes.discord.posts_to(channel):
        for embed in (rec.json or {}).get("embeds") or []:
            seen[f"{channel}:{embed.get('url')}"] += 1
    return seen


def losses_and_doubles(seen: Counter[str], expected: int) -> tuple[int, int]:
    """(alerts never delivered, extra deliveries)."""
    return expected - len(seen), sum(n - 1 for n in seen.values())


def tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants, in MB (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, ValueError, IndexError):
            continue
    family, grew = {root}, True
    while grew:
        more = {pid for pid, ppid in parents.items() if ppid in family} - family
        family |= more
        grew = bool(more)
    total = 0
    for pid in family:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total / 1024


def run_measured(
    args: list[str], env: dict[str, str], timeout: float
) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run a command; (result, seconds, peak MB of its whole process tree)."""
    started = time.monotonic()
    proc = subprocess.Popen(
        args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = 0.0
    out: list[str] = []

    def communicate() -> None:
        out.extend(proc.communicate(timeout=timeout))

    reader = threading.Thread(target=communicate, daemon=True)
    reader.start()
    while reader.is_alive():
        peak = max(peak, tree_rss_mb(proc.pid))
        reader.join(0.05)
    seconds = time.monotonic() - started
    result = subprocess.CompletedProcess(args, proc.returncode, out[0], out[1])
    return result, seconds, peak


def cli_env(db_url: str, **extra: str) -> dict[str, str]:
    """This environment without any Claimwatch or platform settings, plus the given ones."""
    prefixes = ("CLAIMWATCH_", "SLACK_", "DISCORD_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.update(
        PYTHONPATH=str(ROOT),
        CLAIMWATCH_DATABASE_URL=db_url,
        CLAIMWATCH_CONSOLE="false",
        CLAIMWATCH_DEMO="false",
        CLAIMWATCH_HEALTH_PORT="-1",
    )
    env.update(extra)
    return env
