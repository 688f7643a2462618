"""Command handlers through the fake adapter: what a user sees for each command."""

from __future__ import annotations

from adapters.fake import FakeBot
from tests.conftest import article

QUERY = "(quake* OR toll) AND NOT football"


def story(bot: FakeBot) -> None:
    assert not bot.exec(f"/claimwatch topic add quake {QUERY}").error
    bot.exec("/claimwatch subscribe quake")
    bot.ingest(article(1, "Quake news. Agency says 40 dead.", outlet="First"))
    bot.ingest(article(2, "Quake news. Red Cross says about 1,500 dead.", outlet="Second"))
    bot.ingest(article(3, "Quake again. Agency says 40 dead.", outlet="Third"))
    bot.ingest(article(4, "Quake toll. Agency says 72 dead.", outlet="Fourth"))
    bot.ingest(article(5, "Quake toll, late edition. Agency says 72 dead.", outlet="Fifth"))


def test_topic_add_and_list(bot: FakeBot) -> None:
    reply = bot.exec(f'/claimwatch topic add "Sarova quake" {QUERY}')
    assert not reply.error and "sarova-quake" in reply.text
    listing = bot.exec("/claimwatch topic list").as_text()
    assert "sarova-quake" in listing and "quake*" in listing


def test_non_admin_cannot_change_topics_and_nothing_changes(bot: FakeBot) -> None:
    reply = bot.exec(f"/claimwatch topic add quake {QUERY}", admin=False)
    assert reply.error and reply.ephemeral and "Only admins" in reply.text
    assert "No topics yet" in bot.exec("/claimwatch topic list").text
    assert bot.app.repo.audit_log("fake", "ws1") == []


def test_bad_query_is_refused_with_its_position(bot: FakeBot) -> None:
    reply = bot.exec("/claimwatch topic add quake (quake OR toll")
    assert reply.error and "position 15" in reply.text
    assert bot.app.repo.list_topics() == []


def test_unknown_topic_names_the_known_ones(bot: FakeBot) -> None:
    bot.exec(f"/claimwatch topic add quake {QUERY}")
    reply = bot.exec("/claims floods")
    assert reply.error and "no topic 'floods'" in reply.text and "quake" in reply.text


def test_claims_shows_latest_per_source_with_previous_and_repeats(bot: FakeBot) -> None:
    story(bot)
    text = bot.exec("/claims quake").as_text()
    assert "Agency: **72 dead** (was 40 dead)" in text
    assert "repeated by 1" in text
    assert "Red Cross: **about 1,500 dead**" in text
    assert "01 Mar 2025" in text


def test_claims_filters_by_key_and_since(bot: FakeBot) -> None:
    story(bot)
    assert "Agency" in bot.exec("/claims quake dead").as_text()
    assert bot.exec("/claims quake injured").error
    recent = bot.exec("/claims quake 2025-03-01T15:00").as_text()
    assert "Agency" in recent and "Red Cross" not in recent


def test_sources_lists_who_said_what(bot: FakeBot) -> None:
    story(bot)
    reply = bot.exec("/sources quake")
    rows = {row[0]: row for row in reply.table_rows}
    assert set(rows) == {"Agency", "Red Cross"}
    assert rows["Agency"][1] == "dead — count: 72 dead" and rows["Agency"][2] == "4"


def test_timeline_attaches_a_png(bot: FakeBot) -> None:
    story(bot)
    reply = bot.exec("/timeline quake")
    assert reply.attachment is not None
    assert reply.attachment.data.startswith(b"\x89PNG")
    assert "Agency" in reply.text and "Red Cross" in reply.text


def test_submit_text_runs_the_pipeline(bot: FakeBot) -> None:
    story(bot)
    reply = bot.exec("/submit The quake toll keeps rising. Agency says 90 dead in the north.")
    assert not reply.error and "1 alert(s)" in reply.text
    bot.deliver()
    assert bot.sent[-1].kind == "changed" and bot.sent[-1].value == "90 dead"


def test_submit_refuses_non_http_links(bot: FakeBot) -> None:
    assert "Only http" in bot.exec("/submit file:///etc/passwd").text


def test_submit_url_pointing_into_a_private_network_is_refused(bot: FakeBot) -> None:
    reply = bot.exec("/submit http://10.1.2.3/article")
    assert reply.error and "private" in reply.text.lower()


