"""The kinds of claim event, each defined once: stored in the events table, compared by
detection, the outbox and evaluation, and named by ``bot.domain`` for the core.

They live here, in the lowest layer, so that the store can use them without importing
the core. Members are ``str`` (``EventKind.CHANGED == "changed"``); code that writes
them to the database passes ``.value``.
"""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    """What a claim is, next to what was said before on its key (see DESIGN.md)."""

    NEW_CLAIM = "new_claim"
    NEW_SOURCE = "new_source"
    CHANGED = "changed"
    REPEAT = "repeat"


ALERT_KINDS = frozenset(
    {EventKind.NEW_CLAIM.value, EventKind.NEW_SOURCE.value, EventKind.CHANGED.value}
)
