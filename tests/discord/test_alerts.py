"""Alerts end to end: an ingested article's alert reaches the subscribed channel as one embed
with buttons, exactly once; rate limits, missing permissions, deleted channels and leaving
a guild are handled as the adapter promises."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from adapters.discord import DiscordAdapter
from bot.app import App
from tests.discord.conftest import connect, disconnect
from tests.discord.fake_discord import (
    CHANNEL_ID,
    GUILD_ID,
    OTHER_CHANNEL_ID,
    FakeDiscord,
    channel_payload,
)
from tests.discord.helpers import QUAKE_1, QUAKE_2, QUAKE_3, ingest, quake_topic

PNG = b"\x89PNG\r\n\x1a\n"


def subs(app: App):
    return {s.channel_id: s for s in app.repo.subscriptions("discord", str(GUILD_ID))}


async def test_alert_reaches_the_channel_once_as_an_embed(
    discord_bot, fake: FakeDiscord, app: App, caplog
):
    caplog.set_level(logging.DEBUG)
    await quake_topic(fake)
    await ingest(app, 1, QUAKE_1, outlet="Wire")
    first = await app.dispatcher.run_once()
    second = await app.dispatcher.run_once()
    assert (first.sent, second.sent) == (1, 0)

    [post] = fake.posts_to(CHANNEL_ID)
    [embed] = post.json["embeds"]
    assert embed["title"] == "New claim · dead — count"
    assert embed["color"] == 0x2ECC71  # green: new claim
    assert embed["url"] == "https://news1.example/story-1"
    assert embed["description"] == "> Agency says 40 dead."
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Source"] == "Agency"
    assert fields["Value"] == "**40 dead**"
    assert fields["Topic"] == "Quake"
    assert fields["Key"] == "dead — count"
    assert fields["Read at"] == "[Story 1](https://news1.example/story-1) · Wire"
    assert fields["Corroboration"] == "not yet corroborated"
    assert post.json["allowed_mentions"] == {"parse": []}
    [row] = post.json["components"]
    assert [(b["label"], b["custom_id"]) for b in row["components"]] == [
        ("Sources", "cw:sources:quake"),
        ("Timeline", "cw:timeline:quake:dead:count"),
    ]
    [alert] = app.repo.alerts()
    assert alert.status == "sent"
    assert alert.platform_message_id == fake.channel_messages[CHANNEL_ID][0]["id"]
    assert "fake-token-do-not-log" not in caplog.text  # the token is never logged


async def test_changed_and_new_source_alerts(discord_bot, fake: FakeDiscord, app: App):
    await quake_topic(fake)
    await ingest(app, 1, QUAKE_1)
    await ingest(app, 2, QUAKE_2)
    await ingest(app, 3, QUAKE_3)
    report = await app.dispatcher.run_once()
    assert report.sent == 3
    embeds = [p.json["embeds"][0] for p in fake.posts_to(CHANNEL_ID)]
    assert [e["title"] for e in embeds] == [
        "New claim · dead — count",
        "Changed · dead — count",
        "New source · dead — count",
    ]
    changed = {f["name"]: f["value"] for f in embeds[1]["fields"]}
    assert changed["Changed"] == "**40 dead → 120 dead**"
    assert embeds[1]["color"] == 0xF1C40F  # gold: changed
    assert embeds[2]["color"] == 0x3498DB  # blue: new source


async def test_buttons_answer_privately_also_after_a_restart(
    discord_bot: DiscordAdapter, fake: FakeDiscord, app: App
):
    await quake_topic(fake)
    await ingest(app, 1, QUAKE_1)
    await ingest(app, 2, QUAKE_2)
    await app.dispatcher.run_once()
    message = fake.channel_messages[CHANNEL_ID][-1]

    res = await fake.click(message, "cw:sources:quake")
    assert res.ephemeral and res.embeds[0]["title"] == "Sources · Quake"

    res = await fake.click(message, "cw:timeline:quake:dead:count")
    assert res.ephemeral and res.deferred
    assert res.files[0]["data"].startswith(PNG)

    # a fresh client (a restart) still answers the buttons of old messages
    await discord_bot.close()
    adapter, task = await connect(app)
    try:
        res = await fake.click(message, "cw:sources:quake")
        assert res.ephemeral and "Agency" in res.text
    finally:
        await disconnect(adapter, task)


async def test_digest_is_one_message(discord_bot, fake: FakeDiscord, app: App):
    await quake_topic(fake, mode="digest")
    await ingest(app, 1, QUAKE_1)
    await ingest(app, 2, QUAKE_2)
    await ingest(app, 3, QUAKE_3)
    assert (await app.dispatcher.run_once()).sent == 0
    report = await app.dispatcher.run_once(now=datetime.now(UTC) + timedelta(hours=2))
    assert report.digests == 1
    [post] = fake.posts_to(CHANNEL_ID)
    assert post.json["content"] == "**Digest · Quake** — 3 alerts"
    assert [e["title"] for e in post.json["embeds"]] == [
        "New claim · dead — count",
        "Changed · dead — count",
        "New source · dead — count",
    ]
    report = await app.dispatcher.run_once(now=datetime.now(UTC) + timedelta(hours=2))
    assert report.digests == 0 and len(fake.posts_to(CHANNEL_ID)) == 1


async def test_short_rate_limit_is_waited_out_and_sent_once(discord_bot, fake, app: App):
    await quake_topic(fake)
    fake.fail_next(CHANNEL_ID, 429, retry_after=0.2)
    await ingest(app, 1, QUAKE_1)
    report = await app.dispatcher.run_once()
    await asyncio.sleep(1.1)  # the header's Retry-After is whole seconds
    again = await app.dispatcher.run_once()
    assert (report.sent, report.deferred, again.sent) == (0, 1, 1)
    attempts = fake.find("POST", f"/channels/{CHANNEL_ID}/messages")
    assert [a.query.get("_status", "200") for a in attempts] == ["429", "200"]
    assert len(fake.posts_to(CHANNEL_ID)) == 1


async def test_long_rate_limit_goes_back_to_the_dispatcher(discord_bot, fake, app: App):
    await quake_topic(fake)
    fake.fail_next(CHANNEL_ID, 429, retry_after=120)
    await ingest(app, 1, QUAKE_1)
    report = await app.dispatcher.run_once()
    assert (report.sent, report.deferred, report.failed, report.paused) == (0, 1, 0, 0)
    [alert] = app.repo.alerts()
    assert alert.status == "pending" and alert.attempts == 0
    assert not subs(app)[str(CHANNEL_ID)].paused
    later = await app.dispatcher.run_once(now=datetime.now(UTC) + timedelta(minutes=3))
    assert later.sent == 1 and len(fake.posts_to(CHANNEL_ID)) == 1


async def test_missing_permission_pauses_and_shows_in_status(discord_bot, fake, app: App):
    await quake_topic(fake)
    await quake_topic_other_channel(fake)
    fake.fail_next(CHANNEL_ID, 403)
    await ingest(app, 1, QUAKE_1)
    report = await app.dispatcher.run_once()
    assert (report.sent, report.paused) == (1, 1)  # the other channel still got its alert
    assert len(fake.posts_to(OTHER_CHANNEL_ID)) == 1
    sub = subs(app)[str(CHANNEL_ID)]
    assert sub.paused and "Claimwatch may not post in" in sub.pause_reason
    assert "Send Messages" in sub.pause_reason

    await ingest(app, 2, QUAKE_2)
    report = await app.dispatcher.run_once()
    assert report.sent == 1 and not fake.posts_to(CHANNEL_ID)

    res = await fake.command("claimwatch status")
    assert "1 paused" in res.embeds[0]["description"]
    paused = [f for f in res.embeds[0]["fields"] if f["name"].startswith("Paused: quake")]
    assert paused and "Missing Permissions" in paused[0]["value"]


async def quake_topic_other_channel(fake: FakeDiscord) -> None:
    from tests.discord.helpers import resolved_channel

    res = await fake.command(
        "claimwatch subscribe",
        topic="quake",
        channel=str(OTHER_CHANNEL_ID),
        resolved=resolved_channel(OTHER_CHANNEL_ID, "alerts"),
    )
    assert "will now get" in res.content


async def test_deleted_channel_pauses(discord_bot, fake: FakeDiscord, app: App):
    await quake_topic(fake)
    fake.fail_next(CHANNEL_ID, 404)
    await ingest(app, 1, QUAKE_1)
    report = await app.dispatcher.run_once()
    assert report.paused == 1
    assert "no longer exists" in subs(app)[str(CHANNEL_ID)].pause_reason


async def test_channel_delete_event_pauses(discord_bot, fake: FakeDiscord, app: App):
    await quake_topic(fake)
    await fake.push("CHANNEL_DELETE", channel_payload(CHANNEL_ID, "news"))
    await wait_until(lambda: subs(app)[str(CHANNEL_ID)].paused)
    assert subs(app)[str(CHANNEL_ID)].pause_reason == "the channel #news was deleted"
    await ingest(app, 1, QUAKE_1)
    await app.dispatcher.run_once()
    assert not fake.posts_to(CHANNEL_ID)


async def test_leaving_the_guild_pauses_its_subscriptions(discord_bot, fake, app: App):
    await quake_topic(fake)
    await fake.push("GUILD_DELETE", {"id": str(GUILD_ID)})
    await wait_until(lambda: subs(app)[str(CHANNEL_ID)].paused)
    assert subs(app)[str(CHANNEL_ID)].pause_reason == "the bot left this workspace"


async def wait_until(predicate, timeout: float = 5.0) -> None:
    import asyncio

    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached")


async def test_corroboration_is_counted_in_the_embed(discord_bot, fake: FakeDiscord, app: App):
    await quake_topic(fake)
    await ingest(app, 1, QUAKE_1, outlet="Wire")
    await ingest(app, 2, "Earthquake latest. Agency says 40 dead. Roads closed.", outlet="Daily")
    await app.dispatcher.run_once()
    [post] = fake.posts_to(CHANNEL_ID)  # the repeat raised no alert of its own
    fields = {f["name"]: f["value"] for f in post.json["embeds"][0]["fields"]}
    assert fields["Corroboration"] == "corroborated by 1 other article"


async def test_real_rule_extractor_alert(settings, fake: FakeDiscord):
    """The same path with the real rule-based extractor instead of the test double."""
    from bot.app import build_app
    from bot.claims.extractor import RuleExtractor

    app = build_app(settings, extractor=RuleExtractor())
    adapter, task = await connect(app)
    try:
        res = await fake.command(
            "claimwatch topic add", name="NK troops", query='"North Korean" AND troops'
        )
        assert not res.ephemeral, res
        await fake.command("claimwatch subscribe", topic="nk-troops")
        await ingest(
            app,
            1,
            "KYIV — Ukraine's military intelligence agency said on Tuesday that at least 8,000 "
            "North Korean troops had arrived in Russia's Kursk region. The Kremlin declined to "
            "comment on the report.",
        )
        await app.dispatcher.run_once()
        embeds = [p.json["embeds"][0] for p in fake.posts_to(CHANNEL_ID)]
        figure = next(e for e in embeds if e["title"] == "New claim · troops — count")
        fields = {f["name"]: f["value"] for f in figure["fields"]}
        assert fields["Value"] == "**at least 8,000 troops**"
        assert "military intelligence" in fields["Source"]
        # the evidence is the sentence, its dateline left out
        assert figure["description"].startswith("> Ukraine's military intelligence agency said")
    finally:
        await disconnect(adapter, task)
        app.repo.dispose()
