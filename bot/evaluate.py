"""Scores a replay against gold event labels: event precision/recall, leaked repeats, slots.

``evaluate_story`` runs the real replay (``bot.cli.replay_events``) over one
story's articles and compares the events it prints with the story's
``labels.jsonl`` (format in ``tests/data/devset/README.md``). ``match`` pairs
predicted events with labels one to one; ``score`` turns the pairs into
``Metrics``; ``Metrics`` add up across stories (micro average).

A predicted event and a label can pair when they are on the same article
revision, one's evidence contains the other's (whitespace, quotes and case
normalised), and their values are compatible: the same figure within 1 %, the
same stance, the same status. A label whose sentence the prediction did not
pick may still pair, at a lower score, with the same source's same value read
from another sentence of that article (a lede and a quote saying one thing)
when that sentence states the figure. Among candidate pairs the assignment is
greedy on a score (evidence, value detail, source and key token overlap, kind).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.claims.model import ClaimValue, Qualifier, Stance, format_number

ALERT_KINDS = frozenset({"new_claim", "new_source", "changed"})
REPEAT = "repeat"
FIGURE_TOLERANCE = 0.01

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'", "‚": "'"})
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-"})
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"[^\W_]+")
_SOURCE_STOP = frozenset({"the", "of", "a", "an", "and", "s", "for", "on", "in"})
_FIGURE_TEXT = re.compile(
    r"^(?:(?P<q>at least|more than|about|up to|range) )?"
    r"(?P<n>-?\d[\d,]*(?:\.\d+)?)"
    r"(?:\s*[–-]\s*(?P<hi>-?\d[\d,]*(?:\.\d+)?))?"
    r"(?:\s+(?P<unit>.*))?$"
)
_STANCES = {str(s): s for s in Stance}


# ---------------------------------------------------------------- normalising


def norm_text(text: str) -> str:
    """Lower case, straight quotes, plain hyphens, single spaces."""
    return _SPACE.sub(" ", text.translate(_QUOTES).translate(_DASHES)).strip().lower()


def evidence_overlaps(predicted: str, gold: str) -> bool:
    """True when either evidence text contains the other, once normalised."""
    p, g = norm_text(predicted), norm_text(gold)
    g = g.strip(" .,;:\"'")
    p_core = p.strip(" .,;:\"'")
    if not p_core or not g:
        return False
    return g in p or p_core in g


def tokens(text: str) -> frozenset[str]:
    return frozenset(t for t in _TOKEN.findall(norm_text(text)) if t not in _SOURCE_STOP)


def token_overlap(a: str, b: str) -> float:
    """Jaccard overlap of content tokens (0..1)."""
    ta, tb = tokens(a), tokens(b)
    if not ta and not tb:
        return 1.0
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def source_exact(predicted: str, gold: str) -> bool:
    """Equal once case, punctuation ("·") and filler words are set aside."""
    return (
        tokens(predicted) == tokens(gold)
        if tokens(gold)
        else norm_text(predicted) == norm_text(gold)
    )


def source_lenient(predicted: str, gold: str) -> bool:
    """Equal, one's tokens a subset of the other's, or Jaccard overlap >= 0.5 (keys too)."""
    tp, tg = tokens(predicted), tokens(gold)
    if not tp or not tg:
        return norm_text(predicted) == norm_text(gold)
    return tp <= tg or tg <= tp or len(tp & tg) / len(tp | tg) >= 0.5


def parse_value(value: object) -> ClaimValue | None:
    """A replay's value text ("at least 46 deaths", "350–400 deaths", "denies") or JSON."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        try:
            return ClaimValue.from_json(value)
        except (KeyError, ValueError):
            return None
    text = str(value).strip()
    if not text:
        return None
    if text.lower() in _STANCES:
        return ClaimValue.of_stance(_STANCES[text.lower()])
    m = _FIGURE_TEXT.match(text)
    if m:
        n = float(m.group("n").replace(",", ""))
        hi = float(m.group("hi").replace(",", "")) if m.group("hi") else None
        q = Qualifier(m.group("q")) if m.group("q") else Qualifier.EXACT
        if hi is not None:
            q = Qualifier.RANGE
        return ClaimValue.figure(n, q, m.group("unit") or None, hi)
    return ClaimValue.of_status(text)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= FIGURE_TOLERANCE * max(abs(a), abs(b), 1.0)


