"""Claim keys and their human labels.

Keys are coarse on purpose so that different outlets' wordings of the same
proposition meet: every count of soldiers, whether "sent 12,000 soldiers" or
"12,000 troops deployed", is ``troops:count``.
"""

from __future__ import annotations

STANCE_KEY = "topic:stance"


def count_key(counted: str) -> tuple[str, str]:
    return f"{counted}:count", f"{counted} — count"


def rate_key(measured: str) -> tuple[str, str]:
    return f"{measured}:rate", f"{measured} — rate"


def amount_key(measured: str) -> tuple[str, str]:
    return f"{measured}:amount", f"{measured} — amount"


def status_key(counted: str) -> tuple[str, str]:
    return f"{counted}:status", f"{counted} — status"


def location_key(counted: str) -> tuple[str, str]:
    return f"{counted}:location", f"{counted} — location"


def stance_key(topic_name: str) -> tuple[str, str]:
    name = topic_name.strip() or "claim"
    return STANCE_KEY, f"{name} — confirmation"
