"""Mentions of parties in a sentence: names, titled people, institutions, collectives.

``find_mentions`` chunks a tokenised sentence into the noun phrases that can
say something: runs of capitalised words ("Gold Star Airlines"), institution
phrases with their modifiers ("the regional government", "county officials"),
titled people ("Health Minister Jane Roe"), collectives ("officials") and
pronouns. Each mention is typed by general cues only — titles, institution
head nouns, countries and demonyms from the lexicon — never by a list of
names.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.claims.lexicons import Lexicon, lexicon
from bot.claims.tokens import Token

PERSON = "person"
ORG = "org"
COUNTRY = "country"
COLLECTIVE = "collective"
PRONOUN = "pronoun"
NAME = "name"

_ABBREVIATED_TITLES = frozenset(
    ["mr", "mrs", "ms", "dr", "gen", "sen", "rep", "gov", "prof", "lt", "col", "sgt", "capt", "adm"]
)
_NO_LONGER = frozenset(["former", "ex", "late", "retired", "outgoing"])
_CONNECTORS = frozenset(["of", "for", "and", "&", "on", "de", "del", "la", "le", "du", "von"])


@dataclass(frozen=True)
class Mention:
    """A party-like noun phrase: token span, its words and what kind of party it is."""

    first: int
    last: int
    text: str
    kind: str
    head: str
    title: str | None = None
    name: str | None = None
    org: str | None = None
    country: str | None = None
    definite: bool = False


def _is_cap(tok: Token) -> bool:
    return tok.kind == "word" and tok.text[:1].isupper()


def possessive_base(word: str) -> str:
    """ "Iran’s" -> "Iran"; other words unchanged."""
    for suffix in ("'s", "’s", "s'", "s’"):
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)] + ("s" if suffix[0] == "s" else "")
    return word


def _namey(tokens: list[Token], i: int, lex: Lexicon) -> bool:
    tok = tokens[i]
    if tok.kind == "num":
        return i > 0 and _is_cap(tokens[i - 1]) and tokens[i - 1].lower not in lex.capital_function
    if not _is_cap(tok) or tok.lower.endswith(("-based", "-led", "-backed", "-owned")):
        return False  # "Texas-based", "state-owned": adjectives, not names
    return tok.lower not in lex.capital_function


def _lex_phrase(lex: Lexicon, words: list[str], i: int) -> tuple[str, int] | None:
    """A title, institution or collective phrase starting at ``i``: (kind, length)."""
    for kind, index in (("title", lex.titles), ("inst", lex.institutions)):
        m = index.match(words, i)
        if m is not None:
            return kind, len(m)
    return None


def _span_text(text: str, tokens: list[Token], a: int, b: int) -> str:
    return text[tokens[a].start : tokens[b].end]


def find_mentions(
    text: str,
    tokens: list[Token],
    lex: Lexicon | None = None,
    common: frozenset[str] = frozenset(),
) -> list[Mention]:
    """Party mentions in one sentence, left to right, not overlapping.

    ``common`` holds the words the article also writes in lower case: such a word
    capitalised only because it opens the sentence ("Vaccines arrived …") is not a name.
    """
    lex = lex or lexicon()
    words = [possessive_base(t.lower) for t in tokens]
    n = len(tokens)
    opening = _opening_common_word(tokens, words, lex, common)
    out: list[Mention] = []
    i = 0
    while i < n:
        start = i
        parts: list[tuple[int, int, str]] = []  # (first, last, kind) of each piece
        j = i
        while j < n:
            lp = _lex_phrase(lex, words, j)
            if lp is not None:
                kind, length = lp
                parts.append((j, j + length - 1, kind))
                j += length
                continue
            if parts and words[j] == "." and words[j - 1] in _ABBREVIATED_TITLES:
                parts.append((j, j, "conn"))
                j += 1
                continue
            if (_namey(tokens, j, lex) and j != opening) or (
                tokens[j].kind == "word"
                and words[j] in lex.countries.by_demonym
                and _is_cap(tokens[j])
            ):
                parts.append((j, j, "name"))
                j += 1
                continue
            if (
                parts
                and words[j] in _CONNECTORS
                and j + 1 < n
                and (
                    _namey(tokens, j + 1, lex)
                    or _lex_phrase(lex, words, j + 1)
                    or words[j + 1] == "the"
                )
                and (words[j] != "and" or any(words[a] in ("of", "for") for a, _, _ in parts))
            ):
                parts.append((j, j, "conn"))
                j += 1
                if words[j] == "the":
                    parts.append((j, j, "conn"))
                    j += 1
                continue
            if _modifies_head(tokens, words, j, lex):
                parts.append((j, j, "mod"))  # "regional government", "foreign minister"
                j += 1
                continue
            break
        while parts and parts[-1][2] in ("conn", "mod"):
            parts.pop()
        if not parts:
            i = start + 1
            continue
        first, last = parts[0][0], parts[-1][1]
        definite = first > 0 and words[first - 1] == "the"
        mention = _classify(text, tokens, words, parts, lex, definite)
        if mention is not None:
            out.append(mention)
        i = last + 1
    return sorted([*out, *_pronouns(tokens, words, lex, out)], key=lambda m: m.first)


def _opening_common_word(
    tokens: list[Token], words: list[str], lex: Lexicon, common: frozenset[str]
) -> int:
    """Index of the sentence's first word when it is an ordinary word, else -1."""
    first = next((k for k, t in enumerate(tokens) if t.kind != "punct"), None)
    if first is None or tokens[first].kind != "word" or words[first] not in common:
        return -1
    if first + 1 < len(tokens) and _namey(tokens, first + 1, lex):
        return -1
    if lex.countries.lookup(tokens[first].text) is not None:
        return -1
    return first


