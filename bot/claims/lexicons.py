"""The claim engine's lexicons: data files in ``lexicon/``, loaded and checked once.

Every word list the rules use lives in a data file (TOML or TSV) next to this
module: cue verbs and stance classes, titles and institution words, countries
and demonyms, families of measured things, and a few closed word lists. This
module reads them, validates their shape with pydantic (a malformed file fails
at start-up with the file's name), and builds the lookup tables the rules use:
single words as sets, phrases as tuples indexed by their first word.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

LEXICON_DIR = Path(__file__).parent / "lexicon"

Phrase = tuple[str, ...]


class LexiconError(ValueError):
    """A lexicon file is missing or malformed."""


def _lower_words(values: list[str]) -> list[str]:
    out = []
    for v in values:
        v = " ".join(v.split())
        if not v:
            raise ValueError("empty entry")
        if v != v.lower():
            raise ValueError(f"{v!r} must be lower case")
        out.append(v)
    return out


Words = Annotated[list[str], AfterValidator(_lower_words)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _WordList(_Strict):
    words: Words


class _Speech(_Strict):
    words: Words
    estimate: Words
    figure_nouns: Words
    according: Words


class _Cues(_Strict):
    speech: _Speech
    stance: dict[str, Words]
    families: dict[str, str]
    opposites: dict[str, str]
    negation: _WordList
    modality: _WordList
    background: _WordList


class _Parties(_Strict):
    titles: Words
    title_institution: dict[str, str]
    institutions: Words
    collectives: Words
    pronouns: Words


class _Measures(_Strict):
    money_families: Words
    families: dict[str, Words]


class _Words(_Strict):
    stopwords: Words
    people: Words
    generic_totals: Words
    boilerplate: Words
    individual: Words
    subject_filler: Words
    object_skip: Words
    capital_function: Words
    outcome_filler: Words
    measure_stops: Words
    comparatives: Words
    change_verbs: Words
    forecast_cues: Words


M = TypeVar("M", bound=BaseModel)


class PhraseIndex:
    """Phrases (tuples of lower-case words) indexed by their first word, longest first."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self._by_first: dict[str, list[Phrase]] = {}
        for p in phrases:
            words = tuple(p.split())
            self._by_first.setdefault(words[0], []).append(words)
        for lst in self._by_first.values():
            lst.sort(key=len, reverse=True)

    def match(self, words: list[str], i: int) -> Phrase | None:
        """The longest phrase that starts at ``words[i]``."""
        for phrase in self._by_first.get(words[i], ()):
            n = len(phrase)
            if tuple(words[i : i + n]) == phrase:
                return phrase
        return None

    @property
    def first_words(self) -> frozenset[str]:
        """Every word a phrase of the index starts with (a cheap prefilter)."""
        return frozenset(self._by_first)

    def __contains__(self, phrase: object) -> bool:
        if isinstance(phrase, str):
            phrase = tuple(phrase.split())
        if not isinstance(phrase, tuple) or not phrase:
            return False
        return phrase in self._by_first.get(phrase[0], ())


@dataclass(frozen=True)
class Countries:
    """Countries by every name and demonym, lower case -> canonical name."""

    by_name: dict[str, str]
    by_demonym: dict[str, str]

    def lookup(self, text: str) -> str | None:
        key = text.lower().removeprefix("the ").strip()
        return self.by_name.get(key) or self.by_demonym.get(key)


@dataclass(frozen=True)
class Lexicon:
    """Every lookup table the rules use, built from the data files."""

    speech: frozenset[str]
    estimate: frozenset[str]
    figure_nouns: frozenset[str]
    according: PhraseIndex
    stance: PhraseIndex
    stance_class: dict[Phrase, str]
    stance_family: dict[str, str]
    opposites: dict[str, str]
    negation: frozenset[str]
    modality: frozenset[str]
    background: PhraseIndex
    titles: PhraseIndex
    title_institution: dict[str, str]
    institutions: PhraseIndex
    institution_heads: frozenset[str]
    collectives: PhraseIndex
    pronouns: frozenset[str]
    measure: PhraseIndex
    measure_family: dict[Phrase, str]
    stopwords: frozenset[str]
    people: PhraseIndex
    people_words: frozenset[str]
    generic_totals: frozenset[str]
    boilerplate: tuple[str, ...]
    individual: tuple[str, ...]
    subject_filler: frozenset[str]
    object_skip: frozenset[str]
    capital_function: frozenset[str]
    outcome_filler: frozenset[str]
    measure_stops: frozenset[str]
    comparatives: frozenset[str]
    change_verbs: frozenset[str]
    forecast_cues: frozenset[str]
    families: frozenset[str]
    money_families: frozenset[str]
    countries: Countries


