"""The Discord adapter: slash commands, alert embeds with buttons, guild lifecycle.

``build_discord(app)`` is all the runner needs: the result is a ``Sender``
(``send_alert`` / ``send_digest`` / ``send_notice``) with ``async run()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.discord.adapter import DiscordAdapter

if TYPE_CHECKING:
    from bot.app import App

__all__ = ["DiscordAdapter", "build_discord"]


def build_discord(app: App) -> DiscordAdapter:
    return DiscordAdapter(app)
