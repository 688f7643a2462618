"""A multi-source article of our own writing, like the real samples."""

from __future__ import annotations

from datetime import datetime

from bot.claims.model import ArticleText, ExtractionContext
from bot.claims.rules import RuleExtractor

ARTICLE = """Quake toll climbs as rescuers search rubble

Share this article

The death toll from Tuesday's earthquake in the mountain region has risen to 212, the \
country's health ministry said on Thursday.
The Red Cross said at least 1,400 people were injured and warned the figure could rise.
UN relief officials estimated that about 30,000 residents had been displaced by the quake.
Interior Minister Lena Varga visited the worst-hit town on Thursday.
"We still count 57 missing," she said.
On Monday the governor had said 90 people were killed in the quake.
The government denied reports that the earthquake warnings had been ignored, calling them \
"baseless".
Rescue teams from three countries are working in the mountain region.

Read more
Earthquake: what we know
"""

CTX = ExtractionContext(
    topic_name="Mountain earthquake",
    topic_terms=("earthquake", "quake", "rescu*", "killed", "injured"),
)


def test_multi_source_article() -> None:
    article = ArticleText(
        text=ARTICLE, outlet="Mountain Times", published_at=datetime(2025, 2, 7, 9, 0)
    )
    result = RuleExtractor().extract(article, CTX)
    got = {(c.key, c.source, c.value.display()) for c in result.claims}
    assert got == {
        ("deaths:count", "Health ministry", "212 deaths"),
        ("injured:count", "Red Cross", "at least 1,400 injured"),
        ("missing:count", "Interior ministry", "57 missing"),
        ("deaths:count", "Governor", "90 deaths"),
        ("topic:stance", "Government", "denies"),
    }
    # the topic counts deaths and injured (and their companions, the missing); the
    # displaced are no key of this topic, so the UN's 30,000 is no claim
    for c in result.claims:
        assert ARTICLE[c.start : c.end] == c.evidence
    governor = next(c for c in result.claims if c.value.display() == "90 deaths")
    assert governor.background
    assert governor.asserted_at == datetime(2025, 2, 3)
