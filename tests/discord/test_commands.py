"""Each slash command end to end: the fake pushes INTERACTION_CREATE, the real discord.py
client runs the real tree, and the test reads the callback the fake received."""

from __future__ import annotations

import discord
import pytest

from adapters.discord import DiscordAdapter
from bot.app import App
from tests.discord.conftest import connect, disconnect
from tests.discord.fake_discord import (
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    OTHER_CHANNEL_ID,
    FakeDiscord,
)
from tests.discord.helpers import QUAKE_1, QUAKE_2, QUAKE_3, ingest, quake_topic, resolved_channel

PNG = b"\x89PNG\r\n\x1a\n"


def topics(app: App) -> list[str]:
    return [t.slug for t in app.repo.list_topics("discord", str(GUILD_ID))]


async def test_commands_are_synced_with_admin_hint(discord_bot: DiscordAdapter, fake: FakeDiscord):
    [sync] = fake.find("PUT", f"/applications/{APP_ID}/commands")
    by_name = {c["name"]: c for c in sync.json}
    assert set(by_name) == {"claims", "sources", "timeline", "submit", "claimwatch"}
    admin = by_name["claimwatch"]
    assert int(admin["default_member_permissions"]) == 1 << 5  # Manage Server
    subs = {o["name"]: o for o in admin["options"]}
    assert set(subs) == {"topic", "feed", "alias", "subscribe", "unsubscribe", "status", "help"}
    assert {o["name"] for o in subs["topic"]["options"]} == {"add", "edit", "remove", "list"}
    assert {o["name"] for o in subs["feed"]["options"]} == {"add", "list", "remove"}
    claims_opts = {o["name"]: o for o in by_name["claims"]["options"]}
    assert claims_opts["topic"]["autocomplete"] and claims_opts["key"]["autocomplete"]
    assert by_name["claims"].get("default_member_permissions") is None
    assert not fake.find("PUT", "/guilds/")  # no guild ids configured


