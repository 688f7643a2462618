"""The analysed-sentence view every rule reads, and the article around it.

``analyse_article`` splits an article into prose sentences and builds, for each
candidate sentence, one ``SentenceView``: tokens, quantities, party mentions,
the attribution, stance cues with their negation, and flags for modality,
background wording, quotation and page furniture. The ``ArticleView`` keeps
the headline's view, the sentences in order and the outlet, so that rules can
read the context (the previous sentence, the lede, the headline).

The cheap prefilter (``is_candidate``) runs before any of this: a sentence
with no digit, number word, cue word or topic term is never analysed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from bot.claims.attribution import Attribution, find_attribution
from bot.claims.lexicons import Lexicon, lexicon
from bot.claims.mentions import Mention, find_mentions
from bot.claims.quantities import Quantity, find_quantities
from bot.claims.sentences import split_sentences
from bot.claims.tokens import Token, tokenize

_QUOTES_OPEN = ('"', "“", "‘", "'")
_LOWER_WORD = re.compile(r"(?<![\w.])[a-z][a-z]+(?:['’][a-z]+)?\b")
_NUMBER_WORD = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozens?|hundreds|"
    r"thousands|millions|half)\b",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z .'’-]{2,40}(?:,\s*[A-Z][\w .]{1,30})?\s*"
    r"(?:\([\w .&/-]{2,40}\)\s*)?[-–—:]+\s*"
    r"|\(?[A-Z][a-z]{2,8}\.? \d{1,2} \((?:UPI|AP|AFP|Reuters)\)\s*[-–—]+\s*)"
)


@dataclass(frozen=True)
class Cue:
    """A stance or status cue: its class, token span, and whether it is negated."""

    cls: str
    first: int
    last: int
    negated: bool


@dataclass
class SentenceView:
    """One sentence as every rule sees it."""

    index: int
    text: str
    start: int
    end: int
    paragraph: int
    tokens: list[Token]
    words: list[str]
    quantities: list[Quantity]
    mentions: list[Mention]
    attribution: Attribution | None
    cues: list[Cue]
    negated: bool
    modal: bool
    background: bool
    quoted: bool
    furniture: bool
    is_title: bool = False

    def span_text(self, first: int, last: int) -> str:
        return self.text[self.tokens[first].start : self.tokens[last].end]


@dataclass
class ArticleView:
    """An article's sentences (only candidates are analysed) and its context."""

    title: SentenceView | None
    sentences: list[SentenceView]
    outlet: str = ""
    published: datetime | None = None
    all_sentences: int = 0
    extra: dict[str, object] = field(default_factory=dict)

    def previous(self, view: SentenceView) -> SentenceView | None:
        """The analysed sentence just before ``view``, if it is the one before it."""
        pos = self.sentences.index(view)
        if pos > 0 and self.sentences[pos - 1].index == view.index - 1:
            return self.sentences[pos - 1]
        return None


def is_candidate(text: str, topic_terms: frozenset[str], lex: Lexicon) -> bool:
    """The cheap prefilter: a figure, a number word, a cue word or a topic term."""
    if any(c.isdigit() for c in text) or _NUMBER_WORD.search(text):
        return True
    low = text.lower()
    words = set(re.findall(r"[a-z']+", low))
    return bool(
        words & lex.speech
        or (words & lex.stance.first_words) - lex.stopwords
        or any(t in low for t in topic_terms)
    )


def _cues(words: list[str], lex: Lexicon) -> list[Cue]:
    out: list[Cue] = []
    i = 0
    while i < len(words):
        phrase = lex.stance.match(words, i)
        if phrase is None:
            i += 1
            continue
        cls = lex.stance_class[phrase]
        self_negative = any(w in lex.negation for w in phrase)
        negated = not self_negative and any(
            w in lex.negation or w.endswith("n't") for w in words[max(0, i - 3) : i]
        )
        out.append(Cue(cls, i, i + len(phrase) - 1, negated))
        i += len(phrase)
    return out


def _has_phrase(words: list[str], index: object) -> bool:
    return any(index.match(words, i) is not None for i in range(len(words)))  # type: ignore[attr-defined]


def analyse_sentence(
    index: int,
    text: str,
    start: int,
    end: int,
    paragraph: int,
    *,
    is_title: bool = False,
    lex: Lexicon | None = None,
    common: frozenset[str] = frozenset(),
) -> SentenceView:
    lex = lex or lexicon()
    tokens = tokenize(text)
    words = [t.lower for t in tokens]
    mentions = find_mentions(text, tokens, lex, common)
    low = text.lower()
    stripped = text.lstrip()
    return SentenceView(
        index=index,
        text=text,
        start=start,
        end=end,
        paragraph=paragraph,
        tokens=tokens,
        words=words,
        quantities=find_quantities(tokens),
        mentions=mentions,
        attribution=find_attribution(tokens, mentions, headline=is_title, lex=lex),
        cues=_cues(words, lex),
        negated=any(w in lex.negation or w.endswith("n't") for w in words),
        modal=any(w in lex.modality for w in words),
        background=_has_phrase(words, lex.background),
        quoted=stripped.startswith(_QUOTES_OPEN),
        furniture=any(b in low for b in lex.boilerplate),
        is_title=is_title,
    )


def lower_case_words(text: str) -> frozenset[str]:
    """The words an article writes in lower case somewhere (its ordinary words)."""
    return frozenset(_LOWER_WORD.findall(text))


def strip_dateline(text: str, start: int) -> tuple[str, int]:
    """ "BEIRUT (Reuters) - The …" -> "The …", with the start moved past the dateline."""
    m = _DATELINE.match(text)
    if m and m.end() < len(text) - 20:
        return text[m.end() :], start + m.end()
    return text, start


def analyse_article(
    text: str,
    title: str = "",
    *,
    outlet: str = "",
    published: datetime | None = None,
    topic_terms: frozenset[str] = frozenset(),
    lex: Lexicon | None = None,
) -> ArticleView:
    """Split and analyse an article; sentences failing the prefilter are not analysed."""
    lex = lex or lexicon()
    sentences = split_sentences(text)
    common = lower_case_words(text)
    views: list[SentenceView] = []
    for i, s in enumerate(sentences):
        body, start = strip_dateline(s.text, s.start) if i < 2 else (s.text, s.start)
        if not is_candidate(body, topic_terms, lex):
            continue
        views.append(analyse_sentence(i, body, start, s.end, s.paragraph, lex=lex, common=common))
    title_view = None
    if title.strip():
        title_view = analyse_sentence(
            -1, title.strip(), 0, 0, -1, is_title=True, lex=lex, common=common
        )
    return ArticleView(
        title=title_view,
        sentences=views,
        outlet=outlet,
        published=published,
        all_sentences=len(sentences),
    )
