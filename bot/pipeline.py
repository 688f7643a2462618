"""The live pipeline: a stored article → matching topics → claims → events → outbox.

``Pipeline.ingest`` is what every source calls (files, feeds, pages, chat):
it finds what storing the article means (new, a revision, a duplicate), runs
extraction off the event loop, classifies each claim against its key's history,
then stores the article with its claims, events and one alert per subscription
for alerting events in one transaction (``storage.ingest``), and wakes the
dispatcher. A crash at any point leaves either all of it or none; transient
database errors retry the whole article. An article an older version stored
without its claims is processed again on re-ingest and at start-up
(``recover_unprocessed``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from bot import domain
from bot.claims.keys import is_specific, same_figure_key
from bot.claims.model import (
    ArticleText,
    ExtractedClaim,
    ExtractionContext,
    Extractor,
    KnownKey,
    KnownParty,
)
from bot.detect import (
    Decision,
    KeyHistory,
    SourceHistory,
    Statement,
    classify,
    one_per_statement,
)
from bot.domain import ALERT_KINDS, Claim, ClaimEvent, ClaimValue, EventKind, Topic
from bot.topics import QueryError, haystack, parse_query
from bot.values import read_back, stored_values_agree
from storage.models import Article
from storage.repository import (
    ArticleChanged,
    ArticlePlan,
    Repository,
    StoredArticle,
)
from storage.retry import retrying
from storage.summaries import Said

log = logging.getLogger(__name__)

ALIAS_NAMESPACE = "aliases"
CONFIG_TTL_S = 5.0
PLAN_TRIES = 3  # an article another process changed meanwhile is planned again


@dataclass
class IngestOutcome:
    stored: StoredArticle
    events: list[ClaimEvent] = field(default_factory=list)
    abstentions: list[tuple[str, str]] = field(default_factory=list)

    @property
    def alerts(self) -> list[ClaimEvent]:
        return [e for e in self.events if e.kind in ALERT_KINDS]


@dataclass(frozen=True)
class _Decided:
    """A claim with what detection made of it (None: a previous revision's claim), ready
    to store."""

    claim: Claim
    event: ClaimEvent | None

    def recorded(self, article_id: int, ids: tuple[int, int | None, int]) -> ClaimEvent | None:
        """The event as stored: its id, the article's and the claim's, and how many
        alerts it queued."""
        claim_id, event_id, queued = ids
        if self.event is None or event_id is None:
            return None
        claim = replace(self.claim, article_id=article_id, id=claim_id)
        return replace(self.event, claim=claim, id=event_id, alerts_queued=queued)


def _statement(source: str, said: Said | None, *, background: bool) -> Statement | None:
    if said is None:
        return None
    return Statement(
        source,
        ClaimValue.from_json(said.value),
        said.asserted_at,
        said.article_id,
        said.outlet,
        background,
    )


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
        self.lock = asyncio.Lock()  # one article at a time in this process
        self._topics: tuple[float, list[Topic]] | None = None
        self._aliases: dict[int, tuple[float, dict[str, str]]] = {}

    def aliases_for(self, topic: Topic) -> dict[str, str]:
        """Workspace-wide aliases, overridden by the topic's own."""
        shared = self.repo.kv_get(ALIAS_NAMESPACE, f"{topic.platform}:{topic.workspace_id}") or {}
        return {**{str(k): str(v) for k, v in shared.items()}, **self.repo.aliases(topic.id)}

    async def ingest(self, item: domain.Article) -> IngestOutcome:
        """Store and process an article; safe to call from any coroutine."""
        async with self.lock:
            outcome = await asyncio.to_thread(self.ingest_sync, item)
        if outcome.alerts and self.on_alerts is not None:
            self.on_alerts()
        return outcome

    def ingest_sync(self, item: domain.Article) -> IngestOutcome:
        """Store and process an article in one transaction; transient database errors
        retry the whole article (with backoff, a bounded number of times)."""
        return retrying(lambda: self._ingest_once(item), f"ingest of {item.url}")

    def _ingest_once(self, item: domain.Article) -> IngestOutcome:
        for _ in range(PLAN_TRIES):
            plan = self.repo.plan_article(item)
            if plan.status == "duplicate":
                return IngestOutcome(plan.stored)
            if plan.status == "unprocessed":
                log.warning(
                    "%s was stored without its claims (an interrupted ingest): processing it",
                    item.url,
                )
            try:
                return self._process(item, plan)
            except ArticleChanged:
                log.info("%s changed while it was analysed; analysing it again", item.url)
        raise ArticleChanged(f"{item.url} kept changing while it was analysed")

    def recover_unprocessed(self) -> int:
        """Process the articles stored without their claims (by an older version whose
        ingest was interrupted); how many were processed here."""
        done = 0
        for article in retrying(self.repo.unprocessed_articles, "listing unprocessed articles"):
            log.warning(
                "%s was stored without its claims (an interrupted ingest): processing it",
                article.url,
            )
            try:
                self.process_article(article)
            except ArticleChanged:
                continue  # another process got there first, or it was revised meanwhile
            done += 1
        if done and self.on_alerts is not None:
            self.on_alerts()
        return done

    def process_article(
        self, article: Article | int, topics: list[Topic] | None = None
    ) -> tuple[list[ClaimEvent], list[tuple[str, str]]]:
        """Process a stored article whose latest revision has no claims yet, storing its
        claims, events and outbox rows in one transaction (``ArticleChanged`` when it
        was processed meanwhile)."""

        def once() -> IngestOutcome:
            found = article
            if isinstance(found, int):
                found = self.repo.get_article(found)
                if found is None:
                    raise LookupError(f"no article {article}")
            return self._process(None, ArticlePlan("unprocessed", found), topics)

        outcome = retrying(once, f"processing article {article}")
        return outcome.events, outcome.abstentions

    def _process(
        self, item: domain.Article | None, plan: ArticlePlan, topics: list[Topic] | None = None
    ) -> IngestOutcome:
        """Analyse the planned article, then commit it with all it yields."""
        article = plan.article
        assert article is not None
        decided, abstentions = self._analyse(article, topics)
        stored, results = self.repo.commit_article(
            item, plan, [(d.claim, d.event) for d in decided], agrees=stored_values_agree
        )
        article.id = stored.article_id
        events = [
            event
            for d, ids in zip(decided, results, strict=True)
            if (event := d.recorded(stored.article_id, ids)) is not None
        ]
        return IngestOutcome(replace(stored, article=article), events, abstentions)

    def invalidate(self) -> None:
        """Forget cached topics and aliases (an admin changed them)."""
        self._topics = None
        self._aliases.clear()

    def _active_topics(self) -> list[Topic]:
        now = time.monotonic()
        if self._topics is None or now - self._topics[0] > CONFIG_TTL_S:
            self._topics = (now, self.repo.active_topics())
        return self._topics[1]

    def _cached_aliases(self, topic: Topic) -> dict[str, str]:
        now = time.monotonic()
        cached = self._aliases.get(topic.id)
        if cached is None or now - cached[0] > CONFIG_TTL_S:
            cached = (now, self.aliases_for(topic))
            self._aliases[topic.id] = cached
        return cached[1]

    def _analyse(
        self, article: Article, topics: list[Topic] | None
    ) -> tuple[list[_Decided], list[tuple[str, str]]]:
        """Extract and classify the article's claims for every topic it matches (reads
        only: nothing is stored here)."""
        decided: list[_Decided] = []
        abstentions: list[tuple[str, str]] = []
        folded: str | None = None
        for topic in topics if topics is not None else self._active_topics():
            try:
                query = parse_query(topic.query)
            except QueryError:
                log.warning("topic %s has an unparseable query; skipped", topic.slug)
                continue
            if folded is None:
                folded = haystack(f"{article.title}\n{article.text}")
            if not query.matches_haystack(folded):
                continue
            parties, keys = self.repo.topic_vocabulary(topic.id)
            context = ExtractionContext(
                topic_name=topic.name,
                topic_terms=tuple(query.terms),
                aliases=self._cached_aliases(topic),
                known_parties=tuple(KnownParty(name, tuple(sp)) for name, sp in parties),
                known_keys=tuple(KnownKey(k, label) for k, label in keys),
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
            claims = self._same_figures(topic.id, one_per_statement(result.claims))
            decided.extend(self._decide(topic, article, claims))
        return decided, abstentions

    def _same_figures(self, topic_id: int, claims: list[ExtractedClaim]) -> list[ExtractedClaim]:
        """A specific figure the topic already has under another wording takes that key
        ("33,000 machinists" after "33,000 workers"), so that it reads as a repeat."""
        out = []
        for c in claims:
            if is_specific(c.value) and c.value.number is not None:
                n = abs(c.value.number)
                known = self.repo.keys_with_figure(topic_id, n * 0.99, n * 1.01)
                same = same_figure_key(c.key, c.value, known)
                if same is not None:
                    c = replace(c, key=same[0], key_label=same[1], value=same[2])
            out.append(c)
        return one_per_statement(out)

    def _histories(self, topic_id: int, claims: list[ExtractedClaim]) -> dict[str, KeyHistory]:
        """The history of each key the article touches, from the state tables: each
        source's latest current and background statements, and the earlier values (of
        any source on the key) that the article's claims could restate."""
        by_key: dict[str, list[ClaimValue]] = {}
        for c in claims:
            by_key.setdefault(c.key, []).append(c.value)
        wants = {key: read_back(values) for key, values in by_key.items()}
        near = {key: want.near for key, want in wants.items()}
        bounds = {key: want.bounds for key, want in wants.items() if want.bounds}
        out: dict[str, KeyHistory] = {}
        for key, sources in self.repo.key_histories(topic_id, near, bounds).items():
            history = out[key] = KeyHistory()
            for src in sources:
                history.sources[src.source] = SourceHistory(
                    latest=_statement(src.source, src.current, background=False),
                    latest_background=_statement(src.source, src.background, background=True),
                    values=[(ClaimValue.from_json(v), first) for v, first in src.values],
                )
        return out

    def _decide(
        self, topic: Topic, article: Article, claims: list[ExtractedClaim]
    ) -> list[_Decided]:
        """Classify each claim against its key's history (extended as we go, so two
        sources on one key in one article see each other)."""
        previous_revision: set[tuple[str, str, str]] = set()
        if article.revision > 1:
            previous_revision = {
                (c.key, c.source, c.value_text)
                for c in self.repo.claims_of_revision(topic.id, article.id, article.revision - 1)
            }
        fallback_time = article.published_at or article.fetched_at or datetime.now(UTC)
        histories = self._histories(topic.id, claims)
        out: list[_Decided] = []
        for claim in claims:
            value_text = claim.value.display()
            asserted_at = claim.asserted_at or fallback_time
            if asserted_at.tzinfo is None:
                asserted_at = asserted_at.replace(tzinfo=UTC)
            history = histories[claim.key]
            decision: Decision | None = None
            if (claim.key, claim.source, value_text) not in previous_revision:
                decision = classify(
                    claim.source,
                    claim.value,
                    asserted_at,
                    history,
                    background=claim.background,
                    article_id=article.id,
                    outlet=article.outlet,
                )
            background = claim.background or (decision is not None and decision.stale)
            history.add(
                Statement(
                    claim.source, claim.value, asserted_at, article.id, article.outlet, background
                )
            )
            stored = self._stored_claim(topic, article, claim, value_text, asserted_at, background)
            event = None if decision is None else _event(topic, article, stored, decision)
            out.append(_Decided(stored, event))
        return out

    def _stored_claim(
        self,
        topic: Topic,
        article: Article,
        claim: ExtractedClaim,
        value_text: str,
        asserted_at: datetime,
        background: bool,
    ) -> Claim:
        """The extractor's claim as the store keeps it, on this topic and article."""
        return Claim(
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
            background=background,
            outlet=article.outlet,
            extractor=self.extractor.name,
        )


def _event(topic: Topic, article: Article, claim: Claim, decision: Decision) -> ClaimEvent:
    """The event detection decided on ``claim``."""
    previous = (
        decision.previous.display()
        if decision.previous is not None and decision.kind == EventKind.CHANGED
        else None
    )
    note = decision.note
    if decision.conflicts_with:
        note = "conflicts with " + ", ".join(decision.conflicts_with)
    return ClaimEvent(
        kind=decision.kind,
        claim=claim,
        previous_value=previous,
        conflicts_with=tuple(decision.conflicts_with),
        note=note,
        topic_name=topic.name,
        article_url=article.url,
    )
