"""Posting alerts, digests and notices with ``chat.postMessage``; Slack errors to ``DeliveryError``.

Errors that will not go away by retrying (the channel is gone or archived,
the bot is not in it, a scope or the token is missing) pause the
subscription with a reason ``/claimwatch status`` shows; anything else is
retried by the dispatcher with backoff.

A rate limit (429 with ``Retry-After``) is never waited out here: it comes
back as ``DeliveryError(retry_after=…, scope=…)`` and the dispatcher pauses
that bucket. Slack limits ``chat.postMessage`` per channel and, above that,
per workspace, and its 429 does not say which: the first 429 pauses the
channel; a 429 from a second channel of the same workspace while the first
pause lasts pauses the whole workspace.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from adapters.slack.clients import NotInstalled, WorkspaceClients, retry_after
from adapters.slack.render import SlackMessage, escape, render_alert, render_digest
from bot.domain import Alert
from bot.messages import DeliveryError, DigestMessage, NoticeMessage

log = logging.getLogger(__name__)

PAUSE_REASONS = {
    "channel_not_found": "Slack: channel not found (deleted, or private and I am not in it)",
    "is_archived": "Slack: the channel is archived",
    "not_in_channel": "Slack: I am not in this channel; /invite me, then subscribe again",
    "missing_scope": "Slack: the app lacks a scope (reinstall it from the manifest)",
    "account_inactive": "Slack: the bot's account is inactive (app removed?)",
    "invalid_auth": "Slack: the bot token is invalid",
    "token_revoked": "Slack: the bot token was revoked",
    "not_authed": "Slack: no bot token",
    "no_permission": "Slack: no permission to post there",
    "restricted_action": "Slack: posting there is restricted by a workspace setting",
    "ekm_access_denied": "Slack: access denied by Enterprise Key Management",
    "team_access_not_granted": "Slack: the app is not granted access to this workspace",
}
BLOCK_ERRORS = {"invalid_blocks", "invalid_blocks_format", "msg_too_long"}
# the text is escaped already; this keeps Slack from turning anything into a mention itself
NO_MENTION_PARSING: dict[str, Any] = {"parse": "none", "link_names": False}


DEFAULT_RETRY_AFTER_S = 30.0


def delivery_error(exc: SlackApiError, channel_id: str) -> DeliveryError:
    error = str(exc.response.get("error", "") or "unknown_error")
    if error in PAUSE_REASONS:
        return DeliveryError(f"{PAUSE_REASONS[error]} ({error})", pause=True)
    if exc.response.status_code == 429 or error == "ratelimited":
        wait = retry_after(exc.response.headers) or DEFAULT_RETRY_AFTER_S
        return DeliveryError(f"Slack: rate limited for {wait:.0f} s", retry_after=wait)
    return DeliveryError(f"Slack: {error} posting to {channel_id}")


class LimitedChannels:
    """Which channels of each workspace are under a rate-limit pause, to tell the bucket."""

    def __init__(self) -> None:
        self._until: dict[str, dict[str, float]] = {}

    def scope(self, workspace_id: str, channel_id: str, seconds: float) -> tuple[str, ...]:
        now = time.monotonic()
        limited = {c: end for c, end in self._until.get(workspace_id, {}).items() if end > now}
        others = set(limited) - {channel_id}
        limited[channel_id] = max(limited.get(channel_id, 0.0), now + seconds)
        self._until[workspace_id] = limited
        if others:
            return ("slack", workspace_id)
        return ("slack", workspace_id, channel_id)


class SlackSender:
    """The dispatcher's side of the Slack adapter."""

    platform = "slack"

    def __init__(self, clients: WorkspaceClients) -> None:
        self.clients = clients
        self.limited = LimitedChannels()

    async def post(self, workspace_id: str, channel_id: str, message: SlackMessage) -> str:
        try:
            return await self._post(workspace_id, channel_id, message)
        except DeliveryError as exc:
            if exc.retry_after is not None:
                exc.scope = self.limited.scope(workspace_id, channel_id, exc.retry_after)
            raise

    async def _post(self, workspace_id: str, channel_id: str, message: SlackMessage) -> str:
        try:
            client = await self.clients.for_workspace(workspace_id, posting=True)
        except NotInstalled:
            raise DeliveryError(
                "Slack: Claimwatch is not installed in this workspace", pause=True
            ) from None
        try:
            try:
                resp = await client.chat_postMessage(
                    channel=channel_id,
                    text=message.text,
                    blocks=message.blocks,
                    unfurl_links=False,
                    unfurl_media=False,
                    **NO_MENTION_PARSING,
                )
            except SlackApiError as exc:
                if exc.response.get("error") not in BLOCK_ERRORS:
                    raise
                log.warning(
                    "Slack refused the blocks for %s (%s); posting text only",
                    channel_id,
                    exc.response.get("error"),
                )
                resp = await client.chat_postMessage(
                    channel=channel_id,
                    text=message.text[:3000],
                    unfurl_links=False,
                    **NO_MENTION_PARSING,
                )
        except SlackApiError as exc:
            raise delivery_error(exc, channel_id) from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"Slack unreachable: {type(exc).__name__}") from None
        return str(resp.get("ts") or "")

    async def send_alert(self, alert: Alert) -> str | None:
        return await self.post(alert.workspace_id, alert.channel_id, render_alert(alert))

    async def send_digest(self, digest: DigestMessage) -> str | None:
        return await self.post(digest.workspace_id, digest.channel_id, render_digest(digest))

    async def send_notice(self, notice: NoticeMessage) -> str | None:
        message = SlackMessage(text=":information_source: " + escape(notice.text))
        return await self.post(notice.workspace_id, notice.channel_id, message)
