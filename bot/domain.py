"""The core's vocabulary, one name each: the kinds of claim event and those that alert.

``EventKind`` and ``ALERT_KINDS`` are defined in ``storage.kinds`` (the store, the lowest
layer, needs them too) and named here for the core, the adapters and evaluation.
"""

from __future__ import annotations

from storage.kinds import ALERT_KINDS, EventKind

__all__ = ["ALERT_KINDS", "EventKind"]
