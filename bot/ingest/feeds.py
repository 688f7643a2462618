"""Feed polling: due feeds leased from the database, fetched, parsed, new items ingested.

Each feed row carries its own schedule (``next_poll_at``) and lease, so any
number of processes can run ``FeedPoller.poll_due`` without polling a feed
twice. A poll sends ``If-None-Match``/``If-Modified-Since``; a 304 or a body
whose hash has not changed ends the poll there. New items (links not seen in
this feed and not stored) are fetched as pages for their full text, falling
back to the feed's own summary when the page cannot be read, and handed to
``on_article`` oldest first.

Schedules are spread: each feed polls on its own phase within its interval
(a hash of its id), so feeds added together or polled late after a pause do
not stay bunched. Failures back off exponentially (``feed_backoff_base_s`` ×
2ⁿ⁻¹, never sooner than the interval, capped) and after ``feed_max_failures``
in a row the feed is disabled and every channel following its topic gets a
notice saying so.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import os
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from bot.config import Settings
from bot.domain import Article
from bot.ingest.admit import ArticleRefused, admit_article
from bot.ingest.feedparse import FeedEntry, FeedError, ParsedFeed, parse_feed
from bot.ingest.fetch import ACCEPT_FEED, FetchError, SafeFetcher
from bot.ingest.pages import fetch_article
from bot.ingest.revisions import schedule_first_check
from storage.models import Feed
from storage.repository import Repository

log = logging.getLogger(__name__)

MIN_INTERVAL_S = 60
SCHEDULE_SLACK = 0.1
SEEN_NAMESPACE = "feed_seen"
SEEN_KEEP = 1000
ORIGIN_FEED = "feed"

OnArticle = Callable[[Article], Awaitable[object]]

NOT_MODIFIED = "not_modified"
UNCHANGED = "unchanged"
CHANGED = "changed"
FAILED = "failed"
DISABLED = "disabled"
BUSY = "busy"


def default_owner() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def _phase_s(feed_id: int | str, interval_s: int) -> int:
    digest = hashlib.sha256(f"feed:{feed_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % interval_s


def _slot_at_or_after(feed_id: int | str, interval_s: int, earliest: datetime) -> datetime:
    phase = _phase_s(feed_id, interval_s)
    k = math.ceil((earliest.timestamp() - phase) / interval_s)
    return datetime.fromtimestamp(phase + k * interval_s, tz=UTC)


def effective_interval(interval_s: int | None, settings: Settings) -> int:
    """A feed's interval in seconds: its own or the default, never under one minute."""
    return max(MIN_INTERVAL_S, int(interval_s or settings.poll_interval_s))


def first_poll_time(feed_id: int | str, interval_s: int, now: datetime) -> datetime:
    """The feed's first slot from ``now`` on: a point within one interval fixed by its id."""
    return _slot_at_or_after(feed_id, max(MIN_INTERVAL_S, interval_s), now)


def next_poll_time(feed_id: int | str, interval_s: int, now: datetime) -> datetime:
    """The feed's next slot after a poll at ``now``, at least 90 % of an interval away."""
    interval_s = max(MIN_INTERVAL_S, interval_s)
    earliest = now + timedelta(seconds=interval_s * (1 - SCHEDULE_SLACK))
    return _slot_at_or_after(feed_id, interval_s, earliest)


def backoff_delay(failures: int, interval_s: int, settings: Settings) -> timedelta:
    """Wait after the n-th failure in a row: base × 2ⁿ⁻¹, at least the interval, capped."""
    raw = settings.feed_backoff_base_s * 2 ** max(0, failures - 1)
    cap = max(settings.feed_backoff_cap_s, interval_s)
    return timedelta(seconds=min(max(raw, interval_s), cap))


def feed_name(feed: Feed) -> str:
    return f"“{feed.title}” ({feed.url})" if feed.title else feed.url


@dataclass(frozen=True)
class FeedPollResult:
    """What one poll of one feed did."""

    feed_id: int
    url: str
    outcome: str
    new_items: int = 0
    fallbacks: int = 0
    failed_items: int = 0
    error: str | None = None
    next_poll_at: datetime | None = None


