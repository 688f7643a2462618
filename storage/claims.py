"""Claims and their events: recording an article's claims, reading them back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from bot import domain
from bot.domain import ALERT_KINDS
from storage.base import StoreBase
from storage.mapping import claim_from_row, claim_row, event_row
from storage.models import (
    Alert,
    Article,
    Claim,
    ClaimEvent,
    Subscription,
)
from storage.outbox import ALERT_DIGEST, ALERT_PENDING
from storage.state import Agreement, apply_claims, aware

Recorded = tuple[domain.Claim, domain.ClaimEvent | None]
"""A claim to store, with what detection made of it (None: nothing, a previous
revision's claim)."""


class ClaimStore(StoreBase):
    """Claims, events and what is read back from them."""

    # -- claims and events ----------------------------------------------------------

    def record_claims(
        self,
        records: Sequence[Recorded],
        processed: tuple[int, int] | None = None,
        *,
        agrees: Agreement,
    ) -> list[tuple[int, int | None, int]]:
        """Store an article's claims, their events and the outbox rows of alerting events
        in one transaction (bulk inserts), with the current-state rows of every (key,
        source) they touch, marking ``processed`` = (article id, revision) done in the
        same transaction; returns (claim id, event id, alerts queued).

        ``agrees(value, shown)`` is the claim engine's rule for two stored values."""
        with self.session() as s:
            if processed is not None:
                self._mark_processed(s, *processed)
            return self._record_claims(s, records, agrees)

    @staticmethod
    def _mark_processed(s: Session, article_id: int, revision: int) -> bool:
        """Mark the article's ``revision`` processed, unless it has moved on or was processed
        already (by another process): the fence that keeps an article's claims single."""
        res = s.execute(
            update(Article)
            .where(
                Article.id == article_id,
                Article.revision == revision,
                Article.processed_revision < revision,
            )
            .values(processed_revision=revision)
        )
        return bool(res.rowcount)

    def _record_claims(
        self,
        s: Session,
        records: Sequence[Recorded],
        agrees: Agreement,
    ) -> list[tuple[int, int | None, int]]:
        """``record_claims`` inside the caller's transaction."""
        if not records:
            return []
        claim_ids = list(
            s.scalars(
                insert(Claim).returning(Claim.id, sort_by_parameter_order=True),
                [claim_row(claim) for claim, _ in records],
            )
        )
        apply_claims(
            s,
            [
                replace(c, id=cid, asserted_at=aware(c.asserted_at))
                for cid, (c, _) in zip(claim_ids, records, strict=True)
            ],
            self.dialect,
            agrees,
        )
        with_event = [(cid, ev) for cid, (_, ev) in zip(claim_ids, records) if ev is not None]
        event_ids: dict[int, int] = {}
        if with_event:
            ids = s.scalars(
                insert(ClaimEvent).returning(ClaimEvent.id, sort_by_parameter_order=True),
                [event_row(ev, cid) for cid, ev in with_event],
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

    def claims_of_revision(
        self, topic_id: int, article_id: int, revision: int
    ) -> list[domain.Claim]:
        with self.session() as s:
            rows = s.scalars(
                select(Claim).where(
                    Claim.topic_id == topic_id,
                    Claim.article_id == article_id,
                    Claim.revision == revision,
                )
            )
            return [claim_from_row(c) for c in rows]

    def events(self, topic_id: int, kinds: Iterable[str] | None = None) -> list[ClaimEvent]:
        stmt = select(ClaimEvent).where(ClaimEvent.topic_id == topic_id)
        if kinds is not None:
            stmt = stmt.where(ClaimEvent.kind.in_(list(kinds)))
        with self.session() as s:
            return list(s.scalars(stmt.order_by(ClaimEvent.id)))
