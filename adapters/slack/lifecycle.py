"""Workspace and channel lifecycle from Slack's Events API, reported to ``bot.workspaces``.

The app was uninstalled or its bot token revoked: the workspace is left (its
subscriptions pause, its installation is forgotten). A channel was archived
or deleted, or the bot was removed from it: that channel's subscriptions
pause with the reason, so ``/claimwatch status`` says why alerts stopped.
Subscribing again resumes a paused subscription.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

from bot.workspaces import Workspaces

log = logging.getLogger(__name__)

PLATFORM = "slack"
CHANNEL_EVENTS = {
    "channel_archive": "Slack: the channel was archived",
    "group_archive": "Slack: the channel was archived",
    "channel_deleted": "Slack: the channel was deleted",
    "group_deleted": "Slack: the channel was deleted",
}


def register_lifecycle(
    bolt: AsyncApp,
    workspaces: Workspaces,
    installation_store: AsyncInstallationStore | None,
    forget_clients: Any = None,
) -> None:
    async def left(body: dict[str, Any]) -> None:
        team_id = body.get("team_id") or ""
        enterprise_id = body.get("enterprise_id")
        await workspaces.left(PLATFORM, team_id)
        if installation_store is not None:
            await installation_store.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
        if forget_clients is not None:
            forget_clients()

    @bolt.event("app_uninstalled")
    async def app_uninstalled(body: dict[str, Any]) -> None:
        await left(body)

    @bolt.event("tokens_revoked")
    async def tokens_revoked(body: dict[str, Any], event: dict[str, Any]) -> None:
        if (event.get("tokens") or {}).get("bot"):
            await left(body)

    async def channel_gone(event: dict[str, Any]) -> None:
        channel = event.get("channel")
        channel_id = channel.get("id") if isinstance(channel, dict) else channel
        reason = CHANNEL_EVENTS.get(str(event.get("type")), "Slack: the channel is gone")
        if channel_id:
            await workspaces.channel_gone(PLATFORM, str(channel_id), reason)

    for name in CHANNEL_EVENTS:
        bolt.event(name)(channel_gone)

    @bolt.event("member_left_channel")
    async def member_left(event: dict[str, Any], context: AsyncBoltContext) -> None:
        if event.get("user") and event.get("user") == context.bot_user_id:
            await workspaces.channel_gone(
                PLATFORM, str(event.get("channel")), "Slack: I was removed from the channel"
            )
