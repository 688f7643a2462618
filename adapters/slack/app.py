"""The Slack adapter: a Bolt ``AsyncApp`` served over Socket Mode or HTTP, and the Sender.

- Socket Mode when ``SLACK_APP_TOKEN`` is set; otherwise HTTP on
  ``CLAIMWATCH_SLACK_PORT`` at ``/slack/events`` (signatures checked with
  ``SLACK_SIGNING_SECRET``), plus ``/slack/install`` and
  ``/slack/oauth_redirect`` for OAuth and ``/healthz``.
- One workspace with ``SLACK_BOT_TOKEN``; many with ``SLACK_CLIENT_ID`` and
  ``SLACK_CLIENT_SECRET`` (installations kept in Claimwatch's database).
- Every Web API call uses ``CLAIMWATCH_SLACK_API_URL`` when set.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.base import ChatAdapter
from adapters.slack.clients import WorkspaceClients, api_url
from adapters.slack.commands import SlackCommands
from adapters.slack.installations import SlackInstallationStore, SlackOAuthStateStore
from adapters.slack.lifecycle import register_lifecycle
from adapters.slack.sender import SlackSender
from bot.app import App
from bot.config import Settings

log = logging.getLogger(__name__)

PLATFORM = "slack"
EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# Keep in step with deploy/slack-manifest.yml (a test checks).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "files:write",
    "users:read",
    "channels:read",
    "groups:read",
    "channels:join",
)
NOT_INSTALLED = (
    ":warning: Claimwatch is not installed in this workspace (or was removed). "
    "Ask an admin to install it again."
)
TOKEN_REJECTED = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
)
BOT_EVENTS = (
    "app_uninstalled",
    "tokens_revoked",
    "channel_archive",
    "channel_deleted",
    "group_archive",
    "group_deleted",
    "member_left_channel",
)


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def oauth_authorize_url(settings: Settings) -> str:
    """Slack's (or GovSlack's) authorize page next to the configured Web API URL."""
    base = api_url(settings)
    root = base[: -len("api/")] if base.endswith("/api/") else base
    return root + "oauth/v2/authorize"


def build_bolt(
    settings: Settings,
    client: AsyncWebClient,
    installation_store: SlackInstallationStore | None,
    state_store: SlackOAuthStateStore | None,
) -> AsyncApp:
    """The Bolt app; always given our client, so no call goes to slack.com unasked."""
    signing_secret = _secret(settings.slack_signing_secret) or ""
    if installation_store is not None:
        oauth = AsyncOAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=_secret(settings.slack_client_secret),
            scopes=list(BOT_SCOPES),
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            authorization_url=oauth_authorize_url(settings),
            installation_store=installation_store,
            state_store=state_store,
        )
        return AsyncApp(
            name="claimwatch",
            client=client,
            signing_secret=signing_secret,
            installation_store=installation_store,
            oauth_settings=oauth,
            user_facing_authorize_error_message=NOT_INSTALLED,
        )
    return AsyncApp(name="claimwatch", client=client, signing_secret=signing_secret)


class TokenRejected(RuntimeError):
    """Slack refused the bot token: the bot stops (exit 1) rather than run without Slack."""


class SlackAdapter(ChatAdapter):
    """Bolt app, HTTP/Socket Mode transport and the dispatcher's Sender, in one object."""

    platform = PLATFORM

    def __init__(self, core: App) -> None:
        super().__init__()
        settings = core.settings
        self.core = core
        self.settings = settings
        self.oauth = bool(settings.slack_client_id and settings.slack_client_secret)
        self.installation_store: SlackInstallationStore | None = None
        state_store = None
        if self.oauth:
            self.installation_store = SlackInstallationStore(core.repo, self._installed)
            state_store = SlackOAuthStateStore(core.repo)
        elif settings.slack_bot_token is None:
            raise ValueError(
                "Slack needs SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"
            )
        self.clients = WorkspaceClients(settings, self.installation_store)
        self.sender = SlackSender(self.clients)
        self.senders.register_all(self.sender)
        self.bolt = build_bolt(settings, self.clients.default, self.installation_store, state_store)
        self.commands = SlackCommands(core)
        self.commands.register(self.bolt)
        register_lifecycle(self.bolt, core.workspaces, self.installation_store, self.clients.forget)
        self.web_app = self._web_app()
        self.port: int | None = None
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None

    # -- transport -----------------------------------------------------------------------

    def _web_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(EVENTS_PATH, self._events)
        app.router.add_get("/healthz", self._health)
        if self.oauth:
            app.router.add_get(INSTALL_PATH, self._oauth)
            app.router.add_get(REDIRECT_PATH, self._oauth)
        return app

    async def _events(self, request: web.Request) -> web.Response:
        bolt_resp = await self.bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_resp)

    async def _oauth(self, request: web.Request) -> web.Response:
        flow = self.bolt.oauth_flow
        if flow is None:
            return web.Response(status=404)
        bolt_req = await to_bolt_request(request)
        if request.path == INSTALL_PATH:
            bolt_resp = await flow.handle_installation(bolt_req)
        else:
            bolt_resp = await flow.handle_callback(bolt_req)
        return await to_aiohttp_response(bolt_resp)

    async def _health(self, request: web.Request) -> web.Response:
        """The bot's liveness (``bot.health``), also on Slack's port."""
        healthy, details = self.core.health.report()
        return web.json_response(details, status=200 if healthy else 503)

    async def _installed(self, workspace_id: str, name: str) -> None:
        if workspace_id:
            await self.core.workspaces.joined(PLATFORM, workspace_id, name)

    async def _announce(self) -> None:
        """Single-workspace mode: record the workspace the bot token belongs to.

        A token Slack rejects raises ``TokenRejected``; the runner stops the bot
        with one line saying so (exit 1).
        """
        if self.oauth:
            return
        try:
            resp = await self.clients.default.auth_test()
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "error")
            if error in TOKEN_REJECTED:
                raise TokenRejected(f"Slack rejected the bot token ({error})") from None
            log.warning("Slack auth.test failed (%s); going on", error)
            return
        except Exception as exc:
            log.warning("Slack auth.test failed (%s); going on", type(exc).__name__)
            return
        await self._installed(str(resp.get("team_id") or ""), str(resp.get("team") or ""))

    async def start_http(self, host: str = "0.0.0.0", port: int | None = None) -> int:
        """Serve the Bolt app over HTTP; returns the bound port (``port=0`` picks one)."""
        if not _secret(self.settings.slack_signing_secret):
            raise ValueError("HTTP mode needs SLACK_SIGNING_SECRET to verify Slack's requests")
        self._runner = web.AppRunner(self.web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, self.settings.slack_port if port is None else port)
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port
        log.info("Slack HTTP endpoint on %s:%s%s", host, self.port, EVENTS_PATH)
        return int(self.port or 0)

    async def start_socket_mode(self) -> None:
        app_token = _secret(self.settings.slack_app_token)
        assert app_token
        self._socket = AsyncSocketModeHandler(self.bolt, app_token, web_client=self.clients.default)
        await self._socket.connect_async()
        log.info("Slack Socket Mode connected")

    async def start(self, host: str = "0.0.0.0", port: int | None = None) -> None:
        await self._announce()
        if self.settings.slack_app_token is not None:
            await self.start_socket_mode()
            if self.oauth:  # the install pages still need HTTP
                await self.start_http(host, port)
        else:
            await self.start_http(host, port)

    async def stop(self) -> None:
        if self._socket is not None:
            with contextlib.suppress(Exception):
                await self._socket.close_async()
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def run(self) -> None:
        """Start, then serve until cancelled."""
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()
