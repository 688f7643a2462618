"""Nobody is pinged by what a topic name, a command or an article says: every message the bot
sends to the fake Discord (replies, deferred edits, follow-ups, errors, alerts) carries
``allowed_mentions`` with nothing allowed."""

from __future__ import annotations

from bot.app import App
from tests.discord.fake_discord import CHANNEL_ID, FakeDiscord
from tests.discord.helpers import ingest

HOSTILE = "@everyone <@&900000000000000999> <@900000000000000301>"


def message_bodies(fake: FakeDiscord) -> list[dict]:
    """JSON bodies of requests that put a message on screen."""
    bodies = []
    for r in fake.requests:
        body = r.json if isinstance(r.json, dict) else {}
        if "/callback" in r.path:
            if body.get("type") in (4, 7):
                bodies.append(body.get("data") or {})
        elif r.method in ("POST", "PATCH") and ("/messages" in r.path or "/webhooks/" in r.path):
            bodies.append(body)
    return bodies


async def test_hostile_names_and_articles_ping_nobody(discord_bot, fake: FakeDiscord, app: App):
    res = await fake.command("claimwatch topic add", name=f"Quake {HOSTILE}", query="dead")
    assert not res.ephemeral and "@everyone" in res.text  # shown, but as text
    slug = app.repo.list_topics()[0].slug
    await fake.command("claimwatch subscribe", topic=slug)
    await fake.command("claims", topic=slug)  # an error reply: no claims yet
    await fake.command("claimwatch topic add", name="bad\u202ename", query="dead")  # refused
    await fake.command("submit", content=f"Agency says 40 dead. {HOSTILE} Agency says 40 dead.")
    await ingest(app, 2, f"Agency says 55 dead, {HOSTILE}.", outlet=HOSTILE)
    await app.dispatcher.run_once()
    assert fake.posts_to(CHANNEL_ID), "no alert was posted"
    bodies = message_bodies(fake)
    assert len(bodies) >= 6
    for body in bodies:
        assert body.get("allowed_mentions") == {"parse": []}, body
