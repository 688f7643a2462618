"""The fake Discord's interactions: a slash command, an autocomplete or a button click
pushed as INTERACTION_CREATE, and the callback, edits and follow-ups it got back."""

from __future__ import annotations

import itertools
from typing import Any

from tests.discord.fake_payloads import (
    ADMIN_ID,
    ADMIN_PERMISSIONS,
    APP_ID,
    CHANNEL_ID,
    EPHEMERAL,
    GUILD_ID,
    MEMBER_ID,
    MEMBER_PERMISSIONS,
    InteractionResult,
    Recorded,
    channel_payload,
    user_payload,
)


class Interactions:
    """The interaction half of ``FakeDiscord`` (which provides the state used here)."""

    requests: list[Recorded]
    channels: dict[int, str]
    _ids: itertools.count[int]

    # -- interactions -------------------------------------------------------------

    def interaction_payload(
        self,
        itype: int,
        data: dict[str, Any],
        *,
        admin: bool = True,
        channel_id: int = CHANNEL_ID,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        iid = next(self._ids)
        user = user_payload(ADMIN_ID, "editor") if admin else user_payload(MEMBER_ID, "reader")
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(APP_ID),
            "type": itype,
            "data": data,
            "guild_id": str(GUILD_ID),
            "channel_id": str(channel_id),
            "channel": channel_payload(channel_id, self.channels.get(channel_id, "x")),
            "member": {
                "user": user,
                "roles": [],
                "joined_at": "2025-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
                "permissions": str(ADMIN_PERMISSIONS if admin else MEMBER_PERMISSIONS),
            },
            "token": f"token-{iid}",
            "version": 1,
            "locale": "en-US",
            "guild_locale": "en-US",
            "app_permissions": str(MEMBER_PERMISSIONS),
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = message
        return payload

    async def command(
        self,
        command_line: str,
        /,
        *,
        admin: bool = True,
        channel_id: int = CHANNEL_ID,
        resolved: dict[str, Any] | None = None,
        timeout: float = 15.0,
        **options: Any,
    ) -> InteractionResult:
        """Run ``/name [group] [sub]`` with ``option=value``s; wait for the bot's final answer."""
        name, *subs = command_line.split()
        opts = [
            {"name": k, "type": 4 if isinstance(v, int) else 3, "value": v}
            for k, v in options.items()
            if v is not None
        ]
        if resolved and "channel" in options:
            for o in opts:
                if o["name"] == "channel":
                    o["type"] = 7
        for sub in reversed(subs):
            opts = [{"name": sub, "type": 1 if sub == subs[-1] else 2, "options": opts}]
        data: dict[str, Any] = {
            "id": str(next(self._ids)),
            "name": name,
            "type": 1,
            "options": opts,
            "guild_id": str(GUILD_ID),
        }
        if resolved:
            data["resolved"] = resolved
        payload = self.interaction_payload(2, data, admin=admin, channel_id=channel_id)
        await self.push("INTERACTION_CREATE", payload)
        return await self.result(int(payload["id"]), payload["token"], timeout)

    async def autocomplete(
        self, name: str, focused: str, *, timeout: float = 10.0, **options: Any
    ) -> list[dict[str, Any]]:
        opts = [
            {"name": k, "type": 3, "value": v, **({"focused": True} if k == focused else {})}
            for k, v in options.items()
        ]
        data = {"id": str(next(self._ids)), "name": name, "type": 1, "options": opts}
        payload = self.interaction_payload(4, data)
        await self.push("INTERACTION_CREATE", payload)
        res = await self.result(int(payload["id"]), payload["token"], timeout)
        return res.data.get("choices", [])

    async def click(
        self,
        message: dict[str, Any],
        custom_id: str,
        *,
        admin: bool = False,
        timeout: float = 15.0,
    ) -> InteractionResult:
        data = {"custom_id": custom_id, "component_type": 2}
        payload = self.interaction_payload(
            3, data, admin=admin, channel_id=int(message["channel_id"]), message=message
        )
        await self.push("INTERACTION_CREATE", payload)
        return await self.result(int(payload["id"]), payload["token"], timeout)

    def _result_now(self, iid: int, token: str) -> InteractionResult | None:
        mine = [
            r
            for r in self.requests
            if f"/interactions/{iid}/{token}/" in r.path or f"/{token}" in r.path
        ]
        deferred_ephemeral: bool | None = None
        for r in mine:
            if r.path.endswith("/callback"):
                body = r.json or {}
                rtype, data = body.get("type"), body.get("data") or {}
                if rtype in (4, 7, 8):
                    return InteractionResult(
                        iid, data, bool((data.get("flags") or 0) & EPHEMERAL), r.files, False, mine
                    )
                if rtype in (5, 6):
                    deferred_ephemeral = bool((data.get("flags") or 0) & EPHEMERAL)
            elif r.method == "PATCH" and deferred_ephemeral is not None:
                return InteractionResult(iid, r.json or {}, deferred_ephemeral, r.files, True, mine)
            elif r.method == "POST" and "/webhooks/" in r.path:
                data = r.json or {}
                return InteractionResult(
                    iid, data, bool((data.get("flags") or 0) & EPHEMERAL), r.files, True, mine
                )
        return None

    async def result(self, iid: int, token: str, timeout: float = 15.0) -> InteractionResult:
        return await self.wait_for(lambda: self._result_now(iid, token), timeout)
