"""The outbox: alert rows per event and subscription, digests, notices, and counts.

Leases are fenced: each lease writes a fresh ``lease_token`` to the rows it
takes, and every later step of the holder (claiming the send, renewing,
marking sent or failed, giving back) only succeeds ``WHERE lease_token =
:mine``. A process whose lease ran out and was taken over can neither send
the alert again nor overwrite what the new holder does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from bot import domain
from storage.base import StoreBase
from storage.mapping import alert_from_rows
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


def _delivered(status: str, message_id: str | None) -> dict[str, Any]:
    """The columns of an alert row once it has gone out (alone or in a digest)."""
    return {
        "status": status,
        "platform_message_id": message_id,
        "sent_at": utcnow(),
        "lease_until": None,
        "lease_token": None,
        "attempts": Alert.attempts + 1,
    }


class OutboxStore(StoreBase):
    """Alerts, digests and notices."""

    # -- outbox ---------------------------------------------------------------------

    def lease_due_alerts(
        self,
        platforms: Iterable[str],
        now: datetime,
        limit: int = 50,
        lease: timedelta = timedelta(seconds=60),
    ) -> list[domain.Alert]:
        """Due instant alerts of active subscriptions, leased to this caller until
        ``now + lease`` under a fresh token (``Alert.lease_token``)."""
        return self._retry(
            "leasing due alerts", lambda: self._lease_due(list(platforms), now, limit, lease)
        )

    def _lease_due(
        self, platforms: list[str], now: datetime, limit: int, lease: timedelta
    ) -> list[domain.Alert]:
        token = uuid4().hex
        with self.session() as s:
            stmt = (
                select(Alert.id)
                .join(Subscription, Subscription.id == Alert.subscription_id)
                .where(
                    Alert.platform.in_(platforms),
                    Alert.status == ALERT_PENDING,
                    Alert.next_attempt_at <= now,
                    or_(Alert.lease_until.is_(None), Alert.lease_until <= now),
                    Subscription.paused.is_(False),
                )
                .order_by(Alert.id)
                .limit(limit)
            )
            ids = list(s.scalars(self._skip_locked(stmt)))
            if not ids:
                return []
            # the lease is a compare-and-set: on SQLite, where nothing is locked by the
            # select, a row another process leased meanwhile is not taken again
            s.execute(
                update(Alert)
                .where(
                    Alert.id.in_(ids),
                    Alert.status == ALERT_PENDING,
                    or_(Alert.lease_until.is_(None), Alert.lease_until <= now),
                )
                .values(lease_until=now + lease, lease_token=token)
                .execution_options(synchronize_session=False)
            )
            return self._leased(s, ids, token)

    def _leased(self, s: Session, ids: list[int], token: str) -> list[domain.Alert]:
        """The jobs of those of ``ids`` that ``token`` now holds."""
        held = select(Alert).where(Alert.id.in_(ids), Alert.lease_token == token)
        return [self._job(s, a, token) for a in s.scalars(held.order_by(Alert.id))]

    @staticmethod
    def _held(alert_id: int, token: str | None) -> ColumnElement[bool]:
        """The alert, while ``token`` holds its lease (any lease when ``token`` is None)."""
        if token is None:
            return Alert.id == alert_id
        return (Alert.id == alert_id) & (Alert.lease_token == token)

    def claim_alert(self, alert_id: int, token: str, until: datetime) -> bool:
        """Right before the send: True, with the lease extended to ``until``, only while
        ``token`` still holds the alert and it is unsent; False means the lease ran out
        and another process took the alert (or it was sent): do not send it."""
        return self._retry(
            f"claiming alert {alert_id}",
            lambda: self._extend(alert_id, token, until),
        )

    def _extend(self, alert_id: int, token: str, until: datetime) -> bool:
        with self.session() as s:
            res = s.execute(
                update(Alert)
                .where(self._held(alert_id, token), Alert.status == ALERT_PENDING)
                .values(lease_until=until)
            )
            return bool(res.rowcount)

    def _job(self, s: Session, alert: Alert, token: str | None = None) -> domain.Alert:
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
        return alert_from_rows(alert, event, claim, article, sub, topic, corroboration, token)

    def mark_alert_sent(
        self, alert_id: int, message_id: str | None, lease_token: str | None = None
    ) -> bool:
        """Mark sent; False if it was already sent, or ``lease_token`` no longer holds it."""

        def mark() -> bool:
            with self.session() as s:
                res = s.execute(
                    update(Alert)
                    .where(self._held(alert_id, lease_token), Alert.status != ALERT_SENT)
                    .values(**_delivered(ALERT_SENT, message_id))
                )
                return bool(res.rowcount)

        return self._retry(f"marking alert {alert_id} sent", mark)

    def mark_alert_failed(
        self,
        alert_id: int,
        error: str,
        retry_at: datetime | None,
        park: bool = False,
        lease_token: str | None = None,
    ) -> bool:
        """Count a failed attempt and retry at ``retry_at`` (or park it); False when
        ``lease_token`` no longer holds the alert."""
        values: dict[str, Any] = {
            "last_error": error[:2000],
            "attempts": Alert.attempts + 1,
            "lease_until": None,
            "lease_token": None,
        }
        if park:
            values["status"] = ALERT_PARKED
        elif retry_at is not None:
            values["next_attempt_at"] = retry_at

        def mark() -> bool:
            with self.session() as s:
                res = s.execute(
                    update(Alert)
                    .where(self._held(alert_id, lease_token), Alert.status == ALERT_PENDING)
                    .values(**values)
                )
                return bool(res.rowcount)

        return self._retry(f"marking alert {alert_id} failed", mark)

    def release_alert(
        self, alert_id: int, retry_at: datetime, lease_token: str | None = None
    ) -> bool:
        """Give a leased alert back without counting an attempt (e.g. rate limited);
        False when ``lease_token`` no longer holds it."""

        def release() -> bool:
            with self.session() as s:
                res = s.execute(
                    update(Alert)
                    .where(self._held(alert_id, lease_token), Alert.status == ALERT_PENDING)
                    .values(lease_until=None, lease_token=None, next_attempt_at=retry_at)
                )
                return bool(res.rowcount)

        return self._retry(f"giving back alert {alert_id}", release)

    def unpark_subscription_alerts(self, subscription_id: int) -> int:
        with self.session() as s:
            res = s.execute(
                update(Alert)
                .where(Alert.subscription_id == subscription_id, Alert.status == ALERT_PARKED)
                .values(status=ALERT_PENDING, next_attempt_at=utcnow())
                .values(lease_until=None, lease_token=None)
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

    def lease_digest_alerts(
        self, subscription_id: int, now: datetime, lease: timedelta = timedelta(seconds=60)
    ) -> list[domain.Alert]:
        """The subscription's queued digest alerts no other process holds, leased to this
        caller under a fresh token (``Alert.lease_token``, the same on every row)."""
        return self._retry(
            f"leasing the digest of subscription {subscription_id}",
            lambda: self._lease_digest(subscription_id, now, lease),
        )

    def _lease_digest(
        self, subscription_id: int, now: datetime, lease: timedelta
    ) -> list[domain.Alert]:
        token = uuid4().hex
        free = or_(Alert.lease_until.is_(None), Alert.lease_until <= now)
        with self.session() as s:
            ids = list(
                s.scalars(
                    self._skip_locked(
                        select(Alert.id)
                        .where(
                            Alert.subscription_id == subscription_id,
                            Alert.status == ALERT_DIGEST,
                            free,
                        )
                        .order_by(Alert.id)
                    )
                )
            )
            if not ids:
                return []
            s.execute(
                update(Alert)
                .where(Alert.id.in_(ids), Alert.status == ALERT_DIGEST, free)
                .values(lease_until=now + lease, lease_token=token)
                .execution_options(synchronize_session=False)
            )
            return self._leased(s, ids, token)

    def renew_lease(self, token: str, until: datetime) -> bool:
        """Extend every lease ``token`` still holds (an alert or a digest being sent)."""

        def renew() -> bool:
            with self.session() as s:
                res = s.execute(
                    update(Alert)
                    .where(
                        Alert.lease_token == token,
                        Alert.status.in_([ALERT_PENDING, ALERT_DIGEST]),
                    )
                    .values(lease_until=until)
                )
                return bool(res.rowcount)

        return self._retry("renewing a lease", renew)

    def release_lease(self, token: str) -> int:
        """Give back whatever ``token`` still holds (a digest that could not be sent)."""

        def release() -> int:
            with self.session() as s:
                res = s.execute(
                    update(Alert)
                    .where(Alert.lease_token == token)
                    .values(lease_until=None, lease_token=None)
                )
                return res.rowcount or 0

        return self._retry("giving back a lease", release)

    def complete_digest(
        self,
        subscription_id: int,
        alert_ids: Sequence[int],
        message_id: str | None,
        lease_token: str | None = None,
    ) -> int:
        """The digest went out: its alerts are digested (those ``lease_token`` still
        holds, when given) and the next digest is due one interval from now."""

        def complete() -> int:
            with self.session() as s:
                sub = s.get_one(Subscription, subscription_id)
                sub.next_digest_at = utcnow() + timedelta(seconds=sub.digest_interval_s)
                if not alert_ids:
                    return 0
                held = Alert.id.in_(list(alert_ids))
                if lease_token is not None:
                    held = held & (Alert.lease_token == lease_token)
                res = s.execute(
                    update(Alert)
                    .where(held, Alert.status == ALERT_DIGEST)
                    .values(**_delivered(ALERT_DIGESTED, message_id))
                )
                return res.rowcount or 0

        return self._retry(f"completing the digest of subscription {subscription_id}", complete)

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
