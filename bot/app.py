"""The composition root: builds the store, pipeline, dispatcher, commands and scheduler.

Nothing else constructs these; adapters get what they need from ``App``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

from bot.claims.model import Extractor
from bot.commands import Commands
from bot.config import Settings
from bot.health import Health, Thresholds
from bot.ingest.feeds import FeedPoller
from bot.ingest.fetch import SafeFetcher
from bot.ingest.revisions import RevisionChecker
from bot.outbox import Dispatcher
from bot.pipeline import Pipeline
from bot.scheduler import FEED_TICK_S, REVISION_TICK_S, Job, build_scheduler, poll_feeds
from bot.values import stored_values_agree
from bot.workspaces import Workspaces
from storage.db import POOL_SIZE, make_engine, upgrade
from storage.repository import Repository

STORE_THREADS = POOL_SIZE

log = logging.getLogger(__name__)

DRAIN_TIMEOUT_S = 15.0


class Runnable(Protocol):
    platform: str

    def run(self) -> Awaitable[None]: ...


def make_extractor(settings: Settings) -> Extractor:
    from bot.claims.extractor import RuleExtractor

    rules = RuleExtractor()
    if settings.extractor == "llm":
        from bot.claims.llm import LLMExtractor

        return LLMExtractor.from_settings(settings, fallback=rules)
    return rules


@dataclass
class App:
    settings: Settings
    repo: Repository
    pipeline: Pipeline
    dispatcher: Dispatcher
    commands: Commands
    workspaces: Workspaces
    fetcher: SafeFetcher
    feeds: FeedPoller
    revisions: RevisionChecker
    health: Health
    background: list[asyncio.Task[None]] = field(default_factory=list)

    async def start_background(self) -> None:
        """Start the dispatcher loop, the scheduler's periodic jobs and the health checks."""
        # Blocking work (every store call, extraction, charts) goes through asyncio.to_thread:
        # a bounded pool no larger than the store's connection pool, so a burst of slow
        # commands queues for a thread instead of stalling the event loop or the pool.
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=STORE_THREADS, thread_name_prefix="claimwatch")
        )
        self.background.append(asyncio.create_task(self.dispatcher.run_forever()))
        self.scheduler = build_scheduler(self.jobs())
        self.scheduler.start()
        s = self.settings
        self.health.start(s.health_host, s.health_port, s.health_file)

    def jobs(self) -> list[Job]:
        """The scheduler's ticks: the dispatcher's safety sweep, feeds, article re-checks."""
        return [
            Job("dispatch-sweep", self.dispatcher.wake, self.settings.dispatch_sweep_s),
            Job("poll-feeds", partial(poll_feeds, self.feeds), FEED_TICK_S, at_once=True),
            Job("recheck-articles", self.revisions.check_due, REVISION_TICK_S),
        ]

    async def drain(self, timeout_s: float = DRAIN_TIMEOUT_S) -> None:
        """Graceful stop: the dispatcher finishes its sends in flight and gives back the rest."""
        await self.dispatcher.drain(timeout_s)

    async def stop(self) -> None:
        self.health.stop()
        sched = getattr(self, "scheduler", None)
        if sched is not None and sched.running:
            sched.shutdown(wait=False)
        for task in self.background:
            task.cancel()
        for task in self.background:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.background.clear()
        await self.fetcher.aclose()


def build_app(
    settings: Settings,
    *,
    migrate: bool = True,
    extractor: Extractor | None = None,
    repo: Repository | None = None,
) -> App:
    if repo is None:
        repo = Repository(make_engine(settings.database_url))
    if migrate:
        upgrade(repo.engine, agrees=stored_values_agree)
    dispatcher = Dispatcher(
        repo,
        max_attempts=settings.alert_max_attempts,
        sweep_s=settings.dispatch_sweep_s,
        lease_s=settings.alert_lease_s,
    )
    pipeline = Pipeline(repo, extractor or make_extractor(settings), on_alerts=dispatcher.wake)
    fetcher = SafeFetcher(settings)
    revisions = RevisionChecker(repo, fetcher, settings, pipeline.ingest)
    feeds = FeedPoller(repo, fetcher, settings, pipeline.ingest)
    commands = Commands(repo, pipeline, settings, fetcher=fetcher, revisions=revisions)
    health = Health(
        Thresholds(
            settings.health_loop_stale_s,
            settings.health_dispatcher_stale_s,
            settings.health_db_stale_s,
        ),
        db_probe=repo_probe(repo),
    )
    dispatcher.on_progress = lambda: health.beat("dispatcher")
    return App(
        settings,
        repo,
        pipeline,
        dispatcher,
        commands,
        Workspaces(repo),
        fetcher,
        feeds,
        revisions,
        health,
    )


def repo_probe(repo: Repository) -> Callable[[], None]:
    """A primary-key read through the app's own connection pool (a full pool fails it too)."""

    def probe() -> None:
        repo.kv_get("health", "probe")

    return probe
