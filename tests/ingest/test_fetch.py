"""SafeFetcher: address checks before connecting, pinning, redirects, limits, charsets."""

from __future__ import annotations

import ipaddress

import httpcore
import pytest

from bot.ingest.fetch import (
    ACCEPT_FEED,
    AddressBook,
    FetchError,
    PinnedBackend,
    SafeFetcher,
    detect_charset,
    refused_reason,
)

from .localsite import LocalSite, make_settings

PAGE = "<html><head><title>t</title></head><body><p>Hello there reader.</p></body></html>"


@pytest.fixture
async def closed_fetcher() -> SafeFetcher:
    """A fetcher with the allow-list off, as in production."""
    f = SafeFetcher(make_settings(fetch_allow_hosts=[]))
    yield f  # type: ignore[misc]
    await f.aclose()


async def test_fetches_a_page_from_an_allow_listed_host(local_site: LocalSite, fetcher) -> None:
    local_site.set("/a", PAGE)
    result = await fetcher.fetch(local_site.url("/a"), user_submitted=True)
    assert result.status == 200
    assert result.content_type == "text/html"
    assert "Hello there" in result.text
    assert result.etag
    hit = local_site.hits[-1]
    assert hit.headers["User-Agent"].startswith("Claimwatch/")
    assert "+http" in hit.headers["User-Agent"]


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://192.168.1.1/",
        "http://172.16.0.5/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
        "http://localhost/",
        "http://2130706433/",
    ],
)
async def test_private_addresses_are_refused_before_connecting(
    closed_fetcher: SafeFetcher, url: str
) -> None:
    with pytest.raises(FetchError) as info:
        await closed_fetcher.fetch(url, user_submitted=True)
    assert info.value.reason == "private_address"
    assert "private network" in str(info.value)
    assert closed_fetcher.backend.connections_opened == 0


async def test_submitted_loopback_url_is_refused_and_never_requested(
    local_site: LocalSite, closed_fetcher: SafeFetcher
) -> None:
    local_site.set("/secret", PAGE)
    with pytest.raises(FetchError) as info:
        await closed_fetcher.fetch(local_site.url("/secret"), user_submitted=True)
    assert info.value.reason == "private_address"
    assert str(info.value).startswith("That address points into a private network")
    assert local_site.hits == []
    assert closed_fetcher.backend.connections_opened == 0


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://x/", "javascript:alert(1)"]
)
async def test_only_http_and_https(closed_fetcher: SafeFetcher, url: str) -> None:
    with pytest.raises(FetchError) as info:
        await closed_fetcher.fetch(url, user_submitted=True)
    assert info.value.reason == "scheme"
    assert "http://" in str(info.value)


async def test_credentials_in_url_refused(closed_fetcher: SafeFetcher) -> None:
    with pytest.raises(FetchError) as info:
        await closed_fetcher.fetch("http://user:pw@example.com/", user_submitted=True)
    assert info.value.reason == "scheme"


async def test_redirect_to_private_address_is_refused(local_site: LocalSite, fetcher) -> None:
    local_site.set("/jump", location="http://10.1.2.3/admin", status=302)
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(local_site.url("/jump"), user_submitted=True)
    assert info.value.reason == "private_address"
    assert info.value.url == "http://10.1.2.3/admin"
    assert local_site.count("/jump") == 1
    assert fetcher.backend.connections_opened == 1


async def test_redirects_followed_and_counted(local_site: LocalSite, fetcher) -> None:
    local_site.set("/r1", location="/r2", status=301)
    local_site.set("/r2", location=local_site.url("/final"), status=307)
    local_site.set("/final", PAGE)
    result = await fetcher.fetch(local_site.url("/r1"), user_submitted=False)
    assert result.url == local_site.url("/final")
    assert len(result.redirects) == 2
    for i in range(10):
        local_site.set(f"/loop{i}", location=f"/loop{i + 1}", status=302)
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(local_site.url("/loop0"), user_submitted=False)
    assert info.value.reason == "redirects"
    assert "more than 5" in str(info.value)


async def test_connects_to_the_checked_address_not_a_new_lookup(local_site: LocalSite) -> None:
    """DNS rebinding: the name is resolved once, checked, and that address is used."""
    fetcher = SafeFetcher(make_settings(fetch_allow_hosts=["127.0.0.1"]))
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])

    async def fake_resolve(host: str, port: int) -> list[str]:
        assert host == "news.rebind.test"
        return next(answers)

    fetcher.resolve = fake_resolve  # type: ignore[method-assign]
    local_site.set("/story", PAGE)
    url = f"http://news.rebind.test:{local_site.port}/story"
    try:
        result = await fetcher.fetch(url, user_submitted=True)
        assert "Hello there" in result.text
        assert local_site.hits[-1].headers["Host"] == f"news.rebind.test:{local_site.port}"
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(url, user_submitted=True)
        assert info.value.reason == "private_address"
        assert local_site.count("/story") == 1
    finally:
        await fetcher.aclose()


