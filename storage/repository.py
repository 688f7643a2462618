"""The repository: one facade over the stores, so callers hold a single object.

Each aggregate has its own module (``topics``, ``articles``, ``claims``,
``state``, ``outbox``, ``feeds``, ``records``; ``ingest`` commits an article
with its claims); every query lives there, each
public method one transaction. Callers get the domain types of ``bot.domain``
(mapped in ``mapping``), plain rows (detached ORM objects, loaded attributes only)
or small dataclasses; nothing outside ``storage/``
writes SQL.
"""

from __future__ import annotations

from storage.articles import ArticleStore, StoredArticle, content_hash
from storage.claims import ClaimStore
from storage.db import make_engine
from storage.feeds import FeedStore
from storage.ingest import ArticleChanged, ArticlePlan, IngestStore
from storage.outbox import (
    ALERT_DIGEST,
    ALERT_DIGESTED,
    ALERT_PARKED,
    ALERT_PENDING,
    ALERT_SENT,
    OutboxStore,
)
from storage.records import RecordStore
from storage.summaries import StateStore
from storage.topics import TopicStore

__all__ = [
    "ALERT_DIGEST",
    "ALERT_DIGESTED",
    "ALERT_PARKED",
    "ALERT_PENDING",
    "ALERT_SENT",
    "ArticleChanged",
    "ArticlePlan",
    "Repository",
    "StoredArticle",
    "content_hash",
]


class Repository(
    RecordStore,
    TopicStore,
    IngestStore,
    ArticleStore,
    ClaimStore,
    StateStore,
    OutboxStore,
    FeedStore,
):
    """All persistence operations over one engine."""

    @classmethod
    def from_url(cls, url: str) -> Repository:
        return cls(make_engine(url))