async def test_guild_sync_and_sharding(app: App, fake: FakeDiscord):
    app.settings.discord_guild_ids = [GUILD_ID]
    app.settings.discord_shards = 2
    adapter, task = await connect(app)
    try:
        assert isinstance(adapter.client, discord.AutoShardedClient)
        assert sorted(i["shard"] for i in fake.identifies) == [[0, 2], [1, 2]]
        [guild_sync] = fake.find("PUT", f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
        assert {c["name"] for c in guild_sync.json} >= {"claims", "claimwatch"}
        res = await fake.command("claimwatch topic list")
        assert res.ephemeral and "No topics yet" in res.content
    finally:
        await disconnect(adapter, task)


async def test_joining_registers_the_workspace(discord_bot: DiscordAdapter, app: App):
    from storage.models import Workspace

    with app.repo.session() as s:
        ws = s.query(Workspace).filter_by(platform="discord", workspace_id=str(GUILD_ID)).one()
        assert ws.name == "Newsroom" and ws.active


async def test_topic_add_list_edit_remove(discord_bot: DiscordAdapter, fake: FakeDiscord, app):
    res = await fake.command("claimwatch topic add", name="Quake", query="earthquake OR quake")
    assert not res.ephemeral and not res.deferred
    [embed] = res.embeds
    assert embed["title"] == "Topic added"
    assert "Tracking **Quake** (`quake`)" in embed["description"]
    assert embed["fields"] == [{"name": "Query", "value": "earthquake OR quake", "inline": False}]
    assert topics(app) == ["quake"]

    res = await fake.command("claimwatch topic list")
    assert res.embeds[0]["title"] == "Topics"
    assert res.embeds[0]["fields"][0]["name"] == "quake"
    assert "Query: earthquake OR quake" in res.embeds[0]["fields"][0]["value"]

    res = await fake.command(
        "claimwatch topic edit", topic="quake", query="earthquake", mode="digest"
    )
    assert res.embeds[0]["title"] == "Topic updated"
    assert {"name": "Mode", "value": "digest", "inline": False} in res.embeds[0]["fields"]

    res = await fake.command("claimwatch topic remove", topic="quake")
    assert res.content.startswith("Stopped tracking **Quake**") and not res.embeds
    assert topics(app) == []


async def test_subscribe_and_unsubscribe(discord_bot: DiscordAdapter, fake: FakeDiscord, app):
    await fake.command("claimwatch topic add", name="Quake", query="earthquake")
    res = await fake.command(
        "claimwatch subscribe",
        topic="quake",
        channel=str(OTHER_CHANNEL_ID),
        mode="digest",
        resolved=resolved_channel(OTHER_CHANNEL_ID, "alerts"),
    )
    assert res.content.startswith(f"<#{OTHER_CHANNEL_ID}> will now get **Quake** alerts, digest")
    [sub] = app.repo.subscriptions("discord", str(GUILD_ID))
    assert (sub.channel_id, sub.mode) == (str(OTHER_CHANNEL_ID), "digest")

    res = await fake.command("claimwatch subscribe", topic="quake")  # this channel, instant
    assert res.content.startswith(f"<#{CHANNEL_ID}> will now get **Quake** alerts, instant")

    res = await fake.command("claimwatch unsubscribe", topic="quake")
    assert res.content == f"<#{CHANNEL_ID}> no longer gets **Quake** alerts."
    res = await fake.command("claimwatch unsubscribe", topic="quake")
    assert res.ephemeral and "is not subscribed to quake" in res.content


async def test_feeds(discord_bot: DiscordAdapter, fake: FakeDiscord):
    await fake.command("claimwatch topic add", name="Quake", query="earthquake")
    res = await fake.command("claimwatch feed add", url="https://news.example/rss", topic="quake")
    assert res.content.startswith("Added feed #1 https://news.example/rss for **Quake**")
    res = await fake.command("claimwatch feed list")
    [embed] = res.embeds
    assert embed["title"] == "Feeds" and embed["fields"][0]["name"] == "#1"
    assert "URL: https://news.example/rss" in embed["fields"][0]["value"]
    res = await fake.command("claimwatch feed remove", feed="1")
    assert res.content == "Removed feed 1."
    res = await fake.command("claimwatch feed list")
    assert res.ephemeral and res.content.startswith("No feeds.")


async def test_alias_status_and_help(discord_bot: DiscordAdapter, fake: FakeDiscord):
    res = await fake.command("claimwatch alias add", source="Red Cross", alias="ICRC")
    assert (
        res.content == "'ICRC' now reads as **Red Cross** on every topic here (for new articles)."
    )
    res = await fake.command("claimwatch status")
    assert res.ephemeral and res.embeds[0]["title"] == "Claimwatch status"
    assert "0 feed(s)" in res.embeds[0]["description"]
    res = await fake.command("claimwatch help")
    assert res.ephemeral and "/claims TOPIC" in res.embeds[0]["description"]


async def test_claims_sources_and_autocomplete(discord_bot, fake: FakeDiscord, app: App):
    await quake_topic(fake)
    await ingest(app, 1, QUAKE_1, outlet="Wire")
    await ingest(app, 2, QUAKE_2, outlet="Daily")
    await ingest(app, 3, QUAKE_3, outlet="Herald")

    res = await fake.command("claims", topic="quake")
    assert not res.ephemeral
    [embed] = res.embeds
    assert embed["title"] == "Claims · Quake"
    [field] = embed["fields"]
    assert field["name"] == "dead — count"
    assert "Agency: **120 dead** (was 40 dead)" in field["value"]
    assert "Red Cross: **95 dead**" in field["value"]

    res = await fake.command("claims", topic="quake", key="dead", since="2020-01-01")
    assert "Agency: **120 dead**" in res.text

    res = await fake.command("sources", topic="quake")
    [embed] = res.embeds
    assert embed["title"] == "Sources · Quake" and embed["description"] == "2 sources."
    names = [f["name"] for f in embed["fields"]]
    assert sorted(names) == ["Agency", "Red Cross"]
    assert any("Latest: dead — count: 120 dead" in f["value"] for f in embed["fields"])

    assert await fake.autocomplete("claims", "topic", topic="qu") == [
        {"name": "Quake", "value": "quake"}
    ]
    assert await fake.autocomplete("claims", "key", topic="quake", key="de") == [
        {"name": "dead — count", "value": "dead:count"}
    ]
    assert await fake.autocomplete("claims", "key", topic="nope", key="") == []


async def test_timeline_attaches_a_png(discord_bot, fake: FakeDiscord, app: App):
    await quake_topic(fake)
    await ingest(app, 1, QUAKE_1)
    await ingest(app, 2, QUAKE_2)
    res = await fake.command("timeline", topic="quake", key="dead")
    assert res.deferred and not res.ephemeral  # deferred at once, then the original edited
    defer = res.requests[0].json
    assert defer["type"] == 5 and not (defer.get("data") or {}).get("flags")
    [file] = res.files
    assert file["filename"] == "timeline-quake.png" and file["data"].startswith(PNG)
    [embed] = res.embeds
    assert embed["title"] == "Timeline · dead — count"
    assert embed["image"]["url"] == "attachment://timeline-quake.png"
    assert res.data["attachments"][0]["filename"] == "timeline-quake.png"


async def test_submit_text(discord_bot, fake: FakeDiscord, app: App):
    await quake_topic(fake)
    text = "Quake report\nEarthquake in the hills. Agency says 12 dead. Roads are closed for now."
    res = await fake.command("submit", content=text)
    assert res.deferred and res.ephemeral
    assert res.requests[0].json["data"]["flags"] == 64  # the deferral was private already
    [embed] = res.embeds
    assert embed["title"] == "Submitted"
    assert "Stored as a new article from submitted by Editor. 1 alert(s)" in embed["description"]
    assert embed["fields"][0]["value"] == "Agency: 12 dead"


# -- refusals and errors ------------------------------------------------------------


async def test_non_admin_cannot_add_a_topic(discord_bot, fake: FakeDiscord, app: App):
    res = await fake.command("claimwatch topic add", admin=False, name="Quake", query="earthquake")
    assert res.ephemeral and not res.embeds
    assert res.content.startswith("Only admins can change Claimwatch's settings")
    assert topics(app) == []


async def test_core_refuses_non_admins_too(discord_bot, fake: FakeDiscord, app: App):
    """The run-time check is Discord's rule; the core checks is_admin on its own as well."""
    from bot.messages import CommandRequest

    req = CommandRequest("discord", str(GUILD_ID), str(CHANNEL_ID), "1", is_admin=False)
    reply = await app.commands.run(app.commands.topic_add, req, "Quake", "earthquake")
    assert reply.error and topics(app) == []


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    [
        ("claims", {"topic": "nope"}, "There is no topic 'nope'."),
        ("sources", {"topic": "nope"}, "There is no topic 'nope'."),
        ("claims", {"topic": "quake", "key": "injured"}, "Topic 'quake' has no key 'injured'."),
        ("claims", {"topic": "quake", "since": "whenever"}, "'whenever' is not a time"),
        (
            "claimwatch topic add",
            {"name": "Bad", "query": "(quake AND"},
            "That query does not parse",
        ),
        (
            "claimwatch feed add",
            {"url": "ftp://news.example/rss"},
            "A feed is an http:// or https:// URL",
        ),
        ("submit", {"content": "ftp://news.example/story"}, "Only http:// and https:// links"),
        ("submit", {"content": "too short"}, "That text is too short"),
    ],
)
async def test_user_errors_are_private_and_plain(
    discord_bot, fake: FakeDiscord, command: str, options: dict[str, str], expected: str
):
    await fake.command("claimwatch topic add", name="Quake", query="earthquake")
    res = await fake.command(command, **options)
    assert res.ephemeral, res
    assert not res.embeds and expected in res.content
    assert "Traceback" not in res.content


