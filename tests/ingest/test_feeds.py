"""FeedPoller against a local server: changes, 304s, hashes, backoff, disabling, fallbacks."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.ingest.feeds import (
    CHANGED,
    DISABLED,
    FAILED,
    NOT_MODIFIED,
    UNCHANGED,
    FeedPoller,
    backoff_delay,
    first_poll_time,
    next_poll_time,
)
from bot.ingest.fetch import SafeFetcher
from storage.repository import Repository

from .localsite import T0, LocalSite, Recorder, article_html, atom, make_settings, rdf, rss, story

STEP = timedelta(minutes=20)  # past any feed's next slot (at most 1.9 intervals away)


def add_feed(repo: Repository, url: str, *, topic_id: int | None = None, interval_s: int = 600):
    feed, _ = repo.add_feed("console", "ws", url, topic_id, interval_s, first_poll_at=T0)
    return feed


def serve_items(site: LocalSite, numbers: list[int], kind=rss, figure: str = "3,000") -> None:
    items = []
    for n in numbers:
        site.set(f"/a/{n}", article_html(f"Story {n}", story(n, figure)))
        items.append((site.url(f"/a/{n}"), f"Story {n}", f"Summary of story {n} with words."))
    content_type = {rss: "application/rss+xml", atom: "application/atom+xml"}.get(
        kind, "application/xml"
    )
    site.set("/feed.xml", kind(items), content_type=content_type)


@pytest.mark.parametrize("kind", [rss, atom, rdf])
async def test_feed_changes_between_polls_and_304_is_honoured(
    local_site: LocalSite, fetcher: SafeFetcher, live_repo: Repository, live_settings, kind
) -> None:
    feed = add_feed(live_repo, local_site.url("/feed.xml"))
    rec = Recorder(live_repo)
    poller = FeedPoller(live_repo, fetcher, live_settings, rec, owner="t")
    serve_items(local_site, [2, 1], kind)

    first = await poller.poll_due(now=T0)
    assert [r.outcome for r in first.results] == [CHANGED]
    assert sorted(rec.urls) == [local_site.url("/a/1"), local_site.url("/a/2")]
    assert all("North Korean troops" in i.text for i in rec.items)
    assert all(i.origin == "feed" and i.feed_id == feed.id for i in rec.items)
    row = live_repo.get_feed(feed.id)
    assert row.etag and row.body_hash and row.items_seen == 2
    assert row.last_success_at == T0 and row.lease_until is None
    assert row.next_poll_at >= T0 + timedelta(seconds=540)

    second = await poller.poll_due(now=T0 + STEP)
    assert [r.outcome for r in second.results] == [NOT_MODIFIED]
    assert local_site.hits[-1].headers.get("If-None-Match") == row.etag
    assert len(rec.items) == 2

    serve_items(local_site, [3, 2, 1], kind)
    third = await poller.poll_due(now=T0 + 2 * STEP)
    assert third.results[0].outcome == CHANGED and third.new_items == 1
    assert rec.urls[-1] == local_site.url("/a/3")
    assert live_repo.get_feed(feed.id).items_seen == 3
    assert local_site.count("/a/1") == 1


async def test_unchanged_body_without_validators_is_skipped_by_hash(
    local_site: LocalSite, fetcher, live_repo, live_settings
) -> None:
    add_feed(live_repo, local_site.url("/feed.xml"))
    serve_items(local_site, [1])
    local_site.resources["/feed.xml"].validators = False
    rec = Recorder(live_repo)
    poller = FeedPoller(live_repo, fetcher, live_settings, rec)
    assert (await poller.poll_due(now=T0)).changed == 1
    report = await poller.poll_due(now=T0 + STEP)
    assert report.unchanged == 1 and report.results[0].outcome == UNCHANGED
    assert len(rec.items) == 1


async def test_last_modified_is_sent_back(local_site, fetcher, live_repo, live_settings) -> None:
    add_feed(live_repo, local_site.url("/feed.xml"))
    serve_items(local_site, [1])
    res = local_site.resources["/feed.xml"]
    res.validators = False
    res.headers["Last-Modified"] = "Sat, 01 Mar 2025 11:00:00 GMT"
    poller = FeedPoller(live_repo, fetcher, live_settings, Recorder(live_repo))
    await poller.poll_due(now=T0)
    await poller.poll_due(now=T0 + STEP)
    assert local_site.hits[-1].headers["If-Modified-Since"] == "Sat, 01 Mar 2025 11:00:00 GMT"


async def test_failures_back_off_then_disable_with_a_notice(
    local_site: LocalSite, live_repo: Repository
) -> None:
    settings = make_settings(fetch_timeout_s=0.3, feed_max_failures=3)
    fetcher = SafeFetcher(settings)
    topic = live_repo.add_topic("console", "ws", "NK troops", "nk-troops", "troops")
    live_repo.subscribe(topic.id, "console", "ws", "chan-1")
    live_repo.subscribe(topic.id, "console", "ws", "chan-2")
    feed = add_feed(live_repo, local_site.url("/feed.xml"), topic_id=topic.id)
    local_site.set("/feed.xml", "down", status=500, content_type="text/plain")
    poller = FeedPoller(live_repo, fetcher, settings, Recorder(live_repo))
    try:
        r1 = (await poller.poll_due(now=T0)).results[0]
        assert r1.outcome == FAILED and "500" in (r1.error or "")
        row = live_repo.get_feed(feed.id)
        assert row.failures == 1 and row.next_poll_at == T0 + timedelta(seconds=600)
        assert row.last_error and row.last_error_at == T0

        assert (await poller.poll_due(now=T0 + timedelta(seconds=599))).polled == 0
        local_site.set("/feed.xml", rss([]), delay_s=2.0, content_type="application/rss+xml")
        t2 = T0 + timedelta(seconds=600)
        r2 = (await poller.poll_due(now=t2)).results[0]
        assert r2.outcome == FAILED and "seconds" in (r2.error or "")
        row = live_repo.get_feed(feed.id)
        assert row.failures == 2 and row.next_poll_at == t2 + timedelta(seconds=600)
        assert live_repo.pending_notices(["console"]) == []

        t3 = row.next_poll_at
        r3 = (await poller.poll_due(now=t3)).results[0]
        assert r3.outcome == DISABLED
        row = live_repo.get_feed(feed.id)
        assert row.disabled and row.failures == 3
        notices = live_repo.pending_notices(["console"])
        assert sorted(n.channel_id for n in notices) == ["chan-1", "chan-2"]
        assert all(feed.url in n.text and "stopped polling" in n.text for n in notices)
        assert (await poller.poll_due(now=t3 + timedelta(days=2))).polled == 0
        assert "seconds" in (row.last_error or "")
    finally:
        await fetcher.aclose()


def test_backoff_grows_from_five_minutes_and_is_capped() -> None:
    s = Settings(feed_backoff_base_s=300, feed_backoff_cap_s=6 * 3600)
    assert [backoff_delay(n, 60, s).total_seconds() for n in range(1, 9)] == [
        300,
        600,
        1200,
        2400,
        4800,
        9600,
        19200,
        21600,
    ]
    assert backoff_delay(1, 600, s) == timedelta(seconds=600)


async def test_malformed_xml_is_reported_with_the_feed_named(
    local_site, fetcher, live_repo, live_settings
) -> None:
    feed = add_feed(live_repo, local_site.url("/bad.xml"))
    local_site.set(
        "/bad.xml", "<rss><channel><item><title>x</item></chan", content_type="application/xml"
    )
    report = await FeedPoller(live_repo, fetcher, live_settings, Recorder()).poll_due(now=T0)
    error = report.results[0].error or ""
    assert report.failed == 1
    assert f"Feed {feed.url}: malformed feed XML" in error
    assert live_repo.get_feed(feed.id).last_error == error


async def test_50_mb_feed_is_cut_off_with_a_clear_error(
    local_site, fetcher, live_repo, live_settings
) -> None:
    feed = add_feed(live_repo, local_site.url("/huge.xml"))
    local_site.set("/huge.xml", stream_bytes=50 * 1024 * 1024, content_type="application/rss+xml")
    report = await FeedPoller(live_repo, fetcher, live_settings, Recorder()).poll_due(now=T0)
    assert report.failed == 1
    assert "larger than the 5 MB limit" in live_repo.get_feed(feed.id).last_error
    assert local_site.streamed < 20 * 1024 * 1024


async def test_unreadable_page_falls_back_to_the_feed_summary(
    local_site, fetcher, live_repo, live_settings, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="bot.ingest.feeds")
    add_feed(live_repo, local_site.url("/feed.xml"))
    serve_items(local_site, [1, 2])
    del local_site.resources["/a/2"]
    rec = Recorder(live_repo)
    report = await FeedPoller(live_repo, fetcher, live_settings, rec).poll_due(now=T0)
    assert report.new_items == 2 and report.fallbacks == 1
    fallback = next(i for i in rec.items if i.url.endswith("/a/2"))
    assert fallback.text == "Summary of story 2 with words."
    assert fallback.outlet == "Local Herald"
    assert "using the feed's summary" in caplog.text


async def test_failed_processing_is_retried_at_the_next_poll(
    local_site, fetcher, live_repo, live_settings
) -> None:
    feed = add_feed(live_repo, local_site.url("/feed.xml"))
    serve_items(local_site, [1, 2])
    rec = Recorder(live_repo)
    rec.fail_urls.add(local_site.url("/a/2"))
    poller = FeedPoller(live_repo, fetcher, live_settings, rec)
    report = await poller.poll_due(now=T0)
    assert report.new_items == 1 and report.results[0].failed_items == 1
    row = live_repo.get_feed(feed.id)
    assert row.etag is None and "tried again" in (row.last_error or "")
    rec.fail_urls.clear()
    again = await poller.poll_due(now=T0 + STEP)
    assert again.new_items == 1 and rec.urls[-1] == local_site.url("/a/2")
    assert live_repo.get_feed(feed.id).etag


async def test_new_items_are_put_on_the_revision_schedule(
    local_site, fetcher, live_repo, live_settings
) -> None:
    add_feed(live_repo, local_site.url("/feed.xml"))
    serve_items(local_site, [1])
    await FeedPoller(live_repo, fetcher, live_settings, Recorder(live_repo)).poll_due(now=T0)
    article = live_repo.article_by_url(local_site.url("/a/1"))
    assert article is not None and article.next_check_at == T0 + timedelta(minutes=15)


async def test_leased_feed_is_not_polled_twice(local_site, fetcher, live_repo, live_settings):
    feed = add_feed(live_repo, local_site.url("/feed.xml"))
    serve_items(local_site, [1])
    live_repo.lease_due_feeds(T0, 10, timedelta(minutes=5), "other-process")
    poller = FeedPoller(live_repo, fetcher, live_settings, Recorder(live_repo), owner="me")
    assert (await poller.poll_due(now=T0)).polled == 0
    assert (await poller.poll_feed(feed.id, now=T0)).outcome == "busy"
    report = await poller.poll_due(now=T0 + timedelta(minutes=6))
    assert report.polled == 1
    assert (await poller.poll_feed(feed.id, now=T0 + timedelta(minutes=7))).outcome == (
        NOT_MODIFIED
    )


def test_polls_are_spread_and_keep_their_phase() -> None:
    now = datetime(2025, 3, 1, 12, 0, 7, tzinfo=UTC)
    firsts = [first_poll_time(i, 600, now) for i in range(1, 1001)]
    assert all(now <= t < now + timedelta(seconds=600) for t in firsts)
    buckets = [0] * 10
    for t in firsts:
        buckets[int((t - now).total_seconds() // 60)] += 1
    assert min(buckets) > 60 and max(buckets) < 140
    for i in range(1, 50):
        slot = first_poll_time(i, 600, now)
        on_time = next_poll_time(i, 600, slot + timedelta(seconds=3))
        assert on_time == slot + timedelta(seconds=600)
        late = next_poll_time(i, 600, slot + timedelta(seconds=590))
        assert late == slot + timedelta(seconds=1200)
        assert next_poll_time(i, 30, slot) - slot >= timedelta(seconds=54)


def test_an_empty_feed_is_not_malformed_but_broken_xml_is() -> None:
    from bot.ingest.feedparse import FeedError, parse_feed

    assert parse_feed(rss([]).encode()).entries == []
    with pytest.raises(FeedError, match="malformed feed XML"):
        parse_feed(b"<rss><channel><item><title>x</title>")
