"""Slack commands end to end: signed HTTP to the running Bolt app, replies at response URLs."""

from __future__ import annotations

import time

from adapters.slack.commands import command_text
from bot.commands import NOT_ADMIN
from tests.slack.conftest import (
    ADMIN,
    CHANNEL,
    ENV_ADMIN,
    MEMBER,
    OWNER,
    QUAKE_QUERY,
    TEAM,
    SlackHarness,
    track_quake,
)

ARTICLE = (
    "Quake update from the coast\n"
    "Agency says 40 dead. Rescue teams searched the rubble through the night in the old town."
)


def topics(slack: SlackHarness) -> list[str]:
    return [t.slug for t in slack.core.repo.list_topics("slack", TEAM)]


async def test_every_command_replies(slack: SlackHarness) -> None:
    fake = slack.fake

    a = await slack.command("/claimwatch", "help")
    assert a.ephemeral and "/claimwatch topic add NAME QUERY" in a.text
    assert a.reply["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Claimwatch commands", "emoji": True},
    }

    a = await slack.command("/claimwatch", f"topic add quake {QUAKE_QUERY}")
    assert "Tracking *quake* (`quake`)" in a.text and QUAKE_QUERY in a.text
    assert topics(slack) == ["quake"]

    a = await slack.command("/claimwatch", "topic list")
    assert "quake" in a.text and "```" in a.text and QUAKE_QUERY in a.text

    a = await slack.command("/claimwatch", "topic edit quake query dead OR killed")
    assert "Topic updated" in a.text and "dead OR killed" in a.text
    a = await slack.command("/claimwatch", f"topic edit quake query {QUAKE_QUERY}")

    a = await slack.command("/claimwatch", "subscribe quake")
    assert a.reply["response_type"] == "in_channel"
    assert "<#C1> will now get *quake* alerts, instant." in a.text

    a = await slack.command("/claimwatch", "subscribe quake <#C2|alerts> digest")
    assert not a.ephemeral and "<#C2> will now get *quake* alerts, digest" in a.text
    assert [c.body["channel"] for c in fake.of("conversations.join")] == ["C2"]

    a = await slack.command("/claimwatch", 'alias add Agency "Geo Agency"')
    assert "'Geo Agency' now reads as *Agency* on every topic here" in a.text

    a = await slack.command("/claimwatch", "feed add <https://feeds.example/quake.xml> quake")
    assert "Added feed #1 https://feeds.example/quake.xml for *quake*" in a.text

    a = await slack.command("/claimwatch", "feed list")
    assert "https://feeds.example/quake.xml" in a.text and "Feeds" in a.text

    a = await slack.command("/claimwatch", "feed remove 1")
    assert "Removed feed 1." in a.text

    a = await slack.command("/submit", ARTICLE)
    assert a.ack and "Reading it" in a.ack
    assert a.ephemeral and "Stored as a new article" in a.text and "1 alert(s)" in a.text

    a = await slack.command("/claims", "quake")
    assert "Claims · quake" in a.text and "Agency: *40 dead*" in a.text

    a = await slack.command("/sources", "quake")
    assert "Sources · quake" in a.text and "Agency" in a.text and "```" in a.text

    a = await slack.command("/timeline", "quake", wait=False)
    assert a.status == 200 and "Drawing the chart" in a.ack
    await fake.wait_for(lambda: fake.of("files.completeUploadExternal"))
    done = fake.of("files.completeUploadExternal")[0]
    assert done.body["channel_id"] == CHANNEL
    assert "Timeline" in done.body["initial_comment"]
    assert fake.uploads["F1"].startswith(b"\x89PNG")

    a = await slack.command("/claimwatch", "status")
    assert a.ephemeral and "Claimwatch status" in a.text
    assert "2 subscription(s), 0 paused" in a.text

    a = await slack.command("/claimwatch", "unsubscribe quake <#C2|alerts>")
    assert not a.ephemeral and "<#C2> no longer gets *quake* alerts." in a.text

    a = await slack.command("/claimwatch", "topic remove quake")
    assert "Stopped tracking *quake*" in a.text and topics(slack) == []


