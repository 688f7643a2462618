from __future__ import annotations

from datetime import datetime

import pytest

from bot.claims.model import ArticleText, ExtractionContext, ExtractionResult, Stance
from bot.claims.rules import RuleExtractor
from bot.claims.sources import canonical_source

PUBLISHED = datetime(2025, 3, 14, 12, 0)  # a Friday
FLOOD = ExtractionContext(
    topic_name="Valley floods",
    topic_terms=("flood*", "valley", "evacuat*", "dead", "killed"),
)
TROOPS = ExtractionContext(
    topic_name="Foreign troops in Borduria",
    topic_terms=("borduria*", "troops", "soldiers"),
)


def run(
    text: str, context: ExtractionContext = FLOOD, outlet: str = "Daily Post"
) -> ExtractionResult:
    return RuleExtractor().extract(
        ArticleText(text=text, outlet=outlet, published_at=PUBLISHED), context
    )


def triples(result: ExtractionResult) -> set[tuple[str, str, str]]:
    return {(c.key, c.source, c.value.display()) for c in result.claims}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "At least 40 people were killed in the valley floods, according to the Red Cross.",
            ("deaths:count", "Red Cross", "at least 40 deaths"),
        ),
        (
            "The country's health ministry said 12 people died in the floods.",
            ("deaths:count", "Health ministry", "12 deaths"),
        ),
        (
            "Health Minister Ana Ruiz told reporters that 300 residents were evacuated "
            "from the valley.",
            ("displaced:count", "Health ministry", "300 displaced"),
        ),
        (
            '"We have found 17 dead in the valley," said police spokesperson Tom Reyes.',
            ("deaths:count", "Police", "17 deaths"),
        ),
        (
            "Spokesperson Maria Lopez of the Valley Fire Department said 9 people were "
            "killed in the floods.",
            ("deaths:count", "Valley Fire Department", "9 deaths"),
        ),
        (
            "Maria Lopez said about 2,000 people were evacuated as the floods spread.",
            ("displaced:count", "Maria Lopez", "about 2,000 displaced"),
        ),
        (
            "The floods killed 23 people in the valley.",
            ("deaths:count", "Daily Post", "23 deaths"),
        ),
        (
            "Mayor Ivan Petrov, citing local hospitals, said the flood death toll had risen to 31.",
            ("deaths:count", "Mayor", "31 deaths"),
        ),
    ],
)
def test_attribution_forms(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in triples(run(text))


def test_reported_speech_continues_to_next_sentence() -> None:
    text = (
        "Interior Minister Sara Holm visited the flooded valley on Friday. "
        '"Our teams have counted 58 dead so far," she said.'
    )
    result = run(text)
    claim = next(c for c in result.claims if c.key == "deaths:count")
    assert claim.source == "Interior ministry"
    assert claim.source_detail == "Sara Holm"


def test_pronoun_without_antecedent_abstains() -> None:
    result = run("The floods killed many. He said 58 people were killed in the valley.")
    assert not [c for c in result.claims if c.key == "deaths:count"]
    assert any("who claims" in a.reason for a in result.abstentions)


def test_figure_without_counted_thing_abstains() -> None:
    result = run("Rescuers in the flooded valley said the figure was at least 400.")
    assert not result.claims
    assert any("counts" in a.reason for a in result.abstentions)


def test_unrelated_figure_abstains() -> None:
    text = (
        "The valley floods killed 12 people, the Red Cross said. "
        "Separately, the ministry of finance said 300 jobs would go at a car plant."
    )
    result = run(text)
    assert ("deaths:count", "Red Cross", "12 deaths") in triples(result)
    assert not [c for c in result.claims if c.key == "jobs:count"]
    assert any("unrelated" in a.reason for a in result.abstentions)


def test_keys_are_shared_across_phrasings() -> None:
    a = run("Borduria sent 12,000 soldiers to the border, the Pentagon said.", TROOPS)
    b = run("Some 12,000 Bordurian troops deployed, the Pentagon said.", TROOPS)
    assert {c.key for c in a.claims} == {c.key for c in b.claims} == {"troops:count"}
    assert next(iter(a.claims)).value.unit == "troops"


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("The Zubrian government confirmed that Bordurian troops had crossed.", Stance.CONFIRMS),
        ("The Zubrian foreign ministry denied that its troops were in Borduria.", Stance.DENIES),
        ('Zubria\'s defence minister called reports of troops in Borduria "fake".', Stance.DENIES),
        ("The Zubrian government rejected the claims about soldiers in Borduria.", Stance.DENIES),
        ("The Zubrian government could not confirm that troops were in Borduria.", Stance.DECLINES),
        (
            "The Zubrian foreign ministry declined to comment on troops in Borduria.",
            Stance.DECLINES,
        ),
        (
            '"Where our soldiers go in Borduria is our business," the Zubrian president said.',
            Stance.DECLINES,
        ),
        ("The Zubrian government did not deny that its troops were in Borduria.", Stance.DECLINES),
        ("Zubrian intelligence said reports of troops in Borduria were credible.", Stance.CREDIBLE),
        (
            'The Zubrian defence minister said troops in Borduria were "highly likely".',
            Stance.CREDIBLE,
        ),
    ],
)
def test_stance_forms(text: str, stance: Stance) -> None:
    result = run(text.replace("Zubrian", "Polish").replace("Zubria", "Poland"), TROOPS)
    stances = [c for c in result.claims if c.key == "topic:stance"]
    assert len(stances) == 1, result
    assert stances[0].value.stance is stance
    assert stances[0].source.startswith("Poland")
    assert stances[0].key_label == "Foreign troops in Borduria — confirmation"


