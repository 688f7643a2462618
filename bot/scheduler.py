"""APScheduler jobs. The scheduler only ticks: what is due lives in database rows
(outbox alerts, feeds' next poll, articles' next re-check) taken with a lease, so
several processes can share the work. It is handed its jobs by the composition root
(``bot.app``) and knows nothing of the app."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)

FEED_TICK_S = 20
REVISION_TICK_S = 60


FEED_BATCH = 500
MAX_BATCHES_PER_TICK = 20


class PollReport(Protocol):
    polled: int


class DueFeeds(Protocol):
    """What ``poll_feeds`` needs of the feed poller."""

    async def poll_due(self, limit: int = ...) -> PollReport: ...


@dataclass(frozen=True)
class Job:
    """A periodic tick: ``run`` every ``every_s`` seconds, the first at once when ``at_once``."""

    id: str
    run: Callable[[], Awaitable[object] | None]
    every_s: float
    at_once: bool = False


async def poll_feeds(feeds: DueFeeds) -> int:
    """Poll every due feed, batch after batch, so a large backlog drains in one tick."""
    polled = 0
    for _ in range(MAX_BATCHES_PER_TICK):
        report = await feeds.poll_due(limit=FEED_BATCH)
        polled += report.polled
        if report.polled < FEED_BATCH:
            break
    return polled


def build_scheduler(jobs: Iterable[Job]) -> AsyncIOScheduler:
    # A tick that starts late (a busy loop, a slow tick before it) runs late instead of
    # being skipped with a "missed by" warning: nothing is lost, the work is in rows.
    scheduler = AsyncIOScheduler(
        timezone="UTC", job_defaults={"misfire_grace_time": None, "coalesce": True}
    )
    for job in jobs:
        extra = {"next_run_time": datetime.now(UTC)} if job.at_once else {}
        scheduler.add_job(
            job.run,
            "interval",
            seconds=job.every_s,
            id=job.id,
            max_instances=1,
            coalesce=True,
            **extra,
        )
    return scheduler
