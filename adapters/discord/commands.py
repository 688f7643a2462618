"""The app_commands tree, built from ``bot.commands.COMMANDS``: each command calls its
platform-free handler.

``/claims``, ``/sources``, ``/timeline`` and ``/submit`` are for everyone;
``/claimwatch …`` is the admin group (Manage Server as the default-permission
hint, ``checks.has_permissions`` as the run-time rule, and the core checks
``is_admin`` as well). ``answer`` replies within Discord's three seconds: it
defers when the handler has not finished in time.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import discord
from discord import app_commands

from adapters.discord.render import NO_MENTIONS, render_reply
from bot.commands import COMMANDS, NOT_ADMIN, Commands, CommandSpec
from bot.commands.spec import GROUPS, SETTINGS_DESCRIPTION, SETTINGS_ROOT, Arg, ArgKind
from bot.messages import CommandRequest, Reply

log = logging.getLogger(__name__)

PLATFORM = "discord"

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


# -- the tree, from the command table -------------------------------------------------

admin_only = app_commands.checks.has_permissions(manage_guild=True)
Mode = Literal["instant", "digest"]
AUTOCOMPLETE = {"topic": topic_autocomplete, "key": key_autocomplete}
REQUIRED_TYPES: dict[ArgKind, object] = {"text": str, "topic": str, "key": str, "mode": Mode}
OPTIONAL_TYPES: dict[ArgKind, object] = {
    "text": str | None,
    "topic": str | None,
    "key": str | None,
    "page": app_commands.Range[int, 1],
    "channel": discord.TextChannel | None,
    "mode": Mode | None,
}


def gated(spec: CommandSpec) -> bool:
    """Every ``/claimwatch`` subcommand but help needs Manage Server on Discord."""
    return spec.admin_only or (spec.root == SETTINGS_ROOT and spec.key != "help")


def _signature(spec: CommandSpec) -> inspect.Signature:
    """The callback's signature discord.py reads the options from: names, types, defaults."""
    params = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    for arg in spec.args:
        annotation = (REQUIRED_TYPES if arg.required else OPTIONAL_TYPES)[arg.kind]
        default = inspect.Parameter.empty if arg.required else arg.default
        params.append(
            inspect.Parameter(
                arg.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
            )
        )
    return inspect.Signature(params)


def _option_value(arg: Arg, value: Any) -> object:
    """A channel option reaches the handler as its id."""
    if arg.kind == "channel" and value is not None:
        return str(value.id)
    return value


def make_command(spec: CommandSpec, commands: Commands) -> app_commands.Command[Any, ..., None]:
    """One app command: options, descriptions, autocomplete and checks from ``spec``."""

    async def callback(interaction: discord.Interaction, **options: object) -> None:
        handler = getattr(commands, spec.handler)
        kwargs = {arg.handler_param: _option_value(arg, options[arg.name]) for arg in spec.args}
        await answer(
            interaction,
            lambda req: commands.run(handler, req, **kwargs),
            ephemeral_hint=spec.private,
            defer_after=0.0 if spec.working else None,
        )

    callback.__signature__ = _signature(spec)  # type: ignore[attr-defined]
    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=spec.path[-1], description=spec.summary, callback=callback
    )
    described = {arg.name: arg.help for arg in spec.args if arg.help}
    if described:
        app_commands.describe(**described)(command)
    completed = {a.name: AUTOCOMPLETE[a.kind] for a in spec.args if a.kind in AUTOCOMPLETE}
    if completed:
        app_commands.autocomplete(**completed)(command)
    if gated(spec):
        admin_only(command)
    return command


def install_commands(tree: app_commands.CommandTree, commands: Commands) -> None:
    """Add every command of ``bot.commands.COMMANDS`` to ``tree``, and its error handler.

    ``/claimwatch`` is the admin group (Manage Server as the default-permission hint,
    ``checks.has_permissions`` as the run-time rule); the others are for everyone.
    """
    claimwatch = app_commands.Group(
        name=SETTINGS_ROOT,
        description=SETTINGS_DESCRIPTION,
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )
    groups = {
        g.name: app_commands.Group(name=g.name, description=g.description, parent=claimwatch)
        for g in GROUPS.values()
    }
    for spec in COMMANDS:
        command = make_command(spec, commands)
        if spec.root != SETTINGS_ROOT:
            tree.add_command(app_commands.guild_only(command))
        elif len(spec.path) == 3:
            groups[spec.path[1]].add_command(command)
        else:
            claimwatch.add_command(command)
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
