"""Stances on the topic's proposition: confirms, denies, declines, considers credible.

``find_stance`` returns the stance cue in a sentence with its position (the
speaker is looked for before it). Declining forms ("cannot confirm", "did not
deny", "this is our business") are checked before plain confirm/deny words so
that a negated cue never reads as its opposite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.claims.model import Stance

_NEG = r"(?:cannot|can\s*not|can['’]t|could\s+not|couldn['’]t|did\s+not|didn['’]t|does\s+not|doesn['’]t|do\s+not|don['’]t|would\s+not|wouldn['’]t|will\s+not|won['’]t|is\s+not|was\s+not|not|unable\s+to|has\s+yet\s+to|have\s+yet\s+to|has\s+not|have\s+not|had\s+not|never)"  # noqa: E501

_PATTERNS: list[tuple[Stance, re.Pattern[str]]] = [
    (
        Stance.DECLINES,
        re.compile(
            r"\bneither\s+confirm(?:ed|s)?\s+nor\s+den(?:y|ied|ies)\b"
            r"|\b" + _NEG + r"\s+(?:\w+\s+)?(?:confirm|deny|comment)\w*"
            r"|\b(?:declin|refus|avoid|refrain)\w*\s+(?:from\s+)?(?:to\s+)?"
            r"(?:confirm|comment|deny|den(?:y|ying))\w*"
            r"|\bno\s+comment\b"
            r"|\bour\s+(?:own\s+)?(?:business|sovereign\s+(?:decision|right|matter)|internal\s+"
            r"(?:affair|matter)s?)\b",
            re.IGNORECASE,
        ),
    ),
    (
        Stance.DENIES,
        re.compile(
            r"\b(?:denied|denies|deny|denying|dismissed|dismisses)\b"
            r"|\b(?:rejected|rejects|refuted|refutes)\s+(?:the\s+|these\s+|this\s+|such\s+)?"
            r"(?:\w+\s+)?(?:claims?|allegations?|reports?|accusations?|assertions?)\b"
            r"|\b(?:fake|deception|baseless|groundless|false|untrue|nonsense|fabricat\w*|"
            r"disinformation|hoax)\b"
            r"|\b(?:are|were|is|all|of|these|those|such)\s+lies\b"
            r"|\bthere\s+(?:are|is|were|was)\s+no\s+(?!(?:immediate\s+|further\s+|official\s+)?"
            r"(?:reports?|word|details?|comments?|information|confirmation|indication)\b)"
            r"|\b(?:has|have|had|did|does|do|is|are|was|were)\s+not\s+(?:\w+\s+)?"
            r"(?:sent|send|sending|deployed|deploy|deploying|dispatched)\b",
            re.IGNORECASE,
        ),
    ),
    (
        Stance.CREDIBLE,
        re.compile(
            r"\b(?:credible|plausible|(?:very|highly|most|quite)\s+likely|likely\s+(?:true|"
            r"accurate)|believes?\b[^.]*\btrue\b)",
            re.IGNORECASE,
        ),
    ),
    (
        Stance.CONFIRMS,
        re.compile(
            r"\b(?:confirmed|confirms|confirm|acknowledged|acknowledges|admitted|admits|"
            r"accused|accuses|established\s+that|verified)\b",
            re.IGNORECASE,
        ),
    ),
]


_VERBAL = re.compile(
    r"(?:neither|cannot|can|could|did|does|do|would|will|is|was|not|unable|has|have|had|never|"
    r"declin|refus|avoid|refrain|denied|denies|deny|denying|dismiss|reject|refut|confirm|"
    r"acknowledg|admit|accus|there|establish|verif)",
    re.IGNORECASE,
)


_FIGURE_OBJECT = re.compile(
    r"\s+(?:the|these|those|its|their|this|that)\s+(?:[\w'’-]+\s+){0,2}?"
    r"(?:figures?|numbers?|estimates?|counts?|tolls?|tally|data)\b",
    re.IGNORECASE,
)
_COUNT_NOUN_BEFORE = re.compile(
    r"\b(?:cases|deaths|infections|dead|casualties|fatalities)\s+(?:were\s+|was\s+)?$", re.I
)
_FIGURE_DISPUTE = re.compile(
    r"\b(?:rejected|rejects|dismissed|dismisses|disputed|disputes|denied|denies)"
    + _FIGURE_OBJECT.pattern,
    re.IGNORECASE,
)
# "The 2,000 figure is fake", "these numbers are false": a dispute over a number
_FIGURE_IS = re.compile(
    r"\b(?:figures?|numbers?|estimates?|counts?|tolls?|tally|data|statistics)\s+"
    r"(?:is|are|was|were|seems?|looks?)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
_NOT_CONFIRM_BEFORE = re.compile(r"(?:\bbe|\bto|\bif|\bthe|\bof|\ba|\bits)\s+$", re.I)
_CONFIRMED_NOUN = re.compile(
    r"confirmed\s+(?:\w+\s+)?(?:cases?|deaths?|toll|dead|infections?|count|figures?|number)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class StanceCue:
    stance: Stance
    start: int
    end: int
    verbal: bool = True  # "denied", "cannot confirm" (a verb whose subject speaks)
    existential: bool = False  # "there are no …": a denial only if the topic follows


# Every cue above contains one of these (lower case): a cheap test before the regexes.
_CUE_PARTS = (
    "confirm", "deni", "deny", "comment", "declin", "refus", "avoid", "refrain", "our ", "dismiss",
    "reject", "refut", "fake", "decept", "baseless", "groundless", "false", "untrue", "lies",
    "nonsense", "fabricat", "disinform", "hoax", "credib", "plausib", "likely", "believ",
    "acknowledg", "admit", "accus", "there ", " not ", "establish", "verified",
)  # fmt: skip


_CUE_PREFILTER = re.compile("|".join(re.escape(p) for p in _CUE_PARTS), re.IGNORECASE)


def find_stance(sentence: str) -> StanceCue | None:
    """The first-priority stance cue in ``sentence``, or ``None``."""
    if _CUE_PREFILTER.search(sentence) is None:
        return None
    for stance, pattern in _PATTERNS:
        m = pattern.search(sentence)
        if m:
            if stance is Stance.DENIES and (
                _FIGURE_OBJECT.match(sentence, m.end())
                or _FIGURE_DISPUTE.search(sentence)
                or _FIGURE_IS.search(sentence, max(0, m.start() - 40), m.start())
            ):
                continue  # "rejected the figures as fake": a dispute over a number
            if stance is Stance.CONFIRMS and (
                _NOT_CONFIRM_BEFORE.search(sentence, max(0, m.start() - 12), m.start())
                or _COUNT_NOUN_BEFORE.search(sentence, max(0, m.start() - 24), m.start())
                or _CONFIRMED_NOUN.match(sentence, m.start())
            ):
                continue  # "yet to be confirmed", "if confirmed", "the confirmed death toll"
            existential = m.group().lower().startswith("there")
            return StanceCue(
                stance, m.start(), m.end(), bool(_VERBAL.match(m.group())), existential
            )
    return None


# A speaker asserting the proposition itself, with no cue verb: "(said that) Zubrian
# officers had already been in Borduria", "Zubrian soldiers are in Borduria".
_PRESENCE = re.compile(
    r"(?P<subj>(?:[\w'’-]+\s+){0,2}?(?:troops|soldiers|servicemen|officers|units|personnel|"
    r"forces|fighters|contingent))\s+"
    r"(?:(?:are|were|is|was|(?:have|has|had)\s+(?:already\s+)?been)\s+)"
    r"(?:(?:already|now|currently|still|indeed)\s+)?"
    r"(?:in|inside|present\s+in|deployed\s+(?:in|to)|stationed\s+in|fighting\s+in)\s+[A-Z]",
)
_NOT_ASSERTED = re.compile(
    r"\?|\b(?:if|whether|would|could|might|may|reportedly|allegedly|rumou?rs?|claims?\s+that|"
    r"reports?\s+that|believed?|suspect\w*|accus\w*|no|not|never)\b",
    re.IGNORECASE,
)


def find_presence_assertion(sentence: str, topic: re.Pattern[str]) -> int | None:
    """Where "Zubrian troops are in Borduria" starts when the sentence asserts it
    flatly and the topic's own terms name the subject, or ``None``."""
    if "troop" not in sentence and "soldier" not in sentence and "officer" not in sentence \
            and "servicemen" not in sentence and "units" not in sentence \
            and "personnel" not in sentence and "forces" not in sentence:  # fmt: skip
        return None
    m = _PRESENCE.search(sentence)
    if m is None or topic.search(m.group("subj")) is None:
        return None
    if _NOT_ASSERTED.search(sentence):
        return None
    # the subject must name the topic's side, not just the counted noun
    if not any(w[:1].isupper() for w in m.group("subj").split()[:-1]):
        return None
    return m.start()
