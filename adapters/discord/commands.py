"""The app_commands tree: every slash command calls a platform-free handler in ``bot.commands``.

``/claims``, ``/sources``, ``/timeline`` and ``/submit`` are for everyone;
``/claimwatch …`` is the admin group (Manage Server as the default-permission
hint, ``checks.has_permissions`` as the run-time rule, and the core checks
``is_admin`` as well). ``answer`` replies within Discord's three seconds: it
defers when the handler has not finished in time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Literal

import discord
from discord import app_commands

from adapters.discord.client import PLATFORM
from adapters.discord.render import NO_MENTIONS, render_reply
from bot.commands import NOT_ADMIN, Commands
from bot.messages import CommandRequest, Reply

log = logging.getLogger(__name__)

# Discord allows 3 s before the first response; defer when a handler is still busy after this
DEFER_AFTER_S = 2.0
SOMETHING_WRONG = "Something went wrong on Claimwatch's side; it has been logged. Try again later."

Handler = Callable[[CommandRequest], Awaitable[Reply]]


def request_of(interaction: discord.Interaction) -> CommandRequest:
    """The platform-free request: who asked, where, and whether they may manage the server."""
    perms = interaction.permissions
    user = interaction.user
    return CommandRequest(
        platform=PLATFORM,
        workspace_id=str(interaction.guild_id or f"dm-{user.id}"),
        channel_id=str(interaction.channel_id or ""),
        user_id=str(user.id),
        user_name=user.display_name,
        is_admin=bool(interaction.guild_id) and (perms.manage_guild or perms.administrator),
        raw=interaction,
    )


async def answer(
    interaction: discord.Interaction,
    handler: Handler,
    *,
    ephemeral_hint: bool = False,
    force_ephemeral: bool = False,
    defer_after: float | None = None,
) -> None:
    """Run a handler and send its reply; defer first when it takes longer than ``defer_after``.

    ``ephemeral_hint`` is what a deferral shows as (the final reply can only keep
    that visibility, or replace it with an ephemeral follow-up); ``force_ephemeral``
    makes every reply private (buttons under alerts).
    """
    if defer_after is None:
        defer_after = DEFER_AFTER_S
    req = request_of(interaction)
    task = asyncio.ensure_future(handler(req))
    deferred_ephemeral: bool | None = None
    if defer_after > 0:
        await asyncio.wait({task}, timeout=defer_after)
    if not task.done():
        deferred_ephemeral = ephemeral_hint or force_ephemeral
        await interaction.response.defer(ephemeral=deferred_ephemeral, thinking=True)
    try:
        reply = await task
    except Exception:
        log.exception(
            "command %s failed (guild %s, channel %s, user %s)",
            interaction.command and interaction.command.qualified_name,
            interaction.guild_id,
            interaction.channel_id,
            interaction.user.id,
        )
        reply = Reply.fail(SOMETHING_WRONG)
    if force_ephemeral:
        reply.ephemeral = True
    await send_reply(interaction, reply, deferred_ephemeral)


async def send_reply(
    interaction: discord.Interaction, reply: Reply, deferred_ephemeral: bool | None
) -> None:
    out = render_reply(reply)
    if deferred_ephemeral is None and not interaction.response.is_done():
        await interaction.response.send_message(**out.send_kwargs(), ephemeral=out.ephemeral)
    elif out.ephemeral and not deferred_ephemeral:
        # a public "thinking…" cannot turn private: replace it with a private follow-up
        await interaction.delete_original_response()
        await interaction.followup.send(**out.send_kwargs(), ephemeral=True)
    else:
        await interaction.edit_original_response(**out.edit_kwargs())


async def say_privately(interaction: discord.Interaction, text: str) -> None:
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


# -- autocomplete ---------------------------------------------------------------------


def _commands(interaction: discord.Interaction) -> Commands:
    return interaction.client.app.commands  # type: ignore[attr-defined]


async def topic_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    choices = await asyncio.to_thread(
        _commands(interaction).topic_choices, request_of(interaction), current
    )
    return [app_commands.Choice(name=label[:100], value=value[:100]) for label, value in choices]


async def key_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    topic = getattr(interaction.namespace, "topic", None) or ""
    choices = await asyncio.to_thread(
        _commands(interaction).key_choices, request_of(interaction), str(topic), current
    )
    return [app_commands.Choice(name=label[:100], value=value[:100]) for label, value in choices]


# -- the tree -------------------------------------------------------------------------

admin_only = app_commands.checks.has_permissions(manage_guild=True)
Mode = Literal["instant", "digest"]


def install_commands(tree: app_commands.CommandTree, commands: Commands) -> None:
    """Add every Claimwatch command to ``tree`` and its error handler."""
    run = commands.run

    # everyone -------------------------------------------------------------------------

    @tree.command(name="claims", description="Latest claim per key and source on a topic")
    @app_commands.guild_only()
    @app_commands.describe(
        topic="The topic",
        key="Only this key (proposition)",
        since="Only since a date (2024-10-20) or a span (24h, 7d)",
        page="Page number (20 keys a page)",
    )
    @app_commands.autocomplete(topic=topic_autocomplete, key=key_autocomplete)
    async def claims(
        interaction: discord.Interaction,
        topic: str,
        key: str | None = None,
        since: str | None = None,
        page: app_commands.Range[int, 1] = 1,
    ) -> None:
        await answer(interaction, lambda req: run(commands.claims, req, topic, key, since, page))

    @tree.command(name="sources", description="Who has said what on a topic")
    @app_commands.guild_only()
    @app_commands.describe(topic="The topic", page="Page number (20 sources a page)")
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def sources(
        interaction: discord.Interaction, topic: str, page: app_commands.Range[int, 1] = 1
    ) -> None:
        await answer(interaction, lambda req: run(commands.sources, req, topic, page))

    @tree.command(name="timeline", description="Chart of figures by source over time")
    @app_commands.guild_only()
    @app_commands.describe(topic="The topic", key="The key to chart (default: the busiest)")
    @app_commands.autocomplete(topic=topic_autocomplete, key=key_autocomplete)
    async def timeline(interaction: discord.Interaction, topic: str, key: str | None = None):
        # rendering a chart may take a while: defer at once
        await answer(
            interaction, lambda req: run(commands.timeline, req, topic, key), defer_after=0.0
        )

    @tree.command(name="submit", description="Add an article by hand: a URL or its text")
    @app_commands.guild_only()
    @app_commands.describe(content="An http(s) URL, or the article's text")
    async def submit(interaction: discord.Interaction, content: str) -> None:
        # fetching and extracting may take a while: defer at once (its reply is private)
        await answer(
            interaction,
            lambda req: run(commands.submit, req, content),
            ephemeral_hint=True,
            defer_after=0.0,
        )

    # admins --------------------------------------------------------------------------

    claimwatch = app_commands.Group(
        name="claimwatch",
        description="Claimwatch settings (Manage Server)",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )
    topic_group = app_commands.Group(name="topic", description="Tracked topics", parent=claimwatch)
    feed_group = app_commands.Group(name="feed", description="RSS/Atom feeds", parent=claimwatch)
    alias_group = app_commands.Group(name="alias", description="Source aliases", parent=claimwatch)

    @topic_group.command(name="add", description="Track a topic")
    @admin_only
    @app_commands.describe(
        name="Topic name",
        query='Query: AND, OR, NOT, (…), "phrases", prefix*',
        mode="Default alert mode",
    )
    async def topic_add(
        interaction: discord.Interaction, name: str, query: str, mode: Mode = "instant"
    ) -> None:
        await answer(interaction, lambda req: run(commands.topic_add, req, name, query, mode))

    @topic_group.command(name="edit", description="Change a topic's query, name or mode")
    @admin_only
    @app_commands.describe(
        topic="The topic", query="New query", new_name="New name", mode="New default alert mode"
    )
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def topic_edit(
        interaction: discord.Interaction,
        topic: str,
        query: str | None = None,
        new_name: str | None = None,
        mode: Mode | None = None,
    ) -> None:
        await answer(
            interaction,
            lambda req: run(
                commands.topic_edit, req, topic, query=query, new_name=new_name, mode=mode
            ),
        )

    @topic_group.command(name="remove", description="Stop tracking a topic")
    @admin_only
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def topic_remove(interaction: discord.Interaction, topic: str) -> None:
        await answer(interaction, lambda req: run(commands.topic_remove, req, topic))

    @topic_group.command(name="list", description="The tracked topics")
    @admin_only
    async def topic_list(interaction: discord.Interaction) -> None:
        await answer(interaction, lambda req: run(commands.topic_list, req))

    @claimwatch.command(name="subscribe", description="Send a topic's alerts to a channel")
    @admin_only
    @app_commands.describe(
        topic="The topic", channel="Channel (default: this one)", mode="instant or digest"
    )
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def subscribe(
        interaction: discord.Interaction,
        topic: str,
        channel: discord.TextChannel | None = None,
        mode: Mode = "instant",
    ) -> None:
        channel_id = str(channel.id) if channel else None
        await answer(interaction, lambda req: run(commands.subscribe, req, topic, channel_id, mode))

    @claimwatch.command(name="unsubscribe", description="Stop a topic's alerts in a channel")
    @admin_only
    @app_commands.describe(topic="The topic", channel="Channel (default: this one)")
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def unsubscribe(
        interaction: discord.Interaction, topic: str, channel: discord.TextChannel | None = None
    ) -> None:
        channel_id = str(channel.id) if channel else None
        await answer(interaction, lambda req: run(commands.unsubscribe, req, topic, channel_id))

    @feed_group.command(name="add", description="Poll an RSS/Atom feed")
    @admin_only
    @app_commands.describe(url="The feed's http(s) URL", topic="Only for this topic")
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def feed_add(
        interaction: discord.Interaction, url: str, topic: str | None = None
    ) -> None:
        await answer(interaction, lambda req: run(commands.feed_add, req, url, topic))

    @feed_group.command(name="list", description="The polled feeds")
    @admin_only
    async def feed_list(interaction: discord.Interaction) -> None:
        await answer(interaction, lambda req: run(commands.feed_list, req))

    @feed_group.command(name="remove", description="Stop polling a feed")
    @admin_only
    @app_commands.describe(feed="The feed's URL or #ID")
    async def feed_remove(interaction: discord.Interaction, feed: str) -> None:
        await answer(interaction, lambda req: run(commands.feed_remove, req, feed))

    @alias_group.command(name="add", description="Read ALIAS as SOURCE in new articles")
    @admin_only
    @app_commands.describe(
        source="The canonical source", alias="Another name for it", topic="Only on this topic"
    )
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def alias_add(
        interaction: discord.Interaction, source: str, alias: str, topic: str | None = None
    ) -> None:
        await answer(interaction, lambda req: run(commands.alias_add, req, source, alias, topic))

    @claimwatch.command(name="status", description="Feeds, lag, failures, paused subscriptions")
    @admin_only
    async def status(interaction: discord.Interaction) -> None:
        await answer(interaction, lambda req: run(commands.status, req), ephemeral_hint=True)

    @claimwatch.command(name="help", description="Claimwatch's commands")
    async def help_(interaction: discord.Interaction) -> None:
        await answer(interaction, lambda req: run(commands.help, req), ephemeral_hint=True)

    tree.add_command(claimwatch)

    @tree.error
    async def on_error(
        interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.MissingPermissions | app_commands.NoPrivateMessage):
            text = (
                NOT_ADMIN
                if isinstance(error, app_commands.MissingPermissions)
                else ("Claimwatch's commands work in a server, not in direct messages.")
            )
        elif isinstance(error, app_commands.TransformerError):
            text = f"'{error.value}' is not a valid {error.type.name} here."
        elif isinstance(error, app_commands.CommandNotFound):
            text = "Claimwatch does not know that command (yet); try /claimwatch help."
        else:
            log.error(
                "command %s failed (guild %s, channel %s, user %s)",
                interaction.command and interaction.command.qualified_name,
                interaction.guild_id,
                interaction.channel_id,
                interaction.user.id,
                exc_info=error,
            )
            text = SOMETHING_WRONG
        try:
            await say_privately(interaction, text)
        except discord.HTTPException:
            log.warning("could not tell the user about: %s", error)
