"""The features the claim scorer reads: general cues only, never a story's words.

``features`` describes one candidate claim with numbers in [0, 1]: where the
sentence sits, whether and how it is attributed, quotation, modality,
negation, the stance cues present; for a figure its unit, qualifier, size and
what it measures; for a statement the cue that carries it. The same function
serves training (``bot/quality/train.py``) and extraction, so the weights
always meet the features they were trained on.
"""

from __future__ import annotations

import math
import re

from bot.claims.candidates import FIGURE, Candidate
from bot.claims.lexicons import Lexicon, lexicon
from bot.claims.view import ArticleView

_PAST_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_FIRST_PERSON = frozenset(["i", "we", "our", "us", "my", "me"])


def content_words(words: list[str], lex: Lexicon) -> set[str]:
    return {w for w in words if w.isalpha() and w not in lex.stopwords and len(w) > 2}


def _quoted_share(text: str) -> float:
    """Share of the sentence's characters inside quotation marks."""
    inside = 0
    before_first = 0
    is_open = False
    seen = False
    for ch in text:
        if ch in '"“”':
            if not seen and ch == "”":
                inside += before_first  # the sentence continues a quote opened earlier
            seen = True
            is_open = (not is_open) if ch == '"' else ch == "“"
            continue
        if is_open:
            inside += 1
        elif not seen:
            before_first += 1
    return inside / max(1, len(text))


def _old_year(text: str, article: ArticleView) -> bool:
    """The sentence names a year at least two years before the article: history."""
    if article.published is None:
        return False
    return any(int(y) <= article.published.year - 2 for y in _PAST_YEAR.findall(text))


def features(
    c: Candidate,
    article: ArticleView,
    topic_terms: frozenset[str],
    lex: Lexicon | None = None,
) -> dict[str, float]:
    """The feature vector of candidate ``c`` (sparse: absent means 0)."""
    lex = lex or lexicon()
    v = c.view
    words = v.words
    low = v.text.lower()
    f: dict[str, float] = {
        "pos": min(v.index, 15) / 15,
        "first": float(v.index == 0),
        "pos_rel": v.index / max(1, article.all_sentences),
        "len": min(len(words), 60) / 60,
        "quoted": float(v.quoted),
        "quoted_share": _quoted_share(v.text),
        "furniture": float(v.furniture),
        "modal": float(v.modal),
        "neg": float(v.negated),
        "bg": float(v.background),
        "question": float(v.text.rstrip().endswith("?")),
        "indiv": float(any(x in low for x in lex.individual)),
        "topic": float(any(t in low for t in topic_terms)),
        "nq": min(len(v.quantities), 5) / 5,
        "year": float(bool(_PAST_YEAR.search(v.text))),
        "old_year": float(_old_year(v.text, article)),
        "ncues": min(len(v.cues), 5) / 5,
        "speech": float(any(w in lex.speech for w in words)),
        "mentions": min(len(v.mentions), 6) / 6,
        "caps": sum(1 for t in v.tokens if t.kind == "word" and t.text[:1].isupper())
        / max(1, len(words)),
        "first_person": float(any(w in _FIRST_PERSON for w in words)),
    }
    if article.title is not None:
        title_words = content_words(article.title.words, lex)
        mine = content_words(words, lex)
        f["title_ov"] = len(mine & title_words) / max(1, len(mine))
    a = v.attribution
    f["attr"] = float(a is not None)
    if a is not None:
        f["attr_" + a.kind] = 1.0
        f["attr_m_" + a.mention.kind] = 1.0
    for cls in {cue.cls for cue in v.cues}:
        f["cue_" + cls] = 1.0
    if c.kind == FIGURE:
        _figure_features(c, f, topic_terms, title_words if article.title else set(), lex)
    else:
        f["stmt"] = 1.0
        f["has_fig"] = float(bool(v.quantities))
        if c.cue is not None:
            f["main_" + c.cue.cls] = 1.0
            f["main_neg"] = float(c.cue.negated)
    return f


def _figure_features(
    c: Candidate,
    f: dict[str, float],
    topic_terms: frozenset[str],
    title_words: set[str],
    lex: Lexicon,
) -> None:
    q = c.quantity
    assert q is not None
    m = c.measure
    f["fig"] = 1.0
    f["u_money" if q.is_money else "u_" + ("pct" if q.unit == "%" else q.unit)] = 1.0
    f["q_" + q.qualifier.value.replace(" ", "_")] = 1.0
    unit = "money" if q.is_money else ("pct" if q.unit == "%" else q.unit)
    f["vague"] = float(q.vague)
    f[f"logv_{unit}"] = min(math.log10(max(q.low, 1.0)), 12) / 12
    if unit == "count":
        f["small_count"] = float(q.low < 10)
        f["round_count"] = float(q.low >= 100 and q.low % 100 == 0)
    f["baseline"] = float(c.baseline)
    f["forecast"] = float(c.forecast)
    if m is None:
        f["m_none"] = 1.0
        return
    f["m_generic"] = float(m.generic)
    f["m_known"] = float(m.family in lex.families)
    f[f"m_known_{unit}"] = float(m.family in lex.families)
    f["m_people"] = float(m.family == "people")
    f["m_duration"] = float(m.family == "duration")
    f["m_physical"] = float(m.family == "physical")
    f["m_topic"] = float(any(t in m.words for t in topic_terms))
    f["m_title"] = float(bool(set(m.words.split()) & title_words))
