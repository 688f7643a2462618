"""Topics, their source aliases and the subscriptions that route their alerts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from bot import domain
from storage.base import StoreBase
from storage.mapping import topic_from_row
from storage.models import (
    SourceAlias,
    Subscription,
    Topic,
    utcnow,
)


class TopicStore(StoreBase):
    """Topics, aliases and subscriptions."""

    # -- topics ---------------------------------------------------------------

    def add_topic(
        self,
        platform: str,
        workspace_id: str,
        name: str,
        slug: str,
        query: str,
        created_by: str = "",
        alert_mode: str = "instant",
    ) -> Topic:
        with self.session() as s:
            topic = Topic(
                platform=platform,
                workspace_id=workspace_id,
                name=name,
                slug=slug,
                query=query,
                created_by=created_by,
                alert_mode=alert_mode,
            )
            s.add(topic)
            s.flush()
            return topic

    def find_topic(self, platform: str, workspace_id: str, name: str) -> Topic | None:
        """A topic by slug or by name, case-insensitively."""
        with self.session() as s:
            return s.scalar(
                select(Topic).where(
                    Topic.platform == platform,
                    Topic.workspace_id == workspace_id,
                    or_(Topic.slug == name.lower(), func.lower(Topic.name) == name.lower()),
                )
            )

    def get_topic(self, topic_id: int) -> Topic | None:
        with self.session() as s:
            return s.get(Topic, topic_id)

    def list_topics(
        self, platform: str | None = None, workspace_id: str | None = None
    ) -> list[Topic]:
        stmt = select(Topic).where(Topic.active.is_(True)).order_by(Topic.name)
        if platform is not None:
            stmt = stmt.where(Topic.platform == platform)
        if workspace_id is not None:
            stmt = stmt.where(Topic.workspace_id == workspace_id)
        with self.session() as s:
            return list(s.scalars(stmt))

    def active_topics(self) -> list[domain.Topic]:
        """Every active topic, of every workspace, for the pipeline to match articles on."""
        return [topic_from_row(t) for t in self.list_topics()]

    def update_topic(self, topic_id: int, **changes: Any) -> Topic:
        with self.session() as s:
            topic = s.get_one(Topic, topic_id)
            for k, v in changes.items():
                if v is not None:
                    setattr(topic, k, v)
            s.flush()
            return topic

    def remove_topic(self, topic_id: int) -> None:
        with self.session() as s:
            s.execute(delete(Topic).where(Topic.id == topic_id))

    def add_alias(self, topic_id: int, alias: str, canonical: str, created_by: str = "") -> None:
        alias = alias.strip().lower()
        with self.session() as s:
            row = s.scalar(
                select(SourceAlias).where(
                    SourceAlias.topic_id == topic_id, SourceAlias.alias == alias
                )
            )
            if row is None:
                s.add(
                    SourceAlias(
                        topic_id=topic_id, alias=alias, canonical=canonical, created_by=created_by
                    )
                )
            else:
                row.canonical = canonical

    def aliases(self, topic_id: int) -> dict[str, str]:
        with self.session() as s:
            rows = s.execute(
                select(SourceAlias.alias, SourceAlias.canonical).where(
                    SourceAlias.topic_id == topic_id
                )
            )
            return {a: c for a, c in rows}

    # -- subscriptions ----------------------------------------------------------

    def subscribe(
        self,
        topic_id: int,
        platform: str,
        workspace_id: str,
        channel_id: str,
        mode: str = "instant",
        created_by: str = "",
        digest_interval_s: int = 3600,
    ) -> tuple[Subscription, bool]:
        """Create or update a subscription; returns it and whether it is new."""
        with self.session() as s:
            sub = s.scalar(
                select(Subscription).where(
                    Subscription.topic_id == topic_id,
                    Subscription.platform == platform,
                    Subscription.channel_id == channel_id,
                )
            )
            created = sub is None
            if sub is None:
                sub = Subscription(
                    topic_id=topic_id,
                    platform=platform,
                    workspace_id=workspace_id,
                    channel_id=channel_id,
                    created_by=created_by,
                )
                s.add(sub)
            sub.mode = mode
            sub.paused = False
            sub.pause_reason = None
            sub.digest_interval_s = digest_interval_s
            sub.next_digest_at = (
                utcnow() + timedelta(seconds=digest_interval_s) if mode == "digest" else None
            )
            s.flush()
            return sub, created

    def unsubscribe(self, topic_id: int, platform: str, channel_id: str) -> bool:
        with self.session() as s:
            res = s.execute(
                delete(Subscription).where(
                    Subscription.topic_id == topic_id,
                    Subscription.platform == platform,
                    Subscription.channel_id == channel_id,
                )
            )
            return bool(res.rowcount)

    def subscriptions(
        self,
        platform: str | None = None,
        workspace_id: str | None = None,
        topic_id: int | None = None,
    ) -> list[Subscription]:
        stmt = select(Subscription).options(joinedload(Subscription.topic))
        if platform is not None:
            stmt = stmt.where(Subscription.platform == platform)
        if workspace_id is not None:
            stmt = stmt.where(Subscription.workspace_id == workspace_id)
        if topic_id is not None:
            stmt = stmt.where(Subscription.topic_id == topic_id)
        with self.session() as s:
            return list(s.scalars(stmt.order_by(Subscription.id)))

    def pause_subscription(self, subscription_id: int, reason: str) -> None:
        with self.session() as s:
            s.execute(
                update(Subscription)
                .where(Subscription.id == subscription_id)
                .values(paused=True, pause_reason=reason)
            )

    def pause_channel(self, platform: str, channel_id: str, reason: str) -> int:
        with self.session() as s:
            res = s.execute(
                update(Subscription)
                .where(Subscription.platform == platform, Subscription.channel_id == channel_id)
                .values(paused=True, pause_reason=reason)
            )
            return res.rowcount or 0

    def resume_subscription(self, subscription_id: int) -> None:
        with self.session() as s:
            s.execute(
                update(Subscription)
                .where(Subscription.id == subscription_id)
                .values(paused=False, pause_reason=None)
            )
