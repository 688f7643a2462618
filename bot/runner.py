"""Running the bot: the app, its background jobs and every configured adapter together.

SIGTERM or SIGINT stops it gracefully: the dispatcher finishes the sends in
flight and gives back the alerts it leased but did not send, then the
adapters close; an adapter that fails stops the bot with ``AdapterFailed``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable

from adapters.console import CHANNEL, PLATFORM, WORKSPACE, ConsoleAdapter
from bot.app import build_app
from bot.config import Settings
from bot.demo import ensure_demo_topic, play_demo
from bot.pipeline import Pipeline

log = logging.getLogger(__name__)

# SIGTERM (systemd, Docker, Kubernetes) and Ctrl-C stop gracefully: no alert is sent twice
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class AdapterFailed(Exception):
    """A platform adapter stopped with an error; the bot exits so a supervisor restarts it."""

    def __init__(self, platform: str, error: BaseException) -> None:
        super().__init__(f"{platform}: {error.__class__.__name__}: {error}")
        self.platform = platform


async def _supervised(platform: str, run: Awaitable[None]) -> None:
    try:
        await run
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # reported in one line, then the bot exits
        log.debug("%s adapter traceback", platform, exc_info=True)
        raise AdapterFailed(platform, exc) from exc


async def _recover(pipeline: Pipeline) -> None:
    """Process the articles an interrupted ingest of an older version left without claims."""
    try:
        async with pipeline.lock:
            done = await asyncio.to_thread(pipeline.recover_unprocessed)
    except Exception:
        log.exception("processing articles stored without their claims failed")
        return
    if done:
        log.info("processed %d article(s) stored without their claims", done)


async def run_bot(settings: Settings) -> None:
    app = build_app(settings)
    runners = []
    if settings.console:
        console = ConsoleAdapter(app.commands)
        app.dispatcher.add_sender(console)
        runners.append(_supervised("console", console.run()))
    if settings.discord_token is not None:
        from adapters.discord import build_discord

        discord_adapter = build_discord(app)
        app.dispatcher.add_sender(discord_adapter)
        runners.append(_supervised("discord", discord_adapter.run()))
    if settings.slack_bot_token is not None or settings.slack_client_id:
        from adapters.slack import build_slack

        slack_adapter = build_slack(app)
        app.dispatcher.add_sender(slack_adapter)
        runners.append(_supervised("slack", slack_adapter.run()))
    await app.start_background()
    recovery = asyncio.ensure_future(_recover(app.pipeline))
    if settings.demo and settings.console:
        await asyncio.to_thread(ensure_demo_topic, app.repo, PLATFORM, WORKSPACE, CHANNEL)
        runners.append(play_demo(app.pipeline.ingest))
    log.info("Claimwatch running with %s", ", ".join(app.dispatcher.senders) or "no adapter")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    main = asyncio.ensure_future(asyncio.gather(*runners) if runners else asyncio.Event().wait())
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({main, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            log.info("stop requested: finishing the sends in flight, giving back the rest")
            await app.drain()
        else:
            main.result()  # an adapter failed: AdapterFailed
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
        for task in (main, stopping, recovery):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await app.stop()
