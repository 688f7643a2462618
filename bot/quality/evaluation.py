"""``claimwatch eval``: replay labelled stories and print what ``score.py`` prints.

Each story is replayed through the live pipeline (``bot.replay``) and scored
with ``bot.quality.scoring``; one line per story, then a total when there are
several. With ``scorers`` (story name -> scorer), each story is replayed with
its own scorer: leave-one-story-out figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TextIO

from bot.claims.extractor import RuleExtractor
from bot.claims.scorer import Scorer
from bot.config import Settings
from bot.domain import Article
from bot.quality.corpus import Story
from bot.quality.scoring import Counts, Scored, score_story, show_lines
from bot.replay import replay_events
from bot.topics import TopicFile


def story_articles(story: Story) -> list[Article]:
    return [
        Article(url=a.url, text=a.text, title=a.title, outlet=a.outlet, published_at=a.published)
        for a in story.articles
    ]


def replay_story(
    story: Story, scorer: Scorer | None = None, settings: Settings | None = None
) -> Scored:
    settings = settings or Settings(demo=False, console=False)
    extractor = RuleExtractor(scorer=scorer) if scorer is not None else None
    rows = replay_events(
        story_articles(story),
        TopicFile(story.topic_name, story.topic_query),
        settings,
        extractor=extractor,
    )
    return score_story(story, rows)


def evaluate(
    stories: Sequence[Story],
    *,
    scorers: Mapping[str, Scorer] | None = None,
    show: bool = False,
    out: TextIO,
) -> Counts:
    """Replay and score each story, printing ``score.py``'s lines; returns the total."""
    total = Counts()
    for story in stories:
        scored = replay_story(story, scorers.get(story.name) if scorers else None)
        if show:
            for line in show_lines(scored):
                out.write(line + "\n")
        out.write(scored.counts.line(story.name) + "\n")
        total = total + scored.counts
    if len(stories) > 1:
        out.write(total.line("TOTAL") + "\n")
    return total
