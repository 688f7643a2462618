"""Slash commands and the alert buttons: Slack payloads in, core ``Reply`` out, blocks back.

Every listener acks at once (inside Slack's 3-second window) and does its
work lazily: ``/claimwatch <text>`` runs ``Commands.execute(req, "/claimwatch
<text>")``, likewise ``/claims``, ``/sources``, ``/timeline`` and ``/submit``.
Answers go to the caller through the ``response_url``, ephemeral except a
successful (un)subscribe, which the channel should see; a timeline chart is
uploaded to the channel with ``files_upload_v2``.
"""

from __future__ import annotations

import html
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render import (
    ACTION_MORE,
    ACTION_SOURCES,
    ACTION_TIMELINE,
    SlackMessage,
    mrkdwn,
    render_reply,
)
from bot.app import App
from bot.commands import COMMANDS as SPEC_TABLE
from bot.commands.spec import ROOTS
from bot.messages import CommandRequest, Reply, channel_link

log = logging.getLogger(__name__)

PLATFORM = "slack"
COMMANDS = tuple(f"/{root}" for root in ROOTS)
SLOW_COMMANDS = {f"/{s.root}": s.working for s in SPEC_TABLE if s.working and len(s.path) == 1}
PUBLIC_SUBCOMMANDS = {s.path[1] for s in SPEC_TABLE if s.public_on_success and len(s.path) == 2}
ADMIN_CACHE_S = 300.0
INTERNAL_ERROR = (
    "Something went wrong on Claimwatch's side; it has been logged. Try again in a minute."
)

_LINK = re.compile(r"<((?:https?|mailto):[^|<>]*)(?:\|([^<>]*))?>")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})

Respond = Callable[..., Awaitable[Any]]


def command_text(raw: str) -> str:
    """Slack's escaped command text as the core's grammar expects it.

    Links arrive as ``<https://x>`` or ``<https://x|x>`` (unwrapped to the URL),
    ``&``, ``<`` and ``>`` HTML-escaped (unescaped), quotes maybe curly (made
    straight, so shlex groups "a phrase"); channel mentions ``<#C1|name>`` stay.
    """
    text = _LINK.sub(lambda m: m.group(1).removeprefix("mailto:"), raw or "")
    return html.unescape(text).translate(_QUOTES).strip()


class AdminCheck:
    """Workspace admins/owners (``users.info``) or the ids in ``CLAIMWATCH_SLACK_ADMINS``."""

    def __init__(self, static_admins: list[str], ttl_s: float = ADMIN_CACHE_S) -> None:
        self.static = set(static_admins)
        self.ttl_s = ttl_s
        self._cache: dict[tuple[str, str], tuple[bool, float]] = {}

    async def is_admin(self, client: AsyncWebClient, team_id: str, user_id: str) -> bool:
        if user_id in self.static:
            return True
        now = time.monotonic()
        hit = self._cache.get((team_id, user_id))
        if hit is not None and hit[1] > now:
            return hit[0]
        try:
            resp = await client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning(
                "users.info for %s failed (%s); treating as not an admin",
                user_id,
                exc.response.get("error"),
            )
            return False
        user = resp.get("user") or {}
        admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        self._cache[(team_id, user_id)] = (admin, now + self.ttl_s)
        return admin


