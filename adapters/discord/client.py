"""The discord.py client: endpoints, intents, sharding, command sync and guild lifecycle.

Discord-compatible servers (and the tests' local fake) are reached by pointing
discord.py's REST base (``Route.BASE``) and gateway (``DEFAULT_GATEWAY``) at
``CLAIMWATCH_DISCORD_API_URL`` / ``CLAIMWATCH_DISCORD_GATEWAY_URL``. Guild and
channel events go to the core's ``Workspaces``; nothing here touches storage.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.commands import PLATFORM, Handler, answer, install_commands
from adapters.discord.ratelimits import RateLimitLog
from adapters.discord.render import dynamic_items
from bot.commands import Commands

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

__all__ = ["PLATFORM", "ClaimwatchClient", "make_client"]
DEFAULT_API_URL = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"
# a 429 asking for a longer wait than this is handed back to the dispatcher
MAX_RATELIMIT_WAIT_S = 30.0


def configure_endpoints(api_url: str | None, gateway_url: str | None) -> None:
    """Point discord.py at a REST base and a gateway (process-wide, as discord.py has it)."""
    Route.BASE = (api_url or DEFAULT_API_URL).rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url or DEFAULT_GATEWAY_URL)


def intents() -> discord.Intents:
    """Only what Claimwatch uses: guild join/leave and channel deletions (no privileged intents)."""
    return discord.Intents(guilds=True)


class ClaimwatchClient(discord.Client):
    """A discord.py client wired to the core: commands, persistent buttons, lifecycle."""

    def __init__(self, app: App, **kwargs: Any) -> None:
        kwargs.setdefault("intents", intents())
        # nothing Claimwatch posts may ping: @everyone, roles and users in topic names or
        # articles stay text (render and sender pass the same explicitly)
        kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
        kwargs.setdefault("max_ratelimit_timeout", MAX_RATELIMIT_WAIT_S)
        self.rate_limit_log = RateLimitLog()
        kwargs.setdefault("http_trace", self.rate_limit_log.trace)
        super().__init__(**kwargs)
        self.app = app
        self.tree = app_commands.CommandTree(self)
        self.logged_in = asyncio.Event()

    async def setup_hook(self) -> None:
        self.logged_in.set()
        install_commands(self.tree, self.app.commands)
        self.add_dynamic_items(*dynamic_items())
        await self.sync_commands()

    @property
    def commands(self) -> Commands:
        return self.app.commands

    async def answer(
        self,
        interaction: discord.Interaction,
        handler: Handler,
        *,
        force_ephemeral: bool = False,
        defer_after: float | None = None,
    ) -> None:
        """Answer an interaction the way the slash commands do (the alert buttons use it)."""
        await answer(interaction, handler, force_ephemeral=force_ephemeral, defer_after=defer_after)

    async def sync_commands(self) -> None:
        """Sync globally; also to each configured guild (instant, for development)."""
        synced = await self.tree.sync()
        log.info("synced %d global command(s)", len(synced))
        for guild_id in self.app.settings.discord_guild_ids:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d command(s) to guild %s", len(synced), guild_id)

    # -- lifecycle ------------------------------------------------------------------

    async def on_ready(self) -> None:
        user = self.user
        log.info(
            "Discord: logged in as %s (%s), %d guild(s)", user, user and user.id, len(self.guilds)
        )

    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.app.workspaces.joined(PLATFORM, str(guild.id), guild.name)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.app.workspaces.joined(PLATFORM, str(guild.id), guild.name)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.app.workspaces.left(PLATFORM, str(guild.id))

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self.app.workspaces.channel_gone(
            PLATFORM, str(channel.id), f"the channel #{channel.name} was deleted"
        )


class ShardedClaimwatchClient(ClaimwatchClient, discord.AutoShardedClient):
    """The same client on ``AutoShardedClient`` (``CLAIMWATCH_DISCORD_SHARDS``)."""


def make_client(app: App) -> ClaimwatchClient:
    """A plain or auto-sharded client; ``discord_shards=0`` lets Discord choose the count."""
    configure_endpoints(app.settings.discord_api_url, app.settings.discord_gateway_url)
    shards = app.settings.discord_shards
    ready_timeout = app.settings.discord_guild_ready_timeout_s
    if shards is None:
        return ClaimwatchClient(app, guild_ready_timeout=ready_timeout)
    return ShardedClaimwatchClient(
        app, shard_count=shards or None, guild_ready_timeout=ready_timeout
    )
