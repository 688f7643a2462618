"""robots.txt, fetched through the safe fetcher and parsed by ``urllib.robotparser``, per origin.

Follows RFC 9309 where it matters: a missing robots.txt (any 4xx) allows
everything; a server error or an unreachable server disallows everything for
a short while, then it is tried again.
"""

from __future__ import annotations

import asyncio
import time
import urllib.robotparser
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from bot.ingest.fetch import SafeFetcher

ROBOTS_TTL_S = 3600.0
ROBOTS_ERROR_TTL_S = 300.0
ROBOTS_MAX_BYTES = 512 * 1024


@dataclass
class _Entry:
    parser: urllib.robotparser.RobotFileParser | None
    allow_all: bool
    expires: float


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class RobotsCache:
    """Whether Claimwatch's user agent may fetch a URL, one robots.txt per origin."""

    def __init__(self, fetcher: SafeFetcher, ttl_s: float = ROBOTS_TTL_S) -> None:
        self._fetcher = fetcher
        self._ttl_s = ttl_s
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def allowed(self, url: str) -> bool:
        origin = _origin(url)
        entry = self._entries.get(origin)
        if entry is None or entry.expires < time.monotonic():
            lock = self._locks.setdefault(origin, asyncio.Lock())
            async with lock:
                entry = self._entries.get(origin)
                if entry is None or entry.expires < time.monotonic():
                    entry = await self._load(origin)
                    self._entries[origin] = entry
        if entry.allow_all:
            return True
        if entry.parser is None:
            return False
        return entry.parser.can_fetch(self._fetcher.user_agent, url)

    async def _load(self, origin: str) -> _Entry:
        from bot.ingest.fetch import ACCEPT_TEXT, FetchError

        now = time.monotonic()
        try:
            result = await self._fetcher.fetch(
                origin + "/robots.txt",
                user_submitted=False,
                accept=ACCEPT_TEXT,
                allowed_types=("text/plain",),
            )
        except FetchError as exc:
            if exc.reason in ("private_address", "scheme", "dns"):
                raise
            if exc.status is not None and 400 <= exc.status < 500:
                return _Entry(None, True, now + self._ttl_s)
            if exc.reason in ("content_type", "too_large"):
                return _Entry(None, True, now + self._ttl_s)
            return _Entry(None, False, now + ROBOTS_ERROR_TTL_S)
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(result.text[:ROBOTS_MAX_BYTES].splitlines())
        return _Entry(parser, False, now + self._ttl_s)
