"""The claim engine's value rules in the form the store takes them: over stored JSON,
and as the range of numbers detection must read back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.claims.model import ClaimValue


def stored_values_agree(value: Mapping[str, Any], shown: Mapping[str, Any]) -> bool:
    """Whether a stored value can be true together with the value shown for its source."""
    return ClaimValue.from_json(value).agrees_with(ClaimValue.from_json(shown))


RESTATE_SPAN = 2.0
"""How far apart a figure and a rounded form of it can be, at most: far wider than the
claim engine's tolerance for rounding."""


def restating_window(values: Iterable[ClaimValue]) -> tuple[float, float] | None:
    """The numbers between which lies every earlier figure that one of ``values`` may
    restate (a generous superset: each figure's own interval, since a bound holds every
    figure inside it, widened by ``RESTATE_SPAN`` for rounding), so detection reads back
    only those; None when none of ``values`` is a figure (nothing but stances and
    statuses can match then, and those are always read)."""
    lows: list[float] = []
    highs: list[float] = []
    for value in values:
        if value.kind != "figure" or value.number is None:
            continue
        low, high = value.interval
        near_low, near_high = sorted((value.number / RESTATE_SPAN, value.number * RESTATE_SPAN))
        lows.append(min(low, near_low) - 1.0)
        highs.append(max(high, near_high) + 1.0)
    return (min(lows), max(highs)) if lows else None
