"""A paged reply offers its next page: a 'More' button on Discord and Slack."""

from __future__ import annotations

from adapters.discord.render import MoreButton
from adapters.discord.render import render_reply as discord_reply
from adapters.slack.render import ACTION_MORE
from adapters.slack.render import render_reply as slack_reply
from bot.messages import Field, Reply

PAGED = Reply(
    title="Claims · Quake",
    text="Latest claim per key and source. Page 1 of 2 (23 keys).",
    fields=[Field("dead — count", "• Agency: **40 dead**")],
    more="/claims quake --page 2",
)


def test_discord_offers_a_more_button_carrying_the_next_page() -> None:
    out = discord_reply(PAGED)
    assert out.view is not None
    [button] = out.view.children
    assert isinstance(button, MoreButton) and button.line == "/claims quake --page 2"
    assert button.item.custom_id == "cw:more:/claims quake --page 2"
    assert out.send_kwargs()["view"] is out.view


def test_discord_names_the_command_when_it_is_too_long_for_a_button() -> None:
    long = Reply(text="x", title="Claims", more="/claims quake " + "k" * 120 + " --page 2")
    out = discord_reply(long)
    assert out.view is None and "More: /claims quake" in (out.embeds[0].footer.text or "")


def test_slack_offers_a_more_button_carrying_the_next_page() -> None:
    blocks = slack_reply(PAGED).blocks
    [button] = blocks[-1]["elements"]
    assert button["action_id"] == ACTION_MORE and button["value"] == "/claims quake --page 2"


def test_a_reply_without_more_pages_has_no_button() -> None:
    assert discord_reply(Reply(text="x", title="t")).view is None
    assert all(b["type"] != "actions" for b in slack_reply(Reply(text="x", title="t")).blocks)
