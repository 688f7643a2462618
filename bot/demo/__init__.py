"""The demo story shipped for ``make run``: a topic and six short articles, written for it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.domain import Article
from bot.ingest.files import FileProblem, read_file
from bot.topics import TopicFile, slugify
from storage.repository import Repository

DEMO_DIR = Path(__file__).parent


def demo_topic() -> TopicFile:
    return TopicFile.load(DEMO_DIR / "topic.toml")


def demo_articles() -> list[Article]:
    items = [a for a in read_file(DEMO_DIR / "articles.jsonl") if not isinstance(a, FileProblem)]
    return sorted(items, key=lambda a: a.published_at or a.url)


def ensure_demo_topic(repo: Repository, platform: str, workspace: str, channel: str) -> int:
    """Create the demo topic and subscribe ``channel`` to it (idempotent)."""
    topic = demo_topic()
    found = repo.find_topic(platform, workspace, slugify(topic.name))
    if found is None:
        repo.ensure_workspace(platform, workspace, "demo")
        found = repo.add_topic(
            platform, workspace, topic.name, slugify(topic.name), topic.query, "demo"
        )
        for alias, canonical in topic.aliases.items():
            repo.add_alias(found.id, alias, canonical, "demo")
    repo.subscribe(found.id, platform, workspace, channel, "instant", "demo")
    return found.id


async def play_demo(ingest: object, pause_s: float = 0.4) -> int:
    """Feed the demo articles one by one, as a live story would arrive."""
    n = 0
    for item in demo_articles():
        await ingest(item)  # type: ignore[operator]
        n += 1
        await asyncio.sleep(pause_s)
    return n
