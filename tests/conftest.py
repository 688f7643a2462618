"""Shared fixtures: stores on SQLite and PostgreSQL, a pattern extractor, the fake bot."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.fake import FakeBot
from bot.app import App, build_app
from bot.claims.model import ArticleText, ExtractedClaim, ExtractionContext, ExtractionResult
from bot.config import Settings
from bot.domain import Article, ClaimValue, Qualifier, Stance
from storage.db import make_engine, upgrade
from storage.repository import Repository

POSTGRES_ENV = "CLAIMWATCH_TEST_POSTGRES_URL"
# a bot started by a test serves /healthz on a free port of 127.0.0.1, never on 8080
os.environ.setdefault("CLAIMWATCH_HEALTH_HOST", "127.0.0.1")
os.environ.setdefault("CLAIMWATCH_HEALTH_PORT", "0")
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


class PostgresSchema:
    """A private schema on the shared PostgreSQL server, dropped afterwards."""

    def __init__(self, base_url: str) -> None:
        self.name = "cw_test_" + uuid.uuid4().hex[:12]
        self.admin = make_engine(base_url)
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))
        sep = "&" if "?" in base_url else "?"
        self.url = f"{base_url}{sep}options=-csearch_path%3D{self.name}"

    def drop(self) -> None:
        with self.admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
        self.admin.dispose()


def _backends() -> list[object]:
    pg = pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            postgres_url() is None, reason=f"{POSTGRES_ENV} is not set: PostgreSQL tests skipped"
        ),
    )
    return ["sqlite", pg]


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL on each backend: a fresh SQLite file, or a private PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/claimwatch.db"
        return
    base = postgres_url()
    assert base is not None
    schema = PostgresSchema(base)
    try:
        yield schema.url
    finally:
        schema.drop()


@pytest.fixture
def repo(db_url: str) -> Iterator[Repository]:
    r = Repository(make_engine(db_url))
    upgrade(r.engine)
    yield r
    r.dispose()


_FIGURE = re.compile(
    r"(?P<src>[A-Z][\w ]*?) (?:says|said) (?P<q>at least |about )?(?P<n>\d[\d,]*) (?P<unit>[a-z]+)"
)
_STANCE = re.compile(r"(?P<src>[A-Z][\w ]*?) (?P<st>denies|confirms) ")


class PatternExtractor:
    """A test double: 'SOURCE says [at least|about] N UNIT' and 'SOURCE denies|confirms'."""

    name = "pattern"

    def extract(self, article: ArticleText, context: ExtractionContext) -> ExtractionResult:
        result = ExtractionResult()
        for m in re.finditer(r"[^.]+\.", article.text):
            sentence = m.group(0).strip()
            start = article.text.index(sentence, m.start())
            fig = _FIGURE.search(sentence)
            st = _STANCE.search(sentence + " ")
            if fig:
                q = {"at least ": Qualifier.AT_LEAST, "about ": Qualifier.ABOUT}.get(
                    fig.group("q") or "", Qualifier.EXACT
                )
                value = ClaimValue.figure(
                    float(fig.group("n").replace(",", "")), q, fig.group("unit")
                )
                key, label = f"{fig.group('unit')}:count", f"{fig.group('unit')} — count"
                src = fig.group("src").strip()
            elif st:
                value = ClaimValue.of_stance(Stance(st.group("st")))
                key, label = "presence:stance", f"{context.topic_name} — confirmation"
                src = st.group("src").strip()
            else:
                continue
            src = context.aliases.get(src.lower(), src)
            result.claims.append(
                ExtractedClaim(key, label, src, value, sentence, start, start + len(sentence))
            )
        return result


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(
        database_url=db_url,
        demo=False,
        console=False,
        fetch_allow_hosts=["127.0.0.1"],
        respect_robots=False,
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[App]:
    application = build_app(settings, extractor=PatternExtractor())
    yield application
    application.repo.dispose()


@pytest.fixture
def bot(app: App) -> Iterator[FakeBot]:
    fake = FakeBot(app)
    yield fake
    fake.close()


def article(
    n: int,
    text: str,
    *,
    outlet: str = "Wire",
    url: str | None = None,
    hours: float | None = None,
    title: str = "",
) -> Article:
    """A test article published ``hours`` (default ``n``) hours after T0."""
    return Article(
        url=url or f"https://news{n}.example/story-{n}",
        text=text,
        title=title,
        outlet=outlet,
        published_at=T0 + timedelta(hours=hours if hours is not None else n),
    )
