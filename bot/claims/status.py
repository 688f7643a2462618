"""Status and place claims: "are training", "in combat", "stationed at a base near X".

``find_status`` and ``find_location`` return a normalised status word or place
phrase when a sentence says where something is or what it is doing.
"""

from __future__ import annotations

import re

from bot.claims.sources import is_country_word

_LEAD = (
    r"\b(?:are|is|were|was|be|been|being|now|already|currently|arrived|deployed|stationed|"
    r"located|based|massing|gathered|sent)\s+(?:\w+\s+)?"
)
_STATUSES: list[tuple[str, re.Pattern[str]]] = [
    (
        "in combat",
        re.compile(
            _LEAD + r"(?:fighting|in\s+combat|(?:in|to)\s+the\s+combat\s+zone|on\s+the\s+front"
            r"\s*lines?|at\s+the\s+front|in\s+battle)\b",
            re.IGNORECASE,
        ),
    ),
    ("training", re.compile(_LEAD + r"(?:training|being\s+trained)\b", re.IGNORECASE)),
    ("contained", re.compile(_LEAD + r"(?:contained|under\s+control)\b", re.IGNORECASE)),
    ("on strike", re.compile(_LEAD + r"on\s+strike\b", re.IGNORECASE)),
    ("in custody", re.compile(_LEAD + r"in\s+custody\b", re.IGNORECASE)),
]
_PLACE = re.compile(
    _LEAD + r"(?P<prep>in|at|near|to)\s+(?P<loc>(?:the\s+|a\s+|an\s+)?"
    r"(?:(?:[A-Z][\w'’-]*|military|border|southern|northern|eastern|western|frontline)\s+){0,4}"
    r"(?:region|oblast|province|area|district|base|bases|border|borders|regions)"
    r"(?:\s+(?:north|south|east|west)\s+of\s+[A-Z][\w'’-]*)?)",
)


_SPECIFIC = frozenset(["base", "bases", "border", "borders", "frontline", "southern", "northern",
                       "eastern", "western", "military"])  # fmt: skip


_STATUS_PARTS = ("fighting", "combat", "front", "battle", "train", "contained", "control",
                 "strike", "custody")  # fmt: skip


_STATUS_PREFILTER = re.compile("|".join(_STATUS_PARTS), re.IGNORECASE)


# The state of an event the story follows: "the strike is under way", "the union suspended
# its strike", "the ceasefire has collapsed".
_EVENTS = (
    r"strike|walkout|stoppage|protests?|blockade|ceasefire|truce|talks|negotiations|"
    r"evacuation|search|rescue\s+operation|lockdown|curfew|state\s+of\s+emergency"
)
_EVENT_STATES = (
    r"under\s*way|suspended|called\s+off|cancell?ed|over|ended|lifted|postponed|extended|"
    r"resumed|collapsed|in\s+force|in\s+effect"
)
_EVENT_IS = re.compile(
    r"\b(?:the|its|their|our|this|a)\s+(?:\w+\s+){0,2}?(?P<event>" + _EVENTS + r")\s+"
    r"(?:(?:for|of|at|in|on|by|against)\s+(?:[\w'’-]+\s+){1,3}?)?"
    r"(?:(?:is|was|are|were|has\s+been|had\s+been|have\s+been|has|have|had|remains|"
    r"remained)\s+)"
    r"(?:(?:now|still|already|officially|formally|temporarily)\s+)?(?P<state>"
    + _EVENT_STATES
    + r")\b",
    re.IGNORECASE,
)
_EVENT_DONE = re.compile(
    r"\b(?P<state>suspended|called\s+off|cancell?ed|ended|lifted|postponed|extended|resumed)\s+"
    r"(?:its|their|the|a)\s+(?:\w+\s+){0,2}?(?P<event>" + _EVENTS + r")\b",
    re.IGNORECASE,
)
_STATE_NAMES = {"underway": "under way", "cancelled": "called off", "canceled": "called off",
                "over": "ended", "in effect": "in force"}  # fmt: skip
_EVENT_WORDS = ("strike", "walkout", "stoppage", "protest", "blockade", "ceasefire", "truce",
                "talks", "negotiations", "evacuation", "search", "rescue", "lockdown", "curfew",
                "emergency")  # fmt: skip


def find_event_status(sentence: str) -> tuple[str, str, int] | None:
    """("strike", "suspended", -1) for "The strike is suspended from tomorrow"; for "The
    union suspended its strike" the third item is where the verb starts (its subject is
    who did it), or ``None``."""
    low = sentence.lower()
    if not any(w in low for w in _EVENT_WORDS):
        return None
    verb_at = -1
    m = _EVENT_IS.search(sentence)
    if m is None:
        m = _EVENT_DONE.search(sentence)
        if m is None:
            return None
        verb_at = m.start()
    event = " ".join(m.group("event").lower().split())
    if event.endswith("s") and event not in ("talks", "negotiations"):
        event = event[:-1]
    state = " ".join(m.group("state").lower().split())
    return event, _STATE_NAMES.get(state, state), verb_at


def find_status(sentence: str) -> str | None:
    if _STATUS_PREFILTER.search(sentence) is None:
        return None
    for status, pattern in _STATUSES:
        if pattern.search(sentence):
            return status
    return None


def find_location(sentence: str) -> tuple[str, int, int] | None:
    """("in kursk region", start, end) or ``None``."""
    m = _PLACE.search(sentence)
    if not m:
        return None
    words = [w for w in m.group("loc").split() if w.lower() != "the" and not is_country_word(w)]
    if not words:
        return None
    if not any(w[0].isupper() or w.lower() in _SPECIFIC for w in words):
        return None  # "sent to the area": no place a reader could find
    prep = "in" if m.group("prep") == "to" else m.group("prep")
    return f"{prep} {' '.join(words)}".lower(), m.start("loc"), m.end("loc")
