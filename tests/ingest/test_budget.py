"""Bounded work per input: HTML over its size, element, time or memory budget is refused by
name; compression bombs stop at the size limit; hostile article files lose nothing else."""

from __future__ import annotations

import gzip
import json
import time
import zlib
from pathlib import Path

import pytest

from bot.ingest.extraction import Budget, ExtractionPool, extract_page
from bot.ingest.fetch import FetchError
from bot.ingest.files import FileProblem, Limits, read_paths
from bot.ingest.html import ExtractionFailed

from .localsite import LocalSite

ARTICLE = (
    "<html><head><title>Toll rises</title></head><body><article><h1>Toll rises</h1>"
    "<p>The death toll from the earthquake rose to 212, the interior ministry said on Friday."
    " Rescuers were still searching collapsed buildings in the old town for survivors.</p>"
    "</article></body></html>"
)


def spans(n: int) -> str:
    """The shape that made extraction slow: many tiny elements (1 MB took 6 s)."""
    return "<html><body><article>" + "<span>word</span> " * n + "</article></body></html>"


def test_a_page_with_too_many_elements_is_refused_by_count() -> None:
    budget = Budget(max_elements=5_000)
    with pytest.raises(ExtractionFailed, match=r"10,00\d HTML elements .* limit of 5,000"):
        extract_page(spans(10_000), "https://x.example/a", budget)
    page = extract_page(ARTICLE, "https://x.example/a", budget)
    assert "212" in page.text


def test_scripts_and_styles_do_not_count_against_the_budget() -> None:
    noise = "<script>var a = '<b>' + 1;</script><style>p{}</style><svg><g><path/></g></svg>" * 3000
    page = extract_page(ARTICLE.replace("</body>", noise + "</body>"), "", Budget(max_elements=500))
    assert "212" in page.text


def test_a_page_over_the_size_limit_is_refused_unparsed() -> None:
    start = time.monotonic()
    with pytest.raises(ExtractionFailed, match=r"over the 1\.0 MB limit .*EXTRACT_MAX_BYTES"):
        extract_page("<p>" + "x" * 2_000_000, "", Budget(max_bytes=1024 * 1024))
    assert time.monotonic() - start < 1


def test_a_slow_page_is_given_up_at_the_deadline_and_the_pool_recovers() -> None:
    pool = ExtractionPool(Budget(max_elements=10_000_000, timeout_s=1.0), workers=1)
    try:
        start = time.monotonic()
        with pytest.raises(ExtractionFailed, match="longer than 1 s"):
            pool.extract(spans(200_000))
        assert time.monotonic() - start < 5
        assert "212" in pool.extract(ARTICLE).text  # a fresh worker took over
    finally:
        pool.close()


def test_a_page_over_the_memory_budget_is_given_up() -> None:
    pool = ExtractionPool(Budget(max_elements=10_000_000, memory_mb=64), workers=1)
    try:
        with pytest.raises(ExtractionFailed, match="MB of memory"):
            pool.extract(spans(400_000))
    finally:
        pool.close()


async def test_compression_bombs_stop_at_the_size_limit(local_site: LocalSite, fetcher) -> None:
    bomb = gzip.compress(b"<p>" + b"0" * (64 * 1024 * 1024), 9)
    assert len(bomb) < 100_000
    local_site.set("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(local_site.url("/bomb"), user_submitted=True)
    assert info.value.reason == "too_large"
    local_site.set("/br", b"\x1b\xff\xff", headers={"Content-Encoding": "br"})
    with pytest.raises(FetchError, match="encoded as 'br'"):
        await fetcher.fetch(local_site.url("/br"), user_submitted=True)
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    page = raw.compress(ARTICLE.encode()) + raw.flush()
    local_site.set("/raw-deflate", page, headers={"Content-Encoding": "deflate"})
    result = await fetcher.fetch(local_site.url("/raw-deflate"), user_submitted=True)
    assert "212" in result.text
    assert local_site.hits[-1].headers["Accept-Encoding"] == "gzip, deflate"


def test_hostile_article_files_are_reported_line_by_line(tmp_path: Path) -> None:
    good = {"url": "https://a.example/1", "title": "T", "text": "Agency says 40 dead."}
    lines = [
        json.dumps(good),
        json.dumps({**good, "url": "https://a.example/2", "text": "x " * 50_000}),
        json.dumps({**good, "url": "javascript:alert(1)"}),
        json.dumps({**good, "url": "https://u:pw@a.example/3"}),
        "[" * 20_000 + "]" * 20_000,
        json.dumps({**good, "url": "https://a.example/4", "text": "Toll \x1b[31m40\x1b[0m \u202e"}),
        '{"url": "https://a.example/5", "text": "' + "\ud800" + ' lone"}',
        json.dumps({**good, "url": "https://a.example/6"}),
        json.dumps({**good, "url": "https://a.example/7", "text": "y " * 2_000}),
    ]
    (tmp_path / "a.jsonl").write_text(
        "\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass"
    )
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02binary" * 100)
    (tmp_path / "c.json").write_text("[" * 50_000 + "]" * 50_000)
    results = list(read_paths([tmp_path], Limits(max_chars=1_000)))
    urls = [r.url for r in results if not isinstance(r, FileProblem)]
    problems = {r.where.rsplit("/", 1)[-1]: r.reason for r in results if isinstance(r, FileProblem)}
    assert urls == ["https://a.example/1", "https://a.example/4", "https://a.example/6"]
    clean = next(r for r in results if getattr(r, "url", "") == "https://a.example/4")
    assert clean.text == "Toll 40"
    assert "the line is over" in problems["a.jsonl:2"]
    assert "http:// or https://" in problems["a.jsonl:3"]
    assert "user name or password" in problems["a.jsonl:4"]
    assert "nested too deeply" in problems["a.jsonl:5"]
    assert "UTF-8" in problems["a.jsonl:7"]
    assert "3,999 characters, over the 1,000-character limit" in problems["a.jsonl:9"]
    assert "binary" in problems["b.txt"]
    assert "nested too deeply" in problems["c.json"]
