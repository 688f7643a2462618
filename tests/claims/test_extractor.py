"""The rule extractor on an article we wrote: claims, sources, keys, offsets, determinism."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.claims.extractor import RuleExtractor
from bot.claims.model import ArticleText, ExtractionContext, KnownParty
from bot.domain import Qualifier

TEXT = (
    "VESK (Northgate Wire) - At least 46 people were killed when a strong earthquake struck "
    "Taleria's Sarova province on Friday, the country's disaster management agency said.\n\n"
    "The agency said more than 300 people had been injured.\n\n"
    "Red Crescent president Sevim Ada said about 80 people were missing in the mountain "
    "villages.\n\n"
    "The region was last hit by a major quake in 1998, when 1,200 people died.\n\n"
    "Share this article"
)
ARTICLE = ArticleText(
    TEXT, "Quake kills at least 46 in Sarova", "Northgate Wire", "https://wire.example/q",
    datetime(2025, 3, 14, 9, tzinfo=UTC),
)  # fmt: skip
CONTEXT = ExtractionContext("Sarova earthquake", ("earthquake", "quake", "sarova"))


def test_figures_with_measure_qualifier_source_and_evidence() -> None:
    result = RuleExtractor().extract(ARTICLE, CONTEXT)
    by_key = {(c.key, c.value.number): c for c in result.claims}
    deaths = by_key[("deaths:count", 46)]
    assert deaths.value.qualifier is Qualifier.AT_LEAST
    assert "disaster management agency" in deaths.source.lower()
    assert deaths.evidence.startswith("At least 46 people were killed")  # dateline left out
    injured = by_key[("injured:count", 300)]
    assert injured.value.qualifier is Qualifier.MORE_THAN
    missing = by_key[("missing:count", 80)]
    assert missing.source == "Red Crescent" and missing.source_detail == "Sevim Ada"
    for c in result.claims:
        assert TEXT[c.start : c.end] == c.evidence


def test_history_and_page_furniture_are_not_claims() -> None:
    result = RuleExtractor().extract(ARTICLE, CONTEXT)
    assert all(c.value.number != 1200 for c in result.claims)
    assert all("Share this" not in c.evidence for c in result.claims)


def test_known_parties_from_the_store_name_the_source() -> None:
    known = (KnownParty("Taleria · Red Crescent", ("Sevim Ada",)),)
    context = ExtractionContext(CONTEXT.topic_name, CONTEXT.topic_terms, known_parties=known)
    result = RuleExtractor().extract(ARTICLE, context)
    missing = next(c for c in result.claims if c.key == "missing:count")
    assert missing.source == "Taleria · Red Crescent"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "At least 12 people died, officials said.",
                "The ministry denied the report.",
                "“We counted 40 bodies,” he said.",
                "Shares fell 11% on Friday.",
                "Losses reached $2.5 billion.",
                "The union declined to comment.",
                "About 3,000 homes were flooded",
                "\n\n",
                "Read more",
                "  ",
            ]
        )
        | st.text(max_size=80),
        max_size=12,
    )
)
def test_extraction_never_crashes_and_offsets_slice_to_the_evidence(parts: list[str]) -> None:
    text = " ".join(parts)
    result = RuleExtractor().extract(ArticleText(text, "", "Wire"), CONTEXT)
    for c in result.claims:
        assert text[c.start : c.end] == c.evidence


def _extract_json() -> str:
    claims = RuleExtractor().extract(ARTICLE, CONTEXT).claims
    return json.dumps(
        [[c.key, c.source, c.value.display(), c.start, c.end] for c in claims], sort_keys=True
    )


def test_a_fresh_process_extracts_what_a_warm_one_does() -> None:
    warm = _extract_json()
    assert _extract_json() == warm  # twice in this process
    code = "from tests.claims.test_extractor import _extract_json; print(_extract_json())"
    fresh = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert fresh == warm


def test_a_duration_shows_its_own_unit() -> None:
    from bot.claims.extractor import RuleExtractor
    from bot.claims.model import ArticleText, ExtractionContext

    text = "The government said the trawlers must leave within 48 hours, and 40 trawlers were seen."
    result = RuleExtractor().extract(
        ArticleText(text, "Trawlers told to leave", "X", "https://x.example/a", None),
        ExtractionContext("trawlers", ("trawlers",)),
    )
    claims = result.claims if hasattr(result, "claims") else result
    shown = [c.value.display() for c in claims if c.value.kind == "figure"]
    assert "48 hours" in shown and not any("duration" in s for s in shown)
