"""What every command handler shares: the user-error type, argument parsing helpers and the
``CommandBase`` that holds the store, the pipeline and the settings."""

from __future__ import annotations

import asyncio
import re
import shlex
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from bot.config import Settings
from bot.ingest.dates import parse_datetime
from bot.messages import CommandRequest
from bot.pipeline import Pipeline
from bot.topics import slugify
from storage.models import Topic
from storage.repository import Repository
from storage.summaries import Page

if TYPE_CHECKING:
    from bot.ingest.fetch import SafeFetcher
    from bot.ingest.revisions import RevisionChecker

T = TypeVar("T")
MODES = ("instant", "digest")
NOT_ADMIN = (
    "Only admins can change Claimwatch's settings "
    "(Discord: Manage Server; Slack: workspace admins or owners)."
)
_CHANNEL_RE = re.compile(r"^<#([A-Za-z0-9]+)(?:\|[^>]*)?>$")
_CHANNEL_ID_RE = re.compile(r"^[A-Za-z0-9]{1,32}$")
SINCE_RE = re.compile(r"^(\d+)\s*(m|min|h|hours?|d|days?|w|weeks?)$", re.IGNORECASE)


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
    m = SINCE_RE.match(text.strip())
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


class CommandBase:
    """The store, pipeline and settings the handlers work with, and their shared look-ups."""

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


def page_index(page: int | None) -> int:
    if page is not None and page < 1:
        raise UserError("Pages are numbered from 1.")
    return (page or 1) - 1


def page_note(shown: Page[object], what: str) -> str:
    if shown.pages == 1:
        return ""
    return f" Page {shown.page + 1} of {shown.pages} ({shown.total} {what})."


def next_page(command: str, args: list[str], shown: Page[object]) -> str | None:
    if not shown.has_more:
        return None
    quoted = " ".join(shlex.quote(a) for a in args)
    return f"/{command} {quoted} --page {shown.page + 2}"
