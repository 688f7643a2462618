"""What a figure measures, read from the words around it (sentences we wrote)."""

from __future__ import annotations

import pytest

from bot.claims.measures import measure_of
from bot.claims.rules.figures import figure_candidates
from bot.claims.view import analyse_article, analyse_sentence


def measures(text: str) -> list[str | None]:
    v = analyse_sentence(0, text, 0, len(text), 0)
    return [(m.family if m else None) for m in (measure_of(v, q) for q in v.quantities)]


@pytest.mark.parametrize(
    ("text", "families"),
    [
        ("At least 51 people were killed by the floods.", ["deaths"]),
        ("The death toll rose to 95 on Friday.", ["deaths"]),
        ("Some 2,750 were wounded and 12 remain missing.", ["injured", "missing"]),
        ("It killed at least 12 people and injured thousands.", ["deaths", "injured"]),
        ("8.5 million Windows devices were affected.", ["devices"]),
        ("SkyTrack said 1,409 flights were cancelled.", ["flights"]),
        ("a vote of 94.6 percent to reject the offer", ["votes"]),
        ("Annual inflation jumped to 4.1 percent in April.", ["inflation"]),
        ("Insured losses could hit $5 billion.", ["losses"]),
        ("The company said 33,000 machinists walked out.", ["workers"]),
        ("The clinic has vaccinated 4,200 children.", ["vaccinated"]),
    ],
)
def test_measures(text: str, families: list[str]) -> None:
    assert measures(text) == families


def test_open_vocabulary_keeps_nouns_outside_the_families() -> None:
    assert measures("Rescuers have cleared 148 roads so far.") == ["roads"]
    assert measures("Engineers inspected 12 bridge sections and 40 facility roofs.") == [
        "sections",
        "roofs",
    ]


def test_a_bare_total_takes_its_measure_from_the_previous_sentence() -> None:
    text = (
        "Officials said 230 people had died by Monday. The new total of 260 was given on Tuesday."
    )
    article = analyse_article(text)
    second = article.sentences[1]
    [c] = figure_candidates(article, second)
    assert c.measure is not None and c.measure.family == "deaths" and c.measure.generic


def test_a_baseline_given_for_comparison_is_background() -> None:
    text = "The toll rose to 16,700 cases, up from 16,000 a week earlier."
    article = analyse_article(text)
    [current, earlier] = figure_candidates(article, article.sentences[0])
    assert not current.baseline and earlier.baseline


def test_a_forecast_is_marked() -> None:
    text = "The union said losses would reach $2 billion by March."
    article = analyse_article(text)
    [c] = figure_candidates(article, article.sentences[0])
    assert c.forecast
