"""A rate limiter for the fake platforms: after ``allow`` posts a channel answers 429 with
``Retry-After`` for ``retry_after`` seconds, and every request inside that window is
recorded as a violation (a client that did not wait)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field


@dataclass
class ChannelLimit:
    allow: int
    retry_after: float
    windows: int = 1
    posts: int = 0
    window_end: float = 0.0
    opened: list[float] = field(default_factory=list)
    violations: list[float] = field(default_factory=list)

    def check(self) -> float | None:
        """None to let a post through, else the Retry-After seconds to answer with."""
        now = time.monotonic()
        if now < self.window_end:
            self.violations.append(now)
            return self.window_end - now
        if self.posts >= self.allow and len(self.opened) < self.windows:
            self.window_end = now + self.retry_after
            self.opened.append(now)
            self.posts = 0
            return self.retry_after
        self.posts += 1
        return None


def header_seconds(seconds: float) -> str:
    """Retry-After as platforms send it: whole seconds, rounded up."""
    return str(max(1, math.ceil(seconds)))