def test_subscribe_unsubscribe_and_modes(bot: FakeBot) -> None:
    bot.exec(f"/claimwatch topic add quake {QUERY}")
    assert "digest" in bot.exec("/claimwatch subscribe quake <#C42|alerts> digest").text
    subs = bot.app.repo.subscriptions(topic_id=bot.app.repo.list_topics()[0].id)
    assert [(s.channel_id, s.mode) for s in subs] == [("C42", "digest")]
    assert not bot.exec("/claimwatch unsubscribe quake C42").error
    assert bot.exec("/claimwatch unsubscribe quake C42").error


def test_alias_makes_new_articles_use_the_canonical_source(bot: FakeBot) -> None:
    bot.exec(f"/claimwatch topic add quake {QUERY}")
    assert not bot.exec('/claimwatch alias add "Disaster agency" Agency').error
    bot.ingest(article(1, "Quake: Agency says 40 dead."))
    assert "Disaster agency: **40 dead**" in bot.exec("/claims quake").as_text()


def test_feed_add_list_remove(bot: FakeBot) -> None:
    bot.exec(f"/claimwatch topic add quake {QUERY}")
    assert bot.exec("/claimwatch feed add ftp://x quake").error
    added = bot.exec("/claimwatch feed add https://news.example/rss?utm_source=x quake")
    assert not added.error and "https://news.example/rss" in added.text
    assert "https://news.example/rss" in bot.exec("/claimwatch feed list").as_text()
    assert "Feed #1" in bot.exec("/claimwatch status").as_text()
    assert not bot.exec("/claimwatch feed remove 1").error
    assert "No feeds" in bot.exec("/claimwatch feed list").text


def test_topic_edit_and_remove(bot: FakeBot) -> None:
    bot.exec(f"/claimwatch topic add quake {QUERY}")
    assert "tremor" in bot.exec("/claimwatch topic edit quake query tremor OR quake").as_text()
    assert bot.exec("/claimwatch topic edit quake query (tremor").error
    assert "sarova" in bot.exec("/claimwatch topic edit quake name Sarova").text.lower()
    assert not bot.exec("/claimwatch topic remove sarova").error
    assert bot.app.repo.list_topics() == []
    actions = [e.action for e in bot.app.repo.audit_log("fake", "ws1")]
    assert actions == ["topic.remove", "topic.edit", "topic.edit", "topic.add"]


def test_help_and_unknown_commands(bot: FakeBot) -> None:
    assert "/claims TOPIC" in bot.exec("/claimwatch help").text
    assert bot.exec("/nonsense").error
    assert bot.exec("claims quake").error


def test_claims_and_sources_come_in_pages_with_the_next_page_offered(bot: FakeBot) -> None:
    assert not bot.exec(f"/claimwatch topic add quake {QUERY}").error
    units = [f"unit{chr(97 + i)}" for i in range(23)]
    text = "Quake news. " + " ".join(f"Agency{u} says {i + 1} {u}." for i, u in enumerate(units))
    bot.ingest(article(1, text))
    first = bot.exec("/claims quake")
    assert len(first.fields) == 20 and "Page 1 of 2 (23 keys)" in first.text
    assert first.more == "/claims quake --page 2"
    second = bot.exec(first.more)
    assert len(second.fields) == 3 and second.more is None
    assert {f.name for f in first.fields}.isdisjoint(f.name for f in second.fields)
    assert bot.exec("/claims quake --page 3").error
    sources = bot.exec("/sources quake")
    assert len(sources.table_rows) == 20 and sources.more == "/sources quake --page 2"
    assert len(bot.exec("/sources quake --page=2").table_rows) == 3
    assert "More: /sources quake --page 2" in sources.as_text()


def test_status_counts_alerts_by_status_as_they_change(bot: FakeBot) -> None:
    story(bot)
    assert "Alerts: 3 pending." in bot.exec("/claimwatch status").text
    first, *_ = bot.app.repo.alerts()
    bot.app.repo.mark_alert_sent(first.id, "m1")
    assert "Alerts: 2 pending, 1 sent." in bot.exec("/claimwatch status").text
    bot.exec("/claimwatch topic remove quake")
    assert "Alerts: none yet." in bot.exec("/claimwatch status").text
