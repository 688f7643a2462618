"""A local fake of Slack's Web API (and response URLs, file uploads, Socket Mode) that records.

An aiohttp server on 127.0.0.1 with an ephemeral port. Every call is kept
as a ``Call`` (method, token, parsed body); ``script()`` queues canned
answers (a 429 with ``Retry-After``, an error) for the next calls of a
method; ``channel_errors`` makes posting to a channel fail.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fake_ratelimit import ChannelLimit, header_seconds

BOT_USER = "UBOT"
BOT_ID = "BBOT"


@dataclass
class Call:
    method: str
    token: str | None
    body: dict[str, Any]
    raw: bytes = b""
    at: float = field(default_factory=time.monotonic)
    status: int = 200


@dataclass
class Scripted:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    channel: str | None = None


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.responses: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}
        self.scripts: dict[str, list[Scripted]] = {}
        self.channel_errors: dict[str, str] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.members: set[str] = {"C1"}
        self.private: set[str] = set()
        self.teams_by_token: dict[str, str] = {}
        self.limits: dict[str, ChannelLimit] = {}
        self.post_delay_s = 0.0
        self.oauth_install: dict[str, Any] | None = None
        self.socket_envelopes: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.socket_acks: list[dict[str, Any]] = []
        self.socket_connected = asyncio.Event()
        self._ts = 1_700_000_000
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- control --------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def script(
        self,
        method: str,
        status: int,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
        channel: str | None = None,
    ) -> None:
        """Answer the next call of ``method`` (to ``channel`` only, when given) like this."""
        self.scripts.setdefault(method, []).append(Scripted(status, body, headers or {}, channel))

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, predicate: Any, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for the fake Slack")
            await asyncio.sleep(0.02)

    async def response(self, key: str, timeout: float = 10.0) -> dict[str, Any]:
        await self.wait_for(lambda: key in self.responses, timeout)
        return self.responses[key]

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- handlers ---------------------------------------------------------------------

    async def _body(self, request: web.Request) -> tuple[dict[str, Any], bytes]:
        raw = await request.read()
        body: dict[str, Any] = dict(request.query)
        ctype = request.content_type
        if ctype == "application/json" and raw:
            body.update(json.loads(raw))
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            body.update({k: v for k, v in form.items() if isinstance(v, str)})
        return body, raw

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body, raw = await self._body(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth else body.get("token")
        call = Call(method, token, body, raw)
        self.calls.append(call)
        if method == "chat.postMessage":
            if self.post_delay_s:
                await asyncio.sleep(self.post_delay_s)
            limit = self.limits.get(str(body.get("channel", "")))
            wait = limit.check() if limit is not None else None
            if wait is not None:
                call.status = 429
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": header_seconds(wait)},
                )
        queued = self.scripts.get(method) or []
        for i, s in enumerate(queued):
            if s.channel is None or s.channel == body.get("channel"):
                del queued[i]
                call.status = s.status
                return web.json_response(s.body, status=s.status, headers=s.headers)
        handler = getattr(self, "api_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"}, status=404)
        return web.json_response(handler(body, token))

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses[request.match_info["key"]] = await request.json()
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK - uploaded")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        self.socket_connected.set()

        async def pump() -> None:
            while True:
                envelope = await self.socket_envelopes.get()
                await ws.send_json(envelope)

        task = asyncio.create_task(pump())
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self.socket_acks.append(json.loads(msg.data))
        finally:
            task.cancel()
        return ws

    # -- Web API methods ---------------------------------------------------------------

    def _team(self, token: str | None) -> str:
        return self.teams_by_token.get(token or "", "T1")

    def api_auth_test(self, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        if token and token.startswith("xoxb-revoked"):
            return {"ok": False, "error": "invalid_auth"}
        return {
            "ok": True,
            "url": "https://test.slack.example/",
            "team": "Test Team",
            "user": "claimwatch",
            "team_id": self._team(token),
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
        }

    def _ts_next(self) -> str:
        self._ts += 1
        return f"{self._ts}.000100"

    def api_chat_postMessage(self, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        channel = body.get("channel", "")
        if channel in self.channel_errors:
            return {"ok": False, "error": self.channel_errors[channel]}
        return {"ok": True, "channel": channel, "ts": self._ts_next(), "message": body}

    def api_chat_postEphemeral(self, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._ts_next()}

    def api_users_info(self, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        user = self.users.get(body.get("user", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": {"id": body["user"], **user}}

    def api_conversations_info(self, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        channel = body.get("channel", "")
        if self.channel_errors.get(channel) == "channel_not_found":
            return {"ok": False, "error": "channel_not_found"}
        return {
            "ok": True,
            "channel": {
                "id": channel,
                "is_member": channel in self.members,
                "is_private": channel in self.private,
                "is_archived": self.channel_errors.get(channel) == "is_archived",
            },
        }

    def api_conversations_join(self, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        self.members.add(body.get("channel", ""))
        return {"ok": True, "channel": {"id": body.get("channel")}}

    def api_files_getUploadURLExternal(
        self, body: dict[str, Any], token: str | None
    ) -> dict[str, Any]:
        file_id = f"F{len(self.of('files.getUploadURLExternal'))}"
        return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def api_files_completeUploadExternal(
        self, body: dict[str, Any], token: str | None
    ) -> dict[str, Any]:
        channel = body.get("channel_id", "")
        if channel in self.channel_errors:
            return {"ok": False, "error": self.channel_errors[channel]}
        files = json.loads(body.get("files", "[]"))
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}

    def api_files_info(self, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        return {"ok": True, "file": {"id": body.get("file")}}

    def api_oauth_v2_access(self, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        assert self.oauth_install is not None, "no OAuth install scripted"
        return {"ok": True, **self.oauth_install}

    def api_apps_connections_open(self, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
