"""The learned claim scorer: how likely a candidate is a claim a newsroom tracks.

A logistic model per kind of candidate (figure, statement) over the features
of ``features.py``. Its weights are a small JSON file in ``weights/``, written
by ``bot/quality/train.py`` from the labelled corpus (the corpus text itself is
never stored). Scoring is a dot product; nothing is downloaded or fitted at run
time.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

WEIGHTS_PATH = Path(__file__).parent / "weights" / "scorer.json"


class WeightsError(ValueError):
    """The weights file is missing or malformed."""


@dataclass(frozen=True)
class KindModel:
    """One logistic model: feature weights, intercept and the acceptance threshold."""

    weights: dict[str, float]
    intercept: float
    threshold: float

    def probability(self, features: dict[str, float]) -> float:
        z = self.intercept + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class Scorer:
    """A model per candidate kind."""

    models: dict[str, KindModel]

    def score(self, kind: str, features: dict[str, float]) -> float:
        return self.models[kind].probability(features)

    def accepts(self, kind: str, probability: float) -> bool:
        return probability >= self.models[kind].threshold

    def to_json(self) -> dict[str, Any]:
        return {
            kind: {"weights": m.weights, "intercept": m.intercept, "threshold": m.threshold}
            for kind, m in self.models.items()
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scorer:
        try:
            return cls(
                {
                    kind: KindModel(
                        {str(k): float(v) for k, v in m["weights"].items()},
                        float(m["intercept"]),
                        float(m["threshold"]),
                    )
                    for kind, m in data.items()
                }
            )
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise WeightsError(f"malformed scorer weights: {e}") from e


def load_scorer(path: Path | str = WEIGHTS_PATH) -> Scorer:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise WeightsError(f"{path}: {e}") from e
    return Scorer.from_json(data)


@cache
def default_scorer() -> Scorer:
    """The scorer shipped with the package."""
    return load_scorer()
