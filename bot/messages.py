"""Typed messages between the core and the platform adapters.

Inbound: ``CommandRequest`` (who asked what, where). Outbound: ``Reply`` (a
command's answer), ``Alert`` (``bot.domain``), ``DigestMessage`` and
``NoticeMessage`` (things the dispatcher posts). Adapters implement ``Sender`` and render these;
they never see the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.domain import Alert


@dataclass(frozen=True)
class CommandRequest:
    """A slash command as the core sees it, whatever platform it came from."""

    platform: str
    workspace_id: str
    channel_id: str
    user_id: str
    is_admin: bool = False
    user_name: str = ""
    raw: Any = None


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    content_type: str = "image/png"


def channel_link(channel_id: str) -> str:
    """How the core links a channel in reply text (``<#C123>``, as Discord and Slack write it).

    Only links of channels listed in ``Reply.channels`` are rendered as links;
    anything that looks like a mention in user or article text is shown as text.
    """
    return f"<#{channel_id}>"


@dataclass
class Reply:
    """What a command answers; adapters render it as embed, blocks or text.

    ``channels`` are the channel ids the core linked on purpose with
    ``channel_link``; every other mention-like sequence is neutralised.
    """

    text: str
    title: str | None = None
    fields: list[Field] = field(default_factory=list)
    table_headers: Sequence[str] = ()
    table_rows: list[Sequence[str]] = field(default_factory=list)
    attachment: Attachment | None = None
    ephemeral: bool = False
    error: bool = False
    channels: tuple[str, ...] = ()
    more: str | None = None
    """The command line that shows the next page (adapters offer it as a button)."""

    @classmethod
    def fail(cls, text: str, channels: tuple[str, ...] = ()) -> Reply:
        return cls(text=text, ephemeral=True, error=True, channels=channels)

    def as_text(self) -> str:
        """Plain-text rendering used by the console and as a fallback everywhere."""
        parts: list[str] = []
        if self.title:
            parts.append(self.title)
        if self.text:
            parts.append(self.text)
        for f in self.fields:
            parts.append(f"{f.name}: {f.value}")
        if self.table_rows:
            widths = [len(h) for h in self.table_headers]
            for row in self.table_rows:
                for i, cell in enumerate(row):
                    if i < len(widths):
                        widths[i] = max(widths[i], len(cell))
                    else:
                        widths.append(len(cell))
            if self.table_headers:
                parts.append("  ".join(h.ljust(w) for h, w in zip(self.table_headers, widths)))
            for row in self.table_rows:
                parts.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if self.attachment:
            parts.append(f"[attachment {self.attachment.filename}]")
        if self.more:
            parts.append(f"More: {self.more}")
        return "\n".join(parts)


@dataclass(frozen=True)
class DigestMessage:
    """Several alerts of one subscription, posted as one message."""

    platform: str
    workspace_id: str
    channel_id: str
    topic_name: str
    topic_slug: str
    alerts: Sequence[Alert]


@dataclass(frozen=True)
class NoticeMessage:
    """A plain operational message to a channel (a feed was disabled, …)."""

    platform: str
    workspace_id: str
    channel_id: str
    text: str


class DeliveryError(Exception):
    """A send failed. ``pause`` stops the subscription (channel gone, no permission);
    ``retry_after`` asks to try again later without counting an attempt (rate limit), and
    ``scope`` names the bucket that limit covers (``bot.ratelimits``: ``(platform,)``,
    ``(platform, workspace)`` or, by default, the channel)."""

    def __init__(
        self,
        message: str,
        *,
        pause: bool = False,
        retry_after: float | None = None,
        scope: tuple[str, ...] | None = None,
    ) -> None:
        super().__init__(message)
        self.pause = pause
        self.retry_after = retry_after
        self.scope = scope


class Sender(Protocol):
    """What a platform adapter offers the dispatcher."""

    platform: str

    async def send_alert(self, alert: Alert) -> str | None: ...

    async def send_digest(self, digest: DigestMessage) -> str | None: ...

    async def send_notice(self, notice: NoticeMessage) -> str | None: ...
