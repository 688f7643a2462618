"""Nobody is pinged by text Claimwatch did not build: hostile topic names and articles through
the real Bolt app and the sender, every request the fake Slack receives checked."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.conftest import article
from tests.slack.conftest import SlackHarness

MENTION = re.compile(r"<[!@]|@(here|channel|everyone)\b", re.IGNORECASE)


def strings(node: Any) -> list[str]:
    """Every text a Slack message payload carries (``text`` fields, blocks, comments)."""
    if isinstance(node, str):
        try:
            return strings(json.loads(node)) if node[:1] in "[{" else [node]
        except ValueError:
            return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() if k not in ("value", "action_id") for s in strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return []


def channel_links(text: str) -> set[str]:
    return set(re.findall(r"<#([A-Z0-9]+)", text))


async def test_a_topic_named_like_a_mention_pings_nobody(slack: SlackHarness) -> None:
    name = "<!channel> @here <@U42> <#C777>"
    added = await slack.command("/claimwatch", f'topic add "{name}" dead OR killed')
    assert "Tracking" in added.text, added.text
    slug = slack.core.repo.list_topics("slack", "T1")[0].slug
    public = await slack.command("/claimwatch", f"subscribe {slug}")
    assert not public.ephemeral
    # the fallback text shows a channel link, not &lt;#C1&gt; (and nothing else is a link)
    assert public.reply["text"].startswith("<#C1> will now get")
    for text in strings(public.reply):
        assert not MENTION.search(text), text
        assert channel_links(text) <= {"C1"}, text
    await slack.command("/claimwatch", "topic list")
    slack.core.pipeline.invalidate()
    await slack.core.pipeline.ingest(
        article(
            1, "Agency says 40 dead. <!everyone> Agency says @channel 40 dead.", outlet="<!here>"
        )
    )
    await slack.core.dispatcher.run_once()
    posts = slack.fake.of("chat.postMessage")
    assert posts, "the alert was not posted"
    for text in strings([c.body for c in posts] + list(slack.fake.responses.values())):
        assert not MENTION.search(text), text
        assert channel_links(text) <= {"C1"}, text


async def test_messages_are_posted_without_mention_parsing(slack: SlackHarness) -> None:
    await slack.command("/claimwatch", "topic add quake dead")
    await slack.command("/claimwatch", "subscribe quake")
    await slack.core.pipeline.ingest(article(1, "Agency says 40 dead."))
    await slack.core.dispatcher.run_once()
    (post,) = slack.fake.of("chat.postMessage")
    assert post.body.get("link_names") in (False, "false", "0", 0)
    assert post.body.get("parse") == "none"
