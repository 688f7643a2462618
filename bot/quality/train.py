"""Train the claim scorer on labelled timelines, and measure it leave-one-story-out.

    python -m bot.quality.train ../shared/corpus            # write bot/claims/weights/scorer.json
    python -m bot.quality.train ../shared/corpus --loso     # per-story figures, each story
                                                           # scored by a model that never saw it

Every candidate the rules propose in a story's articles is labelled from the
story's ``labels.jsonl``: a figure is a claim when a label on its sentence
gives the same figure; a statement is a claim when its sentence carries a
label that no figure of the sentence accounts for. A logistic model per kind
is fitted on those (scikit-learn), and only its weights are written: the
corpus text never leaves ``../shared``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.claims.candidates import ASSERTION, FIGURE, KINDS, STANCE
from bot.claims.extractor import RuleExtractor
from bot.claims.model import ArticleText, ExtractionContext
from bot.claims.scorer import WEIGHTS_PATH, KindModel, Scorer
from bot.quality.corpus import Story, stories_in
from bot.quality.scoring import MIN_OVERLAP, overlap
from bot.topics import parse_query

THRESHOLDS = {FIGURE: 0.5, STANCE: 0.5, ASSERTION: 0.6}
REGULARISATION = 0.3
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Example:
    story: str
    kind: str
    features: dict[str, float]
    label: int


def _digits(text: str) -> set[str]:
    return set(_DIGITS.findall(text.replace(",", "")))


def _unscored() -> Scorer:
    """A scorer that accepts everything (features only are needed to label candidates)."""
    return Scorer({k: KindModel({}, 0.0, 0.0) for k in KINDS})


def examples(story: Story) -> list[Example]:
    """Every candidate of the story's articles, with its features and label."""
    extractor = RuleExtractor(scorer=_unscored())
    context = ExtractionContext(story.topic_name, tuple(parse_query(story.topic_query).terms))
    out: list[Example] = []
    for art in story.articles:
        _, candidates = extractor.candidates(
            ArticleText(art.text, art.title, art.outlet, art.url, art.published), context
        )
        labels = story.labels_of(art.file)
        by_sentence: dict[int, list] = {}
        for c in candidates:
            by_sentence.setdefault(c.view.index, []).append(c)
        for cands in by_sentence.values():
            view = cands[0].view
            here = [lab for lab in labels if overlap(view.text, lab["quote"]) >= MIN_OVERLAP]
            used: set[int] = set()
            for c in cands:
                if c.kind != FIGURE or c.quantity is None:
                    continue
                digits = _digits(view.span_text(c.quantity.num_first, c.quantity.last))
                hits = {
                    i
                    for i, lab in enumerate(here)
                    if digits and digits <= _digits(str(lab["value"]))
                }
                used |= hits
                out.append(Example(story.name, FIGURE, c.features, int(bool(hits))))
            rest = [lab for i, lab in enumerate(here) if i not in used]
            for c in cands:
                if c.kind in (STANCE, ASSERTION):
                    out.append(Example(story.name, c.kind, c.features, int(bool(rest))))
    return out


def fit(data: Sequence[Example], thresholds: dict[str, float] | None = None) -> Scorer:
    """A logistic model per kind over ``data``."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    thresholds = thresholds or THRESHOLDS
    models: dict[str, KindModel] = {}
    for kind in KINDS:
        rows = [e for e in data if e.kind == kind]
        vec = DictVectorizer(sparse=False)
        x = vec.fit_transform([e.features for e in rows])
        y = [e.label for e in rows]
        model = LogisticRegression(C=REGULARISATION, max_iter=5000).fit(x, y)
        weights = {
            name: round(float(w), 6)
            for name, w in zip(vec.get_feature_names_out(), model.coef_[0], strict=True)
            if abs(w) > 1e-9
        }
        models[kind] = KindModel(weights, round(float(model.intercept_[0]), 6), thresholds[kind])
    return Scorer(models)


def leave_one_out(stories: Sequence[Story], data: Sequence[Example]) -> dict[str, Scorer]:
    """For each story, a scorer trained on the other stories only."""
    return {s.name: fit([e for e in data if e.story != s.name]) for s in stories}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("paths", nargs="+", type=Path, help="corpus folder(s) or story folders")
    ap.add_argument("--out", type=Path, default=WEIGHTS_PATH, help="where to write the weights")
    ap.add_argument("--loso", action="store_true", help="print leave-one-story-out figures")
    ap.add_argument("--show", action="store_true", help="with --loso: every alert and miss")
    args = ap.parse_args(argv)
    stories = stories_in(list(args.paths))
    data = [e for s in stories for e in examples(s)]
    if args.loso:
        from bot.quality.evaluation import evaluate

        scorers = leave_one_out(stories, data)
        evaluate(stories, scorers=scorers, show=args.show, out=sys.stdout)
        return 0
    scorer = fit(data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(scorer.to_json(), indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    counts = {k: sum(1 for e in data if e.kind == k) for k in KINDS}
    print(f"trained on {len(stories)} stories ({counts}); weights written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
