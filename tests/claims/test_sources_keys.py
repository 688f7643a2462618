"""Sources for countries we have no table entry for, titles, memory; keys for synonyms.

All sentences are our own (invented places: Norvia, Quellan, Pardo; invented people).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.claims.model import ArticleText, ExtractionContext, ExtractionResult
from bot.claims.rules import RuleExtractor
from bot.claims.sources import canonical_source, country_of, find_mentions, place_names

PUBLISHED = datetime(2025, 5, 9, 12, 0)
FERRIES = ExtractionContext(
    topic_name="Quellan boats off Norvia",
    topic_terms=("quellan*", "norvia*", "boat*", "ferry", "vessels"),
)


def run(
    text: str, context: ExtractionContext = FERRIES, extractor: RuleExtractor | None = None
) -> ExtractionResult:
    ex = extractor or RuleExtractor()
    return ex.extract(ArticleText(text=text, outlet="Bay Post", published_at=PUBLISHED), context)


def sources(result: ExtractionResult) -> list[tuple[str, str | None]]:
    return [(c.source, c.source_detail) for c in result.claims]


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Norvia's border guard said 12 Quellan boats were seen.", "Norvia · border guard"),
        ("The Quellanian navy said 12 boats were seen off Norvia.", "Quellania · military"),
        ("Norvia's government said 12 Quellan boats were seen.", "Norvia · government"),
        ("Pardo's tourism minister said 12 Quellan boats were seen.", "Pardo · tourism ministry"),
    ],
)
def test_possessive_or_demonym_owner_of_an_institution(text: str, source: str) -> None:
    assert [c.source for c in run(text).claims] == [source]


def test_demonym_traced_to_the_place_the_article_names() -> None:
    text = "Quellan officials met in Pardo. The Pardoan coast guard said 9 Quellan boats left."
    places = place_names("Pardo's ports are busy. " + text)
    assert country_of("Pardoan", places=places) == "Pardo"
    assert country_of("Pardoan") is None  # no -ian stem, no place to trace it to
    assert country_of("Norvian") == "Norvia"


def test_title_after_institution_keeps_the_institution() -> None:
    m = find_mentions("border guard commander Ana Vell told reporters")
    assert (m[0].source, m[0].detail) == ("Border guard", "Ana Vell")
    assert canonical_source("Harbour Watch analyst Leo Brandt") == ("Harbour Watch", "Leo Brandt")
    assert canonical_source("WHO spokesman Leo Brandt") == ("WHO", "Leo Brandt")


def test_one_institution_through_an_article() -> None:
    text = (
        "Norvia's border guard said on Friday that 12 Quellan boats were seen near the "
        "islands.\n"
        '"We have seen 14 Quellan boats," border guard commander Ana Vell told reporters.\n'
        "Vell said later that 15 Quellan boats had been counted.\n"
    )
    result = run(text)
    assert set(sources(result)) == {("Norvia · border guard", "Ana Vell")}


def test_government_and_its_spokesman_are_one_source() -> None:
    text = (
        "Quellania's government on Friday denied that its boats were in Norvia's waters.\n"
        '"These reports about boats near Norvia are false," government spokesman Ivo Dran '
        "said.\n"
    )
    result = run(text)
    assert {c.source for c in result.claims} == {"Quellania · government"}


def test_person_keeps_institution_in_a_later_article() -> None:
    ex = RuleExtractor()
    run(
        "Norvia's border guard said 12 Quellan boats were seen, commander Ana Vell said.\n"
        '"There are 12 Quellan boats," border guard commander Ana Vell said.\n',
        extractor=ex,
    )
    later = run('"We now count 20 Quellan boats," commander Ana Vell said.\n', extractor=ex)
    assert sources(later) == [("Norvia · border guard", "Ana Vell")]


def test_bare_person_without_institution_stays_the_name() -> None:
    result = run("Ana Vell said 12 Quellan boats were seen off Norvia.")
    assert sources(result) == [("Ana Vell", None)]


def test_alias_acronym_in_parentheses() -> None:
    ctx = ExtractionContext(
        topic_name=FERRIES.topic_name,
        topic_terms=FERRIES.topic_terms,
        aliases={"NBG": "Norvia · border guard"},
    )
    result = run("The border guard (NBG) said 12 Quellan boats were seen off Norvia.", ctx)
    assert [c.source for c in result.claims] == ["Norvia · border guard"]


def test_generic_noun_refers_to_the_matching_organisation() -> None:
    text = (
        "Pardo's fisheries ministry and the Harbour Workers Union met on Friday about the "
        "Quellan boats.\n"
        "The union said 30 Quellan boats were fishing off Norvia.\n"
    )
    assert [c.source for c in run(text).claims] == ["Harbour Workers Union"]


# ---------------------------------------------------------------- keys


@pytest.mark.parametrize(
    "phrase",
    [
        "12 Quellan fishing boats",
        "12 Quellan trawlers",
        "12 Quellan vessels",
        "12 ships from Quellan",
        "12 Quellan fishing vessels",
    ],
)
def test_synonyms_of_the_topic_noun_share_one_key(phrase: str) -> None:
    result = run(f"Norvia's border guard said {phrase} were seen off the coast.")
    # the topic says "boat*": every synonym lands on the topic's own word
    assert [c.key for c in result.claims] == ["boats:count"]


def test_synonyms_share_the_class_key_when_the_topic_names_none() -> None:
    ctx = ExtractionContext(topic_name="Norvia ferry strike", topic_terms=("norvia*", "ships"))
    keys = {
        c.key
        for phrase in ("9 ferries", "9 trawlers", "9 ships")
        for c in run(f"Norvia's port authority said {phrase} were idle.", ctx).claims
    }
    assert keys == {"ships:count"}


def test_modifier_is_never_the_head_noun() -> None:
    ctx = ExtractionContext(topic_name="Pardo harvest", topic_terms=("pardo*", "tractors"))
    result = run("Pardo's farm ministry said 40 farming tractors were idle.", ctx)
    assert [c.key for c in result.claims] == ["tractor:count"]


def test_responders_own_equipment_is_not_the_count() -> None:
    result = run("Norvia's border guard said two patrol boats were on their way.")
    assert result.claims == []
