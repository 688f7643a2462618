"""More general rules, each on sentences of our own (invented places, people, outlets)."""

from __future__ import annotations

from datetime import datetime

from bot.claims.dates import when_asserted
from bot.claims.model import ExtractionContext
from bot.claims.rules import RuleExtractor
from bot.claims.status import find_event_status
from tests.claims.test_rules_general import FLOOD, LAYOFFS, TROOPS, run, triples

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


def test_the_service_named_by_its_generic_noun_is_the_fuller_one_named_before() -> None:
    text = (
        "Zubria's military intelligence said 4,000 Zubrian soldiers were in Borduria.\n"
        "General Ivo Dal, the head of the intelligence service, told reporters the Zubrian "
        "units were still training.\n"
    )
    assert {c.source for c in run(text, TROOPS).claims} == {"Zubria · military intelligence"}


def test_name_then_title_of_an_organisation() -> None:
    text = "Nordhav plans to cut 900 jobs, said Ana Berg, president of the Metal Workers Union."
    claims = run(text, LAYOFFS).claims
    assert [(c.source, c.source_detail) for c in claims] == [("Metal Workers Union", "Ana Berg")]


def test_union_president_speaks_for_the_union_not_a_president() -> None:
    ex = RuleExtractor()
    run("Nordhav plans to cut 900 jobs, said Ana Berg, president of the Metal Workers Union.",
        LAYOFFS, ex)  # fmt: skip
    later = run('"Nordhav will cut 1,200 jobs," union president Ana Berg said.', LAYOFFS, ex)
    assert triples(later) == {("jobs:count", "Metal Workers Union", "1,200 jobs")}


def test_we_in_a_quote_is_the_quoted_speaker() -> None:
    text = (
        "The Metal Workers Union said Nordhav would cut 900 jobs.\n"
        '"We do not comment on rumours about job cuts," a Nordhav Group spokesman said.\n'
    )
    stances = {c.source for c in run(text, LAYOFFS).claims if c.value.kind == "stance"}
    assert stances == {"Nordhav Group"}


def test_the_company_is_never_the_union_heard_last() -> None:
    text = (
        "Nordhav plans to cut 900 jobs, said Ana Berg, president of the Metal Workers Union.\n\n"
        "The company declined to comment on the job cuts.\n"
    )
    stances = [c for c in run(text, LAYOFFS).claims if c.value.kind == "stance"]
    assert stances == []


STRIKE = ExtractionContext(
    topic_name="Nordhav strike",
    topic_terms=("nordhav", "strike*", "union", "workers"),
)


def test_the_state_of_the_strike_itself() -> None:
    text = (
        '"The strike is under way at all four depots," union leader Ana Berg said.\n'
        "The Metal Workers Union suspended its strike at Nordhav on Friday.\n"
    )
    got = {(c.key, c.source, c.value.display()) for c in run(text, STRIKE).claims}
    assert ("strike:status", "Ana Berg", "under way") in got
    assert ("strike:status", "Metal Workers Union", "suspended") in got


def test_event_states_are_normalised() -> None:
    assert find_event_status("The ceasefire has collapsed, the army said.")[:2] == (
        "ceasefire",
        "collapsed",
    )
    assert find_event_status("The search for survivors is over.")[:2] == ("search", "ended")
    assert find_event_status("He said the talks were constructive.") is None


def test_workers_taking_part_in_the_strike_are_strikers() -> None:
    text = '"About 900 workers are taking part in the strike," the Metal Workers Union said.'
    assert triples(run(text, STRIKE)) == {
        ("strikers:count", "Metal Workers Union", "about 900 strikers")
    }


def test_workers_on_strike_with_a_count_give_no_separate_status() -> None:
    text = "The Metal Workers Union said 900 workers, including drivers, were on strike."
    assert {c.key for c in run(text, STRIKE).claims} == {"strikers:count"}


def test_a_phone_number_is_no_figure() -> None:
    from bot.claims.numbers import find_figures
    from bot.claims.tokens import tokenize

    for s, want in (
        ("The hotline, +31 20 555 0199, took more than 900 calls.", [900.0]),
        ("Call 0900 444 1212; 30 people died.", [30.0]),
        ("Between 300 and 400 people died.", [300.0]),
    ):
        assert [f.low for f in find_figures(tokenize(s))] == want, s


def test_a_quoted_denial_takes_the_speaker_where_the_quote_closes() -> None:
    text = (
        '"There are no Zubrian troops on the territory of Borduria. This is another lie '
        'of hostile media," presidential spokesman Pavel Ostrov said.\n'
    )
    stances = {(c.source, c.value.display()) for c in run(text, TROOPS).claims}
    assert stances == {("Presidency", "denies")}


def test_a_figure_called_fake_is_a_dispute_not_a_denial() -> None:
    from bot.claims.stance import find_stance

    assert find_stance('"The 900 figure is fake.') is None
    assert find_stance("These numbers are completely false, he said.") is None
    assert find_stance("The reports are fake, the ministry said.") is not None


def test_the_northern_alliance_is_a_name() -> None:
    from bot.claims.sources import find_mentions

    assert [m.source for m in find_mentions("The Northern League said it could not confirm.")] in (
        [],
        ["Northern League"],
    )
    assert [m.source for m in find_mentions("The Eastern Alliance said it would respond.")] == [
        "Eastern Alliance"
    ]
