"""Who speaks: mentions, attribution cues and one name per party (sentences we wrote)."""

from __future__ import annotations

import pytest

from bot.claims.attribution import ACCORDING, INVERTED, POSSESSIVE, SPEECH
from bot.claims.model import KnownParty
from bot.claims.parties import PartyResolver
from bot.claims.view import analyse_sentence


def view(text: str):
    return analyse_sentence(0, text, 0, len(text), 0)


@pytest.mark.parametrize(
    ("text", "speaker", "kind"),
    [
        ("The Harbor Authority said 12 ships were stuck.", "Harbor Authority", SPEECH),
        ("Twelve ships were stuck, the Harbor Authority said.", "Harbor Authority", SPEECH),
        ("Twelve ships were stuck, said the Harbor Authority.", "Harbor Authority", INVERTED),
        ("Twelve ships were stuck, said the port's director.", "port's director", INVERTED),
        ("According to the regional government, 12 died.", "regional government", ACCORDING),
        ("The ministry's figures show 12 deaths.", "ministry's", POSSESSIVE),
        (
            "Mayor Ana Ruiz, the head of the crisis unit, has also said 12 died.",
            "Mayor Ana Ruiz",
            SPEECH,
        ),
    ],
)
def test_attribution_finds_the_party(text: str, speaker: str, kind: str) -> None:
    a = view(text).attribution
    assert a is not None and a.kind == kind and speaker in a.mention.text


def test_outlet_voice_has_no_attribution() -> None:
    assert view("Twelve ships were stuck in the harbour on Monday.").attribution is None


@pytest.mark.parametrize(
    ("text", "party", "speaker"),
    [
        ("Chilean Health Minister Lea Holt said 12 died.", "Chile · Health Ministry", "Lea Holt"),
        ("Brannick Motors CEO Ida Vos said 400 jobs would go.", "Brannick Motors", "Ida Vos"),
        ("Finance Minister Ari Lund said the deficit grew.", "Finance Ministry", "Ari Lund"),
        ("Chilean officials said 12 died.", "Chile officials", None),
    ],
)
def test_titled_people_speak_for_their_institution(
    text: str, party: str, speaker: str | None
) -> None:
    a = view(text).attribution
    assert a is not None
    resolved = PartyResolver().resolve(a.mention)
    assert resolved is not None and resolved.name == party and resolved.speaker == speaker


def test_a_surname_or_pronoun_later_keeps_the_first_party() -> None:
    r = PartyResolver()
    first = view("Brannick Motors CEO Ida Vos said 400 jobs would go.")
    r.note(first.mentions)
    for later in ("Vos said the plant would close.", "She said the plant would close."):
        a = view(later).attribution
        assert a is not None
        assert r.resolve(a.mention).name == "Brannick Motors"


def test_a_party_the_story_knows_keeps_its_known_name() -> None:
    known = (KnownParty("Chile · Health Ministry", ("Lea Holt",)),)
    r = PartyResolver(known)
    assert r.canonical("the Chilean health ministry") == "Chile · Health Ministry"
    a = view("Holt said the count had risen.").attribution
    assert a is not None and r.resolve(a.mention).name == "Chile · Health Ministry"
    assert r.canonical("Brannick Motors") == "Brannick Motors"


def test_a_sentence_opening_word_the_article_uses_in_lower_case_is_no_party() -> None:
    from bot.claims.view import analyse_article

    text = (
        "Inspectors said the ferries were safe. Ferries resumed service, the port said. "
        "Harbor Authority officials said 12 ferries were stuck."
    )
    article = analyse_article(text, "Ferries stuck")
    names = {m.text for s in article.sentences for m in s.mentions}
    assert "Ferries" not in names
    assert any("Harbor Authority" in n for n in names)
    # without the lower-case use elsewhere, the same opening word stays a name
    lone = analyse_article("Ferries said 12 boats were stuck.", "Boats stuck")
    assert any(m.text == "Ferries" for s in lone.sentences for m in s.mentions)


@pytest.mark.parametrize(
    "text",
    [
        "Instead, he said 12 ships were stuck.",
        "Former minister Ana Ruiz said 12 ships were stuck.",
        "“We’re sorry,” Ana Ruiz said of the 12 stuck ships.",
    ],
)
def test_sentence_adverbs_and_contractions_are_not_parties(text: str) -> None:
    names = {m.text for m in view(text).mentions}
    assert not names & {"Instead", "Former", "We’re"}


def test_a_known_party_is_found_by_the_last_word_of_a_longer_mention() -> None:
    known = [KnownParty("Acme", ()), KnownParty("Gold Star Air Lines", ())]
    resolver = PartyResolver(known=known)
    assert resolver.canonical("Texas-based Acme") == "Acme"
    assert resolver.canonical("Airline Acme") == "Acme"
    assert resolver.canonical("Gold") == "Gold Star Air Lines"
    assert resolver.canonical("Health Ministry") == "Health Ministry"  # a generic head
    assert resolver.canonical("Chile") == "Chile"


def test_adjectives_like_texas_based_are_not_part_of_a_name() -> None:
    names = {m.text for m in view("The Texas-based firm Acme said 12 ships were stuck.").mentions}
    assert not any("Texas-based" in n for n in names)


def test_a_former_office_holder_speaks_for_herself() -> None:
    resolver = PartyResolver()
    m = next(m for m in view("Former president Ana Ruiz said 12 ships were stuck.").mentions)
    assert resolver.resolve(m) is not None and resolver.resolve(m).name == "Ana Ruiz"
    sitting = next(m for m in view("President Ana Ruiz said 12 ships were stuck.").mentions)
    assert resolver.resolve(sitting).name != "Ana Ruiz"
