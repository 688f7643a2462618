"""General extraction rules, each shown on sentences of our own (invented places and people)."""

from __future__ import annotations

from datetime import datetime

from bot.claims.model import ArticleText, ExtractionContext, ExtractionResult, Stance
from bot.claims.numbers import find_figures
from bot.claims.rules import RuleExtractor, counted_class
from bot.claims.stance import find_stance
from bot.claims.tokens import tokenize

PUBLISHED = datetime(2025, 5, 9, 12, 0)
FLOOD = ExtractionContext(
    topic_name="Valley floods",
    topic_terms=("flood*", "valley", "dead", "killed", "injured", "missing"),
)
TROOPS = ExtractionContext(
    topic_name="Zubrian troops in Borduria",
    topic_terms=("zubria*", "borduria*", "troops", "soldiers"),
)
LAYOFFS = ExtractionContext(
    topic_name="Nordhav job cuts",
    topic_terms=("nordhav", "jobs", "layoff*", "union"),
)
OUTBREAK = ExtractionContext(
    topic_name="Marsh fever",
    topic_terms=("marsh fever", "cases", "deaths", "hospital*"),
)


def run(
    text: str, context: ExtractionContext = FLOOD, extractor: RuleExtractor | None = None
) -> ExtractionResult:
    ex = extractor or RuleExtractor()
    return ex.extract(ArticleText(text=text, outlet="Bay Post", published_at=PUBLISHED), context)


def triples(result: ExtractionResult) -> set[tuple[str, str, str]]:
    return {(c.key, c.source, c.value.display()) for c in result.claims}


def classes(sentence: str) -> list[str | None]:
    tokens = tokenize(sentence)
    return [counted_class(tokens, f) for f in find_figures(tokens)]


# ---------------------------------------------------------------- figures


def test_lede_summary_gives_way_to_the_named_source() -> None:
    text = (
        "At least 30 people died in the valley floods, officials said.\n"
        "The fire service said 30 people were killed in the floods.\n"
    )
    assert triples(run(text)) == {("deaths:count", "Fire service", "30 deaths")}


def test_a_figure_from_an_earlier_year_is_history() -> None:
    result = run("The valley was last flooded in 1998, when 400 people died.")
    assert result.claims == []


def test_part_of_a_count_is_no_count() -> None:
    result = run("The fire service said 300 people were injured in the floods, 40 of them badly.")
    assert triples(result) == {("injured:count", "Fire service", "300 injured")}


def test_lost_their_lives_counts_deaths() -> None:
    result = run("The fire service said 52 of our residents lost their lives in the floods.")
    assert triples(result) == {("deaths:count", "Fire service", "52 deaths")}


def test_coordinated_adjectives_before_the_noun() -> None:
    assert classes("We know of about 75 suspected and confirmed cases.") == ["cases"]


def test_ages_and_phone_numbers_are_not_counts() -> None:
    assert classes("A 19-year-old soldier was among them.") == []
    assert [c for c in classes("Families can call +44 20 7946 0321 for news.") if c] == []


def test_workers_on_strike_are_strikers() -> None:
    assert classes("About 900 workers joined the strike at the docks.") == ["strikers"]


def test_patients_on_a_ward_are_hospitalised() -> None:
    assert classes("Some 40 patients are on the isolation ward.") == ["hospitalised"]


# ---------------------------------------------------------------- speakers


def test_quote_split_over_sentences_keeps_its_speaker() -> None:
    text = (
        "Mayor Ana Brix of the Valley Council visited the flooded streets.\n"
        '"About 60 people are still missing in the valley. We keep searching," she said.\n'
    )
    result = run(text)
    assert {(c.source, c.source_detail) for c in result.claims} == {("Valley Council", "Ana Brix")}


