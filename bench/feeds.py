"""Feed polling throughput: 1,000 feeds from a local server, polled by one FeedPoller process.

A child process serves the feeds, their article pages and a robots.txt on
127.0.0.1. The poller stores into SQLite in a temporary folder. Round 1 is
cold (every feed new, every item's page fetched and extracted); before each
steady round about 5 % of the feeds gain an item and the rest answer 304 to
the conditional request. Prints feeds/minute per round, the ratio against the
1,000 feeds/minute goal, and the poller's peak memory.

    python bench/feeds.py [--feeds 1000] [--rounds 3] [--changed 0.05] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web

from bot.config import Settings
from bot.domain import Article
from bot.ingest.feeds import FeedPoller, PollReport
from bot.ingest.fetch import SafeFetcher
from storage.db import make_engine, upgrade
from storage.repository import Repository

GOAL_PER_MIN = 1000.0
ITEMS = 2
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


# -- the local server (child process) ------------------------------------------------------


def _page(feed: int, item: int) -> bytes:
    paragraphs = "".join(
        f"<p>Paragraph {p} of story {item} from feed {feed}: officials said {1000 + item} "
        "people were evacuated as the river rose overnight, according to the agency.</p>"
        for p in range(6)
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Feed {feed} story {item}</title>"
        '<meta property="article:published_time" content="2025-03-01T11:00:00+00:00">'
        "</head><body><nav>Home World</nav>"
        f"<article><h1>Feed {feed} story {item}</h1>{paragraphs}</article>"
        "<footer>Bench Herald</footer></body></html>"
    ).encode()


class BenchSite:
    def __init__(self, feeds: int, port_pipe: Connection) -> None:
        self.feeds = feeds
        self.version = [0] * feeds
        self.port_pipe = port_pipe
        self.requests = 0

    def _feed(self, i: int, port: int) -> bytes:
        newest = self.version[i] + ITEMS
        items = "".join(
            f"<item><title>Story {k}</title>"
            f"<link>http://127.0.0.1:{port}/a/{i}/{k}</link>"
            f"<description>Summary of story {k}.</description>"
            f"<pubDate>Sat, 01 Mar 2025 11:{k % 60:02d}:00 GMT</pubDate></item>"
            for k in range(newest, self.version[i], -1)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Bench feed {i}</title><link>http://127.0.0.1/</link>"
            f"<description>bench</description>{items}</channel></rss>"
        ).encode()

    async def feed(self, request: web.Request) -> web.Response:
        self.requests += 1
        i = int(request.match_info["i"])
        etag = f'"{i}-{self.version[i]}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        port = request.url.port or 80
        return web.Response(
            body=self._feed(i, port),
            headers={"ETag": etag, "Content-Type": "application/rss+xml; charset=utf-8"},
        )

    async def article(self, request: web.Request) -> web.Response:
        self.requests += 1
        feed, item = int(request.match_info["i"]), int(request.match_info["k"])
        return web.Response(body=_page(feed, item), content_type="text/html", charset="utf-8")

    async def robots(self, request: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nDisallow: /private/\n")

    async def bump(self, request: web.Request) -> web.Response:
        fraction = float(request.query.get("fraction", "0.05"))
        step = max(1, round(1 / fraction)) if fraction > 0 else 0
        offset = int(request.query.get("offset", "0"))
        changed = 0
        if step:
            for i in range(offset % step, self.feeds, step):
                self.version[i] += 1
                changed += 1
        return web.json_response({"changed": changed})

    async def serve(self) -> None:
        app = web.Application()
        app.router.add_get("/feed/{i}.xml", self.feed)
        app.router.add_get("/a/{i}/{k}", self.article)
        app.router.add_get("/robots.txt", self.robots)
        app.router.add_get("/_bump", self.bump)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        self.port_pipe.send(runner.addresses[0][1])
        await asyncio.Event().wait()


def _serve(feeds: int, pipe: Connection) -> None:
    asyncio.run(BenchSite(feeds, pipe).serve())


# -- the poller (this process) -------------------------------------------------------------


def _describe(name: str, report: PollReport, feeds: int) -> float:
    per_min = report.polled / report.seconds * 60 if report.seconds else 0.0
    print(
        f"{name:>8}: {report.polled} feeds in {report.seconds:6.2f} s = {per_min:9,.0f} feeds/min "
        f"(ratio {per_min / GOAL_PER_MIN:5.1f}x goal); 304 {report.not_modified}, "
        f"changed {report.changed}, unchanged {report.unchanged}, failed "
        f"{report.failed + report.disabled}, new items {report.new_items}, "
        f"summary fallbacks {report.fallbacks}"
    )
    if report.polled != feeds:
        print(f"          warning: {feeds - report.polled} feed(s) were not polled")
    return per_min


async def _bench(port: int, args: argparse.Namespace, tmp: Path) -> list[float]:
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'bench.db'}",
        fetch_allow_hosts=["127.0.0.1"],
        fetch_timeout_s=15.0,
    )
    engine = make_engine(settings.database_url)
    upgrade(engine)
    repo = Repository(engine)
    for i in range(args.feeds):
        repo.add_feed("bench", "ws", f"http://127.0.0.1:{port}/feed/{i}.xml", None, 600, "", T0)

    async def store(item: Article) -> object:
        return await asyncio.to_thread(repo.store_article, item)

    fetcher = SafeFetcher(settings, max_connections=args.concurrency)
    poller = FeedPoller(repo, fetcher, settings, store, owner="bench", concurrency=args.concurrency)
    rates: list[float] = []
    try:
        cold = await poller.poll_due(now=T0, limit=args.feeds)
        _describe("cold", cold, args.feeds)
        for n in range(1, args.rounds + 1):
            await fetcher.fetch(
                f"http://127.0.0.1:{port}/_bump?fraction={args.changed}&offset={n}",
                user_submitted=False,
                accept="application/json",
                allowed_types=("application/json",),
            )
            report = await poller.poll_due(now=T0 + timedelta(minutes=20 * n), limit=args.feeds)
            rates.append(_describe(f"steady {n}", report, args.feeds))
        print(f"articles stored: {repo.count_articles()}")
    finally:
        await fetcher.aclose()
        repo.dispose()
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--changed", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations")
    args = parser.parse_args()

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    server = ctx.Process(target=_serve, args=(args.feeds, send), daemon=True)
    server.start()
    port = receive.recv()
    if args.tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            rates = asyncio.run(_bench(port, args, Path(tmp)))
    finally:
        server.terminate()
        server.join(5)
    elapsed = time.perf_counter() - started
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    steady = sum(rates) / len(rates) if rates else 0.0
    print(
        f"steady state: {steady:,.0f} feeds/min from one process "
        f"(goal {GOAL_PER_MIN:,.0f}/min, ratio {steady / GOAL_PER_MIN:.1f}x)"
    )
    print(f"peak memory: {peak_rss_mb:.0f} MB resident (poller process)", end="")
    if args.tracemalloc:
        _, peak = tracemalloc.get_traced_memory()
        print(f", {peak / 1024 / 1024:.0f} MB peak traced Python allocations", end="")
    print(f"; total run {elapsed:.1f} s")


if __name__ == "__main__":
    main()
