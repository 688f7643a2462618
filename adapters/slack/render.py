"""Block Kit rendering: ``Reply``, ``Alert`` and ``DigestMessage`` to Slack messages.

Pure functions, no I/O. Every piece of text is escaped for Slack's mrkdwn,
so no ``<!here>``, ``<@U…>`` or ``<#C…>`` in an article or in what a user
typed becomes a mention; the only entities kept are the channel links the
core made on purpose (``Reply.channels``). Bare ``@here``/``@channel``/
``@everyone`` get a zero-width space after the ``@`` and mrkdwn objects are
``verbatim`` (no automatic mention parsing). Block Kit's limits (50 blocks,
150 characters in a header, 3,000 in a section, 2,000 in a field) are
respected by truncating, never by failing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.domain import Alert
from bot.messages import DigestMessage, Reply

Block = dict[str, Any]

ACTION_SOURCES = "claimwatch_sources"
ACTION_TIMELINE = "claimwatch_timeline"
ACTION_MORE = "claimwatch_more"
MAX_BLOCKS = 50
HEADER_MAX = 150
SECTION_MAX = 3000
FIELD_MAX = 2000
FALLBACK_MAX = 3000
DIGEST_MAX_ALERTS = 12
TABLE_CELL_MAX = 40

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_BARE_MENTION = re.compile(r"@(here|channel|everyone)\b", re.IGNORECASE)
_CHANNEL_ID = re.compile(r"^[A-Za-z0-9]{1,32}$")


@dataclass
class SlackMessage:
    """What ``chat.postMessage`` or a ``response_url`` gets: fallback text plus blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    ephemeral: bool = True

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn gives meaning to; defuse bare @here."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BARE_MENTION.sub("@\u200b\\1", text)


def linked(escaped: str, channels: Sequence[str] = ()) -> str:
    """Turn the escaped ``&lt;#C1&gt;`` of channels the core linked on purpose back into links."""
    for channel in channels:
        if _CHANNEL_ID.match(channel):
            escaped = escaped.replace(f"&lt;#{channel}&gt;", f"<#{channel}>")
    return escaped


def mrkdwn(text: str, channels: Sequence[str] = ()) -> str:
    """The core's light markdown (``**bold**``, `` `code` ``) as Slack mrkdwn, all escaped
    except links to ``channels``."""
    return _BOLD.sub(r"*\1*", linked(escape(text), channels))


def link(url: str, label: str) -> str:
    """A Slack link for web URLs; anything else (``submitted://…``) as plain text."""
    if re.match(r"^https?://", url):
        safe = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")
        return f"<{safe}|{escape(label)}>"
    return escape(label)


def plain(text: str, limit: int = HEADER_MAX) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def md(text: str, limit: int = SECTION_MAX) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(text, limit) or " ", "verbatim": True}


def section(text: str) -> Block:
    return {"type": "section", "text": md(text)}


def quote(text: str, limit: int = SECTION_MAX) -> str:
    body = clip(" ".join(text.split()), limit - 2)
    return "> " + escape(body)


# -- replies ---------------------------------------------------------------------------


