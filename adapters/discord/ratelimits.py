"""What discord.py does not tell: whether a 429 was Discord's global rate limit.

``discord.RateLimited`` carries only ``retry_after``. ``RateLimitLog`` is an
aiohttp trace (discord.py's ``http_trace``) that remembers, per request path,
when the last 429 came and whether its headers said global
(``X-RateLimit-Global: true`` or ``X-RateLimit-Scope: global``).
"""

from __future__ import annotations

import time
from typing import Any

import aiohttp


class RateLimitLog:
    """The last 429 per request path, from discord.py's aiohttp trace: was it the global one?"""

    def __init__(self, keep_s: float = 10.0) -> None:
        self.keep_s = keep_s
        self._seen: dict[str, tuple[float, bool]] = {}
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

    def was_global(self, path_part: str) -> bool:
        now = time.monotonic()
        return any(
            is_global and now - at <= self.keep_s and path_part in path
            for path, (at, is_global) in self._seen.items()
        )
