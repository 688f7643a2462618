"""A local fake of Discord's REST API and gateway, for end-to-end tests of the adapter.

An aiohttp app on 127.0.0.1 with an ephemeral port. The gateway websocket does
HELLO → IDENTIFY → READY → GUILD_CREATE and acknowledges heartbeats; tests push
INTERACTION_CREATE (and other events) with ``push``. Every REST call is
recorded (JSON and multipart bodies, files included); ``fail_next`` makes the
next channel posts answer 429 / 403 / 404 as Discord would.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

from tests.fake_ratelimit import ChannelLimit, header_seconds

APP_ID = 900000000000000001
GUILD_ID = 900000000000000100
CHANNEL_ID = 900000000000000200
OTHER_CHANNEL_ID = 900000000000000201
ADMIN_ID = 900000000000000300
MEMBER_ID = 900000000000000301
MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 31)
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD
EPHEMERAL = 1 << 6

BOT_USER = {
    "id": str(APP_ID),
    "username": "Claimwatch",
    "discriminator": "0",
    "global_name": "Claimwatch",
    "avatar": None,
    "bot": True,
    "flags": 0,
    "public_flags": 0,
    "mfa_enabled": False,
    "verified": True,
}


def user_payload(user_id: int, name: str) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name.title(),
        "avatar": None,
        "public_flags": 0,
    }


def channel_payload(channel_id: int, name: str, position: int = 0) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
    }


@dataclass
class Recorded:
    """One REST request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    json: Any = None
    files: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class InteractionResult:
    """What the bot finally answered to one interaction, whichever way it answered."""

    interaction_id: int
    data: dict[str, Any]
    ephemeral: bool
    files: list[dict[str, Any]]
    deferred: bool
    requests: list[Recorded]

    @property
    def content(self) -> str:
        return self.data.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.data.get("embeds") or []

    @property
    def text(self) -> str:
        """Content, embed titles, descriptions and fields as one string, for assertions."""
        parts = [self.content]
        for e in self.embeds:
            parts += [e.get("title", ""), e.get("description", "")]
            parts += [f"{f['name']}\n{f['value']}" for f in e.get("fields", [])]
            if "footer" in e:
                parts.append(e["footer"].get("text", ""))
        return "\n".join(p for p in parts if p)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py only parses bodies whose Content-Type is exactly application/json
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


