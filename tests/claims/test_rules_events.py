"""Institution acts, bare assertions of presence, background stances and the grain of
intelligence sources, each on sentences of our own (invented places and people)."""

from __future__ import annotations

import pytest

from bot.claims.status import find_institution_act
from tests.claims.test_rules_general import PUBLISHED, TROOPS, run, triples


def test_a_generic_intelligence_service_is_intelligence() -> None:
    result = run("Zubrian intelligence said 4,000 Zubrian soldiers were in Borduria.", TROOPS)
    assert ("troops:count", "Zubria · intelligence", "4,000 troops") in triples(result)


def test_defence_intelligence_stays_military_intelligence() -> None:
    result = run(
        "Zubria's defence intelligence said 4,000 Zubrian soldiers were in Borduria.", TROOPS
    )
    assert ("troops:count", "Zubria · military intelligence", "4,000 troops") in triples(result)


def test_unnamed_intelligence_services_are_nobody_in_particular() -> None:
    result = run(
        "Zubria's intelligence service said on Monday that the troops had moved.\n\n"
        "Around 5,000 soldiers are in Borduria, according to information from intelligence "
        "services.",
        TROOPS,
    )
    sources = {c.source for c in result.claims if c.key == "troops:count"}
    assert "Zubria · intelligence" not in sources


def test_a_parliament_vote_to_approve_a_treaty_ratifies_it() -> None:
    result = run(
        "On Thursday the Bordurian parliament voted unanimously to approve a defence agreement "
        "with Zubria that covers its troops.",
        TROOPS,
    )
    assert any(c.key == "treaty:status" and c.value.display() == "ratified" for c in result.claims)


def test_whoever_opens_an_investigation_is_its_source() -> None:
    result = run(
        "Borduria's prosecutors have now started an investigation into the Zubrian troops.",
        TROOPS,
    )
    assert ("investigation:status", "Borduria · prosecutors", "opened") in triples(result)


def test_an_act_that_is_only_planned_or_long_past_is_no_claim() -> None:
    planned = run("Borduria would open an investigation into the Zubrian troops.", TROOPS)
    assert not any(c.key == "investigation:status" for c in planned.claims)
    past = run("Zubria signed a treaty with Borduria in June 2019 on stationing troops.", TROOPS)
    assert not any(c.key == "treaty:status" for c in past.claims)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The governor declared a state of emergency in the valley.",
            ("state of emergency", "declared"),
        ),
        ("The treaty was ratified on Monday.", ("treaty", "ratified")),
        ("Officials ordered the evacuation of the valley.", ("evacuation", "ordered")),
        ("The bloc lifted sanctions on the port.", ("sanctions", "lifted")),
        ("In any case, the troops stayed.", None),
        ("The assembly could ratify the pact next week.", None),
    ],
)
def test_institution_acts(sentence: str, expected: tuple[str, str] | None) -> None:
    act = find_institution_act(sentence)
    assert (act[:2] if act else None) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The Zubrian foreign ministry had earlier rejected the claims about its troops as lies.",
        "Borduria's president last week accused Zubria of sending troops, citing intelligence "
        "services, according to the Bay Wire.",
    ],
)
def test_a_stance_from_a_background_clause_is_dated_before_the_article(sentence: str) -> None:
    stances = [c for c in run(sentence, TROOPS).claims if c.key == "topic:stance"]
    assert stances
    for c in stances:
        assert c.background
        assert c.asserted_at is not None and c.asserted_at.date() < PUBLISHED.date()


def test_a_named_speaker_asserting_presence_confirms() -> None:
    result = run(
        "Borduria's president Ana Vald said that Zubrian officers had already been in Borduria.",
        TROOPS,
    )
    assert ("topic:stance", "Borduria · president", "confirms") in triples(result)


@pytest.mark.parametrize(
    "sentence",
    [
        "Ana Vald, the Bordurian president, asked whether Zubrian officers had been in Borduria.",
        "Zubrian officers were reportedly in Borduria, Borduria's president Ana Vald said.",
        "Zubrian officers had already been in Borduria.",
        "Borduria's president Ana Vald said 4,000 Zubrian soldiers were in Borduria.",
    ],
)
def test_presence_without_a_flat_assertion_by_a_named_speaker_is_no_stance(
    sentence: str,
) -> None:
    stances = [c for c in run(sentence, TROOPS).claims if c.key == "topic:stance"]
    assert stances == []