def _modifies_head(tokens: list[Token], words: list[str], j: int, lex: Lexicon) -> bool:
    """Lower-case words that lead up to an institution or title: "disaster management
    agency", "the country's health ministry"."""
    k = j
    while k < len(words) and k - j < 3:
        tok = tokens[k]
        if tok.kind != "word" or words[k] in lex.stopwords or _is_cap(tok):
            return False
        if k > j and _lex_phrase(lex, words, k) is not None:
            return True
        k += 1
    return False


def _classify(
    text: str,
    tokens: list[Token],
    words: list[str],
    parts: list[tuple[int, int, str]],
    lex: Lexicon,
    definite: bool,
) -> Mention | None:
    first, last = parts[0][0], parts[-1][1]
    span = _span_text(text, tokens, first, last)
    head = words[last]
    country = None
    for a, b, kind in parts:
        if kind == "name":
            country = country or lex.countries.lookup(
                possessive_base(_span_text(text, tokens, a, b))
            )
    if len(parts) == 1 or country is None:
        whole = lex.countries.lookup(possessive_base(span))
        if whole is not None:
            return Mention(first, last, span, COUNTRY, head, country=whole, definite=definite)
    titles = [(a, b) for a, b, k in parts if k == "title"]
    if parts[0][2] == "title":
        # "the president of the machinists' union": a title of an institution
        for n, (a, _, k) in enumerate(parts):
            if k == "conn" and words[a] in ("of", "for") and n + 1 < len(parts):
                rest = [p for p in parts[n + 1 :] if not (p[2] == "conn" and words[p[0]] == "the")]
                if rest and rest[-1][2] in ("inst", "name"):
                    org = _span_text(text, tokens, rest[0][0], rest[-1][1])
                    title = " ".join(words[parts[0][0] : parts[0][1] + 1])
                    return Mention(first, last, span, PERSON, head, title=title, org=org,
                                   country=country, definite=definite)  # fmt: skip
                break
    names_after = [(a, b) for a, b, k in parts if k == "name" and titles and a > titles[-1][1]]
    if titles and names_after and first > 0 and words[first - 1] in _NO_LONGER:
        # "former president Jane Roe" speaks for herself, not for the presidency
        name = _span_text(text, tokens, names_after[0][0], parts[-1][1])
        return Mention(first, last, span, NAME, head, name=name, country=country)
    if titles and names_after:
        ta, tb = titles[-1]
        while ta > first and any(k == "mod" and b == ta - 1 for _, b, k in parts):
            ta -= 1
        name = _span_text(text, tokens, names_after[0][0], parts[-1][1])
        org_parts = [(a, b) for a, b, k in parts if b < ta and k in ("name", "inst", "conn")]
        org = _span_text(text, tokens, org_parts[0][0], org_parts[-1][1]) if org_parts else None
        if org is not None and lex.countries.lookup(org) is not None:
            org = None
        title = " ".join(words[ta : tb + 1])
        return Mention(
            first,
            last,
            span,
            PERSON,
            head,
            title=title,
            name=name,
            org=org,
            country=country,
            definite=definite,
        )
    last_kind = parts[-1][2]
    if last_kind == "inst":
        kind = ORG
        if len(parts) == 1 and lex.collectives.match(words, first) is not None:
            kind = COLLECTIVE
        if definite and len(parts) == 1:
            kind = COLLECTIVE
        return Mention(first, last, span, kind, head, country=country, definite=definite)
    if last_kind == "title":
        is_plural = head.endswith("s") and head not in ("chief executives",)
        kind = COLLECTIVE if (is_plural or definite) else PERSON
        return Mention(
            first,
            last,
            span,
            kind,
            head,
            title=words[titles[-1][0]] if titles else None,
            country=country,
            definite=definite,
        )
    if all(k in ("name", "conn") for _, _, k in parts):
        return Mention(first, last, span, NAME, head, name=span, country=country, definite=definite)
    return Mention(first, last, span, ORG, head, country=country, definite=definite)


def _pronouns(
    tokens: list[Token], words: list[str], lex: Lexicon, taken: list[Mention]
) -> list[Mention]:
    covered = {i for m in taken for i in range(m.first, m.last + 1)}
    return [
        Mention(i, i, tokens[i].text, PRONOUN, words[i])
        for i, w in enumerate(words)
        if w in lex.pronouns and i not in covered
    ]
