"""Rate-limit pauses by scope: a pause covers its bucket and everything under it, nothing else."""

from __future__ import annotations

from bot.ratelimits import RateLimits


def test_scopes_cover_what_is_under_them_and_nothing_else() -> None:
    limits = RateLimits()
    limits.pause(("slack", "T1", "C1"), 30, now=1000)
    assert limits.wait_s("slack", "T1", "C1", now=1010) == 20
    assert limits.wait_s("slack", "T1", "C2", now=1010) is None
    limits.pause(("slack", "T1"), 5, now=1010)
    assert limits.wait_s("slack", "T1", "C2", now=1012) == 3
    assert limits.wait_s("slack", "T1", "C1", now=1012) == 18  # the longer pause wins
    assert limits.wait_s("slack", "T2", "C1", now=1012) is None
    limits.pause(("discord",), 60, now=1000)
    assert limits.wait_s("discord", "G1", "123", now=1059) == 1
    assert limits.wait_s("discord", "G1", "123", now=1060) is None
    assert limits.paused(now=1031) == {}


def test_a_shorter_pause_does_not_cut_a_longer_one() -> None:
    limits = RateLimits()
    limits.pause(("slack", "T1", "C1"), 120, now=0)
    limits.pause(("slack", "T1", "C1"), 1, now=10)
    assert limits.wait_s("slack", "T1", "C1", now=20) == 100
