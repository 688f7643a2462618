"""Revision checks: re-fetch recent articles on a decaying schedule and hand on edits.

An article is re-checked every 15 minutes for its first 3 hours, hourly until
it is a day old, daily until it is a week old, then never again. Its age
counts from its publication time (or, without one, from when it was first
fetched). A re-fetch whose text differs from the stored one is handed to
``on_article`` with the article's own URL; the store makes it a new revision
and the pipeline diffs its claims against the previous revision.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot import domain
from bot.config import Settings
from bot.ingest.fetch import FetchError, SafeFetcher
from bot.ingest.pages import fetch_article
from storage.models import Article
from storage.repository import Repository, content_hash

log = logging.getLogger(__name__)

SCHEDULE: tuple[tuple[timedelta, timedelta], ...] = (
    (timedelta(hours=3), timedelta(minutes=15)),
    (timedelta(days=1), timedelta(hours=1)),
    (timedelta(days=7), timedelta(days=1)),
)
RETRY_AFTER_ERROR = timedelta(minutes=15)

OnArticle = Callable[[domain.Article], Awaitable[object]]


def next_check_delay(published_at: datetime | None, now: datetime) -> timedelta | None:
    """How long until the next re-check of an article this old; None once it is a week old."""
    if published_at is None:
        return SCHEDULE[0][1]
    age = max(timedelta(0), now - published_at)
    for until, every in SCHEDULE:
        if age < until:
            return every
    return None


def schedule_first_check(repo: Repository, item: domain.Article, now: datetime) -> bool:
    """Start re-checking a freshly ingested article, if it is recent enough to be edited.

    Only ``http(s)`` articles are tracked; one already on a schedule is left alone.
    """
    if not item.url.startswith(("http://", "https://")):
        return False
    delay = next_check_delay(item.published_at, now)
    if delay is None:
        return False
    return repo.start_article_checks(item.url, now + delay)


class RevisionChecker:
    """Leases articles whose re-check is due and re-fetches them."""

    def __init__(
        self,
        repo: Repository,
        fetcher: SafeFetcher,
        settings: Settings,
        on_article: OnArticle,
        *,
        concurrency: int = 8,
        lease: timedelta | None = None,
    ) -> None:
        self.repo = repo
        self.fetcher = fetcher
        self.settings = settings
        self.on_article = on_article
        self.lease = lease or timedelta(seconds=max(300.0, settings.fetch_timeout_s * 20))
        self._slots = asyncio.Semaphore(concurrency)

    def track(self, item: domain.Article, now: datetime | None = None) -> bool:
        """Put a just-stored article (a submitted page, say) on the re-check schedule."""
        return schedule_first_check(self.repo, item, now or datetime.now(UTC))

    async def check_due(self, now: datetime | None = None, limit: int = 100) -> int:
        """Re-check due articles; returns how many had changed."""
        now = now or datetime.now(UTC)
        articles = await asyncio.to_thread(self.repo.lease_due_articles, now, limit, self.lease)
        changed = await asyncio.gather(*(self._check(a, now) for a in articles))
        return sum(changed)

    def _age_base(self, article: Article) -> datetime:
        if article.published_at is not None:
            return article.published_at
        return self.repo.article_first_fetched(article.id) or article.fetched_at

    async def _check(self, article: Article, now: datetime) -> bool:
        async with self._slots:
            base = await asyncio.to_thread(self._age_base, article)
            follow_up = next_check_delay(base, now)
            try:
                fetched = await fetch_article(article.url, self.fetcher, user_submitted=False)
            except FetchError as exc:
                log.info("revision check of %s failed: %s", article.url, exc)
                await self._reschedule(article, now, follow_up)
                return False
            except Exception:
                log.exception("revision check of %s crashed", article.url)
                await self._reschedule(article, now, follow_up)
                return False
            item = replace(
                fetched,
                url=article.url,
                origin=article.origin,
                feed_id=article.feed_id,
                published_at=article.published_at or fetched.published_at,
                title=fetched.title or article.title,
                outlet=article.outlet or fetched.outlet,
            )
            if content_hash(item.title + "\n" + item.text) == article.content_hash:
                await self._reschedule(article, now, follow_up)
                return False
            log.info("article %s changed since revision %d", article.url, article.revision)
            try:
                await self.on_article(item)
            except Exception:
                log.exception("processing the new revision of %s failed; will retry", article.url)
                await asyncio.to_thread(
                    self.repo.schedule_article_check, article.id, now + RETRY_AFTER_ERROR
                )
                return False
            await self._reschedule(article, now, follow_up)
            return True

    async def _reschedule(self, article: Article, now: datetime, delay: timedelta | None) -> None:
        at = None if delay is None else now + delay
        await asyncio.to_thread(self.repo.schedule_article_check, article.id, at)
