"""Alerts, digests and notices through the real dispatcher and sender to the fake Web API."""

from __future__ import annotations

import asyncio
import json

from adapters.slack import build_slack
from adapters.slack.render import ACTION_MORE, ACTION_SOURCES, ACTION_TIMELINE
from bot.app import build_app
from tests.conftest import PatternExtractor, article
from tests.slack.conftest import BOT_TOKEN, CHANNEL, TEAM, SlackHarness, track_quake


def posts(slack: SlackHarness, channel: str | None = None) -> list[dict]:
    return [
        c.body
        for c in slack.fake.of("chat.postMessage")
        if channel is None or c.body.get("channel") == channel
    ]


async def test_alert_blocks_arrive_exactly_once_also_across_a_restart(slack: SlackHarness) -> None:
    await track_quake(slack)
    core = slack.core
    await core.pipeline.ingest(
        article(1, "Agency says 40 dead.", outlet="Wire", title="Quake toll rises")
    )
    report = await core.dispatcher.run_once()
    assert report.sent == 1
    assert (await core.dispatcher.run_once()).sent == 0
    [first] = posts(slack)
    assert first["channel"] == CHANNEL
    assert [c.token for c in slack.fake.of("chat.postMessage")] == [BOT_TOKEN]
    assert first["blocks"][0]["text"]["text"] == "New claim · dead — count"

    # A changed figure arrives while the bot is down; a new process delivers it once.
    await core.pipeline.ingest(
        article(2, "Agency says 55 dead.", outlet="Courier", title="Death toll <55> & rising")
    )
    await slack.adapter.stop()
    again = build_app(core.settings, extractor=PatternExtractor())
    try:
        adapter = build_slack(again)
        again.dispatcher.add_sender(adapter)
        assert (await again.dispatcher.run_once()).sent == 1
        assert (await again.dispatcher.run_once()).sent == 0
    finally:
        again.repo.dispose()
    assert len(posts(slack)) == 2
    second = posts(slack)[1]
    alert_id = core.repo.alerts("sent")[-1].id
    assert second["text"] == "Changed · dead — count: Agency — 40 dead → 55 dead"
    assert second["blocks"] == [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": "Changed · dead — count", "emoji": True},
        },
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": "*Source*\nAgency", "verbatim": True},
                {"type": "mrkdwn", "text": "*Value*\n~40 dead~ → *55 dead*", "verbatim": True},
            ],
        },
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "> Agency says 55 dead.", "verbatim": True},
        },
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "Courier · <https://news2.example/story-2|Death toll &lt;55&gt; "
                    "&amp; rising>",
                    "verbatim": True,
                },
                {"type": "mrkdwn", "text": "Topic: *quake*", "verbatim": True},
                {"type": "mrkdwn", "text": "not corroborated yet", "verbatim": True},
            ],
        },
        {
            "type": "actions",
            "block_id": f"claimwatch-{alert_id}",
            "elements": [
                {
                    "type": "button",
                    "action_id": ACTION_SOURCES,
                    "text": {"type": "plain_text", "text": "Sources", "emoji": True},
                    "value": '{"t":"quake"}',
                },
                {
                    "type": "button",
                    "action_id": ACTION_TIMELINE,
                    "text": {"type": "plain_text", "text": "Timeline", "emoji": True},
                    "value": '{"t":"quake","k":"dead:count"}',
                },
            ],
        },
    ]
    assert core.repo.alert(alert_id).platform_message_id  # the ts Slack returned


async def test_corroboration_is_counted_in_the_context(slack: SlackHarness) -> None:
    await track_quake(slack)
    core = slack.core
    await core.pipeline.ingest(article(1, "Agency says 40 dead.", outlet="Wire"))
    await core.pipeline.ingest(article(2, "Agency says 40 dead. More later.", outlet="Courier"))
    await core.dispatcher.run_once()
    [alert] = posts(slack)
    assert alert["blocks"][3]["elements"][2]["text"] == "corroborated by 1 other article"


