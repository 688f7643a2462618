"""One name per party across a story.

``PartyResolver`` turns the mention an attribution points at into a party
name and a speaker:

- a titled person speaks for their institution ("Acme CEO Jane Roe" ->
  Acme, speaker Jane Roe; "Chilean Health Minister X" -> Chile · Health
  Ministry);
- a bare surname, a pronoun or "the ministry" is resolved to a party named
  earlier in the article, or to a party the story already knows (the sources
  and speakers of earlier claims, passed in from the store);
- any other name is compared with the known parties (case, articles,
  possessives and demonyms aside; "Health Ministry" and "Lebanon's health
  ministry" are one party) and takes the known name when it matches.

The resolver keeps the article's parties while it reads it; it starts from
the store's knowledge for every article, so any process gives the same names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.claims.lexicons import Lexicon, lexicon
from bot.claims.mentions import (
    COLLECTIVE,
    COUNTRY,
    NAME,
    ORG,
    PERSON,
    PRONOUN,
    Mention,
    possessive_base,
)
from bot.claims.model import KnownParty

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_GENERIC = frozenset(["officials", "official", "authorities", "sources", "source", "spokesperson",
                      "spokesman", "spokeswoman", "spokespeople", "people"])  # fmt: skip


@dataclass(frozen=True)
class Party:
    """Who asserts a claim: the party, and the person speaking for it when named."""

    name: str
    speaker: str | None = None


def _norm_tokens(text: str, lex: Lexicon) -> frozenset[str]:
    out = set()
    for w in _WORD.findall(text):
        w = possessive_base(w).lower()
        if w in ("the", "a", "an", "of", "and", "for", "'s"):
            continue
        country = lex.countries.by_demonym.get(w) or lex.countries.by_name.get(w)
        out.add(country.lower() if country else w)
    return frozenset(out)


def _clean(text: str) -> str:
    text = text.strip(" ,.;:\"'“”‘’")
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)
    words = text.split()
    if words:
        words[-1] = possessive_base(words[-1])
    out = " ".join(words)
    return out[:1].upper() + out[1:]


@dataclass
class PartyResolver:
    """Resolves mentions to parties for one article of one story."""

    known: Sequence[KnownParty] = ()
    outlet: str = ""
    lex: Lexicon = field(default_factory=lexicon)
    _recent: list[tuple[str, Party]] = field(default_factory=list)  # (kind, party), newest last

    def __post_init__(self) -> None:
        self._known_tokens = [(_norm_tokens(k.name, self.lex), k) for k in self.known]
        self._country_tokens = frozenset(c.lower() for c in self.lex.countries.by_name.values())
        self._speaker_index: dict[str, KnownParty] = {}
        for k in self.known:
            for sp in k.speakers:
                for part in {sp.lower(), sp.split()[-1].lower()}:
                    self._speaker_index.setdefault(part, k)

    def canonical(self, name: str) -> str:
        """The known name of a party with this name, or the cleaned name itself."""
        name = _clean(name)
        toks = _norm_tokens(name, self.lex)
        if not toks:
            return name
        best: tuple[int, str] | None = None
        countries = toks & self._country_tokens
        for ktoks, k in self._known_tokens:
            if not ktoks or (ktoks & self._country_tokens) != countries:
                continue  # another country's ministry is another party
            if toks == ktoks or ((toks <= ktoks or ktoks <= toks) and len(toks & ktoks) >= 2):
                score = len(toks & ktoks)
                if best is None or score > best[0]:
                    best = (score, k.name)
        return best[1] if best else (self._by_head_name(name) or name)

    def _by_head_name(self, name: str) -> str | None:
        """A known party named by the mention's last word ("Texas-based Acme", "the
        airline Acme" -> "Acme"), or a one-word mention that starts exactly one known
        party's name ("Acme" -> "Acme Air Lines")."""
        words = [possessive_base(w).lower() for w in _WORD.findall(name)]
        if not words:
            return None
        last = words[-1]
        countries = self.lex.countries
        if last in countries.by_name or last in countries.by_demonym or self._generic_word(last):
            return None
        heads = [k.name for ktoks, k in self._known_tokens if ktoks == {last}]
        if len(words) > 1 and len(heads) == 1:
            return heads[0]
        if len(words) == 1:
            starts = [
                k.name
                for ktoks, k in self._known_tokens
                if len(ktoks) > 1 and _WORD.findall(k.name)[0].lower() == last
            ]
            if len(starts) == 1:
                return starts[0]
        return None

    def _generic_word(self, word: str) -> bool:
        lex = self.lex
        return (
            word in lex.stopwords
            or word in _GENERIC
            or lex.institutions.match([word], 0) is not None
            or lex.titles.match([word], 0) is not None
        )

    def note(self, mentions: Sequence[Mention]) -> None:
        """Remember the named parties of a sentence, for later pronouns and short names."""
        for m in mentions:
            if m.kind in (PERSON, NAME, ORG, COUNTRY):
                party = self._direct(m)
                if party is not None:
                    self._recent.append((m.kind, party))
        del self._recent[:-40]

    def resolve(self, m: Mention) -> Party | None:
        """The party behind mention ``m``; ``None`` when it cannot be told."""
        if m.kind == PRONOUN:
            want = (PERSON, NAME) if m.head in ("he", "she", "i") else (ORG, COUNTRY, NAME, PERSON)
            for kind, party in reversed(self._recent):
                if kind in want:
                    return party
            return None
        if m.kind == COLLECTIVE:
            return self._collective(m)
        return self._direct(m)

    def _direct(self, m: Mention) -> Party | None:
        if m.kind == COUNTRY and m.country:
            return Party(self.canonical(m.country))
        if m.kind == PERSON:
            speaker = m.name
            department_title = bool(m.title) and m.title.split()[-1] in ("minister", "secretary")
            if m.org and not department_title:
                return Party(self.canonical(m.org), speaker)
            institution = self._title_institution(m)
            if institution:
                return Party(self.canonical(institution), speaker)
            if m.org:
                return Party(self.canonical(m.org), speaker)
            if speaker:
                return self._person(speaker)
            return None
        if m.kind == NAME and m.name:
            return self._person(_clean(m.name))
        if m.kind == ORG:
            text = m.text
            low = text.lower()
            for lead in ("country's ", "country’s ", "nation's ", "nation’s "):
                if low.startswith(lead):
                    country = self._last_country()
                    rest = text[len(lead) :]
                    text = f"{country} · {rest}" if country else rest
            return Party(self.canonical(text))
        return None

    def _last_country(self) -> str | None:
        for kind, party in reversed(self._recent):
            if kind == COUNTRY:
                return party.name
        return None

    def _person(self, name: str) -> Party:
        """A named person: the party they spoke for before, in this article or the story."""
        low = name.lower()
        surname = low.split()[-1] if low.split() else low
        for _, party in reversed(self._recent):
            if party.speaker and (
                party.speaker.lower() == low or party.speaker.lower().split()[-1] == surname
            ):
                return party
        known = self._speaker_index.get(low) or self._speaker_index.get(surname)
        if known is not None:
            return Party(known.name, name)
        return Party(self.canonical(name))

    def _title_institution(self, m: Mention) -> str | None:
        if not m.title:
            return None
        title = m.title
        dept = ""
        words = m.text.split()
        # "Lebanese Health Minister": capitalised words just before the title name the department
        title_words = title.split()
        for i in range(len(words) - len(title_words) + 1):
            if [w.lower() for w in words[i : i + len(title_words)]] == title_words:
                pre = [w for w in words[:i] if not self.lex.countries.lookup(possessive_base(w))]
                dept = " ".join(pre)
                break
        base = self.lex.title_institution.get(title)
        if base is None and title_words[-1] in ("minister", "secretary"):
            base = "ministry" if title_words[-1] == "minister" else "department"
        if not base:
            return None
        departmental = dept and base in ("ministry", "department")
        inst = f"{dept} {base.title()}" if departmental else base
        inst = inst[:1].upper() + inst[1:]
        return f"{m.country} · {inst}" if m.country else inst

    def _collective(self, m: Mention) -> Party | None:
        words = [w.lower() for w in m.text.split()]
        head = possessive_base(words[-1]) if words else ""
        if m.definite or len(words) == 1:
            for kind, party in reversed(self._recent):
                if kind in (ORG, COUNTRY) and head in party.name.lower():
                    return party
            if head in _GENERIC:
                return Party(head.capitalize())  # unnamed "officials": one name all story long
        if m.country and len(words) <= 3:
            return Party(self.canonical(f"{m.country} {head}"))
        if len(words) > 1:
            return Party(self.canonical(m.text))
        return Party(head.capitalize()) if head else None
