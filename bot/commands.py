"""Slash-command handlers, platform-free: each takes a ``CommandRequest`` and returns a ``Reply``.

The Discord and Slack adapters call the structured handlers with their parsed
options; the console (and ``Commands.execute``) parses the same grammar from a
line of text: ``/claims TOPIC [KEY] [SINCE]``, ``/claimwatch topic add NAME QUERY`` ...
Errors a user can cause come back as ephemeral ``Reply.fail`` messages.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import shlex
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from bot.charts import Point, render_timeline
from bot.claims.model import ClaimValue
from bot.config import Settings
from bot.ingest.admit import ArticleRefused, admit_article, check_web_url
from bot.ingest.dates import parse_datetime
from bot.ingest.urls import canonical_url
from bot.messages import Attachment, CommandRequest, Field, Reply, channel_link
from bot.pipeline import ALIAS_NAMESPACE, IngestOutcome, Pipeline
from bot.redact import redact
from bot.sanitize import ControlCharacters, check_name, strip_controls
from bot.topics import QueryError, parse_query, slugify
from storage.models import Topic
from storage.repository import ArticleIn, Repository
from storage.summaries import Page

if TYPE_CHECKING:
    from bot.ingest.fetch import SafeFetcher
    from bot.ingest.revisions import RevisionChecker

T = TypeVar("T")
MODES = ("instant", "digest")
KEYS_PER_PAGE = 20
SOURCES_PER_PAGE = 20
NOT_ADMIN = (
    "Only admins can change Claimwatch's settings "
    "(Discord: Manage Server; Slack: workspace admins or owners)."
)
USAGE = {
    "claims": "/claims TOPIC [KEY] [SINCE] [--page N] — latest claim per key and source",
    "sources": "/sources TOPIC [--page N] — who has said what on a topic",
    "timeline": "/timeline TOPIC [KEY] — chart of figures by source over time",
    "submit": "/submit URL|TEXT — add an article by hand",
    "topic add": "/claimwatch topic add NAME QUERY — track a topic (admins)",
    "topic edit": "/claimwatch topic edit NAME [query QUERY] [name NEW_NAME] (admins)",
    "topic remove": "/claimwatch topic remove NAME (admins)",
    "topic list": "/claimwatch topic list — the tracked topics",
    "subscribe": "/claimwatch subscribe TOPIC [#channel] [instant|digest] (admins)",
    "unsubscribe": "/claimwatch unsubscribe TOPIC [#channel] (admins)",
    "feed add": "/claimwatch feed add URL [TOPIC] — poll an RSS/Atom feed (admins)",
    "feed list": "/claimwatch feed list",
    "feed remove": "/claimwatch feed remove URL|ID (admins)",
    "alias add": "/claimwatch alias add SOURCE ALIAS [TOPIC] — read ALIAS as SOURCE (admins)",
    "status": "/claimwatch status — feeds, lag, failures, paused subscriptions",
    "help": "/claimwatch help — this list",
}
_CHANNEL_RE = re.compile(r"^<#([A-Za-z0-9]+)(?:\|[^>]*)?>$")
_CHANNEL_ID_RE = re.compile(r"^[A-Za-z0-9]{1,32}$")
# handlers whose text argument is pasted article text, cleaned rather than refused
FREE_TEXT = frozenset({"submit"})
_SINCE_RE = re.compile(r"^(\d+)\s*(m|min|h|hours?|d|days?|w|weeks?)$", re.IGNORECASE)


class UserError(Exception):
    """A problem in what the user asked; its text is shown to them.

    ``channels``: ids the text links with ``channel_link`` on purpose.
    """

    def __init__(self, text: str, channels: tuple[str, ...] = ()) -> None:
        super().__init__(text)
        self.channels = channels


def fmt_date(dt: datetime | None) -> str:
    return dt.strftime("%d %b %Y") if dt else "—"


def fmt_time(dt: datetime | None) -> str:
    return dt.strftime("%d %b %Y %H:%M UTC") if dt else "—"


def parse_since(text: str, now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC)
    m = _SINCE_RE.match(text.strip())
    if m:
        n, unit = int(m.group(1)), m.group(2).lower()[0]
        minutes = {"m": 1, "h": 60, "d": 1440, "w": 10080}[unit]
        return now - timedelta(minutes=n * minutes)
    parsed = parse_datetime(text.strip())
    if parsed is None:
        raise UserError(
            f"'{text}' is not a time I understand: use a date like 2024-10-20 or 24h / 7d."
        )
    return parsed


def parse_channel(text: str | None, default: str) -> str:
    if not text:
        return default
    text = text.strip()
    m = _CHANNEL_RE.match(text)
    if m:
        return m.group(1)
    channel = text.lstrip("#")
    if not _CHANNEL_ID_RE.match(channel):
        raise UserError("Name the channel as #channel (or leave it out for this channel).")
    return channel


class Commands:
    """Every command Claimwatch answers, on any platform."""

    def __init__(
        self,
        repo: Repository,
        pipeline: Pipeline,
        settings: Settings,
        fetcher: SafeFetcher | None = None,
        revisions: RevisionChecker | None = None,
    ) -> None:
        self.repo = repo
        self.pipeline = pipeline
        self.settings = settings
        self.fetcher = fetcher
        self.revisions = revisions

    # -- helpers ------------------------------------------------------------------

    async def _call(self, fn: Callable[..., T], *args: object, **kw: object) -> T:
        """Run blocking work (the store, charts) off the event loop."""
        return await asyncio.to_thread(fn, *args, **kw)

    def _topic(self, req: CommandRequest, name: str | None) -> Topic:
        if not name or not name.strip():
            raise UserError("Name a topic. " + self._topic_hint(req))
        topic = self.repo.find_topic(req.platform, req.workspace_id, name.strip())
        if topic is None:
            raise UserError(f"There is no topic '{name}'. " + self._topic_hint(req))
        return topic

    def _topic_hint(self, req: CommandRequest) -> str:
        names = [t.slug for t in self.repo.list_topics(req.platform, req.workspace_id)]
        if not names:
            return "No topics yet: an admin can add one with /claimwatch topic add NAME QUERY."
        return "Topics here: " + ", ".join(names) + "."

    def _exists(self, req: CommandRequest, *names: str) -> bool:
        return any(self.repo.find_topic(req.platform, req.workspace_id, n) for n in names)

    async def _audit(self, req: CommandRequest, action: str, **detail: object) -> None:
        await asyncio.to_thread(
            self.repo.audit, req.platform, req.workspace_id, req.user_id, action, **detail
        )

    def _require_admin(self, req: CommandRequest) -> None:
        if not req.is_admin:
            raise UserError(NOT_ADMIN)

    def _resolve_key(self, topic: Topic, key: str | None) -> str | None:
        if not key:
            return None
        wanted = key.strip().lower()
        keys = self.repo.keys(topic.id)
        for k, label in keys:
            if wanted in (k.lower(), label.lower(), slugify(label)):
                return k
        for k, label in keys:
            if wanted in label.lower() or wanted in k.lower():
                return k
        known = ", ".join(label for _, label in keys[:10]) or "none yet"
        raise UserError(f"Topic '{topic.slug}' has no key '{key}'. Keys: {known}.")

    async def run(
        self, fn: Callable[..., Awaitable[Reply]], req: CommandRequest, *args: object, **kw: object
    ) -> Reply:
        """Call a handler, turning user errors into an ephemeral reply.

        Every text argument is refused when it holds a control character, except
        the pasted article text of ``/submit``, which is cleaned like any article.
        """
        try:
            if getattr(fn, "__name__", "") not in FREE_TEXT:
                for value in (*args, *kw.values()):
                    if isinstance(value, str):
                        check_name(value, "a command")
            return await fn(req, *args, **kw)
        except UserError as exc:
            return Reply.fail(redact(str(exc)), exc.channels)
        except ControlCharacters as exc:
            return Reply.fail(str(exc))

    # -- autocomplete -----------------------------------------------------------

    def topic_choices(self, req: CommandRequest, prefix: str = "") -> list[tuple[str, str]]:
        """(label, value) pairs of topics whose name or slug starts with ``prefix``."""
        p = prefix.lower().strip()
        return [
            (t.name, t.slug)
            for t in self.repo.list_topics(req.platform, req.workspace_id)
            if not p or t.slug.startswith(p) or p in t.name.lower()
        ][:25]

    def key_choices(
        self, req: CommandRequest, topic: str, prefix: str = ""
    ) -> list[tuple[str, str]]:
        found = self.repo.find_topic(req.platform, req.workspace_id, topic) if topic else None
        if found is None:
            return []
        p = prefix.lower().strip()
        return [
            (label, key)
            for key, label in self.repo.keys(found.id)
            if not p or p in label.lower() or p in key.lower()
        ][:25]

    # -- everyone -----------------------------------------------------------------

    async def claims(
        self,
        req: CommandRequest,
        topic: str,
        key: str | None = None,
        since: str | None = None,
        page: int = 1,
    ) -> Reply:
        t = await self._call(self._topic, req, topic)
        k = await self._call(self._resolve_key, t, key)
        since_dt = parse_since(since) if since else None
        shown = await self._call(
            self.repo.claim_lines, t.id, k, since_dt, _page_index(page), KEYS_PER_PAGE
        )
        if not shown.items:
            when = f" since {fmt_date(since_dt)}" if since_dt else ""
            if shown.total:
                return Reply.fail(f"{t.name} has {shown.pages} page(s) of claims{when}.")
            return Reply(text=f"No claims on {t.name}{when} yet.", title=f"Claims · {t.name}")
        fields: list[Field] = []
        for ks in shown.items:
            lines = []
            for ln in ks.lines:
                was = f" (was {ln.previous_value})" if ln.previous_value else ""
                rep = f" · repeated by {ln.repeats}" if ln.repeats else ""
                lines.append(
                    f"• {ln.source}: **{ln.value_text}**{was} — since {fmt_date(ln.since)}"
                    f" ({ln.outlet}){rep}"
                )
            fields.append(Field(name=ks.key_label, value="\n".join(lines)[:1000]))
        args = [t.slug] + ([k] if k else []) + ([since] if since else [])
        return Reply(
            title=f"Claims · {t.name}",
            text="Latest claim per key and source." + _page_note(shown, "keys"),
            fields=fields,
            more=_next_page("claims", args, shown),
        )

    async def sources(self, req: CommandRequest, topic: str, page: int = 1) -> Reply:
        t = await self._call(self._topic, req, topic)
        shown = await self._call(self.repo.source_rows, t.id, _page_index(page), SOURCES_PER_PAGE)
        if not shown.items:
            if shown.total:
                return Reply.fail(f"{t.name} has {shown.pages} page(s) of sources.")
            return Reply(text=f"No sources on {t.name} yet.", title=f"Sources · {t.name}")
        rows = [
            (
                s.source,
                "; ".join(f"{label}: {value}" for label, value in s.latest)[:120],
                str(s.statements),
                str(len(s.outlets)),
                fmt_date(s.last),
            )
            for s in shown.items
        ]
        return Reply(
            title=f"Sources · {t.name}",
            text=f"{shown.total} sources." + _page_note(shown, "sources"),
            table_headers=("Source", "Latest", "Statements", "Outlets", "Last heard"),
            table_rows=rows,
            more=_next_page("sources", [t.slug], shown),
        )

    async def timeline(self, req: CommandRequest, topic: str, key: str | None = None) -> Reply:
        t = await self._call(self._topic, req, topic)
        k = await self._call(self._resolve_key, t, key)
        if k is None:
            k = await self._call(self.repo.chart_key, t.id)
        if k is None:
            return Reply.fail(f"No figures on {t.name} to chart yet.")
        label, series, statements = await self._call(self.repo.figure_series, t.id, k)
        if not series:
            return Reply.fail(f"No figures on {t.name} to chart yet.")
        points = [Point(p.source, p.at, ClaimValue.from_json(p.value)) for p in series]
        png = await self._call(render_timeline, f"{t.name} · {label}", points)
        sources = sorted({p.source for p in series})
        return Reply(
            title=f"Timeline · {label}",
            text=f"{statements} statements from {len(sources)} sources: " + ", ".join(sources),
            attachment=Attachment(filename=f"timeline-{t.slug}.png", data=png),
        )

    async def submit(self, req: CommandRequest, content: str) -> Reply:
        content = strip_controls(content or "").strip()
        if not content:
            raise UserError("Give a URL or paste the article text: /submit URL|TEXT")
        if re.match(r"^https?://\S+$", content):
            item = await self._fetch(content)
        elif re.match(r"^[a-z][a-z0-9+.-]*://", content, re.IGNORECASE) and " " not in content:
            raise UserError("Only http:// and https:// links can be submitted.")
        else:
            if len(content.split()) < 8:
                raise UserError("That text is too short to hold a claim; paste the whole article.")
            digest = hashlib.sha256(content.encode()).hexdigest()[:16]
            title, _, body = content.partition("\n")
            item = ArticleIn(
                url=f"submitted://{req.platform}/{req.workspace_id}/{digest}",
                title=title.strip()[:200] if body.strip() else "",
                text=body.strip() if body.strip() else content,
                outlet=f"submitted by {req.user_name or req.user_id}",
                published_at=datetime.now(UTC),
                origin="chat",
            )
            try:
                item = admit_article(item, max_chars=self.settings.article_max_chars, local=True)
            except ArticleRefused as exc:
                raise UserError(f"That text was not taken: {exc}.") from None
        outcome = await self.pipeline.ingest(item)
        if item.origin != "chat" and self.revisions is not None:
            await asyncio.to_thread(self.revisions.track, item)
        return self._ingest_reply(outcome, item)

    async def _fetch(self, url: str) -> ArticleIn:
        if self.fetcher is None:
            raise UserError("Fetching links is not available in this deployment.")
        from bot.ingest.fetch import FetchError
        from bot.ingest.pages import fetch_article

        try:
            return await fetch_article(url, self.fetcher, user_submitted=True)
        except FetchError as exc:
            raise UserError(str(exc)) from None

    def _ingest_reply(self, outcome: IngestOutcome, item: ArticleIn) -> Reply:
        status = outcome.stored.status
        if status == "duplicate":
            return Reply(
                text="Already known: that article is stored, nothing new in it.", ephemeral=True
            )
        what = "new revision of a known article" if status == "revision" else "new article"
        alerts = outcome.alerts
        repeats = [e for e in outcome.events if e.kind == "repeat"]
        fields = [
            Field(
                name=f"{e.kind.replace('_', ' ')} · {e.key_label}",
                value=f"{e.source}: {e.value}"
                + (f" (was {e.previous_value})" if e.previous_value else ""),
            )
            for e in alerts[:10]
        ]
        topics = sorted({e.topic_name for e in outcome.events})
        text = (
            f"Stored as a {what}"
            + (f" from {item.outlet}" if item.outlet else "")
            + f". {len(alerts)} alert(s), {len(repeats)} repeat(s)"
            + (f" on {', '.join(topics)}." if topics else "; it matched no topic's claims.")
        )
        return Reply(title="Submitted", text=text, fields=fields, ephemeral=True)

    # -- admins ---------------------------------------------------------------------

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

    async def alias_add(
        self, req: CommandRequest, source: str, alias: str, topic: str | None = None
    ) -> Reply:
        self._require_admin(req)
        source, alias = (source or "").strip(), (alias or "").strip()
        if not source or not alias:
            raise UserError("Usage: /claimwatch alias add SOURCE ALIAS [TOPIC]")
        if topic:
            t = await asyncio.to_thread(self._topic, req, topic)
            await asyncio.to_thread(self.repo.add_alias, t.id, alias, source, req.user_id)
            scope = f"on {t.name}"
        else:
            name = f"{req.platform}:{req.workspace_id}"
            current = await asyncio.to_thread(self.repo.kv_get, ALIAS_NAMESPACE, name) or {}
            current[alias.lower()] = source
            await asyncio.to_thread(self.repo.kv_put, ALIAS_NAMESPACE, name, current)
            scope = "on every topic here"
        await self._audit(
            req,
            "alias.add",
            source=source,
            alias=alias,
            topic=topic,
        )
        self.pipeline.invalidate()
        return Reply(text=f"'{alias}' now reads as **{source}** {scope} (for new articles).")

    async def status(self, req: CommandRequest) -> Reply:
        now = datetime.now(UTC)
        feeds = await asyncio.to_thread(self.repo.feeds, req.platform, req.workspace_id)
        subs = await asyncio.to_thread(self.repo.subscriptions, req.platform, req.workspace_id)
        lag = await asyncio.to_thread(self.repo.pipeline_lag, now)
        counts = await asyncio.to_thread(self.repo.alert_counts)
        fields: list[Field] = []
        for f in feeds[:15]:
            state = "disabled" if f.disabled else f"{f.failures} failure(s)" if f.failures else "ok"
            lines = [
                f"state: {state}; items seen: {f.items_seen}",
                f"last success: {fmt_time(f.last_success_at)}",
                f"next poll: {'—' if f.disabled else fmt_time(f.next_poll_at)}",
            ]
            if f.last_error:
                error = redact(f.last_error[:200])
                lines.append(f"last error: {error} ({fmt_time(f.last_error_at)})")
            fields.append(Field(redact(f"Feed #{f.id} {f.url}")[:250], "\n".join(lines)))
        paused = [s for s in subs if s.paused]
        for s in paused:
            fields.append(
                Field(
                    f"Paused: {s.topic.slug} → {s.channel_id}",
                    redact(s.pause_reason or "paused"),
                )
            )
        lag_text = "nothing waiting" if lag is None else f"{int(lag.total_seconds())} s"
        summary = (
            f"{len(feeds)} feed(s), {sum(1 for f in feeds if f.disabled)} disabled; "
            f"{len(subs)} subscription(s), {len(paused)} paused. "
            f"Pipeline lag: {lag_text}. Alerts: "
            + (", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "none yet")
            + "."
        )
        return Reply(title="Claimwatch status", text=summary, fields=fields, ephemeral=True)

    async def help(self, req: CommandRequest) -> Reply:
        return Reply(title="Claimwatch commands", text="\n".join(USAGE.values()), ephemeral=True)

    # -- the text grammar -----------------------------------------------------------

    async def execute(self, req: CommandRequest, line: str) -> Reply:
        """Run one command line in the slash-command grammar (console, tests, Slack text).

        Line breaks and tabs count as spaces, except in ``/submit``'s pasted text;
        any other control character refuses the command.
        """
        line = line.strip()
        try:
            if not line.lower().startswith("/submit"):
                line = check_name(" ".join(line.split()), "a command")
            return await self._execute(req, line)
        except UserError as exc:
            return Reply.fail(redact(str(exc)), exc.channels)
        except ControlCharacters as exc:
            return Reply.fail(str(exc))

    async def _execute(self, req: CommandRequest, line: str) -> Reply:
        if not line.startswith("/"):
            raise UserError("Commands start with '/': try /claimwatch help")
        command, _, rest = line[1:].partition(" ")
        command = command.lower()
        rest = rest.strip()
        if command == "claims":
            args, page = _take_page(_split(rest))
            if not args:
                raise UserError("Usage: " + USAGE["claims"])
            key, since = None, None
            extra = args[1:]
            if extra and _looks_like_since(extra[-1]):
                since = extra.pop()
            if extra:
                key = " ".join(extra)
            return await self.claims(req, args[0], key, since, page)
        if command == "sources":
            args, page = _take_page(_split(rest))
            if not args:
                raise UserError("Usage: " + USAGE["sources"])
            return await self.sources(req, args[0], page)
        if command == "timeline":
            args = _split(rest)
            if not args:
                raise UserError("Usage: " + USAGE["timeline"])
            return await self.timeline(req, args[0], " ".join(args[1:]) or None)
        if command == "submit":
            return await self.submit(req, rest)
        if command == "claimwatch":
            return await self.admin_line(req, rest)
        raise UserError(f"Unknown command /{command}. Try /claimwatch help")

    async def admin_line(self, req: CommandRequest, rest: str) -> Reply:
        """The ``/claimwatch …`` subcommands from one line of text."""
        sub, _, tail = rest.partition(" ")
        sub = sub.lower()
        tail = tail.strip()
        if sub in ("", "help"):
            return await self.help(req)
        if sub == "status":
            return await self.status(req)
        if sub == "topic":
            action, _, args = tail.partition(" ")
            action = action.lower()
            if action == "list":
                return await self.topic_list(req)
            if action == "add":
                name, query = _first_and_rest(args)
                return await self.topic_add(req, name, query)
            if action == "remove":
                return await self.topic_remove(req, _first_and_rest(args)[0])
            if action == "edit":
                name, more = _first_and_rest(args)
                field_name, _, value = more.partition(" ")
                field_name = field_name.lower()
                if field_name == "query":
                    return await self.topic_edit(req, name, query=value)
                if field_name == "name":
                    return await self.topic_edit(req, name, new_name=value.strip())
                if field_name == "mode":
                    return await self.topic_edit(req, name, mode=value.strip().lower())
                if more:
                    return await self.topic_edit(req, name, query=more)
                raise UserError("Usage: " + USAGE["topic edit"])
            raise UserError("Usage: /claimwatch topic add|edit|remove|list")
        if sub == "subscribe":
            args = _split(tail)
            if not args:
                raise UserError("Usage: " + USAGE["subscribe"])
            channel, mode = None, "instant"
            for a in args[1:]:
                if a.lower() in MODES:
                    mode = a.lower()
                else:
                    channel = a
            return await self.subscribe(req, args[0], channel, mode)
        if sub == "unsubscribe":
            args = _split(tail)
            if not args:
                raise UserError("Usage: " + USAGE["unsubscribe"])
            return await self.unsubscribe(req, args[0], args[1] if len(args) > 1 else None)
        if sub == "feed":
            action, _, args = tail.partition(" ")
            action = action.lower()
            parts = _split(args)
            if action == "list":
                return await self.feed_list(req)
            if action == "add" and parts:
                return await self.feed_add(req, parts[0], parts[1] if len(parts) > 1 else None)
            if action == "remove" and parts:
                return await self.feed_remove(req, parts[0])
            raise UserError("Usage: /claimwatch feed add URL [TOPIC] | list | remove URL|ID")
        if sub == "alias":
            action, _, args = tail.partition(" ")
            parts = _split(args)
            if action.lower() == "add" and len(parts) >= 2:
                return await self.alias_add(
                    req, parts[0], parts[1], parts[2] if len(parts) > 2 else None
                )
            raise UserError("Usage: " + USAGE["alias add"])
        raise UserError(f"Unknown subcommand '{sub}'. Try /claimwatch help")


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        raise UserError("Unbalanced quotes in the command.") from None


def _first_and_rest(text: str) -> tuple[str, str]:
    """'"My topic" a AND b' -> ('My topic', 'a AND b'): a quoted or single-word name."""
    text = text.strip()
    if text[:1] in ("'", '"'):
        end = text.find(text[0], 1)
        if end == -1:
            raise UserError("Unbalanced quotes in the topic name.")
        return text[1:end], text[end + 1 :].strip()
    first, _, rest = text.partition(" ")
    return first, rest.strip()


def _looks_like_since(token: str) -> bool:
    return bool(_SINCE_RE.match(token) or re.match(r"^\d{4}-\d{2}-\d{2}", token))


def _take_page(args: list[str]) -> tuple[list[str], int]:
    """Split a trailing ``--page N`` (or ``--page=N``) off the arguments."""
    for i, a in enumerate(args):
        if a == "--page" or a.startswith("--page="):
            value = a.partition("=")[2] if "=" in a else " ".join(args[i + 1 : i + 2])
            rest = args[:i] + args[i + (1 if "=" in a else 2) :]
            if not value.isdigit() or int(value) < 1:
                raise UserError("--page takes a page number: 1, 2, …")
            return rest, int(value)
    return args, 1


def _page_index(page: int | None) -> int:
    if page is not None and page < 1:
        raise UserError("Pages are numbered from 1.")
    return (page or 1) - 1


def _page_note(shown: Page[object], what: str) -> str:
    if shown.pages == 1:
        return ""
    return f" Page {shown.page + 1} of {shown.pages} ({shown.total} {what})."


def _next_page(command: str, args: list[str], shown: Page[object]) -> str | None:
    if not shown.has_more:
        return None
    quoted = " ".join(shlex.quote(a) for a in args)
    return f"/{command} {quoted} --page {shown.page + 2}"
