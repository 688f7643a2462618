"""Figures in a sentence: value, qualifier, ranges, and what is *not* a count.

``parse_number`` reads one number written with digits, separators and a scale
("12,000", "12 000", "1.5 million", "10k") or in words ("two thousand",
"a dozen"). ``find_figures`` walks a sentence's tokens and returns each figure
with its qualifier (at least / more than / about / up to / range) and its
token span, skipping dates, times, ages, years, percentages, money, ordinals
and phone-like numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.claims.dates import MONTH_ABBREVIATIONS, MONTH_NAMES
from bot.claims.model import Qualifier
from bot.claims.tokens import Token

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_SHORT_SCALES = {
    "k": 1_000, "m": 1_000_000, "mn": 1_000_000, "mln": 1_000_000, "bn": 1_000_000_000,
    "million": 1_000_000, "billion": 1_000_000_000, "thousand": 1_000, "hundred": 100,
}  # fmt: skip
# Vague plurals: "dozens" / "hundreds" / "tens of thousands" as ranges.
_VAGUE = {
    "dozens": (24.0, 99.0),
    "scores": (40.0, 99.0),
    "hundreds": (200.0, 999.0),
    "thousands": (2_000.0, 9_999.0),
    "millions": (2_000_000.0, 9_999_999.0),
}
_VAGUE_OF = {
    ("tens", "thousands"): (20_000.0, 99_999.0),
    ("hundreds", "thousands"): (200_000.0, 999_999.0),
    ("tens", "millions"): (20_000_000.0, 99_999_999.0),
}

_QUALIFIERS_BEFORE: list[tuple[tuple[str, ...], Qualifier]] = [
    (("no", "fewer", "than"), Qualifier.AT_LEAST),
    (("not", "less", "than"), Qualifier.AT_LEAST),
    (("not", "fewer", "than"), Qualifier.AT_LEAST),
    (("a", "minimum", "of"), Qualifier.AT_LEAST),
    (("at", "least"), Qualifier.AT_LEAST),
    (("in", "excess", "of"), Qualifier.MORE_THAN),
    (("more", "than"), Qualifier.MORE_THAN),
    (("upwards", "of"), Qualifier.MORE_THAN),
    (("over",), Qualifier.MORE_THAN),
    (("exceeding",), Qualifier.MORE_THAN),
    (("surpassed",), Qualifier.MORE_THAN),
    (("passed",), Qualifier.MORE_THAN),
    (("topped",), Qualifier.MORE_THAN),
    (("an", "estimated"), Qualifier.ABOUT),
    (("close", "to"), Qualifier.ABOUT),
    (("approximately",), Qualifier.ABOUT),
    (("approx",), Qualifier.ABOUT),
    (("roughly",), Qualifier.ABOUT),
    (("nearly",), Qualifier.ABOUT),
    (("almost",), Qualifier.ABOUT),
    (("around",), Qualifier.ABOUT),
    (("about",), Qualifier.ABOUT),
    (("some",), Qualifier.ABOUT),
    (("circa",), Qualifier.ABOUT),
    (("estimated",), Qualifier.ABOUT),
    (("no", "more", "than"), Qualifier.UP_TO),
    (("as", "many", "as"), Qualifier.UP_TO),
    (("up", "to"), Qualifier.UP_TO),
    (("fewer", "than"), Qualifier.UP_TO),
    (("less", "than"), Qualifier.UP_TO),
    (("a", "maximum", "of"), Qualifier.UP_TO),
]

_MONTHS = MONTH_NAMES | MONTH_ABBREVIATIONS
_MONEY_BEFORE = frozenset(["$", "€", "£", "¥", "₩", "₹", "₽", "usd", "eur", "gbp", "us$"])
MONEY_AFTER = frozenset(
    [
        "dollars",
        "dollar",
        "euros",
        "euro",
        "pounds",
        "pound",
        "yen",
        "yuan",
        "rubles",
        "roubles",
        "francs",
        "rupees",
        "won",
        "usd",
        "eur",
        "gbp",
    ]
)
_PERCENT_AFTER = frozenset(["%", "percent", "per", "percentage", "pc"])
_TIME_AFTER = frozenset(["am", "pm", "a", "p", "gmt", "utc", "hrs", "h", "o'clock", "cet", "est"])
_ORDINAL_SUFFIX = frozenset(["st", "nd", "rd", "th"])
_AGE_AFTER = frozenset(["year-old", "years-old", "year-olds", "month-old", "week-old", "day-old"])
_NUMBER_WORDS = frozenset(_SMALL) | frozenset(_SCALES) | {"a", "an", "and"}


@dataclass(frozen=True)
class Figure:
    """One figure in a sentence; ``first``/``last`` are token indexes of the figure."""

    low: float
    high: float | None
    qualifier: Qualifier
    first: int  # first token of the figure including its qualifier
    num_first: int  # first token of the number itself
    last: int  # last token of the number (or range)
    vague: bool = False

    @property
    def precision(self) -> int:
        return {
            Qualifier.EXACT: 4,
            Qualifier.RANGE: 3,
            Qualifier.ABOUT: 2,
        }.get(self.qualifier, 1)


_DIGITS = re.compile(r"[\s,\u00a0\u202f]")


def parse_number(text: str) -> float | None:
    """Parse one number: "12,000", "12 000", "1.5 million", "10k", "two thousand", "a dozen".

    Returns ``None`` when ``text`` is not a number.
    """
    s = text.strip().lower().replace("-", " ")
    m = re.fullmatch(
        r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+(?:\.\d+)?)\s*"
        r"(k|m|mn|mln|bn|million|billion|thousand|hundred)?",
        s,
    )
    if m:
        value = float(_DIGITS.sub("", m.group(1)))
        if m.group(2):
            value *= _SHORT_SCALES[m.group(2)]
        return value
    return _parse_words(s.split())


def _parse_words(words: list[str]) -> float | None:
    if not words:
        return None
    total = 0.0
    current = 0.0
    seen = False
    for i, w in enumerate(words):
        if w in ("a", "an") and i == 0 and len(words) > 1:
            current = 1.0
            continue
        if w == "and" and seen:
            continue
        if w == "dozen":
            current = (current or 1.0) * 12
            seen = True
        elif w in _SMALL:
            current += _SMALL[w]
            seen = True
        elif w == "hundred":
            current = (current or 1.0) * 100
            seen = True
        elif w in _SCALES:
            total += (current or 1.0) * _SCALES[w]
            current = 0.0
            seen = True
        else:
            return None
    return total + current if seen else None


def _low(tokens: list[Token], i: int) -> str:
    return tokens[i].lower if 0 <= i < len(tokens) else ""


def _read_number(tokens: list[Token], i: int) -> tuple[float, int, bool] | None:
    """Read a number starting at token ``i``: (value, last token index, had_scale)."""
    tok = tokens[i]
    if tok.kind == "num":
        text = tok.text
        if len(text) > 1 and text[0] == "0" and text[1] != ".":
            return None  # phone numbers, codes
        value = parse_number(text)
        if value is None:
            return None
        last = i
        nxt = _low(tokens, i + 1)
        scaled = False
        if nxt in _SHORT_SCALES and (
            nxt in _SCALES or nxt in ("mln", "bn", "mn") or tokens[i + 1].start == tok.end
        ):
            value *= _SHORT_SCALES[nxt]
            last = i + 1
            scaled = True
        return value, last, scaled
    if tok.kind != "word":
        return None
    words: list[str] = []
    j = i
    while j < len(tokens) and tokens[j].kind == "word":
        parts = tokens[j].lower.split("-")
        if not all(p in _NUMBER_WORDS for p in parts):
            break
        words.extend(parts)
        j += 1
    while words and words[-1] in ("and", "a", "an"):
        words.pop()
        j -= 1
    if not words or words[0] in ("and",) or words == ["one"]:
        return None
    if words[0] in ("a", "an") and (len(words) < 2 or words[1] not in ("dozen", *_SCALES)):
        return None
    value = _parse_words(words)
    if value is None:
        return None
    return value, j - 1, any(w in _SCALES for w in words)


_QUALIFIERS_BY_LAST: dict[str, list[tuple[tuple[str, ...], Qualifier]]] = {}
for _phrase, _qual in _QUALIFIERS_BEFORE:
    _QUALIFIERS_BY_LAST.setdefault(_phrase[-1], []).append((_phrase, _qual))


def _qualifier_before(tokens: list[Token], i: int) -> tuple[Qualifier, int]:
    if i == 0:
        return Qualifier.EXACT, i
    for phrase, qual in _QUALIFIERS_BY_LAST.get(tokens[i - 1].lower, ()):
        n = len(phrase)
        if i - n < 0:
            continue
        if tuple(t.lower for t in tokens[i - n : i]) == phrase:
            return qual, i - n
    return Qualifier.EXACT, i


def _is_not_count(tokens: list[Token], i: int, last: int) -> bool:
    tok = tokens[i]
    prev = _low(tokens, i - 1)
    nxt = _low(tokens, last + 1)
    nxt2 = _low(tokens, last + 2)
    if prev in _MONEY_BEFORE or nxt in MONEY_AFTER or nxt in _PERCENT_AFTER:
        return True
    if (nxt == "-" and nxt2.split("-")[0] in ("year", "years", "month", "day", "week")) or (
        nxt in _AGE_AFTER
    ):
        return True
    if nxt in ("years", "year", "months", "weeks", "days") and _low(tokens, last + 2) == "old":
        return True
    if prev in ("aged", "age", "ages") or prev in _MONTHS or nxt in _MONTHS:
        return True
    if nxt in _ORDINAL_SUFFIX and tokens[last + 1].start == tokens[last].end:
        return True
    if nxt in _TIME_AFTER or (nxt in (":", ".") and _low(tokens, last + 2).isdigit()):
        return True
    if prev in (":", "/", "+") or nxt == "/":
        return True
    if tok.kind == "num" and prev == "#":
        return True
    if prev in ("article", "paragraph", "section", "chapter", "page", "no", "number", "covid"):
        return True
    # a bare four-digit year
    return (
        tok.kind == "num"
        and last == i
        and tok.text.isdigit()
        and len(tok.text) == 4
        and 1800 <= int(tok.text) <= 2100
    )


def find_figures(tokens: list[Token]) -> list[Figure]:
    """All figures in a tokenised sentence, left to right, without non-counts."""
    figures: list[Figure] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        lw = tok.lower
        # vague plurals: "dozens", "hundreds of", "tens of thousands"
        if tok.kind == "word" and (lw in _VAGUE or lw == "tens"):
            key = (lw, _low(tokens, i + 2))
            if _low(tokens, i + 1) == "of" and key in _VAGUE_OF:
                lo, hi = _VAGUE_OF[key]
                last = i + 2
            elif lw in _VAGUE:
                lo, hi = _VAGUE[lw]
                last = i
            else:
                i += 1
                continue
            qual_start = i - 1 if _low(tokens, i - 1) in ("several", "many") else i
            figures.append(Figure(lo, hi, Qualifier.RANGE, qual_start, i, last, vague=True))
            i = last + 1
            continue
        if tok.kind == "num" and (
            _low(tokens, i - 1) == "+"
            or (
                i + 2 < n
                and tokens[i + 1].kind == "num"
                and tokens[i + 2].kind == "num"
                and "," not in tokens[i + 1].text
            )
        ):
            # "+44 20 7946 0321", "0800 555 1212": a phone number, none of it a figure
            while i < n and tokens[i].kind == "num":
                i += 1
            continue
        if tok.kind == "num" or (tok.kind == "word" and lw.split("-")[0] in _NUMBER_WORDS):
            read = _read_number(tokens, i)
            if read is None:
                i += 1
                continue
            value, last, scaled = read
            if _low(tokens, i - 1) == "between" or _low(tokens, i - 1) == "from":
                start_q = i - 1
            else:
                start_q = i
            if _is_not_count(tokens, i, last) or (_low(tokens, last + 1) == "of" and lw == "one"):
                i = last + 1
                continue
            qual, qual_start = _qualifier_before(tokens, start_q)
            high: float | None = None
            sep = _low(tokens, last + 1)
            if sep in ("-", "–", "—", "to", "and") and (
                sep != "and" or _low(tokens, i - 1) == "between"
            ):
                j = last + 2
                if j < n:
                    second = _read_number(tokens, j)
                    if second is not None:
                        hv, hlast, hscaled = second
                        lo = value
                        if hscaled and not scaled:
                            for scale in (1e3, 1e6, 1e9):
                                if lo * scale <= hv and lo * scale * 10 > hv:
                                    lo *= scale
                                    break
                        if hv > lo and not _is_not_count(tokens, j, hlast):
                            if sep in ("-", "–", "—") and hv > lo * 20:
                                pass  # phone-like "555-1234"
                            else:
                                value, high, last = lo, hv, hlast
            if high is not None:
                if qual is Qualifier.EXACT:
                    qual = Qualifier.RANGE
                elif qual is Qualifier.UP_TO:
                    value, high, qual = high, None, Qualifier.UP_TO
                else:
                    high = None  # "at least 10-12" keeps the lower bound
                    if qual is not Qualifier.ABOUT:
                        pass
            # "1,000 or more", "500-plus", "500+"
            after = _low(tokens, last + 1)
            if (
                high is None
                and qual is Qualifier.EXACT
                and (
                    (after == "or" and _low(tokens, last + 2) == "more")
                    or after in ("+",)
                    or tokens[last].lower.endswith("-plus")
                )
            ):
                qual = Qualifier.AT_LEAST
                last += 2 if after == "or" else 1 if after == "+" else 0
            figures.append(Figure(value, high, qual, qual_start, i, last))
            i = last + 1
            continue
        i += 1
    return figures
