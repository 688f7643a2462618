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
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

from tests.discord.fake_interactions import Interactions
from tests.discord.fake_payloads import (
    ADMIN_ID,
    ADMIN_PERMISSIONS,
    APP_ID,
    BOT_USER,
    CHANNEL_ID,
    EPHEMERAL,
    GUILD_ID,
    MANAGE_GUILD,
    MEMBER_ID,
    MEMBER_PERMISSIONS,
    OTHER_CHANNEL_ID,
    InteractionResult,
    Recorded,
    channel_payload,
    json_response,
    user_payload,
)
from tests.fake_ratelimit import ChannelLimit, header_seconds

__all__ = [
    "ADMIN_ID",
    "ADMIN_PERMISSIONS",
    "APP_ID",
    "BOT_USER",
    "CHANNEL_ID",
    "EPHEMERAL",
    "GUILD_ID",
    "MANAGE_GUILD",
    "MEMBER_ID",
    "MEMBER_PERMISSIONS",
    "OTHER_CHANNEL_ID",
    "FakeDiscord",
    "InteractionResult",
    "Recorded",
    "channel_payload",
    "user_payload",
]


class FakeDiscord(Interactions):
    """The fake server; ``await start()``, point the adapter at ``api_url``/``gateway_url``."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.sockets: list[web.WebSocketResponse] = []
        self.identifies: list[dict[str, Any]] = []
        self.guilds_created = 0
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
        return json_response(BOT_USER)

    async def application(self, request: web.Request) -> web.Response:
        await self._record(request)
        return json_response(
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
        return json_response(
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
        return json_response(out)

    async def callback(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        return json_response(
            {
                "interaction": {
                    "id": request.match_info["id"],
                    "type": (rec.json or {}).get("type", 0),
                }
            }
        )

    async def edit_original(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        return json_response(self._message(CHANNEL_ID, rec.json))

    async def delete_original(self, request: web.Request) -> web.Response:
        await self._record(request)
        return web.Response(status=204)

    async def followup(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        return json_response(self._message(CHANNEL_ID, rec.json))

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
            return json_response(
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
                return json_response(
                    {
                        "message": "You are being rate limited.",
                        "retry_after": retry_after,
                        "global": global_limit,
                    },
                    status=429,
                    headers=headers,
                )
            if status == 403:
                return json_response({"message": "Missing Permissions", "code": 50013}, status=403)
            return json_response({"message": "Unknown Channel", "code": 10003}, status=404)
        if channel_id not in self.channels:
            rec.query["_status"] = "404"
            return json_response({"message": "Unknown Channel", "code": 10003}, status=404)
        message = self._message(channel_id, rec.json)
        self.channel_messages.setdefault(channel_id, []).append(message)
        return json_response(message)

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
            self.guilds_created += 1
        async with self._changed:
            self._changed.notify_all()

    async def push(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch event to every connected gateway session."""
        for ws in list(self.sockets):
            await self._send(ws, 0, data, event)
