"""The measuring half of ``bench/growth.py``: a fresh bot process on a seeded store.

Builds the app as ``claimwatch run`` does (a new process is a restart), with a
recording adapter as the platform, then through the product's own handlers:

1. first alert after the restart: one new article through ``Pipeline.ingest``
   until the dispatcher hands its alert to the adapter (the extractor is warmed on
   another text first: that is start-up, not the store);
2. p50/p99 over ``--calls`` calls each of ``/claims T``, ``/claims T KEY``,
   ``/sources T``, ``/timeline T KEY`` (the PNG included) and
   ``/claimwatch status``, via ``Commands.execute``;
3. per-article ingest cost of the next 500 articles (``Pipeline.ingest_sync``), and
   the part of it spent in the store's queries;
4. the process's peak RSS.

    python bench/growth_measure.py URL [--calls 200] [--ingest 500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims import TOPIC_NAME, TOPIC_QUERY, build_articles
from sqlalchemy import event

from adapters.fake import FakeAdapter
from bot.app import build_app
from bot.claims.model import ArticleText, ExtractionContext
from bot.config import Settings
from bot.messages import CommandRequest
from bot.topics import parse_query

TOPIC = "floods"
REQUEST = CommandRequest(
    platform="fake", workspace_id="ws1", channel_id="c1", user_id="bench", is_admin=True
)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 1), "p99_ms": round(p99, 1)}


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


async def first_alert(app: Any, adapter: FakeAdapter) -> float:
    """ms from a new article arriving to its first alert reaching the adapter."""
    context = ExtractionContext(
        topic_name=TOPIC_NAME, topic_terms=tuple(parse_query(TOPIC_QUERY).terms)
    )
    warm = build_articles(1, seed=99)[0]
    app.pipeline.extractor.extract(
        ArticleText(warm.text, warm.title, warm.outlet, warm.url, warm.published_at), context
    )
    for n, item in enumerate(build_articles(20, seed=4242)):
        item = replace(item, url=f"https://restart.example/{n}")
        started = time.perf_counter()
        outcome = await app.pipeline.ingest(item)
        if not outcome.alerts:
            continue
        while not adapter.sent:
            await app.dispatcher.run_once()
        return (time.perf_counter() - started) * 1000
    raise RuntimeError("no article raised an alert")


async def command_latencies(app: Any, calls: int) -> dict[str, dict[str, float]]:
    key = app.repo.chart_key(app.repo.find_topic("fake", "ws1", TOPIC).id)
    lines = {
        "claims": f"/claims {TOPIC}",
        "claims_key": f"/claims {TOPIC} {key}",
        "sources": f"/sources {TOPIC}",
        "timeline": f"/timeline {TOPIC} {key}",
        "status": "/claimwatch status",
    }
    out: dict[str, dict[str, float]] = {}
    for name, line in lines.items():
        for _ in range(3):
            reply = await app.commands.execute(REQUEST, line)
            if reply.error:
                raise RuntimeError(f"{line}: {reply.text}")
        samples = []
        for _ in range(calls):
            started = time.perf_counter()
            await app.commands.execute(REQUEST, line)
            samples.append((time.perf_counter() - started) * 1000)
        out[name] = percentiles(samples)
    return out


def ingest_cost(app: Any, n: int) -> tuple[float, float]:
    """ms per article for the next ``n`` articles: all of it, and the part spent waiting on
    the store (the rest is extraction, which does not depend on the store's size but
    does on how busy the machine is)."""
    items = [
        replace(a, url=f"https://next.example/{i}") for i, a in enumerate(build_articles(n, 777))
    ]
    in_store = 0.0

    def before(*args: Any) -> None:
        args[4]._bench_started = time.perf_counter()

    def after(*args: Any) -> None:
        nonlocal in_store
        in_store += time.perf_counter() - args[4]._bench_started

    event.listen(app.repo.engine, "before_cursor_execute", before)
    event.listen(app.repo.engine, "after_cursor_execute", after)
    started = time.perf_counter()
    for item in items:
        app.pipeline.ingest_sync(item)
    elapsed = time.perf_counter() - started
    event.remove(app.repo.engine, "before_cursor_execute", before)
    event.remove(app.repo.engine, "after_cursor_execute", after)
    return round(elapsed * 1000 / n, 2), round(in_store * 1000 / n, 2)


async def measure(url: str, calls: int, ingest: int) -> dict[str, Any]:
    settings = Settings(database_url=url, demo=False, console=False)
    app = build_app(settings, migrate=False)
    adapter = FakeAdapter()
    app.dispatcher.add_sender(adapter)
    result: dict[str, Any] = {}
    alert_ms = await first_alert(app, adapter)
    result.update(await command_latencies(app, calls))
    result["ingest_ms_per_article"], result["ingest_store_ms_per_article"] = ingest_cost(
        app, ingest
    )
    result["first_alert_after_restart_ms"] = round(alert_ms, 1)
    result["peak_rss_mb"] = peak_rss_mb()
    app.repo.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--ingest", type=int, default=500)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.url, args.calls, args.ingest))))


if __name__ == "__main__":
    main()
