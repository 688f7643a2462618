"""HTML extraction under a budget: worker processes with a time limit and a memory cap.

``extract_page(html, url, budget)`` refuses a page over ``max_bytes`` before
parsing it, then hands it to a worker process that parses it, refuses it when
it has more than ``max_elements`` elements, and extracts it
(``bot.ingest.html.extract_html``). The worker's address space is capped at
``memory_mb`` above what it had at start; when it does not answer within
``timeout_s`` it is killed and replaced. Every refusal is an
``ExtractionFailed`` that says which budget the page ran over.

Workers are ``python -m bot.ingest.extract_worker`` processes, started on
first use (about a second: they import trafilatura) and reused; they never
inherit the bot's threads, sockets or database connections. At most
``WORKERS`` pages are extracted at once; more callers wait their turn.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import select
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.ingest.html import ExtractedPage, ExtractionFailed

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

WORKERS = 2


@dataclass(frozen=True)
class Budget:
    """What one page may cost: input size, elements, seconds and memory."""

    max_bytes: int = 10 * 1024 * 1024
    max_elements: int = 20_000
    timeout_s: float = 20.0
    memory_mb: int = 512

    @classmethod
    def from_settings(cls, settings: Settings) -> Budget:
        return cls(
            max_bytes=settings.extract_max_bytes,
            max_elements=settings.extract_max_elements,
            timeout_s=settings.extract_timeout_s,
            memory_mb=settings.extract_memory_mb,
        )


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


_HEADER = struct.Struct("!Q")


def _read_exact(fd: int, n: int, deadline: float) -> bytes:
    """``n`` bytes from ``fd`` before ``deadline`` (monotonic); TimeoutError or EOFError."""
    chunks: list[bytes] = []
    while n > 0:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


class _Worker:
    """One ``python -m bot.ingest.extract_worker`` process, framed pickles over its pipes."""

    def __init__(self, memory_mb: int) -> None:
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.ingest.extract_worker", str(memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )

    def ask(self, request: tuple[str, str, int], timeout_s: float) -> tuple[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        deadline = time.monotonic() + timeout_s
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.process.stdin.write(_HEADER.pack(len(data)) + data)
            self.process.stdin.flush()
            fd = self.process.stdout.fileno()
            (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
            answer: tuple[str, Any] = pickle.loads(_read_exact(fd, size, deadline))
        except TimeoutError:
            return "timeout", None
        except (EOFError, OSError, pickle.UnpicklingError):
            return "died", self.process.poll()
        return answer

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.wait(5)
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(Exception):
                if pipe is not None:
                    pipe.close()


class ExtractionPool:
    """Up to ``workers`` extraction processes, started on demand and reused."""

    def __init__(self, budget: Budget, workers: int = WORKERS) -> None:
        self.budget = budget
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(workers)

    def _take(self) -> _Worker:
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            return _Worker(self.budget.memory_mb)
        if worker.alive():
            return worker
        worker.kill()
        return _Worker(self.budget.memory_mb)

    def extract(self, html: str, url: str = "") -> ExtractedPage:
        """The page's article, within the budget; ``ExtractionFailed`` otherwise (blocking)."""
        budget = self.budget
        if len(html) > budget.max_bytes:
            raise ExtractionFailed(
                f"the page is {megabytes(len(html))}, over the {megabytes(budget.max_bytes)} "
                "limit for extracting HTML (CLAIMWATCH_EXTRACT_MAX_BYTES)"
            )
        with self._slots:
            worker = self._take()
            status, value = worker.ask((html, url, budget.max_elements), budget.timeout_s)
            if status in ("ok", "failed"):
                self._idle.put(worker)
            else:
                worker.kill()
        if status == "ok":
            page: ExtractedPage = value
            return page
        if status == "failed":
            raise ExtractionFailed(str(value))
        if status == "timeout":
            raise ExtractionFailed(
                f"extracting the page took longer than {budget.timeout_s:g} s, so it was "
                "given up (CLAIMWATCH_EXTRACT_TIMEOUT_S)"
            )
        if status == "memory":
            raise ExtractionFailed(
                f"extracting the page needed more than {budget.memory_mb} MB of memory, so it "
                "was given up (CLAIMWATCH_EXTRACT_MEMORY_MB)"
            )
        raise ExtractionFailed(
            f"the extraction process stopped without an answer (exit code {value}); the page "
            f"may need more than {budget.memory_mb} MB of memory (CLAIMWATCH_EXTRACT_MEMORY_MB)"
        )

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return


_pools: dict[Budget, ExtractionPool] = {}
_pools_lock = threading.Lock()


def extract_page(html: str, url: str, budget: Budget) -> ExtractedPage:
    """Extract ``html`` within ``budget`` using the process-wide pool for that budget."""
    with _pools_lock:
        pool = _pools.get(budget)
        if pool is None:
            pool = _pools[budget] = ExtractionPool(budget)
    return pool.extract(html, url)
