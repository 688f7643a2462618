"""RSS 0.9x/1.0/2.0 and Atom documents to plain entries (feedparser does the parsing)."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser

from bot.domain import Article
from bot.ingest.urls import canonical_url, hostname_outlet

_TAG_RE = re.compile(r"<[^>]+>")


class FeedError(ValueError):
    """The document is not a feed we can read."""


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str
    text: str
    published_at: datetime | None
    author: str | None
    has_full_content: bool

    def article(self, outlet: str, origin: str, feed_id: int | None = None) -> Article:
        """The entry's own text as an article (when its page is not read)."""
        return Article(
            url=self.url,
            text=self.text,
            title=self.title,
            outlet=outlet or hostname_outlet(self.url),
            published_at=self.published_at,
            author=self.author,
            origin=origin,
            feed_id=feed_id,
        )


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: list[FeedEntry]


def html_to_text(fragment: str) -> str:
    """Strip tags from a feed's HTML summary, keeping paragraph breaks."""
    fragment = re.sub(r"(?i)<\s*(br|/p|/div|/li|/h\d)\s*/?>", "\n", fragment)
    text = html_lib.unescape(_TAG_RE.sub("", fragment))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _entry_date(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime(*value[:6], tzinfo=UTC)
    return None


_BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def _usable(entries: list[feedparser.FeedParserDict]) -> bool:
    return any(
        str(e.get("link") or e.get("id") or "").startswith(("http://", "https://")) for e in entries
    )


def parse_feed(content: bytes | str, base_url: str = "") -> ParsedFeed:
    """Parse a feed document; raise ``FeedError`` saying why when it is not one."""
    parsed = feedparser.parse(content, response_headers={"content-location": base_url})
    version = parsed.get("version") or ""
    reason = parsed.get("bozo_exception") if parsed.get("bozo") else None
    broken = reason is not None and not isinstance(reason, _BENIGN)
    if broken and not _usable(parsed.entries):
        raise FeedError(f"malformed feed XML: {reason}")
    if not version and not parsed.entries:
        raise FeedError("not an RSS or Atom feed")
    entries: list[FeedEntry] = []
    for entry in parsed.entries:
        link = entry.get("link") or entry.get("id") or ""
        if not link.startswith(("http://", "https://")):
            continue
        content_html = ""
        if entry.get("content"):
            content_html = " ".join(c.get("value", "") for c in entry.content)
        summary_html = entry.get("summary") or ""
        text = html_to_text(content_html or summary_html)
        entries.append(
            FeedEntry(
                url=canonical_url(link),
                title=html_to_text(entry.get("title") or ""),
                text=text,
                published_at=_entry_date(entry),
                author=entry.get("author"),
                has_full_content=bool(content_html) and len(text.split()) > 150,
            )
        )
    return ParsedFeed(title=html_to_text(parsed.feed.get("title") or ""), entries=entries)
