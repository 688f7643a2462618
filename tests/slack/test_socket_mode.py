"""Socket Mode: with SLACK_APP_TOKEN the same listeners answer over a WebSocket, no HTTP server."""

from __future__ import annotations

from pydantic import SecretStr

from adapters.slack import build_slack
from bot.app import build_app
from bot.config import Settings
from tests.conftest import PatternExtractor
from tests.slack.conftest import ADMIN, CHANNEL, TEAM, slack_settings
from tests.slack.fake_slack import FakeSlack


async def test_slash_command_over_socket_mode(settings: Settings, fake: FakeSlack) -> None:
    s = slack_settings(
        settings, fake, slack_app_token=SecretStr("xapp-test"), slack_signing_secret=None
    )
    core = build_app(s, extractor=PatternExtractor())
    adapter = build_slack(core)
    try:
        await adapter.start(host="127.0.0.1", port=0)
        assert adapter.port is None  # no HTTP listener in Socket Mode
        [opened] = fake.of("apps.connections.open")
        assert opened.token == "xapp-test"
        await fake.socket_connected.wait()
        await fake.socket_envelopes.put(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": {
                    "team_id": TEAM,
                    "channel_id": CHANNEL,
                    "user_id": ADMIN,
                    "user_name": "admin",
                    "command": "/claimwatch",
                    "text": "topic add quake dead OR killed",
                    "response_url": f"{fake.url}/respond/socket-1",
                    "trigger_id": "1.2.3",
                },
            }
        )
        reply = await fake.response("socket-1")
        assert "Tracking quake" in reply["text"] and reply["response_type"] == "ephemeral"
        await fake.wait_for(lambda: any(a.get("envelope_id") == "env-1" for a in fake.socket_acks))
        assert [t.slug for t in core.repo.list_topics("slack", TEAM)] == ["quake"]
    finally:
        await adapter.stop()
        core.repo.dispose()