def values_compatible(predicted: ClaimValue | None, gold: ClaimValue | None) -> bool:
    """Same figure within 1 % (qualifiers aside), same stance, or a status sharing its words."""
    if predicted is None or gold is None or predicted.kind != gold.kind:
        return False
    if predicted.kind == "figure":
        return _close(predicted.number, gold.number)
    if predicted.kind == "stance":
        return predicted.stance == gold.stance
    p, g = predicted.status or "", gold.status or ""
    return bool(p.strip() and g.strip()) and source_lenient(p, g)


def evidence_states(evidence: str, value: ClaimValue | None) -> bool:
    """Whether a sentence can carry the value: a figure's digits appear in it."""
    if value is None:
        return False
    if value.kind != "figure" or value.number is None:
        return True
    n = value.number
    forms = {format_number(n), str(int(n))} if n == int(n) else {format_number(n), str(n)}
    return any(f in evidence for f in forms)


def values_equal(predicted: ClaimValue | None, gold: ClaimValue | None) -> bool:
    """The value slot: figure number, qualifier (and range top), or stance, or status."""
    if not values_compatible(predicted, gold):
        return False
    assert predicted is not None and gold is not None
    if predicted.kind == "figure":
        pq = predicted.qualifier or Qualifier.EXACT
        gq = gold.qualifier or Qualifier.EXACT
        if pq != gq:
            return False
        return pq is not Qualifier.RANGE or _close(predicted.number_high, gold.number_high)
    if predicted.kind == "status":
        return tokens(predicted.status or "") == tokens(gold.status or "")
    return True


def show_value(value: ClaimValue | None) -> str:
    if value is None:
        return "—"
    if value.kind == "figure":
        return ClaimValue.figure(
            value.number or 0.0, value.qualifier or Qualifier.EXACT, None, value.number_high
        ).display()
    return value.display()


# ---------------------------------------------------------------- events


@dataclass(frozen=True)
class Event:
    """A gold label or a predicted event, on one article revision."""

    article_url: str
    revision: int
    kind: str
    key: str
    source: str
    value: ClaimValue | None
    evidence: str
    previous_value: ClaimValue | None = None
    index: int = 0

    @property
    def is_alert(self) -> bool:
        return self.kind in ALERT_KINDS

    def brief(self) -> dict[str, Any]:
        return {
            "article_url": self.article_url,
            "revision": self.revision,
            "kind": self.kind,
            "key": self.key,
            "source": self.source,
            "value": show_value(self.value),
            "evidence": self.evidence,
        }


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from None
    return rows


def labels_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[Event]:
    out: list[Event] = []
    for i, r in enumerate(rows):
        out.append(
            Event(
                article_url=str(r["article_url"]),
                revision=int(r.get("revision") or 1),
                kind=str(r["kind"]),
                key=str(r.get("key", "")),
                source=str(r.get("source", "")),
                value=parse_value(r.get("value")),
                evidence=str(r.get("evidence", "")),
                previous_value=parse_value(r.get("previous_value")),
                index=i,
            )
        )
    return out


def predictions_from_rows(
    rows: Iterable[Mapping[str, Any]], revisions: Mapping[str, Sequence[str]] | None = None
) -> list[Event]:
    """Replay rows -> events, each attributed to an article revision.

    ``revisions`` maps a URL to its texts in articles-file order (revision 1, 2,
    ...). A row goes to the only revision whose text holds its evidence; when
    several do (or none), to the revision that its run of rows stands for: the
    k-th run of consecutive rows for a URL is its k-th revision, never earlier
    than the revision of the URL's previous run.
    """
    revisions = revisions or {}
    out: list[Event] = []
    runs: dict[str, int] = defaultdict(int)
    current_rev: dict[str, int] = {}
    previous_url: str | None = None
    i = 0
    for r in rows:
        if "abstained" in r or "kind" not in r:
            continue
        url = str(r["article_url"])
        if url != previous_url:
            runs[url] += 1
            previous_url = url
            texts = revisions.get(url, ())
            run_rev = min(max(runs[url], current_rev.get(url, 1)), max(len(texts), 1))
            current_rev[url] = run_rev
        evidence = str(r.get("evidence") or "")
        rev = current_rev[url]
        texts = revisions.get(url, ())
        if len(texts) > 1 and evidence:
            holding = [n for n, t in enumerate(texts, 1) if norm_text(evidence) in norm_text(t)]
            if len(holding) == 1:
                rev = holding[0]
        out.append(
            Event(
                article_url=url,
                revision=rev,
                kind=str(r["kind"]),
                key=str(r.get("key", "")),
                source=str(r.get("source", "")),
                value=parse_value(r.get("value")),
                evidence=evidence,
                previous_value=parse_value(r.get("previous_value")),
                index=i,
            )
        )
        i += 1
    return out


# ---------------------------------------------------------------- matching


