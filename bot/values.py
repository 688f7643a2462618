"""The claim engine's value rules in the form the store takes them: over stored JSON,
and as the range of numbers detection must read back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.claims.model import ClaimValue


def stored_values_agree(value: Mapping[str, Any], shown: Mapping[str, Any]) -> bool:
    """Whether a stored value can be true together with the value shown for its source."""
    return ClaimValue.from_json(value).agrees_with(ClaimValue.from_json(shown))


RESTATE_SPAN = 2.0
"""How far apart two figures that restate each other can be, at most: far wider than
``ClaimValue.restates`` allows (10 % for "about", 1 % otherwise)."""


def restating_window(value: ClaimValue) -> tuple[float, float] | None:
    """The numbers that every figure restating ``value`` lies between (a generous
    superset), so detection reads only those of a source's earlier values; None for a
    stance or status (no figure restates it)."""
    if value.kind != "figure" or value.number is None:
        return None
    low, high = sorted((value.number / RESTATE_SPAN, value.number * RESTATE_SPAN))
    return low - 1.0, high + 1.0
