"""Liveness: is the event loop turning, the dispatcher moving and the database answering?

Three heartbeats, each with how stale it may get before the bot counts as
stuck (``CLAIMWATCH_HEALTH_*_STALE_S``):

* **loop** — a task on the bot's event loop beats every second; a blocked
  loop stops it;
* **dispatcher** — the dispatcher beats after every pass and every alert it
  sends or defers; a send that never returns stops it;
* **database** — a probe thread runs ``SELECT 1`` every few seconds through
  the app's connection pool; an unreachable or wedged database stops it.

The verdict is served by a small HTTP server in its own thread (so a blocked
loop still gets a clear 503) at ``/healthz`` on ``CLAIMWATCH_HEALTH_PORT``;
written to ``CLAIMWATCH_HEALTH_FILE`` (refreshed only while healthy, for
``python -m bot.health --file``); and sent to systemd's watchdog
(``WATCHDOG=1`` while healthy) when the unit sets ``NOTIFY_SOCKET``.
``python -m bot.health`` checks the endpoint (or the file) and exits 0 or 1,
for Docker's ``HEALTHCHECK`` and Kubernetes' exec probes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PATH = "/healthz"
TICK_S = 1.0
DB_PROBE_S = 5.0


@dataclass(frozen=True)
class Thresholds:
    loop_s: float = 10.0
    dispatcher_s: float = 120.0
    db_s: float = 60.0


class Health:
    """The three heartbeats and the verdict; thread-safe reads of monotonic times."""

    def __init__(
        self,
        thresholds: Thresholds,
        db_probe: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.thresholds = thresholds
        self.db_probe = db_probe
        self.clock = clock
        now = clock()
        self.beats = {"loop": now, "dispatcher": now, "database": now}
        self.db_error: str | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._server: ThreadingHTTPServer | None = None
        self._ticker: asyncio.Task[None] | None = None
        self.port: int | None = None

    def beat(self, what: str) -> None:
        self.beats[what] = self.clock()

    def report(self) -> tuple[bool, dict[str, Any]]:
        """(healthy, details): each heartbeat's age and whether it is within its limit."""
        now = self.clock()
        limits = {
            "loop": self.thresholds.loop_s,
            "dispatcher": self.thresholds.dispatcher_s,
            "database": self.thresholds.db_s,
        }
        checks: dict[str, Any] = {}
        for name, limit in limits.items():
            age = now - self.beats[name]
            checks[name] = {"ok": age <= limit, "age_s": round(age, 1), "limit_s": limit}
        if self.db_error and not checks["database"]["ok"]:
            checks["database"]["error"] = self.db_error
        healthy = all(c["ok"] for c in checks.values())
        return healthy, {"ok": healthy, "checks": checks}

    # -- running --------------------------------------------------------------------------

    async def _tick(self) -> None:
        while True:
            self.beat("loop")
            await asyncio.sleep(TICK_S)

    def _probe_db(self) -> None:
        while True:
            self.probe_once()
            if self._stop.wait(DB_PROBE_S if self.db_error is None else TICK_S):
                return

    def probe_once(self) -> None:
        if self.db_probe is None:
            self.beat("database")
            return
        try:
            self.db_probe()
        except Exception as exc:
            first = self.db_error is None
            self.db_error = f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:200]}"
            if first:
                log.warning("health: the database does not answer: %s", self.db_error)
        else:
            if self.db_error is not None:
                log.info("health: the database answers again")
            self.db_error = None
            self.beat("database")

    def _watch(self, heartbeat_file: Path | None) -> None:
        """Refresh the file and the systemd watchdog while healthy."""
        notify = SystemdNotifier.from_env()
        interval = min(TICK_S, notify.interval_s if notify else TICK_S)
        if notify:
            notify.send("READY=1")
        while not self._stop.wait(interval):
            healthy, details = self.report()
            if not healthy:
                continue
            if heartbeat_file is not None:
                with contextlib.suppress(OSError):
                    tmp = heartbeat_file.with_suffix(heartbeat_file.suffix + ".tmp")
                    tmp.write_text(json.dumps(details))
                    tmp.replace(heartbeat_file)
            if notify:
                notify.send("WATCHDOG=1")

    def start(self, host: str, port: int, heartbeat_file: str | None = None) -> None:
        """Start the loop ticker (on the running loop), the probe, the watcher and the server."""
        self._ticker = asyncio.get_running_loop().create_task(self._tick())
        path = Path(heartbeat_file) if heartbeat_file else None
        for target, args in ((self._probe_db, ()), (self._watch, (path,))):
            thread = threading.Thread(target=target, args=args, daemon=True, name="health")
            thread.start()
            self._threads.append(thread)
        if port >= 0:
            self._serve(host, port)

    def _serve(self, host: str, port: int) -> None:
        health = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.split("?", 1)[0] not in (PATH, "/livez", "/readyz"):
                    self.send_error(404)
                    return
                healthy, details = health.report()
                body = json.dumps(details).encode()
                self.send_response(200 if healthy else 503)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="healthz")
        thread.start()
        self._threads.append(thread)
        log.info("health endpoint on http://%s:%s%s", host, self.port, PATH)

    def stop(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.cancel()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class SystemdNotifier:
    """``sd_notify`` over ``NOTIFY_SOCKET``, without a dependency."""

    def __init__(self, address: str, interval_s: float) -> None:
        self.address = "\0" + address[1:] if address.startswith("@") else address
        self.interval_s = interval_s

    @classmethod
    def from_env(cls) -> SystemdNotifier | None:
        address = os.environ.get("NOTIFY_SOCKET")
        if not address:
            return None
        usec = os.environ.get("WATCHDOG_USEC", "")
        interval = int(usec) / 2_000_000 if usec.isdigit() else TICK_S
        return cls(address, max(interval, 0.1))

    def send(self, message: str) -> None:
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.sendto(message.encode(), self.address)


def check(url: str | None, file: str | None, max_age_s: float, timeout_s: float) -> str | None:
    """None when healthy, else why not (the probe command's logic)."""
    if file:
        try:
            age = time.time() - Path(file).stat().st_mtime
        except OSError as exc:
            return f"no heartbeat file {file} ({exc.strerror})"
        return None if age <= max_age_s else f"heartbeat file is {age:.0f} s old"
    assert url is not None
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as resp:
            return None if resp.status == 200 else f"{url} answered {resp.status}"
    except urllib.error.HTTPError as exc:
        return f"{url} answered {exc.code}: {exc.read().decode(errors='replace')[:300]}"
    except (OSError, TimeoutError) as exc:
        return f"{url} did not answer: {exc}"


def main(argv: list[str] | None = None) -> int:
    """``python -m bot.health``: exit 0 when the bot on this machine is healthy, else 1."""
    port = os.environ.get("CLAIMWATCH_HEALTH_PORT", "8080")
    parser = argparse.ArgumentParser(prog="python -m bot.health", description=main.__doc__)
    parser.add_argument("--url", default=f"http://127.0.0.1:{port}{PATH}")
    parser.add_argument("--file", default=None, help="check a heartbeat file's age instead")
    parser.add_argument("--max-age", type=float, default=30.0, help="seconds (with --file)")
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    problem = check(args.url, args.file, args.max_age, args.timeout)
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
