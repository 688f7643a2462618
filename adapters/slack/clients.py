"""Slack Web API clients: one base URL for every call, and the right token per workspace.

``CLAIMWATCH_SLACK_API_URL`` (slack-sdk's ``base_url``; GovSlack is
``https://slack-gov.com/api/``) applies to the Bolt app's client, the
dispatcher's clients and the OAuth exchange alike. For commands a short rate
limit (``Retry-After`` up to ``MAX_RATE_LIMIT_WAIT_S``) is waited out inside
the client; the dispatcher's posting clients never wait: every 429 comes back
to the sender, which pauses the bucket (``bot.ratelimits``) so that no other
post goes there until it ends and other channels keep flowing.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
MAX_RATE_LIMIT_WAIT_S = 30.0


def api_url(settings: Settings) -> str:
    """The Web API base URL with the trailing slash slack-sdk needs."""
    url = (settings.slack_api_url or DEFAULT_API_URL).strip()
    return url if url.endswith("/") else url + "/"


def retry_after(headers: Any) -> float | None:
    """The ``Retry-After`` seconds of a response's headers, if any."""
    if not headers:
        return None
    for k, v in dict(headers).items():
        if k.lower() == "retry-after":
            value = v[0] if isinstance(v, list | tuple) else v
            try:
                return float(value)
            except (TypeError, ValueError):
                return None
    return None


class ShortRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """Waits out a 429 only when Slack asks for a short pause."""

    def __init__(self, max_retry_count: int = 2, max_wait_s: float = MAX_RATE_LIMIT_WAIT_S):
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait_s = max_wait_s

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response.headers)
        return wait is None or wait <= self.max_wait_s


def make_client(
    settings: Settings, token: str | None = None, *, wait_rate_limits: bool = True
) -> AsyncWebClient:
    handlers: list[AsyncRetryHandler] = [AsyncConnectionErrorRetryHandler()]
    if wait_rate_limits:
        handlers.append(ShortRateLimitRetryHandler())
    return AsyncWebClient(token=token, base_url=api_url(settings), retry_handlers=handlers)


class NotInstalled(Exception):
    """No bot token for a workspace (OAuth mode, not installed or uninstalled)."""


class WorkspaceClients:
    """A Web API client per workspace: the one bot token, or the installation's."""

    def __init__(
        self, settings: Settings, installation_store: AsyncInstallationStore | None = None
    ) -> None:
        self.settings = settings
        self.installation_store = installation_store
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
        token = None if installation_store else token
        self.default = make_client(settings, token)
        self.posting = make_client(settings, token, wait_rate_limits=False)
        self._by_token: dict[tuple[str, bool], AsyncWebClient] = {}

    async def for_workspace(self, workspace_id: str, *, posting: bool = False) -> AsyncWebClient:
        """The workspace's client; ``posting`` ones hand every 429 back instead of waiting."""
        if self.installation_store is None:
            return self.posting if posting else self.default
        bot = await self.installation_store.async_find_bot(enterprise_id=None, team_id=workspace_id)
        if bot is None or not bot.bot_token:
            raise NotInstalled(workspace_id)
        client = self._by_token.get((bot.bot_token, posting))
        if client is None:
            client = make_client(self.settings, bot.bot_token, wait_rate_limits=not posting)
            self._by_token[(bot.bot_token, posting)] = client
        return client

    def forget(self) -> None:
        self._by_token.clear()
