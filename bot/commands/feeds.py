"""RSS/Atom feeds (``/claimwatch feed add|list|remove``), addresses checked as a fetch would."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

from bot.commands.base import CommandBase, UserError, fmt_time
from bot.ingest.admit import ArticleRefused, check_web_url
from bot.ingest.urls import canonical_url
from bot.messages import CommandRequest, Reply


class FeedCommands(CommandBase):
    """The feeds polled for a workspace."""

    async def feed_add(self, req: CommandRequest, url: str, topic: str | None = None) -> Reply:
        self._require_admin(req)
        url = (url or "").strip()
        if not re.match(r"^https?://[^\s/]+", url):
            raise UserError("A feed is an http:// or https:// URL of an RSS or Atom feed.")
        await self._check_feed_address(url)
        t = await asyncio.to_thread(self._topic, req, topic) if topic else None
        from bot.ingest.feeds import first_poll_time

        interval = self.settings.poll_interval_s
        feed, created = await asyncio.to_thread(
            self.repo.add_feed,
            req.platform,
            req.workspace_id,
            canonical_url(url),
            t.id if t else None,
            interval,
            req.user_id,
            None,
        )
        await asyncio.to_thread(
            self.repo.update_feed,
            feed.id,
            next_poll_at=first_poll_time(feed.id, interval, datetime.now(UTC))
            if not created
            else datetime.now(UTC),
        )
        await self._audit(
            req,
            "feed.add",
            url=feed.url,
            topic=t.slug if t else None,
        )
        return Reply(
            text=(
                f"{'Added' if created else 'Updated'} feed #{feed.id} {feed.url}"
                + (f" for **{t.name}**" if t else "")
                + f"; polled every {interval // 60} min."
            )
        )

    async def _check_feed_address(self, url: str) -> None:
        """The checks every fetch makes (credentials, private addresses), made at add time."""
        try:
            check_web_url(url, "A feed URL")
        except ArticleRefused as exc:
            raise UserError(f"{exc}.") from None
        if self.fetcher is not None:
            from bot.ingest.fetch import FetchError

            try:
                await self.fetcher.check_address(url)
            except FetchError as exc:
                raise UserError(str(exc)) from None

    async def feed_list(self, req: CommandRequest) -> Reply:
        feeds = await asyncio.to_thread(self.repo.feeds, req.platform, req.workspace_id)
        if not feeds:
            return Reply(
                text="No feeds. Add one with /claimwatch feed add URL [TOPIC].", ephemeral=True
            )
        listed = await asyncio.to_thread(self.repo.list_topics, req.platform, req.workspace_id)
        topics = {t.id: t.slug for t in listed}
        rows = [
            (
                f"#{f.id}",
                f.url,
                topics.get(f.topic_id or -1, "all topics"),
                "disabled" if f.disabled else ("failing" if f.failures else "ok"),
                fmt_time(f.last_success_at),
                str(f.items_seen),
            )
            for f in feeds
        ]
        return Reply(
            title="Feeds",
            text=f"{len(feeds)} feed(s).",
            table_headers=("ID", "URL", "Topic", "State", "Last success", "Items"),
            table_rows=rows,
        )

    async def feed_remove(self, req: CommandRequest, feed: str) -> Reply:
        self._require_admin(req)
        feed = (feed or "").strip().lstrip("#")
        if not feed:
            raise UserError("Name the feed by URL or ID: /claimwatch feed remove URL|ID")
        target = feed if feed.isdigit() else canonical_url(feed)
        removed = await asyncio.to_thread(
            self.repo.remove_feed, req.platform, req.workspace_id, target
        )
        if not removed:
            raise UserError(f"No feed '{feed}' here. See /claimwatch feed list.")
        await self._audit(
            req,
            "feed.remove",
            feed=feed,
        )
        return Reply(text=f"Removed feed {feed}.")
