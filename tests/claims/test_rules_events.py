"""Institution acts, bare assertions of presence, background stances and the grain of
intelligence sources, each on sentences of our own (invented places and people)."""

from __future__ import annotations

from tests.claims.test_rules_general import TROOPS, run, triples


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
