"""Word, number and punctuation tokens with character offsets.

Numbers keep their thousands separators ("12,000", "12 000") in one token;
hyphenated words ("year-old", "Yong-hyun") stay one word token.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d])"
    r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.])"
    r"|\d+(?:\.\d+)?|(?<![\w.])\.\d+)"
    r"|(?P<word>(?:[A-Z]\.){2,}|[^\W\d_]+(?:['’\-][^\W\d_]+)*(?:(?<=s)['’](?![^\W\d_]))?)"
    r"|(?P<punct>\S)",
    re.UNICODE,
)


class Token(NamedTuple):
    kind: str  # "num" | "word" | "punct"
    text: str
    start: int
    end: int
    lower: str = ""


def tokenize(text: str) -> list[Token]:
    """All tokens of ``text`` in order, offsets relative to ``text``."""
    out = []
    for m in _TOKEN.finditer(text):
        g = m.group()
        out.append(Token(m.lastgroup or "punct", g, m.start(), m.end(), g.lower()))
    return out
