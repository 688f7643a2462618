"""RSS/Atom feeds: configuration and the leased poll queue."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update

from storage.base import StoreBase
from storage.models import (
    Feed,
    Subscription,
    utcnow,
)


class FeedStore(StoreBase):
    """Feeds and their poll leases."""

    # -- feeds ----------------------------------------------------------------------------

    def add_feed(
        self,
        platform: str,
        workspace_id: str,
        url: str,
        topic_id: int | None,
        interval_s: int,
        created_by: str = "",
        first_poll_at: datetime | None = None,
    ) -> tuple[Feed, bool]:
        with self.session() as s:
            feed = s.scalar(
                select(Feed).where(
                    Feed.platform == platform, Feed.workspace_id == workspace_id, Feed.url == url
                )
            )
            created = feed is None
            if feed is None:
                feed = Feed(
                    platform=platform,
                    workspace_id=workspace_id,
                    url=url,
                    created_by=created_by,
                    next_poll_at=first_poll_at or utcnow(),
                )
                s.add(feed)
            feed.topic_id = topic_id
            feed.interval_s = interval_s
            feed.disabled = False
            feed.failures = 0
            s.flush()
            return feed, created

    def feeds(self, platform: str | None = None, workspace_id: str | None = None) -> list[Feed]:
        stmt = select(Feed).order_by(Feed.id)
        if platform is not None:
            stmt = stmt.where(Feed.platform == platform)
        if workspace_id is not None:
            stmt = stmt.where(Feed.workspace_id == workspace_id)
        with self.session() as s:
            return list(s.scalars(stmt))

    def get_feed(self, feed_id: int) -> Feed | None:
        with self.session() as s:
            return s.get(Feed, feed_id)

    def remove_feed(self, platform: str, workspace_id: str, url_or_id: str) -> bool:
        cond = Feed.url == url_or_id
        if url_or_id.isdigit():
            cond = or_(cond, Feed.id == int(url_or_id))
        with self.session() as s:
            res = s.execute(
                delete(Feed).where(
                    Feed.platform == platform, Feed.workspace_id == workspace_id, cond
                )
            )
            return bool(res.rowcount)

    def lease_due_feeds(
        self, now: datetime, limit: int, lease: timedelta, owner: str
    ) -> list[Feed]:
        """Feeds due for a poll, leased so that no other process polls them meanwhile."""
        with self.session() as s:
            stmt = (
                select(Feed)
                .where(
                    Feed.disabled.is_(False),
                    Feed.next_poll_at <= now,
                    or_(Feed.lease_until.is_(None), Feed.lease_until <= now),
                )
                .order_by(Feed.next_poll_at)
                .limit(limit)
            )
            feeds = self._take(s, stmt, lease_until=now + lease, lease_owner=owner)
            return feeds

    def update_feed(self, feed_id: int, **values: Any) -> None:
        with self.session() as s:
            s.execute(update(Feed).where(Feed.id == feed_id).values(**values))

    def feed_channels(self, feed: Feed) -> list[tuple[str, str, str]]:
        """(platform, workspace, channel) of subscriptions that follow a feed's topic."""
        if feed.topic_id is None:
            return []
        with self.session() as s:
            rows = s.execute(
                select(
                    Subscription.platform, Subscription.workspace_id, Subscription.channel_id
                ).where(Subscription.topic_id == feed.topic_id)
            )
            return [tuple(r) for r in rows]  # type: ignore[misc]

    # -- live sources --

    def lease_feed(self, feed_id: int, now: datetime, lease: timedelta, owner: str) -> Feed | None:
        """Lease one enabled feed now, due or not; None when it is gone or leased elsewhere."""
        with self.session() as s:
            stmt = select(Feed).where(
                Feed.id == feed_id,
                Feed.disabled.is_(False),
                or_(Feed.lease_until.is_(None), Feed.lease_until <= now),
            )
            taken = self._take(s, stmt, lease_until=now + lease, lease_owner=owner)
            return taken[0] if taken else None