class SlackCommands:
    """The listeners for slash commands and alert buttons."""

    def __init__(self, core: App) -> None:
        self.core = core
        self.admins = AdminCheck(core.settings.slack_admins)

    def register(self, bolt: AsyncApp) -> None:
        for name in COMMANDS:
            bolt.command(name)(ack=self._ack_command, lazy=[self._run_command])
        bolt.action(ACTION_SOURCES)(ack=self._ack_action, lazy=[self._sources_button])
        bolt.action(ACTION_TIMELINE)(ack=self._ack_action, lazy=[self._timeline_button])
        bolt.action(ACTION_MORE)(ack=self._ack_action, lazy=[self._more_button])

    # -- requests -----------------------------------------------------------------------

    async def request(
        self,
        client: AsyncWebClient,
        *,
        team_id: str,
        channel_id: str,
        user_id: str,
        user_name: str,
        check_admin: bool,
        raw: Any,
    ) -> CommandRequest:
        admin = check_admin and await self.admins.is_admin(client, team_id, user_id)
        return CommandRequest(
            platform=PLATFORM,
            workspace_id=team_id,
            channel_id=channel_id,
            user_id=user_id,
            user_name=user_name,
            is_admin=admin,
            raw=raw,
        )

    # -- slash commands -------------------------------------------------------------------

    async def _ack_command(self, ack: Callable[..., Awaitable[None]], body: dict[str, Any]) -> None:
        working = SLOW_COMMANDS.get(body.get("command", ""))
        if working:
            await ack(text=working, response_type="ephemeral")
        else:
            await ack()

    async def _run_command(
        self, body: dict[str, Any], respond: Respond, client: AsyncWebClient
    ) -> None:
        command = body.get("command", "")
        text = command_text(body.get("text", ""))
        try:
            req = await self.request(
                client,
                team_id=body.get("team_id", ""),
                channel_id=body.get("channel_id", ""),
                user_id=body.get("user_id", ""),
                user_name=body.get("user_name", ""),
                check_admin=command == "/claimwatch",
                raw=body,
            )
            reply = await self.core.commands.execute(req, f"{command} {text}".strip())
            sub = text.split(" ", 1)[0].lower() if command == "/claimwatch" else ""
            public = sub in PUBLIC_SUBCOMMANDS and not reply.error
            if sub == "subscribe" and not reply.error:
                note = (
                    await self.check_channel(client, reply.channels[0]) if reply.channels else None
                )
                if note:
                    reply.text = f"{reply.text}\n:warning: {note}"
            await self.answer(reply, req, respond, client, public=public)
        except Exception:
            log.exception("Slack command %s failed", command)
            await _safe_respond(respond, SlackMessage(text=":warning: " + INTERNAL_ERROR))

    async def check_channel(self, client: AsyncWebClient, channel_id: str) -> str | None:
        """Make sure the bot can post where alerts will go: join a public channel if needed."""
        try:
            resp = await client.conversations_info(channel=channel_id)
        except SlackApiError as exc:
            error = exc.response.get("error", "error")
            return (
                f"I cannot see {channel_link(channel_id)} ({error}): /invite me there, "
                "or alerts will pause."
            )
        channel = resp.get("channel") or {}
        if channel.get("is_archived"):
            return f"{channel_link(channel_id)} is archived: alerts there will pause."
        if channel.get("is_member"):
            return None
        if not channel.get("is_private"):
            try:
                await client.conversations_join(channel=channel_id)
                return None
            except SlackApiError as exc:
                log.info("conversations.join %s: %s", channel_id, exc.response.get("error"))
        return (
            f"I am not in {channel_link(channel_id)} yet: /invite me there, or alerts will pause."
        )

    async def answer(
        self,
        reply: Reply,
        req: CommandRequest,
        respond: Respond,
        client: AsyncWebClient,
        *,
        public: bool = False,
        thread_ts: str | None = None,
    ) -> None:
        """Send a reply: a chart to the channel, everything else through the response_url."""
        if reply.attachment is not None and not reply.error:
            problem = await self.upload(client, req.channel_id, reply, thread_ts)
            if problem is None:
                return
            reply.text = f"{reply.text}\n\n:warning: {problem}"
            reply.attachment = None
        message = render_reply(reply, ephemeral=not public)
        await _safe_respond(respond, message)

    async def upload(
        self, client: AsyncWebClient, channel_id: str, reply: Reply, thread_ts: str | None
    ) -> str | None:
        """Upload the reply's chart; None when done, else why not (for the user)."""
        assert reply.attachment is not None
        text = mrkdwn(reply.text, reply.channels)
        comment = f"*{mrkdwn(reply.title)}*\n{text}" if reply.title else text
        try:
            await client.files_upload_v2(
                channel=channel_id,
                file=reply.attachment.data,
                filename=reply.attachment.filename,
                title=reply.title or reply.attachment.filename,
                initial_comment=comment,
                thread_ts=thread_ts,
            )
        except SlackApiError as exc:
            error = exc.response.get("error", "error")
            log.warning("timeline upload to %s failed: %s", channel_id, error)
            return (
                f"I could not post the chart here ({error}). "
                "Invite me to this channel with /invite, or ask in a channel I am in."
            )
        return None

    # -- buttons ------------------------------------------------------------------------

    async def _ack_action(self, ack: Callable[..., Awaitable[None]]) -> None:
        await ack()

    async def _button_request(
        self, body: dict[str, Any], client: AsyncWebClient
    ) -> tuple[CommandRequest, dict[str, Any]]:
        action = (body.get("actions") or [{}])[0]
        try:
            value = json.loads(action.get("value") or "{}")
        except ValueError:
            value = {}
        user = body.get("user") or {}
        team = (body.get("team") or {}).get("id") or user.get("team_id", "")
        req = await self.request(
            client,
            team_id=team,
            channel_id=(body.get("channel") or {}).get("id", ""),
            user_id=user.get("id", ""),
            user_name=user.get("username") or user.get("name", ""),
            check_admin=False,
            raw=body,
        )
        return req, value

    async def _sources_button(
        self, body: dict[str, Any], respond: Respond, client: AsyncWebClient
    ) -> None:
        try:
            req, value = await self._button_request(body, client)
            reply = await self.core.commands.run(
                self.core.commands.sources, req, str(value.get("t", ""))
            )
            await self.answer(reply, req, respond, client)
        except Exception:
            log.exception("Slack Sources button failed")
            await _safe_respond(respond, SlackMessage(text=":warning: " + INTERNAL_ERROR))

    async def _timeline_button(
        self, body: dict[str, Any], respond: Respond, client: AsyncWebClient
    ) -> None:
        try:
            req, value = await self._button_request(body, client)
            reply = await self.core.commands.run(
                self.core.commands.timeline, req, str(value.get("t", "")), value.get("k")
            )
            ts = (body.get("message") or {}).get("ts") or (body.get("container") or {}).get(
                "message_ts"
            )
            await self.answer(reply, req, respond, client, thread_ts=ts)
        except Exception:
            log.exception("Slack Timeline button failed")
            await _safe_respond(respond, SlackMessage(text=":warning: " + INTERNAL_ERROR))

    async def _more_button(
        self, body: dict[str, Any], respond: Respond, client: AsyncWebClient
    ) -> None:
        """'More' under a paged reply: the next page, only to whoever clicked."""
        try:
            req, _ = await self._button_request(body, client)
            line = str(((body.get("actions") or [{}])[0]).get("value") or "")
            reply = await self.core.commands.execute(req, line)
            await self.answer(reply, req, respond, client)
        except Exception:
            log.exception("Slack More button failed")
            await _safe_respond(respond, SlackMessage(text=":warning: " + INTERNAL_ERROR))


async def _safe_respond(respond: Respond, message: SlackMessage) -> None:
    try:
        await respond(
            text=message.text,
            blocks=message.blocks or None,
            response_type="ephemeral" if message.ephemeral else "in_channel",
            replace_original=False,
        )
    except Exception:
        log.exception("could not answer through the response_url")
