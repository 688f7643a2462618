"""Keys found in the text: figures by measure and unit, stances by party, propositions by words."""

from __future__ import annotations

from bot.claims.keys import figure_key, is_specific, same_figure_key, stance_key, statement_key
from bot.claims.measures import Measure
from bot.claims.model import KnownKey
from bot.claims.quantities import find_quantities
from bot.claims.tokens import tokenize
from bot.domain import ClaimValue, Qualifier


def q(text: str):
    return find_quantities(tokenize(text))[0]


def test_figure_keys_name_the_measure_and_unit() -> None:
    deaths = Measure("deaths", "killed")
    assert figure_key(deaths, q("12 killed")) == ("deaths:count", "deaths — count")
    assert figure_key(Measure("offer", "raise"), q("a 30% raise"))[1] == "offer — percent"
    assert figure_key(Measure("losses", "losses"), q("$2 billion"))[0] == "losses:money"
    assert figure_key(None, q("12"))[1] == "figure — count"
    assert figure_key(deaths, q("12 killed"), forecast=True)[1] == "deaths forecast — count"


def test_opposite_stances_of_one_party_share_a_key() -> None:
    assert stance_key("Defence Ministry", "declines") == stance_key("Defence Ministry", "confirms")
    assert stance_key("Defence Ministry", "declines")[1] == "Defence Ministry — position"
    assert stance_key("Union", "blames") != stance_key("Company", "blames")


def test_a_restated_proposition_meets_its_known_key() -> None:
    known = [
        KnownKey("says:ferries-built-lisbon-yard", "the ferries were built by the Lisbon yard")
    ]
    words = ["officials", "said", "the", "Lisbon", "yard", "built", "the", "ferries"]
    assert statement_key(words, "the Lisbon yard built the ferries", known)[0] == known[0].key
    new_key, label = statement_key(
        ["the", "army", "will", "withdraw"], "the army will withdraw", known
    )
    assert new_key != known[0].key and label == "the army will withdraw"


def test_only_specific_figures_cross_wordings() -> None:
    assert is_specific(ClaimValue.figure(33000, unit="workers"))
    assert is_specific(ClaimValue.figure(5.4e9, unit="USD"))
    assert is_specific(ClaimValue.figure(94.6, unit="%"))
    assert not is_specific(ClaimValue.figure(1000, unit="workers"))  # one significant digit
    assert not is_specific(ClaimValue.figure(12, unit="deaths"))  # a small count
    assert not is_specific(ClaimValue.figure(20 * 60 + 12, unit="time"))


def test_a_specific_figure_takes_the_key_it_was_reported_under() -> None:
    known = [
        ("workers:count", "workers — count", ClaimValue.figure(33000, unit="workers").to_json())
    ]
    value = ClaimValue.figure(33000, Qualifier.ABOUT, "machinist")
    key, label, moved = same_figure_key("machinist:count", value, known)
    assert (key, label) == ("workers:count", "workers — count")
    assert moved.unit == "workers" and moved.qualifier is Qualifier.ABOUT
    # already under its own key, or another unit, or another number: stays
    assert same_figure_key("workers:count", value, known) is None
    money = ClaimValue.figure(33000, unit="USD")
    assert same_figure_key("cost:money", money, known) is None
    assert same_figure_key("x:count", ClaimValue.figure(34000, unit="x"), known) is None
