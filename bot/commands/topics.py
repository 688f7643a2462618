"""Topics and their channels: ``/claimwatch topic add|edit|remove|list``, ``(un)subscribe``."""

from __future__ import annotations

import asyncio

from bot.commands.base import MODES, CommandBase, UserError, parse_channel
from bot.messages import CommandRequest, Field, Reply, channel_link
from bot.topics import QueryError, parse_query, slugify


class TopicCommands(CommandBase):
    """Tracked topics and the channels their alerts go to."""

    async def topic_add(
        self, req: CommandRequest, name: str, query: str, mode: str = "instant"
    ) -> Reply:
        self._require_admin(req)
        name = (name or "").strip()
        if not name:
            raise UserError("Give the topic a name: /claimwatch topic add NAME QUERY")
        self._check_query(query)
        if mode not in MODES:
            raise UserError("The mode is 'instant' or 'digest'.")
        slug = slugify(name)
        if await asyncio.to_thread(self._exists, req, slug, name):
            raise UserError(
                f"A topic '{slug}' exists already; edit it with /claimwatch topic edit."
            )
        await asyncio.to_thread(self.repo.ensure_workspace, req.platform, req.workspace_id)
        topic = await asyncio.to_thread(
            self.repo.add_topic,
            req.platform,
            req.workspace_id,
            name,
            slug,
            query.strip(),
            req.user_id,
            mode,
        )
        await self._audit(
            req,
            "topic.add",
            topic=slug,
            query=query,
        )
        self.pipeline.invalidate()
        return Reply(
            title="Topic added",
            text=(
                f"Tracking **{topic.name}** (`{slug}`). Send its alerts to this channel with "
                f"/claimwatch subscribe {slug}."
            ),
            fields=[Field("Query", query.strip())],
        )

    def _check_query(self, query: str | None) -> None:
        if not query or not query.strip():
            raise UserError("Give a query, e.g. (earthquake OR quake) AND (dead OR killed)")
        try:
            parse_query(query)
        except QueryError as exc:
            raise UserError(f"That query does not parse: {exc.short}.\n`{query}`") from None

    async def topic_edit(
        self,
        req: CommandRequest,
        name: str,
        query: str | None = None,
        new_name: str | None = None,
        mode: str | None = None,
    ) -> Reply:
        self._require_admin(req)
        t = await asyncio.to_thread(self._topic, req, name)
        if query is None and new_name is None and mode is None:
            raise UserError("Say what to change: a new query, a new name or a mode.")
        if query is not None:
            self._check_query(query)
        if mode is not None and mode not in MODES:
            raise UserError("The mode is 'instant' or 'digest'.")
        changes: dict[str, object] = {"query": query.strip() if query else None, "alert_mode": mode}
        if new_name:
            slug = slugify(new_name)
            other = await asyncio.to_thread(
                self.repo.find_topic, req.platform, req.workspace_id, slug
            )
            if other is not None and other.id != t.id:
                raise UserError(f"A topic '{slug}' exists already.")
            changes.update(name=new_name.strip(), slug=slug)
        updated = await asyncio.to_thread(self.repo.update_topic, t.id, **changes)
        await self._audit(
            req,
            "topic.edit",
            topic=t.slug,
            **{k: v for k, v in changes.items() if v is not None},
        )
        self.pipeline.invalidate()
        return Reply(
            title="Topic updated",
            text=f"**{updated.name}** (`{updated.slug}`)",
            fields=[Field("Query", updated.query), Field("Mode", updated.alert_mode)],
        )

    async def topic_remove(self, req: CommandRequest, name: str) -> Reply:
        self._require_admin(req)
        t = await asyncio.to_thread(self._topic, req, name)
        await asyncio.to_thread(self.repo.remove_topic, t.id)
        await self._audit(
            req,
            "topic.remove",
            topic=t.slug,
        )
        self.pipeline.invalidate()
        return Reply(text=f"Stopped tracking **{t.name}**; its claims and subscriptions are gone.")

    async def topic_list(self, req: CommandRequest) -> Reply:
        topics = await asyncio.to_thread(self.repo.list_topics, req.platform, req.workspace_id)
        if not topics:
            return Reply(text=await asyncio.to_thread(self._topic_hint, req), ephemeral=True)
        subs = await asyncio.to_thread(
            self.repo.subscriptions, req.platform, req.workspace_id, None
        )
        channels: dict[int, list[str]] = {}
        for s in subs:
            channels.setdefault(s.topic_id, []).append(
                f"{s.channel_id} ({s.mode}{', paused' if s.paused else ''})"
            )
        rows = [(t.slug, t.name, t.query, ", ".join(channels.get(t.id, [])) or "—") for t in topics]
        return Reply(
            title="Topics",
            text=f"{len(topics)} topic(s).",
            table_headers=("Topic", "Name", "Query", "Channels"),
            table_rows=rows,
        )

    async def subscribe(
        self,
        req: CommandRequest,
        topic: str,
        channel: str | None = None,
        mode: str = "instant",
    ) -> Reply:
        self._require_admin(req)
        t = await asyncio.to_thread(self._topic, req, topic)
        mode = (mode or "instant").lower()
        if mode not in MODES:
            raise UserError("The mode is 'instant' or 'digest'.")
        channel_id = parse_channel(channel, req.channel_id)
        sub, created = await asyncio.to_thread(
            self.repo.subscribe,
            t.id,
            req.platform,
            req.workspace_id,
            channel_id,
            mode,
            req.user_id,
            self.settings.digest_interval_s,
        )
        await asyncio.to_thread(self.repo.unpark_subscription_alerts, sub.id)
        await self._audit(
            req,
            "subscribe",
            topic=t.slug,
            channel=channel_id,
            mode=mode,
        )
        verb = "will now get" if created else "now gets"
        every = (
            f" (a digest every {self.settings.digest_interval_s // 60} min)"
            if (mode == "digest")
            else ""
        )
        return Reply(
            text=f"{channel_link(channel_id)} {verb} **{t.name}** alerts, {mode}{every}.",
            channels=(channel_id,),
        )

    async def unsubscribe(
        self, req: CommandRequest, topic: str, channel: str | None = None
    ) -> Reply:
        self._require_admin(req)
        t = await asyncio.to_thread(self._topic, req, topic)
        channel_id = parse_channel(channel, req.channel_id)
        removed = await asyncio.to_thread(self.repo.unsubscribe, t.id, req.platform, channel_id)
        if not removed:
            raise UserError(
                f"{channel_link(channel_id)} is not subscribed to {t.slug}.", (channel_id,)
            )
        await self._audit(
            req,
            "unsubscribe",
            topic=t.slug,
            channel=channel_id,
        )
        return Reply(
            text=f"{channel_link(channel_id)} no longer gets **{t.name}** alerts.",
            channels=(channel_id,),
        )
