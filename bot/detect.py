"""Detection: is a claim new, from a new source, changed, or a repeat?

Pure functions over a claim and the history of its key on its topic. The
history holds each earlier statement with its source, value and the time it
was made; a background mention (an old statement quoted again) is dated to
when it was said and never overrides a newer value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.claims.model import ExtractedClaim
from bot.domain import ABOUT_TOLERANCE, ALERT_KINDS, ClaimValue, EventKind, Qualifier

NEW_CLAIM = EventKind.NEW_CLAIM.value
NEW_SOURCE = EventKind.NEW_SOURCE.value
CHANGED = EventKind.CHANGED.value
REPEAT = EventKind.REPEAT.value


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


@dataclass
class SourceHistory:
    """What one source has said on one key: its latest statement and every value it gave."""

    latest: Statement | None = None
    latest_background: Statement | None = None
    values: list[tuple[ClaimValue, datetime]] = field(default_factory=list)

    def add(self, st: Statement) -> None:
        if st.background:
            lb = self.latest_background
            if lb is None or st.asserted_at >= lb.asserted_at:
                self.latest_background = st
        elif self.latest is None or st.asserted_at >= self.latest.asserted_at:
            self.latest = st
        for i, (v, first) in enumerate(self.values):
            if v == st.value:
                if st.asserted_at < first:
                    self.values[i] = (v, st.asserted_at)
                break
        else:
            self.values.append((st.value, st.asserted_at))

    @property
    def current(self) -> Statement:
        """The latest current statement; background quotes only when there is nothing else."""
        current = self.latest or self.latest_background
        assert current is not None
        return current


class KeyHistory:
    """The earlier statements of one key, kept per source; built once, extended in place."""

    def __init__(self, statements: Iterable[Statement] = ()) -> None:
        self.sources: dict[str, SourceHistory] = {}
        for st in statements:
            self.add(st)

    def add(self, st: Statement) -> None:
        self.sources.setdefault(st.source, SourceHistory()).add(st)

    def __bool__(self) -> bool:
        return bool(self.sources)

    def latest_by_source(self) -> dict[str, Statement]:
        return {src: h.current for src, h in self.sources.items()}


def latest_by_source(history: Sequence[Statement]) -> dict[str, Statement]:
    """Each source's latest statement; background and stale quotes count only for a
    source heard of in no other way."""
    return KeyHistory(history).latest_by_source()


def restates(new: ClaimValue, old: ClaimValue) -> bool:
    """The same statement again, or a rounded or vaguer one that still holds the old figure
    ("more than 1,000" or "nearly 1,500" after "1,409"): nothing a reader needs to hear."""
    if new.restates(old):
        return True
    if new.kind != "figure" or old.kind != "figure" or new.unit != old.unit:
        return False
    if new.qualifier in (None, Qualifier.EXACT, Qualifier.ABOUT) or old.unit == "time":
        return False
    old_lo, old_hi = old.interval
    if old_lo != old_hi:
        return False  # a bound after a bound is news unless it is the same figure
    new_lo, new_hi = new.interval
    return new_lo <= old_lo <= new_hi


def one_per_statement(claims: Sequence[ExtractedClaim]) -> list[ExtractedClaim]:
    """One claim per (key, source, value) in an article: when a story says "passed 1,000"
    in its lead and "1,002 people" later, the first telling is the claim and the other is
    extra evidence (a current statement is preferred to a background one). Different
    figures from one source on one key stay apart (a regional and a national toll)."""
    groups: dict[tuple[str, str], list[ExtractedClaim]] = {}
    for c in sorted(claims, key=lambda c: (c.start, -c.precision)):
        kept = groups.setdefault((c.key, c.source), [])
        for i, other in enumerate(kept):
            if restates(c.value, other.value) or restates(other.value, c.value):
                if other.background and not c.background:
                    kept[i] = c
                break
        else:
            kept.append(c)
    return sorted((c for kept in groups.values() for c in kept), key=lambda c: c.start)


def _seen(value: ClaimValue, history: KeyHistory) -> tuple[str, ...]:
    """The sources that already gave ``value`` (or a figure it restates) on this key."""
    near = _near(value)
    return tuple(
        sorted(
            src
            for src, h in history.sources.items()
            if any(near(v) and restates(value, v) for v, _ in h.values)
        )
    )


def _near(value: ClaimValue) -> Callable[[ClaimValue], bool]:
    """A cheap test that lets through every value ``value`` could restate: a rounded one
    is within 10 %, and a bound only holds figures inside it."""
    if value.kind != "figure" or value.number is None:
        return lambda v: v.kind == value.kind
    lo, hi = value.interval
    lo, hi = lo * (1 - ABOUT_TOLERANCE) - 1, hi * (1 + ABOUT_TOLERANCE) + 1
    return lambda v: v.kind == "figure" and v.number is not None and lo <= v.number <= hi


def classify(
    source: str,
    value: ClaimValue,
    asserted_at: datetime,
    history: KeyHistory | Sequence[Statement],
    *,
    background: bool = False,
    article_id: int | None = None,
    outlet: str = "",
) -> Decision:
    """Classify one claim against the earlier statements of its key.

    The rule of the labelled timelines: the first claim on a key is ``new_claim``.
    A background retelling is a ``repeat`` when its value was heard before, else news,
    and never replaces a newer value. A source already heard on the key repeats itself
    when it gives its latest value again, a vaguer or rounded form of it, or a value it
    gave before (a stale quote); anything else is ``changed``. A source new to the key
    corroborates (``repeat``) when anyone already gave that value, a rounded or vaguer
    form of it included; a value nobody gave is ``new_source`` — a more precise figure
    after a vague one among them.
    """
    if not isinstance(history, KeyHistory):
        history = KeyHistory(history)
    if not history:
        return Decision(NEW_CLAIM)
    latest = history.latest_by_source()
    mine = latest.get(source)
    seen = _seen(value, history)
    if background and seen:
        return Decision(REPEAT, agrees_with=seen, note="an earlier statement quoted again",
                        stale=True)  # fmt: skip
    if mine is not None:
        if restates(value, mine.value):
            return Decision(REPEAT, previous=mine.value, agrees_with=(source,))
        if asserted_at < mine.asserted_at and not background:
            return Decision(
                REPEAT,
                previous=mine.value,
                note="older statement quoted again; the newer one stands",
                stale=True,
            )
        if any(
            restates(value, v) and first < mine.asserted_at
            for v, first in history.sources[source].values
        ):
            return Decision(
                REPEAT, previous=mine.value, note="an earlier value quoted again", stale=True
            )
        note = "an earlier statement, newly reported" if background else None
        if article_id is not None and article_id == mine.article_id and not background:
            note = f"edited in place by {outlet}" if outlet else "edited in place"
        return Decision(CHANGED, previous=mine.value, note=note, stale=background)
    if seen:
        return Decision(REPEAT, agrees_with=seen, note="corroborates " + ", ".join(seen))
    others = {src: st for src, st in latest.items() if st.value.kind == value.kind}
    conflicting = tuple(
        sorted(src for src, st in others.items() if not value.agrees_with(st.value))
    )
    agreeing = tuple(sorted(src for src, st in others.items() if value.agrees_with(st.value)))
    note = "an earlier statement, newly reported" if background else None
    return Decision(NEW_SOURCE, conflicts_with=conflicting, agrees_with=agreeing, note=note,
                    stale=background)  # fmt: skip
