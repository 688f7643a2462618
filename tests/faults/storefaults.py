"""The fault suite's database side: a batch of articles for ``claimwatch ingest``, what a
store holds after it, and a thread that terminates a process's PostgreSQL connections.

``write_batch`` writes a JSONL batch that the real claim engine turns into one alert
per article; ``store_figures`` reads back the articles, the ones without claims or
with an unprocessed revision, and every event and outbox row, so a faulted run can be
compared with a clean one. ``Terminator`` loops ``pg_terminate_backend`` over the
connections whose ``application_name`` is the one given to the processes under test.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from bot.values import stored_values_agree
from storage.db import make_engine, upgrade
from storage.repository import Repository
from tests.faults.harness import TEAM

PHRASES = (
    "people died",
    "people were injured",
    "people are missing",
    "people were displaced",
    "people were evacuated",
)


def write_batch(path: Path, n: int) -> Path:
    """``n`` quake articles, each with one figure (2 % apart, so none restates another)."""
    with path.open("w") as fh:
        for i in range(1, n + 1):
            figure = round(1000 * 1.02**i) * 10 + 3
            hour, minute = divmod(i, 60)
            row = {
                "url": f"https://wire{i}.example/quake-{i}",
                "title": f"Quake update {i}",
                "outlet": f"Wire {i}",
                "published": f"2025-03-0{1 + hour // 24}T{hour % 24:02d}:{minute:02d}:00Z",
                "text": "The quake struck the coast overnight. The agency said "
                f"{figure:,} {PHRASES[i % len(PHRASES)]} in the quake.",
            }
            fh.write(json.dumps(row) + "\n")
    return path


def subscribed_store(db_url: str, channels: tuple[str, ...] = ("C1",)) -> None:
    """A migrated store with the Slack topic 'Quake' sent to ``channels``."""
    repo = Repository(make_engine(db_url))
    try:
        upgrade(repo.engine, agrees=stored_values_agree)
        repo.ensure_workspace("slack", TEAM)
        topic = repo.add_topic("slack", TEAM, "Quake", "quake", "quake")
        for channel in channels:
            repo.subscribe(topic.id, "slack", TEAM, channel, "instant", "fault", 3600)
    finally:
        repo.dispose()


@dataclass(frozen=True)
class StoreFigures:
    articles: int
    without_claims: int  # stored articles with no claim at all
    unprocessed: int  # stored revisions never processed
    events: frozenset[tuple[str, str, str, str, str]]  # (url, kind, key, source, value)
    alerts: int


def store_figures(db_url: str) -> StoreFigures:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            articles = conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
            without = conn.execute(
                text(
                    "SELECT count(*) FROM articles a WHERE NOT EXISTS "
                    "(SELECT 1 FROM claims c WHERE c.article_id = a.id)"
                )
            ).scalar_one()
            unprocessed = conn.execute(
                text("SELECT count(*) FROM articles WHERE processed_revision < revision")
            ).scalar_one()
            events = conn.execute(
                text(
                    "SELECT a.url, e.kind, e.key, e.source, e.value_text FROM claim_events e "
                    "JOIN articles a ON a.id = e.article_id"
                )
            ).all()
            alerts = conn.execute(text("SELECT count(*) FROM alerts")).scalar_one()
    finally:
        engine.dispose()
    return StoreFigures(
        articles,
        without,
        unprocessed,
        frozenset((str(u), str(k), str(key), str(s), str(v)) for u, k, key, s, v in events),
        alerts,
    )


def with_application_name(db_url: str, name: str) -> str:
    return f"{db_url}{'&' if '?' in db_url else '?'}application_name={name}"


class Terminator:
    """A thread that terminates every PostgreSQL connection named ``name``, each ``every_s``."""

    def __init__(self, admin_url: str, name: str, every_s: float) -> None:
        self.engine = make_engine(admin_url)
        self.name, self.every_s = name, every_s
        self.terminated = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="terminator")

    def __enter__(self) -> Terminator:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(10)
        self.engine.dispose()

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            with self.engine.begin() as conn:
                self.terminated += sum(
                    1
                    for (ok,) in conn.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                            "AND application_name = :name"
                        ),
                        {"name": self.name},
                    )
                    if ok
                )
