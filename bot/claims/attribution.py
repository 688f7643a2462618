"""Who a sentence says is speaking: attribution cues and the mention they point at.

``find_attribution`` reads the structure of one sentence for the party behind
its content, in this order:

- "according to X", "citing X" (the object of the cue);
- "X's figures show", "X data" (the owner of a figure noun);
- the subject of a speech or estimate verb, "X said", "X, the head of Y, said",
  "X has also confirmed";
- the inverted form ", said X" / ", X said." at the end of a clause;
- a headline "X: …".

It returns the mention and the cue; resolving a pronoun or a short name to a
party of the article is the job of ``parties``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.claims.lexicons import Lexicon, lexicon
from bot.claims.mentions import NAME, ORG, PRONOUN, Mention
from bot.claims.tokens import Token

ACCORDING = "according"
POSSESSIVE = "possessive"
SPEECH = "speech"
INVERTED = "inverted"
HEADLINE = "headline"

_APPOSITIVE_START = frozenset(["the", "a", "an", "its", "his", "her", "their", "who", "which"])


@dataclass(frozen=True)
class Attribution:
    """The party a sentence's content is attributed to, and the cue that says so."""

    mention: Mention
    cue: str
    cue_index: int
    kind: str


def _mention_at(mentions: list[Mention], i: int) -> Mention | None:
    for m in mentions:
        if m.first <= i <= m.last:
            return m
    return None


def _mention_starting_near(mentions: list[Mention], words: list[str], i: int) -> Mention | None:
    """The mention that starts at ``i``, after skipping "the", "data from", …"""
    j = i
    while j < len(words) and words[j] in lexicon().object_skip and _mention_at(mentions, j) is None:
        j += 1
    m = _mention_at(mentions, j)
    return m if m is not None and m.first == j else None


def _skip_appositive(tokens: list[Token], words: list[str], j: int) -> int:
    """``j`` sits on the comma that closes ", the head of X," : the index before it opens."""
    k = j - 1
    while k >= 0 and words[k] not in (",", ".", ";", ":"):
        k -= 1
    if k >= 0 and words[k] == "," and k + 1 < j and words[k + 1] in _APPOSITIVE_START:
        return k - 1
    if k >= 0 and words[k] == "," and k + 1 < j and tokens[k + 1].text[:1].isupper():
        return k - 1  # ", Jane Roe, said": the name is the appositive
    return j


_PREPOSITIONS = frozenset(["in", "at", "from", "of", "for", "near", "across", "with", "on"])
_CLAUSE_BREAKS = frozenset(
    [",", ";", ":", "(", ")", '"', "“", "”", "—", "–", "that", "but", "while", "after", "as",
     "because", "although", "when", "where", "which", "who"]
)  # fmt: skip


def _clause_subject(
    words: list[str], mentions: list[Mention], v: int, adjacent: Mention | None
) -> Mention | None:
    """The party the clause before verb ``v`` opens with: in "the president of the union
    local in Seattle says", the union, not Seattle (a title alone names no party)."""
    b = v - 1
    while b >= 0 and words[b] not in _CLAUSE_BREAKS:
        b -= 1
    inside = [m for m in mentions if m.first > b and m.last < v and m.kind != PRONOUN]
    if not inside:
        return adjacent
    head = inside[0]
    if adjacent is not None and (
        adjacent is head or words[adjacent.first - 1] not in _PREPOSITIONS
    ):
        return adjacent
    if head.title is not None and head.name is None:
        for m in inside[1:]:
            k = m.first - 1
            if k > 0 and words[k] == "the":
                k -= 1
            if m.kind in (ORG, NAME) and words[k] in ("of", "for"):
                return m
    return head


def subject_before(
    tokens: list[Token], words: list[str], mentions: list[Mention], v: int
) -> Mention | None:
    """The subject of the verb at ``v``: the mention just before it (past fillers and an
    appositive), or the party its clause opens with."""
    j = v - 1
    steps = 0
    while j >= 0 and steps < 12:
        m = _mention_at(mentions, j)
        if m is not None:
            return _clause_subject(words, mentions, v, m)
        w = words[j]
        if w == ",":
            k = _skip_appositive(tokens, words, j)
            if k == j:
                return None
            apposed = _mention_at(mentions, j - 1)
            before = _mention_at(mentions, k)
            if before is not None:
                return before
            if apposed is not None:
                return apposed
            j = k
            continue
        if w in lexicon().subject_filler or w.endswith("ly") or tokens[j].kind == "num":
            j -= 1
            steps += 1
            continue
        return _clause_subject(words, mentions, v, None)
    return None


def _subject_after(words: list[str], mentions: list[Mention], v: int) -> Mention | None:
    j = v + 1
    while j < len(words) and words[j] in ("the", "a", "an"):
        j += 1
    m = _mention_at(mentions, j)
    if m is None:
        return None
    nxt = words[m.last + 1] if m.last + 1 < len(words) else "."
    if nxt in (
        ".",
        ",",
        ";",
        "on",
        "in",
        "at",
        "that",
        "during",
        "after",
        "late",
        "earlier",
        "”",
        '"',
    ):
        return m
    return None


def find_attribution(
    tokens: list[Token],
    mentions: list[Mention],
    *,
    headline: bool = False,
    lex: Lexicon | None = None,
) -> Attribution | None:
    """The sentence's attribution, or ``None`` when it is in the outlet's own voice."""
    lex = lex or lexicon()
    words = [t.lower for t in tokens]
    n = len(words)
    for i in range(n):
        phrase = lex.according.match(words, i)
        if phrase is not None:
            m = _mention_starting_near(mentions, words, i + len(phrase))
            if m is not None:
                return Attribution(m, " ".join(phrase), i, ACCORDING)
    for m in mentions:
        if (
            m.last + 1 < n
            and words[m.last + 1] in lex.figure_nouns
            and tokens[m.last].lower.endswith(("'s", "’s"))
        ):
            return Attribution(m, words[m.last + 1], m.last + 1, POSSESSIVE)
    best: Attribution | None = None
    for v in range(n):
        if words[v] not in lex.speech or words[v] == "according":
            continue
        subject = subject_before(tokens, words, mentions, v)
        kind = SPEECH
        if subject is None:
            subject = _subject_after(words, mentions, v)
            kind = INVERTED
        if subject is None:
            continue
        found = Attribution(subject, words[v], v, kind)
        if best is None or (best.mention.kind == PRONOUN and subject.kind != PRONOUN):
            best = found
    if best is not None:
        return best
    if headline:
        for i in range(1, min(n, 8)):
            if words[i] == ":":
                m = _mention_at(mentions, i - 1)
                if m is not None and m.first == 0:
                    return Attribution(m, ":", i, HEADLINE)
    return None
