"""Word, number and punctuation tokens with character offsets.

Numbers keep their thousands separators ("12,000", "12 000") in one token;
hyphenated words ("year-old", "Yong-hyun") stay one word token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d])"
    r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.])"
    r"|\d+(?:\.\d+)?)"
    r"|(?P<word>[^\W\d_]+(?:['’\-][^\W\d_]+)*)"
    r"|(?P<punct>\S)",
    re.UNICODE,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "num" | "word" | "punct"
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


def tokenize(text: str) -> list[Token]:
    """All tokens of ``text`` in order, offsets relative to ``text``."""
    return [
        Token(m.lastgroup or "punct", m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)
    ]
