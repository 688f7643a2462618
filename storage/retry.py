"""Transient database errors, and retrying a unit of work through them with backoff.

A transient error is one that the same work, tried again on a fresh connection,
may not meet: a dropped or terminated connection (``OperationalError``, a DBAPI
disconnect), a serialization failure or deadlock on PostgreSQL, and SQLite's
"database is locked". Anything else (a constraint, a bug) is raised at once.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

log = logging.getLogger(__name__)

T = TypeVar("T")
TRIES = 5
BASE_DELAY_S = 0.1
MAX_DELAY_S = 2.0
# SQLSTATE classes worth another try: 08 connection exception, 40001 serialization
# failure, 40P01 deadlock, 57P01..03 admin shutdown / crash shutdown / cannot connect now
_TRANSIENT_SQLSTATES = ("08", "40001", "40P01", "57P01", "57P02", "57P03")
_TRANSIENT_TEXT = (
    "database is locked",
    "database table is locked",
    "terminating connection",
    "server closed the connection",
    "connection is closed",
    "connection already closed",
    "could not serialize access",
    "deadlock detected",
    "ssl connection has been closed",
    "consuming input failed",
)


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is a database error that a fresh try may not meet."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated or isinstance(exc, OperationalError):
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if isinstance(sqlstate, str) and sqlstate.startswith(_TRANSIENT_SQLSTATES):
        return True
    text = str(exc.orig or exc).lower()
    return any(t in text for t in _TRANSIENT_TEXT)


def retrying(
    work: Callable[[], T],
    what: str,
    *,
    tries: int = TRIES,
    base_delay_s: float = BASE_DELAY_S,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``work()``, tried again (at most ``tries`` times in all, with jittered exponential
    backoff) while it fails with a transient database error; the last error is raised."""
    for attempt in range(1, tries + 1):
        try:
            return work()
        except DBAPIError as exc:
            if attempt >= tries or not is_transient(exc):
                raise
            delay = min(MAX_DELAY_S, base_delay_s * 2 ** (attempt - 1))
            delay *= 0.5 + random.random()
            first = str(exc.orig or exc).strip().splitlines()[0] if str(exc) else repr(exc)
            log.warning(
                "%s: transient database error (try %d of %d), retrying in %.2f s: %s",
                what,
                attempt,
                tries,
                delay,
                first[:200],
            )
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