@dataclass(frozen=True)
class Pair:
    predicted: Event
    gold: Event
    score: float


def pair_score(predicted: Event, gold: Event) -> float | None:
    """How well a prediction fits a label, or ``None`` when they cannot pair."""
    if predicted.article_url != gold.article_url or predicted.revision != gold.revision:
        return None
    if not values_compatible(predicted.value, gold.value):
        return None
    if evidence_overlaps(predicted.evidence, gold.evidence):
        score = 1.0
    elif (
        values_equal(predicted.value, gold.value)
        and source_lenient(predicted.source, gold.source)
        and evidence_states(predicted.evidence, predicted.value)
    ):
        # the same source's same value, read from another sentence of the article
        # (a lede and a quote saying one thing): the same event
        score = 0.5
    else:
        return None
    score += 1.0 if values_equal(predicted.value, gold.value) else 0.0
    score += token_overlap(predicted.source, gold.source)
    score += 0.5 * token_overlap(predicted.key, gold.key)
    score += 0.5 if predicted.is_alert == gold.is_alert else 0.0
    score += 0.25 if predicted.kind == gold.kind else 0.0
    return score


def match(predicted: Sequence[Event], gold: Sequence[Event]) -> list[Pair]:
    """A one-to-one assignment, greedy on ``pair_score`` (ties: earliest first)."""
    by_article: dict[tuple[str, int], list[Event]] = defaultdict(list)
    for g in gold:
        by_article[(g.article_url, g.revision)].append(g)
    candidates: list[tuple[float, int, int, Event, Event]] = []
    for p in predicted:
        for g in by_article.get((p.article_url, p.revision), ()):
            s = pair_score(p, g)
            if s is not None:
                candidates.append((s, p.index, g.index, p, g))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs: list[Pair] = []
    for s, pi, gi, p, g in candidates:
        if pi in used_p or gi in used_g:
            continue
        used_p.add(pi)
        used_g.add(gi)
        pairs.append(Pair(p, g, s))
    return pairs


# ---------------------------------------------------------------- metrics


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


@dataclass
class Metrics:
    """Counts for one story (or the sum of several); rates are properties."""

    predicted_alerts: int = 0
    predicted_repeats: int = 0
    alert_labels: int = 0
    repeat_labels: int = 0
    alerts_matched_any: int = 0  # predicted alerts paired with an alert label of any alert kind
    alerts_matched_exact: int = 0  # ... with a label of the same kind
    labels_recalled_any: int = 0  # alert labels paired with a predicted alert
    labels_recalled_exact: int = 0
    repeats_leaked: int = 0  # predicted alerts paired with a repeat label
    repeats_kept_quiet: int = 0  # repeat labels paired with a predicted repeat
    pairs: int = 0
    source_exact: int = 0
    source_lenient: int = 0
    value_exact: int = 0
    kind_exact: int = 0
    key_lenient: int = 0

    def __add__(self, other: Metrics) -> Metrics:
        return Metrics(**{k: getattr(self, k) + getattr(other, k) for k in vars(self)})

    @property
    def precision(self) -> float | None:
        return _ratio(self.alerts_matched_any, self.predicted_alerts)

    @property
    def recall(self) -> float | None:
        return _ratio(self.labels_recalled_any, self.alert_labels)

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)

    @property
    def precision_kind_exact(self) -> float | None:
        return _ratio(self.alerts_matched_exact, self.predicted_alerts)

    @property
    def recall_kind_exact(self) -> float | None:
        return _ratio(self.labels_recalled_exact, self.alert_labels)

    @property
    def repeat_leak_share(self) -> float | None:
        return _ratio(self.repeats_leaked, self.predicted_alerts)

    def as_dict(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "predicted_alerts": self.predicted_alerts,
            "predicted_repeats": self.predicted_repeats,
            "alert_labels": self.alert_labels,
            "repeat_labels": self.repeat_labels,
            "precision": r(self.precision),
            "recall": r(self.recall),
            "f1": r(self.f1),
            "precision_kind_exact": r(self.precision_kind_exact),
            "recall_kind_exact": r(self.recall_kind_exact),
            "repeats_leaked": self.repeats_leaked,
            "repeat_leak_share": r(self.repeat_leak_share),
            "repeats_kept_quiet": self.repeats_kept_quiet,
            "matched_pairs": self.pairs,
            "slot_accuracy": {
                "source_exact": r(_ratio(self.source_exact, self.pairs)),
                "source_lenient": r(_ratio(self.source_lenient, self.pairs)),
                "value": r(_ratio(self.value_exact, self.pairs)),
                "kind": r(_ratio(self.kind_exact, self.pairs)),
                "key_lenient": r(_ratio(self.key_lenient, self.pairs)),
            },
        }


