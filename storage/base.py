"""The base every store shares: one engine, one session per method, row leases."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, Select
from sqlalchemy.orm import Session, sessionmaker

from storage.db import make_session_factory
from storage.retry import retrying

T = TypeVar("T")


class StoreBase:
    """An engine and its session factory; each public method of a store is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions: sessionmaker[Session] = make_session_factory(engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as s:
            yield s

    def dispose(self) -> None:
        self.engine.dispose()

    def _retry(self, what: str, work: Callable[[], T]) -> T:
        """``work()`` (one whole transaction), tried again through transient errors."""
        return retrying(work, what)

    def _take(self, s: Session, stmt: Select[Any], **lease: Any) -> list[Any]:
        """Rows of ``stmt`` no other transaction holds, with the lease columns set."""
        rows = list(s.scalars(self._skip_locked(stmt)))
        for row in rows:
            for column, value in lease.items():
                setattr(row, column, value)
        s.flush()
        return rows

    def _skip_locked(self, stmt: Select[Any]) -> Select[Any]:
        if self.dialect == "postgresql":
            return stmt.with_for_update(skip_locked=True)
        return stmt
