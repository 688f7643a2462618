"""SQLAlchemy 2.0 typed models: everything Claimwatch stores.

Rows are keyed by neutral ``(platform, workspace_id, channel_id)`` strings,
never by SDK objects. Timestamps are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, always returns aware datetimes (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Workspace(Base):
    """A Discord guild, a Slack team, or the console."""

    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "workspace_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class Feed(Base):
    """A polled RSS/Atom feed; its next poll time is the scheduler's work queue."""

    __tablename__ = "feeds"
    __table_args__ = (UniqueConstraint("platform", "workspace_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2000))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(500), default="")
    interval_s: Mapped[int] = mapped_column(Integer, default=600)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(200))
    body_hash: Mapped[str | None] = mapped_column(String(64))
    next_poll_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    lease_until: Mapped[datetime | None] = mapped_column()
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    last_success_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column()
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Article(Base):
    """One article by canonical URL; its text is the latest revision."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    title: Mapped[str] = mapped_column(String(1000), default="")
    outlet: Mapped[str] = mapped_column(String(300), default="")
    author: Mapped[str | None] = mapped_column(String(300))
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    language: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id", ondelete="SET NULL"))
    origin: Mapped[str] = mapped_column(String(32), default="file")
    next_check_at: Mapped[datetime | None] = mapped_column(index=True)
    check_lease_until: Mapped[datetime | None] = mapped_column()
    processed_revision: Mapped[int] = mapped_column(Integer, default=0)

    revisions: Mapped[list[ArticleRevision]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="ArticleRevision.revision"
    )


class ArticleRevision(Base):
    """Every text an article has had, oldest first."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(1000), default="")
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="revisions")


