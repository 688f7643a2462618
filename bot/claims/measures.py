"""Rates (percentages) and amounts (money) as figures, when the topic is about them.

Counts skip percentages and money (``numbers.find_figures``); a topic about a rate
("inflation", "interest rate", "turnout") or an amount ("aid", "budget",
"damage") counts them. ``find_rates`` reads "Inflation rose to 3.2% in March" as
the measure ``inflation`` at 3.2 %; ``find_amounts`` reads "$3.2 billion in aid" as
the amount ``aid`` at 3.2e9 USD. Forecasts and targets ("would fall below 3%",
"expected inflation of 3%", "a target of 2%") and changes of another quantity
("prices rose 5%", "up 2 percentage points") are not the current figure: they
come back as abstentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.claims.model import Qualifier
from bot.claims.numbers import _qualifier_before, parse_number
from bot.claims.tokens import Token

# measured thing -> the words (lower case, one or two tokens) that name it
RATE_MEASURES: dict[str, tuple[str, ...]] = {
    "inflation": ("inflation", "consumer prices", "cpi"),
    "interest rate": ("interest rate", "interest rates", "key rate", "policy rate", "base rate"),
    "unemployment": ("unemployment", "jobless rate", "jobless"),
    "growth": ("growth", "gdp", "economy"),
    "turnout": ("turnout",),
    "approval": ("approval", "approval rating", "approval ratings"),
    "support": ("support",),
    "positivity": ("positivity", "positivity rate", "test positivity"),
    "vaccination": ("vaccination", "vaccination rate", "vaccination coverage", "vaccinated"),
    "mortality": ("mortality", "mortality rate", "death rate", "fatality rate"),
    "occupancy": ("occupancy", "bed occupancy"),
    "tariff": ("tariff", "tariffs"),
    "tax": ("tax rate", "vat"),
}
_RATE_WORD: dict[str, str] = {w: m for m, ws in RATE_MEASURES.items() for w in ws}

AMOUNT_NOUNS = frozenset(
    ["budget", "aid", "damage", "damages", "cost", "costs", "price", "fine", "fines",
     "funding", "loan", "loans", "deficit", "revenue", "revenues", "profit", "profits",
     "salary", "salaries", "wage", "wages", "compensation", "bailout", "debt", "ransom",
     "investment", "losses", "spending", "assistance", "grant", "subsidy", "subsidies"]
)  # fmt: skip
_AMOUNT_CANON = {
    "damages": "damage", "costs": "cost", "fines": "fine", "loans": "loan",
    "revenues": "revenue", "profits": "profit", "salaries": "salary", "wages": "wage",
    "subsidies": "subsidy", "assistance": "aid",
}  # fmt: skip

CURRENCY_BEFORE = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₽": "RUB",
    "₩": "KRW",
}
CURRENCY_AFTER = {"dollars": "USD", "dollar": "USD", "usd": "USD", "euros": "EUR",
                  "euro": "EUR", "eur": "EUR", "pounds": "GBP", "gbp": "GBP", "yen": "JPY",
                  "yuan": "CNY", "rubles": "RUB", "roubles": "RUB", "rupees": "INR",
                  "francs": "CHF"}  # fmt: skip

_FORECAST = re.compile(
    r"\b(?:would|will|could|might|should|expects?|expected|expecting|forecasts?|"
    r"forecasted|projected|projects?|predicts?|predicted|targets?|targeted|aims?|aimed|"
    r"goal|outlook|anticipates?|anticipated|likely|next\s+year|by\s+the\s+end\s+of|"
    r"going\s+to|consensus|economists\s+polled)\b",
    re.IGNORECASE,
)
_MOVES = frozenset(
    ["rose", "rise", "rises", "risen", "fell", "fall", "falls", "fallen", "jumped", "jumps",
     "climbed", "climbs", "dropped", "drops", "increased", "increases", "decreased",
     "eased", "eases", "slowed", "slows", "accelerated", "surged", "soared", "declined",
     "grew", "grows", "expanded", "contracted", "shrank", "up", "down", "edged", "slipped",
     "dipped", "plunged", "raised", "cut", "lowered", "hiked", "reduced"]
)  # fmt: skip
_LEVEL_BEFORE = frozenset(
    [
        "to",
        "at",
        "of",
        "was",
        "is",
        "stood",
        "remained",
        "stayed",
        "hit",
        "reached",
        "held",
        "kept",
        "were",
        "are",
        "now",
        "be",
        "a",
        "an",
        "record",
        "rate",
        "high",
        "low",
        "hits",
        "reaching",
    ]
)
_EXTRA_QUAL = {"above": Qualifier.MORE_THAN, "below": Qualifier.UP_TO, "under": Qualifier.UP_TO}
_BREAK = frozenset([".", ";", ":", "?", "!", ",", "(", ")", '"', "“", "”"])


@dataclass(frozen=True)
class Measure:
    """One rate or amount: what it measures, its value and where it sits."""

    measure: str  # "inflation", "aid"
    kind: str  # "rate" | "amount"
    low: float
    high: float | None
    qualifier: Qualifier
    unit: str  # "%" or a currency code
    start: int  # character offsets of the figure in the sentence
    end: int
    problem: str | None = None  # why it is not the current figure (an abstention)

    @property
    def precision(self) -> int:
        return {Qualifier.EXACT: 4, Qualifier.RANGE: 3, Qualifier.ABOUT: 2}.get(self.qualifier, 1)


def _term_words(terms: Iterable[str]) -> list[str]:
    return [t.strip().strip('"').lower() for t in terms if t.strip()]


# measures one story reports together: a topic about inflation also counts unemployment
_FAMILIES = (
    frozenset(["inflation", "interest rate", "unemployment", "growth", "tariff", "tax"]),
    frozenset(["turnout", "approval", "support"]),
    frozenset(["positivity", "vaccination", "mortality", "occupancy"]),
)


@lru_cache(maxsize=256)
def _rate_topic(terms: tuple[str, ...]) -> frozenset[str]:
    named: set[str] = set()
    for t in terms:
        if t.endswith("*"):
            continue  # "vaccin*" is about vaccines, not a vaccination rate
        if t in _RATE_WORD:
            named.add(_RATE_WORD[t])
        elif t.endswith((" rate", " rates")):
            named.add(t.rsplit(" ", 1)[0])  # "eviction rate"
    out = set(named)
    for family in _FAMILIES:
        if named & family:
            out |= family
    return frozenset(out)


def rate_topic(terms: Iterable[str]) -> frozenset[str]:
    """The rate measures the topic is about: those its terms name ("inflation",
    "interest rate", "turnout"; a prefix term names none) and the measures reported
    with them (a topic about inflation also takes unemployment); empty when none."""
    return _rate_topic(tuple(_term_words(terms)))


def amount_topic(terms: Iterable[str]) -> frozenset[str]:
    """The amount nouns the topic names ("aid", "damage"); empty when none."""
    out: set[str] = set()
    for t in _term_words(terms):
        for w in t.rstrip("*").split():
            if w in AMOUNT_NOUNS:
                out.add(_AMOUNT_CANON.get(w, w))
    return frozenset(out)


def _low(tokens: list[Token], i: int) -> str:
    return tokens[i].lower if 0 <= i < len(tokens) else ""


def _percent_end(tokens: list[Token], i: int) -> int | None:
    """Index of the last token of the percent sign after number token ``i``, or None."""
    nxt = _low(tokens, i + 1)
    if nxt in ("%", "percent", "pc"):
        return i + 1
    if nxt == "per" and _low(tokens, i + 2) == "cent":
        return i + 2
    return None


def _rate_noun(tokens: list[Token], first: int, last: int) -> tuple[str | None, int]:
    """The rate noun the percentage at ``first..last`` measures, and its token index.

    Looked for before the figure in the same clause ("inflation rose to 3.2%",
    "the unemployment rate of 6.2%"), else right after it ("3.2% inflation").
    """
    for k in range(first - 1, max(-1, first - 14), -1):
        if tokens[k].text in _BREAK:
            break
        two = f"{_low(tokens, k)} {_low(tokens, k + 1)}"
        if two in _RATE_WORD:
            return _RATE_WORD[two], k
        if tokens[k].lower in _RATE_WORD:
            return _RATE_WORD[tokens[k].lower], k
        if tokens[k].lower in ("rate", "rates"):
            before = f"{_low(tokens, k - 1)} {tokens[k].lower}"
            if before in _RATE_WORD:
                return _RATE_WORD[before], k - 1
            return "rate", k
    k = last + 1
    if _low(tokens, k) == "for":
        k += 1  # "a target of 2% for inflation"
    two = f"{_low(tokens, k)} {_low(tokens, k + 1)}"
    if two in _RATE_WORD:
        return _RATE_WORD[two], k
    if _low(tokens, k) in _RATE_WORD:
        return _RATE_WORD[_low(tokens, k)], k
    return None, -1


def find_rates(
    tokens: list[Token], text: str, measures: frozenset[str], topic_words: frozenset[str]
) -> list[Measure]:
    """Percentages that give a rate the topic is about.

    ``measures`` are the rate measures the topic names; ``topic_words`` the topic's
    single words, so "a tariff of 25%" counts when the topic names tariffs.
    """
    out: list[Measure] = []
    n = len(tokens)
    i = 0
    while i < n:
        tok = tokens[i]
        if tok.kind != "num":
            i += 1
            continue
        value = parse_number(tok.text)
        pend = _percent_end(tokens, i)
        low, high, num_first, last = value, None, i, i
        if pend is None and _low(tokens, i + 1) in ("and", "to", "-", "–") and i + 2 < n:
            # "between 3 and 3.5 percent", "3-3.5%"
            second = tokens[i + 2]
            p2 = _percent_end(tokens, i + 2) if second.kind == "num" else None
            if p2 is not None:
                high, pend = parse_number(second.text), p2
        if value is None or pend is None:
            i += 1
            continue
        last = pend
        if _low(tokens, pend + 1) in ("point", "points"):
            out.append(_problem(tokens, i, pend + 1, "a change in percentage points, not a rate"))
            i = pend + 2
            continue
        start_q = num_first - 1 if _low(tokens, num_first - 1) == "between" else num_first
        qual, qual_start = _qualifier_before(tokens, start_q)
        if qual is Qualifier.EXACT and _low(tokens, start_q - 1) in _EXTRA_QUAL:
            qual, qual_start = _EXTRA_QUAL[_low(tokens, start_q - 1)], start_q - 1
        if high is not None:
            if high > low:
                qual = Qualifier.RANGE
            else:
                high = None
        measure, at = _rate_noun(tokens, qual_start, last)
        if measure == "rate":
            # "its rate": the one rate the topic names
            rated = [m for m in measures if m != "growth"]
            if "interest rate" in rated and re.search(r"\bbank\b", text, re.IGNORECASE):
                rated = ["interest rate"]  # "the central bank raised its rate to 5%"
            measure = rated[0] if len(rated) == 1 else None
        if measure is None:
            # "a tariff of 25%": a topic word right before the figure
            for k in range(qual_start - 1, max(-1, qual_start - 5), -1):
                if tokens[k].text in _BREAK:
                    break
                w = tokens[k].lower
                if w in topic_words:
                    measure, at = w.rstrip("s") if w.endswith("s") else w, k
                    break
        if measure is None or not (measures or measure in topic_words):
            i = last + 1
            continue
        if at < qual_start and any(t.text in _BREAK for t in tokens[at:qual_start]):
            i = last + 1
            continue
        moved = (
            any(t.lower in _MOVES for t in tokens[at + 1 : qual_start])
            if at < qual_start
            else False
        )
        prev = _low(tokens, qual_start - 1)
        problem = None
        if _FORECAST.search(text[: tokens[last].end]) or _FORECAST.search(
            " ".join(t.text for t in tokens[last + 1 : last + 8])
        ):
            problem = "forecast/target"
        elif prev == "by" or (
            moved and prev not in _LEVEL_BEFORE and measure not in ("inflation", "growth")
        ):
            # "rates were cut by 0.25%", "unemployment rose 2%": a change, not the level
            problem = "a change of the rate, not the rate itself"
        out.append(
            Measure(
                measure, "rate", low, high, qual, "%",
                tokens[qual_start].start, tokens[last].end, problem,
            )
        )  # fmt: skip
        i = last + 1
    return out


def _problem(tokens: list[Token], first: int, last: int, why: str) -> Measure:
    return Measure("", "rate", 0.0, None, Qualifier.EXACT, "%", tokens[first].start,
                   tokens[last].end, why)  # fmt: skip


def _read_scaled(tokens: list[Token], i: int) -> tuple[float, int] | None:
    tok = tokens[i]
    if tok.kind != "num":
        return None
    value = parse_number(tok.text)
    if value is None:
        return None
    nxt = _low(tokens, i + 1)
    scales = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "million": 1e6,
              "bn": 1e9, "b": 1e9, "billion": 1e9, "trillion": 1e12, "tn": 1e12}  # fmt: skip
    if nxt in scales:
        return value * scales[nxt], i + 1
    return value, i


def _amount_noun(tokens: list[Token], first: int, last: int, nouns: frozenset[str]) -> str | None:
    n = len(tokens)
    # after: "$3.2 billion in aid", "€2m of funding", "$5 million aid package"
    k = last + 1
    if _low(tokens, k) in ("in", "of", "worth", "for"):
        k += 1
    for j in range(k, min(n, k + 3)):
        w = tokens[j].lower
        if tokens[j].text in _BREAK:
            break
        c = _AMOUNT_CANON.get(w, w)
        if c in nouns:
            return c
    # before: "damage estimated at €1.5bn", "a budget of $2 million", "fined $5 million"
    for j in range(first - 1, max(-1, first - 8), -1):
        if tokens[j].text in _BREAK:
            break
        w = tokens[j].lower
        if w == "fined" and "fine" in nouns:
            return "fine"
        c = _AMOUNT_CANON.get(w, w)
        if c in nouns:
            return c
    return None


def find_amounts(tokens: list[Token], nouns: frozenset[str], text: str = "") -> list[Measure]:
    """Money amounts of a thing the topic names (``nouns``: "aid", "damage")."""
    out: list[Measure] = []
    n = len(tokens)
    i = 0
    while i < n:
        lw = tokens[i].lower
        cur: str | None = None
        first = i
        if lw in CURRENCY_BEFORE and i + 1 < n and tokens[i + 1].kind == "num":
            cur, num = CURRENCY_BEFORE[lw], i + 1
            if lw == "$" and _low(tokens, i - 1) == "us" and tokens[i - 1].end == tokens[i].start:
                first = i - 1
        elif tokens[i].kind == "num":
            num = i
        else:
            i += 1
            continue
        read = _read_scaled(tokens, num)
        if read is None:
            i += 1
            continue
        value, last = read
        if cur is None:
            after = _low(tokens, last + 1)
            if after not in CURRENCY_AFTER:
                i = last + 1
                continue
            cur, last = CURRENCY_AFTER[after], last + 1
        qual, qual_start = _qualifier_before(tokens, first)
        noun = _amount_noun(tokens, qual_start, last, nouns)
        if noun is not None:
            forecast = _FORECAST.search(text[: tokens[last].end]) is not None
            out.append(
                Measure(noun, "amount", value, None, qual, cur,
                        tokens[qual_start].start, tokens[last].end,
                        "forecast/target" if forecast else None)
            )  # fmt: skip
        i = last + 1
    return out
