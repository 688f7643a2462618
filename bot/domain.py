"""The platform-free vocabulary, each type defined once: what a claim asserts
(``ClaimValue``), the article as it enters the pipeline, a topic, a stored claim, the kinds
of claim event, a claim event and an alert.

This module is the bottom layer: it imports only the standard library. The store maps its
rows to and from these types in one module (``storage.mapping``); the pipeline, the
dispatcher, replay, evaluation and the renderers of every adapter pass them around.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal


class EventKind(StrEnum):
    """What a claim is, next to what was said before on its key (see DESIGN.md). Members
    are ``str`` (``EventKind.CHANGED == "changed"``); code that writes them to the
    database passes ``.value``."""

    NEW_CLAIM = "new_claim"
    NEW_SOURCE = "new_source"
    CHANGED = "changed"
    REPEAT = "repeat"


ALERT_KINDS = frozenset(
    {EventKind.NEW_CLAIM.value, EventKind.NEW_SOURCE.value, EventKind.CHANGED.value}
)

EVENT_TITLES = {
    EventKind.NEW_CLAIM.value: "New claim",
    EventKind.NEW_SOURCE.value: "New source",
    EventKind.CHANGED.value: "Changed",
    EventKind.REPEAT.value: "Repeat",
}


class Qualifier(StrEnum):
    EXACT = "exact"
    AT_LEAST = "at least"
    MORE_THAN = "more than"
    ABOUT = "about"
    UP_TO = "up to"
    RANGE = "range"


class Stance(StrEnum):
    """A party's position on a proposition, as the cue words of ``cues.toml`` name it."""

    CONFIRMS = "confirms"
    DENIES = "denies"
    DECLINES = "declines to comment"
    BLAMES = "blames"
    APOLOGISES = "apologises"
    RESIGNS = "resigns"
    RULES_OUT = "rules out"
    DECLARES = "declares"
    RESTORES = "restores"
    SUSPENDS = "suspends"
    SUPPORTS = "supports"
    OPPOSES = "opposes"
    EXPECTS = "expects"
    SUES = "sues"
    INVESTIGATES = "investigates"
    REQUESTS = "requests"
    PLEDGES = "pledges"
    CREDIBLE = "considers credible"


ABOUT_TOLERANCE = 0.1
# Exact figures of a thousand or more agree when written to about three digits.
EXACT_TOLERANCE = 0.005

# Currency codes a money figure's ``unit`` may carry, with their symbols.
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
CURRENCY_CODES = frozenset(
    [*CURRENCY_SYMBOLS, "CNY", "RUB", "INR", "KRW", "CHF", "AUD", "CAD", "ILS", "TRY", "MXN"]
)

ValueKind = Literal["figure", "stance", "status"]


