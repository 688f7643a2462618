"""Statement claims: a party's stance or status, or what it says.

A sentence is a statement candidate when it attributes its content to a party
(a speech verb, "according to") or carries a stance or status cue (confirms,
denies, declines to comment, blames, resigns, declared, restored…). The cue
nearest the content, negation included, is the statement's value (a ``stance``
candidate); an attributed sentence with no cue is an ``assertion``.
"""

from __future__ import annotations

from bot.claims.candidates import ASSERTION, STANCE, Candidate
from bot.claims.view import ArticleView, Cue, SentenceView


def main_cue(view: SentenceView) -> Cue | None:
    """The cue that carries the stance: the first one after the attribution verb, else the first."""
    if not view.cues:
        return None
    if view.attribution is not None:
        after = [c for c in view.cues if c.first >= view.attribution.cue_index]
        if after:
            return after[0]
    return view.cues[0]


def statement_candidates(article: ArticleView, view: SentenceView) -> list[Candidate]:
    if view.attribution is None and not view.cues:
        return []
    cue = main_cue(view)
    return [Candidate(view=view, kind=STANCE if cue is not None else ASSERTION, cue=cue)]
