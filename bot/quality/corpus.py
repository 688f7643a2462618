"""Labelled news timelines: the ``../shared/corpus`` story-folder format.

A story folder holds ``index.jsonl`` (one record per article: ``file``,
``url``, ``outlet``, ``published``, ``title``), the excerpts ``NN_*.txt``,
``topic.toml`` (``name``, ``query``) and ``labels.jsonl`` (one record per claim
mention: ``file``, ``claim_key``, ``source``, ``value``, ``quote``, ``event``…).
``load_story`` reads one; ``stories_in`` finds the story folders under a path.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.domain import EventKind
from bot.ingest.dates import parse_datetime

ALERT_EVENTS = frozenset({EventKind.NEW_CLAIM.value, EventKind.CHANGED.value})


class CorpusError(ValueError):
    """A story folder is missing a file or holds a malformed one."""


@dataclass(frozen=True)
class StoryArticle:
    file: str
    url: str
    outlet: str
    published: datetime
    title: str
    text: str


@dataclass(frozen=True)
class Story:
    name: str
    path: Path
    topic_name: str
    topic_query: str
    articles: list[StoryArticle]
    labels: list[dict[str, Any]]

    def labels_of(self, file: str) -> list[dict[str, Any]]:
        return [lab for lab in self.labels if lab["file"] == file]


def _published(value: str) -> datetime:
    """As ``score.py`` writes it ("T12:00" added to a bare date), read as the product reads it."""
    text = value if len(value) > 10 else value + "T12:00"
    when = parse_datetime(text)
    if when is None:
        raise ValueError(f"'published' is not a date: {value!r}")
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise CorpusError(f"{path}: {e}") from e
    out = []
    for n, line in enumerate(lines, 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise CorpusError(f"{path}:{n}: {e.msg}") from e
    return out


def is_story(path: Path) -> bool:
    return (path / "index.jsonl").is_file() and (path / "topic.toml").is_file()


def load_story(path: Path) -> Story:
    """Read one story folder (labels are optional: a story may be replayed unlabelled)."""
    try:
        with (path / "topic.toml").open("rb") as f:
            topic = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise CorpusError(f"{path / 'topic.toml'}: {e}") from e
    articles = []
    for r in _jsonl(path / "index.jsonl"):
        try:
            text = (path / r["file"]).read_text(encoding="utf-8")
            articles.append(
                StoryArticle(
                    file=r["file"],
                    url=r["url"],
                    outlet=r.get("outlet") or "",
                    published=_published(r["published"]),
                    title=r.get("title") or "",
                    text=text,
                )
            )
        except (KeyError, OSError, ValueError) as e:
            raise CorpusError(f"{path / 'index.jsonl'}: {r.get('file', '?')}: {e}") from e
    labels_path = path / "labels.jsonl"
    labels = _jsonl(labels_path) if labels_path.exists() else []
    return Story(path.name, path, str(topic.get("name", path.name)), str(topic["query"]),
                 articles, labels)  # fmt: skip


def stories_in(paths: list[Path]) -> list[Story]:
    """Every story folder among ``paths`` and their immediate subfolders, sorted by name."""
    found: list[Path] = []
    for p in paths:
        if is_story(p):
            found.append(p)
        elif p.is_dir():
            found.extend(sorted(d for d in p.iterdir() if d.is_dir() and is_story(d)))
        else:
            raise CorpusError(f"{p}: not a story folder (no index.jsonl and topic.toml)")
    return [load_story(p) for p in found]
