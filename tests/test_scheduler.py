"""The running app: scheduler jobs, and an alert woken out of the outbox at once."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest

from adapters.fake import FakeAdapter
from bot.app import App
from bot.config import Settings
from bot.domain import Alert
from bot.messages import CommandRequest
from bot.scheduler import poll_feeds
from tests.conftest import article

REQ = CommandRequest(
    platform="fake", workspace_id="ws1", channel_id="general", user_id="u", is_admin=True
)


async def test_background_jobs_are_registered_and_stop_cleanly(app: App) -> None:
    await app.start_background()
    try:
        ids = {job.id for job in app.scheduler.get_jobs()}
        assert ids == {"dispatch-sweep", "poll-feeds", "recheck-articles"}
        assert await poll_feeds(app.feeds) == 0
    finally:
        await app.stop()
    assert app.background == []


class SignallingAdapter(FakeAdapter):
    """Sets ``posted`` when an alert is posted."""

    def __init__(self) -> None:
        super().__init__()
        self.posted = asyncio.Event()

    async def send_alert(self, alert: Alert) -> str | None:
        message_id = await super().send_alert(alert)
        self.posted.set()
        return message_id


async def test_new_alert_reaches_the_channel_without_waiting_for_a_sweep(app: App) -> None:
    adapter = SignallingAdapter()
    app.dispatcher.add_sender(adapter)
    app.dispatcher.sweep_s = 3600
    await app.commands.execute(REQ, "/claimwatch topic add quake quake*")
    await app.commands.execute(REQ, "/claimwatch subscribe quake")
    await app.start_background()
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await app.pipeline.ingest(article(1, "Quake: Agency says 40 dead."))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(adapter.posted.wait(), 5)
        assert [a.value for a in adapter.sent] == ["40 dead"]
        assert loop.time() - started < 2
    finally:
        await app.stop()


async def test_an_adapter_that_cannot_start_stops_the_bot_with_one_clear_error(
    settings: Settings,
) -> None:
    from pydantic import SecretStr

    from bot.runner import AdapterFailed, run_bot

    broken = settings.model_copy(
        update={
            "discord_token": SecretStr("not-a-token"),
            "discord_api_url": "http://127.0.0.1:9/api/v10",
            "discord_gateway_url": "ws://127.0.0.1:9/",
        }
    )
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    try:
        with pytest.raises(AdapterFailed) as info:
            await asyncio.wait_for(run_bot(broken), timeout=30)
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
    assert info.value.platform == "discord"
    assert "not-a-token" not in str(info.value)
    assert "127.0.0.1:9" in str(info.value)


async def test_a_stalled_loop_delays_ticks_without_missing_them(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    app.settings.dispatch_sweep_s = 1
    await app.start_background()
    try:
        runs = app.scheduler.get_job("dispatch-sweep").next_run_time
        time.sleep(2.5)  # a slow handler that forgot to leave the loop
        await asyncio.sleep(0.3)
        assert app.scheduler.get_job("dispatch-sweep").next_run_time > runs
    finally:
        await app.stop()
    assert not [r for r in caplog.records if "missed by" in r.getMessage()]
