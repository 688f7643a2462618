"""The runner finds the adapters through the ``claimwatch.adapters`` entry points (it
imports none), and each factory builds its adapter only when the settings ask for it."""

from __future__ import annotations

from adapters.console import ConsoleAdapter, console_adapter
from adapters.discord import discord_adapter
from adapters.slack import slack_adapter
from bot.app import App
from bot.runner import registered_adapters


def test_the_three_platforms_are_registered() -> None:
    assert registered_adapters() == [console_adapter, discord_adapter, slack_adapter]


def test_factories_build_only_what_the_settings_ask_for(app: App) -> None:
    app.settings.console = True
    assert isinstance(console_adapter(app), ConsoleAdapter)
    app.settings.console = False
    assert console_adapter(app) is None
    app.settings.discord_token = None
    assert discord_adapter(app) is None
    app.settings.slack_bot_token = None
    app.settings.slack_client_id = None
    assert slack_adapter(app) is None
