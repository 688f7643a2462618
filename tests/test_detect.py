"""Detection on hand-made histories: every event kind, stale quotes, background mentions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.claims.model import ExtractedClaim
from bot.detect import (
    CHANGED,
    NEW_CLAIM,
    NEW_SOURCE,
    REPEAT,
    Statement,
    classify,
    one_per_statement,
)
from bot.domain import ClaimValue, Qualifier, Stance
from tests.conftest import T0


def fig(n: float, q: Qualifier = Qualifier.EXACT, high: float | None = None) -> ClaimValue:
    return ClaimValue.figure(n, q, "troops", number_high=high)


def said(source: str, value: ClaimValue, day: int, article: int = 0, **kw: object) -> Statement:
    return Statement(source, value, T0 + timedelta(days=day), article or day + 100, **kw)


UKR = "Ukraine · military intelligence"
US = "United States"


def test_first_claim_on_a_key_is_new() -> None:
    assert classify(UKR, fig(12000), T0, []).kind == NEW_CLAIM


@pytest.mark.parametrize(
    ("before", "now", "kind"),
    [
        (fig(3000), fig(3000), REPEAT),
        (fig(3000, Qualifier.ABOUT), fig(3000), REPEAT),
        (fig(3000), fig(8000, Qualifier.AT_LEAST), CHANGED),
        (fig(46, Qualifier.AT_LEAST), fig(120, Qualifier.AT_LEAST), CHANGED),
        (fig(100, Qualifier.AT_LEAST), fig(120), CHANGED),
        (fig(1002), fig(1000, Qualifier.MORE_THAN), REPEAT),
        (fig(12000), fig(10000, Qualifier.RANGE, 12000), REPEAT),
        (ClaimValue.of_stance(Stance.DENIES), ClaimValue.of_stance(Stance.DECLINES), CHANGED),
        (ClaimValue.of_stance(Stance.DENIES), ClaimValue.of_stance(Stance.DENIES), REPEAT),
        (ClaimValue.of_status("training"), ClaimValue.of_status("in combat"), CHANGED),
    ],
)
def test_same_source(before: ClaimValue, now: ClaimValue, kind: str) -> None:
    decision = classify(UKR, now, T0 + timedelta(days=2), [said(UKR, before, 1)])
    assert decision.kind == kind
    if kind == CHANGED:
        assert decision.previous == before


def test_new_source_with_a_new_figure_names_the_conflict() -> None:
    history = [said(UKR, fig(12000), 1)]
    decision = classify(US, fig(3000, Qualifier.ABOUT), T0 + timedelta(days=2), history)
    assert decision.kind == NEW_SOURCE
    assert decision.conflicts_with == (UKR,)


def test_new_source_giving_a_known_figure_is_corroboration() -> None:
    history = [said(UKR, fig(3000), 1)]
    decision = classify(US, fig(3000, Qualifier.ABOUT), T0 + timedelta(days=2), history)
    assert decision.kind == REPEAT and decision.agrees_with == (UKR,)


def test_a_new_party_agreeing_with_a_stance_corroborates_it() -> None:
    history = [said("NATO", ClaimValue.of_stance(Stance.CONFIRMS), 1)]
    decision = classify(US, ClaimValue.of_stance(Stance.CONFIRMS), T0 + timedelta(days=2), history)
    assert decision.kind == REPEAT and decision.agrees_with == ("NATO",)


def test_a_new_party_taking_another_stance_is_news() -> None:
    history = [said("NATO", ClaimValue.of_stance(Stance.CONFIRMS), 1)]
    decision = classify(US, ClaimValue.of_stance(Stance.DENIES), T0 + timedelta(days=2), history)
    assert decision.kind == NEW_SOURCE and decision.conflicts_with == ("NATO",)


@pytest.mark.parametrize(
    ("known", "new", "kind"),
    [
        # a rounded or vaguer restatement of a known figure is no news
        (fig(2931), fig(3000, Qualifier.ABOUT), REPEAT),
        (fig(608), fig(600, Qualifier.MORE_THAN), REPEAT),
        (fig(1409), fig(1000, Qualifier.MORE_THAN), REPEAT),
        # a more precise figure after a vague one is
        (fig(1000, Qualifier.MORE_THAN), fig(1409), NEW_SOURCE),
        # a bound after another bound is news unless it is the same figure
        (fig(1600, Qualifier.MORE_THAN), fig(1200, Qualifier.MORE_THAN), NEW_SOURCE),
        (fig(1600, Qualifier.MORE_THAN), fig(1600, Qualifier.AT_LEAST), REPEAT),
    ],
)
def test_a_new_source_is_news_only_with_a_figure_nobody_gave(
    known: ClaimValue, new: ClaimValue, kind: str
) -> None:
    decision = classify(US, new, T0 + timedelta(days=2), [said(UKR, known, 1)])
    assert decision.kind == kind


def test_times_of_day_compare_exactly() -> None:
    def at(minutes: int) -> ClaimValue:
        return ClaimValue.figure(minutes, Qualifier.EXACT, "time")

    history = [said(UKR, at(20 * 60 + 12), 1)]
    assert classify(US, at(20 * 60 + 11), T0 + timedelta(days=2), history).kind == NEW_SOURCE
    assert classify(US, at(20 * 60 + 12), T0 + timedelta(days=2), history).kind == REPEAT
    assert at(20 * 60 + 12).display() == "20:12"


def test_a_background_retelling_is_news_only_when_its_value_was_never_heard() -> None:
    history = [said(UKR, fig(12000), 5)]
    heard = classify(US, fig(12000), T0 + timedelta(days=6), history, background=True)
    assert heard.kind == REPEAT and heard.stale
    unheard = classify(UKR, fig(9000), T0 + timedelta(days=6), history, background=True)
    assert unheard.kind == CHANGED and unheard.stale
    assert unheard.note == "an earlier statement, newly reported"


def test_background_mention_of_an_old_value_never_overrides_the_newer_one() -> None:
    history = [said(UKR, fig(10000), 1), said(UKR, fig(12000), 5)]
    old_quote = classify(UKR, fig(10000), T0 + timedelta(days=1), history, background=True)
    assert old_quote.kind == REPEAT and old_quote.stale


def test_an_outlet_repeating_an_outdated_value_is_a_stale_repeat() -> None:
    history = [said(UKR, fig(212), 1), said(UKR, fig(301), 2)]
    decision = classify(UKR, fig(212), T0 + timedelta(days=3), history)
    assert decision.kind == REPEAT and decision.stale


def test_stale_quotes_do_not_become_the_latest_value() -> None:
    history = [
        said(UKR, fig(212), 1),
        said(UKR, fig(301), 2),
        said(UKR, fig(212), 3, background=True),
    ]
    decision = classify(UKR, fig(350), T0 + timedelta(days=4), history)
    assert decision.kind == CHANGED and decision.previous == fig(301)


def test_an_edit_in_place_is_named_as_such() -> None:
    history = [said(UKR, fig(40), 1, article=7)]
    decision = classify(
        UKR, fig(45), T0 + timedelta(days=1, hours=1), history, article_id=7, outlet="Daily Example"
    )
    assert decision.kind == CHANGED and decision.note == "edited in place by Daily Example"


def _claim(key: str, source: str, value: ClaimValue, start: int, **kw: object) -> ExtractedClaim:
    return ExtractedClaim(key, key, source, value, f"sentence {start}", start, start + 10, **kw)


def test_one_claim_per_statement_keeps_the_first_telling() -> None:
    lede = _claim("deaths:count", "Agency", fig(1000, Qualifier.MORE_THAN), 0)
    body = _claim("deaths:count", "Agency", fig(1002), 50, precision=4)
    other = _claim("deaths:count", "Agency", fig(70), 90)  # another figure: its own claim
    kept = one_per_statement([body, other, lede])
    assert kept == [lede, other]


def test_one_claim_per_statement_prefers_a_current_telling_to_a_background_one() -> None:
    old = _claim("deaths:count", "Agency", fig(95), 0, background=True)
    now = _claim("deaths:count", "Agency", fig(95), 40)
    assert one_per_statement([old, now]) == [now]


def test_exact_counts_must_agree_to_the_unit_below_a_thousand() -> None:
    assert (
        classify(US, fig(100), T0 + timedelta(days=2), [said(UKR, fig(99), 1)]).kind == NEW_SOURCE
    )
    same = classify(US, fig(8_500_000), T0 + timedelta(days=2), [said(UKR, fig(8_510_000), 1)])
    assert same.kind == REPEAT
