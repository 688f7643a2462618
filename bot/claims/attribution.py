"""Who says it: the speaker of a sentence from its speech verbs and source mentions.

Handles "according to X", "X said/told/claimed/estimated…", "said X",
"… – X said", "X, citing Y, said", "expressed by X", and pronoun or generic
subjects ("he said", "the ministry added") that refer back to the last named
speaker. A news agency ("according to Reuters") is only the speaker when no
one else in the sentence is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.claims.sources import Mention, bare_name_before, canonical_source

_VERBS = (
    r"said|says|say|told|tells|claimed|claims|claim|estimated|estimates|estimate|believes|"
    r"believe|believed|warned|warns|reported|reports|report|stated|states|announced|announces|"
    r"confirmed|confirms|added|adds|continued|explained|explains|emphasi[sz]ed|emphasi[sz]es|"
    r"stressed|declared|declares|noted|notes|wrote|writes|asserted|asserts|insisted|insists|"
    r"revealed|reveals|tweeted|posted|indicated|indicates|expects|expected|accused|accuses|"
    r"denied|denies|rejected|rejects|acknowledged|admitted|put\s+the\s+(?:number|figure|toll)|"
    r"called|described|counted|recorded|registered|puts|estimat\w+|assess(?:es|ed)?|shared|showed|shows|"
    r"lists|listed|tallied|counts|repeated|repeats|reiterated|reiterates|maintained|maintains"
)
_VERB_RE = re.compile(r"\b(?:" + _VERBS + r")\b")
_ACCORDING_RE = re.compile(r"\baccording\s+to\s+", re.IGNORECASE)
_BY_RE = re.compile(
    r"\b(?:expressed|stated|said|announced|reported|confirmed|made|issued|released|published)"
    r"\s+by\s+",
    re.IGNORECASE,
)
_PRONOUN_BEFORE = re.compile(
    r"(?:^|[\s,(“\"–—-])(?:he|she|they|it|we|him|her|them|"
    r"(?:the|this|that|a|an)\s+(?:(?P<noun>\w+)\s+)?(?:spokes(?:man|woman|person)|official|"
    r"officials|minister|source|sources|statement|leader|report)"
    r"|(?:the|this|that)\s+(?:\w+\s+)?(?P<noun2>ministry|agency|department|office|president|"
    r"government|military|army|police|organisation|organization|service|authorities|company|"
    r"union|carmaker|automaker|firm|group|hospital|alliance|presidency|employer|guard))"
    r"(?:\s+(?:has|have|had|also|further|later|then|again|previously|earlier|repeatedly|does|"
    r"did|is|was|were|would|will|told|reportedly))*\s*$",
    re.IGNORECASE,
)
_PRONOUN_AFTER = re.compile(
    r"^(?:him|her|them|the\s+(?:source|sources|official|officials|statement|report|"
    r"(?P<noun>ministry|agency|department|office|government|military|army|police|service|"
    r"organisation|organization|company|union|carmaker|automaker|firm|group|hospital|alliance|"
    r"presidency|employer|guard|bank|regulator|operator)))\b",
    re.IGNORECASE,
)
_AUX_GAP = re.compile(
    r"^(?:[\s,]|\b(?:has|have|had|also|previously|earlier|already|recently|later|then|now|"
    r"does|did|is|was|were|would|will|had\s+been|has\s+been|on|last|this|week|month|year|in|"
    r"a|an|the|statement|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|"
    r"today|repeatedly|reportedly|further|separately|publicly|officially|again|once|too|"
    r"who|which|spoke|speaking)\b)*$",
    re.IGNORECASE,
)
_NOUN_USE = re.compile(r"(?:['’]s|\b(?:the|his|her|their|its|these|those|such))\s+$", re.I)
_AFTER_PREPOSITION = re.compile(
    r"\b(?:in|of|from|at|to|on|near|for|with|about|into|across|against)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_CITING = re.compile(r",\s*citing\s+[^,]*,", re.IGNORECASE)
_LIST_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)(?:the\s+)?$", re.IGNORECASE)


_FIGURE_NOUNS = (
    r"(?:toll|death\s+toll|figures?|count|estimates?|tally|data|numbers?|assessment|"
    r"statistics|records?)\b"
)
_POSSESSIVE_FIGURE = re.compile(r"['’]s\s+(?:[\w-]+\s+){0,3}?" + _FIGURE_NOUNS)
_NOUN_POSSESSIVE_FIGURE = re.compile(
    r"\b(?:the|its)\s+(?P<noun>agency|ministry|department|union|company|hospital|"
    r"government|presidency|organisation|organization)['’]s\s+(?:[\w-]+\s+){0,3}?" + _FIGURE_NOUNS,
    re.IGNORECASE,
)


_TRAILING_SUBJECT = re.compile(
    r",\s*(?:the|a|an|its)\s+(?:[\w'’-]+\s+){0,3}?(?P<noun>union|company|ministry|agency|"
    r"department|carmaker|automaker|firm|group|hospital|organisation|organization|presidency|"
    r"government|employer|alliance|bank|regulator|operator)"
    r"(?:\s+(?:has|have|had|also|later|then|again|previously|earlier))*\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Speaker:
    """The speaker found for a sentence: named mentions, or a back-reference."""

    mentions: tuple[Mention, ...] = ()
    refers_back: bool = False
    noun: str | None = None  # "the ministry said": what the back-reference names

    @property
    def named(self) -> bool:
        return bool(self.mentions)


def _mask_citing(text: str) -> str:
    return _CITING.sub(lambda m: "," + " " * (len(m.group()) - 2) + ",", text)


def _expand_list(mentions: list[Mention], chosen: Mention, text: str) -> tuple[Mention, ...]:
    """ "The USA, South Korea, and NATO have confirmed": all listed subjects."""
    out = [chosen]
    idx = mentions.index(chosen)
    while idx > 0:
        prev = mentions[idx - 1]
        if prev.source == out[0].source:
            idx -= 1
            continue
        if not _LIST_GAP.match(text[prev.end : out[0].start]):
            break
        out.insert(0, prev)
        idx -= 1
    return tuple(out)


@lru_cache(maxsize=4096)
def _canonical_name(name: str) -> tuple[str, str | None]:
    return canonical_source(name)


def _bare_person(text: str, end: int) -> Mention | None:
    found = bare_name_before(text, end)
    if found is None:
        return None
    start, name = found
    source, detail = _canonical_name(name)
    return Mention(start, start + len(name), source, detail, 1, True)


def speaker_before(
    text: str, mentions: list[Mention], anchor: int, *, expand: bool = False
) -> Speaker | None:
    """The subject before a verb or stance cue at ``anchor``."""
    head = text[:anchor]
    pron = _PRONOUN_BEFORE.search(head, max(0, anchor - 90))
    before = [m for m in mentions if m.end <= anchor]
    while (
        len(before) > 1
        and before[-1].rank == 0
        and re.search(
            r"\b(?:in|from|of|at|near|to|into|for)\s+(?:\w+\s+)?$", text[: before[-1].start]
        )
    ):
        before = before[:-1]  # "a source in eastern Russia said": the source speaks
    if (
        len(before) > 1
        and before[-1].rank == 1
        and not before[-1].is_person
        and before[-2].rank >= 2
        and re.fullmatch(r"[\s\w]{0,20}", text[before[-2].end : before[-1].start])
    ):
        before = before[:-1]  # "UN relief officials said": the UN speaks
    nearest = before[-1] if before else None
    bare = _bare_person(text, anchor)
    if bare is not None and _AFTER_PREPOSITION.search(text, max(0, bare.start - 30), bare.start):
        bare = None  # "reports of troops in Borduria have not been confirmed"
    if bare is not None and (nearest is None or bare.start >= nearest.end):
        gap_ok = _AUX_GAP.match(text[bare.end : anchor]) is not None
        if gap_ok and (pron is None or pron.start() < bare.start):
            return Speaker((bare,))
    if pron is not None and (nearest is None or pron.start() >= nearest.end - 1):
        noun = pron.group("noun2") or pron.group("noun")
        if noun is not None and noun.lower() in ("the", "a", "an", "this", "that", "its"):
            noun = None
        return Speaker(refers_back=True, noun=noun.lower() if noun else None)
    clause = _TRAILING_SUBJECT.search(text, max(0, anchor - 60), anchor)
    if clause is not None and (nearest is None or clause.start() >= nearest.end):
        # "Brannick plans cuts, the country's largest union said": the noun after the comma
        return Speaker(refers_back=True, noun=clause.group("noun").lower())
    if nearest is None:
        return None
    gap = text[nearest.end : anchor]
    if len(gap) > 120 or any(q in gap for q in '"“”') or re.search(r"\bthat\b", gap):
        return None
    if expand:
        return Speaker(_expand_list(before, nearest, text))
    return Speaker((nearest,))


def _mention_at(mentions: list[Mention], pos: int, limit: int = 40) -> Mention | None:
    for m in mentions:
        if pos <= m.start <= pos + limit:
            return m
    return None


def find_speaker(text: str, mentions: list[Mention]) -> Speaker | None:
    """The speaker of ``text`` (one sentence), or ``None`` when it has none."""
    masked = _mask_citing(text)
    candidates: list[tuple[int, Speaker]] = []
    for m in _ACCORDING_RE.finditer(masked):
        after = masked[m.end() :]
        pron = _PRONOUN_AFTER.match(after)
        if pron is not None:
            # "according to the agency": the agency named before
            noun = pron.group("noun")
            candidates.append((m.start(), Speaker(refers_back=True, noun=noun and noun.lower())))
            continue
        mention = _mention_at(mentions, m.end())
        if mention is not None and not re.search(r"[.;:,\"“”]", masked[m.end() : mention.start]):
            candidates.append((m.start(), Speaker((mention,))))
    for m in _BY_RE.finditer(masked):
        mention = _mention_at(mentions, m.end(), 12)
        if mention is not None:
            candidates.append((m.start(), Speaker((mention,))))
    for m in _VERB_RE.finditer(masked):
        if masked[max(0, m.start() - 3) : m.start()].lower() == "by " or _NOUN_USE.search(
            masked, max(0, m.start() - 16), m.start()
        ):
            continue  # "expressed by X" handled above; "Zelensky's claims" is a noun
        sp = speaker_before(masked, mentions, m.start())
        if sp is None:
            # inverted: '"…," said NATO's spokesperson'
            mention = _mention_at(mentions, m.end(), 6)
            inverted_ok = masked[: m.start()].rstrip()[-1:] in (",", '"', "”", "’", "–", "—")
            if (
                mention is not None
                and inverted_ok
                and re.match(r"^\s*(?:the\s+)?$", masked[m.end() : mention.start])
            ):
                sp = Speaker((mention,))
        if sp is not None:
            candidates.append((m.start(), sp))
    for mention in mentions:
        if _POSSESSIVE_FIGURE.match(masked, mention.end):
            candidates.append((mention.start, Speaker((mention,))))  # "the agency's toll was"
    for m in _NOUN_POSSESSIVE_FIGURE.finditer(masked):
        candidates.append((m.start(), Speaker(refers_back=True, noun=m.group("noun").lower())))
    if not candidates:
        return None
    candidates.sort(key=lambda c: c[0])
    for _, sp in candidates:
        if sp.refers_back or not sp.mentions[0].is_agency:
            return sp
    return candidates[0][1]
