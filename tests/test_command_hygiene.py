"""Hostile command text: control characters refused by name, feed addresses checked at add
time as a fetch would, credentials never echoed, pasted text cleaned."""

from __future__ import annotations

import pytest

from adapters.fake import FakeBot
from bot.messages import CommandRequest

QUERY = "(quake* OR toll) AND NOT football"


@pytest.mark.parametrize(
    "line",
    [
        "/claimwatch topic add \x1b[31mquake quake",
        '/claimwatch topic add "qu\u202eake" quake',
        "/claimwatch topic add quake quake\x00",
        '/claimwatch alias add "Agency\u2066" Agency',
        "/claims qu\u200bake",
    ],
)
def test_control_characters_in_a_command_are_refused_and_nothing_changes(
    bot: FakeBot, line: str
) -> None:
    reply = bot.exec(line)
    assert reply.error and reply.ephemeral
    assert "cannot contain control or invisible formatting characters" in reply.text
    assert "U+" in reply.text
    assert not any(ch in reply.text for ch in "\x1b\x00\u202e\u2066\u200b")
    assert bot.app.repo.list_topics() == []


async def test_structured_options_are_checked_too(bot: FakeBot) -> None:
    """Discord passes options straight to the handlers: ``Commands.run`` checks each."""
    commands = bot.app.commands
    req = CommandRequest("fake", "ws1", "general", "tester", is_admin=True)
    reply = await commands.run(commands.topic_add, req, "quake\u202e", QUERY)
    assert reply.error and "U+202E RIGHT-TO-LEFT OVERRIDE" in reply.text
    reply = await commands.run(commands.topic_add, req, "quake", QUERY)
    assert not reply.error


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.2/rss", "loopback"),
        ("http://[::1]:8080/rss", "loopback"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("http://10.1.2.3/feed.xml", "private"),
        ("http://[::ffff:192.168.0.1]/rss", "private"),
    ],
)
def test_feed_add_refuses_private_addresses_at_once(bot: FakeBot, url: str, why: str) -> None:
    bot.exec(f"/claimwatch topic add quake {QUERY}")
    reply = bot.exec(f"/claimwatch feed add {url} quake")
    assert reply.error and why in reply.text and "private network" in reply.text
    assert bot.app.repo.feeds() == []


def test_feed_add_follows_the_allow_list(bot: FakeBot) -> None:
    """The test settings allow 127.0.0.1 (CLAIMWATCH_FETCH_ALLOW_HOSTS), as fetching does."""
    reply = bot.exec("/claimwatch feed add http://127.0.0.1:9/rss")
    assert not reply.error, reply.text


def test_feed_add_refuses_credentials_without_echoing_them(bot: FakeBot) -> None:
    reply = bot.exec("/claimwatch feed add https://alice:s3cret-pass@feeds.example/rss")
    assert reply.error and "user name or password" in reply.text
    assert "s3cret-pass" not in reply.text and "alice" not in reply.text
    assert bot.app.repo.feeds() == []


def test_submit_refuses_other_schemes_and_never_echoes_a_password(bot: FakeBot) -> None:
    assert "Only http:// and https://" in bot.exec("/submit javascript://alert(1)").text
    reply = bot.exec("/submit https://bob:hunter2-pass@127.0.0.1:9/story")
    assert reply.error and "hunter2-pass" not in reply.text


def test_submitted_text_is_cleaned_of_control_characters(bot: FakeBot) -> None:
    bot.exec(f"/claimwatch topic add quake {QUERY}")
    text = "Quake \x1b[31mtoll\x1b[0m\u202e rises.\nThe quake killed many, the agency said today."
    reply = bot.exec(f"/submit {text}")
    assert not reply.error, reply.text
    stored = bot.app.repo.get_article(1)
    assert stored is not None and "\x1b" not in stored.text and "\u202e" not in stored.text
    assert "toll rises" in stored.title


def test_submitted_text_over_the_article_limit_is_refused(bot: FakeBot) -> None:
    limit = bot.app.settings.article_max_chars
    reply = bot.exec("/submit Title\n" + "word " * (limit // 5 + 10))
    assert reply.error and "CLAIMWATCH_ARTICLE_MAX_CHARS" in reply.text
    assert bot.app.repo.count_articles() == 0