def _read_toml(name: str) -> dict[str, object]:
    path = LEXICON_DIR / name
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise LexiconError(f"{path}: {e}") from e


def _parse(model: type[M], name: str) -> M:
    try:
        return model.model_validate(_read_toml(name))
    except ValidationError as e:
        raise LexiconError(f"{LEXICON_DIR / name}: {e}") from e


def _read_countries() -> Countries:
    path = LEXICON_DIR / "countries.tsv"
    by_name: dict[str, str] = {}
    by_demonym: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 3 or not cols[0].strip():
            raise LexiconError(f"{path}:{n}: expected 3 tab-separated columns")
        name = cols[0].strip()
        for alias in [name, *cols[1].split("|")]:
            if alias.strip():
                by_name.setdefault(alias.strip().lower(), name)
        for dem in cols[2].split("|"):
            if dem.strip():
                by_demonym.setdefault(dem.strip().lower(), name)
    return Countries(by_name, by_demonym)


def _phrase_map(groups: dict[str, list[str]]) -> dict[Phrase, str]:
    out: dict[Phrase, str] = {}
    for name, words in groups.items():
        for w in words:
            out.setdefault(tuple(w.lower().split()), name)
    return out


@cache
def lexicon() -> Lexicon:
    """The lexicon, read once per process (the files are part of the package)."""
    cues = _parse(_Cues, "cues.toml")
    parties = _parse(_Parties, "parties.toml")
    measures = _parse(_Measures, "measures.toml")
    words = _parse(_Words, "words.toml")
    unknown = set(measures.money_families) - set(measures.families)
    if unknown:
        raise LexiconError(f"measures.toml: money_families names no family: {sorted(unknown)}")
    for name in cues.stance:
        if name not in cues.families:
            raise LexiconError(f"cues.toml: stance class {name} has no family")
    for name, other in cues.opposites.items():
        if name not in cues.stance or other not in cues.stance:
            raise LexiconError(f"cues.toml: opposite {name} -> {other} names an unknown class")
    stance_class = _phrase_map(cues.stance)
    measure_family = _phrase_map(measures.families)
    return Lexicon(
        speech=frozenset(cues.speech.words),
        estimate=frozenset(cues.speech.estimate),
        figure_nouns=frozenset(cues.speech.figure_nouns),
        according=PhraseIndex(cues.speech.according),
        stance=PhraseIndex(" ".join(p) for p in stance_class),
        stance_class=stance_class,
        stance_family=dict(cues.families),
        opposites=dict(cues.opposites),
        negation=frozenset(cues.negation.words),
        modality=frozenset(cues.modality.words),
        background=PhraseIndex(cues.background.words),
        titles=PhraseIndex(parties.titles),
        title_institution={k.lower(): v.lower() for k, v in parties.title_institution.items()},
        institutions=PhraseIndex(parties.institutions),
        institution_heads=frozenset(p.split()[-1] for p in parties.institutions),
        collectives=PhraseIndex(parties.collectives),
        pronouns=frozenset(parties.pronouns),
        measure=PhraseIndex(" ".join(p) for p in measure_family),
        measure_family=measure_family,
        stopwords=frozenset(words.stopwords),
        people=PhraseIndex(words.people),
        people_words=frozenset(w for p in words.people for w in p.split()),
        generic_totals=frozenset(words.generic_totals),
        boilerplate=tuple(words.boilerplate),
        individual=tuple(words.individual),
        subject_filler=frozenset(words.subject_filler),
        object_skip=frozenset(words.object_skip),
        capital_function=frozenset(words.capital_function),
        outcome_filler=frozenset(words.outcome_filler),
        measure_stops=frozenset(words.measure_stops),
        comparatives=frozenset(words.comparatives),
        change_verbs=frozenset(words.change_verbs),
        forecast_cues=frozenset(words.forecast_cues),
        families=frozenset(measure_family.values()),
        money_families=frozenset(measures.money_families),
        countries=_read_countries(),
    )
