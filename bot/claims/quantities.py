"""Quantities in a sentence: counts, percentages, money and times of day.

``find_quantities`` walks a sentence's tokens and returns each quantity with
its value (an interval when it is a range or a vague plural), its qualifier
(at least / more than / about / up to / range) and its unit: ``count``, ``%``,
a currency code (``USD``, ``EUR``…) or ``time`` (minutes after midnight).
Numbers that are not quantities are skipped: years, calendar dates, ages,
ordinals, phone numbers, and identifiers ("District 751", "Category 4").
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.claims.dates import MONTH_ABBREVIATIONS, MONTH_NAMES
from bot.claims.numbers import (
    CURRENCY_AFTER,
    CURRENCY_BEFORE,
    NUMBER_WORDS,
    QUALIFIERS_BY_LAST,
    VAGUE,
    VAGUE_OF,
    low,
    qualifier_before,
    read_number,
)
from bot.claims.tokens import Token
from bot.domain import Qualifier

COUNT = "count"
PERCENT = "%"
TIME = "time"

_MONTHS = MONTH_NAMES | MONTH_ABBREVIATIONS
_PERCENT_AFTER = frozenset(["%", "percent", "pc", "pct"])
_AMPM = frozenset(["am", "pm", "a.m", "p.m", "a", "p"])
_ORDINAL_SUFFIX = frozenset(["st", "nd", "rd", "th"])
_DURATION_HYPHEN = ("year", "years", "month", "day", "week", "hour", "minute", "mile", "metre")
_AGE_AFTER = frozenset(["year-old", "years-old", "year-olds", "month-old", "week-old", "day-old"])
_AGE_GROUPS = frozenset(["children", "adults", "people", "those", "anyone", "kids", "men", "women"])


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


def _date_number(tokens: list[Token], k: int) -> bool:
    """Token ``k`` is the day of a date ("Sept. 25", "September 16")."""
    if k < 1 or tokens[k].kind != "num":
        return False
    prev = low(tokens, k - 1)
    return prev in _MONTHS or (prev == "." and low(tokens, k - 2) in _MONTHS)


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
        and prev.lower not in QUALIFIERS_BY_LAST
        and prev.lower not in CURRENCY_BEFORE
        and not (len(prev.text) > 1 and prev.text.isupper() and prev.lower in CURRENCY_AFTER)
        and low(tokens, last + 1) not in ("people", "percent", "%")
    )


def _is_not_quantity(tokens: list[Token], i: int, last: int) -> bool:
    tok = tokens[i]
    prev = low(tokens, i - 1)
    nxt = low(tokens, last + 1)
    if nxt == "-" and low(tokens, last + 2).split("-")[0] in _DURATION_HYPHEN:
        return True
    if any(nxt.startswith(p + "-") for p in ("year", "years", "month", "day", "week")):
        return True
    if nxt in _AGE_AFTER or (
        nxt in ("years", "year", "months", "weeks", "days") and low(tokens, last + 2) == "old"
    ):
        return True
    if prev in ("aged", "age", "ages") or prev in _MONTHS or nxt in _MONTHS:
        return True
    if prev in ("under", "over") and low(tokens, i - 2) in _AGE_GROUPS:
        return True  # "children under 15"
    if prev == "." and low(tokens, i - 2) in _MONTHS:
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
        low(tokens, i + 1) in (":", ".")
        and i + 2 < len(tokens)
        and tokens[i + 2].kind == "num"
        and len(tokens[i + 2].text) == 2
        and tokens[i + 1].start == tok.end
    ):
        minute = int(tokens[i + 2].text)
        last = i + 2
    ampm = low(tokens, last + 1)
    if ampm in _AMPM or ampm in ("a.m.", "p.m."):
        last += 1
        while low(tokens, last + 1) in (".", "m"):
            last += 1
        if ampm.startswith("p") and hour < 12:
            hour += 12
    elif last == i:
        return None
    if hour > 23 or minute > 59:
        return None
    return float(hour * 60 + minute), last


def _unit_after(tokens: list[Token], last: int) -> tuple[str | None, int]:
    nxt = low(tokens, last + 1)
    if nxt in _PERCENT_AFTER:
        return PERCENT, last + 1
    if nxt == "per" and low(tokens, last + 2) == "cent":
        return PERCENT, last + 2
    if nxt in CURRENCY_AFTER:
        return CURRENCY_AFTER[nxt], last + 1
    return None, last


def _currency_before(tokens: list[Token], i: int) -> tuple[str | None, int]:
    prev = low(tokens, i - 1)
    if prev in CURRENCY_BEFORE:
        start = i - 1
        if (
            prev == "$"
            and low(tokens, i - 2) in ("us", "a", "c")
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
        if tok.kind == "word" and (lw in VAGUE or lw == "tens"):
            key = (lw, low(tokens, i + 2))
            if low(tokens, i + 1) == "of" and key in VAGUE_OF:
                lo, hi = VAGUE_OF[key]
                last = i + 2
            elif lw in VAGUE:
                lo, hi = VAGUE[lw]
                last = i
            else:
                i += 1
                continue
            out.append(Quantity(lo, hi, Qualifier.RANGE, COUNT, i, i, last, vague=True))
            i = last + 1
            continue
        if tok.kind == "num" and (
            low(tokens, i - 1) == "+"
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
            qual, first = qualifier_before(tokens, i)
            out.append(Quantity(value, None, qual, TIME, first, i, last))
            i = last + 1
            continue
        if not (tok.kind == "num" or (tok.kind == "word" and lw.split("-")[0] in NUMBER_WORDS)):
            i += 1
            continue
        read = read_number(tokens, i)
        if read is None:
            i += 1
            continue
        value, last, scaled = read
        currency, cur_first = _currency_before(tokens, i)
        if currency is None and _is_not_quantity(tokens, i, last):
            i = last + 1
            continue
        if low(tokens, last + 1) == "of" and lw == "one":
            i = last + 1
            continue
        unit, last = _unit_after(tokens, last)
        if currency is not None and unit is None:
            unit = currency
        unit = unit or COUNT
        start_q = cur_first
        ranged = low(tokens, start_q - 1) in ("between", "from")
        qual, qual_start = qualifier_before(tokens, start_q - 1 if ranged else start_q)
        high: float | None = None
        sep = low(tokens, last + 1)
        if sep in ("-", "–", "—", "to", "and") and (
            sep != "and" or low(tokens, start_q - 1) == "between"
        ):
            j = last + 2
            if low(tokens, j) in CURRENCY_BEFORE:
                j += 1
            if j < n:
                second = read_number(tokens, j)
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
        after = low(tokens, last + 1)
        if (
            high is None
            and qual is Qualifier.EXACT
            and ((after == "or" and low(tokens, last + 2) == "more") or after == "+")
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
