"""A bot token Slack rejects stops the bot with one line naming the cause (exit 1 in the CLI)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.runner import AdapterFailed, run_bot
from tests.slack.conftest import slack_settings
from tests.slack.fake_slack import FakeSlack


async def test_a_rejected_token_stops_the_bot(settings: Settings, fake: FakeSlack) -> None:
    rejected = slack_settings(settings, fake, slack_bot_token=SecretStr("xoxb-revoked-1234567"))
    with pytest.raises(AdapterFailed) as info:
        await run_bot(rejected.model_copy(update={"slack_port": 0}))
    assert str(info.value) == ("slack: TokenRejected: Slack rejected the bot token (invalid_auth)")
    assert "xoxb-revoked" not in str(info.value)
