"""Live sources as scheduler jobs: one object that owns the feed poller and revision checker.

The composition root builds ``LiveSources`` from the shared fetcher and the
pipeline's ``ingest`` and calls ``add_jobs`` on its APScheduler. The jobs only
tick; what is due lives in database rows taken with a lease, so several
processes can run the same jobs.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.ingest.feeds import FeedPoller, OnArticle, PollReport
from bot.ingest.fetch import SafeFetcher
from bot.ingest.revisions import RevisionChecker
from storage.repository import Repository

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)

FEED_TICK_S = 30.0
REVISION_TICK_S = 60.0
MAX_ROUNDS = 20


class LiveSources:
    """Feed polling and revision checks for one process."""

    def __init__(
        self,
        repo: Repository,
        fetcher: SafeFetcher,
        settings: Settings,
        on_article: OnArticle,
        owner: str | None = None,
        *,
        batch: int = 200,
    ) -> None:
        self.poller = FeedPoller(repo, fetcher, settings, on_article, owner)
        self.revisions = RevisionChecker(repo, fetcher, settings, on_article)
        self.batch = batch

    async def poll_feeds(self, now: datetime | None = None) -> PollReport:
        """Poll every due feed, batch after batch, until none is left (or a bound is hit)."""
        total = PollReport()
        for _ in range(MAX_ROUNDS):
            report = await self.poller.poll_due(now or datetime.now(UTC), limit=self.batch)
            total.results.extend(report.results)
            total.seconds += report.seconds
            if report.polled < self.batch:
                break
        if total.polled:
            log.info(
                "polled %d feed(s): %d not modified, %d changed, %d failed, %d new item(s)",
                total.polled,
                total.not_modified + total.unchanged,
                total.changed,
                total.failed + total.disabled,
                total.new_items,
            )
        return total

    async def check_revisions(self, now: datetime | None = None) -> int:
        changed = await self.revisions.check_due(now)
        if changed:
            log.info("%d article(s) changed since they were last fetched", changed)
        return changed

    def add_jobs(
        self,
        scheduler: AsyncIOScheduler,
        *,
        feeds_every_s: float = FEED_TICK_S,
        revisions_every_s: float = REVISION_TICK_S,
    ) -> None:
        """Add the two periodic jobs (one instance each, missed runs coalesced)."""
        scheduler.add_job(
            self.poll_feeds,
            "interval",
            seconds=feeds_every_s,
            id="feeds-poll",
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
        scheduler.add_job(
            self.check_revisions,
            "interval",
            seconds=revisions_every_s,
            id="revisions-check",
            max_instances=1,
            coalesce=True,
        )
