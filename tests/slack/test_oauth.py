"""Multi-workspace OAuth: install through the real Bolt flow, tokens kept in our database."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr
from slack_sdk.oauth.installation_store.models.installation import Installation

from adapters.slack import build_slack
from adapters.slack.installations import SlackInstallationStore, SlackOAuthStateStore
from bot.app import App, build_app
from bot.config import Settings
from storage.models import Workspace
from tests.conftest import PatternExtractor, article
from tests.slack.conftest import ADMIN, SlackHarness, slack_settings
from tests.slack.fake_slack import FakeSlack

T2_TOKEN = "xoxb-second-team"


@pytest.fixture
async def oauth_slack(settings: Settings, fake: FakeSlack) -> AsyncIterator[SlackHarness]:
    s = slack_settings(
        settings,
        fake,
        slack_bot_token=None,
        slack_client_id="111.222",
        slack_client_secret=SecretStr("client-secret"),
    )
    core: App = build_app(s, extractor=PatternExtractor())
    adapter = build_slack(core)
    core.dispatcher.add_sender(adapter)
    await adapter.start(host="127.0.0.1", port=0)
    harness = SlackHarness(core, adapter, fake)
    yield harness
    await harness.close()
    await adapter.stop()
    core.repo.dispose()


async def install(slack: SlackHarness) -> None:
    fake = slack.fake
    fake.teams_by_token[T2_TOKEN] = "T2"
    fake.oauth_install = {
        "access_token": T2_TOKEN,
        "token_type": "bot",
        "scope": "commands,chat:write,files:write,users:read",
        "bot_user_id": "UBOT",
        "app_id": "A1",
        "team": {"id": "T2", "name": "Second Team"},
        "enterprise": None,
        "is_enterprise_install": False,
        "authed_user": {"id": ADMIN},
    }
    base = f"http://127.0.0.1:{slack.adapter.port}"
    async with slack.session.get(f"{base}/slack/install") as resp:
        assert resp.status == 200
        page = await resp.text()
        cookie = resp.headers["Set-Cookie"].split(";")[0]
    state = re.search(r"state=([\w\-]+)", page).group(1)
    assert f"{fake.url}/oauth/v2/authorize" in page  # the configured endpoint, not slack.com
    async with slack.session.get(
        f"{base}/slack/oauth_redirect",
        params={"code": "c0de", "state": state},
        headers={"Cookie": cookie},
    ) as resp:
        assert resp.status == 200, await resp.text()


async def test_install_then_commands_and_alerts_use_the_teams_token(
    oauth_slack: SlackHarness,
) -> None:
    slack, fake = oauth_slack, oauth_slack.fake
    await install(slack)
    [exchange] = fake.of("oauth.v2.access")
    assert exchange.body["code"] == "c0de"
    with slack.core.repo.session() as s:
        assert s.query(Workspace).filter_by(platform="slack", workspace_id="T2").one()
    assert "client-secret" not in str(slack.core.repo.kv_get("slack-installation", "none:T2:bot:"))

    a = await slack.command("/claimwatch", "topic add quake dead", team="T2")
    assert "Tracking *quake*" in a.text
    await slack.command("/claimwatch", "subscribe quake", team="T2")
    assert {c.token for c in fake.of("users.info")} == {T2_TOKEN}

    await slack.core.pipeline.ingest(article(1, "Agency says 40 dead."))
    assert (await slack.core.dispatcher.run_once()).sent == 1
    assert [c.token for c in fake.of("chat.postMessage")] == [T2_TOKEN]

    # Uninstalled: the installation is forgotten and the subscriptions pause.
    assert await slack.event({"type": "app_uninstalled"}, team="T2") == 200
    await fake.wait_for(
        lambda: slack.core.repo.kv_get("slack-installation", "none:T2:bot:") is None
    )
    await fake.wait_for(lambda: all(s.paused for s in slack.core.repo.subscriptions("slack")))


async def test_a_team_that_never_installed_is_told_so(oauth_slack: SlackHarness) -> None:
    a = await oauth_slack.command("/claimwatch", "topic add quake dead", team="T9")
    assert a.status == 200 and "not installed in this workspace" in a.text
    assert not oauth_slack.fake.of("users.info")
    assert oauth_slack.core.repo.list_topics("slack", "T9") == []


async def test_alerts_for_an_uninstalled_team_pause(oauth_slack: SlackHarness) -> None:
    repo = oauth_slack.core.repo
    topic = repo.add_topic("slack", "T9", "quake", "quake", "dead")
    repo.subscribe(topic.id, "slack", "T9", "C9")
    await oauth_slack.core.pipeline.ingest(article(1, "Agency says 40 dead."))
    assert (await oauth_slack.core.dispatcher.run_once()).paused == 1
    [sub] = repo.subscriptions("slack", "T9")
    assert "not installed" in (sub.pause_reason or "")


async def test_installation_store_round_trip(repo) -> None:  # type: ignore[no-untyped-def]
    joined: list[tuple[str, str]] = []

    async def on_installed(team: str, name: str) -> None:
        joined.append((team, name))

    store = SlackInstallationStore(repo, on_installed)
    inst = Installation(
        app_id="A1",
        team_id="T1",
        team_name="One",
        user_id="U1",
        bot_token="xoxb-1",
        bot_id="B1",
        bot_user_id="UB",
        bot_scopes=["chat:write"],
    )
    await store.async_save(inst)
    assert joined == [("T1", "One")]
    bot = await store.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == "xoxb-1" and bot.bot_scopes == ["chat:write"]
    found = await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U1")
    assert found is not None and found.user_id == "U1" and found.bot_token == "xoxb-1"
    assert await store.async_find_bot(enterprise_id=None, team_id="T") is None
    await store.async_save(Installation(user_id="U11", team_id="T1", bot_token="xoxb-2"))
    await store.async_delete_installation(enterprise_id=None, team_id="T1", user_id="U1")
    assert (
        await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U1") is None
    )
    assert await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U11")
    await store.async_delete_all(enterprise_id=None, team_id="T1")
    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is None
    assert await store.async_find_installation(enterprise_id=None, team_id="T1") is None


async def test_oauth_state_is_single_use(repo) -> None:  # type: ignore[no-untyped-def]
    states = SlackOAuthStateStore(repo)
    state = await states.async_issue()
    assert await states.async_consume(state) is True
    assert await states.async_consume(state) is False
    assert await states.async_consume("forged") is False
    expired = SlackOAuthStateStore(repo, expiration_seconds=-1)
    assert await expired.async_consume(await expired.async_issue()) is False
