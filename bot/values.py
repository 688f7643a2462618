"""The claim engine's value rules in the form the store takes them: over stored JSON,
and as the numbers detection must read back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain import ABOUT_TOLERANCE, EXACT_TOLERANCE, ClaimValue, Qualifier


def stored_values_agree(value: Mapping[str, Any], shown: Mapping[str, Any]) -> bool:
    """Whether a stored value can be true together with the value shown for its source."""
    return ClaimValue.from_json(value).agrees_with(ClaimValue.from_json(shown))


LOOSE_MARGIN = ABOUT_TOLERANCE
"""How far a value stated "about" may lie from a figure that restates it."""
TIGHT_MARGIN = EXACT_TOLERANCE * 1.2
"""How far two exact figures may lie apart and still be one figure (with a margin)."""

NearRange = tuple[float, float, bool]
"""(low, high, loose_only): earlier values whose number lies in [low, high]; with
``loose_only`` only those stated "about"."""


@dataclass(frozen=True)
class ReadBack:
    """What detection must read back of a key's earlier values for some new figures: the
    values that could restate them — any within a hair of each figure, those stated
    "about" within 10 % of it (``near``; None when there are no figures) — and, for each
    bound or range among them ("at least 1,000", "7,000 to 12,000"), whether any source
    gave an exact figure inside it — (low, high, unit) — since a bound restates every
    such one. Nothing else of the
    history is read, so the cost does not grow with it."""

    near: tuple[NearRange, ...] | None
    bounds: tuple[tuple[float, float, str | None], ...] = ()


def _around(n: float, margin: float, slack: float) -> tuple[float, float]:
    a, b = n * (1 - margin), n / (1 - margin)
    return min(a, b) - slack, max(a, b) + slack


def read_back(values: Iterable[ClaimValue]) -> ReadBack:
    """The read-back for the new ``values`` of one key: never the whole history, only
    the values each figure could restate (``detect.restates``) and one exact figure per
    source inside each bound."""
    near: list[NearRange] = []
    bounds: list[tuple[float, float, str | None]] = []
    for value in values:
        if value.kind != "figure" or value.number is None:
            continue
        n = value.number
        if value.qualifier is Qualifier.ABOUT:
            low, high = _around(n, LOOSE_MARGIN, 1.0)
            near.append((low, high, False))  # "about" restates anything within 10 %
        else:
            near.append((*_around(n, TIGHT_MARGIN, 1e-9), False))
            near.append((*_around(n, LOOSE_MARGIN, 1.0), True))
        if value.qualifier in _BOUNDS:
            low, high = value.interval
            bounds.append((low, high, value.unit))
    return ReadBack(tuple(near) if near else None, tuple(bounds))


_BOUNDS = (Qualifier.AT_LEAST, Qualifier.MORE_THAN, Qualifier.UP_TO, Qualifier.RANGE)
