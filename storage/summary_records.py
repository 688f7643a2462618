"""The records the current-state reads return: statements, lines of /claims, rows of
/sources, pages and chart points (moved out of ``storage.summaries`` as they were)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Said:
    """A statement as detection sees it."""

    claim_id: int
    asserted_at: datetime
    value: dict[str, Any]
    article_id: int
    outlet: str


@dataclass(frozen=True)
class SourceState:
    """One source on one key: its latest current and background statements, and each
    distinct value it gave with when it first gave it (oldest first)."""

    source: str
    current: Said | None
    background: Said | None
    values: list[tuple[dict[str, Any], datetime]] = field(default_factory=list)


@dataclass(frozen=True)
class StateLine:
    """One source's standing word on one key, as /claims shows it."""

    key: str
    key_label: str
    source: str
    source_detail: str | None
    value_text: str
    since: datetime
    previous_value: str | None
    evidence: str
    outlet: str
    url: str
    repeats: int
    outlets: tuple[str, ...]
    statements: int
    last_heard: datetime


@dataclass(frozen=True)
class KeyLines:
    key: str
    key_label: str
    lines: list[StateLine]


@dataclass(frozen=True)
class SourceRow:
    """One source across a topic's keys, as /sources shows it."""

    source: str
    keys: int
    statements: int
    outlets: tuple[str, ...]
    first: datetime
    last: datetime
    details: tuple[str, ...]
    latest: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list; ``page`` counts from 0."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_more(self) -> bool:
        return (self.page + 1) * self.per_page < self.total


@dataclass(frozen=True)
class SeriesPoint:
    source: str
    at: datetime
    value: dict[str, Any]
    value_text: str
