from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.claims.model import Qualifier
from bot.claims.numbers import find_figures, parse_number
from bot.claims.rules import counted_class
from bot.claims.tokens import tokenize


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12,000", 12000),
        ("12 000", 12000),
        ("1.5 million", 1_500_000),
        ("10k", 10_000),
        ("two thousand", 2000),
        ("a dozen", 12),
        ("twenty-five", 25),
        ("three hundred and forty", 340),
        ("soldiers", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def _figs(sentence: str) -> list[tuple[float, float | None, Qualifier, str | None]]:
    tokens = tokenize(sentence)
    return [(f.low, f.high, f.qualifier, counted_class(tokens, f)) for f in find_figures(tokens)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Officials counted at least 400 soldiers.", (400, None, Qualifier.AT_LEAST, "troops")),
        ("No fewer than 40 people died.", (40, None, Qualifier.AT_LEAST, "deaths")),
        (
            "More than 90 workers walked out.",
            (90, None, Qualifier.MORE_THAN, "strikers"),
        ),  # walking out makes them strikers
        ("Over 2,500 residents fled.", (2500, None, Qualifier.MORE_THAN, "people")),
        ("In excess of 70 jobs will go.", (70, None, Qualifier.MORE_THAN, "jobs")),
        ("About 300 troops arrived.", (300, None, Qualifier.ABOUT, "troops")),
        ("Roughly 1.2 million cases were logged.", (1.2e6, None, Qualifier.ABOUT, "cases")),
        ("An estimated 5,000 protesters marched.", (5000, None, Qualifier.ABOUT, "protesters")),
        ("Nearly 80 injured were treated.", (80, None, Qualifier.ABOUT, "injured")),
        ("Up to 600 strikers joined.", (600, None, Qualifier.UP_TO, "strikers")),
        ("As many as 15 hostages remain.", (15, None, Qualifier.UP_TO, "hostages")),
        ("Some 10k evacuees left the valley.", (10_000, None, Qualifier.ABOUT, "displaced")),
        ("Between 10,000 and 12,000 soldiers moved.", (10000, 12000, Qualifier.RANGE, "troops")),
        ("It sent 10,000-12,000 soldiers.", (10000, 12000, Qualifier.RANGE, "troops")),
        ("It sent 10,000 to 12,000 soldiers.", (10000, 12000, Qualifier.RANGE, "troops")),
        ("Two thousand soldiers crossed.", (2000, None, Qualifier.EXACT, "troops")),
        ("A dozen soldiers were hurt in the blast.", (12, None, Qualifier.EXACT, "injured")),
        ("Hundreds of people were evacuated.", (200, 999, Qualifier.RANGE, "displaced")),
        ("Thousands of workers marched.", (2000, 9999, Qualifier.RANGE, "workers")),
        ("Dozens of people were killed.", (24, 99, Qualifier.RANGE, "deaths")),
        ("The death toll rose to 212 on Sunday.", (212, None, Qualifier.EXACT, "deaths")),
        ("They formed a unit of about 3,000 in the east.", (3000, None, Qualifier.ABOUT, "troops")),
        ("The storm killed 14 people overnight.", (14, None, Qualifier.EXACT, "deaths")),
        ("1,500 North Korean troops were seen.", (1500, None, Qualifier.EXACT, "troops")),
        ("Officials reported 1,000 or more cases.", (1000, None, Qualifier.AT_LEAST, "cases")),
    ],
)
def test_figures(sentence: str, expected: tuple[float, float | None, Qualifier, str]) -> None:
    figs = _figs(sentence)
    assert figs[0] == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The talks began on 12 March and ended March 14.",
        "A 45-year-old man was arrested.",
        "The driver, aged 30, was unhurt.",
        "It was built in 1998.",
        "Prices rose 12% last year and 4 percent this year.",
        "The fund raised $5 million and 30 euros.",
        "He finished 3rd in the race.",
        "The meeting starts at 10:30 on Monday.",
        "Call 020 7946 0958 for details.",
        "He is one of the leaders.",
    ],
)
def test_not_counts(sentence: str) -> None:
    assert [f for f in _figs(sentence) if f[3] is not None] == []


def test_two_countries_is_not_a_count_unless_topic_counts_countries() -> None:
    tokens = tokenize("Two countries signed the deal.")
    fig = find_figures(tokens)[0]
    assert counted_class(tokens, fig) is None
    assert counted_class(tokens, fig, frozenset({"country"})) == "country"


@given(st.integers(min_value=1, max_value=10**9), st.sampled_from([",", " ", ""]))
def test_parse_number_round_trips_with_separators(n: int, sep: str) -> None:
    text = f"{n:,}".replace(",", sep)
    assert parse_number(text) == n
