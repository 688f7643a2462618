"""robots.txt, fetched by the function it is given and parsed by ``urllib.robotparser``, per
origin.

Follows RFC 9309 where it matters: a missing robots.txt (any 4xx) allows
everything; a server error or an unreachable server disallows everything for
a short while, then it is tried again.
"""

from __future__ import annotations

import asyncio
import time
import urllib.robotparser
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

ROBOTS_TTL_S = 3600.0
ROBOTS_ERROR_TTL_S = 300.0
ROBOTS_MAX_BYTES = 512 * 1024


@dataclass(frozen=True)
class RobotsFile:
    """What fetching a robots.txt gave: its ``text``; or none, ``missing`` when the site has
    none (a 4xx, not a text file: everything allowed), else it could not be read."""

    text: str | None = None
    missing: bool = False


RobotsFetch = Callable[[str], Awaitable[RobotsFile]]


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

    def __init__(self, fetch: RobotsFetch, user_agent: str, ttl_s: float = ROBOTS_TTL_S) -> None:
        self._fetch = fetch
        self._user_agent = user_agent
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
        return entry.parser.can_fetch(self._user_agent, url)

    async def _load(self, origin: str) -> _Entry:
        now = time.monotonic()
        found = await self._fetch(origin + "/robots.txt")
        if found.text is None:
            if found.missing:
                return _Entry(None, True, now + self._ttl_s)
            return _Entry(None, False, now + ROBOTS_ERROR_TTL_S)
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(found.text[:ROBOTS_MAX_BYTES].splitlines())
        return _Entry(parser, False, now + self._ttl_s)