async def test_a_rate_limit_pauses_its_channel_and_no_other(slack: SlackHarness) -> None:
    await track_quake(slack, "C1", "C2")
    slack.fake.script(
        "chat.postMessage",
        429,
        {"ok": False, "error": "ratelimited"},
        {"Retry-After": "1"},
        channel="C1",
    )
    await slack.core.pipeline.ingest(article(1, "Agency says 40 dead."))
    report = await slack.core.dispatcher.run_once()
    assert (report.sent, report.deferred) == (1, 1)  # C2 got its alert; C1 waits
    again = await slack.core.dispatcher.run_once()
    assert again.sent == 0  # nothing goes to C1 during the pause
    await asyncio.sleep(1.1)
    later = await slack.core.dispatcher.run_once()
    assert later.sent == 1
    to_c1 = [c for c in slack.fake.of("chat.postMessage") if c.body["channel"] == "C1"]
    assert len(to_c1) == 2 and to_c1[1].at - to_c1[0].at >= 1.0
    assert len(slack.core.repo.alerts("sent")) == 2


async def test_limits_on_two_channels_pause_the_workspace(slack: SlackHarness) -> None:
    """Slack's 429 does not say whether the channel or the workspace is limited: a second
    channel limited during the first pause means the workspace."""
    await track_quake(slack, "C1", "C2", "C3")
    for channel in ("C1", "C2"):
        slack.fake.script(
            "chat.postMessage",
            429,
            {"ok": False, "error": "ratelimited"},
            {"Retry-After": "60"},
            channel=channel,
        )
    sender = slack.adapter.sender
    await slack.core.pipeline.ingest(article(1, "Agency says 40 dead."))
    await slack.core.dispatcher.run_once()
    paused = slack.core.dispatcher.limits.paused()
    assert 55 < paused[("slack", "T1")] <= 60
    assert sender.limited.scope("T1", "C3", 1) == ("slack", "T1")


async def test_a_long_rate_limit_defers_the_alert(slack: SlackHarness) -> None:
    await track_quake(slack)
    slack.fake.script(
        "chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "120"}
    )
    await slack.core.pipeline.ingest(article(1, "Agency says 40 dead."))
    report = await slack.core.dispatcher.run_once()
    assert report.deferred == 1 and report.sent == 0
    assert len(slack.fake.of("chat.postMessage")) == 1
    [pending] = slack.core.repo.alerts("pending")
    assert pending.attempts == 0


async def test_channel_not_found_pauses_the_subscription(slack: SlackHarness) -> None:
    await track_quake(slack, "CGONE")
    slack.fake.channel_errors["CGONE"] = "channel_not_found"
    await slack.core.pipeline.ingest(article(1, "Agency says 40 dead."))
    report = await slack.core.dispatcher.run_once()
    assert report.paused == 1 and report.sent == 0
    await slack.core.pipeline.ingest(article(2, "Agency says 50 dead."))
    await slack.core.dispatcher.run_once()
    assert len(slack.fake.of("chat.postMessage")) == 1
    status = await slack.command("/claimwatch", "status")
    assert "1 paused" in status.text
    assert "Paused: quake → CGONE" in status.text and "channel not found" in status.text


async def test_archived_and_not_in_channel_pause_too(slack: SlackHarness) -> None:
    await track_quake(slack, "CARCH", "COUT")
    slack.fake.channel_errors.update(CARCH="is_archived", COUT="not_in_channel")
    await slack.core.pipeline.ingest(article(1, "Agency says 40 dead."))
    assert (await slack.core.dispatcher.run_once()).paused == 2
    reasons = {s.channel_id: s.pause_reason for s in slack.core.repo.subscriptions("slack")}
    assert "archived" in reasons["CARCH"] and "not in this channel" in reasons["COUT"]


async def test_other_errors_are_retried_not_paused(slack: SlackHarness) -> None:
    await track_quake(slack)
    slack.fake.script("chat.postMessage", 200, {"ok": False, "error": "internal_error"})
    await slack.core.pipeline.ingest(article(1, "Agency says 40 dead."))
    report = await slack.core.dispatcher.run_once()
    assert report.failed == 1 and report.paused == 0
    [pending] = slack.core.repo.alerts("pending")
    assert pending.attempts == 1


