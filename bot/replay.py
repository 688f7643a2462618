"""Replay: the live pipeline over a throwaway store, articles in publication order.

``replay_events`` is what ``claimwatch replay`` prints and what evaluation
scores: every event the pipeline records, as the JSON rows of ``replay
--json`` (``article_url``, ``kind``, ``key``, ``source``, ``value``,
``previous_value``, ``evidence``), with dates, notes and abstentions added in
debug mode.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.claims.model import Extractor
from bot.config import Settings
from bot.domain import Article
from bot.topics import TopicFile, slugify

REPLAY_PLATFORM = "replay"


def in_publication_order(articles: Sequence[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: a.published_at or datetime.min.replace(tzinfo=UTC))


def replay_events(
    articles: Sequence[Article],
    topic: TopicFile,
    settings: Settings,
    *,
    debug: bool = False,
    extractor: Extractor | None = None,
) -> list[dict[str, object]]:
    """Every event of the live pipeline over ``articles`` on a throwaway SQLite store."""
    from bot.app import build_app

    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="claimwatch-replay-") as tmp:
        settings = settings.model_copy(
            update={"database_url": f"sqlite:///{tmp}/replay.db", "demo": False, "console": False}
        )
        application = build_app(settings, extractor=extractor)
        repo = application.repo
        t = repo.add_topic(REPLAY_PLATFORM, "replay", topic.name, slugify(topic.name), topic.query)
        for alias, canonical in topic.aliases.items():
            repo.add_alias(t.id, alias, canonical)
        for item in in_publication_order(articles):
            outcome = application.pipeline.ingest_sync(item)
            for event in outcome.events:
                row = event.replay_json()
                if debug:
                    row["asserted_at"] = event.asserted_at.isoformat()
                    row["note"] = event.note
                rows.append(row)
            if debug:
                for sentence, reason in outcome.abstentions:
                    rows.append(
                        {"article_url": item.url, "abstained": reason, "sentence": sentence}
                    )
        repo.dispose()
    return rows
