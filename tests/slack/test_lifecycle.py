"""Slack events about the workspace and its channels pause subscriptions through the core."""

from __future__ import annotations

from tests.slack.conftest import CHANNEL, SlackHarness, track_quake


def paused(slack: SlackHarness) -> dict[str, str | None]:
    return {
        s.channel_id: s.pause_reason for s in slack.core.repo.subscriptions("slack") if s.paused
    }


async def test_archived_channel_pauses_its_subscriptions(slack: SlackHarness) -> None:
    await track_quake(slack, CHANNEL, "C2")
    assert await slack.event({"type": "channel_archive", "channel": CHANNEL, "user": "U1"}) == 200
    await slack.fake.wait_for(lambda: CHANNEL in paused(slack))
    assert paused(slack) == {CHANNEL: "Slack: the channel was archived"}
    status = await slack.command("/claimwatch", "status")
    assert "Paused: quake → C1" in status.text


async def test_deleted_private_channel_pauses(slack: SlackHarness) -> None:
    await track_quake(slack, "G1")
    assert await slack.event({"type": "group_deleted", "channel": "G1"}) == 200
    await slack.fake.wait_for(lambda: "G1" in paused(slack))
    assert paused(slack)["G1"] == "Slack: the channel was deleted"


async def test_bot_removed_from_channel_pauses_but_others_leaving_do_not(
    slack: SlackHarness,
) -> None:
    await track_quake(slack)
    others = {"type": "member_left_channel", "user": "USOMEONE", "channel": CHANNEL, "team": "T1"}
    assert await slack.event(others) == 200
    bot = {"type": "member_left_channel", "user": "UBOT", "channel": CHANNEL, "team": "T1"}
    assert await slack.event(bot) == 200
    await slack.fake.wait_for(lambda: CHANNEL in paused(slack))
    assert paused(slack) == {CHANNEL: "Slack: I was removed from the channel"}


async def test_uninstall_leaves_the_workspace(slack: SlackHarness) -> None:
    await track_quake(slack)
    assert await slack.event({"type": "app_uninstalled"}) == 200
    await slack.fake.wait_for(lambda: CHANNEL in paused(slack))
    assert "left" in (paused(slack)[CHANNEL] or "")


async def test_resubscribing_resumes(slack: SlackHarness) -> None:
    await track_quake(slack)
    await slack.event({"type": "channel_archive", "channel": CHANNEL, "user": "U1"})
    await slack.fake.wait_for(lambda: CHANNEL in paused(slack))
    await slack.command("/claimwatch", "subscribe quake")
    assert paused(slack) == {}
