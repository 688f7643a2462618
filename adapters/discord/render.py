"""Rendering for Discord: ``Reply`` → message arguments, alerts → embed + persistent buttons.

The buttons are ``DynamicItem``s whose ``custom_id`` carries the topic (and
key), so they keep working after a restart without any stored view.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import discord

from bot.commands import Commands
from bot.domain import EVENT_TITLES, Alert
from bot.messages import CommandRequest, DigestMessage, Reply

log = logging.getLogger(__name__)

COLOURS = {
    "new_claim": discord.Colour.green(),
    "new_source": discord.Colour.blue(),
    "changed": discord.Colour.gold(),
    "repeat": discord.Colour.light_grey(),
}
ERROR_COLOUR = discord.Colour.red()
# Discord's limits
TITLE_MAX, DESCRIPTION_MAX, FIELD_NAME_MAX, FIELD_VALUE_MAX = 256, 4096, 256, 1024
FIELDS_MAX, EMBED_TOTAL_MAX, CONTENT_MAX, EMBEDS_PER_MESSAGE = 25, 6000, 2000, 10
CUSTOM_ID_MAX = 100
NO_MENTIONS = discord.AllowedMentions.none()


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def web_url(url: str | None) -> str | None:
    """Discord rejects embed links that are not http(s) (submitted texts have none)."""
    return url if url and re.match(r"^https?://", url) else None


@dataclass
class Rendered:
    """Keyword arguments for ``send_message`` / ``send`` / ``edit_original_response``."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    files: list[discord.File] = field(default_factory=list)
    ephemeral: bool = False
    view: discord.ui.View | None = None

    def send_kwargs(self) -> dict[str, Any]:
        kw: dict[str, Any] = {
            "embeds": self.embeds,
            "files": self.files,
            "allowed_mentions": NO_MENTIONS,
        }
        if self.content:
            kw["content"] = self.content
        if self.view is not None:
            kw["view"] = self.view
        return kw

    def edit_kwargs(self) -> dict[str, Any]:
        kw: dict[str, Any] = {
            "content": self.content,
            "embeds": self.embeds,
            "attachments": self.files,
            "allowed_mentions": NO_MENTIONS,
        }
        if self.view is not None:
            kw["view"] = self.view
        return kw


class EmbedBudget:
    """Adds fields to an embed while it stays under Discord's 6,000-character total."""

    def __init__(self, embed: discord.Embed) -> None:
        self.embed = embed
        self.used = len(embed)

    def add(self, name: str, value: str, inline: bool = False) -> bool:
        name, value = clip(name or "—", FIELD_NAME_MAX), clip(value or "—", FIELD_VALUE_MAX)
        if len(self.embed.fields) >= FIELDS_MAX or self.used + len(name) + len(value) > 5800:
            return False
        self.embed.add_field(name=name, value=value, inline=inline)
        self.used += len(name) + len(value)
        return True


def render_reply(reply: Reply) -> Rendered:
    """A command's answer: plain words for errors and one-liners, an embed otherwise."""
    out = Rendered(ephemeral=reply.ephemeral)
    if reply.error:
        out.content = clip(reply.text, CONTENT_MAX)
        return out
    if not (reply.title or reply.fields or reply.table_rows or reply.attachment):
        out.content = clip(reply.text, CONTENT_MAX)
        return out
    embed = discord.Embed(
        title=clip(reply.title, TITLE_MAX) if reply.title else None,
        description=clip(reply.text, DESCRIPTION_MAX) if reply.text else None,
        colour=discord.Colour.blurple(),
    )
    budget = EmbedBudget(embed)
    shown = 0
    for f in reply.fields:
        if not budget.add(f.name, f.value, f.inline):
            break
        shown += 1
    rows_shown = 0
    if reply.table_rows:
        headers = list(reply.table_headers)
        for row in reply.table_rows:
            name = row[0] if row else "—"
            lines = [
                f"{headers[i] if i < len(headers) else ''}: {cell}".lstrip(": ")
                for i, cell in enumerate(row)
                if i > 0 and cell
            ]
            if not budget.add(name, "\n".join(lines)):
                break
            rows_shown += 1
    hidden = (len(reply.fields) - shown) + (len(reply.table_rows) - rows_shown)
    footer = [f"{hidden} more not shown"] if hidden else []
    if reply.more:
        if MoreButton.fits(reply.more):
            out.view = discord.ui.View(timeout=None)
            out.view.add_item(MoreButton(reply.more))
        else:
            footer.append(f"More: {reply.more}")
    if footer:
        embed.set_footer(text=clip(" · ".join(footer), 2048))
    if reply.attachment:
        out.files.append(
            discord.File(io.BytesIO(reply.attachment.data), filename=reply.attachment.filename)
        )
        if reply.attachment.content_type.startswith("image/"):
            embed.set_image(url=f"attachment://{reply.attachment.filename}")
    out.embeds.append(embed)
    return out


# -- alerts -----------------------------------------------------------------------------


def alert_embed(alert: Alert) -> discord.Embed:
    """One alert: kind in title and colour; source, value, topic, key, evidence, outlet."""
    embed = discord.Embed(
        title=clip(alert.headline, TITLE_MAX),
        url=web_url(alert.url),
        description=clip(f"> {alert.evidence}", DESCRIPTION_MAX) if alert.evidence else None,
        colour=COLOURS.get(alert.kind, discord.Colour.default()),
        timestamp=alert.published_at or alert.asserted_at,
    )
    budget = EmbedBudget(embed)
    budget.add("Source", alert.source_line, True)
    budget.add("Changed" if alert.kind == "changed" else "Value", f"**{alert.value_line}**", True)
    budget.add("Topic", alert.topic_name, True)
    budget.add("Key", alert.key_label, False)
    if alert.conflicts_with:
        budget.add("Conflicts with", "\n".join(alert.conflicts_with), False)
    if alert.note:
        budget.add("Note", alert.note, False)
    link = web_url(alert.url)
    outlet = alert.outlet or "source"
    article = alert.title or outlet
    budget.add("Read at", f"[{clip(article, 200)}]({link}) · {outlet}" if link else outlet, False)
    budget.add("Corroboration", corroboration_text(alert.corroboration), True)
    embed.set_footer(text=f"Claimwatch · {EVENT_TITLES.get(alert.kind, alert.kind)}")
    return embed


