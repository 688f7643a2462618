"""Claim keys found in the text, normalised across wordings, each with a readable label.

A figure's key is what it measures and its unit ("deaths — count", "offer —
percent", "losses — money"). A statement's key is its proposition: the words
of the sentence's content once the speaker, the speech verb and function words
are set aside. A new statement is matched against the topic's known statement
keys (their labels, from the store) by the share of content words they have
in common, so "the ferries were built by the Lisbon yard" and "the yard built
the ferries" meet under one key, while a proposition nobody stated before gets
a key of its own, labelled with its own words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot.claims.attribution import INVERTED
from bot.claims.candidates import Candidate
from bot.claims.lexicons import Lexicon, lexicon
from bot.claims.measures import Measure, singular
from bot.claims.model import KnownKey
from bot.claims.quantities import PERCENT, TIME, Quantity
from bot.domain import CURRENCY_CODES, ClaimValue

STATEMENT_PREFIX = "says:"
STANCE_PREFIX = "stance:"
MATCH_OVERLAP = 0.6
_LABEL_WORDS = 8
_SLUG = re.compile(r"[^a-z0-9]+")
_LEADING = frozenset(["that", "the", "a", "an", "it", "which", "and", "but", "as", "while"])


def unit_name(q: Quantity) -> str:
    if q.is_money:
        return "money"
    if q.unit == PERCENT:
        return "percent"
    if q.unit == TIME:
        return "time"
    return "count"


def figure_key(measure: Measure | None, q: Quantity, forecast: bool = False) -> tuple[str, str]:
    """("deaths:count", "deaths — count") for a figure of ``measure``; a forecast or target
    is a key of its own ("inflation forecast — percent")."""
    family = (measure.family if measure is not None and measure.family else "figure").replace(
        "_", " "
    )
    if forecast:
        family += " forecast"
    unit = unit_name(q)
    return f"{_SLUG.sub('-', family).strip('-')}:{unit}", f"{family} — {unit}"


def signature(words: Sequence[str], lex: Lexicon | None = None) -> frozenset[str]:
    """The content words of a proposition: lower case, singular, no function words."""
    lex = lex or lexicon()
    return frozenset(
        singular(w)
        for w in words
        if w.isalpha() and len(w) > 2 and w not in lex.stopwords and w not in lex.speech
    )


def _content_span(c: Candidate) -> tuple[int, int]:
    """Token range of what is said: after the speech verb, or before an inverted one."""
    v = c.view
    n = len(v.tokens)
    a = v.attribution
    if a is None:
        return 0, n
    if a.kind == INVERTED or a.cue_index > n * 0.6:
        end = a.mention.first if a.mention.first < a.cue_index else a.cue_index
        return 0, max(1, end)
    return a.cue_index + 1, n


def proposition(
    c: Candidate, party_words: frozenset[str], lex: Lexicon | None = None
) -> tuple[list[str], str]:
    """The proposition's words (for matching) and a short label in the text's own words."""
    lex = lex or lexicon()
    v = c.view
    a, b = _content_span(c)
    mention = v.attribution.mention if v.attribution else None
    words: list[str] = []
    shown: list[str] = []
    for i in range(a, b):
        tok = v.tokens[i]
        if mention is not None and mention.first <= i <= mention.last:
            continue
        if tok.kind == "punct":
            if tok.text in (",", ";", ":", "—", "–") and len(shown) >= 4:
                break
            continue
        low = tok.lower
        if low in party_words:
            continue
        words.append(low)
        if shown or low not in _LEADING:
            shown.append(tok.text)
    label = " ".join(shown[:_LABEL_WORDS]).strip(" \"'“”‘’")
    return words, label


def statement_key(
    words: Sequence[str], label: str, known: Sequence[KnownKey], lex: Lexicon | None = None
) -> tuple[str, str]:
    """The known statement key this proposition restates, or a new one of its own."""
    lex = lex or lexicon()
    sig = signature(words, lex)
    best: tuple[float, KnownKey] | None = None
    for k in known:
        if not k.key.startswith(STATEMENT_PREFIX):
            continue
        ksig = signature(k.label.lower().split(), lex)
        if len(ksig) < 2 or len(sig) < 2:
            continue
        overlap = len(sig & ksig) / min(len(sig), len(ksig))
        if overlap >= MATCH_OVERLAP and (best is None or overlap > best[0]):
            best = (overlap, k)
    if best is not None:
        return best[1].key, best[1].label
    label = label or "statement"
    slug_words = [w for w in label.lower().split() if w not in lex.stopwords][:6] or ["statement"]
    slug = _SLUG.sub("-", " ".join(slug_words)).strip("-")[:80]
    return f"{STATEMENT_PREFIX}{slug}", label


def stance_key(party: str, cls: str, lex: Lexicon | None = None) -> tuple[str, str]:
    """A party's position of one family ("Delta — blame", "Ministry — position")."""
    lex = lex or lexicon()
    family = lex.stance_family.get(cls, cls)
    slug = _SLUG.sub("-", f"{party} {family}".lower()).strip("-")[:80]
    return f"{STANCE_PREFIX}{slug}", f"{party} — {family}"


def _significant_digits(n: float) -> int:
    digits = f"{abs(n):.6g}".replace(".", "").lstrip("0").rstrip("0")
    return len(digits)


def _unit_kind(value: ClaimValue) -> str:
    unit = value.unit or ""
    if unit == "%" or unit == "time" or unit in CURRENCY_CODES:
        return unit
    return "count"


def is_specific(value: ClaimValue) -> bool:
    """A figure precise enough that the same number under another wording is the same
    figure (33,000 workers and 33,000 machinists; $5.4 billion of losses and of damage):
    two significant digits or more, and for a count a hundred or more."""
    if value.kind != "figure" or value.number is None or value.unit == "time":
        return False
    if _significant_digits(value.number) < 2:
        return False
    return _unit_kind(value) != "count" or abs(value.number) >= 100


def same_figure_key(
    key: str, value: ClaimValue, known: Sequence[tuple[str, str, dict[str, Any]]]
) -> tuple[str, str, ClaimValue] | None:
    """The key under which the topic already has this specific figure, when it is not
    ``key``: (key, label, the value in that key's unit). ``known`` are stored figures
    near the number (key, label, value JSON)."""
    if not is_specific(value):
        return None
    kind = _unit_kind(value)
    same = []
    for k, label, raw in known:
        other = ClaimValue.from_json(raw)
        if _unit_kind(other) != kind or other.number is None:
            continue
        probe = replace(value, unit=other.unit)
        if probe.restates(other) or other.restates(probe):
            same.append((k, label, probe))
    if not same or any(k == key for k, _, _ in same):
        return None
    return same[0]