async def test_timeline_error_after_deferring_is_private(discord_bot, fake: FakeDiscord):
    res = await fake.command("timeline", topic="nope")
    methods = [(r.method, r.path.rsplit("/", 1)[-1]) for r in res.requests]
    assert methods == [
        ("POST", "callback"),
        ("DELETE", "@original"),
        ("POST", res.requests[2].path.rsplit("/", 1)[-1]),
    ]
    assert res.ephemeral and res.content.startswith("There is no topic 'nope'.")


async def test_slow_handler_defers_then_edits(discord_bot, fake: FakeDiscord, monkeypatch, app):
    import asyncio

    import adapters.discord.commands as dc

    monkeypatch.setattr(dc, "DEFER_AFTER_S", 0.05)
    original = app.commands.topic_list

    async def slow(req):
        await asyncio.sleep(0.3)
        return await original(req)

    monkeypatch.setattr(app.commands, "topic_list", slow)
    res = await fake.command("claimwatch topic list")
    # topic_list's "no topics" reply is ephemeral: a public deferral is replaced privately
    assert res.deferred and res.ephemeral and "No topics yet" in res.content


async def test_claims_pages_and_the_more_button(discord_bot, fake: FakeDiscord, app: App):
    await quake_topic(fake)
    units = [f"unit{chr(97 + i)}" for i in range(23)]
    await ingest(app, 1, "Earthquake. " + " ".join(f"Agency{u} says 7 {u}." for u in units))

    first = await fake.command("claims", topic="quake")
    assert len(first.embeds[0]["fields"]) == 20
    [row] = first.data["components"]
    [button] = row["components"]
    assert button["label"] == "More" and button["custom_id"] == "cw:more:/claims quake --page 2"

    second = await fake.command("claims", topic="quake", page=2)
    assert len(second.embeds[0]["fields"]) == 3 and not second.data.get("components")

    message = fake._message(CHANNEL_ID, first.data)
    clicked = await fake.click(message, button["custom_id"])
    assert clicked.ephemeral and len(clicked.embeds[0]["fields"]) == 3