async def test_refused_blocks_fall_back_to_text(slack: SlackHarness) -> None:
    await track_quake(slack)
    slack.fake.script("chat.postMessage", 200, {"ok": False, "error": "invalid_blocks"})
    await slack.core.pipeline.ingest(article(1, "Agency says 40 dead."))
    assert (await slack.core.dispatcher.run_once()).sent == 1
    last = posts(slack)[-1]
    assert "blocks" not in last and last["text"].startswith("New claim · dead — count")


async def test_digest_is_one_message_per_period(slack: SlackHarness) -> None:
    await track_quake(slack, mode="digest")
    core = slack.core
    await core.pipeline.ingest(article(1, "Agency says 40 dead."))
    await core.pipeline.ingest(article(2, "Ministry says 35 dead."))
    assert (await core.dispatcher.run_once()).digests == 0  # the period is not over
    [sub] = core.repo.subscriptions("slack", TEAM)
    later = sub.next_digest_at
    from datetime import UTC, timedelta

    if later.tzinfo is None:
        later = later.replace(tzinfo=UTC)
    report = await core.dispatcher.run_once(later + timedelta(seconds=1))
    assert report.digests == 1
    [digest] = posts(slack)
    assert digest["blocks"][0]["text"]["text"] == "Digest · quake · 2 alerts"
    bodies = json.dumps(digest["blocks"])
    assert "Agency" in bodies and "Ministry" in bodies
    assert digest["blocks"][-1]["type"] == "actions"


async def test_notices_are_posted(slack: SlackHarness) -> None:
    await track_quake(slack)
    slack.core.repo.add_notice("slack", TEAM, CHANNEL, "Feed #3 disabled after 8 failures <x>")
    assert (await slack.core.dispatcher.run_once()).notices == 1
    assert (
        posts(slack)[-1]["text"]
        == ":information_source: Feed #3 disabled after 8 failures &lt;x&gt;"
    )


async def test_buttons_answer_sources_and_post_the_timeline_in_thread(
    slack: SlackHarness,
) -> None:
    await track_quake(slack)
    await slack.core.pipeline.ingest(article(1, "Agency says 40 dead."))
    await slack.core.pipeline.ingest(article(2, "Agency says 55 dead."))
    await slack.core.dispatcher.run_once()
    buttons = posts(slack)[-1]["blocks"][-1]["elements"]

    a = await slack.click(buttons[0]["action_id"], buttons[0]["value"])
    assert a.status == 200 and a.elapsed < 3.0
    assert a.ephemeral and a.reply["replace_original"] is False
    assert "Sources · quake" in a.text and "Agency" in a.text

    a = await slack.click(buttons[1]["action_id"], buttons[1]["value"], wait=False)
    fake = slack.fake
    await fake.wait_for(lambda: fake.of("files.completeUploadExternal"))
    done = fake.of("files.completeUploadExternal")[0]
    assert done.body["channel_id"] == CHANNEL and done.body["thread_ts"] == "1700000001.000100"
    assert "dead — count" in done.body["initial_comment"]


async def test_a_button_for_a_removed_topic_explains(slack: SlackHarness) -> None:
    a = await slack.click(ACTION_SOURCES, '{"t":"gone"}')
    assert a.ephemeral and "There is no topic 'gone'" in a.text


async def test_a_paged_reply_has_a_more_button_that_answers_the_next_page(
    slack: SlackHarness,
) -> None:
    await track_quake(slack)
    units = [f"unit{chr(97 + i)}" for i in range(23)]
    await slack.core.pipeline.ingest(
        article(1, "Many dead. " + " ".join(f"Agency{u} says 7 {u}." for u in units))
    )
    first = await slack.command("/claims", "quake")
    [more] = first.reply["blocks"][-1]["elements"]
    assert more["action_id"] == ACTION_MORE and more["value"] == "/claims quake --page 2"
    second = await slack.click(more["action_id"], more["value"])
    assert second.ephemeral and "Page 2 of 2" in second.text and "unitw" in second.text
