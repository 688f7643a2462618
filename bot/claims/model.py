"""What every extractor shares: the article it reads, the topic's context, the claims it
finds and what it abstains on.

A claim is: who asserts it (``source``), about what (``key``), what they assert
(``ClaimValue`` of ``bot.domain``: a figure as an interval, a stance or a status word),
and the evidence sentence with its offsets in the article text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.domain import ClaimValue, Stance

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
