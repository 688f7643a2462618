"""The evaluation command: value parsing, matching, metrics, revisions, and a CLI smoke run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.claims.model import ClaimValue, Qualifier, Stance
from bot.cli import app
from bot.evaluate import (
    evidence_overlaps,
    labels_from_rows,
    match,
    parse_value,
    predictions_from_rows,
    score,
    source_exact,
    source_lenient,
    stories_in,
    values_compatible,
)

FIXTURE = Path(__file__).parent / "data" / "eval_fixture"
A = "https://a.example/story"
B = "https://b.example/story"


def fig(n: float, q: str = "exact", hi: float | None = None) -> dict[str, Any]:
    return {"kind": "figure", "number": n, "qualifier": q, "number_high": hi}


def label(url: str, kind: str, source: str, value: dict[str, Any], evidence: str, **kw: Any):
    return {
        "article_url": url,
        "kind": kind,
        "key": kw.get("key", "boats — count"),
        "source": source,
        "value": value,
        "previous_value": kw.get("previous_value"),
        "evidence": evidence,
        **({"revision": kw["revision"]} if "revision" in kw else {}),
    }


def row(url: str, kind: str, source: str, value: str, evidence: str, key: str = "boats — count"):
    return {
        "article_url": url,
        "kind": kind,
        "key": key,
        "source": source,
        "value": value,
        "previous_value": None,
        "evidence": evidence,
    }


S1 = "The coast guard said 40 boats had been seized near the harbour."
S2 = "“We counted at least 55 boats,” the fishermen's union said on Tuesday."
S3 = "The ministry denies that any boats were seized."
S4 = "The coast guard said 40 boats had been seized, repeating its figure."

GOLD = [
    label(A, "new_claim", "Coast guard", fig(40), "said 40 boats had been seized"),
    label(
        A, "new_source", "Fishermen's union", fig(55, "at least"), "We counted at least 55 boats"
    ),
    label(A, "new_claim", "Ministry", {"kind": "stance", "stance": "denies"}, "denies that any"),
    label(B, "repeat", "Coast guard", fig(40), "40 boats had been seized, repeating"),
]
PERFECT = [
    row(A, "new_claim", "Coast guard", "40 boats", S1),
    row(A, "new_source", "Fishermen's union", "at least 55 boats", S2),
    row(A, "new_claim", "Ministry", "denies", S3, key="Boats — confirmation"),
    row(B, "repeat", "Coast guard", "40 boats", S4),
]


def run_score(rows: list[dict[str, Any]], gold: list[dict[str, Any]]):
    return score(predictions_from_rows(rows), labels_from_rows(gold))


# ------------------------------------------------------------------ pieces


def test_parse_value_reads_replay_texts() -> None:
    assert parse_value("at least 46 deaths") == ClaimValue.figure(46, Qualifier.AT_LEAST, "deaths")
    assert parse_value("1,040 injured") == ClaimValue.figure(1040, Qualifier.EXACT, "injured")
    v = parse_value("350–400 deaths")
    assert v is not None and v.qualifier is Qualifier.RANGE and v.number_high == 400
    assert parse_value("declines to confirm") == ClaimValue.of_stance(Stance.DECLINES)
    assert parse_value("in combat") == ClaimValue.of_status("in combat")
    assert parse_value(fig(12, "about")) == ClaimValue.figure(12, Qualifier.ABOUT)
    assert parse_value(None) is None


def test_evidence_overlap_normalises_quotes_space_and_case() -> None:
    assert evidence_overlaps(S2, '"We counted  at least 55 BOATS"')
    assert evidence_overlaps("said 40 boats", S1)  # either way round
    assert not evidence_overlaps(S1, "55 boats")


def test_values_compatible_within_one_percent() -> None:
    assert values_compatible(parse_value("about 1,000 cases"), parse_value(fig(1005)))
    assert not values_compatible(parse_value("1,100 cases"), parse_value(fig(1000)))
    assert not values_compatible(parse_value("denies"), parse_value("confirms"))
    assert not values_compatible(parse_value("40 boats"), parse_value("denies"))


def test_source_exact_and_lenient() -> None:
    assert source_exact(
        "Taleria · Disaster management agency", "Taleria disaster management agency"
    )
    assert not source_exact("Disaster management agency", "Taleria · disaster management agency")
    assert source_lenient("Disaster management agency", "Taleria · disaster management agency")
    assert not source_lenient("Emergency services", "Taleria · disaster management agency")


# ------------------------------------------------------------------ metrics


def test_perfect_prediction_scores_one() -> None:
    m, errors = run_score(PERFECT, GOLD)
    assert (m.precision, m.recall) == (1.0, 1.0)
    assert (m.precision_kind_exact, m.recall_kind_exact) == (1.0, 1.0)
    assert m.repeats_leaked == 0 and m.repeats_kept_quiet == 1
    assert m.pairs == 4 and m.source_exact == 4 and m.value_exact == 4 and m.kind_exact == 4
    assert errors.false_positives == [] and errors.misses == []


def test_missing_alert_lowers_recall_not_precision() -> None:
    m, errors = run_score(PERFECT[:1] + PERFECT[2:], GOLD)
    assert m.precision == 1.0
    assert m.recall == pytest.approx(2 / 3)
    assert [g.source for g, _ in errors.misses] == ["Fishermen's union"]


def test_leaked_repeat_is_counted() -> None:
    rows = [*PERFECT[:3], row(B, "changed", "Coast guard", "40 boats", S4)]
    m, errors = run_score(rows, GOLD)
    assert m.repeats_leaked == 1
    assert m.repeat_leak_share == pytest.approx(1 / 4)
    assert m.precision == pytest.approx(3 / 4) and m.recall == 1.0
    [(p, g)] = errors.false_positives
    assert p.kind == "changed" and g is not None and g.kind == "repeat"


def test_wrong_kind_counts_for_any_alert_but_not_kind_exact() -> None:
    rows = [dict(PERFECT[0], kind="new_source"), *PERFECT[1:]]
    m, _ = run_score(rows, GOLD)
    assert (m.precision, m.recall) == (1.0, 1.0)
    assert m.precision_kind_exact == pytest.approx(2 / 3)
    assert m.kind_exact == 3


def test_incompatible_value_or_other_sentence_does_not_match() -> None:
    rows = [
        row(A, "new_claim", "Coast guard", "4 boats", S1),  # wrong figure
        row(A, "new_source", "Fishermen's union", "at least 55 boats", S3),  # wrong sentence
    ]
    m, errors = run_score(rows, GOLD)
    assert m.pairs == 0 and m.precision == 0.0 and m.recall == 0.0
    assert len(errors.false_positives) == 2 and len(errors.misses) == 3


def test_match_is_one_to_one_and_prefers_the_better_source() -> None:
    gold = labels_from_rows(
        [
            label(A, "new_claim", "Coast guard", fig(40), "said 40 boats"),
            label(A, "new_source", "Harbour police", fig(40), "said 40 boats"),
        ]
    )
    preds = predictions_from_rows(
        [
            row(A, "new_claim", "Harbour police", "40 boats", S1),
            row(A, "new_claim", "Coast guard", "40 boats", S1),
            row(A, "new_claim", "Coast guard", "40 boats", S1),
        ]
    )
    pairs = match(preds, gold)
    assert len(pairs) == 2
    assert all(p.predicted.source == p.gold.source for p in pairs)


def test_slot_accuracy_counts_qualifier_and_source() -> None:
    rows = [
        row(A, "new_claim", "Guard", "about 40 boats", S1),
        *PERFECT[1:],
    ]
    m, _ = run_score(rows, GOLD)
    assert m.pairs == 4
    assert m.value_exact == 3  # "about 40" is compatible with 40 but not the same value
    assert m.source_exact == 3 and m.source_lenient == 4


def test_events_go_to_the_revision_holding_their_evidence() -> None:
    revisions = {A: ["The guard said 40 boats.", "The guard said 52 boats."]}
    rows = [
        row(A, "new_claim", "Guard", "40 boats", "The guard said 40 boats."),
        row(B, "new_claim", "Port", "3 boats", "Port said 3 boats."),
        row(A, "changed", "Guard", "52 boats", "The guard said 52 boats."),
        row(A, "repeat", "Other", "1 boats", "Not in either text."),
    ]
    preds = predictions_from_rows(rows, revisions)
    assert [p.revision for p in preds] == [1, 1, 2, 2]
    gold = labels_from_rows(
        [
            label(A, "new_claim", "Guard", fig(40), "said 40 boats"),
            label(A, "changed", "Guard", fig(52), "said 52 boats", revision=2),
        ]
    )
    m, _ = score(preds, gold)
    assert m.recall == 1.0


def test_metrics_add_up_across_stories() -> None:
    m1, _ = run_score(PERFECT, GOLD)
    m2, _ = run_score(PERFECT[:1], GOLD)
    total = m1 + m2
    assert total.alert_labels == 6 and total.predicted_alerts == 4
    assert total.recall == pytest.approx(4 / 6)


# ------------------------------------------------------------------ CLI


def test_stories_in_finds_one_story_or_many(tmp_path: Path) -> None:
    assert [s.name for s in stories_in(FIXTURE)] == ["eval_fixture"]
    devset = Path(__file__).parent / "data" / "devset"
    assert [s.name for s in stories_in(devset)] == ["conflict", "outbreak", "quake", "strike"]
    assert stories_in(tmp_path) == []


def test_cli_eval_json_on_fixture() -> None:
    result = CliRunner().invoke(app, ["eval", str(FIXTURE), "--json", "--show-errors"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    story = data["stories"]["eval_fixture"]
    assert story["alert_labels"] == 4 and story["repeat_labels"] == 1
    assert set(story) >= {"precision", "recall", "repeats_leaked", "slot_accuracy", "misses"}
    assert data["overall"]["alert_labels"] == 4
    assert 0.0 <= story["precision"] <= 1.0


def test_cli_eval_table_with_files() -> None:
    args = [
        "eval",
        "--articles",
        str(FIXTURE / "articles.jsonl"),
        "--labels",
        str(FIXTURE / "labels.jsonl"),
        "--topic",
        str(FIXTURE / "topic.toml"),
        "--show-errors",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "eval_fixture" in result.stdout and "Slot accuracy" in result.stdout


def test_cli_eval_needs_inputs(tmp_path: Path) -> None:
    assert CliRunner().invoke(app, ["eval"]).exit_code == 2
    assert CliRunner().invoke(app, ["eval", str(tmp_path)]).exit_code == 2
