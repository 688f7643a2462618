"""Running the bot: the app, its background jobs and every configured adapter together."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from adapters.console import CHANNEL, PLATFORM, WORKSPACE, ConsoleAdapter
from bot.app import build_app
from bot.config import Settings
from bot.demo import ensure_demo_topic, play_demo

log = logging.getLogger(__name__)


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
    if settings.demo and settings.console:
        await asyncio.to_thread(ensure_demo_topic, app.repo, PLATFORM, WORKSPACE, CHANNEL)
        runners.append(play_demo(app.pipeline.ingest))
    log.info("Claimwatch running with %s", ", ".join(app.dispatcher.senders) or "no adapter")
    try:
        if runners:
            await asyncio.gather(*runners)
        else:
            await asyncio.Event().wait()
    finally:
        await app.stop()
