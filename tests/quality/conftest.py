"""Where the real-news corpus and the samples are: ``../shared`` beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SAMPLES = SHARED / "samples"
DEVSET = REPO / "tests" / "data" / "devset"
FIXTURE = REPO / "tests" / "data" / "story_fixture"

needs_corpus = pytest.mark.skipif(
    not (CORPUS / "score.py").is_file(), reason=f"no real-news corpus at {CORPUS}"
)
needs_samples = pytest.mark.skipif(
    not (SAMPLES / "samples.jsonl").is_file(), reason=f"no samples at {SAMPLES}"
)
