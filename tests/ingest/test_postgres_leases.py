"""Two schedulers against one PostgreSQL never poll the same feed twice in one interval."""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, create_engine, text

from bot.ingest.feeds import FeedPoller
from bot.ingest.fetch import SafeFetcher
from storage.db import normalise_url, upgrade
from storage.repository import Repository

from .localsite import T0, LocalSite, Recorder, make_settings, rss

PG_ENV = "CLAIMWATCH_TEST_POSTGRES_URL"
FEEDS = 60


needs_postgres = pytest.mark.skipif(
    not os.environ.get(PG_ENV),
    reason=f"{PG_ENV} is not set: the two-scheduler PostgreSQL test needs a server",
)


@pytest.fixture
def pg_schema() -> Iterator[tuple[str, str]]:
    url = normalise_url(os.environ[PG_ENV])
    schema = "cw_test_" + uuid.uuid4().hex[:12]
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url, schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def schema_engine(url: str, schema: str) -> Engine:
    return create_engine(url, connect_args={"options": f"-csearch_path={schema}"})


@needs_postgres
async def test_two_schedulers_share_feeds_without_overlap(
    local_site: LocalSite, pg_schema: tuple[str, str]
) -> None:
    url, schema = pg_schema
    setup = Repository(schema_engine(url, schema))
    upgrade(setup.engine)
    for i in range(FEEDS):
        local_site.set(f"/f/{i}.xml", rss([]), content_type="application/rss+xml", delay_s=0.02)
        setup.add_feed("console", "ws", local_site.url(f"/f/{i}.xml"), None, 600, first_poll_at=T0)
    assert setup.dialect == "postgresql"
    setup.dispose()

    start = threading.Barrier(2)
    polled: dict[str, int] = {}

    def scheduler(owner: str) -> None:
        async def run() -> None:
            settings = make_settings()
            repo = Repository(schema_engine(url, schema))
            fetcher = SafeFetcher(settings)
            poller = FeedPoller(repo, fetcher, settings, Recorder(), owner=owner)
            start.wait()
            try:
                for tick in range(6):
                    report = await poller.poll_due(now=T0 + timedelta(seconds=tick * 20), limit=7)
                    polled[owner] = polled.get(owner, 0) + report.polled
            finally:
                await fetcher.aclose()
                repo.dispose()

        asyncio.run(run())

    await asyncio.gather(asyncio.to_thread(scheduler, "a"), asyncio.to_thread(scheduler, "b"))

    counts = [local_site.count(f"/f/{i}.xml") for i in range(FEEDS)]
    assert counts == [1] * FEEDS, "a feed was fetched twice within one interval"
    assert polled["a"] + polled["b"] == FEEDS
    assert polled["a"] > 0 and polled["b"] > 0
    check = Repository(schema_engine(url, schema))
    try:
        feeds = check.feeds()
        assert all(f.lease_until is None and f.last_success_at is not None for f in feeds)
        assert all(f.next_poll_at >= T0 + timedelta(seconds=540) for f in feeds)
    finally:
        check.dispose()
