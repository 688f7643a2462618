"""The Slack adapter: Bolt app (Socket Mode or HTTP), Block Kit rendering, Web API sender.

``slack_adapter(app)`` is the factory registered for ``bot.runner`` (entry point
``claimwatch.adapters``): a ``SlackAdapter`` when a bot token or OAuth client is set,
else None. ``build_slack(app)`` builds one regardless.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adapters.slack.app import SlackAdapter
    from bot.app import App


def build_slack(app: App) -> SlackAdapter:
    from adapters.slack.app import SlackAdapter

    return SlackAdapter(app)


def slack_adapter(app: App) -> SlackAdapter | None:
    settings = app.settings
    if settings.slack_bot_token is None and not settings.slack_client_id:
        return None
    return build_slack(app)


__all__ = ["build_slack", "slack_adapter"]
