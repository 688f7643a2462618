"""Detection: is a claim new, from a new source, changed, or a repeat?

Pure functions over a claim and the history of its key on its topic. The
history holds each earlier statement with its source, value and the time it
was made; a background mention (an old statement quoted again) is dated to
when it was said and never overrides a newer value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.claims.model import ClaimValue

NEW_CLAIM = "new_claim"
NEW_SOURCE = "new_source"
CHANGED = "changed"
REPEAT = "repeat"
ALERT_KINDS = frozenset({NEW_CLAIM, NEW_SOURCE, CHANGED})


@dataclass(frozen=True)
class Statement:
    """One earlier claim under the same key: who, what, when, where."""

    source: str
    value: ClaimValue
    asserted_at: datetime
    article_id: int
    outlet: str = ""
    background: bool = False


@dataclass(frozen=True)
class Decision:
    kind: str
    previous: ClaimValue | None = None
    conflicts_with: tuple[str, ...] = ()
    agrees_with: tuple[str, ...] = ()
    note: str | None = None
    stale: bool = False

    @property
    def alerts(self) -> bool:
        return self.kind in ALERT_KINDS


def latest_by_source(history: Sequence[Statement]) -> dict[str, Statement]:
    """Each source's latest statement by the time it was made; background and stale
    quotes count only for a source heard of in no other way."""
    state: dict[str, Statement] = {}
    for st in sorted(history, key=lambda s: (not s.background, s.asserted_at)):
        current = state.get(st.source)
        if current is None or (st.asserted_at >= current.asserted_at or current.background):
            state[st.source] = st
    return state


def _compatible_restatement(new: ClaimValue, old: ClaimValue) -> bool:
    """Same statement again, or a vaguer one that still contains it ("more than 1,000"
    after "1,002"): nothing a reader needs to hear about."""
    if new.restates(old):
        return True
    if new.kind != "figure" or old.kind != "figure":
        return False
    new_lo, new_hi = new.interval
    old_lo, old_hi = old.interval
    return new_lo <= old_lo and old_hi <= new_hi


def classify(
    source: str,
    value: ClaimValue,
    asserted_at: datetime,
    history: Sequence[Statement],
    *,
    background: bool = False,
    article_id: int | None = None,
    outlet: str = "",
) -> Decision:
    """Classify one claim against the earlier statements of its key.

    Same source: the same or a vaguer compatible value is a ``repeat``; a value it
    gave before its latest one is a stale quote (``repeat``); a statement older
    than its latest never overrides it; anything else is ``changed`` ("at least
    46" → "at least 120" is a change even though the intervals overlap).
    New source: a figure or status another source already gives is
    corroboration (``repeat``); a stance is always news (who confirms or denies
    matters), as is a figure nobody has given (``new_source``).
    """
    if not history:
        return Decision(NEW_CLAIM)
    latest = latest_by_source(history)
    mine = latest.get(source)
    if mine is not None:
        if _compatible_restatement(value, mine.value):
            return Decision(REPEAT, previous=mine.value, agrees_with=(source,))
        if background or asserted_at < mine.asserted_at:
            return Decision(
                REPEAT,
                previous=mine.value,
                note="older statement quoted again; the newer one stands",
                stale=True,
            )
        if any(
            st.source == source and value.restates(st.value) and st.asserted_at < mine.asserted_at
            for st in history
        ):
            return Decision(
                REPEAT, previous=mine.value, note="an earlier value quoted again", stale=True
            )
        note = None
        if article_id is not None and article_id == mine.article_id:
            note = f"edited in place by {outlet}" if outlet else "edited in place"
        return Decision(CHANGED, previous=mine.value, note=note)
    others = {src: st for src, st in latest.items() if st.value.kind == value.kind}
    if value.kind != "stance":
        agreeing = tuple(sorted(src for src, st in others.items() if value.restates(st.value)))
        if agreeing:
            return Decision(
                REPEAT, agrees_with=agreeing, note="corroborates " + ", ".join(agreeing)
            )
    conflicting = tuple(
        sorted(src for src, st in others.items() if not value.agrees_with(st.value))
    )
    agreeing = tuple(sorted(src for src, st in others.items() if value.agrees_with(st.value)))
    return Decision(NEW_SOURCE, conflicts_with=conflicting, agrees_with=agreeing)
