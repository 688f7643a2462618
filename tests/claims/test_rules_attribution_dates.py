"""More general rules, each on sentences of our own (invented places, people, outlets)."""

from __future__ import annotations

from datetime import datetime

from bot.claims.dates import when_asserted
from bot.claims.model import ExtractionContext
from tests.claims.test_rules_general import FLOOD, TROOPS, run, triples

WEDNESDAY = datetime(2025, 3, 19, 12, 0)


def test_according_to_the_agency_is_the_agency_named_before() -> None:
    text = (
        "Zubria's military intelligence said on Monday that the troops had moved.\n\n"
        "According to the agency, 4,000 Zubrian soldiers are now in Borduria.\n"
    )
    assert ("troops:count", "Zubria · military intelligence", "4,000 troops") in triples(
        run(text, TROOPS)
    )


def test_the_agency_can_be_an_intelligence_service() -> None:
    text = (
        "Zubria's military intelligence said the troops had moved.\n"
        "The agency also said it had counted 40 tanks near Borduria.\n"
    )
    sources = {c.source for c in run(text, TROOPS).claims if c.key == "vehicles:count"}
    assert sources == {"Zubria · military intelligence"}


def test_repeated_that_is_a_speech_verb() -> None:
    text = "Zubria's military intelligence repeated that 4,000 Zubrian soldiers were in Borduria."
    assert triples(run(text, TROOPS)) == {
        ("troops:count", "Zubria · military intelligence", "4,000 troops")
    }


def test_a_lower_cased_short_alias_does_not_match_the_pronoun() -> None:
    ctx = ExtractionContext(
        topic_name=FLOOD.topic_name,
        topic_terms=FLOOD.topic_terms,
        aliases={"who": "World Health Organization", "vfa": "Valley · flood agency"},
    )
    text = (
        "The VFA said 12 people were missing after the valley floods.\n"
        "The mayor, who has spoken of 30 missing, was not available.\n"
    )
    sources = {c.source for c in run(text, ctx).claims}
    assert "World Health Organization" not in sources
    assert "Valley · flood agency" in sources


def test_since_a_weekday_does_not_date_the_statement() -> None:
    t = when_asserted(
        "More than 80 people have died since Sunday, the agency said on Wednesday.", WEDNESDAY
    )
    assert not t.background
    assert t.asserted_at is not None and t.asserted_at.day == 19


def test_from_an_earlier_figure_does_not_make_the_sentence_background() -> None:
    for s in (
        "The ministry said cases had risen to 61, from 38 a day earlier.",
        "The ministry said 15 people had died, up from seven on Sunday.",
    ):
        assert not when_asserted(s, WEDNESDAY).background, s


def test_an_event_named_by_its_day_is_not_a_dated_statement() -> None:
    for s in (
        "The toll from Saturday's landslide has risen to 40, the agency said.",
        "The agency raised the toll from last week's floods to 52.",
    ):
        assert not when_asserted(s, WEDNESDAY).background, s
    assert when_asserted(
        "Last week the agency had estimated about 50 deaths.", WEDNESDAY
    ).background