def corroboration_text(n: int) -> str:
    if n <= 0:
        return "not yet corroborated"
    return f"corroborated by {n} other article{'s' if n != 1 else ''}"


def alert_view(topic_slug: str, key: str | None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(SourcesButton(topic_slug))
    view.add_item(TimelineButton(topic_slug, key))
    return view


def digest_message(digest: DigestMessage) -> tuple[str, list[discord.Embed]]:
    """One message per digest: up to ten alert embeds, or a compact list beyond that."""
    n = len(digest.alerts)
    content = f"**Digest · {digest.topic_name}** — {n} alert{'s' if n != 1 else ''}"
    if n <= EMBEDS_PER_MESSAGE:
        embeds = [alert_embed(a) for a in digest.alerts]
        while sum(len(e) for e in embeds) > EMBED_TOTAL_MAX and len(embeds) > 1:
            embeds.pop()
        if len(embeds) == n:
            return content, embeds
    lines: list[str] = []
    for a in digest.alerts:
        link = web_url(a.url)
        where = f"[{a.outlet or 'link'}]({link})" if link else a.outlet
        lines.append(
            f"• **{EVENT_TITLES.get(a.kind, a.kind)}** · {a.key_label} — "
            f"{a.source_line}: **{a.value_line}** ({where})"
        )
    text, shown = "", 0
    for line in lines:
        if len(text) + len(line) + 60 > DESCRIPTION_MAX:
            break
        text += line + "\n"
        shown += 1
    if shown < n:
        text += f"… and {n - shown} more: /claims {digest.topic_slug}"
    embed = discord.Embed(
        title=f"Digest · {digest.topic_name}",
        description=text.strip(),
        colour=discord.Colour.blurple(),
    )
    return content, [embed]


# -- persistent buttons ---------------------------------------------------------------


class ButtonHost(Protocol):
    """What a button needs of the client: the core's commands and the way commands answer."""

    @property
    def commands(self) -> Commands: ...

    async def answer(
        self,
        interaction: discord.Interaction,
        handler: Callable[[CommandRequest], Awaitable[Reply]],
        *,
        force_ephemeral: bool = False,
        defer_after: float | None = None,
    ) -> None: ...


def _client(interaction: discord.Interaction) -> ButtonHost:
    return interaction.client  # type: ignore[return-value]


class SourcesButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"cw:sources:(?P<topic>[^:]+)"
):
    """'Sources' under an alert: the topic's sources, answered ephemerally."""

    def __init__(self, topic: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Sources",
                style=discord.ButtonStyle.secondary,
                custom_id=clip(f"cw:sources:{topic}", CUSTOM_ID_MAX),
            )
        )
        self.topic = topic

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> SourcesButton:
        return cls(match["topic"])

    async def callback(self, interaction: discord.Interaction) -> None:
        host = _client(interaction)
        commands = host.commands
        await host.answer(
            interaction,
            lambda req: commands.run(commands.sources, req, self.topic),
            force_ephemeral=True,
        )


class TimelineButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"cw:timeline:(?P<topic>[^:]+)(?::(?P<key>.+))?",
):
    """'Timeline' under an alert: the key's chart, answered ephemerally."""

    def __init__(self, topic: str, key: str | None = None) -> None:
        custom_id = f"cw:timeline:{topic}" + (f":{key}" if key else "")
        if len(custom_id) > CUSTOM_ID_MAX:  # too long a key: chart the topic's main key
            custom_id, key = f"cw:timeline:{topic}"[:CUSTOM_ID_MAX], None
        super().__init__(
            discord.ui.Button(
                label="Timeline", style=discord.ButtonStyle.secondary, custom_id=custom_id
            )
        )
        self.topic, self.key = topic, key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> TimelineButton:
        return cls(match["topic"], match["key"])

    async def callback(self, interaction: discord.Interaction) -> None:
        host = _client(interaction)
        commands = host.commands
        await host.answer(
            interaction,
            lambda req: commands.run(commands.timeline, req, self.topic, self.key),
            force_ephemeral=True,
            defer_after=0.0,
        )


class MoreButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"cw:more:(?P<line>.+)"):
    """'More' under a paged reply: its ``custom_id`` carries the next page's command line,
    answered ephemerally to whoever clicks (after a restart too)."""

    PREFIX = "cw:more:"

    def __init__(self, line: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="More", style=discord.ButtonStyle.secondary, custom_id=self.PREFIX + line
            )
        )
        self.line = line

    @classmethod
    def fits(cls, line: str) -> bool:
        return len(cls.PREFIX + line) <= CUSTOM_ID_MAX

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> MoreButton:
        return cls(match["line"])

    async def callback(self, interaction: discord.Interaction) -> None:
        host = _client(interaction)
        commands = host.commands
        await host.answer(
            interaction, lambda req: commands.execute(req, self.line), force_ephemeral=True
        )


def dynamic_items() -> tuple[type[discord.ui.DynamicItem[Any]], ...]:
    return (SourcesButton, TimelineButton, MoreButton)
