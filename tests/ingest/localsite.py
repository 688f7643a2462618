"""A local feed/page server on 127.0.0.1, feed and page builders, a recording callback."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiohttp import web

from bot.config import Settings
from bot.domain import Article
from storage.repository import Repository

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@dataclass
class Resource:
    """What the local site answers on one path; tests change it between fetches."""

    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    validators: bool = True
    delay_s: float = 0.0
    location: str | None = None
    stream_bytes: int = 0
    declared_length: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Hit:
    path: str
    headers: dict[str, str]


class LocalSite:
    """An aiohttp server whose resources a test edits; it records every request."""

    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}
        self.hits: list[Hit] = []
        self.streamed = 0
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def set(self, path: str, body: bytes | str = b"", **kw: object) -> Resource:
        if isinstance(body, str):
            body = body.encode("utf-8")
        res = Resource(body=body, **kw)  # type: ignore[arg-type]
        self.resources[path] = res
        return res

    def count(self, path: str) -> int:
        return sum(1 for h in self.hits if h.path == path)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.hits.append(Hit(request.path_qs, dict(request.headers)))
        res = self.resources.get(request.path_qs) or self.resources.get(request.path)
        if res is None:
            return web.Response(status=404, text="not here", content_type="text/plain")
        if res.delay_s:
            await asyncio.sleep(res.delay_s)
        if res.location is not None:
            return web.Response(status=res.status or 302, headers={"Location": res.location})
        if res.stream_bytes:
            return await self._stream(request, res)
        headers = dict(res.headers)
        if res.validators and res.status == 200:
            etag = '"' + hashlib.sha1(res.body).hexdigest()[:16] + '"'
            headers["ETag"] = etag
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers=headers)
        headers["Content-Type"] = res.content_type
        return web.Response(status=res.status, body=res.body, headers=headers)

    async def _stream(self, request: web.Request, res: Resource) -> web.StreamResponse:
        resp = web.StreamResponse(status=200, headers={"Content-Type": res.content_type})
        if res.declared_length is not None:
            resp.content_length = res.declared_length
        await resp.prepare(request)
        chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"
        try:
            while self.streamed < res.stream_bytes:
                await resp.write(chunk)
                self.streamed += len(chunk)
        except (ConnectionResetError, ConnectionError, RuntimeError):
            return resp
        await resp.write_eof()
        return resp


def make_settings(**overrides: object) -> Settings:
    base: dict[str, object] = {
        "fetch_allow_hosts": ["127.0.0.1"],
        "fetch_timeout_s": 2.0,
        "feed_max_failures": 3,
        "respect_robots": True,
    }
    base.update(overrides)
    return Settings(**base)  # type: ignore[arg-type]


class Recorder:
    """An ``on_article`` that stores each item and remembers it."""

    def __init__(self, repo: Repository | None = None) -> None:
        self.repo = repo
        self.items: list[Article] = []
        self.statuses: list[str] = []
        self.fail_urls: set[str] = set()

    async def __call__(self, item: Article) -> object:
        if item.url in self.fail_urls:
            raise RuntimeError("pipeline is down")
        self.items.append(item)
        if self.repo is not None:
            stored = self.repo.store_article(item)
            self.statuses.append(stored.status)
            return stored
        return None

    @property
    def urls(self) -> list[str]:
        return [i.url for i in self.items]


def article_html(
    title: str, body: str, *, canonical: str | None = None, extra_head: str = ""
) -> str:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title>{link}"
        '<meta name="author" content="Dana Reporter">'
        '<meta property="article:published_time" content="2025-03-01T10:00:00+00:00">'
        f'<meta property="og:site_name" content="Local Herald">{extra_head}'
        "</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>Copyright Local Herald</footer></body></html>"
    )


def story(n: int, figure: str = "3,000") -> str:
    return (
        f"Story number {n}. Ukrainian intelligence said on Friday that {figure} North Korean "
        "troops had arrived in the Kursk region, according to a statement published by the "
        "agency.\n\nOfficials in Seoul said they were still verifying the report and declined "
        "to give their own estimate of the deployment, which has drawn wide concern."
    )


def rss(items: list[tuple[str, str, str]], title: str = "Local Herald") -> str:
    """RSS 2.0 with (link, title, summary) items, newest first."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><description>{s}</description>"
        f"<pubDate>Sat, 01 Mar 2025 {10 + i % 10:02d}:00:00 GMT</pubDate><guid>{link}</guid></item>"
        for i, (link, t, s) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.invalid/</link>"
        f"<description>news</description>{body}</channel></rss>"
    )


def atom(items: list[tuple[str, str, str]], title: str = "Atom Herald") -> str:
    entries = "".join(
        f'<entry><title>{t}</title><link href="{link}"/><id>{link}</id>'
        f"<updated>2025-03-01T1{i % 10}:00:00Z</updated><summary>{s}</summary></entry>"
        for i, (link, t, s) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:x</id><updated>2025-03-01T12:00:00Z</updated>"
        f"{entries}</feed>"
    )


def rdf(items: list[tuple[str, str, str]], title: str = "RDF Herald") -> str:
    """RSS 1.0."""
    entries = "".join(
        f'<item rdf:about="{link}"><title>{t}</title><link>{link}</link>'
        f"<description>{s}</description></item>"
        for link, t, s in items
    )
    return (
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="http://example.invalid/">'
        f"<title>{title}</title><link>http://example.invalid/</link>"
        f"<description>d</description></channel>{entries}</rdf:RDF>"
    )
