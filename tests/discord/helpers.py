"""Shared steps for the Discord end-to-end tests: a topic, a subscription, some articles."""

from __future__ import annotations

from bot.app import App
from tests.conftest import article
from tests.discord.fake_discord import CHANNEL_ID, GUILD_ID, FakeDiscord, channel_payload

QUAKE_1 = "Earthquake in the north. Agency says 40 dead. Rescue teams are searching the rubble."
QUAKE_2 = "Earthquake toll rises. Agency says 120 dead. Hospitals are full."
QUAKE_3 = "Earthquake aftermath. Red Cross says 95 dead. More aftershocks are expected."


def resolved_channel(channel_id: int, name: str) -> dict[str, object]:
    data = channel_payload(channel_id, name)
    data["permissions"] = "2147483647"
    return {"channels": {str(channel_id): data}}


async def quake_topic(fake: FakeDiscord, mode: str = "instant", channel_id: int = CHANNEL_ID):
    added = await fake.command("claimwatch topic add", name="Quake", query="earthquake OR quake")
    assert not added.ephemeral, added
    sub = await fake.command(
        "claimwatch subscribe",
        topic="quake",
        channel=str(channel_id),
        mode=mode,
        resolved=resolved_channel(channel_id, fake.channels.get(channel_id, "x")),
    )
    assert "alerts" in sub.text, sub


async def ingest(app: App, n: int, text: str, outlet: str = "Wire") -> None:
    await app.pipeline.ingest(article(n, text, outlet=outlet, title=f"Story {n}"))


def workspace_id() -> str:
    return str(GUILD_ID)