class FakeDiscord:
    """The fake server; ``await start()``, point the adapter at ``api_url``/``gateway_url``."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.sockets: list[web.WebSocketResponse] = []
        self.identifies: list[dict[str, Any]] = []
        self.channels = {CHANNEL_ID: "news", OTHER_CHANNEL_ID: "alerts"}
        self.faults: dict[int, deque[tuple[int, float, bool]]] = {}
        self.limits: dict[int, ChannelLimit] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.channel_messages: dict[int, list[dict[str, Any]]] = {}
        self._ids = itertools.count(910000000000000000)
        self._seq = itertools.count(1)
        self._changed = asyncio.Condition()
        self.runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ----------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway)
        r = app.router
        base = "/api/v10"
        r.add_get(base + "/users/@me", self.me)
        r.add_get(base + "/oauth2/applications/@me", self.application)
        r.add_get(base + "/gateway/bot", self.gateway_bot)
        r.add_put(base + "/applications/{app}/commands", self.sync_commands)
        r.add_put(base + "/applications/{app}/guilds/{guild}/commands", self.sync_commands)
        r.add_post(base + "/interactions/{id}/{token}/callback", self.callback)
        r.add_patch(base + "/webhooks/{app}/{token}/messages/@original", self.edit_original)
        r.add_delete(base + "/webhooks/{app}/{token}/messages/@original", self.delete_original)
        r.add_post(base + "/webhooks/{app}/{token}", self.followup)
        r.add_post(base + "/channels/{channel}/messages", self.channel_message)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def close(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- recording ----------------------------------------------------------------

    async def _record(self, request: web.Request) -> Recorded:
        rec = Recorded(request.method, request.path, dict(request.query))
        rec.headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                body = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":  # type: ignore[union-attr]
                    rec.json = json.loads(body)
                else:
                    rec.files.append(
                        {
                            "name": part.name,  # type: ignore[union-attr]
                            "filename": part.filename,  # type: ignore[union-attr]
                            "content_type": part.headers.get("Content-Type"),  # type: ignore[union-attr]
                            "data": bytes(body),
                        }
                    )
        elif request.can_read_body:
            raw = await request.read()
            rec.json = json.loads(raw) if raw else None
        self.requests.append(rec)
        async with self._changed:
            self._changed.notify_all()
        return rec

    def find(self, method: str, path_part: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and path_part in r.path]

    def posts_to(self, channel_id: int) -> list[Recorded]:
        """Channel posts that Discord accepted (faults answered with an error are excluded)."""
        return [
            r
            for r in self.find("POST", f"/channels/{channel_id}/messages")
            if r.query.get("_status", "200") == "200"
        ]

    async def wait_for(self, predicate: Any, timeout: float = 10.0) -> Any:
        async def _wait() -> Any:
            async with self._changed:
                while True:
                    found = predicate()
                    if found:
                        return found
                    await self._changed.wait()

        return await asyncio.wait_for(_wait(), timeout)

    def _message(self, channel_id: int, body: dict[str, Any] | None) -> dict[str, Any]:
        body = body or {}
        msg = {
            "id": str(next(self._ids)),
            "channel_id": str(channel_id),
            "guild_id": str(GUILD_ID),
            "author": BOT_USER,
            "content": body.get("content") or "",
            "timestamp": datetime.now(UTC).isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags") or 0,
        }
        self.messages[int(msg["id"])] = msg
        return msg

    # -- REST ---------------------------------------------------------------------

    async def me(self, request: web.Request) -> web.Response:
        await self._record(request)
        return _json(BOT_USER)

    async def application(self, request: web.Request) -> web.Response:
        await self._record(request)
        return _json(
            {
                "id": str(APP_ID),
                "name": "Claimwatch",
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": user_payload(ADMIN_ID, "owner"),
                "verify_key": "00" * 32,
                "flags": 0,
                "summary": "",
                "rpc_origins": [],
            }
        )

    async def gateway_bot(self, request: web.Request) -> web.Response:
        await self._record(request)
        return _json(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def sync_commands(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        out = []
        for cmd in rec.json or []:
            out.append(
                {**cmd, "id": str(next(self._ids)), "application_id": str(APP_ID), "version": "1"}
            )
        return _json(out)

    async def callback(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        return _json(
            {
                "interaction": {
                    "id": request.match_info["id"],
                    "type": (rec.json or {}).get("type", 0),
                }
            }
        )

    async def edit_original(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        return _json(self._message(CHANNEL_ID, rec.json))

    async def delete_original(self, request: web.Request) -> web.Response:
        await self._record(request)
        return web.Response(status=204)

    async def followup(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        return _json(self._message(CHANNEL_ID, rec.json))

    def fail_next(
        self,
        channel_id: int,
        status: int,
        retry_after: float = 0.0,
        times: int = 1,
        *,
        global_limit: bool = False,
    ):
        """The next ``times`` posts to the channel answer ``status`` (429, 403, 404);
        ``global_limit`` makes a 429 Discord's global rate limit."""
        q = self.faults.setdefault(channel_id, deque())
        for _ in range(times):
            q.append((status, retry_after, global_limit))

    async def channel_message(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel"])
        rec = await self._record(request)
        limit = self.limits.get(channel_id)
        wait = limit.check() if limit is not None else None
        if wait is not None:
            rec.query["_status"] = "429"
            return _json(
                {"message": "You are being rate limited.", "retry_after": wait, "global": False},
                status=429,
                headers={
                    "Retry-After": header_seconds(wait),
                    "Via": "1.1 google",
                    "X-RateLimit-Scope": "user",
                },
            )
        q = self.faults.get(channel_id)
        if q:
            status, retry_after, global_limit = q.popleft()
            rec.query["_status"] = str(status)
            if status == 429:
                headers = {
                    "Retry-After": str(retry_after),
                    "Via": "1.1 google",
                    "X-RateLimit-Scope": "global" if global_limit else "user",
                }
                if global_limit:
                    headers["X-RateLimit-Global"] = "true"
                return _json(
                    {
                        "message": "You are being rate limited.",
                        "retry_after": retry_after,
                        "global": global_limit,
                    },
                    status=429,
                    headers=headers,
                )
            if status == 403:
                return _json({"message": "Missing Permissions", "code": 50013}, status=403)
            return _json({"message": "Unknown Channel", "code": 10003}, status=404)
        if channel_id not in self.channels:
            rec.query["_status"] = "404"
            return _json({"message": "Unknown Channel", "code": 10003}, status=404)
        message = self._message(channel_id, rec.json)
        self.channel_messages.setdefault(channel_id, []).append(message)
        return _json(message)

    # -- gateway ------------------------------------------------------------------

    def guild_payload(self) -> dict[str, Any]:
        return {
            "id": str(GUILD_ID),
            "name": "Newsroom",
            "icon": None,
            "owner_id": str(ADMIN_ID),
            "unavailable": False,
            "member_count": 3,
            "large": False,
            "features": [],
            "roles": [
                {
                    "id": str(GUILD_ID),
                    "name": "@everyone",
                    "permissions": str(MEMBER_PERMISSIONS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "channels": [
                channel_payload(cid, name, i) for i, (cid, name) in enumerate(self.channels.items())
            ],
            "members": [
                {
                    "user": BOT_USER,
                    "roles": [],
                    "joined_at": "2025-01-01T00:00:00+00:00",
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                }
            ],
            "threads": [],
            "emojis": [],
            "stickers": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "system_channel_flags": 0,
            "joined_at": "2025-01-01T00:00:00+00:00",
        }

    async def _send(self, ws: web.WebSocketResponse, op: int, d: Any, t: str | None = None):
        payload: dict[str, Any] = {"op": op, "d": d, "s": None, "t": t}
        if op == 0:
            payload["s"] = next(self._seq)
        await ws.send_str(json.dumps(payload))

    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await self._send(ws, 10, {"heartbeat_interval": 45000})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                op = data.get("op")
                if op == 1:
                    await self._send(ws, 11, None)
                elif op == 2:
                    await self._identify(ws, data["d"])
                elif op == 6:
                    await self._send(ws, 0, {}, "RESUMED")
        finally:
            if ws in self.sockets:
                self.sockets.remove(ws)
        return ws

    async def _identify(self, ws: web.WebSocketResponse, d: dict[str, Any]) -> None:
        self.identifies.append({k: v for k, v in d.items() if k != "token"})
        shard = d.get("shard") or [0, 1]
        mine = (GUILD_ID >> 22) % shard[1] == shard[0]
        await self._send(
            ws,
            0,
            {
                "v": 10,
                "user": BOT_USER,
                "guilds": [{"id": str(GUILD_ID), "unavailable": True}] if mine else [],
                "session_id": f"session-{shard[0]}",
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(APP_ID), "flags": 0},
                "shard": shard,
                "private_channels": [],
                "relationships": [],
                "user_settings": {},
                "presences": [],
                "geo_ordered_rtc_regions": [],
            },
            "READY",
        )
        if mine:
            await self._send(ws, 0, self.guild_payload(), "GUILD_CREATE")
        async with self._changed:
            self._changed.notify_all()

    async def push(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch event to every connected gateway session."""
        for ws in list(self.sockets):
            await self._send(ws, 0, data, event)

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
