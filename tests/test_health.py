"""Liveness that fails when something is wedged: the event loop blocked, the dispatcher stuck
in a send, the database unreachable; served on /healthz, a heartbeat file and systemd's
watchdog, and checked by ``python -m bot.health``."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from adapters.fake import FakeAdapter
from bot.app import build_app
from bot.config import Settings
from bot.domain import Alert
from bot.health import Health, Thresholds
from storage.db import make_engine
from storage.repository import Repository
from tests.conftest import PatternExtractor, article


def get(port: int) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_a_blocked_event_loop_fails_the_check() -> None:
    health = Health(Thresholds(loop_s=1.0))
    health.start("127.0.0.1", 0)
    try:
        await asyncio.sleep(0.2)
        assert get(health.port)[0] == 200
        time.sleep(1.8)  # the loop is blocked; the endpoint answers from its own thread
        status, details = get(health.port)
        assert status == 503 and not details["checks"]["loop"]["ok"]
        assert details["checks"]["database"]["ok"] and details["checks"]["dispatcher"]["ok"]
        await asyncio.sleep(1.2)
        assert get(health.port)[0] == 200  # turning again
    finally:
        health.stop()


class StuckAdapter(FakeAdapter):
    """A platform whose API never answers a post."""

    async def send_alert(self, alert: Alert) -> str | None:
        await asyncio.Event().wait()
        return None


async def test_a_stuck_dispatcher_fails_the_check(settings: Settings) -> None:
    app = build_app(
        settings.model_copy(update={"health_dispatcher_stale_s": 1.5, "dispatch_sweep_s": 0.2}),
        extractor=PatternExtractor(),
    )
    app.dispatcher.add_sender(StuckAdapter())
    try:
        app.repo.ensure_workspace("fake", "ws1")
        topic = app.repo.add_topic("fake", "ws1", "Quake", "quake", "dead")
        app.repo.subscribe(topic.id, "fake", "ws1", "general", "instant", "tester", 3600)
        await app.start_background()
        await asyncio.sleep(0.5)
        assert get(app.health.port)[0] == 200
        await app.pipeline.ingest(article(1, "Agency says 40 dead."))
        await wait_for(lambda: get(app.health.port)[0] == 503, timeout=6)
        details = get(app.health.port)[1]
        assert not details["checks"]["dispatcher"]["ok"] and details["checks"]["loop"]["ok"]
    finally:
        await app.stop()
        app.repo.dispose()


async def test_an_unreachable_database_fails_the_check() -> None:
    repo = Repository(make_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/none"))
    health = Health(Thresholds(db_s=1.0), db_probe=lambda: repo.kv_get("health", "probe"))
    health.start("127.0.0.1", 0)
    try:
        await wait_for(lambda: get(health.port)[0] == 503, timeout=10)
        details = get(health.port)[1]
        assert not details["checks"]["database"]["ok"]
        assert "OperationalError" in details["checks"]["database"]["error"]
    finally:
        health.stop()
        repo.dispose()


async def test_the_heartbeat_file_and_the_probe_command(tmp_path: Path) -> None:
    beat = tmp_path / "heartbeat.json"
    health = Health(Thresholds(loop_s=1.0))
    health.start("127.0.0.1", 0, str(beat))
    try:
        await wait_for(beat.exists)
        probe = [sys.executable, "-m", "bot.health"]
        ok = await asyncio.to_thread(
            subprocess.run, [*probe, "--url", f"http://127.0.0.1:{health.port}/healthz"]
        )
        assert ok.returncode == 0
        fresh = await asyncio.to_thread(
            subprocess.run, [*probe, "--file", str(beat), "--max-age", "3"]
        )
        assert fresh.returncode == 0
        time.sleep(1.5)  # wedge the loop: the file is no longer refreshed
        mtime = beat.stat().st_mtime
        time.sleep(1.5)
        assert beat.stat().st_mtime == mtime
        stale = subprocess.run(
            [*probe, "--file", str(beat), "--max-age", "1"], capture_output=True, text=True
        )
        assert stale.returncode == 1 and "heartbeat file is" in stale.stderr
        wedged = subprocess.run(
            [*probe, "--url", f"http://127.0.0.1:{health.port}/healthz"],
            capture_output=True,
            text=True,
        )
        assert wedged.returncode == 1 and "503" in wedged.stderr
    finally:
        health.stop()


async def test_systemd_watchdog_is_fed_only_while_healthy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    address = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(address)
    sock.settimeout(0.1)
    monkeypatch.setenv("NOTIFY_SOCKET", address)
    monkeypatch.setenv("WATCHDOG_USEC", "400000")
    health = Health(Thresholds(loop_s=0.8))
    health.start("127.0.0.1", -1)

    def drain() -> list[bytes]:
        got = []
        while True:
            try:
                got.append(sock.recv(100))
            except TimeoutError:
                return got

    try:
        await asyncio.sleep(1.0)
        first = drain()
        assert first[0] == b"READY=1" and b"WATCHDOG=1" in first
        time.sleep(2.0)  # a wedged loop: from 0.8 s on, no more WATCHDOG=1
        late = drain()
        assert len(late) <= 4
        time.sleep(1.0)
        assert drain() == []
    finally:
        health.stop()
        sock.close()
