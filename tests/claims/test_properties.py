from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.claims.model import ArticleText, ExtractionContext
from bot.claims.rules import RuleExtractor

CTX = ExtractionContext(topic_name="T", topic_terms=("troops", "flood*", "north korea"))
FRAGMENTS = st.sampled_from(
    [
        "12,000", "12 000", "1.5 million", "10k", "at least", "about", "up to", "between",
        "and", "to", "-", "–", "soldiers", "troops", "people were killed", "dozens of",
        "a dozen", "two thousand", "said", "according to", "the Kremlin", "he said", ".",
        ", ", '"', "“", "”", "\n", "\n\n", "On Oct. 17", "last week", "had said", "denied",
        "cannot confirm", "North Korea", "Ukraine's intelligence", "45-year-old", "2024",
        "5%", "$3", "in the Kursk region", "are training", "Dr.", "U.S.", "0", "00", "9" * 30,
    ]
)  # fmt: skip


def _check(text: str) -> None:
    article = ArticleText(text=text, outlet="O", published_at=datetime(2024, 10, 25))
    result = RuleExtractor().extract(article, CTX)
    for c in result.claims:
        assert text[c.start : c.end] == c.evidence
    for a in result.abstentions:
        assert text[a.start : a.end] == a.sentence


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_crashes_on_arbitrary_text(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS, max_size=40).map(" ".join))
def test_never_crashes_on_number_ish_text(text: str) -> None:
    _check(text)
