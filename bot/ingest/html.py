"""Article extraction from HTML: main text without page cruft, title, outlet, author, date."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

import trafilatura
from htmldate import find_date

from bot.ingest.dates import parse_datetime
from bot.ingest.urls import canonical_url, hostname_outlet

log = logging.getLogger(__name__)

_CANONICAL_RE = re.compile(
    r"<link[^>]+rel=[\"']?canonical[\"']?[^>]*href=[\"']([^\"']+)[\"']|"
    r"<link[^>]+href=[\"']([^\"']+)[\"'][^>]*rel=[\"']?canonical",
    re.IGNORECASE,
)
_OG_URL_RE = re.compile(
    r"<meta[^>]+property=[\"']og:url[\"'][^>]*content=[\"']([^\"']+)[\"']", re.IGNORECASE
)


class ExtractionFailed(ValueError):
    """The page has no article text that could be found."""


@dataclass(frozen=True)
class ExtractedPage:
    url: str
    title: str
    text: str
    outlet: str
    author: str | None
    published_at: datetime | None
    language: str | None


def _canonical_from_html(html: str) -> str | None:
    head = html[:200_000]
    m = _CANONICAL_RE.search(head)
    if m:
        return m.group(1) or m.group(2)
    m = _OG_URL_RE.search(head)
    return m.group(1) if m else None


def _published(html: str, metadata_date: str | None) -> datetime | None:
    try:
        found = find_date(
            html, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z", extensive_search=False
        )
    except Exception:
        log.debug("htmldate failed", exc_info=True)
        found = None
    return parse_datetime(found) or parse_datetime(metadata_date)


def extract_html(html: str, url: str = "") -> ExtractedPage:
    """Extract the article in ``html``; raise ``ExtractionFailed`` when there is none."""
    if not html or not html.strip():
        raise ExtractionFailed("the page is empty")
    try:
        doc = trafilatura.bare_extraction(
            html, url=url or None, with_metadata=True, favor_recall=True, include_comments=False
        )
    except Exception as exc:
        raise ExtractionFailed(f"the HTML could not be parsed ({exc.__class__.__name__})") from exc
    if doc is None:
        raise ExtractionFailed("no article text found in the page")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = (data.get("text") or "").strip()
    title = (data.get("title") or "").strip()
    if title and text.startswith(title):
        text = text[len(title) :].lstrip()
    if len(text.split()) < 5:
        raise ExtractionFailed("no article text found in the page")
    found_url = _canonical_from_html(html) or data.get("url") or url
    final_url = canonical_url(found_url) if found_url else canonical_url(url)
    outlet = (data.get("sitename") or "").strip() or hostname_outlet(final_url or url)
    return ExtractedPage(
        url=final_url,
        title=title,
        text=text,
        outlet=outlet,
        author=(data.get("author") or None),
        published_at=_published(html, data.get("date")),
        language=data.get("language"),
    )