async def test_backend_refuses_hosts_that_were_not_checked() -> None:
    backend = PinnedBackend(AddressBook())
    with pytest.raises(httpcore.ConnectError):
        await backend.connect_tcp("unchecked.test", 80)
    assert backend.connections_opened == 0


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("8.8.8.8", False),
        ("2606:4700:4700::1111", False),
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("169.254.169.254", True),
        ("::ffff:10.0.0.1", True),
        ("2002:a00:1::1", True),  # 6to4 wrapping 10.0.0.1
        ("fc00::1", True),
        ("ff02::1", True),
        ("240.0.0.1", True),
        ("100.64.0.1", True),
    ],
)
def test_refused_reason(address: str, refused: bool) -> None:
    assert (refused_reason(ipaddress.ip_address(address)) is not None) is refused


async def test_streamed_50_mb_body_is_cut_off(local_site: LocalSite, fetcher) -> None:
    local_site.set("/huge", stream_bytes=50 * 1024 * 1024)
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(local_site.url("/huge"), user_submitted=True)
    assert info.value.reason == "too_large"
    assert "5 MB limit" in str(info.value)
    assert local_site.streamed < 20 * 1024 * 1024


async def test_declared_oversize_body_is_refused_unread(local_site: LocalSite, fetcher) -> None:
    local_site.set("/declared", stream_bytes=6 * 1024 * 1024, declared_length=50 * 1024 * 1024)
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(local_site.url("/declared"), user_submitted=True)
    assert info.value.reason == "too_large"
    assert "5 MB" in str(info.value)


async def test_content_type_allow_list(local_site: LocalSite, fetcher) -> None:
    local_site.set("/img.png", b"\x89PNG....", content_type="image/png")
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(local_site.url("/img.png"), user_submitted=True)
    assert info.value.reason == "content_type"
    assert "image/png" in str(info.value)


async def test_http_errors_and_timeouts(local_site: LocalSite) -> None:
    fetcher = SafeFetcher(make_settings(fetch_timeout_s=0.3))
    local_site.set("/boom", b"oops", status=500)
    local_site.set("/slow", PAGE, delay_s=2.0)
    try:
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(local_site.url("/boom"), user_submitted=False)
        assert info.value.status == 500
        assert "500" in str(info.value)
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(local_site.url("/slow"), user_submitted=False)
        assert info.value.reason == "timeout"
    finally:
        await fetcher.aclose()


async def test_conditional_get_returns_not_modified(local_site: LocalSite, fetcher) -> None:
    local_site.set("/feed.xml", "<rss version='2.0'></rss>", content_type="application/rss+xml")
    first = await fetcher.fetch(
        local_site.url("/feed.xml"), user_submitted=False, accept=ACCEPT_FEED
    )
    again = await fetcher.fetch(
        local_site.url("/feed.xml"), user_submitted=False, accept=ACCEPT_FEED, etag=first.etag
    )
    assert again.not_modified and again.status == 304 and again.body == b""
    assert local_site.hits[-1].headers["If-None-Match"] == first.etag


async def test_gzip_is_decoded(local_site: LocalSite, fetcher) -> None:
    import gzip

    local_site.set("/gz", gzip.compress(PAGE.encode()), headers={"Content-Encoding": "gzip"})
    result = await fetcher.fetch(local_site.url("/gz"), user_submitted=False)
    assert "Hello there" in result.text
    assert "gzip" in local_site.hits[-1].headers["Accept-Encoding"]


async def test_charset_detection(local_site: LocalSite, fetcher) -> None:
    latin = "<html><head><meta charset='iso-8859-1'></head><body>Café déjà vu</body></html>"
    local_site.set("/latin", latin.encode("latin-1"), content_type="text/html")
    result = await fetcher.fetch(local_site.url("/latin"), user_submitted=False)
    assert "Café déjà vu" in result.text
    assert detect_charset("naïve".encode("cp1252"), "text/plain; charset=windows-1252") == "cp1252"
    assert detect_charset("naïve".encode(), "text/html") == "utf-8"
    assert detect_charset(b'<?xml version="1.0" encoding="ISO-8859-1"?><a/>', "") == "iso8859-1"
