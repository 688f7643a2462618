"""Keys found in the text: figures by measure and unit, stances by party, propositions by words."""

from __future__ import annotations

from bot.claims.keys import figure_key, stance_key, statement_key
from bot.claims.measures import Measure
from bot.claims.model import KnownKey
from bot.claims.quantities import find_quantities
from bot.claims.tokens import tokenize


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
        KnownKey("says:pagers-made-budapest-firm", "the pagers were made by the Budapest firm")
    ]
    words = ["officials", "said", "the", "Budapest", "firm", "made", "the", "pagers"]
    assert statement_key(words, "the Budapest firm made the pagers", known)[0] == known[0].key
    new_key, label = statement_key(
        ["the", "army", "will", "withdraw"], "the army will withdraw", known
    )
    assert new_key != known[0].key and label == "the army will withdraw"
