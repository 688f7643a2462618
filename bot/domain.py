"""The platform-free vocabulary, each type defined once: the article as it enters the
pipeline, a topic, a stored claim, the kinds of claim event, a claim event and an alert.

This module is the bottom layer: it imports only the standard library. The store maps its
rows to and from these types in one module (``storage.mapping``); the pipeline, the
dispatcher, replay, evaluation and the renderers of every adapter pass them around.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


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
