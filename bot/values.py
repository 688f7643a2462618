"""The claim engine's value rules in the form the store takes them: over stored JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.claims.model import ClaimValue


def stored_values_agree(value: Mapping[str, Any], shown: Mapping[str, Any]) -> bool:
    """Whether a stored value can be true together with the value shown for its source."""
    return ClaimValue.from_json(value).agrees_with(ClaimValue.from_json(shown))