def test_trailing_generic_subject_after_a_comma() -> None:
    text = (
        "The Dock Workers Union met Nordhav managers on Monday.\n"
        "Nordhav Shipping Group plans to cut 400 jobs, the country's largest union said.\n"
    )
    assert [c.source for c in run(text, LAYOFFS).claims] == ["Dock Workers Union"]


def test_titled_person_speaks_for_the_organisation_just_heard() -> None:
    text = (
        "Nordhav Shipping Group said on Monday it would cut 400 jobs.\n"
        '"We will cut 400 jobs," chief executive Mara Lind told investors.\n'
    )
    result = run(text, LAYOFFS)
    assert {c.source for c in result.claims} == {"Nordhav Shipping Group"}
    assert {c.source_detail for c in result.claims} == {"Mara Lind"}


def test_possessive_toll_names_its_source() -> None:
    result = run("The fire service's latest toll from the floods, published on Monday, was 44.")
    assert [c.source for c in result.claims] == ["Fire service"]


def test_bare_country_speaks_through_its_institution() -> None:
    text = (
        "Zubria's defence ministry said 2,000 troops were in Borduria.\n"
        "Zubria says 2,500 soldiers are now in Borduria.\n"
    )
    sources = {c.source for c in run(text, TROOPS).claims}
    assert sources == {"Zubria · defence ministry"}


def test_unowned_institution_takes_the_country_just_heard() -> None:
    text = (
        "Zubria's intelligence service said on Monday that troops had crossed into Borduria.\n"
        "Defence Minister Ivo Marr said it was highly likely that soldiers were in Borduria.\n"
    )
    sources = {(c.source, c.source_detail) for c in run(text, TROOPS).claims}
    assert ("Zubria · defence ministry", "Ivo Marr") in sources


def test_unnamed_intelligence_is_the_outlets_reporting() -> None:
    result = run(
        "About 3,000 soldiers are in Borduria, according to information from intelligence "
        "services.",
        TROOPS,
    )
    assert [c.source for c in result.claims] == ["Bay Post"]


def test_deputy_minister_speaks_for_the_ministry() -> None:
    text = (
        "Pardo's health ministry said on Monday that 40 cases of marsh fever were confirmed.\n"
        '"We now have 52 cases," deputy minister Ola Fenn told reporters.\n'
    )
    assert {c.source for c in run(text, OUTBREAK).claims} == {"Pardo · health ministry"}


# ---------------------------------------------------------------- stances


def test_confirmed_figures_are_not_stances() -> None:
    result = run("The fire service said 12 deaths in the valley floods have been confirmed.")
    assert {c.key for c in result.claims} == {"deaths:count"}
    assert find_stance("The confirmed death toll is 212, the agency said.") is None
    assert find_stance("Only deaths confirmed by a laboratory are counted.") is None


def test_rejecting_a_figure_is_no_stance() -> None:
    assert find_stance("The union rejected the figures as fake.") is None
    cue = find_stance("The union rejected the claims about troops.")
    assert cue is not None and cue.stance is Stance.DENIES


def test_there_are_no_denies_only_the_topic() -> None:
    result = run('"There are no Zubrian troops in Borduria," the Zubrian government said.', TROOPS)
    assert [c.value.stance for c in result.claims] == [Stance.DENIES]
    quiet = run('"There was no reason to close the border," the Zubrian government said.', TROOPS)
    assert [c for c in quiet.claims if c.key == "topic:stance"] == []


def test_not_sending_troops_denies() -> None:
    cue = find_stance("Zubria has not sent and is not sending its forces to Borduria.")
    assert cue is not None and cue.stance is Stance.DENIES


def test_stance_holder_keeps_its_stance_without_topic_words() -> None:
    text = (
        "The Zubrian government denied on Monday that its troops were in Borduria.\n"
        "\n"
        "Zubrian Prime Minister Ivo Marr said it was a sovereign matter for his country.\n"
        '"What we do is our business," Marr said.\n'
    )
    result = run(text, TROOPS)
    assert Stance.DECLINES in {c.value.stance for c in result.claims}
