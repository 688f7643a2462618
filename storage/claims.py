"""Claims and their events: recording an article's claims, reading them back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import joinedload

from storage.base import StoreBase
from storage.models import (
    Alert,
    Article,
    Claim,
    ClaimEvent,
    Subscription,
)
from storage.outbox import ALERT_DIGEST, ALERT_KINDS, ALERT_PENDING


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


class ClaimStore(StoreBase):
    """Claims, events and what is read back from them."""

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