async def test_acks_within_three_seconds_then_answers(slack: SlackHarness) -> None:
    await track_quake(slack)
    for command, text in [("/claims", "quake"), ("/sources", "quake"), ("/claimwatch", "")]:
        a = await slack.command(command, text)
        assert a.status == 200 and a.elapsed < 3.0 and a.reply is not None


async def test_non_admin_is_refused(slack: SlackHarness) -> None:
    for text in ("topic add quake dead", "feed add https://x.example/f", "subscribe quake"):
        a = await slack.command("/claimwatch", text, user=MEMBER)
        assert a.ephemeral and NOT_ADMIN.split(" (")[0] in a.text, a.text
        assert a.reply["blocks"][0]["text"]["text"].startswith(":warning:")
    assert topics(slack) == []
    a = await slack.command("/claimwatch", "topic list", user=MEMBER)
    assert "No topics yet" in a.text


async def test_owners_and_configured_admins_may_administer(slack: SlackHarness) -> None:
    a = await slack.command("/claimwatch", "topic add one dead", user=OWNER)
    assert "Tracking" in a.text
    a = await slack.command("/claimwatch", "topic add two dead", user=ENV_ADMIN)
    assert "Tracking" in a.text
    looked_up = [c.body["user"] for c in slack.fake.of("users.info")]
    assert ENV_ADMIN not in looked_up and looked_up.count(OWNER) == 1


async def test_admin_lookup_is_cached(slack: SlackHarness) -> None:
    await slack.command("/claimwatch", "status")
    await slack.command("/claimwatch", "topic list")
    assert [c.body["user"] for c in slack.fake.of("users.info")] == [ADMIN]


async def test_bad_signature_is_401_and_nothing_happens(slack: SlackHarness) -> None:
    a = await slack.command("/claimwatch", "topic add quake dead", secret="wrong-secret")
    assert a.status == 401 and a.reply is None
    assert topics(slack) == []
    assert slack.fake.responses == {} and not slack.fake.of("users.info")


async def test_stale_timestamp_is_401(slack: SlackHarness) -> None:
    a = await slack.command("/claimwatch", "topic add quake dead", ts=int(time.time()) - 600)
    assert a.status == 401 and topics(slack) == []


async def test_unsigned_request_is_401(slack: SlackHarness) -> None:
    status, _, _ = await slack.post(
        "command=/claims&text=quake",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 401 and slack.fake.responses == {}


async def test_user_errors_come_back_as_ephemeral_warnings(slack: SlackHarness) -> None:
    a = await slack.command("/claims", "nowhere")
    assert a.ephemeral and "There is no topic 'nowhere'" in a.text and ":warning:" in a.text
    a = await slack.command("/claimwatch", "frobnicate")
    assert "Unknown subcommand 'frobnicate'" in a.text
    a = await slack.command("/claimwatch", "topic add quake (dead")
    assert "does not parse" in a.text and topics(slack) == []


async def test_subscribe_warns_when_the_bot_cannot_see_the_channel(slack: SlackHarness) -> None:
    slack.fake.channel_errors["CPRIV"] = "channel_not_found"
    await slack.command("/claimwatch", "topic add quake dead")
    a = await slack.command("/claimwatch", "subscribe quake <#CPRIV|secret>")
    assert "I cannot see <#CPRIV> (channel_not_found)" in a.text


async def test_timeline_where_the_bot_is_not_explains(slack: SlackHarness) -> None:
    await track_quake(slack)
    await slack.command("/submit", ARTICLE)
    slack.fake.channel_errors["COUT"] = "not_in_channel"
    a = await slack.command("/timeline", "quake", channel="COUT")
    assert a.ephemeral and "could not post the chart here (not_in_channel)" in a.text
    assert "Timeline" in a.text


def test_command_text_undoes_slack_escaping() -> None:
    assert command_text("feed add <https://a.example/f?x=1&amp;y=2|a.example/f>") == (
        "feed add https://a.example/f?x=1&y=2"
    )
    assert command_text("topic add q “north korea” &amp; troops") == (
        'topic add q "north korea" & troops'
    )
    assert command_text("subscribe q <#C9|alerts>") == "subscribe q <#C9|alerts>"
