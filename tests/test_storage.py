"""Storage on SQLite and PostgreSQL: migrations, dedupe, revisions, the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from bot.domain import Article, Claim, ClaimEvent
from bot.values import stored_values_agree
from storage.db import make_engine, upgrade
from storage.models import Alert
from storage.repository import Repository
from tests.conftest import T0


def test_migrations_create_every_table(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    names = set(inspect(engine).get_table_names())
    assert {
        "articles",
        "article_revisions",
        "topics",
        "subscriptions",
        "claims",
        "claim_events",
        "alerts",
        "audit_log",
        "feeds",
        "source_aliases",
        "workspaces",
        "notices",
    } <= names
    with engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == "0004"
    upgrade(db_url)  # a second upgrade is a no-op
    engine.dispose()


def test_sqlite_uses_wal_and_foreign_keys(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/x.db")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_same_url_new_text_is_a_revision_and_same_text_a_duplicate(repo: Repository) -> None:
    first = repo.store_article(Article(url="https://a.example/1", text="Officials said 10 died."))
    again = repo.store_article(Article(url="https://a.example/1", text="Officials said 10 died."))
    edited = repo.store_article(Article(url="https://a.example/1", text="Officials said 12 died."))
    assert (first.status, again.status, edited.status) == ("new", "duplicate", "revision")
    assert edited.article_id == first.article_id and edited.revision == 2
    revisions = repo.article_revisions(first.article_id)
    assert [r.text for r in revisions] == ["Officials said 10 died.", "Officials said 12 died."]
    assert repo.count_articles() == 1


def test_same_text_under_another_url_is_a_duplicate(repo: Repository) -> None:
    a = repo.store_article(Article(url="https://a.example/1", text="The toll rose to 40 people."))
    b = repo.store_article(
        Article(url="https://b.example/copy", text="The  toll rose to 40 PEOPLE.")
    )
    assert b.status == "duplicate" and b.duplicate_of == a.article_id
    assert repo.count_articles() == 1


def _event(repo: Repository) -> tuple[int, int]:
    topic = repo.add_topic("fake", "ws", "Quake", "quake", "quake")
    _sub, created = repo.subscribe(topic.id, "fake", "ws", "chan")
    assert created
    art = repo.store_article(Article(url="https://a.example/q", text="Agency says 40 dead."))
    claim = Claim(
        topic.id,
        art.article_id,
        1,
        "deaths:count",
        "deaths — count",
        "Agency",
        None,
        {"kind": "figure", "number": 40.0, "qualifier": "exact"},
        "40",
        "Agency says 40",
        0,
        14,
        T0,
        False,
        "Wire",
    )
    event = ClaimEvent("new_claim", claim)
    repeat = ClaimEvent("repeat", claim)
    [(claim_id, event_id, queued), (_, _, quiet)] = repo.record_claims(
        [(claim, event), (claim, repeat)], agrees=stored_values_agree
    )
    assert claim_id and event_id and (queued, quiet) == (1, 0)
    return event_id, topic.id


def test_outbox_rows_are_unique_per_event_and_subscription(repo: Repository) -> None:
    event_id, _topic_id = _event(repo)
    [alert] = repo.alerts()
    assert alert.event_id == event_id and alert.status == "pending"
    with pytest.raises(IntegrityError), repo.session() as s:
        s.add(Alert(event_id=event_id, subscription_id=alert.subscription_id, platform="fake"))
    assert len(repo.alerts()) == 1


def test_a_leased_alert_is_not_leased_again_until_the_lease_ends(repo: Repository) -> None:
    _event(repo)
    now = datetime.now(UTC)
    first = repo.lease_due_alerts(["fake"], now, lease=timedelta(seconds=60))
    assert len(first) == 1 and first[0].source == "Agency" and first[0].value == "40"
    assert repo.lease_due_alerts(["fake"], now) == []
    assert len(repo.lease_due_alerts(["fake"], now + timedelta(seconds=61))) == 1
    assert repo.mark_alert_sent(first[0].alert_id, "m1") is True
    assert repo.mark_alert_sent(first[0].alert_id, "m1") is False
    assert repo.lease_due_alerts(["fake"], now + timedelta(hours=1)) == []


def test_paused_subscription_gets_nothing(repo: Repository) -> None:
    _event_id, topic_id = _event(repo)
    sub = repo.subscriptions(topic_id=topic_id)[0]
    repo.pause_subscription(sub.id, "channel deleted")
    assert repo.lease_due_alerts(["fake"], datetime.now(UTC)) == []
    assert repo.subscriptions(topic_id=topic_id)[0].pause_reason == "channel deleted"


def test_a_workspace_registered_by_two_threads_at_once_is_one_row(repo: Repository) -> None:
    """A guild join and a first command arriving together both register the workspace."""
    import threading

    errors: list[BaseException] = []
    for n in range(20):
        barrier = threading.Barrier(2)
        ids: list[int] = []

        def register(
            workspace: str = f"W{n}", ids: list[int] = ids, barrier: threading.Barrier = barrier
        ) -> None:
            barrier.wait()
            try:
                ids.append(repo.ensure_workspace("discord", workspace, "Newsroom").id)
            except BaseException as exc:  # any failure is the finding
                errors.append(exc)

        threads = [threading.Thread(target=register) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert len(ids) == 2 and ids[0] == ids[1]