class Topic(Base):
    """A tracked topic in one workspace, matched by a search-box query."""

    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("platform", "workspace_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200))
    query: Mapped[str] = mapped_column(Text)
    alert_mode: Mapped[str] = mapped_column(String(16), default="instant")
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SourceAlias(Base):
    """An alias an admin added: ``alias`` (lower case) is read as ``canonical``."""

    __tablename__ = "source_aliases"
    __table_args__ = (UniqueConstraint("topic_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(300))
    canonical: Mapped[str] = mapped_column(String(300))
    created_by: Mapped[str] = mapped_column(String(100), default="")


class Subscription(Base):
    """A channel that receives a topic's alerts, instantly or as a digest."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("topic_id", "platform", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(16), default="instant")
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    pause_reason: Mapped[str | None] = mapped_column(Text)
    digest_interval_s: Mapped[int] = mapped_column(Integer, default=3600)
    next_digest_at: Mapped[datetime | None] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    topic: Mapped[Topic] = relationship()


class Claim(Base):
    """One claim found in one article revision for one topic."""

    __tablename__ = "claims"
    __table_args__ = (
        Index("ix_claims_topic_key_source_at", "topic_id", "key", "source", "asserted_at", "id"),
        Index("ix_claims_article_topic", "article_id", "topic_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    key: Mapped[str] = mapped_column(String(200))
    key_label: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(300))
    source_detail: Mapped[str | None] = mapped_column(String(300))
    value: Mapped[dict[str, Any]] = mapped_column()
    value_text: Mapped[str] = mapped_column(String(300))
    evidence: Mapped[str] = mapped_column(Text)
    evidence_start: Mapped[int] = mapped_column(Integer)
    evidence_end: Mapped[int] = mapped_column(Integer)
    asserted_at: Mapped[datetime] = mapped_column()
    background: Mapped[bool] = mapped_column(Boolean, default=False)
    outlet: Mapped[str] = mapped_column(String(300), default="")
    extractor: Mapped[str] = mapped_column(String(32), default="rules")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship()


class ClaimEvent(Base):
    """What detection decided about a claim: new_claim, new_source, changed or repeat."""

    __tablename__ = "claim_events"
    __table_args__ = (Index("ix_claim_events_topic_kind", "topic_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200))
    key_label: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(300))
    value_text: Mapped[str] = mapped_column(String(300))
    previous_value_text: Mapped[str | None] = mapped_column(String(300))
    conflicts_with: Mapped[list[Any]] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    claim: Mapped[Claim] = relationship()
    topic: Mapped[Topic] = relationship()


class Alert(Base):
    """The outbox: one event for one subscription, delivered at least once, idempotently."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("event_id", "subscription_id"),
        Index("ix_alerts_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("claim_events.id", ondelete="CASCADE"))
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column()
    lease_token: Mapped[str | None] = mapped_column(String(36))
    platform_message_id: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()

    event: Mapped[ClaimEvent] = relationship()
    subscription: Mapped[Subscription] = relationship()


class Notice(Base):
    """A platform message that is not a claim alert (feed disabled, subscription paused)."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()


class AuditEntry(Base):
    """Who changed what configuration, when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class KeyValue(Base):
    """Small named state: Slack installations, scheduler bookkeeping."""

    __tablename__ = "kv"
    __table_args__ = (UniqueConstraint("namespace", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ClaimState(Base):
    """The current state of one source on one key of a topic, kept with every claim.

    ``cur_*`` is the source's latest current statement and ``bg_*`` its latest
    background one (by asserted time, then id); the line shown is the current
    one, or the background one when it has no other. The *run* is the trailing
    statements that agree with the shown value, back to ``boundary`` (the latest
    current statement that disagrees): ``since`` is when the value first stood,
    ``previous_value_text`` what it replaced, ``run_articles`` and
    ``run_outlets`` who repeated it. ``claims``, ``first_at``, ``last_at``,
    ``outlets`` and ``details`` cover every statement of the source on the key, and
    ``last_claim_id`` is the newest of them (what was heard most recently).
    """

    __tablename__ = "claim_state"
    __table_args__ = (UniqueConstraint("topic_id", "key", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    key_label: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(300))
    claims: Mapped[int] = mapped_column(Integer, default=0)
    last_claim_id: Mapped[int] = mapped_column(Integer)
    first_at: Mapped[datetime] = mapped_column()
    last_at: Mapped[datetime] = mapped_column()
    outlets: Mapped[list[Any]] = mapped_column(default=list)
    details: Mapped[list[Any]] = mapped_column(default=list)
    source_detail: Mapped[str | None] = mapped_column(String(300))
    detail_at: Mapped[datetime | None] = mapped_column()
    detail_id: Mapped[int | None] = mapped_column(Integer)
    cur_claim_id: Mapped[int | None] = mapped_column(Integer)
    cur_at: Mapped[datetime | None] = mapped_column()
    cur_value: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    cur_value_text: Mapped[str | None] = mapped_column(String(300))
    cur_article_id: Mapped[int | None] = mapped_column(Integer)
    cur_outlet: Mapped[str | None] = mapped_column(String(300))
    cur_evidence: Mapped[str | None] = mapped_column(Text)
    bg_claim_id: Mapped[int | None] = mapped_column(Integer)
    bg_at: Mapped[datetime | None] = mapped_column()
    bg_value: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    bg_value_text: Mapped[str | None] = mapped_column(String(300))
    bg_article_id: Mapped[int | None] = mapped_column(Integer)
    bg_outlet: Mapped[str | None] = mapped_column(String(300))
    bg_evidence: Mapped[str | None] = mapped_column(Text)
    boundary_at: Mapped[datetime | None] = mapped_column()
    boundary_id: Mapped[int | None] = mapped_column(Integer)
    previous_value_text: Mapped[str | None] = mapped_column(String(300))
    since: Mapped[datetime] = mapped_column()
    anchor_id: Mapped[int] = mapped_column(Integer)
    anchor_article_id: Mapped[int] = mapped_column(Integer)
    anchor_outlet: Mapped[str] = mapped_column(String(300), default="")
    run_articles: Mapped[int] = mapped_column(Integer, default=1)
    run_outlets: Mapped[list[Any]] = mapped_column(default=list)


class ClaimValueSeen(Base):
    """Each distinct value a source gave on a key: when first and last, how often, where.
    ``kind`` and ``number`` (a figure's) let detection read only the values near a new one."""

    __tablename__ = "claim_values"
    __table_args__ = (
        UniqueConstraint("topic_id", "key", "source", "value_hash"),
        Index("ix_claim_values_topic_key_text", "topic_id", "key", "value_text"),
        Index("ix_claim_values_near", "topic_id", "key", "kind", "number"),
        Index("ix_claim_values_figure", "topic_id", "kind", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(300))
    value_hash: Mapped[str] = mapped_column(String(64))
    value: Mapped[dict[str, Any]] = mapped_column()
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str] = mapped_column(String(300))
    first_at: Mapped[datetime] = mapped_column()
    last_at: Mapped[datetime] = mapped_column()
    claims: Mapped[int] = mapped_column(Integer, default=0)
    articles: Mapped[int] = mapped_column(Integer, default=0)


class AlertCount(Base):
    """Alerts per status, kept by database triggers in slots (id % 16) so that
    concurrent writers rarely touch the same row; ``status`` sums them."""

    __tablename__ = "alert_counts"

    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
