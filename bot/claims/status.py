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


# An institution's act that moves the story: "the Duma voted to approve a defence agreement",
# "prosecutors opened an investigation", "the governor declared a state of emergency".
# (thing names, verb stems -> the status a reader is told)
_ACTS: list[tuple[str, str, str, dict[str, str]]] = [
    (
        "treaty",
        r"treaty|pact|accord|agreement|deal",
        r"ratif(?:ied|ies|y)|approv(?:ed|es|e)|sign(?:ed|s)|adopt(?:ed|s)",
        {"ratif": "ratified", "approv": "approved", "sign": "signed", "adopt": "adopted"},
    ),
    (
        "bill",
        r"bill|legislation",
        r"pass(?:ed|es)|approv(?:ed|es|e)|adopt(?:ed|s)|sign(?:ed|s)|vetoe?(?:d|s)",
        {"pass": "passed", "approv": "approved", "adopt": "passed", "sign": "signed",
         "veto": "vetoed"},
    ),
    (
        "investigation",
        r"investigation|probe|inquiry|criminal\s+case|case|criminal\s+proceedings",
        r"open(?:ed|s)|launch(?:ed|es)|start(?:ed|s)|began|begins|initiat(?:ed|es)|"
        r"clos(?:ed|es)|dropp(?:ed)|drops",
        {"open": "opened", "launch": "opened", "start": "opened", "beg": "opened",
         "initiat": "opened", "clos": "closed", "drop": "closed"},
    ),
    (
        "state of emergency",
        r"state\s+of\s+emergency|emergency\s+rule|martial\s+law",
        r"declar(?:ed|es)|impos(?:ed|es)|lift(?:ed|s)|extend(?:ed|s)|end(?:ed|s)",
        {"declar": "declared", "impos": "declared", "lift": "lifted", "extend": "extended",
         "end": "lifted"},
    ),
    (
        "evacuation",
        r"evacuation",
        r"order(?:ed|s)|beg(?:an|un|ins)|start(?:ed|s)|halt(?:ed|s)|suspend(?:ed|s)",
        {"order": "ordered", "beg": "begun", "start": "begun", "halt": "halted",
         "suspend": "halted"},
    ),
    (
        "sanctions",
        r"sanctions",
        r"impos(?:ed|es)|lift(?:ed|s)|eas(?:ed|es)|extend(?:ed|s)",
        {"impos": "imposed", "lift": "lifted", "eas": "eased", "extend": "extended"},
    ),
]  # fmt: skip
_ACT_RES = [
    (
        thing,
        re.compile(
            r"\b(?:(?P<vote>voted\s+(?:\w+\s+)?to\s+)(?P<inf>\w+)|(?P<verb>" + verbs + r"))\s+"
            r"(?:(?:a|an|the|its|their|this|that|new|formal|official)\s+)?"
            r"(?:[\w'’-]+\s+){0,3}?(?P<thing>" + things + r")\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b(?P<thing>" + things + r")\s+(?:(?:has|had|have|was|were|is|are)\s+)+"
            r"(?:(?:now|formally|officially|already|been)\s+)*(?P<verb>" + verbs + r")\b",
            re.IGNORECASE,
        ),
        re.compile(r"^(?:" + verbs + r")$", re.IGNORECASE),
        states,
    )
    for thing, things, verbs, states in _ACTS
]
_ACT_WORDS = ("treat", "pact", "accord", "agreement", "deal", "bill", "legislation", "investig",
              "probe", "inquiry", "case", "proceedings", "emergency", "martial", "evacuation",
              "sanctions")  # fmt: skip
# "would ratify", "plans to open", "if it signed": not done
_NOT_DONE = re.compile(
    r"\b(?:will|would|could|should|may|might|must|if|unless|plans?|planned|expected|set|"
    r"wants?|wanted|threatened|calls?\s+on|called\s+on|urged?|asked)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)


def find_institution_act(sentence: str) -> tuple[str, str, int] | None:
    """("treaty", "ratified", 12) for "The Duma ratified the defence treaty"; the third
    item is where the verb starts (its subject did it), -1 for a passive ("the treaty was
    ratified"), or ``None``."""
    low = sentence.lower()
    if not any(w in low for w in _ACT_WORDS):
        return None
    for thing, active, passive, verb_re, states in _ACT_RES:
        m = active.search(sentence)
        verb_at = -1
        verb = None
        if m is not None:
            verb = m.group("verb") or m.group("inf")
            if m.group("vote") is None or verb_re.match(verb + "ed") or verb_re.match(verb):
                verb_at = m.start()
            else:
                m, verb = None, None
            if m is not None and m.group("vote") is None and not verb_re.match(verb):
                m, verb = None, None
        if m is None:
            m = passive.search(sentence)
            if m is None:
                continue
            verb = m.group("verb")
        if _NOT_DONE.search(sentence, max(0, (verb_at if verb_at >= 0 else m.start()) - 40),
                            verb_at if verb_at >= 0 else m.start("verb")):  # fmt: skip
            continue
        if thing == "investigation" and m.group("thing").lower() == "case" and verb_at < 0:
            continue  # "the case was closed" is too often a court's, not the story's
        v = verb.lower()
        if thing == "treaty" and m.groupdict().get("vote") and v.startswith("approv"):
            return thing, "ratified", verb_at  # a parliament's vote to approve a treaty
        for stem, state in states.items():
            if v.startswith(stem):
                return thing, state, verb_at
    return None
