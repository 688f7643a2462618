"""The Discord adapter: slash commands, alert embeds with buttons, guild lifecycle.

``discord_adapter(app)`` is the factory registered for ``bot.runner`` (entry point
``claimwatch.adapters``): a ``DiscordAdapter`` when ``DISCORD_TOKEN`` is set, else None.
``build_discord(app)`` builds one regardless (tests).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.discord.adapter import DiscordAdapter

if TYPE_CHECKING:
    from bot.app import App

__all__ = ["DiscordAdapter", "build_discord", "discord_adapter"]


def build_discord(app: App) -> DiscordAdapter:
    return DiscordAdapter(app)


def discord_adapter(app: App) -> DiscordAdapter | None:
    return build_discord(app) if app.settings.discord_token is not None else None
