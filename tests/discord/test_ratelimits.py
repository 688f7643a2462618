"""Rate limits per bucket on Discord: a long 429 pauses the channel's route bucket (other
channels keep getting alerts), a global one pauses all of Discord; nothing is sent to a
paused bucket and every alert goes exactly once when the pause ends."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from bot.app import App
from tests.discord.fake_discord import CHANNEL_ID, OTHER_CHANNEL_ID, FakeDiscord
from tests.discord.helpers import QUAKE_1, QUAKE_2, ingest, quake_topic
from tests.discord.test_alerts import quake_topic_other_channel


async def test_a_long_429_pauses_only_its_channel(discord_bot, fake: FakeDiscord, app: App):
    await quake_topic(fake)
    await quake_topic_other_channel(fake)
    fake.fail_next(CHANNEL_ID, 429, retry_after=45)
    await ingest(app, 1, QUAKE_1)
    report = await app.dispatcher.run_once()
    assert (report.sent, report.deferred) == (1, 1)
    await ingest(app, 2, QUAKE_2)
    report = await app.dispatcher.run_once()
    assert report.sent == 1  # the other channel again; nothing tried on the paused one
    assert len(fake.find("POST", f"/channels/{CHANNEL_ID}/messages")) == 1
    assert len(fake.posts_to(OTHER_CHANNEL_ID)) == 2
    later = await app.dispatcher.run_once(now=datetime.now(UTC) + timedelta(seconds=50))
    assert later.sent == 2 and len(fake.posts_to(CHANNEL_ID)) == 2
    assert {a.status for a in app.repo.alerts()} == {"sent"}


async def test_the_global_limit_pauses_every_channel(discord_bot, fake: FakeDiscord, app: App):
    await quake_topic(fake)
    await quake_topic_other_channel(fake)
    fake.fail_next(CHANNEL_ID, 429, retry_after=60, global_limit=True)
    await ingest(app, 1, QUAKE_1)
    report = await app.dispatcher.run_once()
    assert ("discord",) in app.dispatcher.limits.paused()
    tried = len(fake.find("POST", "/messages"))
    assert (report.sent, report.deferred, tried) == (0, 2, 1)  # the other channel waits too
    await ingest(app, 2, QUAKE_2)
    report = await app.dispatcher.run_once()
    assert report.sent == 0 and len(fake.find("POST", "/messages")) == tried
    later = await app.dispatcher.run_once(now=datetime.now(UTC) + timedelta(seconds=65))
    assert later.sent == 4
    assert {a.status for a in app.repo.alerts()} == {"sent"}
    assert len(fake.posts_to(CHANNEL_ID)) == len(fake.posts_to(OTHER_CHANNEL_ID)) == 2


async def test_a_short_429_is_not_slept_on_inside_the_send(
    discord_bot, fake: FakeDiscord, app: App
):
    """discord.py would sleep 5 s and post again; the sender hands the wait to the dispatcher,
    which sends the other channel's alert at once and nothing to this one for 5 s."""
    await quake_topic(fake)
    await quake_topic_other_channel(fake)
    fake.fail_next(CHANNEL_ID, 429, retry_after=5)
    await ingest(app, 1, QUAKE_1)
    started = time.monotonic()
    report = await app.dispatcher.run_once()
    assert time.monotonic() - started < 2.5
    assert (report.sent, report.deferred) == (1, 1)
    await asyncio.sleep(0.5)  # discord.py did not retry the post in the background either
    assert len(fake.find("POST", f"/channels/{CHANNEL_ID}/messages")) == 1
    later = await app.dispatcher.run_once(now=datetime.now(UTC) + timedelta(seconds=6))
    assert later.sent == 1 and len(fake.posts_to(CHANNEL_ID)) == 1
