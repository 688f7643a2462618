"""Scoring a replay against a story's labels, exactly as ``shared/corpus/score.py`` does.

An alert (``new_claim``, ``new_source``, ``changed``) is a true positive when
its evidence shares at least 60 % of the shorter text's words with a labelled
alert's quote in the same article (the same figure preferred); an alert on a
labelled repeat is a leaked repeat, or a corroboration (neutral) when every
such repeat is a source's first telling; anything else is a false positive.
Precision leaves corroborations out; recall is labelled alerts found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.domain import ALERT_KINDS
from bot.quality.corpus import ALERT_EVENTS, Story

MIN_OVERLAP = 0.6
_WORD = re.compile(r"[a-z0-9]+")
_DIGITS = re.compile(r"\d+")


def words(s: str) -> set[str]:
    return set(_WORD.findall((s or "").lower().replace(",", "")))


def overlap(a: str, b: str) -> float:
    wa, wb = words(a), words(b)
    return len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0


def url_key(u: str) -> str:
    p = urlsplit(u or "")
    host = (p.hostname or "").removeprefix("www.")
    q = "&".join(f"{k}={v}" for k, v in sorted(parse_qsl(p.query)))
    return f"{host}{p.path.rstrip('/')}?{q}"


def _digits(value: object) -> set[str]:
    return set(_DIGITS.findall(str(value or "").replace(",", "")))


@dataclass
class Counts:
    alerts: int = 0
    tp: int = 0
    fp: int = 0
    leaked: int = 0
    corroborations: int = 0
    expected: int = 0
    found: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, ...]:
        return (self.alerts, self.tp, self.fp, self.leaked, self.corroborations, self.expected,
                self.found)  # fmt: skip

    @property
    def precision(self) -> float:
        n = self.alerts - self.corroborations
        return self.tp / n if n else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 0.0

    def line(self, name: str) -> str:
        """The line ``score.py`` prints for a story (or ``TOTAL``)."""
        return (
            f"{name}: alerts={self.alerts} tp={self.tp} fp={self.fp} "
            f"leaked_repeats={self.leaked} corroborations={self.corroborations} "
            f"expected={self.expected} precision={self.precision:.2f} recall={self.recall:.2f}"
        )


@dataclass
class Scored:
    """A story's counts, each alert with its tag, and the labelled alerts missed."""

    counts: Counts
    tagged: list[tuple[str, str, Mapping[str, Any]]] = field(default_factory=list)
    missed: list[Mapping[str, Any]] = field(default_factory=list)


def score_story(story: Story, events: Iterable[Mapping[str, Any]]) -> Scored:
    """Score replay events (``replay --json`` rows) against ``story``'s labels."""
    url_to_file = {url_key(a.url): a.file for a in story.articles}
    expected = [lab for lab in story.labels if lab["event"] in ALERT_EVENTS]
    repeats = [lab for lab in story.labels if lab["event"] == "repeat"]
    alerts = [e for e in events if e.get("kind") in ALERT_KINDS]
    matched: set[int] = set()
    c = Counts(alerts=len(alerts), expected=len(expected))
    out = Scored(c)
    for e in alerts:
        f = url_to_file.get(url_key(str(e.get("article_url") or "")), "?")
        ev = str(e.get("evidence") or "")
        digits = _digits(e.get("value"))
        cands = []
        for i, lab in enumerate(expected):
            if lab["file"] == f and i not in matched and overlap(ev, lab["quote"]) >= MIN_OVERLAP:
                same = bool(digits & _digits(lab["value"]))
                cands.append((same, overlap(ev, lab["quote"]), i))
        if cands:
            matched.add(max(cands)[2])
            c.tp += 1
            tag = "TP"
        else:
            rep = [x for x in repeats if x["file"] == f and overlap(ev, x["quote"]) >= MIN_OVERLAP]
            if rep and all(x.get("first_for_source") for x in rep):
                c.corroborations += 1
                tag = "CORROB"
            elif rep:
                c.leaked += 1
                tag = "REPEAT"
            else:
                c.fp += 1
                tag = "FP"
        out.tagged.append((tag, f, e))
    c.found = len(matched)
    out.missed = [lab for i, lab in enumerate(expected) if i not in matched]
    return out


def show_lines(scored: Scored) -> list[str]:
    """Every alert with its tag, then every missed label (``score.py --show``)."""
    lines = []
    for tag, f, e in scored.tagged:
        lines.append(
            f"{tag:6} {f[:28]:28} {e.get('kind')!s:10} {str(e.get('source'))[:28]:28} "
            f"{str(e.get('value'))[:20]:20} | {str(e.get('evidence') or '')[:90]}"
        )
    for lab in scored.missed:
        lines.append(
            f"MISS   {lab['file'][:28]:28} {lab['event']:10} {lab['source'][:28]:28} "
            f"{str(lab['value'])[:20]:20} | {lab['quote'][:90]}"
        )
    return lines
