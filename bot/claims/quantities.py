"""Quantities in a sentence: counts, percentages, money and times of day.

``find_quantities`` walks a sentence's tokens and returns each quantity with
its value (an interval when it is a range or a vague plural), its qualifier
(at least / more than / about / up to / range) and its unit: ``count``, ``%``,
a currency code (``USD``, ``EUR``…) or ``time`` (minutes after midnight).
Numbers that are not quantities are skipped: years, calendar dates, ages,
ordinals, phone numbers, and identifiers ("District 751", "Category 4").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.claims.dates import MONTH_ABBREVIATIONS, MONTH_NAMES
from bot.claims.model import Qualifier
from bot.claims.tokens import Token

COUNT = "count"
PERCENT = "%"
TIME = "time"

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}  # fmt: skip
_SHORT_SCALES = {
    "k": 1_000, "m": 1_000_000, "mn": 1_000_000, "mln": 1_000_000, "bn": 1_000_000_000,
    "b": 1_000_000_000, "tn": 1_000_000_000_000, "trn": 1_000_000_000_000, **_SCALES,
}  # fmt: skip
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
    (("a", "minimum", "of"), Qualifier.AT_LEAST),
    (("at", "least"), Qualifier.AT_LEAST),
    (("in", "excess", "of"), Qualifier.MORE_THAN),
    (("a", "little", "more", "than"), Qualifier.MORE_THAN),
    (("just", "over"), Qualifier.MORE_THAN),
    (("more", "than"), Qualifier.MORE_THAN),
    (("upwards", "of"), Qualifier.MORE_THAN),
    (("over",), Qualifier.MORE_THAN),
    (("exceeding",), Qualifier.MORE_THAN),
    (("surpassed",), Qualifier.MORE_THAN),
    (("surpassing",), Qualifier.MORE_THAN),
    (("passed",), Qualifier.MORE_THAN),
    (("topped",), Qualifier.MORE_THAN),
    (("an", "estimated"), Qualifier.ABOUT),
    (("close", "to"), Qualifier.ABOUT),
    (("approximately",), Qualifier.ABOUT),
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
    (("as", "much", "as"), Qualifier.UP_TO),
    (("up", "to"), Qualifier.UP_TO),
    (("fewer", "than"), Qualifier.UP_TO),
    (("less", "than"), Qualifier.UP_TO),
    (("under",), Qualifier.UP_TO),
    (("a", "maximum", "of"), Qualifier.UP_TO),
]
_QUALIFIERS_BY_LAST: dict[str, list[tuple[tuple[str, ...], Qualifier]]] = {}
for _phrase, _qual in _QUALIFIERS_BEFORE:
    _QUALIFIERS_BY_LAST.setdefault(_phrase[-1], []).append((_phrase, _qual))

_MONTHS = MONTH_NAMES | MONTH_ABBREVIATIONS
CURRENCY_BEFORE = {
    "$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
    "¥": "JPY", "₹": "INR", "₽": "RUB", "₩": "KRW", "chf": "CHF", "a$": "AUD", "c$": "CAD",
}  # fmt: skip
CURRENCY_AFTER = {
    "dollars": "USD", "dollar": "USD", "usd": "USD", "euros": "EUR", "euro": "EUR",
    "eur": "EUR", "pounds": "GBP", "sterling": "GBP", "gbp": "GBP", "yen": "JPY",
    "yuan": "CNY", "renminbi": "CNY", "rubles": "RUB", "roubles": "RUB", "rupees": "INR",
    "francs": "CHF", "won": "KRW", "shekels": "ILS", "lira": "TRY", "pesos": "MXN",
}  # fmt: skip
_PERCENT_AFTER = frozenset(["%", "percent", "pc", "pct"])
_AMPM = frozenset(["am", "pm", "a.m", "p.m", "a", "p"])
_ORDINAL_SUFFIX = frozenset(["st", "nd", "rd", "th"])
_DURATION_HYPHEN = ("year", "years", "month", "day", "week", "hour", "minute", "mile", "metre")
_AGE_AFTER = frozenset(["year-old", "years-old", "year-olds", "month-old", "week-old", "day-old"])
_NUMBER_WORDS = frozenset(_SMALL) | frozenset(_SCALES) | {"a", "an", "and", "half"}
_AGE_GROUPS = frozenset(["children", "adults", "people", "those", "anyone", "kids", "men", "women"])
_DIGITS = re.compile(r"[\s,\u00a0\u202f]")


@dataclass(frozen=True)
class Quantity:
    """One quantity; ``first``/``num_first``/``last`` are token indexes."""

    low: float
    high: float | None
    qualifier: Qualifier
    unit: str
    first: int  # first token, qualifier and currency sign included
    num_first: int  # first token of the number itself
    last: int  # last token, scale and unit words included
    vague: bool = False

    @property
    def precision(self) -> int:
        if self.vague:
            return 0
        return {Qualifier.EXACT: 4, Qualifier.RANGE: 3, Qualifier.ABOUT: 2}.get(self.qualifier, 1)

    @property
    def is_money(self) -> bool:
        return self.unit not in (COUNT, PERCENT, TIME)


def parse_number(text: str) -> float | None:
    """One number: "12,000", "12 000", "1.5 million", "10k", "two thousand", "a dozen"."""
    s = text.strip().lower().replace("-", " ")
    if s.startswith("."):
        s = "0" + s
    m = re.fullmatch(
        r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+(?:\.\d+)?)\s*"
        r"(k|m|mn|mln|bn|b|tn|million|billion|trillion|thousand|hundred)?",
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
    half = False
    for i, w in enumerate(words):
        if w == "half" and i == 0:
            half = True
            continue
        if w in ("a", "an") and len(words) > i + 1:
            current = current or 1.0
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
    if not seen:
        return None
    value = total + current
    return value / 2 if half else value


def _low(tokens: list[Token], i: int) -> str:
    return tokens[i].lower if 0 <= i < len(tokens) else ""


def _read_number(tokens: list[Token], i: int) -> tuple[float, int, bool] | None:
    """A number starting at token ``i``: (value, last token index, had a scale word)."""
    tok = tokens[i]
    if tok.kind == "num":
        text = tok.text
        if len(text) > 1 and text[0] == "0" and text[1] != ".":
            return None
        value = parse_number(text)
        if value is None:
            return None
        last = i
        nxt = _low(tokens, i + 1)
        money = _low(tokens, i - 1) in CURRENCY_BEFORE
        if nxt in _SHORT_SCALES and (
            nxt in _SCALES
            or nxt in ("mln", "bn", "mn", "tn", "trn")
            or (tokens[i + 1].start == tok.end and (money or nxt not in ("b", "m")))
        ):
            if nxt == "m" and _low(tokens, i + 2) == ".":
                return value, last, False  # "8 a.m."-like, handled elsewhere
            return value * _SHORT_SCALES[nxt], i + 1, True
        return value, last, False
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
    while words and words[-1] in ("and", "a", "an", "half"):
        words.pop()
        j -= 1
    if not words or words[0] == "and" or words in (["one"], ["half"]):
        return None
    if words[0] in ("a", "an") and (len(words) < 2 or words[1] not in ("dozen", *_SCALES)):
        return None
    if words[0] == "half" and (len(words) < 3 or words[2] not in _SCALES):
        return None
    value = _parse_words(words)
    if value is None:
        return None
    return value, j - 1, any(w in _SCALES for w in words)


def _qualifier_before(tokens: list[Token], i: int) -> tuple[Qualifier, int]:
    for phrase, qual in _QUALIFIERS_BY_LAST.get(_low(tokens, i - 1), ()):
        n = len(phrase)
        if i - n >= 0 and tuple(t.lower for t in tokens[i - n : i]) == phrase:
            return qual, i - n
    return Qualifier.EXACT, i


def _date_number(tokens: list[Token], k: int) -> bool:
    """Token ``k`` is the day of a date ("Sept. 25", "September 16")."""
    if k < 1 or tokens[k].kind != "num":
        return False
    prev = _low(tokens, k - 1)
    return prev in _MONTHS or (prev == "." and _low(tokens, k - 2) in _MONTHS)


def _is_identifier(tokens: list[Token], i: int, last: int) -> bool:
    """ "District 751", "Category 4", "Flight 370", "COVID-19", "No. 1", "#3"."""
    after = tokens[last + 1] if last + 1 < len(tokens) else None
    if (
        after is not None
        and after.start == tokens[last].end
        and ((after.kind == "word" and after.text[:1].isupper()) or after.text == "(")
    ):
        return True  # "777X", "401(k)", "A320neo"-like model names
    tok = tokens[i]
    if (
        after is not None
        and last == i
        and tok.kind == "num"
        and tok.text.isdigit()
        and 3 <= len(tok.text) <= 4
        and after.kind == "word"
        and after.text[:1].isupper()
        and after.lower not in _MONTHS
    ):
        return True  # "787 Dreamliner", "767 Freighters": a model name
    prev = tokens[i - 1] if i > 0 else None
    if prev is None:
        return False
    if prev.lower in ("no", "#", "number", "article", "section", "chapter", "page", "covid"):
        return True
    if (
        prev.text == "-"
        and i > 1
        and tokens[i - 2].kind == "word"
        and tokens[i - 2].end == prev.start
    ):
        return True
    if (
        prev.kind == "word"
        and len(prev.text) > 1
        and prev.text.isupper()
        and prev.lower not in (CURRENCY_BEFORE.keys() | CURRENCY_AFTER.keys())
    ):
        return True  # "FOX 13", "IAM 751"
    return (
        prev.kind == "word"
        and prev.text[:1].isupper()
        and i - 1 > 0
        and prev.lower not in _MONTHS
        and prev.lower not in _QUALIFIERS_BY_LAST
        and prev.lower not in CURRENCY_BEFORE
        and not (len(prev.text) > 1 and prev.text.isupper() and prev.lower in CURRENCY_AFTER)
        and _low(tokens, last + 1) not in ("people", "percent", "%")
    )


def _is_not_quantity(tokens: list[Token], i: int, last: int) -> bool:
    tok = tokens[i]
    prev = _low(tokens, i - 1)
    nxt = _low(tokens, last + 1)
    if nxt == "-" and _low(tokens, last + 2).split("-")[0] in _DURATION_HYPHEN:
        return True
    if any(nxt.startswith(p + "-") for p in ("year", "years", "month", "day", "week")):
        return True
    if nxt in _AGE_AFTER or (
        nxt in ("years", "year", "months", "weeks", "days") and _low(tokens, last + 2) == "old"
    ):
        return True
    if prev in ("aged", "age", "ages") or prev in _MONTHS or nxt in _MONTHS:
        return True
    if prev in ("under", "over") and _low(tokens, i - 2) in _AGE_GROUPS:
        return True  # "children under 15"
    if prev == "." and _low(tokens, i - 2) in _MONTHS:
        return True  # "Sept. 13"
    if prev in ("and", "to", "-", "–") and _date_number(tokens, i - 2):
        return True  # "September 16 and 17", "Sept. 25-27"
    if prev in ("call", "dial", "dialled", "dialed", "calling", "text", "hotline", "extension"):
        return True
    if nxt in _ORDINAL_SUFFIX and tokens[last + 1].start == tokens[last].end:
        return True
    if prev in ("/", "+") or nxt == "/":
        return True
    if _is_identifier(tokens, i, last):
        return True
    return (
        tok.kind == "num"
        and last == i
        and tok.text.isdigit()
        and len(tok.text) == 4
        and 1800 <= int(tok.text) <= 2100
        and nxt not in _PERCENT_AFTER
    )


def _time_of_day(tokens: list[Token], i: int) -> tuple[float, int] | None:
    """ "8:12 p.m.", "20:12", "8 pm" -> (minutes after midnight, last token)."""
    tok = tokens[i]
    if tok.kind != "num" or "." in tok.text or "," in tok.text:
        return None
    hour = int(tok.text)
    minute = 0
    last = i
    if (
        _low(tokens, i + 1) in (":", ".")
        and i + 2 < len(tokens)
        and tokens[i + 2].kind == "num"
        and len(tokens[i + 2].text) == 2
        and tokens[i + 1].start == tok.end
    ):
        minute = int(tokens[i + 2].text)
        last = i + 2
    ampm = _low(tokens, last + 1)
    if ampm in _AMPM or ampm in ("a.m.", "p.m."):
        last += 1
        while _low(tokens, last + 1) in (".", "m"):
            last += 1
        if ampm.startswith("p") and hour < 12:
            hour += 12
    elif last == i:
        return None
    if hour > 23 or minute > 59:
        return None
    return float(hour * 60 + minute), last


def _unit_after(tokens: list[Token], last: int) -> tuple[str | None, int]:
    nxt = _low(tokens, last + 1)
    if nxt in _PERCENT_AFTER:
        return PERCENT, last + 1
    if nxt == "per" and _low(tokens, last + 2) == "cent":
        return PERCENT, last + 2
    if nxt in CURRENCY_AFTER:
        return CURRENCY_AFTER[nxt], last + 1
    return None, last


def _currency_before(tokens: list[Token], i: int) -> tuple[str | None, int]:
    prev = _low(tokens, i - 1)
    if prev in CURRENCY_BEFORE:
        start = i - 1
        if (
            prev == "$"
            and _low(tokens, i - 2) in ("us", "a", "c")
            and tokens[i - 2].end == tokens[i - 1].start
        ):
            start = i - 2
        return CURRENCY_BEFORE[prev], start
    return None, i


def find_quantities(tokens: list[Token]) -> list[Quantity]:
    """All quantities in a tokenised sentence, left to right."""
    out: list[Quantity] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        lw = tok.lower
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
            out.append(Quantity(lo, hi, Qualifier.RANGE, COUNT, i, i, last, vague=True))
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
            while i < n and tokens[i].kind == "num":
                i += 1
            continue
        clock = _time_of_day(tokens, i)
        if clock is not None:
            value, last = clock
            qual, first = _qualifier_before(tokens, i)
            out.append(Quantity(value, None, qual, TIME, first, i, last))
            i = last + 1
            continue
        if not (tok.kind == "num" or (tok.kind == "word" and lw.split("-")[0] in _NUMBER_WORDS)):
            i += 1
            continue
        read = _read_number(tokens, i)
        if read is None:
            i += 1
            continue
        value, last, scaled = read
        currency, cur_first = _currency_before(tokens, i)
        if currency is None and _is_not_quantity(tokens, i, last):
            i = last + 1
            continue
        if _low(tokens, last + 1) == "of" and lw == "one":
            i = last + 1
            continue
        unit, last = _unit_after(tokens, last)
        if currency is not None and unit is None:
            unit = currency
        unit = unit or COUNT
        start_q = cur_first
        ranged = _low(tokens, start_q - 1) in ("between", "from")
        qual, qual_start = _qualifier_before(tokens, start_q - 1 if ranged else start_q)
        high: float | None = None
        sep = _low(tokens, last + 1)
        if sep in ("-", "–", "—", "to", "and") and (
            sep != "and" or _low(tokens, start_q - 1) == "between"
        ):
            j = last + 2
            if _low(tokens, j) in CURRENCY_BEFORE:
                j += 1
            if j < n:
                second = _read_number(tokens, j)
                if second is not None:
                    hv, hlast, hscaled = second
                    lo = value
                    if hscaled and not scaled:
                        for scale in (1e3, 1e6, 1e9):
                            if lo * scale <= hv < lo * scale * 10:
                                lo *= scale
                                break
                    if hv > lo and not (sep in ("-", "–", "—") and hv > lo * 20 and not hscaled):
                        h_unit, hlast = _unit_after(tokens, hlast)
                        if unit == COUNT and h_unit is not None:
                            unit = h_unit
                        value, high, last = lo, hv, hlast
        if high is None and ranged:
            qual_start = max(qual_start, start_q)
        if high is not None:
            if qual is Qualifier.EXACT:
                qual = Qualifier.RANGE
            elif qual is Qualifier.UP_TO:
                value, high = high, None
            else:
                high = None
        after = _low(tokens, last + 1)
        if (
            high is None
            and qual is Qualifier.EXACT
            and ((after == "or" and _low(tokens, last + 2) == "more") or after == "+")
        ):
            qual = Qualifier.AT_LEAST
            last += 2 if after == "or" else 1
        quantity = Quantity(value, high, qual, unit, min(qual_start, cur_first), i, last)
        if not _is_conversion(tokens, out, quantity):
            out.append(quantity)
        i = last + 1
    return out


def _is_conversion(tokens: list[Token], found: list[Quantity], q: Quantity) -> bool:
    """ "$500 million (€458 million)": the same money in another currency."""
    if not q.is_money or not found or not found[-1].is_money:
        return False
    between = [t.text for t in tokens[found[-1].last + 1 : q.first]]
    return between in (["("], ["or"], [",", "or"], ["/"])
