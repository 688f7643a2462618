"""The Slack adapter: Bolt app (Socket Mode or HTTP), Block Kit rendering, Web API sender.

``build_slack(app)`` is what ``bot.runner`` calls; the result is the
dispatcher's Sender for ``platform = "slack"`` and has ``async run()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adapters.slack.app import SlackAdapter
    from bot.app import App


def build_slack(app: App) -> SlackAdapter:
    from adapters.slack.app import SlackAdapter

    return SlackAdapter(app)


__all__ = ["build_slack"]
