"""Block Kit rendering limits and escaping; endpoint settings; the manifest's scopes."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.app import BOT_EVENTS, BOT_SCOPES, oauth_authorize_url
from adapters.slack.clients import api_url, make_client
from adapters.slack.render import (
    HEADER_MAX,
    MAX_BLOCKS,
    SECTION_MAX,
    mrkdwn,
    render_alert,
    render_digest,
    render_reply,
)
from bot.config import Settings
from bot.domain import Alert, Claim, ClaimEvent
from bot.messages import DigestMessage, Field, Reply

MANIFEST = Path(__file__).parents[2] / "deploy" / "slack-manifest.yml"


def alert(**kw: object) -> Alert:
    """An alert from flat fields, as the renderers read them."""
    values: dict = dict(
        alert_id=7,
        kind="new_source",
        platform="slack",
        workspace_id="T1",
        channel_id="C1",
        topic_name="Quake",
        topic_slug="quake",
        key="dead:count",
        key_label="dead — count",
        source="Ministry",
        value="35 dead",
        previous_value=None,
        evidence="Ministry says 35 dead.",
        outlet="Herald",
        url="https://herald.example/a",
        corroboration=0,
    )
    values.update(kw)
    claim = Claim(
        topic_id=1,
        article_id=1,
        revision=1,
        key=values.pop("key"),
        key_label=values.pop("key_label"),
        source=values.pop("source"),
        source_detail=values.pop("source_detail", None),
        value={},
        value_text=values.pop("value"),
        evidence=values.pop("evidence"),
        evidence_start=0,
        evidence_end=0,
        asserted_at=values.pop("asserted_at", datetime(2024, 1, 1, tzinfo=UTC)),
        background=False,
        outlet=values.pop("outlet"),
    )
    event = ClaimEvent(
        kind=values.pop("kind"),
        claim=claim,
        previous_value=values.pop("previous_value"),
        conflicts_with=values.pop("conflicts_with", ()),
        note=values.pop("note", None),
        topic_name=values.pop("topic_name"),
    )
    return Alert(event=event, **values)


def texts(blocks: list[dict]) -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                found.append(node["text"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(blocks)
    return found


def test_mrkdwn_escapes_every_entity_but_the_channels_linked_on_purpose() -> None:
    assert mrkdwn("**A&B** <b> <#C123> <@U1|bob> <!here> @channel", ("C123",)) == (
        "*A&amp;B* &lt;b&gt; <#C123> &lt;@U1|bob&gt; &lt;!here&gt; @\u200bchannel"
    )
    assert mrkdwn("<#C123> <#C9>") == "&lt;#C123&gt; &lt;#C9&gt;"


ENTITIES = st.sampled_from(
    [
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<!subteam^S1|devs>",
        "<@U123>",
        "<@W9|x>",
        "<#C999>",
        "<#C1|general>",
        "@here",
        "@Channel",
        "&lt;!channel&gt;",
        "<",
        ">",
        "&",
    ]
)
HOSTILE_TEXT = st.lists(st.one_of(ENTITIES, st.text(max_size=8)), max_size=8).map("".join)


def no_mention_but(text: str, channels: tuple[str, ...]) -> None:
    """No Slack special mention, user mention or unrequested channel link in ``text``."""
    assert "<!" not in text and "<@" not in text
    for m in re.finditer(r"<#([^>|]*)", text):
        assert m.group(1) in channels, text
    assert not re.search(r"@(here|channel|everyone)\b", text, re.IGNORECASE), text


@given(name=HOSTILE_TEXT, field=HOSTILE_TEXT)
def test_no_mention_reaches_slack_unless_the_core_linked_it(name: str, field: str) -> None:
    reply = Reply(
        text=f"<#C1> will now get **{name}** alerts.",
        fields=[Field(name, field)],
        table_headers=("Topic",),
        table_rows=[(name,)],
        channels=("C1",),
    )
    message = render_reply(reply)
    for text in [message.text, *texts(message.blocks)]:
        no_mention_but(text, ("C1",))
    assert "<#C1>" in message.text and "&lt;#C1&gt;" not in message.text
    for rendered in (render_alert(alert(source=name, evidence=field, topic_name=name)),):
        for text in [rendered.text, *texts(rendered.blocks)]:
            no_mention_but(text, ())


def test_conflicts_and_source_detail_are_shown() -> None:
    msg = render_alert(
        alert(conflicts_with=("Agency (40 dead)",), source_detail="spokesperson Ana Ruiz")
    )
    fields = msg.blocks[1]["fields"]
    assert fields[0]["text"] == "*Source*\nMinistry (spokesperson Ana Ruiz)"
    assert "_conflicts with Agency (40 dead)_" in fields[1]["text"]


def test_non_web_urls_are_not_linked() -> None:
    msg = render_alert(alert(url="submitted://slack/T1/abc", title=""))
    assert msg.blocks[3]["elements"][0]["text"] == "Herald · article"


def test_long_texts_are_clipped_to_block_kit_limits() -> None:
    msg = render_alert(alert(evidence="word " * 2000, key_label="k" * 400))
    assert len(msg.blocks[0]["text"]["text"]) <= HEADER_MAX
    assert len(msg.blocks[2]["text"]["text"]) <= SECTION_MAX


def test_a_big_reply_stays_under_fifty_blocks() -> None:
    reply = Reply(
        title="T" * 500,
        text="x",
        fields=[Field(f"f{i}", "v" * 5000) for i in range(80)],
        table_headers=("a", "b"),
        table_rows=[("<cell>", "z" * 100)] * 500,
    )
    msg = render_reply(reply)
    assert len(msg.blocks) <= MAX_BLOCKS
    assert all(len(t) <= SECTION_MAX for t in texts(msg.blocks))
    assert "…and" in msg.blocks[-1]["elements"][0]["text"]
    assert len(msg.text) <= 3000


def test_digest_of_many_alerts_fits() -> None:
    digest = DigestMessage(
        "slack", "T1", "C1", "Quake", "quake", [alert(alert_id=i) for i in range(40)]
    )
    msg = render_digest(digest)
    assert len(msg.blocks) <= MAX_BLOCKS
    assert "…and 28 more: /claims quake" in json.dumps(msg.blocks, ensure_ascii=False)


@given(st.text(max_size=400))
def test_any_evidence_renders_escaped(text: str) -> None:
    msg = render_alert(alert(evidence=text, source=text or "x", value=text or "1"))
    quote = msg.blocks[2]["text"]["text"]
    assert quote.startswith("> ")
    assert "<" not in quote and len(quote) <= SECTION_MAX
    json.dumps(msg.blocks)


def test_api_url_is_used_by_clients_and_oauth() -> None:
    s = Settings(slack_api_url="https://slack-gov.com/api", demo=False)
    assert api_url(s) == "https://slack-gov.com/api/"
    assert make_client(s, "xoxb-x").base_url == "https://slack-gov.com/api/"
    assert oauth_authorize_url(s) == "https://slack-gov.com/oauth/v2/authorize"
    default = Settings(demo=False)
    assert make_client(default).base_url == "https://slack.com/api/"
    assert oauth_authorize_url(default) == "https://slack.com/oauth/v2/authorize"


def _manifest_list(section: str) -> list[str]:
    text = MANIFEST.read_text()
    block = re.search(rf"^(\s*){section}:\n((?:\1\s+- .+\n)+)", text, re.MULTILINE)
    assert block, section
    return [line.strip()[2:] for line in block.group(2).splitlines()]


def test_manifest_matches_the_code() -> None:
    assert _manifest_list("bot") == list(BOT_SCOPES)
    assert _manifest_list("bot_events") == list(BOT_EVENTS)
    commands = re.findall(r"- command: (/\w+)", MANIFEST.read_text())
    assert commands == ["/claimwatch", "/claims", "/sources", "/timeline", "/submit"]