def format_number(n: float) -> str:
    """1500 -> '1,500'; 1.5e6 -> '1,500,000'; 2.5 -> '2.5'."""
    if n == int(n):
        return f"{int(n):,}"
    return f"{n:,.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class ClaimValue:
    """A figure (interval with qualifier and unit), a stance, or a status word."""

    kind: ValueKind
    qualifier: Qualifier | None = None
    number: float | None = None
    number_high: float | None = None
    unit: str | None = None
    stance: Stance | None = None
    status: str | None = None

    @classmethod
    def figure(
        cls,
        number: float,
        qualifier: Qualifier = Qualifier.EXACT,
        unit: str | None = None,
        number_high: float | None = None,
    ) -> ClaimValue:
        return cls("figure", qualifier=qualifier, number=number, number_high=number_high, unit=unit)

    @classmethod
    def of_stance(cls, stance: Stance) -> ClaimValue:
        return cls("stance", stance=stance)

    @classmethod
    def of_status(cls, status: str) -> ClaimValue:
        return cls("status", status=status.strip().lower())

    @property
    def interval(self) -> tuple[float, float]:
        """The set of counts compatible with the statement; ``inf`` for open ends."""
        if self.kind != "figure" or self.number is None:
            raise ValueError("only figures have an interval")
        n = self.number
        q = self.qualifier or Qualifier.EXACT
        if q is Qualifier.RANGE:
            return (n, self.number_high if self.number_high is not None else n)
        if q in (Qualifier.AT_LEAST, Qualifier.MORE_THAN):
            return (n, math.inf)
        if q is Qualifier.UP_TO:
            return (0.0, n)
        if q is Qualifier.ABOUT:
            return (n * (1 - ABOUT_TOLERANCE), n * (1 + ABOUT_TOLERANCE))
        return (n, n)

    def agrees_with(self, other: ClaimValue) -> bool:
        """True when both statements can be true at once (same stance, overlapping figures)."""
        if self.kind != other.kind:
            return False
        if self.kind == "stance":
            return self.stance == other.stance
        if self.kind == "status":
            return self.status == other.status
        a_lo, a_hi = self.interval
        b_lo, b_hi = other.interval
        return a_lo <= b_hi and b_lo <= a_hi

    def restates(self, other: ClaimValue) -> bool:
        """True when both give the same figure (qualifiers aside), stance or status.

        Another source "giving the same figure" is corroboration; "at least 1,500"
        and "about 3,000" overlap as intervals yet are different figures.
        """
        if self.kind != other.kind:
            return False
        if self.kind != "figure":
            return self.agrees_with(other)
        assert self.number is not None and other.number is not None
        if self.unit != other.unit:
            return False
        if self.unit == "time":
            return self.number == other.number and self.number_high == other.number_high

        loose = Qualifier.ABOUT in (self.qualifier, other.qualifier)
        tolerance = ABOUT_TOLERANCE if loose else EXACT_TOLERANCE

        def close(a: float | None, b: float | None) -> bool:
            if a is None or b is None:
                return a is b
            if not loose and max(abs(a), abs(b)) < 1000:
                return a == b  # 99 and 100 are two counts; 8.5 million and 8,500,000 one
            return abs(a - b) <= tolerance * max(abs(a), abs(b), 1.0)

        return close(self.number, other.number) and close(self.number_high, other.number_high)

    @property
    def precision(self) -> int:
        """How precise a figure is: exact > range > about > a bound (0 for non-figures)."""
        if self.kind != "figure":
            return 0
        q = self.qualifier or Qualifier.EXACT
        return {Qualifier.EXACT: 4, Qualifier.RANGE: 3, Qualifier.ABOUT: 2}.get(q, 1)

    def display(self) -> str:
        if self.kind == "stance":
            return str(self.stance)
        if self.kind == "status":
            return self.status or ""
        assert self.number is not None
        if self.unit in CURRENCY_CODES:
            return self._display_money()
        if self.unit == "time":
            minutes = int(self.number)
            q = self.qualifier or Qualifier.EXACT
            prefix = "" if q is Qualifier.EXACT else f"{q} "
            return f"{prefix}{minutes // 60:02d}:{minutes % 60:02d}"
        unit = ("%" if self.unit == "%" else f" {self.unit}") if self.unit else ""
        q = self.qualifier or Qualifier.EXACT
        if q is Qualifier.RANGE and self.number_high is not None:
            return f"{format_number(self.number)}–{format_number(self.number_high)}{unit}"
        prefix = "" if q is Qualifier.EXACT else f"{q} "
        return f"{prefix}{format_number(self.number)}{unit}"

    def _display_money(self) -> str:
        """'$3.2 billion', 'about €1.5 million', '250,000 CHF'."""
        assert self.number is not None and self.unit is not None
        symbol = CURRENCY_SYMBOLS.get(self.unit)

        def amount(n: float) -> str:
            for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
                if abs(n) >= scale:
                    text = f"{format_number(round(n / scale, 3))} {word}"
                    break
            else:
                text = format_number(n)
            return f"{symbol}{text}" if symbol else f"{text} {self.unit}"

        q = self.qualifier or Qualifier.EXACT
        if q is Qualifier.RANGE and self.number_high is not None:
            return f"{amount(self.number)}–{amount(self.number_high)}"
        prefix = "" if q is Qualifier.EXACT else f"{q} "
        return f"{prefix}{amount(self.number)}"

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if v is not None}
        for k in ("qualifier", "stance"):
            if k in data:
                data[k] = str(data[k])
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ClaimValue:
        return cls(
            kind=data["kind"],
            qualifier=Qualifier(data["qualifier"]) if data.get("qualifier") else None,
            number=data.get("number"),
            number_high=data.get("number_high"),
            unit=data.get("unit"),
            stance=Stance(data["stance"]) if data.get("stance") else None,
            status=data.get("status"),
        )


@dataclass(frozen=True)
class Article:
    """An article as a source hands it in (file, feed, page, chat), before it is stored."""

    url: str
    text: str
    title: str = ""
    outlet: str = ""
    published_at: datetime | None = None
    language: str | None = None
    author: str | None = None
    origin: str = "file"
    feed_id: int | None = None


@dataclass(frozen=True)
class Topic:
    """A tracked topic in one workspace, matched by a search-box query."""

    id: int
    platform: str
    workspace_id: str
    name: str
    slug: str
    query: str
    alert_mode: str = "instant"
    created_by: str = ""
    active: bool = True


