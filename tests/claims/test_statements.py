"""The statement rule on sentences we wrote: stance cues, negation, assertions, holders."""

from __future__ import annotations

import pytest

from bot.claims.candidates import ASSERTION, STANCE
from bot.claims.extractor import RuleExtractor
from bot.claims.model import ArticleText, ExtractionContext
from bot.claims.rules.statements import statement_candidates
from bot.claims.view import analyse_article
from bot.domain import Stance


def candidates(text: str):
    article = analyse_article(text)
    return [c for v in article.sentences for c in statement_candidates(article, v)]


@pytest.mark.parametrize(
    ("text", "cls", "negated"),
    [
        ("The defence ministry denied that its troops had crossed the border.", "denies", False),
        ("The Kremlin declined to comment on the report.", "declines", False),
        ("The minister resigned on Friday after weeks of pressure.", "resigns", False),
        ("The company has not confirmed the figure.", "confirms", True),
        ("The union blamed the company for the breakdown of talks.", "blames", False),
        ("Officials ruled out a second evacuation.", "rules_out", False),
    ],
)
def test_stance_cues(text: str, cls: str, negated: bool) -> None:
    [c] = candidates(text)
    assert c.kind == STANCE and c.cue is not None
    assert (c.cue.cls, c.cue.negated) == (cls, negated)


def test_an_attributed_sentence_without_a_cue_is_an_assertion() -> None:
    [c] = candidates("The port director said the channel was open to ships again.")
    assert c.kind == ASSERTION and c.cue is None


def test_a_sentence_with_neither_proposes_nothing() -> None:
    assert candidates("Heavy rain fell on the coast for a third day.") == []


def test_a_stance_takes_its_holder_and_a_position_key() -> None:
    text = (
        "Ministry spokesman Ali Haddad said the army had withdrawn. "
        "The Interior Ministry denied the report on Tuesday."
    )
    extractor = RuleExtractor()
    _, cands = extractor.candidates(ArticleText(text, "", "Wire"), ExtractionContext("x"))
    denial = next(c for c in cands if c.cue is not None and c.cue.cls == "denies")
    denial.score = 1.0
    claim = extractor._claim(
        denial, denial.view, extractor._stance_holder(denial, denial.view, _resolver()),
        ArticleText(text, "", "Wire"), ExtractionContext("x"), [],
    )  # fmt: skip
    assert claim.source == "Interior Ministry"
    assert claim.key_label == "Interior Ministry — position"
    assert claim.value.stance is Stance.DENIES


def _resolver():
    from bot.claims.parties import PartyResolver

    return PartyResolver()
