"""The learned scorer's weights file: shipped, readable, round-trips, refuses garbage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.claims.candidates import FIGURE, KINDS
from bot.claims.scorer import KindModel, Scorer, WeightsError, default_scorer, load_scorer


def test_the_shipped_weights_cover_both_kinds() -> None:
    scorer = default_scorer()
    assert set(scorer.models) == set(KINDS)
    for m in scorer.models.values():
        assert m.weights and 0 < m.threshold < 1


def test_probability_follows_the_weights() -> None:
    model = KindModel({"a": 2.0, "b": -2.0}, 0.0, 0.5)
    assert model.probability({}) == pytest.approx(0.5)
    assert model.probability({"a": 1.0}) > 0.8 > 0.2 > model.probability({"b": 1.0})


def test_weights_round_trip(tmp_path: Path) -> None:
    scorer = Scorer({FIGURE: KindModel({"x": 1.5}, -0.2, 0.4)})
    path = tmp_path / "w.json"
    path.write_text(json.dumps(scorer.to_json()), encoding="utf-8")
    assert load_scorer(path) == scorer


def test_malformed_weights_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_text('{"figure": {"weights": {}}}', encoding="utf-8")
    with pytest.raises(WeightsError, match="malformed"):
        load_scorer(path)
    with pytest.raises(WeightsError):
        load_scorer(tmp_path / "missing.json")
