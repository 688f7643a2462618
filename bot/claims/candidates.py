"""A candidate claim: what a rule proposes before scoring, keying and detection."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.claims.measures import Measure
from bot.claims.quantities import Quantity
from bot.claims.view import Cue, SentenceView

FIGURE = "figure"
STANCE = "stance"  # a statement carried by a stance or status cue
ASSERTION = "assertion"  # an attributed statement with no cue
KINDS = (FIGURE, STANCE, ASSERTION)


@dataclass
class Candidate:
    """One proposed claim in one sentence, with the evidence the scorer reads."""

    view: SentenceView
    kind: str
    quantity: Quantity | None = None
    measure: Measure | None = None
    cue: Cue | None = None
    baseline: bool = False
    forecast: bool = False
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
