"""Migration 0002 on a store that already has claims and alerts: the state tables and
the alert counters are filled from what is there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from bot.domain import Article, ClaimValue, Qualifier
from bot.values import stored_values_agree
from storage.db import make_engine, upgrade
from storage.models import Alert, Claim, ClaimEvent, ClaimState, Subscription
from storage.repository import Repository
from tests.conftest import T0
from tests.test_state import KEY, assert_state_matches_claims

HISTORY = [  # (article, source, value, day, background)
    (1, "Agency", ClaimValue.figure(40, unit="dead"), 0, False),
    (2, "Agency", ClaimValue.figure(40, unit="dead"), 1, False),
    (3, "Red Cross", ClaimValue.figure(1500, Qualifier.ABOUT, unit="dead"), 1, False),
    (4, "Agency", ClaimValue.figure(72, unit="dead"), 2, False),
    (5, "Agency", ClaimValue.figure(40, unit="dead"), 0, True),
    (6, "Agency", ClaimValue.figure(72, unit="dead"), 3, False),
]


def old_store(url: str) -> tuple[Repository, int]:
    """A store at revision 0001 with claims, events and alerts written as 0001 wrote them."""
    upgrade(url, "0001")
    repo = Repository(make_engine(url))
    topic = repo.add_topic("fake", "ws1", "Quake", "quake", "quake")
    articles = {
        n: repo.store_article(Article(url=f"https://o{n}.example/a", text=f"t{n}")).article_id
        for n, *_ in HISTORY
    }
    with repo.session() as s:
        sub = Subscription(topic_id=topic.id, platform="fake", workspace_id="ws1", channel_id="c1")
        s.add(sub)
        s.flush()
        for n, source, value, day, background in HISTORY:
            claim = Claim(
                topic_id=topic.id,
                article_id=articles[n],
                key=KEY,
                key_label="dead — count",
                source=source,
                value=value.to_json(),
                value_text=value.display(),
                evidence=f"{source} says {value.display()}",
                evidence_start=0,
                evidence_end=1,
                asserted_at=T0 + timedelta(days=day),
                background=background,
                outlet=f"Outlet {n}",
            )
            s.add(claim)
            s.flush()
            event = ClaimEvent(
                topic_id=topic.id,
                claim_id=claim.id,
                article_id=articles[n],
                kind="new_claim",
                key=KEY,
                key_label="dead — count",
                source=source,
                value_text=value.display(),
            )
            s.add(event)
            s.flush()
            # a Core insert names only the columns 0001 had (the model has grown since)
            s.execute(
                insert(Alert).values(
                    event_id=event.id,
                    subscription_id=sub.id,
                    platform="fake",
                    status="sent" if n < 5 else "pending",
                )
            )
    return repo, topic.id


def test_upgrade_fills_the_state_of_an_existing_store(db_url: str) -> None:
    repo, topic_id = old_store(db_url)
    upgrade(repo.engine, agrees=stored_values_agree)
    assert_state_matches_claims(repo, topic_id)
    [keyed] = repo.claim_lines(topic_id).items
    agency = next(line for line in keyed.lines if line.source == "Agency")
    assert agency.value_text == "72 dead" and agency.previous_value == "40 dead"
    assert agency.since == T0 + timedelta(days=2) and agency.repeats == 1
    assert repo.alert_counts() == {"sent": 4, "pending": 2}
    with repo.session() as s:
        assert len(s.scalars(select(ClaimState)).all()) == 2
    repo.dispose()


def test_upgrade_of_a_store_with_claims_needs_the_value_rules(db_url: str) -> None:
    repo, _ = old_store(db_url)
    with pytest.raises(RuntimeError, match="claimwatch db upgrade"):
        upgrade(repo.engine)
    repo.dispose()
