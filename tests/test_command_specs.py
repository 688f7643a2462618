"""The commands are declared once (``bot.commands.COMMANDS``): the Discord tree, the Slack
manifest, the help text and the text grammar all cover that table exactly."""

from __future__ import annotations

import re
from pathlib import Path

import discord
from discord import app_commands

from adapters.discord.commands import gated, install_commands
from adapters.fake import FakeBot
from adapters.slack.commands import COMMANDS as SLACK_COMMANDS
from bot.commands import COMMANDS, NOT_ADMIN, USAGE
from bot.commands.grammar import find_spec

MANIFEST = Path(__file__).parents[1] / "deploy" / "slack-manifest.yml"


def discord_tree() -> dict[str, app_commands.Command]:
    tree = app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
    install_commands(tree, object())  # handlers are looked up when a command runs
    found: dict[str, app_commands.Command] = {}

    def walk(item: app_commands.Command | app_commands.Group) -> None:
        if isinstance(item, app_commands.Group):
            for child in item.commands:
                walk(child)
        else:
            found[item.qualified_name] = item

    for item in tree.get_commands():
        walk(item)
    return found


def test_the_discord_tree_covers_the_table_exactly() -> None:
    tree = discord_tree()
    assert set(tree) == {" ".join(spec.path) for spec in COMMANDS}
    for spec in COMMANDS:
        command = tree[" ".join(spec.path)]
        assert command.description == spec.summary
        assert [p.name for p in command.parameters] == [a.name for a in spec.args]
        assert {p.name for p in command.parameters if p.required} == {
            a.name for a in spec.args if a.required
        }
        assert bool(command.checks) == gated(spec), spec.path


def test_admin_commands_are_checked_on_discord() -> None:
    for spec in COMMANDS:
        if spec.admin_only:
            assert gated(spec), spec.path


def test_the_slack_manifest_covers_the_table_exactly() -> None:
    manifest = re.findall(r"^\s*- command: (/\S+)\s*$", MANIFEST.read_text(), re.MULTILINE)
    roots = {"/" + spec.root for spec in COMMANDS}
    assert sorted(manifest) == sorted(roots)
    assert sorted(SLACK_COMMANDS) == sorted(roots)


def test_the_help_text_and_the_grammar_cover_the_table() -> None:
    assert list(USAGE) == [spec.key for spec in COMMANDS]
    for spec in COMMANDS:
        found, _ = find_spec("/" + " ".join(spec.path))
        assert found is spec


def test_admin_only_in_the_table_is_what_the_handlers_enforce(bot: FakeBot) -> None:
    for spec in COMMANDS:
        reply = bot.exec("/" + " ".join(spec.path) + " quake earthquake third", admin=False)
        assert (reply.text == NOT_ADMIN) == spec.admin_only, (spec.path, reply.text)
