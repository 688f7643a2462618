"""The current-state tables: after any history of claims they hold what a recomputation
from every claim gives, and detection reads the same key history from them."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.detect import KeyHistory, Statement, restates
from bot.domain import Article, Claim, ClaimValue, Qualifier
from bot.values import read_back, stored_values_agree
from storage.models import ClaimState
from storage.repository import Repository
from storage.summaries import StateLine
from tests.conftest import T0

KEY = "troops:count"
SOURCES = ("Ukraine · military intelligence", "Russia · Kremlin")
VALUES = [
    ClaimValue.figure(3000, unit="troops"),
    ClaimValue.figure(3000.0, unit="troops"),
    ClaimValue.figure(8000, unit="troops"),
    ClaimValue.figure(8000, Qualifier.AT_LEAST, unit="troops"),
    ClaimValue.figure(10000, Qualifier.ABOUT, unit="troops"),
    ClaimValue.figure(7000, Qualifier.RANGE, unit="troops", number_high=12000),
    ClaimValue.figure(12000, Qualifier.UP_TO, unit="troops"),
    ClaimValue.figure(3150, Qualifier.ABOUT, unit="troops"),
]


@dataclass(frozen=True)
class Said:
    """One claim of a random history."""

    article: int
    source: int
    value: int
    day: int
    background: bool
    detail: str | None


said = st.builds(
    Said,
    article=st.integers(0, 6),
    source=st.integers(0, 1),
    value=st.integers(0, len(VALUES) - 1),
    day=st.integers(0, 9),
    background=st.booleans(),
    detail=st.sampled_from([None, None, "spokesman", "minister"]),
)


def record(repo: Repository, topic_id: int, history: list[Said]) -> None:
    """Each claim in its own transaction, as articles arrive (revisions included)."""
    for i, h in enumerate(history):
        url = f"https://o{h.article}.example/a"
        stored = repo.store_article(
            Article(url=url, text=f"text {i}", outlet=f"Outlet {h.article}")
        )
        value = VALUES[h.value]
        claim = Claim(
            topic_id=topic_id,
            article_id=stored.article_id,
            revision=stored.revision,
            key=KEY,
            key_label="troops — count",
            source=SOURCES[h.source],
            source_detail=h.detail,
            value=value.to_json(),
            value_text=value.display(),
            evidence=f"claim {i}",
            evidence_start=0,
            evidence_end=1,
            asserted_at=T0 + timedelta(days=h.day),
            background=h.background,
            outlet=f"Outlet {h.article}",
        )
        repo.record_claims([(claim, None)], agrees=stored_values_agree)


@dataclass(frozen=True)
class Row:
    id: int
    article_id: int
    value: ClaimValue
    value_text: str
    asserted_at: datetime
    background: bool
    outlet: str
    detail: str | None


def expected_line(items: list[Row]) -> dict[str, object]:
    """What /claims shows for one source, recomputed from all its claims (oldest first):
    its latest current value, and the run of statements agreeing with it back to where
    it first stood."""
    items = sorted(items, key=lambda c: (c.asserted_at, c.id))
    latest = ([c for c in items if not c.background] or items)[-1]
    ordered = [c for c in items if not c.background or c.value.agrees_with(latest.value)]
    start = len(ordered) - 1
    while start > 0 and ordered[start - 1].value.agrees_with(latest.value):
        start -= 1
    run = ordered[start:]
    previous = None
    if start > 0 and ordered[start - 1].value_text != latest.value_text:
        previous = ordered[start - 1].value_text
    return {
        "value_text": latest.value_text,
        "since": run[0].asserted_at,
        "previous": previous,
        "repeats": len({c.article_id for c in run}) - 1,
        "run_outlets": sorted({c.outlet for c in run if c.outlet}),
        "claims": len(items),
        "first": min(c.asserted_at for c in items),
        "last": max(c.asserted_at for c in items),
        "outlets": sorted({c.outlet for c in items if c.outlet}),
        "detail": next((c.detail for c in reversed(items) if c.detail), None),
    }


def stored_line(st_: ClaimState) -> dict[str, object]:
    return {
        "value_text": st_.cur_value_text if st_.cur_claim_id else st_.bg_value_text,
        "since": st_.since,
        "previous": st_.previous_value_text,
        "repeats": st_.run_articles - 1,
        "run_outlets": st_.run_outlets,
        "claims": st_.claims,
        "first": st_.first_at,
        "last": st_.last_at,
        "outlets": st_.outlets,
        "detail": st_.source_detail,
    }


def claim_rows(repo: Repository, topic_id: int) -> dict[str, list[Row]]:
    from storage.models import Claim

    by_source: dict[str, list[Row]] = defaultdict(list)
    with repo.session() as s:
        for c in s.scalars(select(Claim).where(Claim.topic_id == topic_id).order_by(Claim.id)):
            by_source[c.source].append(
                Row(
                    c.id,
                    c.article_id,
                    ClaimValue.from_json(c.value),
                    c.value_text,
                    c.asserted_at,
                    c.background,
                    c.outlet,
                    c.source_detail,
                )
            )
    return by_source


def assert_state_matches_claims(repo: Repository, topic_id: int) -> None:
    by_source = claim_rows(repo, topic_id)
    with repo.session() as s:
        states = {
            st_.source: stored_line(st_)
            for st_ in s.scalars(select(ClaimState).where(ClaimState.topic_id == topic_id))
        }
    assert states == {src: expected_line(rows) for src, rows in by_source.items()}
    # detection reads the same history from the state as from every claim
    everything = KeyHistory(
        Statement(src, r.value, r.asserted_at, r.article_id, r.outlet, r.background)
        for src, rows in by_source.items()
        for r in sorted(rows, key=lambda r: r.id)
    )
    [sources] = repo.key_histories(topic_id, {KEY: [(-math.inf, math.inf, False)]}).values()
    for src in sources:
        want = everything.sources[src.source]
        assert (src.current is None) == (want.latest is None)
        if src.current is not None and want.latest is not None:
            assert src.current.asserted_at == want.latest.asserted_at
            assert ClaimValue.from_json(src.current.value) == want.latest.value
            assert src.current.article_id == want.latest.article_id
        if src.background is not None and want.latest_background is not None:
            assert src.background.asserted_at == want.latest_background.asserted_at
            assert ClaimValue.from_json(src.background.value) == want.latest_background.value
        assert (src.background is None) == (want.latest_background is None)
        assert sorted((ClaimValue.from_json(v).display(), at) for v, at in src.values) == sorted(
            (v.display(), at) for v, at in want.values
        )
    assert {s.source for s in sources} == set(everything.sources)
    # what a new value reads back tells detection all it asks: whether each source gave a
    # figure the new one restates, and when it first did
    for new in VALUES:
        want = read_back([new])
        [nearby] = repo.key_histories(topic_id, {KEY: want.near}, {KEY: want.bounds}).values()
        for src in nearby:
            got = [(ClaimValue.from_json(v), at) for v, at in src.values]
            gave = everything.sources[src.source].values
            got_at = [at for v, at in got if restates(new, v)]
            gave_at = [at for v, at in gave if restates(new, v)]
            assert bool(got_at) == bool(gave_at)
            if gave_at:
                assert min(got_at) == min(gave_at)
            assert {v for v, _ in gave if new.restates(v)} <= {v for v, _ in got}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(said, min_size=1, max_size=14))
def test_state_equals_a_recomputation_from_the_claims(
    repo: Repository, history: list[Said]
) -> None:
    topic = repo.add_topic(
        "fake", "ws1", "t", f"t-{id(history)}-{len(repo.list_topics())}", "troops"
    )
    record(repo, topic.id, history)
    assert_state_matches_claims(repo, topic.id)


def only_line(repo: Repository, history: list[Said]) -> StateLine:
    """Record one source's history on a new topic; its one /claims line, once the state
    has been checked against the claims."""
    topic = repo.add_topic("fake", "ws1", "t", "t", "troops")
    record(repo, topic.id, history)
    assert_state_matches_claims(repo, topic.id)
    [keyed] = repo.claim_lines(topic.id).items
    [line] = keyed.lines
    return line


def test_a_value_first_heard_as_background_dates_from_then(repo: Repository) -> None:
    line = only_line(
        repo,
        [
            Said(1, 0, 0, 0, False, None),
            Said(2, 0, 2, 3, True, None),
            Said(3, 0, 2, 5, False, None),
            Said(4, 0, 2, 6, False, None),
        ],
    )
    assert line.value_text == "8,000 troops" and line.previous_value == "3,000 troops"
    assert line.since == T0 + timedelta(days=3)
    assert line.repeats == 2 and line.outlets == ("Outlet 2", "Outlet 3", "Outlet 4")
    assert line.url == "https://o2.example/a"


def test_an_old_value_quoted_later_does_not_replace_the_latest(repo: Repository) -> None:
    line = only_line(
        repo,
        [
            Said(1, 0, 0, 0, False, None),
            Said(2, 0, 2, 2, False, None),
            Said(3, 0, 0, 4, True, None),
        ],
    )
    assert line.value_text == "8,000 troops" and line.previous_value == "3,000 troops"
    assert line.since == T0 + timedelta(days=2) and line.repeats == 0


def test_a_disagreeing_statement_dated_inside_a_run_cuts_it(repo: Repository) -> None:
    line = only_line(
        repo,
        [
            Said(1, 0, 2, 1, False, None),
            Said(2, 0, 2, 5, False, None),
            Said(3, 0, 2, 8, False, None),
            Said(4, 0, 0, 6, False, None),  # 3,000 dated between the repeats of 8,000
        ],
    )
    assert line.value_text == "8,000 troops" and line.previous_value == "3,000 troops"
    assert line.since == T0 + timedelta(days=8) and line.repeats == 0
