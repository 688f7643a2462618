"""Who is who across an article (and a topic): institutions, their owners, their people.

A newsroom reads "Selvik's coast guard said …" and then "coast guard commander Ines
Vald told reporters …", "the coast guard added …", "Vald said …" as one source:
the Selvik coast guard. ``SourceMemory`` keeps what the text has established so
far (institution -> owner country, person -> institution, organisation names) and
resolves a later, vaguer mention to the fuller one. One memory lives per article;
it is seeded from a per-topic memory so that a person or institution introduced in
an earlier article of the same story keeps its source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.claims.sources import Mention, apply_aliases, join_source

Source = tuple[str, str | None]

# "the company said": which earlier organisations a generic noun can stand for.
_GOVERNMENT_WORDS = (
    "ministry", "department", "government", "agency", "presidency", "police", "military",
    "intelligence", "office", "guard", "council",
)  # fmt: skip
_NOUN_FAMILY: dict[str, tuple[str, ...]] = {
    "ministry": ("ministry",),
    "department": ("department", "ministry"),
    "agency": ("agency", "organization", "organisation", "service", "corps", "intelligence"),
    "service": ("service", "intelligence", "agency", "corps"),
    "union": ("union",),
    "hospital": ("hospital",),
    "presidency": ("presidency", "president"),
    "government": ("government",),
    "alliance": ("alliance",),
    "guard": ("guard",),
    "office": ("office",),
}
_COMPANY_NOUNS = frozenset(
    ["company", "carmaker", "automaker", "firm", "group", "organisation", "organization",
     "employer", "manufacturer", "operator", "airline", "bank", "insurer", "lab", "charity"]
)  # fmt: skip
_MAX_PEOPLE = 2_000
# Too generic to inherit an owner from another article ("intelligence services said").
_GENERIC_INSTS = frozenset(
    ["intelligence", "military intelligence", "government", "military", "police",
     "emergency services", "president", "parliament", "prosecutors"]
)  # fmt: skip


@dataclass
class TopicMemory:
    """What earlier articles of one topic established (bounded)."""

    people: dict[str, Source] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)  # institution -> country
    voices: dict[str, str] = field(default_factory=dict)  # country -> its last institution
    stance_holders: set[str] = field(default_factory=set)  # sources that took a stance

    def learn(self, other: SourceMemory) -> None:
        if len(self.people) > _MAX_PEOPLE:
            self.people.clear()
            self.stance_holders.clear()
        self.people.update(other.people)
        self.owners.update(other.owners)
        for _, (src, _detail) in other.orgs:
            if " · " in src:
                self.voices[src.split(" · ", 1)[0]] = src


@dataclass
class SourceMemory:
    """Per-article resolution of mentions to canonical (source, detail)."""

    aliases: Mapping[str, str] = field(default_factory=dict)
    topic: TopicMemory | None = None
    people: dict[str, Source] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    orgs: list[tuple[str, Source]] = field(default_factory=list)  # (key, source), in order

    def __post_init__(self) -> None:
        by_inst: dict[str, set[str]] = {}
        for target in set(self.aliases.values()):
            if " · " in target:
                country, inst = target.split(" · ", 1)
                by_inst.setdefault(inst.lower(), set()).add(country)
        self._alias_owner = {i: next(iter(c)) for i, c in by_inst.items() if len(c) == 1}

    # ------------------------------------------------------------ resolving

    def _owner(self, inst: str) -> str | None:
        if inst in self.owners:
            return self.owners[inst]
        if inst in self._alias_owner:
            return self._alias_owner[inst]
        if self.topic is not None and inst not in _GENERIC_INSTS:
            return self.topic.owners.get(inst)
        return None

    def _person(self, name: str) -> Source | None:
        keys = (name.lower(), name.split()[-1].lower())
        for table in (self.people, self.topic.people if self.topic else {}):
            for k in keys:
                if k in table:
                    return table[k]
        return None

    def resolve(self, mention: Mention, raw: str) -> Source:
        """The canonical source of ``mention`` (``raw`` is its text in the sentence)."""
        raw_l = raw.strip().lower()
        if raw_l in self.aliases:
            return self.aliases[raw_l], mention.detail
        if raw_l.startswith("the ") and raw_l[4:] in self.aliases:
            return self.aliases[raw_l[4:]], mention.detail
        source, detail = mention.source, mention.detail
        if mention.rank == 0 and not mention.is_person:
            # "Kestria says": the country's institution this story has been quoting
            inst = self.by_country(source)
            if inst is not None:
                return apply_aliases(inst, None, self.aliases)
            return apply_aliases(source, detail, self.aliases)
        if mention.inst is None and mention.is_person and mention.rank <= 1:
            # "commander Ines Vald", "Vald said": a person seen before with an institution
            name = detail or source
            known = self._person(name)
            if known is not None:
                return apply_aliases(known[0], known[1] or name, self.aliases)
            if detail is None and " " not in name:
                inst = self.by_country(name)  # "Zubria says": a place, not a person
                if inst is not None:
                    return apply_aliases(inst, None, self.aliases)
            if mention.noun is not None:
                org = self.by_noun(mention.noun)
                if org is not None:
                    return apply_aliases(org[0], name, self.aliases)
            return apply_aliases(source, None if detail == source else detail, self.aliases)
        if mention.inst is not None and mention.country is None and mention.rank <= 2:
            owner = self._owner(mention.inst)
            # singular only: "intelligence services" are nobody in particular
            fuller = (
                self._fuller(mention.inst)
                if mention.rank <= 1 and not raw_l.endswith("s")
                else None
            )
            if fuller is not None:
                # "the intelligence service" after "Kestria's military intelligence"
                source = fuller
            elif owner is not None and mention.rank == 1 and not raw_l.endswith("services"):
                source = join_source(owner, mention.inst)
            elif mention.rank == 2 or (mention.rank == 4 and " · " not in source):
                for key, src in reversed(self.orgs):
                    if key != mention.inst and key.endswith(" " + mention.inst):
                        source = src[0]  # "Red Crescent" after "the Taleria Red Crescent"
                        break
        if detail is not None and mention.inst is None and mention.rank <= 1:
            known = self._person(detail)
            if known is not None:
                return apply_aliases(known[0], detail, self.aliases)
        return apply_aliases(source, detail, self.aliases)

    def _fuller(self, inst: str) -> str | None:
        """An institution of this article whose name ends with ``inst``, owner known."""
        for key, src in reversed(self.orgs):
            if key != inst and key.endswith(" " + inst) and " · " in src[0]:
                return src[0]
        return None

    def by_country(self, country: str) -> str | None:
        """The institution of ``country`` most recently named (this article, then topic)."""
        prefix = country + " · "
        for _, src in reversed(self.orgs):
            if src[0].startswith(prefix):
                return src[0]
        if self.topic is not None:
            return self.topic.voices.get(country)
        return None

    def is_org(self, source: str) -> bool:
        """True when ``source`` is an organisation this article has named."""
        return any(src[0] == source for _, src in self.orgs)

    def by_noun(self, noun: str) -> Source | None:
        """The organisation "the ministry" / "the company" / "the union" stands for."""
        noun = noun.lower()
        family = _NOUN_FAMILY.get(noun)
        for key, src in reversed(self.orgs):
            low = src[0].lower()
            if family is not None:
                if any(re.search(r"\b" + f, low) for f in family):
                    return src[0], None
            elif (
                noun in _COMPANY_NOUNS
                and not any(w in low for w in _GOVERNMENT_WORDS)
                and key
                and " · " not in src[0]
                and "union" not in low
            ):
                return src[0], None
        return None

    def fits_noun(self, source: str, noun: str) -> bool:
        """Whether "the <noun>" could stand for ``source`` (the company is no union)."""
        low, noun = source.lower(), noun.lower()
        family = _NOUN_FAMILY.get(noun)
        if family is not None:
            return any(re.search(r"\b" + f, low) for f in family)
        if noun in _COMPANY_NOUNS:
            return "union" not in low and not any(w in low for w in _GOVERNMENT_WORDS)
        return True

    # ------------------------------------------------------------ learning

    def learn(self, mention: Mention, resolved: Source) -> None:
        source, detail = resolved
        if mention.inst is not None:
            if " · " in source:
                country, inst = source.split(" · ", 1)
                self.owners.setdefault(inst.lower(), country)
                self.owners.setdefault(mention.inst, country)
            self.orgs.append((mention.inst, resolved))
        if detail and detail != source and (mention.inst is not None or mention.rank >= 2):
            self.people[detail.lower()] = (source, detail)
            self.people.setdefault(detail.split()[-1].lower(), (source, detail))
