"""Fixtures for the Slack end-to-end tests: the fake Web API, a running Bolt app, signed requests.

Nothing leaves 127.0.0.1: the adapter's clients point at ``FakeSlack`` through
``CLAIMWATCH_SLACK_API_URL``, response URLs point at it too, and the Bolt app
listens on an ephemeral port.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from pydantic import SecretStr

from adapters.slack import build_slack
from adapters.slack.app import SlackAdapter
from bot.app import App, build_app
from bot.config import Settings
from tests.conftest import PatternExtractor
from tests.slack.fake_slack import FakeSlack

SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-test-token"
TEAM = "T1"
CHANNEL = "C1"
ADMIN = "UADMIN"
OWNER = "UOWNER"
MEMBER = "UMEMBER"
ENV_ADMIN = "UENVADMIN"


def sign(body: str, *, secret: str = SIGNING_SECRET, ts: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": "v0=" + digest.hexdigest(),
        "Content-Type": "application/x-www-form-urlencoded",
    }


@dataclass
class Answer:
    status: int
    ack: str
    elapsed: float
    reply: dict[str, Any] | None

    @property
    def text(self) -> str:
        """Everything the user saw: fallback text and every block's text."""
        if self.reply is None:
            return ""
        parts = [self.reply.get("text", "")]
        for b in self.reply.get("blocks") or []:
            t = b.get("text")
            if isinstance(t, dict):
                parts.append(t.get("text", ""))
            for f in b.get("fields") or []:
                parts.append(f.get("text", ""))
        return "\n".join(parts)

    @property
    def ephemeral(self) -> bool:
        return (self.reply or {}).get("response_type") == "ephemeral"


class SlackHarness:
    """Drives the running adapter the way Slack does: signed POSTs to /slack/events."""

    def __init__(self, core: App, adapter: SlackAdapter, fake: FakeSlack) -> None:
        self.core = core
        self.adapter = adapter
        self.fake = fake
        self.session = aiohttp.ClientSession()
        self._n = itertools.count(1)

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.adapter.port}/slack/events"

    async def post(
        self, body: str, headers: dict[str, str] | None = None, **sign_kw: Any
    ) -> tuple[int, str, float]:
        start = time.monotonic()
        async with self.session.post(
            self.events_url, data=body.encode(), headers=headers or sign(body, **sign_kw)
        ) as resp:
            return resp.status, await resp.text(), time.monotonic() - start

    async def command(
        self,
        command: str,
        text: str = "",
        *,
        user: str = ADMIN,
        channel: str = CHANNEL,
        team: str = TEAM,
        wait: bool = True,
        **sign_kw: Any,
    ) -> Answer:
        key = f"cmd-{next(self._n)}"
        body = urlencode(
            {
                "token": "legacy-unused",
                "team_id": team,
                "team_domain": "test",
                "channel_id": channel,
                "channel_name": "general",
                "user_id": user,
                "user_name": user.lower(),
                "command": command,
                "text": text,
                "api_app_id": "A1",
                "response_url": f"{self.fake.url}/respond/{key}",
                "trigger_id": "1.2.3",
            }
        )
        status, ack, elapsed = await self.post(body, **sign_kw)
        reply = await self.fake.response(key) if wait and status == 200 else None
        return Answer(status, ack, elapsed, reply)

    async def click(
        self,
        action_id: str,
        value: str,
        *,
        user: str = MEMBER,
        channel: str = CHANNEL,
        message_ts: str = "1700000001.000100",
        wait: bool = True,
    ) -> Answer:
        key = f"act-{next(self._n)}"
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM, "domain": "test"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "api_app_id": "A1",
            "token": "legacy-unused",
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
            "trigger_id": "1.2.3",
            "channel": {"id": channel, "name": "general"},
            "message": {"type": "message", "ts": message_ts, "text": "alert"},
            "response_url": f"{self.fake.url}/respond/{key}",
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "claimwatch-1",
                    "value": value,
                    "type": "button",
                    "action_ts": "1700000002.0",
                }
            ],
        }
        body = urlencode({"payload": json.dumps(payload)})
        status, ack, elapsed = await self.post(body)
        reply = await self.fake.response(key) if wait and status == 200 else None
        return Answer(status, ack, elapsed, reply)

    async def event(self, event: dict[str, Any], *, team: str = TEAM) -> int:
        body = json.dumps(
            {
                "token": "legacy-unused",
                "team_id": team,
                "api_app_id": "A1",
                "event": event,
                "type": "event_callback",
                "event_id": f"Ev{next(self._n)}",
                "event_time": int(time.time()),
                "authorizations": [
                    {"team_id": team, "user_id": "UBOT", "is_bot": True, "enterprise_id": None}
                ],
            }
        )
        headers = sign(body)
        headers["Content-Type"] = "application/json"
        status, _, _ = await self.post(body, headers=headers)
        return status

    async def close(self) -> None:
        await self.session.close()


def slack_settings(base: Settings, fake: FakeSlack, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": SecretStr(BOT_TOKEN),
        "slack_signing_secret": SecretStr(SIGNING_SECRET),
        "slack_api_url": fake.api_url,
        "slack_admins": [ENV_ADMIN],
        "digest_interval_s": 60,
    }
    values.update(overrides)
    return base.model_copy(update=values)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    server.users = {
        ADMIN: {"name": "admin", "is_admin": True},
        OWNER: {"name": "owner", "is_owner": True},
        MEMBER: {"name": "member"},
        ENV_ADMIN: {"name": "envadmin"},
    }
    await server.start()
    yield server
    await server.close()


@pytest.fixture
def core(settings: Settings, fake: FakeSlack) -> Iterator[App]:
    application = build_app(slack_settings(settings, fake), extractor=PatternExtractor())
    yield application
    application.repo.dispose()


@pytest.fixture
async def slack(core: App, fake: FakeSlack) -> AsyncIterator[SlackHarness]:
    adapter = build_slack(core)
    core.dispatcher.add_sender(adapter)
    await adapter.start(host="127.0.0.1", port=0)
    harness = SlackHarness(core, adapter, fake)
    yield harness
    await harness.close()
    await adapter.stop()


QUAKE_QUERY = "dead OR killed OR injured"


async def track_quake(slack: SlackHarness, *channels: str, mode: str = "") -> None:
    """Admin adds the 'quake' topic and subscribes each channel (default: C1)."""
    added = await slack.command("/claimwatch", f"topic add quake {QUAKE_QUERY}")
    assert "Tracking" in added.text, added.text
    for channel in channels or (CHANNEL,):
        text = f"subscribe quake <#{channel}|ch> {mode}".strip()
        answer = await slack.command("/claimwatch", text)
        assert "alerts" in answer.text and not answer.ephemeral, answer.text
