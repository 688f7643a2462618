"""Rates and money amounts are figures when the topic is about them (invented sentences)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.claims.measures import amount_topic, rate_topic
from bot.claims.model import ArticleText, ClaimValue, ExtractionContext, ExtractionResult, Qualifier
from bot.claims.rules import RuleExtractor

PUBLISHED = datetime(2025, 5, 9, 12, 0)
PRICES = ExtractionContext(
    topic_name="Velmar inflation", topic_terms=("inflation", "interest rate", "velmar")
)
ELECTION = ExtractionContext(topic_name="Ostria vote", topic_terms=("turnout", "approval"))
STORM = ExtractionContext(topic_name="Storm Kela", topic_terms=("storm", "damage", "aid"))
FLOOD = ExtractionContext(
    topic_name="Valley floods", topic_terms=("flood*", "valley", "dead", "killed")
)


def run(text: str, context: ExtractionContext = PRICES) -> ExtractionResult:
    article = ArticleText(text=text, outlet="Bay Post", published_at=PUBLISHED)
    return RuleExtractor().extract(article, context)


def triples(result: ExtractionResult) -> set[tuple[str, str, str]]:
    return {(c.key, c.source, c.value.display()) for c in result.claims}


def reasons(result: ExtractionResult) -> list[str]:
    return [a.reason for a in result.abstentions]


def test_topic_terms_name_the_rates_and_amounts() -> None:
    econ = rate_topic(["inflation", '"interest rate"'])
    assert {"inflation", "interest rate", "unemployment"} <= econ
    assert "turnout" not in econ and "mortality" not in econ
    assert rate_topic(["vaccin*", "cases"]) == frozenset()
    assert "vaccination" in rate_topic(["positivity", "cases"])
    assert rate_topic(["troops", "soldiers"]) == frozenset()
    assert amount_topic(["storm", "damages", "aid"]) == {"damage", "aid"}
    assert amount_topic(["cases", "deaths"]) == frozenset()


def test_inflation_level_with_its_speaker() -> None:
    r = run("Inflation in Velmar rose to 3.2% in March, the statistics office said.")
    assert triples(r) == {("inflation:rate", "Statistics office", "3.2%")}
    c = r.claims[0]
    assert c.key_label == "inflation — rate"
    assert c.value.number == 3.2 and c.value.unit == "%"


def test_interest_rate_set_by_the_central_bank() -> None:
    r = run("The central bank kept its key interest rate at 4.5 percent.")
    assert triples(r) == {("interest rate:rate", "Central bank", "4.5%")}
    r = run("The central bank raised its rate to 5% on Thursday.")
    assert triples(r) == {("interest rate:rate", "Central bank", "5%")}


def test_other_rates_on_a_rate_topic() -> None:
    r = run("The statistics office said unemployment rose to 6.2% in April.")
    assert triples(r) == {("unemployment:rate", "Statistics office", "6.2%")}


@pytest.mark.parametrize(
    ("sentence", "display"),
    [
        ("Inflation was about 3% in April, the statistics office said.", "about 3%"),
        ("Inflation stood above 4% in April, the statistics office said.", "more than 4%"),
        (
            "Inflation was between 3 and 3.5 percent in April, the statistics office said.",
            "3–3.5%",
        ),
        ("Inflation reached 3.4 per cent in April, the statistics office said.", "3.4%"),
    ],
)
def test_rate_qualifiers_as_for_counts(sentence: str, display: str) -> None:
    assert triples(run(sentence)) == {("inflation:rate", "Statistics office", display)}


@pytest.mark.parametrize(
    "sentence",
    [
        "Finance Minister Ada Renn said inflation would fall below 3% by the end of the year.",
        "Economists had expected inflation of 3%.",
        "The central bank has a target of 2% for inflation.",
        "The central bank forecasts inflation of 2.5% next year.",
    ],
)
def test_forecasts_and_targets_are_not_the_current_rate(sentence: str) -> None:
    r = run(sentence)
    assert not r.claims
    assert "forecast/target" in reasons(r)


@pytest.mark.parametrize(
    "sentence",
    [
        "Food prices rose 5% in April, the statistics office said.",
        "Unemployment was up 2 percentage points, the statistics office said.",
        "The central bank cut rates by 0.25% on Thursday.",
    ],
)
def test_changes_of_other_quantities_are_not_the_rate(sentence: str) -> None:
    assert not run(sentence).claims


def test_percentages_on_a_topic_about_counts_stay_out() -> None:
    r = run("About 40% of the valley was flooded and 12 people were killed.", FLOOD)
    assert {c.key for c in r.claims} == {"deaths:count"}


def test_turnout_and_approval() -> None:
    r = run("Turnout was 61.5%, the interior ministry said.", ELECTION)
    assert triples(r) == {("turnout:rate", "Interior ministry", "61.5%")}
    r = run(
        "The president's approval rating fell to 38% in May, the interior ministry said.", ELECTION
    )
    assert triples(r) == {("approval:rate", "Interior ministry", "38%")}


def test_money_is_an_amount_of_the_topic_noun() -> None:
    r = run("The government pledged $3.2 billion in aid, the finance ministry said.", STORM)
    assert {(c.key, c.value.display()) for c in r.claims} == {("aid:amount", "$3.2 billion")}
    c = r.claims[0]
    assert c.key_label == "aid — amount"
    assert c.value.number == pytest.approx(3.2e9) and c.value.unit == "USD"
    r = run("Damage was estimated at €1.5bn, the insurers' association said.", STORM)
    assert {(c.key, c.value.display()) for c in r.claims} == {("damage:amount", "€1.5 billion")}
    r = run("Damage was put at 250,000 francs, the canton said.", STORM)
    assert {(c.key, c.value.display()) for c in r.claims} == {("damage:amount", "250,000 CHF")}


def test_money_forecasts_are_not_the_amount() -> None:
    r = run("The finance ministry said damage would reach €2bn by June.", STORM)
    assert not r.claims
    assert reasons(r) == ["forecast/target"]


def test_money_not_about_the_topic_stays_out() -> None:
    r = run("Tickets cost $40, the organisers said.", STORM)
    assert not r.claims
    r = run("The government pledged $3.2 billion in aid.", PRICES)
    assert not r.claims


def test_rate_values_compare_sensibly() -> None:
    a = ClaimValue.figure(3.2, unit="%")
    assert a.restates(ClaimValue.figure(3.2, unit="%"))
    assert not a.restates(ClaimValue.figure(4.1, unit="%"))
    assert not a.agrees_with(ClaimValue.figure(4.1, unit="%"))
    assert ClaimValue.figure(3, Qualifier.ABOUT, "%").display() == "about 3%"


def test_count_displays_are_unchanged() -> None:
    assert ClaimValue.figure(1500, unit="troops").display() == "1,500 troops"
    assert ClaimValue.figure(2.5e6, Qualifier.ABOUT, "people").display() == "about 2,500,000 people"
    assert ClaimValue.figure(10, Qualifier.RANGE, "deaths", 12).display() == "10–12 deaths"