@dataclass
class PollReport:
    """What one ``poll_due`` round did, feed by feed."""

    results: list[FeedPollResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def polled(self) -> int:
        return len(self.results)

    @property
    def not_modified(self) -> int:
        return self.count(NOT_MODIFIED)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def changed(self) -> int:
        return self.count(CHANGED)

    @property
    def failed(self) -> int:
        return self.count(FAILED)

    @property
    def disabled(self) -> int:
        return self.count(DISABLED)

    @property
    def new_items(self) -> int:
        return sum(r.new_items for r in self.results)

    @property
    def fallbacks(self) -> int:
        return sum(r.fallbacks for r in self.results)


class _PollFailed(Exception):
    """A poll that failed for a reason worth telling the feed's followers."""


class FeedPoller:
    """Polls due feeds from the database; safe to run in several processes at once."""

    def __init__(
        self,
        repo: Repository,
        fetcher: SafeFetcher,
        settings: Settings,
        on_article: OnArticle,
        owner: str | None = None,
        *,
        concurrency: int = 32,
        page_concurrency: int = 8,
        lease: timedelta | None = None,
        track_revisions: bool = True,
    ) -> None:
        self.repo = repo
        self.fetcher = fetcher
        self.settings = settings
        self.on_article = on_article
        self.owner = owner or default_owner()
        self.lease = lease or timedelta(seconds=max(300.0, settings.fetch_timeout_s * 20))
        self.track_revisions = track_revisions
        self._feeds = asyncio.Semaphore(concurrency)
        self._pages = asyncio.Semaphore(page_concurrency)

    async def poll_due(self, now: datetime | None = None, limit: int = 200) -> PollReport:
        """Lease up to ``limit`` due feeds and poll them concurrently."""
        now = now or datetime.now(UTC)
        started = time.perf_counter()
        feeds = await asyncio.to_thread(
            self.repo.lease_due_feeds, now, limit, self.lease, self.owner
        )
        results = await asyncio.gather(*(self._poll_leased(f, now) for f in feeds))
        return PollReport(results=list(results), seconds=time.perf_counter() - started)

    async def poll_feed(self, feed_id: int, now: datetime | None = None) -> FeedPollResult:
        """Poll one feed now, due or not (``busy`` when another process holds it)."""
        now = now or datetime.now(UTC)
        feed = await asyncio.to_thread(self.repo.lease_feed, feed_id, now, self.lease, self.owner)
        if feed is None:
            return FeedPollResult(feed_id, "", BUSY, error="feed is missing, disabled or busy")
        return await self._poll_leased(feed, now)

    async def _poll_leased(self, feed: Feed, now: datetime) -> FeedPollResult:
        async with self._feeds:
            try:
                return await self._poll(feed, now)
            except (FetchError, _PollFailed) as exc:
                return await self._record_failure(feed, now, str(exc))
            except Exception as exc:
                log.exception("polling feed %s (%s) crashed", feed.id, feed.url)
                return await self._record_failure(
                    feed, now, f"Internal error while polling ({exc.__class__.__name__})."
                )

    async def _poll(self, feed: Feed, now: datetime) -> FeedPollResult:
        interval = effective_interval(feed.interval_s, self.settings)
        result = await self.fetcher.fetch(
            feed.url,
            user_submitted=False,
            accept=ACCEPT_FEED,
            etag=feed.etag,
            last_modified=feed.last_modified,
        )
        next_at = next_poll_time(feed.id, interval, now)
        if result.not_modified:
            await self._record_success(feed, now, next_at, {})
            return FeedPollResult(feed.id, feed.url, NOT_MODIFIED, next_poll_at=next_at)
        validators = {
            "etag": result.etag,
            "last_modified": result.last_modified,
        }
        body_hash = hashlib.sha256(result.body).hexdigest()
        if body_hash == feed.body_hash:
            await self._record_success(feed, now, next_at, validators)
            return FeedPollResult(feed.id, feed.url, UNCHANGED, next_poll_at=next_at)
        try:
            parsed = await asyncio.to_thread(parse_feed, result.body, result.url)
        except FeedError as exc:
            raise _PollFailed(f"Feed {feed.url}: {exc}.") from exc
        new, fallbacks, failed = await self._ingest_entries(feed, parsed, now)
        values: dict[str, object] = {"items_seen": feed.items_seen + new}
        if parsed.title and parsed.title != feed.title:
            values["title"] = parsed.title[:500]
        if failed:
            values["last_error"] = (
                f"{failed} new item(s) of {feed.url} could not be processed; "
                "they will be tried again at the next poll."
            )
            values["last_error_at"] = now
        else:
            values.update(validators)
            values["body_hash"] = body_hash
        await self._record_success(feed, now, next_at, values)
        return FeedPollResult(
            feed.id,
            feed.url,
            CHANGED,
            new_items=new,
            fallbacks=fallbacks,
            failed_items=failed,
            next_poll_at=next_at,
        )

    async def _ingest_entries(
        self, feed: Feed, parsed: ParsedFeed, now: datetime
    ) -> tuple[int, int, int]:
        """Fetch and hand on the feed's unseen entries; (new, fell back, failed)."""
        seen_row = await asyncio.to_thread(self.repo.kv_get, SEEN_NAMESPACE, str(feed.id)) or {}
        seen: list[str] = list(seen_row.get("urls", []))
        seen_set = set(seen)
        entries = list({e.url: e for e in reversed(parsed.entries)}.values())
        candidates = [e for e in entries if e.url not in seen_set]
        known: set[str] = set()
        if candidates:
            known = await asyncio.to_thread(
                self.repo.known_article_urls, [e.url for e in candidates]
            )
        fresh = [e for e in candidates if e.url not in known]
        fresh.sort(key=lambda e: e.published_at or now)
        items = await asyncio.gather(*(self._item(feed, parsed, e) for e in fresh))
        new = fallbacks = 0
        failed_urls: set[str] = set()
        for entry, (item, fell_back) in zip(fresh, items):
            if item is None:
                continue
            try:
                await self.on_article(item)
            except Exception:
                log.exception("feed %s: processing %s failed; will retry", feed.url, item.url)
                failed_urls.add(entry.url)
                continue
            new += 1
            fallbacks += int(fell_back)
            if self.track_revisions:
                await asyncio.to_thread(schedule_first_check, self.repo, item, now)
        current = [e.url for e in parsed.entries if e.url not in failed_urls]
        merged = list(dict.fromkeys(current + seen))[: max(SEEN_KEEP, len(current))]
        if merged != seen:
            await asyncio.to_thread(
                self.repo.kv_put, SEEN_NAMESPACE, str(feed.id), {"urls": merged}
            )
        return new, fallbacks, len(failed_urls)

    async def _item(
        self, feed: Feed, parsed: ParsedFeed, entry: FeedEntry
    ) -> tuple[Article | None, bool]:
        """The entry as an article: its page's full text, else the feed's summary."""
        async with self._pages:
            try:
                page = await fetch_article(entry.url, self.fetcher, user_submitted=False)
            except FetchError as exc:
                reason = str(exc)
            else:
                return (
                    replace(
                        page,
                        origin=ORIGIN_FEED,
                        feed_id=feed.id,
                        title=page.title or entry.title,
                        published_at=page.published_at or entry.published_at,
                        author=page.author or entry.author,
                    ),
                    False,
                )
        if not entry.text.strip():
            log.warning(
                "feed %s: skipped %s: the page could not be read (%s) and the feed has no summary",
                feed.url,
                entry.url,
                reason,
            )
            return None, False
        log.info(
            "feed %s: using the feed's summary for %s because the page could not be read: %s",
            feed.url,
            entry.url,
            reason,
        )
        item = entry.article(parsed.title, ORIGIN_FEED, feed.id)
        try:
            return admit_article(item, max_chars=self.settings.article_max_chars), True
        except ArticleRefused as exc:
            log.warning("feed %s: skipped %s: %s", feed.url, entry.url, exc)
            return None, False

    async def _record_success(
        self, feed: Feed, now: datetime, next_at: datetime, values: dict[str, object]
    ) -> None:
        await asyncio.to_thread(
            self.repo.update_feed,
            feed.id,
            failures=0,
            last_success_at=now,
            next_poll_at=next_at,
            lease_until=None,
            lease_owner=None,
            **values,
        )

    async def _record_failure(self, feed: Feed, now: datetime, error: str) -> FeedPollResult:
        failures = feed.failures + 1
        interval = effective_interval(feed.interval_s, self.settings)
        log.warning("feed %s failed (%d in a row): %s", feed.url, failures, error)
        if failures >= self.settings.feed_max_failures:
            await asyncio.to_thread(
                self.repo.update_feed,
                feed.id,
                failures=failures,
                disabled=True,
                last_error=error,
                last_error_at=now,
                lease_until=None,
                lease_owner=None,
            )
            await asyncio.to_thread(self._announce_disabled, feed, failures, error)
            return FeedPollResult(feed.id, feed.url, DISABLED, error=error)
        next_at = now + backoff_delay(failures, interval, self.settings)
        await asyncio.to_thread(
            self.repo.update_feed,
            feed.id,
            failures=failures,
            last_error=error,
            last_error_at=now,
            next_poll_at=next_at,
            lease_until=None,
            lease_owner=None,
        )
        return FeedPollResult(feed.id, feed.url, FAILED, error=error, next_poll_at=next_at)

    def _announce_disabled(self, feed: Feed, failures: int, error: str) -> None:
        text = disabled_notice(feed, failures, error)
        channels: Sequence[tuple[str, str, str]] = list(
            dict.fromkeys(self.repo.feed_channels(feed))
        )
        if not channels:
            log.warning("feed %s disabled and no channel follows its topic: %s", feed.url, text)
        for platform, workspace_id, channel_id in channels:
            self.repo.add_notice(platform, workspace_id, channel_id, text)


def disabled_notice(feed: Feed, failures: int, error: str) -> str:
    """The message channels get when a feed they follow is switched off."""
    return (
        f"Claimwatch stopped polling the feed {feed_name(feed)} after {failures} failed "
        f"attempts in a row. Last error: {error} "
        f"An admin can turn it back on with `/claimwatch feed add {feed.url}`."
    )
