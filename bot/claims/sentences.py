"""Sentence splitting with character offsets, dropping page cruft.

An article body arrives with navigation lists, headings, "Read more" links and
bylines mixed in. ``split_sentences`` returns only the sentences of running
prose, each with its exact ``start``/``end`` offsets in the text, so that
``text[start:end] == sentence.text`` always holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.claims.dates import MONTH_ABBREVIATIONS

_ABBREVIATIONS = (
    frozenset(
        [
            "mr",
            "mrs",
            "ms",
            "dr",
            "prof",
            "gen",
            "lt",
            "col",
            "capt",
            "sgt",
            "maj",
            "adm",
            "gov",
            "sen",
            "rep",
            "st",
            "mt",
            "jr",
            "sr",
            "no",
            "vs",
            "etc",
            "inc",
            "corp",
            "ltd",
            "co",
            "dept",
            "approx",
            "est",
            "fig",
            "u.s",
            "u.k",
            "u.n",
            "e.g",
            "i.e",
            "a.m",
            "p.m",
        ]
    )
    | MONTH_ABBREVIATIONS
)

_BOILERPLATE = re.compile(
    r"^(?:share(?: this)?(?: article| story)?|read more|read next|more news|related|advertisement|"
    r"comments?|tags|sign up|subscribe|follow us|what to read next|trending stories|"
    r"\d+\s*min(?:ute)?s?\s*read|photo:.*|image:.*|source:.*|published.*|updated.*|"
    r"listen to.*|by [A-Z].{0,40})$",
    re.IGNORECASE,
)

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) and
# whitespace, when the next thing looks like a sentence start.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[–—-]?\s*[A-Z0-9À-Þ])")
_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*\s*$|[\"”’]\s*$")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Sentence:
    """One sentence of prose: its text, offsets and the paragraph it sits in."""

    text: str
    start: int
    end: int
    paragraph: int


def _is_boilerplate_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return True
    if _BOILERPLATE.match(stripped):
        return True
    words = _WORD.findall(stripped)
    if len(words) < 3:
        return True
    # A nav item or caption: no sentence-final punctuation and short. A headline that
    # gives a figure ("Death toll climbs to 217 as search goes on") is kept.
    if _TERMINAL.search(stripped) or len(words) >= 16:
        return False
    return not (len(words) >= 5 and any(c.isdigit() for c in stripped))


def _is_abbreviation(text: str, dot_index: int) -> bool:
    """True when the '.' at ``dot_index`` ends an abbreviation or an initial."""
    j = dot_index
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    token = text[j:dot_index].lower()
    if not token:
        return False
    if token in _ABBREVIATIONS:
        return True
    # single initials ("J. Smith") and dotted acronyms ("U.S.")
    return len(token.replace(".", "")) == 1 and text[j].isupper()


def _split_paragraph(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    seg_start = start
    for m in _SENTENCE_END.finditer(text, start, end):
        dot = m.start()
        if text[dot] == "." and m.end() - m.start() == 1 and _is_abbreviation(text, dot):
            continue
        spans.append((seg_start, m.end()))
        seg_start = m.end()
    spans.append((seg_start, end))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into prose sentences with exact offsets; drop cruft lines."""
    sentences: list[Sentence] = []
    paragraph = 0
    pos = 0
    for line in text.splitlines(keepends=True):
        line_start = pos
        pos += len(line)
        if _is_boilerplate_line(line):
            continue
        for s, e in _split_paragraph(text, line_start, line_start + len(line.rstrip("\r\n"))):
            chunk = text[s:e]
            if len(_WORD.findall(chunk)) < 3:
                continue
            sentences.append(Sentence(chunk, s, e, paragraph))
        paragraph += 1
    return sentences
