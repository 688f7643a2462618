"""Topic queries: parsing, matching, and errors with positions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.topics import QueryError, parse_query

NK = '("north korea" OR "north korean" OR dprk OR pyongyang) AND (troops OR soldiers)'


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        (NK, "North Korean troops were seen near Kursk", True),
        (NK, "North Korea held talks with Seoul", False),
        (NK, "PYONGYANG sent soldiers", True),
        ("quake* AND dead", "Earthquake: 40 dead", False),
        ("quake* AND dead", "Quakes left 40 dead", True),
        ("toll -sport", "The toll rose", True),
        ("toll NOT sport", "The toll rose in sport", False),
        ("zelensky", "Zelenský said", True),
        ("cafe", "un café", True),
        ('"death toll"', "the death  toll rose", True),
        ('"death toll"', "the toll of death", False),
        ("troop", "troops", False),
        ("troop*", "troops", True),
        ("a b", "b then a", True),
        ("(a OR b) c", "b c", True),
        ("(a OR b) c", "a b", False),
    ],
)
def test_matching(query: str, text: str, expected: bool) -> None:
    assert parse_query(query).matches(text) is expected


def test_terms_leave_out_negated_words() -> None:
    assert parse_query("(quake* OR tremor) AND NOT (sport OR -toll)").terms == [
        "quake*",
        "tremor",
        "toll",
    ]


@pytest.mark.parametrize(
    ("query", "position"),
    [("(a OR b", 8), ("a OR", 5), ("a AND AND b", 7), ('"abc', 1), (")", 1), ("OR b", 1)],
)
def test_bad_queries_say_where(query: str, position: int) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(query)
    assert info.value.position + 1 == position
    assert f"position {position}" in str(info.value)


@given(st.text(max_size=80))
def test_parse_never_crashes(query: str) -> None:
    try:
        q = parse_query(query)
    except QueryError as exc:
        assert 0 <= exc.position <= len(query)
    else:
        q.matches("some text " + query)


@given(
    st.lists(st.sampled_from(["a", "b", "(", ")", "AND", "OR", "NOT", '"x y"', "c*"]), max_size=12)
)
def test_operator_soup_parses_or_reports_a_position(parts: list[str]) -> None:
    query = " ".join(parts)
    try:
        parse_query(query).matches("a b x y cc")
    except QueryError as exc:
        assert 0 <= exc.position <= len(query)
