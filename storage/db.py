"""Engine and session factory: SQLite (WAL, foreign keys) or PostgreSQL from one URL."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

# what the driver raises when the database cannot be used, named for callers outside storage/
DatabaseError = DBAPIError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
POOL_SIZE = 8
POOL_OVERFLOW = 4


def normalise_url(url: str) -> str:
    """Accept ``postgres://``/``postgresql://`` and pick the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    with contextlib.suppress(Exception):
        cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        in_memory = database in ("", ":memory:") or "mode=memory" in url
        if not in_memory:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if in_memory:
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def upgrade(
    url_or_engine: str | Engine,
    revision: str = "head",
    *,
    agrees: Callable[[Mapping[str, Any], Mapping[str, Any]], bool] | None = None,
) -> None:
    """Apply Alembic migrations up to ``revision``. ``agrees`` is the claim engine's rule
    for two stored values; the data migration that fills ``claim_state`` from existing
    claims needs it (a store with no claims does not)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if isinstance(url_or_engine, str):
        engine = make_engine(url_or_engine)
        owned = True
    else:
        engine = url_or_engine
        owned = False
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            cfg.attributes["agrees"] = agrees
            command.upgrade(cfg, revision)
    finally:
        if owned:
            engine.dispose()
