"""Fixtures for live-source tests: a local feed/page server on 127.0.0.1 and a SQLite store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.config import Settings
from bot.ingest.fetch import SafeFetcher
from storage.db import make_engine, upgrade
from storage.repository import Repository

from .localsite import LocalSite, make_settings


@pytest.fixture
async def local_site() -> AsyncIterator[LocalSite]:
    site = LocalSite()
    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", site.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    site.port = runner.addresses[0][1]
    yield site
    await runner.cleanup()


@pytest.fixture
def live_settings() -> Settings:
    return make_settings()


@pytest.fixture
async def fetcher(live_settings: Settings) -> AsyncIterator[SafeFetcher]:
    f = SafeFetcher(live_settings)
    yield f
    await f.aclose()


@pytest.fixture
def live_repo(tmp_path: Path) -> Iterator[Repository]:
    engine = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
    upgrade(engine)
    repo = Repository(engine)
    yield repo
    repo.dispose()