@dataclass(frozen=True)
class Claim:
    """One statement a source made on a key, as stored (``id`` once it is).

    ``value`` is the claim engine's ``ClaimValue`` as JSON (``ClaimValue.to_json``),
    ``value_text`` its display; ``outlet`` the outlet that reported it."""

    topic_id: int
    article_id: int
    revision: int
    key: str
    key_label: str
    source: str
    source_detail: str | None
    value: dict[str, Any]
    value_text: str
    evidence: str
    evidence_start: int
    evidence_end: int
    asserted_at: datetime
    background: bool
    outlet: str
    extractor: str = "rules"
    id: int | None = None

    @property
    def pos(self) -> tuple[datetime, int]:
        """Where the claim stands in its key's history: when it was said, then its id."""
        return (self.asserted_at, self.id or 0)


@dataclass(frozen=True)
class ClaimEvent:
    """What detection made of a claim: its kind next to the key's history, the value it
    replaced (``changed``) and the sources it conflicts with (``new_source``).

    Once recorded, ``id`` is the stored event's id, ``topic_name`` and ``article_url`` name
    where it happened and ``alerts_queued`` counts its outbox rows."""

    kind: str
    claim: Claim
    previous_value: str | None = None
    conflicts_with: tuple[str, ...] = ()
    note: str | None = None
    id: int | None = None
    topic_name: str = ""
    article_url: str = ""
    alerts_queued: int = 0

    @property
    def topic_id(self) -> int:
        return self.claim.topic_id

    @property
    def article_id(self) -> int:
        return self.claim.article_id

    @property
    def key(self) -> str:
        return self.claim.key

    @property
    def key_label(self) -> str:
        return self.claim.key_label

    @property
    def source(self) -> str:
        return self.claim.source

    @property
    def source_detail(self) -> str | None:
        return self.claim.source_detail

    @property
    def value(self) -> str:
        """The value as displayed (the claim's ``value_text``)."""
        return self.claim.value_text

    @property
    def evidence(self) -> str:
        return self.claim.evidence

    @property
    def outlet(self) -> str:
        return self.claim.outlet

    @property
    def asserted_at(self) -> datetime:
        return self.claim.asserted_at

    @property
    def alerts(self) -> bool:
        return self.kind in ALERT_KINDS

    def replay_json(self) -> dict[str, object]:
        """The row ``claimwatch replay --json`` prints."""
        return {
            "article_url": self.article_url,
            "kind": self.kind,
            "key": self.key_label,
            "source": self.source,
            "value": self.value,
            "previous_value": self.previous_value,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Alert:
    """One claim event for one subscription's channel: an outbox row, with the article it
    came from and how many articles repeated its value (``corroboration``).

    ``subscription_id``, ``attempts`` and ``lease_token`` are the dispatcher's; adapters
    render the rest."""

    alert_id: int
    event: ClaimEvent
    platform: str
    workspace_id: str
    channel_id: str
    topic_slug: str
    url: str
    corroboration: int = 0
    title: str = ""
    published_at: datetime | None = None
    subscription_id: int = 0
    attempts: int = 0
    lease_token: str | None = None

    @property
    def kind(self) -> str:
        return self.event.kind

    @property
    def topic_name(self) -> str:
        return self.event.topic_name

    @property
    def key(self) -> str:
        return self.event.key

    @property
    def key_label(self) -> str:
        return self.event.key_label

    @property
    def source(self) -> str:
        return self.event.source

    @property
    def source_detail(self) -> str | None:
        return self.event.source_detail

    @property
    def value(self) -> str:
        return self.event.value

    @property
    def previous_value(self) -> str | None:
        return self.event.previous_value

    @property
    def conflicts_with(self) -> tuple[str, ...]:
        return self.event.conflicts_with

    @property
    def note(self) -> str | None:
        return self.event.note

    @property
    def evidence(self) -> str:
        return self.event.evidence

    @property
    def outlet(self) -> str:
        return self.event.outlet

    @property
    def asserted_at(self) -> datetime:
        return self.event.asserted_at

    @property
    def headline(self) -> str:
        return f"{EVENT_TITLES.get(self.kind, self.kind)} · {self.key_label}"

    @property
    def value_line(self) -> str:
        if self.kind == EventKind.CHANGED and self.previous_value:
            return f"{self.previous_value} → {self.value}"
        return self.value

    @property
    def source_line(self) -> str:
        if self.source_detail and self.source_detail.lower() not in self.source.lower():
            return f"{self.source} ({self.source_detail})"
        return self.source
