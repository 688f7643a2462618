"""The repository: every query Claimwatch runs, each method one transaction.

Callers get plain rows (detached ORM objects, loaded attributes only) or the
small dataclasses below; nothing outside this module writes SQL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Select, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, sessionmaker

from storage.db import make_engine, make_session_factory
from storage.models import (
    Alert,
    Article,
    ArticleRevision,
    AuditEntry,
    Claim,
    ClaimEvent,
    Feed,
    KeyValue,
    Notice,
    SourceAlias,
    Subscription,
    Topic,
    Workspace,
    utcnow,
)

ALERT_PENDING = "pending"
ALERT_SENT = "sent"
ALERT_DIGEST = "digest"
ALERT_DIGESTED = "digested"
ALERT_PARKED = "parked"
ALERT_KINDS = frozenset({"new_claim", "new_source", "changed"})


def content_hash(text: str) -> str:
    normalised = " ".join(text.split()).lower()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ArticleIn:
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
class StoredArticle:
    """Outcome of storing an article: ``new``, ``revision`` or ``duplicate``."""

    article_id: int
    status: str
    revision: int
    duplicate_of: int | None = None
    article: Article | None = None


@dataclass(frozen=True)
class ClaimIn:
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


@dataclass(frozen=True)
class EventIn:
    topic_id: int
    article_id: int
    kind: str
    key: str
    key_label: str
    source: str
    value_text: str
    previous_value_text: str | None = None
    conflicts_with: Sequence[str] = ()
    note: str | None = None


@dataclass(frozen=True)
class AlertJob:
    """An outbox row with everything needed to render it."""

    alert_id: int
    subscription_id: int
    platform: str
    workspace_id: str
    channel_id: str
    attempts: int
    event_id: int
    kind: str
    topic_id: int
    topic_name: str
    topic_slug: str
    key: str
    key_label: str
    source: str
    source_detail: str | None
    value_text: str
    previous_value_text: str | None
    conflicts_with: list[str]
    note: str | None
    evidence: str
    outlet: str
    url: str
    title: str
    published_at: datetime | None
    asserted_at: datetime
    corroboration: int


class Repository:
    """All persistence operations over one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions: sessionmaker[Session] = make_session_factory(engine)

    @classmethod
    def from_url(cls, url: str) -> Repository:
        return cls(make_engine(url))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as s:
            yield s

    def dispose(self) -> None:
        self.engine.dispose()

    # -- workspaces and audit -------------------------------------------------

    def ensure_workspace(self, platform: str, workspace_id: str, name: str = "") -> Workspace:
        with self.session() as s:
            ws = s.scalar(
                select(Workspace).where(
                    Workspace.platform == platform, Workspace.workspace_id == workspace_id
                )
            )
            if ws is None:
                ws = Workspace(platform=platform, workspace_id=workspace_id, name=name)
                s.add(ws)
            else:
                ws.active = True
                if name:
                    ws.name = name
            s.flush()
            return ws

    def deactivate_workspace(self, platform: str, workspace_id: str, reason: str) -> int:
        """Mark a workspace gone and pause its subscriptions; returns how many were paused."""
        with self.session() as s:
            s.execute(
                update(Workspace)
                .where(Workspace.platform == platform, Workspace.workspace_id == workspace_id)
                .values(active=False)
            )
            res = s.execute(
                update(Subscription)
                .where(
                    Subscription.platform == platform,
                    Subscription.workspace_id == workspace_id,
                    Subscription.paused.is_(False),
                )
                .values(paused=True, pause_reason=reason)
            )
            return res.rowcount or 0

    def audit(
        self, platform: str, workspace_id: str, user_id: str, action: str, **detail: Any
    ) -> None:
        with self.session() as s:
            s.add(
                AuditEntry(
                    platform=platform,
                    workspace_id=workspace_id,
                    user_id=user_id,
                    action=action,
                    detail={k: v for k, v in detail.items() if v is not None},
                )
            )

    def audit_log(self, platform: str, workspace_id: str, limit: int = 50) -> list[AuditEntry]:
        with self.session() as s:
            return list(
                s.scalars(
                    select(AuditEntry)
                    .where(AuditEntry.platform == platform, AuditEntry.workspace_id == workspace_id)
                    .order_by(AuditEntry.id.desc())
                    .limit(limit)
                )
            )

    # -- topics ---------------------------------------------------------------

    def add_topic(
        self,
        platform: str,
        workspace_id: str,
        name: str,
        slug: str,
        query: str,
        created_by: str = "",
        alert_mode: str = "instant",
    ) -> Topic:
        with self.session() as s:
            topic = Topic(
                platform=platform,
                workspace_id=workspace_id,
                name=name,
                slug=slug,
                query=query,
                created_by=created_by,
                alert_mode=alert_mode,
            )
            s.add(topic)
            s.flush()
            return topic

    def find_topic(self, platform: str, workspace_id: str, name: str) -> Topic | None:
        """A topic by slug or by name, case-insensitively."""
        with self.session() as s:
            return s.scalar(
                select(Topic).where(
                    Topic.platform == platform,
                    Topic.workspace_id == workspace_id,
                    or_(Topic.slug == name.lower(), func.lower(Topic.name) == name.lower()),
                )
            )

    def get_topic(self, topic_id: int) -> Topic | None:
        with self.session() as s:
            return s.get(Topic, topic_id)

    def list_topics(
        self, platform: str | None = None, workspace_id: str | None = None
    ) -> list[Topic]:
        stmt = select(Topic).where(Topic.active.is_(True)).order_by(Topic.name)
        if platform is not None:
            stmt = stmt.where(Topic.platform == platform)
        if workspace_id is not None:
            stmt = stmt.where(Topic.workspace_id == workspace_id)
        with self.session() as s:
            return list(s.scalars(stmt))

    def update_topic(self, topic_id: int, **changes: Any) -> Topic:
        with self.session() as s:
            topic = s.get_one(Topic, topic_id)
            for k, v in changes.items():
                if v is not None:
                    setattr(topic, k, v)
            s.flush()
            return topic

    def remove_topic(self, topic_id: int) -> None:
        with self.session() as s:
            s.execute(delete(Topic).where(Topic.id == topic_id))

    def add_alias(self, topic_id: int, alias: str, canonical: str, created_by: str = "") -> None:
        alias = alias.strip().lower()
        with self.session() as s:
            row = s.scalar(
                select(SourceAlias).where(
                    SourceAlias.topic_id == topic_id, SourceAlias.alias == alias
                )
            )
            if row is None:
                s.add(
                    SourceAlias(
                        topic_id=topic_id, alias=alias, canonical=canonical, created_by=created_by
                    )
                )
            else:
                row.canonical = canonical

    def aliases(self, topic_id: int) -> dict[str, str]:
        with self.session() as s:
            rows = s.execute(
                select(SourceAlias.alias, SourceAlias.canonical).where(
                    SourceAlias.topic_id == topic_id
                )
            )
            return {a: c for a, c in rows}

    # -- subscriptions ----------------------------------------------------------

    def subscribe(
        self,
        topic_id: int,
        platform: str,
        workspace_id: str,
        channel_id: str,
        mode: str = "instant",
        created_by: str = "",
        digest_interval_s: int = 3600,
    ) -> tuple[Subscription, bool]:
        """Create or update a subscription; returns it and whether it is new."""
        with self.session() as s:
            sub = s.scalar(
                select(Subscription).where(
                    Subscription.topic_id == topic_id,
                    Subscription.platform == platform,
                    Subscription.channel_id == channel_id,
                )
            )
            created = sub is None
            if sub is None:
                sub = Subscription(
                    topic_id=topic_id,
                    platform=platform,
                    workspace_id=workspace_id,
                    channel_id=channel_id,
                    created_by=created_by,
                )
                s.add(sub)
            sub.mode = mode
            sub.paused = False
            sub.pause_reason = None
            sub.digest_interval_s = digest_interval_s
            sub.next_digest_at = (
                utcnow() + timedelta(seconds=digest_interval_s) if mode == "digest" else None
            )
            s.flush()
            return sub, created

    def unsubscribe(self, topic_id: int, platform: str, channel_id: str) -> bool:
        with self.session() as s:
            res = s.execute(
                delete(Subscription).where(
                    Subscription.topic_id == topic_id,
                    Subscription.platform == platform,
                    Subscription.channel_id == channel_id,
                )
            )
            return bool(res.rowcount)

    def subscriptions(
        self,
        platform: str | None = None,
        workspace_id: str | None = None,
        topic_id: int | None = None,
    ) -> list[Subscription]:
        stmt = select(Subscription).options(joinedload(Subscription.topic))
        if platform is not None:
            stmt = stmt.where(Subscription.platform == platform)
        if workspace_id is not None:
            stmt = stmt.where(Subscription.workspace_id == workspace_id)
        if topic_id is not None:
            stmt = stmt.where(Subscription.topic_id == topic_id)
        with self.session() as s:
            return list(s.scalars(stmt.order_by(Subscription.id)))

    def pause_subscription(self, subscription_id: int, reason: str) -> None:
        with self.session() as s:
            s.execute(
                update(Subscription)
                .where(Subscription.id == subscription_id)
                .values(paused=True, pause_reason=reason)
            )

    def pause_channel(self, platform: str, channel_id: str, reason: str) -> int:
        with self.session() as s:
            res = s.execute(
                update(Subscription)
                .where(Subscription.platform == platform, Subscription.channel_id == channel_id)
                .values(paused=True, pause_reason=reason)
            )
            return res.rowcount or 0

    def resume_subscription(self, subscription_id: int) -> None:
        with self.session() as s:
            s.execute(
                update(Subscription)
                .where(Subscription.id == subscription_id)
                .values(paused=False, pause_reason=None)
            )

    # -- articles -----------------------------------------------------------------

    def store_article(self, item: ArticleIn) -> StoredArticle:
        """Insert, revise or recognise an article (by canonical URL, then content hash)."""
        digest = content_hash(item.title + "\n" + item.text)
        with self.session() as s:
            existing = s.scalar(select(Article).where(Article.url == item.url))
            if existing is not None:
                if existing.content_hash == digest:
                    return StoredArticle(existing.id, "duplicate", existing.revision, existing.id)
                existing.revision += 1
                existing.text = item.text
                existing.title = item.title or existing.title
                existing.content_hash = digest
                existing.fetched_at = utcnow()
                if item.published_at and not existing.published_at:
                    existing.published_at = item.published_at
                s.add(
                    ArticleRevision(
                        article_id=existing.id,
                        revision=existing.revision,
                        title=existing.title,
                        text=item.text,
                        content_hash=digest,
                    )
                )
                s.flush()
                return StoredArticle(existing.id, "revision", existing.revision, article=existing)
            same = s.scalar(select(Article.id).where(Article.content_hash == digest).limit(1))
            if same is not None:
                return StoredArticle(same, "duplicate", 1, same)
            article = Article(
                url=item.url,
                title=item.title,
                outlet=item.outlet,
                author=item.author,
                published_at=item.published_at,
                language=item.language,
                text=item.text,
                content_hash=digest,
                origin=item.origin,
                feed_id=item.feed_id,
            )
            s.add(article)
            s.flush()
            s.add(
                ArticleRevision(
                    article_id=article.id,
                    revision=1,
                    title=item.title,
                    text=item.text,
                    content_hash=digest,
                )
            )
            s.flush()
            return StoredArticle(article.id, "new", 1, article=article)

    def get_article(self, article_id: int) -> Article | None:
        with self.session() as s:
            return s.get(Article, article_id)

    def article_by_url(self, url: str) -> Article | None:
        with self.session() as s:
            return s.scalar(select(Article).where(Article.url == url))

    def article_revisions(self, article_id: int) -> list[ArticleRevision]:
        with self.session() as s:
            return list(
                s.scalars(
                    select(ArticleRevision)
                    .where(ArticleRevision.article_id == article_id)
                    .order_by(ArticleRevision.revision)
                )
            )

    def count_articles(self) -> int:
        with self.session() as s:
            return s.scalar(select(func.count(Article.id))) or 0

    def schedule_article_check(self, article_id: int, at: datetime | None) -> None:
        with self.session() as s:
            s.execute(
                update(Article)
                .where(Article.id == article_id)
                .values(next_check_at=at, check_lease_until=None)
            )

    def lease_due_articles(self, now: datetime, limit: int, lease: timedelta) -> list[Article]:
        """Articles whose re-check is due, leased so another process skips them."""
        with self.session() as s:
            stmt = (
                select(Article)
                .where(
                    Article.next_check_at.is_not(None),
                    Article.next_check_at <= now,
                    or_(Article.check_lease_until.is_(None), Article.check_lease_until <= now),
                )
                .order_by(Article.next_check_at)
                .limit(limit)
            )
            return self._take(s, stmt, check_lease_until=now + lease)

    def _take(self, s: Session, stmt: Select[Any], **lease: Any) -> list[Any]:
        """Rows of ``stmt`` no other transaction holds, with the lease columns set."""
        rows = list(s.scalars(self._skip_locked(stmt)))
        for row in rows:
            for column, value in lease.items():
                setattr(row, column, value)
        s.flush()
        return rows

    def _skip_locked(self, stmt: Select[Any]) -> Select[Any]:
        if self.dialect == "postgresql":
            return stmt.with_for_update(skip_locked=True)
        return stmt

    # -- claims and events ----------------------------------------------------------

    def topic_statements(
        self, topic_id: int, after_id: int = 0
    ) -> list[tuple[int, str, str, dict[str, Any], datetime, int, str, bool]]:
        """(id, key, source, value, asserted_at, article_id, outlet, background) of a topic's
        claims with an id above ``after_id``: what detection needs, no more."""
        with self.session() as s:
            rows = s.execute(
                select(
                    Claim.id,
                    Claim.key,
                    Claim.source,
                    Claim.value,
                    Claim.asserted_at,
                    Claim.article_id,
                    Claim.outlet,
                    Claim.background,
                )
                .where(Claim.topic_id == topic_id, Claim.id > after_id)
                .order_by(Claim.id)
            )
            return [tuple(r) for r in rows]  # type: ignore[misc]

    def topic_vocabulary(
        self, topic_id: int, limit: int = 2000
    ) -> tuple[list[tuple[str, list[str]]], list[tuple[str, str]]]:
        """What the extractor knows of a topic: its sources with their speakers, and its
        keys with their labels, most recently heard first (bounded by ``limit`` each)."""
        with self.session() as s:
            speakers: dict[str, list[str]] = {}
            for source, detail in s.execute(
                select(Claim.source, Claim.source_detail)
                .where(Claim.topic_id == topic_id)
                .group_by(Claim.source, Claim.source_detail)
                .order_by(func.max(Claim.id).desc())
                .limit(limit)
            ):
                names = speakers.setdefault(source, [])
                if detail and detail not in names:
                    names.append(detail)
            keys = [
                (k, label)
                for k, label, _ in s.execute(
                    select(Claim.key, Claim.key_label, func.max(Claim.id))
                    .where(Claim.topic_id == topic_id)
                    .group_by(Claim.key, Claim.key_label)
                    .order_by(func.max(Claim.id).desc())
                    .limit(limit)
                )
            ]
        return list(speakers.items()), keys

    def record_claims(
        self,
        records: Sequence[tuple[ClaimIn, EventIn | None]],
        processed: tuple[int, int] | None = None,
    ) -> list[tuple[int, int | None, int]]:
        """Store an article's claims, their events and the outbox rows of alerting events
        in one transaction (bulk inserts), marking ``processed`` = (article id, revision)
        done in the same transaction; returns (claim id, event id, alerts queued)."""
        with self.session() as s:
            if processed is not None:
                s.execute(
                    update(Article)
                    .where(Article.id == processed[0])
                    .values(processed_revision=processed[1])
                )
            if not records:
                return []
            claim_ids = list(
                s.scalars(
                    insert(Claim).returning(Claim.id, sort_by_parameter_order=True),
                    [dict(claim.__dict__) for claim, _ in records],
                )
            )
            with_event = [(cid, ev) for cid, (_, ev) in zip(claim_ids, records) if ev is not None]
            event_ids: dict[int, int] = {}
            if with_event:
                ids = s.scalars(
                    insert(ClaimEvent).returning(ClaimEvent.id, sort_by_parameter_order=True),
                    [
                        {
                            "topic_id": ev.topic_id,
                            "claim_id": cid,
                            "article_id": ev.article_id,
                            "kind": ev.kind,
                            "key": ev.key,
                            "key_label": ev.key_label,
                            "source": ev.source,
                            "value_text": ev.value_text,
                            "previous_value_text": ev.previous_value_text,
                            "conflicts_with": list(ev.conflicts_with),
                            "note": ev.note,
                        }
                        for cid, ev in with_event
                    ],
                )
                event_ids = dict(zip((cid for cid, _ in with_event), ids, strict=True))
            alerting = [(cid, ev) for cid, ev in with_event if ev.kind in ALERT_KINDS]
            queued: dict[int, int] = {}
            subs: dict[int, list[Subscription]] = {}
            rows: list[dict[str, Any]] = []
            for cid, ev in alerting:
                if ev.topic_id not in subs:
                    subs[ev.topic_id] = list(
                        s.scalars(select(Subscription).where(Subscription.topic_id == ev.topic_id))
                    )
                for sub in subs[ev.topic_id]:
                    rows.append(
                        {
                            "event_id": event_ids[cid],
                            "subscription_id": sub.id,
                            "platform": sub.platform,
                            "status": ALERT_DIGEST if sub.mode == "digest" else ALERT_PENDING,
                        }
                    )
                queued[cid] = len(subs[ev.topic_id])
            if rows:
                s.execute(insert(Alert), rows)
        return [(cid, event_ids.get(cid), queued.get(cid, 0)) for cid in claim_ids]

    def claims_of_revision(self, topic_id: int, article_id: int, revision: int) -> list[Claim]:
        with self.session() as s:
            return list(
                s.scalars(
                    select(Claim).where(
                        Claim.topic_id == topic_id,
                        Claim.article_id == article_id,
                        Claim.revision == revision,
                    )
                )
            )

    def events(self, topic_id: int, kinds: Iterable[str] | None = None) -> list[ClaimEvent]:
        stmt = select(ClaimEvent).where(ClaimEvent.topic_id == topic_id)
        if kinds is not None:
            stmt = stmt.where(ClaimEvent.kind.in_(list(kinds)))
        with self.session() as s:
            return list(s.scalars(stmt.order_by(ClaimEvent.id)))

    def keys(self, topic_id: int) -> list[tuple[str, str]]:
        """(key, label) pairs of a topic, most recently active first."""
        with self.session() as s:
            rows = s.execute(
                select(Claim.key, Claim.key_label, func.max(Claim.id))
                .where(Claim.topic_id == topic_id)
                .group_by(Claim.key, Claim.key_label)
                .order_by(func.max(Claim.id).desc())
            )
            seen: dict[str, str] = {}
            for key, label, _ in rows:
                seen.setdefault(key, label)
            return list(seen.items())

    def topic_claims(self, topic_id: int, key: str | None = None) -> list[Claim]:
        """Every claim of a topic (optionally one key), oldest statement first, article loaded."""
        stmt = (
            select(Claim)
            .options(joinedload(Claim.article))
            .where(Claim.topic_id == topic_id)
            .order_by(Claim.asserted_at, Claim.id)
        )
        if key is not None:
            stmt = stmt.where(Claim.key == key)
        with self.session() as s:
            return list(s.scalars(stmt))

    def figure_series(self, topic_id: int, key: str | None = None) -> list[Claim]:
        """Every figure claim of a topic (optionally one key), oldest first, for charts."""
        stmt = select(Claim).where(Claim.topic_id == topic_id).order_by(Claim.asserted_at)
        if key is not None:
            stmt = stmt.where(Claim.key == key)
        with self.session() as s:
            return [c for c in s.scalars(stmt) if c.value.get("kind") == "figure"]

    def corroboration(self, topic_id: int, key: str, source: str, value_text: str) -> int:
        """How many distinct articles carried this source's value on this key."""
        with self.session() as s:
            return (
                s.scalar(
                    select(func.count(func.distinct(Claim.article_id))).where(
                        Claim.topic_id == topic_id,
                        Claim.key == key,
                        Claim.source == source,
                        Claim.value_text == value_text,
                    )
                )
                or 0
            )

    # -- outbox ---------------------------------------------------------------------

    def lease_due_alerts(
        self,
        platforms: Iterable[str],
        now: datetime,
        limit: int = 50,
        lease: timedelta = timedelta(seconds=60),
    ) -> list[AlertJob]:
        """Due instant alerts of active subscriptions, leased to this caller."""
        with self.session() as s:
            stmt = (
                select(Alert)
                .join(Subscription, Subscription.id == Alert.subscription_id)
                .where(
                    Alert.platform.in_(list(platforms)),
                    Alert.status == ALERT_PENDING,
                    Alert.next_attempt_at <= now,
                    or_(Alert.lease_until.is_(None), Alert.lease_until <= now),
                    Subscription.paused.is_(False),
                )
                .order_by(Alert.id)
                .limit(limit)
            )
            alerts = self._take(s, stmt, lease_until=now + lease)
            return [self._job(s, a) for a in alerts]

    def _job(self, s: Session, alert: Alert) -> AlertJob:
        event = s.get_one(ClaimEvent, alert.event_id)
        claim = s.get_one(Claim, event.claim_id)
        article = s.get_one(Article, event.article_id)
        sub = s.get_one(Subscription, alert.subscription_id)
        topic = s.get_one(Topic, event.topic_id)
        corroboration = (
            s.scalar(
                select(func.count(func.distinct(Claim.article_id))).where(
                    Claim.topic_id == claim.topic_id,
                    Claim.key == claim.key,
                    Claim.value_text == claim.value_text,
                    Claim.id != claim.id,
                )
            )
            or 0
        )
        return AlertJob(
            alert_id=alert.id,
            subscription_id=sub.id,
            platform=sub.platform,
            workspace_id=sub.workspace_id,
            channel_id=sub.channel_id,
            attempts=alert.attempts,
            event_id=event.id,
            kind=event.kind,
            topic_id=topic.id,
            topic_name=topic.name,
            topic_slug=topic.slug,
            key=event.key,
            key_label=event.key_label,
            source=event.source,
            source_detail=claim.source_detail,
            value_text=event.value_text,
            previous_value_text=event.previous_value_text,
            conflicts_with=list(event.conflicts_with or []),
            note=event.note,
            evidence=claim.evidence,
            outlet=claim.outlet or article.outlet,
            url=article.url,
            title=article.title,
            published_at=article.published_at,
            asserted_at=claim.asserted_at,
            corroboration=corroboration,
        )

    def mark_alert_sent(self, alert_id: int, message_id: str | None) -> bool:
        """Mark sent; False if it was already sent (another worker got there first)."""
        with self.session() as s:
            res = s.execute(
                update(Alert)
                .where(Alert.id == alert_id, Alert.status != ALERT_SENT)
                .values(
                    status=ALERT_SENT,
                    platform_message_id=message_id,
                    sent_at=utcnow(),
                    lease_until=None,
                    attempts=Alert.attempts + 1,
                )
            )
            return bool(res.rowcount)

    def mark_alert_failed(
        self, alert_id: int, error: str, retry_at: datetime | None, park: bool = False
    ) -> None:
        with self.session() as s:
            values: dict[str, Any] = {
                "last_error": error[:2000],
                "attempts": Alert.attempts + 1,
                "lease_until": None,
            }
            if park:
                values["status"] = ALERT_PARKED
            elif retry_at is not None:
                values["next_attempt_at"] = retry_at
            s.execute(update(Alert).where(Alert.id == alert_id).values(**values))

    def release_alert(self, alert_id: int, retry_at: datetime) -> None:
        """Give a leased alert back without counting an attempt (e.g. rate limited)."""
        with self.session() as s:
            s.execute(
                update(Alert)
                .where(Alert.id == alert_id)
                .values(lease_until=None, next_attempt_at=retry_at)
            )

    def unpark_subscription_alerts(self, subscription_id: int) -> int:
        with self.session() as s:
            res = s.execute(
                update(Alert)
                .where(Alert.subscription_id == subscription_id, Alert.status == ALERT_PARKED)
                .values(status=ALERT_PENDING, next_attempt_at=utcnow(), lease_until=None)
            )
            return res.rowcount or 0

    def alert(self, alert_id: int) -> Alert | None:
        with self.session() as s:
            return s.get(Alert, alert_id)

    def alerts(self, status: str | None = None) -> list[Alert]:
        stmt = select(Alert).order_by(Alert.id)
        if status is not None:
            stmt = stmt.where(Alert.status == status)
        with self.session() as s:
            return list(s.scalars(stmt))

    def due_digests(self, platforms: Iterable[str], now: datetime) -> list[Subscription]:
        with self.session() as s:
            return list(
                s.scalars(
                    select(Subscription)
                    .options(joinedload(Subscription.topic))
                    .where(
                        Subscription.platform.in_(list(platforms)),
                        Subscription.mode == "digest",
                        Subscription.paused.is_(False),
                        Subscription.next_digest_at.is_not(None),
                        Subscription.next_digest_at <= now,
                    )
                )
            )

    def lease_digest_alerts(self, subscription_id: int, now: datetime) -> list[AlertJob]:
        with self.session() as s:
            alerts = list(
                s.scalars(
                    self._skip_locked(
                        select(Alert)
                        .where(
                            Alert.subscription_id == subscription_id,
                            Alert.status == ALERT_DIGEST,
                        )
                        .order_by(Alert.id)
                    )
                )
            )
            return [self._job(s, a) for a in alerts]

    def complete_digest(
        self, subscription_id: int, alert_ids: Sequence[int], message_id: str | None
    ) -> None:
        with self.session() as s:
            sub = s.get_one(Subscription, subscription_id)
            sub.next_digest_at = utcnow() + timedelta(seconds=sub.digest_interval_s)
            if alert_ids:
                s.execute(
                    update(Alert)
                    .where(Alert.id.in_(list(alert_ids)), Alert.status == ALERT_DIGEST)
                    .values(
                        status=ALERT_DIGESTED,
                        platform_message_id=message_id,
                        sent_at=utcnow(),
                        attempts=Alert.attempts + 1,
                    )
                )

    def pipeline_lag(self, now: datetime) -> timedelta | None:
        """Age of the oldest undelivered instant alert, None when nothing waits."""
        with self.session() as s:
            oldest = s.scalar(
                select(func.min(Alert.created_at))
                .join(Subscription, Subscription.id == Alert.subscription_id)
                .where(Alert.status == ALERT_PENDING, Subscription.paused.is_(False))
            )
        return None if oldest is None else now - oldest

    def alert_counts(self) -> dict[str, int]:
        with self.session() as s:
            return {
                status: n
                for status, n in s.execute(
                    select(Alert.status, func.count(Alert.id)).group_by(Alert.status)
                )
            }

    # -- notices ----------------------------------------------------------------------

    def add_notice(self, platform: str, workspace_id: str, channel_id: str, text: str) -> int:
        with self.session() as s:
            row = Notice(
                platform=platform, workspace_id=workspace_id, channel_id=channel_id, text=text
            )
            s.add(row)
            s.flush()
            return row.id

    def pending_notices(self, platforms: Iterable[str], limit: int = 50) -> list[Notice]:
        with self.session() as s:
            return list(
                s.scalars(
                    select(Notice)
                    .where(Notice.platform.in_(list(platforms)), Notice.status == ALERT_PENDING)
                    .order_by(Notice.id)
                    .limit(limit)
                )
            )

    def mark_notice(self, notice_id: int, status: str) -> None:
        with self.session() as s:
            s.execute(
                update(Notice)
                .where(Notice.id == notice_id)
                .values(
                    status=status,
                    attempts=Notice.attempts + 1,
                    sent_at=utcnow() if status == ALERT_SENT else None,
                )
            )

    # -- feeds ----------------------------------------------------------------------------

    def add_feed(
        self,
        platform: str,
        workspace_id: str,
        url: str,
        topic_id: int | None,
        interval_s: int,
        created_by: str = "",
        first_poll_at: datetime | None = None,
    ) -> tuple[Feed, bool]:
        with self.session() as s:
            feed = s.scalar(
                select(Feed).where(
                    Feed.platform == platform, Feed.workspace_id == workspace_id, Feed.url == url
                )
            )
            created = feed is None
            if feed is None:
                feed = Feed(
                    platform=platform,
                    workspace_id=workspace_id,
                    url=url,
                    created_by=created_by,
                    next_poll_at=first_poll_at or utcnow(),
                )
                s.add(feed)
            feed.topic_id = topic_id
            feed.interval_s = interval_s
            feed.disabled = False
            feed.failures = 0
            s.flush()
            return feed, created

    def feeds(self, platform: str | None = None, workspace_id: str | None = None) -> list[Feed]:
        stmt = select(Feed).order_by(Feed.id)
        if platform is not None:
            stmt = stmt.where(Feed.platform == platform)
        if workspace_id is not None:
            stmt = stmt.where(Feed.workspace_id == workspace_id)
        with self.session() as s:
            return list(s.scalars(stmt))

    def get_feed(self, feed_id: int) -> Feed | None:
        with self.session() as s:
            return s.get(Feed, feed_id)

    def remove_feed(self, platform: str, workspace_id: str, url_or_id: str) -> bool:
        cond = Feed.url == url_or_id
        if url_or_id.isdigit():
            cond = or_(cond, Feed.id == int(url_or_id))
        with self.session() as s:
            res = s.execute(
                delete(Feed).where(
                    Feed.platform == platform, Feed.workspace_id == workspace_id, cond
                )
            )
            return bool(res.rowcount)

    def lease_due_feeds(
        self, now: datetime, limit: int, lease: timedelta, owner: str
    ) -> list[Feed]:
        """Feeds due for a poll, leased so that no other process polls them meanwhile."""
        with self.session() as s:
            stmt = (
                select(Feed)
                .where(
                    Feed.disabled.is_(False),
                    Feed.next_poll_at <= now,
                    or_(Feed.lease_until.is_(None), Feed.lease_until <= now),
                )
                .order_by(Feed.next_poll_at)
                .limit(limit)
            )
            feeds = self._take(s, stmt, lease_until=now + lease, lease_owner=owner)
            return feeds

    def update_feed(self, feed_id: int, **values: Any) -> None:
        with self.session() as s:
            s.execute(update(Feed).where(Feed.id == feed_id).values(**values))

    def feed_channels(self, feed: Feed) -> list[tuple[str, str, str]]:
        """(platform, workspace, channel) of subscriptions that follow a feed's topic."""
        if feed.topic_id is None:
            return []
        with self.session() as s:
            rows = s.execute(
                select(
                    Subscription.platform, Subscription.workspace_id, Subscription.channel_id
                ).where(Subscription.topic_id == feed.topic_id)
            )
            return [tuple(r) for r in rows]  # type: ignore[misc]

    # -- small state ------------------------------------------------------------------------

    def kv_get(self, namespace: str, name: str) -> dict[str, Any] | None:
        with self.session() as s:
            row = s.scalar(
                select(KeyValue).where(KeyValue.namespace == namespace, KeyValue.name == name)
            )
            return None if row is None else dict(row.value)

    def kv_put(self, namespace: str, name: str, value: dict[str, Any]) -> None:
        with self.session() as s:
            row = s.scalar(
                select(KeyValue).where(KeyValue.namespace == namespace, KeyValue.name == name)
            )
            if row is None:
                try:
                    with s.begin_nested():
                        s.add(KeyValue(namespace=namespace, name=name, value=value))
                except IntegrityError:
                    row = s.scalar(
                        select(KeyValue).where(
                            KeyValue.namespace == namespace, KeyValue.name == name
                        )
                    )
            if row is not None:
                row.value = value

    def kv_delete(self, namespace: str, name_prefix: str = "") -> int:
        with self.session() as s:
            res = s.execute(
                delete(KeyValue).where(
                    and_(KeyValue.namespace == namespace, KeyValue.name.startswith(name_prefix))
                )
            )
            return res.rowcount or 0

    # -- live sources --

    def lease_feed(self, feed_id: int, now: datetime, lease: timedelta, owner: str) -> Feed | None:
        """Lease one enabled feed now, due or not; None when it is gone or leased elsewhere."""
        with self.session() as s:
            stmt = select(Feed).where(
                Feed.id == feed_id,
                Feed.disabled.is_(False),
                or_(Feed.lease_until.is_(None), Feed.lease_until <= now),
            )
            taken = self._take(s, stmt, lease_until=now + lease, lease_owner=owner)
            return taken[0] if taken else None

    def known_article_urls(self, urls: Iterable[str]) -> set[str]:
        """Which of these URLs are stored articles already."""
        wanted = list(dict.fromkeys(urls))
        found: set[str] = set()
        with self.session() as s:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                found.update(s.scalars(select(Article.url).where(Article.url.in_(chunk))))
        return found

    def start_article_checks(self, url: str, at: datetime) -> bool:
        """Schedule the first re-check of the article at ``url`` unless one is scheduled."""
        with self.session() as s:
            res = s.execute(
                update(Article)
                .where(Article.url == url, Article.next_check_at.is_(None))
                .values(next_check_at=at)
            )
            return bool(res.rowcount)

    def article_first_fetched(self, article_id: int) -> datetime | None:
        """When the article's first revision was fetched."""
        with self.session() as s:
            return s.scalar(
                select(func.min(ArticleRevision.fetched_at)).where(
                    ArticleRevision.article_id == article_id
                )
            )
