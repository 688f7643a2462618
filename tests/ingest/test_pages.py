"""fetch_article: extraction, canonical URLs, robots.txt, clear errors."""

from __future__ import annotations

import pytest

from bot.ingest.fetch import FetchError, SafeFetcher
from bot.ingest.pages import fetch_article, trusted_canonical

from .localsite import LocalSite, article_html, make_settings, rss, story


async def test_extracts_title_text_outlet_author_and_date(local_site: LocalSite, fetcher) -> None:
    canonical = local_site.url("/world/troops?utm_source=x&id=7")
    local_site.set("/world/troops", article_html("Troops arrive", story(1), canonical=canonical))
    item = await fetch_article(local_site.url("/world/troops?fbclid=abc"), fetcher)
    assert item.url == local_site.url("/world/troops?id=7")
    assert item.title == "Troops arrive"
    assert "3,000 North Korean troops" in item.text
    assert "Copyright" not in item.text and "Home" not in item.text.split()[0:2]
    assert item.outlet == "Local Herald"
    assert item.author == "Dana Reporter"
    assert item.published_at is not None and item.published_at.year == 2025
    assert item.origin == "submit"


async def test_og_url_used_when_no_canonical_link(local_site: LocalSite, fetcher) -> None:
    og = f'<meta property="og:url" content="{local_site.url("/og-story?utm_medium=social")}">'
    local_site.set("/og-story-amp", article_html("OG", story(2), extra_head=og))
    item = await fetch_article(local_site.url("/og-story-amp"), fetcher, user_submitted=False)
    assert item.url == local_site.url("/og-story")
    assert item.origin == "page"


def test_cross_site_canonical_is_ignored() -> None:
    fetched = "https://evil.example/copy"
    assert trusted_canonical("https://news.example/real", fetched) == fetched
    assert trusted_canonical("https://www.site.example/a", "https://m.site.example/a?utm_x=1") == (
        "https://www.site.example/a"
    )
    assert trusted_canonical("/relative", "https://site.example/a/b") == (
        "https://site.example/relative"
    )


async def test_no_article_text_is_a_clear_error(local_site: LocalSite, fetcher) -> None:
    local_site.set("/empty", "<html><body><nav>menu</nav></body></html>")
    url = local_site.url("/empty")
    with pytest.raises(FetchError) as info:
        await fetch_article(url, fetcher)
    assert str(info.value) == f"No article text found at {url}."
    assert info.value.reason == "no_text"


async def test_a_feed_is_not_an_article(local_site: LocalSite, fetcher) -> None:
    local_site.set("/feed", rss([]), content_type="application/rss+xml")
    with pytest.raises(FetchError) as info:
        await fetch_article(local_site.url("/feed"), fetcher)
    assert "feed add" in str(info.value)


async def test_plain_text_article(local_site: LocalSite, fetcher) -> None:
    local_site.set("/note.txt", "A title line\n" + story(3), content_type="text/plain")
    item = await fetch_article(local_site.url("/note.txt"), fetcher)
    assert item.title == "A title line"
    assert item.text.startswith("Story number 3")


async def test_robots_txt_is_honoured_and_cached(local_site: LocalSite, fetcher) -> None:
    local_site.set(
        "/robots.txt",
        "User-agent: *\nDisallow: /private/\n\nUser-agent: Claimwatch\nDisallow: /no-bots/\n",
        content_type="text/plain",
    )
    local_site.set("/no-bots/a", article_html("A", story(4)))
    local_site.set("/private/b", article_html("B", story(5)))
    local_site.set("/open/c", article_html("C", story(6)))
    with pytest.raises(FetchError) as info:
        await fetch_article(local_site.url("/no-bots/a"), fetcher)
    assert info.value.reason == "robots"
    assert "robots.txt" in str(info.value)
    item = await fetch_article(local_site.url("/open/c"), fetcher)
    assert item.title == "C"
    assert local_site.count("/no-bots/a") == 0
    assert local_site.count("/robots.txt") == 1


async def test_robots_ignored_when_configured_off(local_site: LocalSite) -> None:
    local_site.set("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    local_site.set("/x", article_html("X", story(7)))
    fetcher = SafeFetcher(make_settings(respect_robots=False))
    try:
        item = await fetch_article(local_site.url("/x"), fetcher)
    finally:
        await fetcher.aclose()
    assert item.title == "X"
    assert local_site.count("/robots.txt") == 0


async def test_missing_robots_allows_and_private_page_says_private(local_site: LocalSite) -> None:
    local_site.set("/y", article_html("Y", story(8)))
    closed = SafeFetcher(make_settings(fetch_allow_hosts=[]))
    try:
        with pytest.raises(FetchError) as info:
            await fetch_article(local_site.url("/y"), closed)
        assert info.value.reason == "private_address"
    finally:
        await closed.aclose()
    assert local_site.hits == []