def table_text(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A fixed-width table (Block Kit has none) for a code block."""
    cells = [[clip(c, TABLE_CELL_MAX) for c in row] for row in rows]
    head = [clip(h, TABLE_CELL_MAX) for h in headers]
    widths = [len(h) for h in head]
    for row in cells:
        for i, c in enumerate(row):
            if i < len(widths):
                widths[i] = max(widths[i], len(c))
            else:
                widths.append(len(c))
    lines = []
    if head:
        lines.append("  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip())
    for row in cells:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    return "\n".join(lines)


def _code_sections(text: str) -> list[Block]:
    """Code blocks of at most SECTION_MAX characters, split on line ends."""
    blocks: list[Block] = []
    chunk: list[str] = []
    size = 0
    for line in escape(text).splitlines():
        if chunk and size + len(line) + 1 > SECTION_MAX - 8:
            blocks.append(section("```" + "\n".join(chunk) + "```"))
            chunk, size = [], 0
        chunk.append(line[: SECTION_MAX - 8])
        size += len(line) + 1
    if chunk:
        blocks.append(section("```" + "\n".join(chunk) + "```"))
    return blocks


def render_reply(reply: Reply, *, ephemeral: bool | None = None) -> SlackMessage:
    """A command's answer as blocks; ``ephemeral`` overrides the reply's own wish."""
    blocks: list[Block] = []
    if reply.title:
        blocks.append({"type": "header", "text": plain(reply.title)})
    if reply.text:
        prefix = ":warning: " if reply.error else ""
        blocks.append(section(prefix + mrkdwn(reply.text, reply.channels)))
    for f in reply.fields:
        blocks.append(section(f"*{mrkdwn(f.name)}*\n{mrkdwn(f.value)}"))
    if reply.table_rows:
        blocks.extend(_code_sections(table_text(reply.table_headers, reply.table_rows)))
    keep = MAX_BLOCKS - (1 if reply.more else 0)
    if len(blocks) > keep:
        hidden = len(blocks) - (keep - 1)
        blocks = blocks[: keep - 1]
        blocks.append({"type": "context", "elements": [md(f"…and {hidden} more not shown.")]})
    if reply.more:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": ACTION_MORE,
                        "text": plain("More"),
                        "value": clip(reply.more, 2000),
                    }
                ],
            }
        )
    text = clip(linked(escape(reply.as_text().replace("**", "")), reply.channels), FALLBACK_MAX)
    return SlackMessage(
        text=text or " ",
        blocks=blocks,
        ephemeral=reply.ephemeral if ephemeral is None else ephemeral,
    )


# -- alerts ----------------------------------------------------------------------------


def _value_text(alert: Alert) -> str:
    if alert.kind == "changed" and alert.previous_value:
        value = f"~{escape(alert.previous_value)}~ → *{escape(alert.value)}*"
    else:
        value = f"*{escape(alert.value)}*"
    if alert.conflicts_with:
        value += "\n_conflicts with " + escape(", ".join(alert.conflicts_with)) + "_"
    elif alert.note:
        value += f"\n_{escape(alert.note)}_"
    return value


def _corroboration(n: int) -> str:
    if n <= 0:
        return "not corroborated yet"
    return f"corroborated by {n} other article{'s' if n != 1 else ''}"


def _context(alert: Alert) -> Block:
    where = escape(alert.outlet or "unknown outlet")
    label = alert.title or "article"
    return {
        "type": "context",
        "elements": [
            md(f"{where} · {link(alert.url, clip(label, 150))}", FIELD_MAX),
            md(f"Topic: *{escape(alert.topic_name)}*", FIELD_MAX),
            md(_corroboration(alert.corroboration)),
        ],
    }


def button_value(topic_slug: str, key: str | None = None) -> str:
    data = {"t": topic_slug} if key is None else {"t": topic_slug, "k": key}
    return clip(json.dumps(data, separators=(",", ":")), 2000)


def _actions(alert_id: int | str, topic_slug: str, key: str | None) -> Block:
    return {
        "type": "actions",
        "block_id": f"claimwatch-{alert_id}",
        "elements": [
            {
                "type": "button",
                "action_id": ACTION_SOURCES,
                "text": plain("Sources"),
                "value": button_value(topic_slug),
            },
            {
                "type": "button",
                "action_id": ACTION_TIMELINE,
                "text": plain("Timeline"),
                "value": button_value(topic_slug, key),
            },
        ],
    }


def alert_fallback(alert: Alert) -> str:
    return clip(escape(f"{alert.headline}: {alert.source_line} — {alert.value_line}"), 500)


def render_alert(alert: Alert) -> SlackMessage:
    """One alert: header with the kind, source and value, evidence quote, context, buttons."""
    blocks: list[Block] = [
        {"type": "header", "text": plain(alert.headline)},
        {
            "type": "section",
            "fields": [
                md(f"*Source*\n{escape(alert.source_line)}", FIELD_MAX),
                md(f"*Value*\n{_value_text(alert)}", FIELD_MAX),
            ],
        },
        section(quote(alert.evidence)),
        _context(alert),
        _actions(alert.alert_id, alert.topic_slug, alert.key),
    ]
    return SlackMessage(text=alert_fallback(alert), blocks=blocks, ephemeral=False)


def render_digest(digest: DigestMessage) -> SlackMessage:
    """Every alert of one digest period in one message."""
    n = len(digest.alerts)
    blocks: list[Block] = [
        {
            "type": "header",
            "text": plain(f"Digest · {digest.topic_name} · {n} alert{'s' if n != 1 else ''}"),
        }
    ]
    for alert in digest.alerts[:DIGEST_MAX_ALERTS]:
        blocks.append({"type": "divider"})
        blocks.append(
            section(
                f"*{escape(alert.headline)}*\n{escape(alert.source_line)}: {_value_text(alert)}\n"
                + quote(alert.evidence, 1500)
            )
        )
        blocks.append(_context(alert))
    if n > DIGEST_MAX_ALERTS:
        more = n - DIGEST_MAX_ALERTS
        blocks.append(
            {
                "type": "context",
                "elements": [md(f"…and {more} more: /claims {escape(digest.topic_slug)}")],
            }
        )
    blocks.append(_actions(f"digest-{digest.topic_slug}", digest.topic_slug, None))
    text = clip(
        escape(f"Claimwatch digest · {digest.topic_name}: ")
        + "; ".join(alert_fallback(a) for a in digest.alerts[:5]),
        FALLBACK_MAX,
    )
    return SlackMessage(text=text, blocks=blocks[:MAX_BLOCKS], ephemeral=False)
