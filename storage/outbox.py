"""The outbox: alert rows per event and subscription, digests, notices, and counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from storage.base import StoreBase
from storage.kinds import ALERT_KINDS as ALERT_KINDS
from storage.models import (
    Alert,
    AlertCount,
    Article,
    Claim,
    ClaimEvent,
    ClaimValueSeen,
    Notice,
    Subscription,
    Topic,
    utcnow,
)

ALERT_PENDING = "pending"
ALERT_SENT = "sent"
ALERT_DIGEST = "digest"
ALERT_DIGESTED = "digested"
ALERT_PARKED = "parked"


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


class OutboxStore(StoreBase):
    """Alerts, digests and notices."""

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
        corroboration = max(
            0,
            (
                s.scalar(
                    select(func.sum(ClaimValueSeen.articles)).where(
                        ClaimValueSeen.topic_id == claim.topic_id,
                        ClaimValueSeen.key == claim.key,
                        ClaimValueSeen.value_text == claim.value_text,
                    )
                )
                or 0
            )
            - 1,
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
        """Alerts per status, from the counters the database keeps (see ``AlertCount``)."""
        total = func.sum(AlertCount.n)
        with self.session() as s:
            return {
                status: int(n)
                for status, n in s.execute(
                    select(AlertCount.status, total).group_by(AlertCount.status).having(total > 0)
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
