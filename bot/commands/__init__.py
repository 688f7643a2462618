"""Slash-command handlers, platform-free: each takes a ``CommandRequest`` and returns a ``Reply``.

The commands are declared once in ``spec`` (names, arguments, admin-only, help lines);
the handlers live by group (``queries``, ``submit``, ``topics``, ``feeds``, ``aliases``,
``status``) and ``grammar`` reaches them from a line of text or from parsed options.
Errors a user can cause come back as ephemeral ``Reply.fail`` messages.
"""

from __future__ import annotations

from bot.commands.aliases import AliasCommands
from bot.commands.base import MODES, NOT_ADMIN, UserError, parse_channel, parse_since
from bot.commands.feeds import FeedCommands
from bot.commands.grammar import Dispatch
from bot.commands.queries import QueryCommands
from bot.commands.spec import COMMANDS, USAGE, CommandSpec
from bot.commands.status import StatusCommands
from bot.commands.submit import SubmitCommands
from bot.commands.topics import TopicCommands

__all__ = [
    "COMMANDS",
    "MODES",
    "NOT_ADMIN",
    "USAGE",
    "CommandSpec",
    "Commands",
    "UserError",
    "parse_channel",
    "parse_since",
]


class Commands(
    Dispatch,
    QueryCommands,
    SubmitCommands,
    TopicCommands,
    FeedCommands,
    AliasCommands,
    StatusCommands,
):
    """Every command Claimwatch answers, on any platform."""
