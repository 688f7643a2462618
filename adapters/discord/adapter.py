"""The Discord adapter as the runner sees it: its senders plus ``run()``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from adapters.base import ChatAdapter
from adapters.discord.client import PLATFORM, ClaimwatchClient, make_client
from adapters.discord.sender import DiscordSender

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


class DiscordAdapter(ChatAdapter):
    """Composes the discord.py client (commands, lifecycle) and the sender (alerts)."""

    platform = PLATFORM

    def __init__(self, app: App, client: ClaimwatchClient | None = None) -> None:
        super().__init__()
        self.app = app
        self.client = client or make_client(app)
        self.sender = DiscordSender(self.client)
        self.senders.register_all(self.sender)

    async def run(self) -> None:
        """Log in, connect to the gateway and serve until closed."""
        token = self.app.settings.discord_token
        if token is None:
            raise RuntimeError("DISCORD_TOKEN is not set")
        async with self.client:
            # discord.py logs its own errors; the token is never logged
            await self.client.start(token.get_secret_value())

    async def close(self) -> None:
        await self.client.close()
