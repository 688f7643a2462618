"""The claim engine's value rules in the form the store takes them: over stored JSON,
and as the numbers detection must read back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain import ClaimValue, Qualifier


def stored_values_agree(value: Mapping[str, Any], shown: Mapping[str, Any]) -> bool:
    """Whether a stored value can be true together with the value shown for its source."""
    return ClaimValue.from_json(value).agrees_with(ClaimValue.from_json(shown))


ROUNDING = 0.15
"""How far apart a figure and a rounded form of it can be: wider than the claim engine's
tolerance for "about" (10 %)."""


@dataclass(frozen=True)
class ReadBack:
    """What detection must read back of a key's earlier values for some new figures: the
    values whose number lies in ``window`` (a rounded or loose restatement is near the
    figure), and, for each bound among them ("at least 1,000"), whether any source gave an
    exact figure inside it — (low, high, unit) — since a bound restates every such one."""

    window: tuple[float, float] | None
    bounds: tuple[tuple[float, float, str | None], ...] = ()


def read_back(values: Iterable[ClaimValue]) -> ReadBack:
    """The read-back for the new ``values`` of one key: never the whole history, only
    the values near each figure and one exact figure per source inside each bound."""
    lows: list[float] = []
    highs: list[float] = []
    bounds: list[tuple[float, float, str | None]] = []
    for value in values:
        if value.kind != "figure" or value.number is None:
            continue
        top = value.number_high if value.number_high is not None else value.number
        lows.append(min(value.number, top) * (1 - ROUNDING) - 1.0)
        highs.append(max(value.number, top) * (1 + ROUNDING) + 1.0)
        if value.qualifier in (Qualifier.AT_LEAST, Qualifier.MORE_THAN, Qualifier.UP_TO):
            low, high = value.interval
            bounds.append((low, high, value.unit))
    window = (min(lows), max(highs)) if lows else None
    return ReadBack(window, tuple(bounds))
