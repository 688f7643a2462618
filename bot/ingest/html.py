"""Article extraction from HTML: main text without page cruft, title, outlet, author, date.

The page is parsed once with lxml (trafilatura's parser settings); scripts,
styles, SVG, templates and other things that never hold article text are cut
from the tree first (JSON-LD metadata stays), and a page that still has more
than ``max_elements`` elements is refused: trafilatura's time grows with the
number of elements (about 0.1 ms each, so 1 MB of tiny ``<span>``s took
6 s), not with the bytes of a well-formed article. ``bot.ingest.extraction``
runs this under a time and memory budget in a worker process.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass
from datetime import datetime

import trafilatura
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.utils import load_html

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


# elements that never hold article text; removed before extraction (JSON-LD scripts are kept)
CUT_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "math", "canvas", "iframe", "object"}
)
JSON_LD = "application/ld+json"
NO_TEXT = "no article text found in the page"


class ExtractionFailed(ValueError):
    """The page has no article text that could be found, or is over budget; ``str()`` says which."""


def prune_tree(tree: HtmlElement) -> int:
    """Cut elements that hold no article text; return how many elements are left."""
    doomed = [
        el
        for el in tree.iter()
        if isinstance(el.tag, str)
        and el.tag.lower() in CUT_TAGS
        and not (el.tag.lower() == "script" and (el.get("type") or "").lower() == JSON_LD)
    ]
    doomed += [el for el in tree.iter() if not isinstance(el.tag, str)]  # comments, PIs
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        if el.tail:  # keep the text that follows the cut element
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)
    return sum(1 for _ in tree.iter())


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


def _published(tree: HtmlElement, metadata_date: str | None) -> datetime | None:
    try:
        found = find_date(
            tree, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z", extensive_search=False
        )
    except Exception:
        log.debug("htmldate failed", exc_info=True)
        found = None
    return parse_datetime(found) or parse_datetime(metadata_date)


def extract_html(html: str, url: str = "", max_elements: int | None = None) -> ExtractedPage:
    """Extract the article in ``html``; raise ``ExtractionFailed`` when there is none.

    ``max_elements`` refuses a page with more elements than that (after pruning).
    """
    if not html or not html.strip():
        raise ExtractionFailed("the page is empty")
    try:
        tree = load_html(html)
    except Exception as exc:
        raise ExtractionFailed(f"the HTML could not be parsed ({exc.__class__.__name__})") from exc
    if tree is None:
        raise ExtractionFailed("the file is not HTML that could be parsed")
    elements = prune_tree(tree)
    if max_elements is not None and elements > max_elements:
        raise ExtractionFailed(
            f"the page has {elements:,} HTML elements besides scripts and styles, over the "
            f"limit of {max_elements:,} (CLAIMWATCH_EXTRACT_MAX_ELEMENTS)"
        )
    date_tree = copy.deepcopy(tree)
    try:
        doc = trafilatura.bare_extraction(
            tree, url=url or None, with_metadata=True, favor_recall=True, include_comments=False
        )
    except Exception as exc:
        raise ExtractionFailed(f"the HTML could not be parsed ({exc.__class__.__name__})") from exc
    if doc is None:
        raise ExtractionFailed(NO_TEXT)
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = (data.get("text") or "").strip()
    title = (data.get("title") or "").strip()
    if title and text.startswith(title):
        text = text[len(title) :].lstrip()
    if len(text.split()) < 5:
        raise ExtractionFailed(NO_TEXT)
    found_url = _canonical_from_html(html) or data.get("url") or url
    final_url = canonical_url(found_url) if found_url else canonical_url(url)
    outlet = (data.get("sitename") or "").strip() or hostname_outlet(final_url or url)
    return ExtractedPage(
        url=final_url,
        title=title,
        text=text,
        outlet=outlet,
        author=(data.get("author") or None),
        published_at=_published(date_tree, data.get("date")),
        language=data.get("language"),
    )