def test_stance_needs_the_topic() -> None:
    result = run("The Polish government denied any plan to raise fuel taxes.", TROOPS)
    assert not result.claims


def test_stance_without_speaker_abstains() -> None:
    result = run("Reports of troops in Borduria have not been confirmed.", TROOPS)
    assert not result.claims
    assert any("without a speaker" in a.reason for a in result.abstentions)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        (
            "On Oct. 17 the Red Cross had said 10 people died in the valley floods.",
            datetime(2024, 10, 17),
        ),
        ("Last week the Red Cross said 10 people died in the valley floods.", datetime(2025, 3, 7)),
        (
            "On March 3 the Red Cross said 10 people died in the valley floods.",
            datetime(2025, 3, 3),
        ),
        (
            "On Monday the Red Cross said 10 people died in the valley floods.",
            datetime(2025, 3, 10),
        ),
    ],
)
def test_background_is_dated(text: str, date: datetime) -> None:
    claim = run(text).claims[0]
    assert claim.background is True
    assert claim.asserted_at == date


def test_earlier_statement_without_date_is_background() -> None:
    claim = run("The Red Cross had earlier said 10 people died in the valley floods.").claims[0]
    # said before this article, the day unknown: dated the day before it
    assert claim.background and claim.asserted_at is not None
    assert claim.asserted_at.date() < PUBLISHED.date()


def test_status_and_location() -> None:
    text = (
        "Bordurian officials said the foreign soldiers are now fighting in the Tarn region. "
        "US officials said the troops are training at a base near Szohod."
    )
    got = triples(run(text, TROOPS))
    assert ("troops:status", "Borduria", "in combat") not in got  # Borduria is not a known country
    assert ("troops:location", "Government", "in tarn region") in got or any(
        k == "troops:location" and v == "in tarn region" for k, _, v in got
    )
    assert ("troops:status", "United States", "training") in got


def test_one_claim_per_key_and_source_keeps_most_precise() -> None:
    text = (
        "The death toll from the valley floods passed 1,000, the Red Cross said. "
        "The Red Cross later said 1,002 people were killed by the floods."
    )
    result = run(text)
    deaths = [c for c in result.claims if c.key == "deaths:count"]
    assert len(deaths) == 1
    assert deaths[0].value.display() == "1,002 deaths"


def test_aliases_apply_first() -> None:
    ctx = ExtractionContext(
        topic_name="Valley floods", topic_terms=("flood*",), aliases={"red cross": "IFRC"}
    )
    result = run("The Red Cross said 12 people died in the floods.", ctx)
    assert result.claims[0].source == "IFRC"


@pytest.mark.parametrize(
    ("name", "source", "detail"),
    [
        ("Kremlin spokesman Dmitry Peskov", "Russia · Kremlin", "Dmitry Peskov"),
        ("Putin", "Russia · Kremlin", "Vladimir Putin"),
        ("the Kremlin", "Russia · Kremlin", None),
        ("Ukraine's military intelligence", "Ukraine · military intelligence", None),
        ("HUR", "Ukraine · military intelligence", None),
        ("Ukrainian intelligence", "Ukraine · intelligence", None),
        ("Ukraine's defence intelligence", "Ukraine · military intelligence", None),
        ("US Defense Secretary Lloyd Austin", "United States", "Lloyd Austin"),
        ("the Pentagon", "United States", "Pentagon"),
        ("John Kirby", "United States", "John Kirby"),
        ("South Korea's National Intelligence Service", "South Korea · intelligence", None),
        ("NIS", "South Korea · intelligence", None),
        (
            "Dutch Defense Minister Ruben Brekelmans",
            "Netherlands · defence ministry",
            "Ruben Brekelmans",
        ),
        ("the country's health ministry", "Health ministry", None),
        ("Health Minister Ana Ruiz", "Health ministry", "Ana Ruiz"),
        ("spokesperson Maria Lopez of the Fire Department", "Fire Department", "Maria Lopez"),
        ("Maria Lopez", "Maria Lopez", None),
        ("WHO", "WHO", None),
    ],
)
def test_canonical_source(name: str, source: str, detail: str | None) -> None:
    assert canonical_source(name) == (source, detail)


def test_canonical_source_aliases() -> None:
    assert canonical_source("Red Cross", {"red cross": "IFRC"}) == ("IFRC", None)
