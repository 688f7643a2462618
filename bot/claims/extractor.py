"""The rule-based extractor: article -> scored candidate claims -> claims with key and source.

For one article and one topic it runs, in order: the cheap prefilter and the
sentence analysis (``view``), the rules (``rules/figures``,
``rules/statements``), the learned scorer (``scorer``), then names each kept
claim's source (``parties``, starting from the parties the store already
knows for the topic), its key (``keys``, matching the topic's known keys) and
its value, and dates it (``dates``: a background retelling is dated to when it
was said). Candidates the scorer turns down are returned as abstentions with
their score, for ``replay --debug``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from bot.claims.attribution import subject_before
from bot.claims.candidates import FIGURE, Candidate
from bot.claims.dates import when_asserted
from bot.claims.features import features
from bot.claims.keys import figure_key, proposition, stance_key, statement_key
from bot.claims.lexicons import Lexicon, lexicon
from bot.claims.model import (
    STANCE_OF_CUE,
    Abstention,
    ArticleText,
    ExtractedClaim,
    ExtractionContext,
    ExtractionResult,
    KnownKey,
)
from bot.claims.parties import Party, PartyResolver
from bot.claims.quantities import COUNT, Quantity
from bot.claims.rules.figures import figure_candidates
from bot.claims.rules.statements import statement_candidates
from bot.claims.scorer import Scorer, default_scorer
from bot.claims.view import ArticleView, SentenceView, analyse_article
from bot.domain import ClaimValue, Stance

_TERM = re.compile(r'"([^"]+)"|([^\s()"]+)')


def topic_terms(terms: Iterable[str]) -> frozenset[str]:
    """Lower-case topic words, prefix stars dropped (``flood*`` matches "floods")."""
    out = set()
    for t in terms:
        t = t.strip().lower().rstrip("*")
        if len(t) > 2 and t not in ("and", "not"):
            out.add(t)
    return frozenset(out)


def _figure_value(q: Quantity, unit_word: str) -> ClaimValue:
    unit = unit_word if q.unit == COUNT else ("%" if q.unit == "%" else q.unit)
    return ClaimValue.figure(q.low, q.qualifier, unit, q.high)


def _statement_value(c: Candidate, lex: Lexicon) -> ClaimValue:
    cue = c.cue
    if cue is None:
        negated = any(w in lex.negation or w.endswith("n't") for w in c.view.words)
        return ClaimValue.of_status("says not" if negated else "says")
    cls = cue.cls
    if cue.negated:
        opposite = lex.opposites.get(cls)
        if opposite is None:
            return ClaimValue.of_status(f"not: {STANCE_OF_CUE[cls]}")
        cls = opposite
    return ClaimValue.of_stance(STANCE_OF_CUE.get(cls, Stance.CONFIRMS))


class RuleExtractor:
    """Claims from rules over analysed sentences, kept by a learned scorer."""

    name = "rules"

    def __init__(self, scorer: Scorer | None = None, lex: Lexicon | None = None) -> None:
        self.scorer = scorer or default_scorer()
        self.lex = lex or lexicon()

    def candidates(
        self, article: ArticleText, context: ExtractionContext
    ) -> tuple[ArticleView, list[Candidate]]:
        """Every candidate with its features and score (kept or not), in text order."""
        terms = topic_terms(context.topic_terms)
        view = analyse_article(
            article.text,
            article.title,
            outlet=article.outlet,
            published=article.published_at,
            topic_terms=terms,
            lex=self.lex,
        )
        out: list[Candidate] = []
        for v in view.sentences:
            for c in [*figure_candidates(view, v, self.lex), *statement_candidates(view, v)]:
                c.features = features(c, view, terms, self.lex)
                c.score = self.scorer.score(c.kind, c.features)
                out.append(c)
        return view, out

    def extract(self, article: ArticleText, context: ExtractionContext) -> ExtractionResult:
        view, candidates = self.candidates(article, context)
        resolver = PartyResolver(context.known_parties, article.outlet, self.lex)
        known_keys = list(context.known_keys)
        result = ExtractionResult()
        lede: Party | None = None
        by_sentence: dict[int, list[Candidate]] = {}
        for c in candidates:
            by_sentence.setdefault(c.view.index, []).append(c)
        previous_party: tuple[int, Party] | None = None
        for v in view.sentences:
            party = self._attributed(v, resolver)
            resolver.note(v.mentions)
            if party is not None:
                lede = lede or party
                previous_party = (v.paragraph, party)
            for c in by_sentence.get(v.index, []):
                if not self.scorer.accepts(c.kind, c.score):
                    result.abstentions.append(
                        Abstention(v.text, v.start, v.end, f"{c.kind} scored {c.score:.2f}")
                    )
                    continue
                source = (
                    self._stance_holder(c, v, resolver)
                    or party
                    or self._voice(c, v, resolver, previous_party, lede)
                )
                claim = self._claim(c, v, source, article, context, known_keys)
                result.claims.append(claim)
                if not any(k.key == claim.key for k in known_keys):
                    known_keys.append(KnownKey(claim.key, claim.key_label))
        return result

    def _stance_holder(
        self, c: Candidate, v: SentenceView, resolver: PartyResolver
    ) -> Party | None:
        """Whose stance a cue states: the subject of the cue ("the ministry denied")."""
        if c.cue is None:
            return None
        subject = subject_before(v.tokens, v.words, v.mentions, c.cue.first)
        return resolver.resolve(subject) if subject is not None else None

    def _attributed(self, v: SentenceView, resolver: PartyResolver) -> Party | None:
        if v.attribution is None:
            return None
        return resolver.resolve(v.attribution.mention)

    def _voice(
        self,
        c: Candidate,
        v: SentenceView,
        resolver: PartyResolver,
        previous: tuple[int, Party] | None,
        lede: Party | None,
    ) -> Party:
        """The source of an unattributed claim: the sentence's subject for a statement, the
        nearby or lede attribution for a figure, else the outlet."""
        if c.kind != FIGURE and v.mentions and v.mentions[0].first <= 1:
            subject = resolver.resolve(v.mentions[0])
            if subject is not None:
                return subject
        if c.kind == FIGURE:
            if previous is not None and previous[0] == v.paragraph:
                return previous[1]
            if lede is not None:
                return lede
        return Party(resolver.outlet or "unattributed")

    def _claim(
        self,
        c: Candidate,
        v: SentenceView,
        party: Party,
        article: ArticleText,
        context: ExtractionContext,
        known_keys: list[KnownKey],
    ) -> ExtractedClaim:
        source = context.aliases.get(party.name.lower(), party.name)
        timing = when_asserted(v.text, article.published_at)
        asserted: datetime | None = timing.asserted_at
        background = timing.background or c.baseline
        if c.kind == FIGURE:
            assert c.quantity is not None
            key, label = figure_key(c.measure, c.quantity, c.forecast)
            unit_word = c.measure.family if c.measure and c.measure.family else "figure"
            if unit_word == "duration" and c.measure is not None and c.measure.words:
                unit_word = c.measure.words.split()[-1]  # "48 hours", not "48 duration"
            value = _figure_value(c.quantity, unit_word.replace("_", " "))
            precision = c.quantity.precision
        else:
            value = _statement_value(c, self.lex)
            if c.cue is not None:
                key, label = stance_key(source, c.cue.cls, self.lex)
            else:
                party_words = frozenset(w.lower() for w in source.split())
                words, gist = proposition(c, party_words, self.lex)
                key, label = statement_key(words, gist, known_keys, self.lex)
            precision = 0
        return ExtractedClaim(
            key=key,
            key_label=label,
            source=source,
            value=value,
            evidence=v.text,
            start=v.start,
            end=v.end,
            source_detail=party.speaker,
            asserted_at=asserted,
            background=background,
            precision=precision,
        )
