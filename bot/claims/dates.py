"""When a claim was made: dated mentions and background (earlier) statements.

``when_asserted`` reads a sentence for "On Oct. 17", "March 3", "last week",
"on Monday", "yesterday", "N days ago", "earlier", "previously" and past perfect
speech ("had said"), resolves dates relative to the article's publication
time, and says whether the sentence reports an earlier statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTH_NAMES = frozenset(
    [
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december",
    ]
)  # fmt: skip
MONTH_ABBREVIATIONS = frozenset([*_MONTHS, "sept"]) - {"may"}
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTH_DAY = re.compile(
    r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{4}))?",
    re.IGNORECASE,
)
_DAY_MONTH = re.compile(
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+(?P<year>\d{4}))?\b",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(
    r"\b(?:on\s+|last\s+)?(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\b(?P<rel>yesterday|last\s+week|last\s+month|last\s+year|earlier\s+this\s+(?:week|month|year)"
    r"|(?P<n>\d+|a|one|two|three|four|five|six|several|a\s+few)\s+(?P<unit>days?|weeks?|months?)"
    r"\s+ago)\b",
    re.IGNORECASE,
)
_EARLIER = re.compile(
    r"\b(?:earlier|previously|had\s+(?:\w+\s+)?(?:said|claimed|stated|reported|announced|"
    r"estimated|warned|confirmed|denied|rejected|told|put|given)|last\s+(?:week|month|year)|"
    r"\w+\s+ago)\b",
    re.IGNORECASE,
)
# Time phrases that date something other than the statement: "since Tuesday" starts a
# period; "(up) from 38 a day earlier" dates the old figure the new one is compared with;
# "Friday's earthquake" dates the event.
_NOT_STATEMENT_TIME = re.compile(
    r"\b(?:since|until|till|through)\s+(?:the\s+(?:start|end|beginning|middle)\s+of\s+)?"
    r"(?:(?:last|early|late|mid-?)\s*)?[\w.]+(?:\s+\d{1,2}(?:st|nd|rd|th)?\b)?"
    r"|\b(?:up|down|rising|falling|risen|fallen)?\s*from\s+(?:about\s+|around\s+|some\s+)?"
    r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b[^,;.]{0,40}"
    # "Friday's earthquake", "last week's vote": when the event happened
    r"|\b(?:(?:last|this)\s+)?(?:week|month|year|weekend|yesterday|today|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday)['’]s\b",
    re.IGNORECASE,
)
_SMALL_N = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


@dataclass(frozen=True)
class Timing:
    background: bool
    asserted_at: datetime | None


def _at(published: datetime, day: datetime) -> datetime:
    return day.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=published.tzinfo)


def _resolve(sentence: str, published: datetime | None) -> datetime | None:
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        m = pattern.search(sentence)
        if not m:
            continue
        month = _MONTHS[m.group("month")[:3].lower()]
        day = int(m.group("day"))
        year_s = m.group("year")
        if year_s:
            year = int(year_s)
        elif published is not None:
            year = published.year
            if (month, day) > (published.month, published.day):
                year -= 1  # "Dec. 30" in a January article
        else:
            continue
        try:
            when = datetime(year, month, day)
        except ValueError:
            continue
        if published is not None:
            return _at(published, when)
        return when
    if published is None:
        return None
    m = _RELATIVE.search(sentence)
    if m:
        rel = m.group("rel").lower()
        if rel == "yesterday":
            return _at(published, published - timedelta(days=1))
        if rel.startswith("last week"):
            return _at(published, published - timedelta(days=7))
        if rel.startswith("last month"):
            return _at(published, published - timedelta(days=30))
        if rel.startswith("last year"):
            return _at(published, published - timedelta(days=365))
        if m.group("unit"):
            n_s = m.group("n").lower()
            n = int(n_s) if n_s.isdigit() else _SMALL_N.get(n_s, 3)
            unit = m.group("unit").lower()
            days = n * (1 if unit.startswith("day") else 7 if unit.startswith("week") else 30)
            return _at(published, published - timedelta(days=days))
    m = _WEEKDAY.search(sentence)
    if m:
        wd = _WEEKDAYS[m.group("wd").lower()]
        back = (published.weekday() - wd) % 7
        if m.group(0).lower().startswith("last") and back == 0:
            back = 7
        return _at(published, published - timedelta(days=back))
    return None


def when_asserted(sentence: str, published: datetime | None) -> Timing:
    """Whether ``sentence`` reports an earlier statement, and when it was made."""
    low = sentence.lower()
    if "since" in low or "from" in low or "'s" in low or "’s" in low or "til" in low:
        sentence = _NOT_STATEMENT_TIME.sub(" ", sentence)
    when = _resolve(sentence, published)
    background = bool(_EARLIER.search(sentence))
    if when is not None and published is not None:
        if (published.date() - when.date()).days >= 2:
            background = True
        elif when.date() > published.date():
            when = None  # a future date is a plan, not when it was said
    if background and when is None and published is not None:
        # "had earlier rejected the claims": said before this article, day unknown
        when = _at(published, published - timedelta(days=1))
    return Timing(background, when)
