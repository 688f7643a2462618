"""The claim data model shared by every extractor, the detector and the renderers.

A claim is: who asserts it (``source``), about what (``key``), what they assert
(``ClaimValue``: a figure as an interval, a stance or a status word), and the
evidence sentence with its offsets in the article text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, Protocol


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


# Cue classes of ``lexicon/cues.toml`` -> stances.
STANCE_OF_CUE: dict[str, Stance] = {
    "confirms": Stance.CONFIRMS,
    "denies": Stance.DENIES,
    "declines": Stance.DECLINES,
    "blames": Stance.BLAMES,
    "apologises": Stance.APOLOGISES,
    "resigns": Stance.RESIGNS,
    "rules_out": Stance.RULES_OUT,
    "declares": Stance.DECLARES,
    "restores": Stance.RESTORES,
    "suspends": Stance.SUSPENDS,
    "supports": Stance.SUPPORTS,
    "opposes": Stance.OPPOSES,
    "expects": Stance.EXPECTS,
    "sues": Stance.SUES,
    "investigates": Stance.INVESTIGATES,
    "requests": Stance.REQUESTS,
    "pledges": Stance.PLEDGES,
}


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
class ArticleText:
    """What an extractor reads: one article revision."""

    text: str
    title: str = ""
    outlet: str = ""
    url: str = ""
    published_at: datetime | None = None


@dataclass(frozen=True)
class KnownParty:
    """A party the story already has: its name and the people who spoke for it."""

    name: str
    speakers: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnownKey:
    """A key the topic already has, with its label."""

    key: str
    label: str


@dataclass(frozen=True)
class ExtractionContext:
    """Per-topic knowledge the extractor may use, all of it read from the store.

    ``topic_terms`` are the positive words and phrases of the topic query
    (prefix terms keep their trailing ``*``); ``aliases`` maps an alias (lower
    case) to the canonical source name an admin chose; ``known_parties`` and
    ``known_keys`` are the sources (with their speakers) and keys of the
    topic's earlier claims, so that a party keeps its name and a proposition
    its key across the story in any process.
    """

    topic_name: str = ""
    topic_terms: Sequence[str] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    known_parties: Sequence[KnownParty] = ()
    known_keys: Sequence[KnownKey] = ()


@dataclass(frozen=True)
class ExtractedClaim:
    """One claim as found in one article, before detection."""

    key: str
    key_label: str
    source: str
    value: ClaimValue
    evidence: str
    start: int
    end: int
    source_detail: str | None = None
    asserted_at: datetime | None = None
    background: bool = False
    precision: int = 0


@dataclass(frozen=True)
class Abstention:
    """A sentence that looked like a claim but was not taken, and why."""

    sentence: str
    start: int
    end: int
    reason: str


@dataclass
class ExtractionResult:
    claims: list[ExtractedClaim] = field(default_factory=list)
    abstentions: list[Abstention] = field(default_factory=list)


class Extractor(Protocol):
    """Anything that turns an article into claims (rules, an LLM backend)."""

    name: str

    def extract(self, article: ArticleText, context: ExtractionContext) -> ExtractionResult: ...
