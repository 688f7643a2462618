"""What discord.py does not tell: that a 429 came, and whether it was the global limit.

``RateLimitLog`` is an aiohttp trace (discord.py's ``http_trace``). It
remembers, per request path, when the last 429 came and whether its headers
said global (``X-RateLimit-Global: true`` or ``X-RateLimit-Scope: global``),
since ``discord.RateLimited`` carries only ``retry_after``; and it tells a
sender waiting on a post that the post got a (non-global) 429, so the sender
can hand the wait to the dispatcher instead of letting discord.py sleep on it
and hold up every other alert.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp


class RateLimitLog:
    """The last 429 per request path, from discord.py's aiohttp trace: was it the global one?"""

    def __init__(self, keep_s: float = 10.0) -> None:
        self.keep_s = keep_s
        self._seen: dict[str, tuple[float, bool]] = {}
        self._watchers: list[tuple[str, asyncio.Future[float]]] = []
        self.trace = aiohttp.TraceConfig()
        self.trace.on_request_end.append(self._on_request_end)

    async def _on_request_end(
        self, session: Any, context: Any, params: aiohttp.TraceRequestEndParams
    ) -> None:
        if params.response.status != 429:
            return
        headers = params.response.headers
        is_global = (
            headers.get("X-RateLimit-Global", "").lower() == "true"
            or headers.get("X-RateLimit-Scope", "").lower() == "global"
        )
        self._seen[params.url.path] = (time.monotonic(), is_global)
        if is_global:  # discord.py holds every request until it passes: let it
            return
        try:
            retry_after = float(headers.get("Retry-After", "") or 1.0)
        except ValueError:
            retry_after = 1.0
        for part, future in self._watchers:
            if part in params.url.path and not future.done():
                future.set_result(retry_after)

    def watch(self, path_part: str) -> asyncio.Future[float]:
        """A future resolved with ``Retry-After`` when a request to ``path_part`` gets a 429."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._watchers.append((path_part, future))
        return future

    def unwatch(self, future: asyncio.Future[float]) -> None:
        self._watchers = [(p, f) for p, f in self._watchers if f is not future]
        future.cancel()

    def was_global(self, path_part: str) -> bool:
        now = time.monotonic()
        return any(
            is_global and now - at <= self.keep_s and path_part in path
            for path, (at, is_global) in self._seen.items()
        )
