"""`make run`'s path: ``run_bot`` starts the Discord adapter when a token is set, and an
article submitted over Discord reaches the subscribed channel through the live dispatcher."""

from __future__ import annotations

import asyncio
import contextlib

from bot.config import Settings
from bot.runner import run_bot
from tests.discord.fake_discord import CHANNEL_ID, FakeDiscord

TEXT = (
    "Troops report\nKYIV — Ukraine's military intelligence agency said on Tuesday that at "
    "least 8,000 North Korean troops had arrived in Russia's Kursk region."
)


async def test_run_bot_serves_discord(settings: Settings, fake: FakeDiscord):
    task = asyncio.create_task(run_bot(settings))
    try:
        await fake.wait_for(lambda: fake.find("PUT", "/commands"), timeout=15)
        await fake.wait_for(lambda: fake.identifies, timeout=15)
        # the client reads its gateway in order: the command comes after READY and GUILD_CREATE
        await fake.wait_for(lambda: fake.guilds_created, timeout=15)
        res = await fake.command(
            "claimwatch topic add", name="NK troops", query='"North Korean" AND troops'
        )
        assert not res.ephemeral, res
        await fake.command("claimwatch subscribe", topic="nk-troops")
        res = await fake.command("submit", content=TEXT)
        assert "Stored as a new article" in res.text, res
        # no explicit dispatcher run: the running bot's dispatcher is woken by the new alert
        posts = await fake.wait_for(lambda: fake.posts_to(CHANNEL_ID), timeout=10)
        assert posts[0].json["embeds"][0]["title"] == "New claim · troops — count"
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
