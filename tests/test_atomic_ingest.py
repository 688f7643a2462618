"""Atomic ingest: an article commits with its claims, events and outbox rows or not at all;
one stored without them (an older version's interrupted ingest) is processed again, on
re-ingest and at start-up; transient database errors retry the whole article."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.app import App
from storage.repository import Repository
from tests.conftest import article


def _topic(app: App) -> None:
    app.repo.ensure_workspace("fake", "ws1")
    topic = app.repo.add_topic("fake", "ws1", "Quake", "quake", "dead")
    app.repo.subscribe(topic.id, "fake", "ws1", "general", "instant", "tester", 3600)


def _claims(repo: Repository) -> int:
    return sum(len(repo.events(t.id)) for t in repo.list_topics())


def test_an_article_stored_without_its_claims_is_processed_on_re_ingest(app: App) -> None:
    _topic(app)
    item = article(1, "Quake: Agency says 40 dead.")
    app.repo.store_article(item)  # what an interrupted ingest of an older version left
    outcome = app.pipeline.ingest_sync(item)
    assert outcome.stored.status == "new" and outcome.stored.recovered
    assert [e.kind for e in outcome.events] == ["new_claim"]
    assert len(app.repo.alerts()) == 1
    again = app.pipeline.ingest_sync(item)
    assert again.stored.status == "duplicate" and len(app.repo.alerts()) == 1


def test_articles_stored_without_their_claims_are_processed_at_start_up(app: App) -> None:
    _topic(app)
    for n in (1, 2):
        app.repo.store_article(article(n, f"Quake: Agency{n} says {n}0 dead."))
    app.pipeline.ingest_sync(article(3, "Quake: Agency3 says 30 dead."))
    assert len(app.repo.unprocessed_articles()) == 2
    assert app.pipeline.recover_unprocessed() == 2
    assert app.pipeline.recover_unprocessed() == 0
    assert len(app.repo.alerts()) == 3 and _claims(app.repo) == 3


def test_a_failure_while_committing_stores_nothing(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    _topic(app)

    def broken(*_a: Any, **_k: Any) -> Any:
        raise IntegrityError("INSERT INTO claims", {}, Exception("a bug"))

    monkeypatch.setattr(app.repo, "_record_claims", broken)
    with pytest.raises(Exception, match=r"kept changing|a bug"):
        app.pipeline.ingest_sync(article(1, "Quake: Agency says 40 dead."))
    assert app.repo.count_articles() == 0 and app.repo.alerts() == []
    monkeypatch.undo()
    outcome = app.pipeline.ingest_sync(article(1, "Quake: Agency says 40 dead."))
    assert outcome.stored.status == "new" and len(app.repo.alerts()) == 1


def test_a_transient_error_retries_the_whole_article(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    _topic(app)
    real = app.repo._record_claims
    failures = [OperationalError("COMMIT", {}, Exception("terminating connection"))] * 2

    def flaky(*a: Any, **k: Any) -> Any:
        if failures:
            raise failures.pop()
        return real(*a, **k)

    monkeypatch.setattr(app.repo, "_record_claims", flaky)
    outcome = app.pipeline.ingest_sync(article(1, "Quake: Agency says 40 dead."))
    assert outcome.stored.status == "new" and not failures
    assert app.repo.count_articles() == 1 and len(app.repo.alerts()) == 1
    assert _claims(app.repo) == 1


def test_an_article_another_process_stored_meanwhile_is_not_processed_twice(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    _topic(app)
    item = article(1, "Quake: Agency says 40 dead.")
    real_plan = app.repo.plan_article
    raced: list[bool] = []

    def plan_then_race(i: Any) -> Any:
        plan = real_plan(i)
        if not raced:  # another process ingests the same article after our plan
            raced.append(True)
            app.pipeline._ingest_once(item)
        return plan

    monkeypatch.setattr(app.repo, "plan_article", plan_then_race)
    outcome = app.pipeline.ingest_sync(item)
    assert outcome.stored.status == "duplicate"
    assert app.repo.count_articles() == 1 and len(app.repo.alerts()) == 1
