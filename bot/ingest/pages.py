"""One web page to one article: safe fetch, robots.txt, extraction, canonical URL.

Used for ``/submit URL``, the CLI's ``ingest URL``, feed items (their links)
and revision checks. Every problem, extraction included, is a ``FetchError``
with a sentence a user can read.
"""

from __future__ import annotations

import asyncio
import logging
import re
from urllib.parse import urljoin, urlsplit

from bot.domain import Article
from bot.ingest.admit import ArticleRefused, admit_article
from bot.ingest.extraction import Budget, extract_page
from bot.ingest.fetch import (
    ACCEPT_HTML,
    FEED_TYPES,
    HTML_TYPES,
    TEXT_TYPES,
    FetchError,
    FetchResult,
    SafeFetcher,
)
from bot.ingest.html import NO_TEXT, ExtractedPage, ExtractionFailed
from bot.ingest.urls import canonical_url, hostname_outlet

log = logging.getLogger(__name__)

_FEED_ROOT_RE = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_SITE_PREFIXES = ("www.", "m.", "amp.", "mobile.")
ORIGIN_SUBMIT = "submit"
ORIGIN_PAGE = "page"


def _site(host: str) -> str:
    host = host.lower()
    for prefix in _SITE_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def trusted_canonical(declared: str, fetched: str) -> str:
    """The page's declared canonical URL when it is on the same site, else the fetched URL.

    A page may not claim another site's address as its own: that would let any
    page overwrite (or invent revisions of) another outlet's article.
    """
    fetched_c = canonical_url(fetched)
    if not declared:
        return fetched_c
    declared_c = canonical_url(urljoin(fetched_c, declared))
    d, f = urlsplit(declared_c), urlsplit(fetched_c)
    if d.scheme not in ("http", "https") or not d.hostname:
        return fetched_c
    ds, fs = _site(d.hostname), _site(f.hostname or "")
    if ds == fs or ds.endswith("." + fs) or fs.endswith("." + ds):
        return declared_c
    log.info("ignored cross-site canonical %s declared by %s", declared_c, fetched_c)
    return fetched_c


def _looks_like_feed(result: FetchResult) -> bool:
    if result.content_type in FEED_TYPES and result.content_type not in (
        "application/xml",
        "text/xml",
    ):
        return True
    return bool(_FEED_ROOT_RE.search(result.body[:4096]))


async def fetch_article(url: str, fetcher: SafeFetcher, *, user_submitted: bool = True) -> Article:
    """Fetch ``url`` and extract its article; raise ``FetchError`` saying why not."""
    url = url.strip()
    origin = ORIGIN_SUBMIT if user_submitted else ORIGIN_PAGE
    if fetcher.settings.respect_robots and not await fetcher.robots.allowed(url):
        host = urlsplit(url).hostname or url
        raise FetchError(
            f"{host} asks bots not to fetch {url} (robots.txt), so Claimwatch did not.",
            url=url,
            reason="robots",
        )
    result = await fetcher.fetch(
        url,
        user_submitted=user_submitted,
        accept=ACCEPT_HTML,
        allowed_types=HTML_TYPES + TEXT_TYPES + FEED_TYPES,
    )
    if result.content_type in FEED_TYPES and _looks_like_feed(result):
        raise FetchError(
            f"{url} is a feed, not an article: add it with /claimwatch feed add.",
            url=url,
            reason="content_type",
        )
    if result.content_type in TEXT_TYPES:
        return _admitted(_plain_text_article(result, url, origin), fetcher, url)
    budget = Budget.from_settings(fetcher.settings)
    try:
        page = await asyncio.to_thread(extract_page, result.text, result.url, budget)
    except ExtractionFailed as exc:
        log.info("no article taken from %s: %s", result.url, exc)
        message = str(exc)
        if message == NO_TEXT:
            message = f"No article text found at {url}."
        else:
            message = f"{url} was not read: {message}."
        raise FetchError(message, url=url, reason="no_text") from exc
    final = trusted_canonical(page.url, result.url)
    return _admitted(_page_article(page, final, origin), fetcher, url)


def _admitted(item: Article, fetcher: SafeFetcher, url: str) -> Article:
    """``admit_article`` with its refusal as a ``FetchError``."""
    try:
        return admit_article(item, max_chars=fetcher.settings.article_max_chars)
    except ArticleRefused as exc:
        raise FetchError(f"{url} was not taken: {exc}.", url=url, reason="too_large") from exc


def _page_article(page: ExtractedPage, final: str, origin: str) -> Article:
    return Article(
        url=final,
        text=page.text,
        title=page.title,
        outlet=page.outlet or hostname_outlet(final),
        published_at=page.published_at,
        language=page.language,
        author=page.author,
        origin=origin,
    )


def _plain_text_article(result: FetchResult, url: str, origin: str) -> Article:
    title, _, body = result.text.strip().partition("\n")
    if len(body.split()) < 5:
        raise FetchError(f"No article text found at {url}.", url=url, reason="no_text")
    final = canonical_url(result.url)
    return Article(
        url=final,
        text=body.strip(),
        title=title.strip(),
        outlet=hostname_outlet(final),
        origin=origin,
    )