@dataclass
class Errors:
    false_positives: list[tuple[Event, Event | None]] = field(default_factory=list)
    misses: list[tuple[Event, Event | None]] = field(default_factory=list)


def score(predicted: Sequence[Event], gold: Sequence[Event]) -> tuple[Metrics, Errors]:
    pairs = match(predicted, gold)
    m = Metrics(
        predicted_alerts=sum(p.is_alert for p in predicted),
        predicted_repeats=sum(not p.is_alert for p in predicted),
        alert_labels=sum(g.is_alert for g in gold),
        repeat_labels=sum(not g.is_alert for g in gold),
        pairs=len(pairs),
    )
    gold_of = {pair.predicted.index: pair.gold for pair in pairs}
    pred_of = {pair.gold.index: pair.predicted for pair in pairs}
    for pair in pairs:
        p, g = pair.predicted, pair.gold
        if p.is_alert and g.is_alert:
            m.alerts_matched_any += 1
            m.labels_recalled_any += 1
            if p.kind == g.kind:
                m.alerts_matched_exact += 1
                m.labels_recalled_exact += 1
        elif p.is_alert:
            m.repeats_leaked += 1
        elif not g.is_alert:
            m.repeats_kept_quiet += 1
        m.source_exact += source_exact(p.source, g.source)
        m.source_lenient += source_lenient(p.source, g.source)
        m.value_exact += values_equal(p.value, g.value)
        m.kind_exact += p.kind == g.kind
        m.key_lenient += source_lenient(p.key, g.key)
    errors = Errors()
    for p in predicted:
        g = gold_of.get(p.index)
        if p.is_alert and (g is None or not g.is_alert):
            errors.false_positives.append((p, g))
    for g in gold:
        p = pred_of.get(g.index)
        if g.is_alert and (p is None or not p.is_alert):
            errors.misses.append((g, p))
    return m, errors


# ---------------------------------------------------------------- stories


@dataclass(frozen=True)
class Story:
    name: str
    articles: Path
    labels: Path
    topic: Path


@dataclass
class StoryResult:
    story: Story
    metrics: Metrics
    errors: Errors
    predicted: list[Event]
    gold: list[Event]


def stories_in(folder: Path) -> list[Story]:
    """``folder`` itself when it holds a story, else each subfolder that does."""
    names = ("articles.jsonl", "labels.jsonl", "topic.toml")

    def holds_story(d: Path) -> bool:
        return all((d / n).is_file() for n in names)

    folders = (
        [folder]
        if holds_story(folder)
        else sorted(d for d in folder.iterdir() if d.is_dir() and holds_story(d))
    )
    return [Story(d.name, d / names[0], d / names[1], d / names[2]) for d in folders]


def revision_texts(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """URL -> texts in file order: the n-th occurrence of a URL is revision n."""
    texts: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if "url" in r:
            texts[str(r["url"])].append(str(r.get("text", "")))
    return dict(texts)


def evaluate_story(story: Story, settings: Any | None = None) -> StoryResult:
    """Replay ``story`` through the live pipeline and score it against its labels."""
    from bot.cli import load_articles, replay_events
    from bot.config import Settings
    from bot.topics import TopicFile

    settings = settings or Settings(demo=False, console=False)
    topic = TopicFile.load(story.topic)
    items, problems = load_articles(story.articles)
    if problems:
        raise ValueError(f"{story.articles}: " + "; ".join(problems))
    rows = replay_events(items, topic, settings)
    predicted = predictions_from_rows(rows, revision_texts(read_jsonl(story.articles)))
    gold = labels_from_rows(read_jsonl(story.labels))
    metrics, errors = score(predicted, gold)
    return StoryResult(story, metrics, errors, predicted, gold)


def overall(results: Sequence[StoryResult]) -> Metrics:
    total = Metrics()
    for r in results:
        total = total + r.metrics
    return total


def report_json(results: Sequence[StoryResult], with_errors: bool = False) -> dict[str, Any]:
    stories: dict[str, Any] = {}
    for r in results:
        entry = r.metrics.as_dict()
        if with_errors:
            entry["false_positives"] = [
                {**p.brief(), "matched_label_kind": g.kind if g else None}
                for p, g in r.errors.false_positives
            ]
            entry["misses"] = [
                {**g.brief(), "predicted_kind": p.kind if p else None} for g, p in r.errors.misses
            ]
        stories[r.story.name] = entry
    return {"stories": stories, "overall": overall(results).as_dict()}
