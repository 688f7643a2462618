"""Scoring: the product's ``eval`` prints what ``score.py`` prints, tag by tag."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.quality.corpus import CorpusError, load_story, stories_in
from bot.quality.scoring import score_story
from tests.quality.conftest import CORPUS, DEVSET, FIXTURE, needs_corpus

STORY = FIXTURE / "tessel_flood"


def test_alerts_are_tagged_like_score_py() -> None:
    story = load_story(STORY)
    urls = [a.url for a in story.articles]
    first = next(a for a in story.articles if urls.count(a.url) == 1)
    labels = story.labels_of(first.file)
    alert = next(lab for lab in labels if lab["event"] in ("new_claim", "changed"))
    events = [
        # the labelled alert, found
        {"article_url": first.url, "kind": "new_claim", "value": alert["value"],
         "evidence": alert["quote"]},
        # a sentence nobody labelled
        {"article_url": first.url, "kind": "new_claim", "value": "1",
         "evidence": "An unrelated sentence about the weather and the tides today."},
        # a repeat is silence, never scored
        {"article_url": first.url, "kind": "repeat", "value": "x", "evidence": alert["quote"]},
    ]  # fmt: skip
    scored = score_story(story, events)
    assert [t for t, _, _ in scored.tagged] == ["TP", "FP"]
    c = scored.counts
    assert (c.alerts, c.tp, c.fp, c.found) == (2, 1, 1, 1)
    assert c.precision == 0.5 and c.recall == 1 / c.expected


def test_eval_command_prints_a_line_per_story_and_a_total() -> None:
    result = CliRunner().invoke(app, ["eval", str(DEVSET)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert [ln.split(":")[0] for ln in lines] == [
        "conflict",
        "outbreak",
        "quake",
        "strike",
        "TOTAL",
    ]
    assert all("precision=" in ln and "recall=" in ln for ln in lines)


def test_eval_refuses_a_folder_that_holds_no_story(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code == 2
    assert "No story folders" in result.output


def test_a_malformed_index_is_named(tmp_path: Path) -> None:
    (tmp_path / "topic.toml").write_text('name = "x"\nquery = "x"\n', encoding="utf-8")
    (tmp_path / "index.jsonl").write_text("{not json\n", encoding="utf-8")
    try:
        stories_in([tmp_path])
    except CorpusError as exc:
        assert "index.jsonl:1" in str(exc)
    else:
        raise AssertionError("a malformed index was accepted")


@needs_corpus
def test_eval_and_score_py_agree_on_a_story(tmp_path: Path) -> None:
    story = CORPUS / "boeing_strike"
    binary = Path(sys.executable).parent / "claimwatch"
    ours = CliRunner().invoke(app, ["eval", str(story), "--show"])
    assert ours.exit_code == 0, ours.output
    theirs = subprocess.run(
        [sys.executable, str(CORPUS / "score.py"), "--bin", str(binary), "--show", str(story)],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    assert ours.stdout.strip().splitlines() == theirs.stdout.strip().splitlines()


def test_reduced_precision_dates_are_read(tmp_path: Path) -> None:
    (tmp_path / "topic.toml").write_text('name = "x"\nquery = "x"\n', encoding="utf-8")
    (tmp_path / "01_a.txt").write_text("Some text.", encoding="utf-8")
    row = {"file": "01_a.txt", "url": "https://a.example/1", "outlet": "A", "published": "2024-12"}
    (tmp_path / "index.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    [story] = stories_in([tmp_path])
    assert story.articles[0].published.isoformat().startswith("2024-12-01T12:00")
