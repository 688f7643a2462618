"""The pipeline end to end with the fake adapter: events, alerts, revisions, the outbox."""

from __future__ import annotations

from adapters.fake import FakeBot
from bot.messages import DeliveryError
from tests.conftest import article

QUERY = "quake* OR toll"


def setup_topic(bot: FakeBot) -> None:
    assert not bot.exec(f"/claimwatch topic add quake {QUERY}").error
    assert not bot.exec("/claimwatch subscribe quake").error


def test_story_yields_new_source_changed_and_silent_repeats(bot: FakeBot) -> None:
    setup_topic(bot)
    bot.ingest(article(1, "The quake hit at dawn. Agency says 40 dead."))
    bot.ingest(article(2, "Quake update. Red Cross says 55 dead.", outlet="Second"))
    bot.ingest(article(3, "Quake: Agency says 40 dead.", outlet="Third"))
    bot.ingest(article(4, "The quake toll rose. Agency says 72 dead.", outlet="Fourth"))
    bot.deliver()
    kinds = [(a.kind, a.source, a.value, a.previous_value) for a in bot.sent]
    assert kinds == [
        ("new_claim", "Agency", "40 dead", None),
        ("new_source", "Red Cross", "55 dead", None),
        ("changed", "Agency", "72 dead", "40 dead"),
    ]
    assert bot.sent[1].conflicts_with == ("Agency",)
    assert bot.sent[0].evidence == "Agency says 40 dead."


def test_article_matching_no_topic_raises_no_alert(bot: FakeBot) -> None:
    setup_topic(bot)
    outcome = bot.ingest(article(1, "Football: Agency says 40 goals."))
    bot.deliver()
    assert outcome.events == [] and bot.sent == []


def test_syndicated_copy_where_only_the_figure_changed_is_a_change(bot: FakeBot) -> None:
    setup_topic(bot)
    text = "The quake flattened the old town overnight. Agency says 3,000 dead. Rescuers dig on."
    bot.ingest(article(1, text, outlet="Wire"))
    bot.ingest(article(2, text.replace("3,000", "at least 8,000"), outlet="Copy"))
    bot.deliver()
    assert [(a.kind, a.value, a.previous_value) for a in bot.sent] == [
        ("new_claim", "3,000 dead", None),
        ("changed", "at least 8,000 dead", "3,000 dead"),
    ]


def test_revised_article_is_diffed_claim_by_claim(bot: FakeBot) -> None:
    setup_topic(bot)
    url = "https://daily.example/quake"
    first = "Quake live. Agency says 40 dead. Red Cross says 50 dead."
    bot.ingest(article(1, first, url=url, outlet="Daily"))
    outcome = bot.ingest(article(2, first.replace("40", "45"), url=url, outlet="Daily"))
    assert outcome.stored.status == "revision"
    assert [(e.kind, e.source, e.note) for e in outcome.events] == [
        ("changed", "Agency", "edited in place by Daily")
    ]


def test_dispatcher_run_twice_sends_each_alert_once(bot: FakeBot) -> None:
    setup_topic(bot)
    bot.ingest(article(1, "Quake: Agency says 40 dead."))
    first = bot.deliver()
    second = bot.deliver()
    assert (first.sent, second.sent) == (1, 0)
    assert len(bot.sent) == 1
    assert [a.status for a in bot.app.repo.alerts()] == ["sent"]


def test_failed_send_is_retried_not_lost(bot: FakeBot) -> None:
    setup_topic(bot)
    bot.adapter.fail_with = lambda alert: DeliveryError("boom")
    bot.ingest(article(1, "Quake: Agency says 40 dead."))
    report = bot.deliver()
    assert report.failed == 1 and bot.sent == []
    row = bot.app.repo.alerts()[0]
    assert row.status == "pending" and row.attempts == 1 and row.last_error == "boom"


def test_a_channel_that_is_gone_pauses_its_subscription(bot: FakeBot) -> None:
    setup_topic(bot)
    bot.adapter.fail_with = lambda alert: DeliveryError("Unknown Channel", pause=True)
    bot.ingest(article(1, "Quake: Agency says 40 dead."))
    assert bot.deliver().paused == 1
    status = bot.exec("/claimwatch status").as_text()
    assert "Paused: quake → general" in status and "Unknown Channel" in status
    bot.adapter.fail_with = None
    assert bot.exec("/claimwatch subscribe quake").error is False
    bot.deliver()
    assert [a.value for a in bot.sent] == ["40 dead"]


def test_digest_subscription_gets_one_message(bot: FakeBot) -> None:
    assert not bot.exec(f"/claimwatch topic add quake {QUERY}").error
    assert not bot.exec("/claimwatch subscribe quake #digests digest").error
    bot.ingest(article(1, "Quake: Agency says 40 dead."))
    bot.ingest(article(2, "Quake: Red Cross says 55 dead."))
    bot.deliver()
    assert bot.sent == [] and bot.adapter.digests == []
    from datetime import UTC, datetime, timedelta

    later = datetime.now(UTC) + timedelta(hours=2)
    bot.loop.run_until_complete(bot.app.dispatcher.run_once(now=later))
    assert len(bot.adapter.digests) == 1
    digest = bot.adapter.digests[0]
    assert digest.channel_id == "digests" and [a.value for a in digest.alerts] == [
        "40 dead",
        "55 dead",
    ]


def test_a_specific_figure_under_another_wording_is_a_repeat(bot: FakeBot) -> None:
    assert not bot.exec("/claimwatch topic add strike strike").error
    assert not bot.exec("/claimwatch subscribe strike").error
    bot.ingest(article(1, "Strike day one. Union says 33,000 workers."))
    second = bot.ingest(article(2, "Strike day two. Company says 33,000 machinists.", outlet="B"))
    third = bot.ingest(article(3, "Strike day three. Company says 1,000 machinists.", outlet="C"))
    bot.deliver()
    [repeat] = second.events
    assert (repeat.kind, repeat.key, repeat.value) == ("repeat", "workers:count", "33,000 workers")
    # a round figure is no proof of the same thing: it keeps its own wording
    [other] = third.events
    assert (other.kind, other.key) == ("new_claim", "machinists:count")
    assert [a.value for a in bot.sent] == ["33,000 workers", "1,000 machinists"]
