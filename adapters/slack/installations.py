"""Bolt's installation and OAuth-state stores, kept in Claimwatch's own database.

Both go through ``bot.installations.Records`` (the store's key-value table),
so a multi-workspace install survives restarts and runs on SQLite or
PostgreSQL like everything else. Record names are ``{enterprise}:{team}:…``
with ``none`` for a missing id, ending in ``:`` so one id is never a prefix
of another when deleting.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.installations import KeyValueStore, Records

log = logging.getLogger(__name__)

INSTALLATION_NAMESPACE = "slack-installation"
STATE_NAMESPACE = "slack-oauth-state"
OnInstalled = Callable[[str, str], Awaitable[None]]


def _team(enterprise_id: str | None, team_id: str | None, enterprise_install: bool | None) -> str:
    return f"{enterprise_id or 'none'}:{'none' if enterprise_install else team_id or 'none'}:"


def _plain(obj: Bot | Installation) -> dict[str, Any]:
    """The constructor arguments of a Bot/Installation (what slack-sdk's file store keeps)."""
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")}


class SlackInstallationStore(AsyncInstallationStore):
    """Bolt's ``AsyncInstallationStore`` on ``Records``; tells the core when a team installs."""

    def __init__(self, repo: KeyValueStore, on_installed: OnInstalled | None = None) -> None:
        self.records = Records(repo, INSTALLATION_NAMESPACE)
        self.on_installed = on_installed

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        team = _team(
            installation.enterprise_id, installation.team_id, installation.is_enterprise_install
        )
        await self.async_save_bot(installation.to_bot())
        data = _plain(installation)
        await self.records.put(team + "installer-latest:", data)
        await self.records.put(f"{team}installer:{installation.user_id or 'none'}:", data)
        if self.on_installed is not None:
            workspace = installation.team_id or installation.enterprise_id or ""
            name = installation.team_name or installation.enterprise_name or ""
            await self.on_installed(workspace, name)

    async def async_save_bot(self, bot: Bot) -> None:
        if bot.bot_token is None:
            return
        team = _team(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        await self.records.put(team + "bot:", _plain(bot))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        data = await self.records.get(_team(enterprise_id, team_id, is_enterprise_install) + "bot:")
        return None if data is None else Bot(**data)

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        team = _team(enterprise_id, team_id, is_enterprise_install)
        name = team + ("installer-latest:" if user_id is None else f"installer:{user_id}:")
        data = await self.records.get(name)
        if data is None:
            return None
        installation = Installation(**data)
        if user_id is not None or installation.bot_token is None:
            bot = await self.async_find_bot(
                enterprise_id=enterprise_id,
                team_id=team_id,
                is_enterprise_install=is_enterprise_install,
            )
            if bot is not None and bot.bot_token != installation.bot_token:
                installation.bot_id = bot.bot_id
                installation.bot_user_id = bot.bot_user_id
                installation.bot_token = bot.bot_token
                installation.bot_scopes = bot.bot_scopes
                installation.bot_refresh_token = bot.bot_refresh_token
                installation.bot_token_expires_at = bot.bot_token_expires_at
        return installation

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.records.delete(_team(enterprise_id, team_id, False) + "bot:")

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        team = _team(enterprise_id, team_id, False)
        if user_id is None:
            await self.records.delete(team + "installer")
        else:
            await self.records.delete(f"{team}installer:{user_id}:")

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.records.delete(_team(enterprise_id, team_id, False))


class SlackOAuthStateStore(AsyncOAuthStateStore):
    """One-time OAuth ``state`` values with an expiry, in the same key-value table."""

    def __init__(self, repo: KeyValueStore, expiration_seconds: int = 600) -> None:
        self.records = Records(repo, STATE_NAMESPACE)
        self.expiration_seconds = expiration_seconds

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        await self.records.put(state, {"expires": time.time() + self.expiration_seconds})
        return state

    async def async_consume(self, state: str) -> bool:
        if not state:
            return False
        data = await self.records.get(state)
        if data is None:
            return False
        await self.records.delete(state)
        return float(data.get("expires", 0)) >= time.time()
