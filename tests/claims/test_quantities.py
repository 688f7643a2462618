"""Quantities in sentences we wrote: units, qualifiers, ranges, and numbers that are not figures."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.claims.numbers import parse_number
from bot.claims.quantities import COUNT, PERCENT, TIME, find_quantities
from bot.claims.tokens import tokenize
from bot.domain import Qualifier


def quantities(text: str) -> list[tuple[float, float | None, str, str]]:
    return [(q.low, q.high, q.qualifier.value, q.unit) for q in find_quantities(tokenize(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("At least 51 people were killed.", [(51, None, "at least", COUNT)]),
        ("nearly 3,000 were hurt", [(3000, None, "about", COUNT)]),
        ("some 2,750 wounded", [(2750, None, "about", COUNT)]),
        ("between 350 and 400 people died", [(350, 400, "range", COUNT)]),
        ("a 25% raise", [(25, None, "exact", PERCENT)]),
        ("94.6 percent voted no", [(94.6, None, "exact", PERCENT)]),
        ("16 per cent of flights", [(16, None, "exact", PERCENT)]),
        ("closed down .74% on Friday", [(0.74, None, "exact", PERCENT)]),
        ("losses of $5.4 billion", [(5.4e9, None, "exact", "USD")]),
        ("a €10.6bn aid package", [(10.6e9, None, "exact", "EUR")]),
        ("$145B to $160B in damage", [(145e9, 160e9, "range", "USD")]),
        ("half a billion dollars", [(5e8, None, "exact", "USD")]),
        ("3,765 million euros", [(3.765e9, None, "exact", "EUR")]),
        ("the alert went out at 8:12 p.m.", [(20 * 60 + 12, None, "exact", TIME)]),
        ("more than 1,000 or more", [(1000, None, "more than", COUNT)]),
        ("tens of thousands fled", [(20000, 99999, "range", COUNT)]),
    ],
)
def test_quantities_with_their_units_and_qualifiers(text: str, expected: list[tuple]) -> None:
    assert quantities(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The strike began on Sept. 13 after the vote.",
        "It was the worst flood since 1957.",
        "A 51-year-old man died.",
        "Workers walked out on September 16 and 17.",
        "Call 211 to report a missing person.",
        "The Category 4 storm hit the coast.",
        "Members of District 751 voted.",
        "deliveries of the 777X jet",
        "savings in 401(k) accounts",
        "Dial +44 20 7946 0321 for help.",
        "He finished 3rd.",
    ],
)
def test_numbers_that_are_not_figures(text: str) -> None:
    assert quantities(text) == []


def test_a_currency_conversion_is_the_same_figure() -> None:
    assert quantities("damages of up to $500 million (€458 million)") == [
        (5e8, None, Qualifier.UP_TO.value, "USD")
    ]


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_number_reads_formatted_integers(n: int) -> None:
    assert parse_number(f"{n:,}") == n


@given(st.text(max_size=300))
def test_find_quantities_never_crashes_and_spans_stay_inside(text: str) -> None:
    tokens = tokenize(text)
    for q in find_quantities(tokens):
        assert 0 <= q.first <= q.num_first <= q.last < len(tokens)
        assert q.high is None or q.high >= q.low
