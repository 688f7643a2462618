"""Reading numbers: digits with separators and scales, number words, and qualifiers.

``parse_number`` reads one number written with digits, separators and a scale
("12,000", "12 000", "1.5 million", "10k", "$5.4bn") or in words ("two
thousand", "a dozen", "half a billion"); ``read_number`` reads one from a token
list; ``qualifier_before`` reads the words that qualify it ("at least", "nearly",
"up to"). What the number is — a count, a percentage, money, a time — is the job
of ``quantities``.
"""

from __future__ import annotations

import re

from bot.claims.tokens import Token
from bot.domain import Qualifier

SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}  # fmt: skip
SHORT_SCALES = {
    "k": 1_000, "m": 1_000_000, "mn": 1_000_000, "mln": 1_000_000, "bn": 1_000_000_000,
    "b": 1_000_000_000, "tn": 1_000_000_000_000, "trn": 1_000_000_000_000, **SCALES,
}  # fmt: skip
VAGUE = {
    "dozens": (24.0, 99.0),
    "scores": (40.0, 99.0),
    "hundreds": (200.0, 999.0),
    "thousands": (2_000.0, 9_999.0),
    "millions": (2_000_000.0, 9_999_999.0),
}
VAGUE_OF = {
    ("tens", "thousands"): (20_000.0, 99_999.0),
    ("hundreds", "thousands"): (200_000.0, 999_999.0),
    ("tens", "millions"): (20_000_000.0, 99_999_999.0),
}
QUALIFIERS_BEFORE: list[tuple[tuple[str, ...], Qualifier]] = [
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
QUALIFIERS_BY_LAST: dict[str, list[tuple[tuple[str, ...], Qualifier]]] = {}
for _phrase, _qual in QUALIFIERS_BEFORE:
    QUALIFIERS_BY_LAST.setdefault(_phrase[-1], []).append((_phrase, _qual))

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
NUMBER_WORDS = frozenset(SMALL) | frozenset(SCALES) | {"a", "an", "and", "half"}
_DIGITS = re.compile(r"[\s,\u00a0\u202f]")


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
            value *= SHORT_SCALES[m.group(2)]
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
        elif w in SMALL:
            current += SMALL[w]
            seen = True
        elif w == "hundred":
            current = (current or 1.0) * 100
            seen = True
        elif w in SCALES:
            total += (current or 1.0) * SCALES[w]
            current = 0.0
            seen = True
        else:
            return None
    if not seen:
        return None
    value = total + current
    return value / 2 if half else value


def low(tokens: list[Token], i: int) -> str:
    return tokens[i].lower if 0 <= i < len(tokens) else ""


def read_number(tokens: list[Token], i: int) -> tuple[float, int, bool] | None:
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
        nxt = low(tokens, i + 1)
        money = low(tokens, i - 1) in CURRENCY_BEFORE
        if nxt in SHORT_SCALES and (
            nxt in SCALES
            or nxt in ("mln", "bn", "mn", "tn", "trn")
            or (tokens[i + 1].start == tok.end and (money or nxt not in ("b", "m")))
        ):
            if nxt == "m" and low(tokens, i + 2) == ".":
                return value, last, False  # "8 a.m."-like, handled elsewhere
            return value * SHORT_SCALES[nxt], i + 1, True
        return value, last, False
    if tok.kind != "word":
        return None
    words: list[str] = []
    j = i
    while j < len(tokens) and tokens[j].kind == "word":
        parts = tokens[j].lower.split("-")
        if not all(p in NUMBER_WORDS for p in parts):
            break
        words.extend(parts)
        j += 1
    while words and words[-1] in ("and", "a", "an", "half"):
        words.pop()
        j -= 1
    if not words or words[0] == "and" or words in (["one"], ["half"]):
        return None
    if words[0] in ("a", "an") and (len(words) < 2 or words[1] not in ("dozen", *SCALES)):
        return None
    if words[0] == "half" and (len(words) < 3 or words[2] not in SCALES):
        return None
    value = _parse_words(words)
    if value is None:
        return None
    return value, j - 1, any(w in SCALES for w in words)


def qualifier_before(tokens: list[Token], i: int) -> tuple[Qualifier, int]:
    for phrase, qual in QUALIFIERS_BY_LAST.get(low(tokens, i - 1), ()):
        n = len(phrase)
        if i - n >= 0 and tuple(t.lower for t in tokens[i - n : i]) == phrase:
            return qual, i - n
    return Qualifier.EXACT, i
