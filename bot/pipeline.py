"""The live pipeline: a stored article → matching topics → claims → events → outbox.

``Pipeline.ingest`` is what every source calls (files, feeds, pages, chat):
it stores the article (dedupe, revisions), runs extraction off the event loop,
classifies each claim against its key's history, records claims and events,
queues one alert per subscription for alerting events and wakes the dispatcher.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.claims.model import (
    ArticleText,
    ClaimValue,
    ExtractedClaim,
    ExtractionContext,
    Extractor,
)
from bot.detect import Decision, Statement, classify
from bot.topics import QueryError, parse_query
from storage.models import Article, Claim, Topic
from storage.repository import ArticleIn, ClaimIn, EventIn, Repository, StoredArticle

log = logging.getLogger(__name__)

ALIAS_NAMESPACE = "aliases"


@dataclass(frozen=True)
class EventOutcome:
    """One event the pipeline recorded, with what a replay prints."""

    event_id: int
    topic_id: int
    topic_name: str
    article_url: str
    outlet: str
    kind: str
    key: str
    key_label: str
    source: str
    value: str
    previous_value: str | None
    evidence: str
    evidence_start: int
    evidence_end: int
    asserted_at: datetime
    conflicts_with: tuple[str, ...] = ()
    note: str | None = None
    alerts_queued: int = 0

    def replay_json(self) -> dict[str, object]:
        return {
            "article_url": self.article_url,
            "kind": self.kind,
            "key": self.key_label,
            "source": self.source,
            "value": self.value,
            "previous_value": self.previous_value,
            "evidence": self.evidence,
        }


@dataclass
class IngestOutcome:
    stored: StoredArticle
    events: list[EventOutcome] = field(default_factory=list)
    abstentions: list[tuple[str, str]] = field(default_factory=list)

    @property
    def alerts(self) -> list[EventOutcome]:
        return [e for e in self.events if e.kind in ("new_claim", "new_source", "changed")]


def _statement(c: Claim) -> Statement:
    return Statement(
        source=c.source,
        value=ClaimValue.from_json(c.value),
        asserted_at=c.asserted_at,
        article_id=c.article_id,
        outlet=c.outlet,
        background=c.background,
    )


def best_per_key_source(claims: list[ExtractedClaim]) -> list[ExtractedClaim]:
    """At most one claim per (key, source): the most precise, then the first."""
    best: dict[tuple[str, str], ExtractedClaim] = {}
    for c in claims:
        k = (c.key, c.source)
        cur = best.get(k)
        if (
            cur is None
            or (not c.background and cur.background)
            or (c.background == cur.background and c.precision > cur.precision)
        ):
            best[k] = c
    return sorted(best.values(), key=lambda c: c.start)


class Pipeline:
    """Everything between a stored article and the outbox."""

    def __init__(
        self,
        repo: Repository,
        extractor: Extractor,
        *,
        on_alerts: Callable[[], None] | None = None,
    ) -> None:
        self.repo = repo
        self.extractor = extractor
        self.on_alerts = on_alerts
        self._lock = asyncio.Lock()

    def aliases_for(self, topic: Topic) -> dict[str, str]:
        """Workspace-wide aliases, overridden by the topic's own."""
        shared = self.repo.kv_get(ALIAS_NAMESPACE, f"{topic.platform}:{topic.workspace_id}") or {}
        return {**{str(k): str(v) for k, v in shared.items()}, **self.repo.aliases(topic.id)}

    async def ingest(self, item: ArticleIn) -> IngestOutcome:
        """Store and process an article; safe to call from any coroutine."""
        async with self._lock:
            outcome = await asyncio.to_thread(self.ingest_sync, item)
        if outcome.alerts and self.on_alerts is not None:
            self.on_alerts()
        return outcome

    def ingest_sync(self, item: ArticleIn) -> IngestOutcome:
        stored = self.repo.store_article(item)
        outcome = IngestOutcome(stored)
        if stored.status == "duplicate":
            return outcome
        events, abstentions = self.process_article(stored.article_id)
        outcome.events = events
        outcome.abstentions = abstentions
        return outcome

    def process_pending(self) -> list[EventOutcome]:
        """Process stored articles whose latest revision has not been processed yet."""
        events: list[EventOutcome] = []
        while batch := self.repo.unprocessed_articles(limit=100):
            for article in batch:
                events.extend(self.process_article(article.id)[0])
        return events

    def process_article(
        self, article_id: int, topics: list[Topic] | None = None
    ) -> tuple[list[EventOutcome], list[tuple[str, str]]]:
        article = self.repo.get_article(article_id)
        if article is None:
            raise LookupError(f"no article {article_id}")
        events: list[EventOutcome] = []
        abstentions: list[tuple[str, str]] = []
        for topic in topics if topics is not None else self.repo.list_topics():
            try:
                query = parse_query(topic.query)
            except QueryError:
                log.warning("topic %s has an unparseable query; skipped", topic.slug)
                continue
            if not query.matches(f"{article.title}\n{article.text}"):
                continue
            context = ExtractionContext(
                topic_name=topic.name,
                topic_terms=tuple(query.terms),
                aliases=self.aliases_for(topic),
            )
            result = self.extractor.extract(
                ArticleText(
                    text=article.text,
                    title=article.title,
                    outlet=article.outlet,
                    url=article.url,
                    published_at=article.published_at,
                ),
                context,
            )
            for a in result.abstentions:
                log.debug("abstained on %r in %s: %s", a.sentence[:80], article.url, a.reason)
                abstentions.append((a.sentence, a.reason))
            events.extend(self._record(topic, article, best_per_key_source(result.claims)))
        self.repo.mark_processed(article.id, article.revision)
        return events, abstentions

    def _record(
        self, topic: Topic, article: Article, claims: list[ExtractedClaim]
    ) -> list[EventOutcome]:
        previous_revision: set[tuple[str, str, str]] = set()
        if article.revision > 1:
            previous_revision = {
                (c.key, c.source, c.value_text)
                for c in self.repo.claims_of_revision(topic.id, article.id, article.revision - 1)
            }
        fallback_time = article.published_at or article.fetched_at or datetime.now(UTC)
        out: list[EventOutcome] = []
        for claim in claims:
            value_text = claim.value.display()
            if (claim.key, claim.source, value_text) in previous_revision:
                self._store_claim(topic, article, claim, value_text, fallback_time)
                continue
            asserted_at = claim.asserted_at or fallback_time
            if claim.asserted_at is not None and claim.asserted_at.tzinfo is None:
                asserted_at = claim.asserted_at.replace(tzinfo=UTC)
            history = [_statement(c) for c in self.repo.claim_history(topic.id, claim.key)]
            decision = classify(
                claim.source,
                claim.value,
                asserted_at,
                history,
                background=claim.background,
                article_id=article.id,
                outlet=article.outlet,
            )
            claim_id = self._store_claim(
                topic, article, claim, value_text, asserted_at, stale=decision.stale
            )
            out.append(
                self._record_event(
                    topic, article, claim, value_text, decision, claim_id, asserted_at
                )
            )
        return out

    def _store_claim(
        self,
        topic: Topic,
        article: Article,
        claim: ExtractedClaim,
        value_text: str,
        asserted_at: datetime,
        *,
        stale: bool = False,
    ) -> int:
        return self.repo.add_claim(
            ClaimIn(
                topic_id=topic.id,
                article_id=article.id,
                revision=article.revision,
                key=claim.key,
                key_label=claim.key_label,
                source=claim.source,
                source_detail=claim.source_detail,
                value=claim.value.to_json(),
                value_text=value_text,
                evidence=claim.evidence,
                evidence_start=claim.start,
                evidence_end=claim.end,
                asserted_at=asserted_at,
                background=claim.background or stale,
                outlet=article.outlet,
                extractor=self.extractor.name,
            )
        )

    def _record_event(
        self,
        topic: Topic,
        article: Article,
        claim: ExtractedClaim,
        value_text: str,
        decision: Decision,
        claim_id: int,
        asserted_at: datetime,
    ) -> EventOutcome:
        previous = (
            decision.previous.display()
            if decision.previous and decision.kind == ("changed")
            else None
        )
        note = decision.note
        if decision.conflicts_with:
            note = "conflicts with " + ", ".join(decision.conflicts_with)
        event = self.repo.add_event(
            EventIn(
                topic_id=topic.id,
                article_id=article.id,
                kind=decision.kind,
                key=claim.key,
                key_label=claim.key_label,
                source=claim.source,
                value_text=value_text,
                previous_value_text=previous,
                conflicts_with=decision.conflicts_with,
                note=note,
            ),
            claim_id,
        )
        queued = self.repo.enqueue_alerts(event.id, topic.id) if decision.alerts else []
        return EventOutcome(
            event_id=event.id,
            topic_id=topic.id,
            topic_name=topic.name,
            article_url=article.url,
            outlet=article.outlet,
            kind=decision.kind,
            key=claim.key,
            key_label=claim.key_label,
            source=claim.source,
            value=value_text,
            previous_value=previous,
            evidence=claim.evidence,
            evidence_start=claim.start,
            evidence_end=claim.end,
            asserted_at=asserted_at,
            conflicts_with=decision.conflicts_with,
            note=note,
            alerts_queued=len(queued),
        )
