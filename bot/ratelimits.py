"""Rate-limit pauses per bucket: after a 429, nothing more goes to that bucket until it ends.

A bucket is a *scope*, a tuple read from the top: ``(platform,)`` is all of a
platform (Discord's global limit), ``(platform, workspace)`` one workspace
(Slack's workspace-wide limit), ``(platform, workspace, channel)`` one
channel (Slack's per-channel limit, Discord's route bucket for posting to a
channel). A pause on a scope covers every channel under it; other scopes
keep flowing. Pauses live in the process that saw the 429. Times are
seconds since the epoch, given by the caller (the dispatcher's clock, which
tests move forward).
"""

from __future__ import annotations

import time

Scope = tuple[str, ...]


def channel_scope(platform: str, workspace_id: str, channel_id: str) -> Scope:
    return (platform, workspace_id, channel_id)


class RateLimits:
    """Pauses by scope, each with the time it ends."""

    def __init__(self) -> None:
        self._until: dict[Scope, float] = {}

    def pause(self, scope: Scope, seconds: float, now: float | None = None) -> None:
        """Nothing goes to ``scope`` (or under it) for ``seconds``; a longer pause stays."""
        end = (time.time() if now is None else now) + max(seconds, 0.0)
        if end > self._until.get(scope, 0.0):
            self._until[scope] = end

    def wait_s(
        self, platform: str, workspace_id: str, channel_id: str, now: float | None = None
    ) -> float | None:
        """Seconds until a send to this channel may go, or None when it may go now."""
        now = time.time() if now is None else now
        channel = channel_scope(platform, workspace_id, channel_id)
        longest = 0.0
        for depth in range(1, len(channel) + 1):
            end = self._until.get(channel[:depth])
            if end is None:
                continue
            if end <= now:
                del self._until[channel[:depth]]
            else:
                longest = max(longest, end - now)
        return longest or None

    def paused(self, now: float | None = None) -> dict[Scope, float]:
        """Every active pause and the seconds it has left (for status and tests)."""
        now = time.time() if now is None else now
        return {scope: end - now for scope, end in self._until.items() if end > now}
