"""Figure claims: every quantity in a sentence that measures something.

For each quantity the rule names what it measures (``measures.measure_of``),
settles a bare total from the context (the previous sentence, then the
headline), and marks a figure given only as a baseline for comparison
("up from 16,000", "541 a week earlier") as background and one that is a
forecast or target as such. A sentence about an event of an earlier year
("in 1998, when 1,200 people died") proposes no figure.
"""

from __future__ import annotations

import re

from bot.claims.candidates import FIGURE, Candidate
from bot.claims.lexicons import Lexicon, lexicon
from bot.claims.measures import Measure, measure_of
from bot.claims.quantities import Quantity
from bot.claims.view import ArticleView, SentenceView

_BASELINE_BEFORE = (("up", "from"), ("down", "from"), ("from",), ("compared", "with"),
                    ("compared", "to"), ("than",), ("previous",), ("previously",), ("earlier",),
                    ("initial",), ("preliminary",))  # fmt: skip
_BASELINE_AFTER = (("a", "week", "earlier"), ("a", "day", "earlier"), ("the", "day", "before"),
                   ("the", "previous", "day"), ("a", "week", "ago"), ("a", "day", "ago"),
                   ("last", "week"), ("earlier",), ("previously",), ("before",))  # fmt: skip


def _is_baseline(view: SentenceView, q: Quantity, others: list[Quantity]) -> bool:
    """An earlier value quoted beside the current one."""
    words = view.words
    for phrase in _BASELINE_BEFORE:
        n = len(phrase)
        if tuple(words[max(0, q.first - n) : q.first]) == phrase:
            if phrase == ("from",) and not any(o.first > q.last for o in others):
                return any(o.last < q.first for o in others)  # "rose to 9 from 8"
            return True
    for phrase in _BASELINE_AFTER:
        k = q.last + 1
        while k < len(words) and words[k] in ("deaths", "cases", "people", "dead", "injured"):
            k += 1
        if tuple(words[k : k + len(phrase)]) == phrase:
            return True
    return False


_YEAR = re.compile(r"\b(?:in|of|during)\s+(1[89]\d\d|20\d\d)\b|\b(1[89]\d\d|20\d\d)['’]s\b")
_ASIDE = re.compile(r",\s*(?:which|who|whose|when|established|founded)\b[^,]*,")


def history_year(view: SentenceView, article: ArticleView) -> int | None:
    """Where a sentence tells of an event of an earlier year ("Hurricane Harvey in 2017
    caused…", "in 1998, when 1,200 people died"): the character offset of that year. A
    year inside an aside (", which declared an epidemic in 2022,") or opening a running
    count ("since 2022") is no history."""
    if article.published is None:
        return None
    text = _ASIDE.sub(lambda m: " " * len(m.group()), view.text)
    for m in _YEAR.finditer(text):
        year = int(m.group(1) or m.group(2))
        if year <= article.published.year - 2:
            return m.start()
    return None


def _is_forecast(view: SentenceView, q: Quantity, lex: Lexicon) -> bool:
    """A forecast, target or possibility: a cue in the clause before the figure."""
    words = view.words
    k = q.first - 1
    while k >= 0 and q.first - k <= 8 and words[k] not in (",", ";", ":", "."):
        if words[k] in lex.forecast_cues:
            return True
        k -= 1
    return False


def _context_measure(article: ArticleView, view: SentenceView, lex: Lexicon) -> Measure | None:
    """The measure a bare total refers to: the previous sentence's, then the headline's."""
    for other in (article.previous(view), article.title):
        if other is None:
            continue
        for q in reversed(other.quantities):
            m = measure_of(other, q, lex)
            if m is not None and not m.generic and m.family:
                return Measure(m.family, m.words, generic=True)
        for i in range(len(other.words)):
            phrase = lex.measure.match(other.words, i)
            if phrase is not None and lex.measure_family[phrase] != "duration":
                return Measure(lex.measure_family[phrase], " ".join(phrase), generic=True)
    return None


def figure_candidates(
    article: ArticleView, view: SentenceView, lex: Lexicon | None = None
) -> list[Candidate]:
    lex = lex or lexicon()
    out: list[Candidate] = []
    history = history_year(view, article)
    found: list[tuple[Quantity, Measure | None]] = []
    for q in view.quantities:
        if history is not None and view.tokens[q.first].start > history:
            continue  # a figure of that earlier event
        m = measure_of(view, q, lex)
        if m is None:
            same_unit = [pm for pq, pm in found if pq.unit == q.unit and pm is not None]
            m = same_unit[-1] if same_unit else None  # "35%, up from 30%"
        if m is None or m.generic:
            m = _context_measure(article, view, lex) or m
        found.append((q, m))
    for q, m in found:
        out.append(
            Candidate(
                view=view,
                kind=FIGURE,
                quantity=q,
                measure=m,
                baseline=_is_baseline(view, q, [o for o in view.quantities if o is not q]),
                forecast=_is_forecast(view, q, lex),
            )
        )
    return out
