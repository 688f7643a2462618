"""APScheduler jobs. The scheduler only ticks: what is due lives in database rows
(outbox alerts, feeds' next poll, articles' next re-check) taken with a lease, so
several processes can share the work."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

FEED_TICK_S = 20
REVISION_TICK_S = 60


FEED_BATCH = 500
MAX_BATCHES_PER_TICK = 20


async def poll_feeds(app: App) -> int:
    """Poll every due feed, batch after batch, so a large backlog drains in one tick."""
    polled = 0
    for _ in range(MAX_BATCHES_PER_TICK):
        report = await app.feeds.poll_due(limit=FEED_BATCH)
        polled += report.polled
        if report.polled < FEED_BATCH:
            break
    return polled


def build_scheduler(app: App) -> AsyncIOScheduler:
    # A tick that starts late (a busy loop, a slow tick before it) runs late instead of
    # being skipped with a "missed by" warning: nothing is lost, the work is in rows.
    scheduler = AsyncIOScheduler(
        timezone="UTC", job_defaults={"misfire_grace_time": None, "coalesce": True}
    )
    scheduler.add_job(
        app.dispatcher.wake,
        "interval",
        seconds=app.settings.dispatch_sweep_s,
        id="dispatch-sweep",
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        poll_feeds,
        "interval",
        args=(app,),
        seconds=FEED_TICK_S,
        id="poll-feeds",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.add_job(
        app.revisions.check_due,
        "interval",
        seconds=REVISION_TICK_S,
        id="recheck-articles",
        max_instances=1,
        coalesce=True,
    )
    return scheduler
