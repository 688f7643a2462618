"""Fixtures for the Discord end-to-end tests: the fake Discord and a connected adapter."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord.gateway
import discord.http
import pytest
from pydantic import SecretStr

from adapters.discord import DiscordAdapter, build_discord
from bot.app import App
from bot.config import Settings
from tests.discord.fake_discord import FakeDiscord


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield server
    await server.close()
    discord.http.Route.BASE = base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway


@pytest.fixture
def settings(settings: Settings, fake: FakeDiscord) -> Settings:
    """The shared settings, pointed at the fake Discord."""
    return settings.model_copy(
        update={
            "discord_token": SecretStr("fake-token-do-not-log"),
            "discord_api_url": fake.api_url,
            "discord_gateway_url": fake.gateway_url,
            # the fake sends every GUILD_CREATE right after READY: no need to wait for more
            "discord_guild_ready_timeout_s": 0.05,
        }
    )


async def _ready(adapter: DiscordAdapter) -> None:
    await adapter.client.logged_in.wait()
    await adapter.client.wait_until_ready()


async def connect(app: App) -> tuple[DiscordAdapter, asyncio.Task[None]]:
    adapter = build_discord(app)
    app.dispatcher.add_sender(adapter)
    task = asyncio.create_task(adapter.run())
    ready = asyncio.create_task(_ready(adapter))
    done, _ = await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        ready.cancel()
        task.result()
    if ready not in done:
        ready.cancel()
        raise AssertionError("the Discord client did not get READY from the fake")
    assert adapter.client.guilds, "READY came without the fake's guild"
    return adapter, task


async def disconnect(adapter: DiscordAdapter, task: asyncio.Task[None]) -> None:
    await adapter.close()
    try:
        await asyncio.wait_for(task, 5)
    except (asyncio.CancelledError, TimeoutError):
        task.cancel()


@pytest.fixture
async def discord_bot(app: App, fake: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    adapter, task = await connect(app)
    yield adapter
    await disconnect(adapter, task)
