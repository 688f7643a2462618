"""HTML extraction time and memory by page size and shape, without and with the budget.

    .venv/bin/python bench/extraction.py [--sizes 0.1,0.3,1,3] [--unbounded-max-mb 1]

Shapes: ``article`` (paragraphs of prose: the common page), ``links`` (prose
with a link per paragraph), ``spans`` (many tiny inline elements: the shape
that made trafilatura slow, since its time grows with the element count, not
the bytes). "unbounded" is ``extract_html`` as before the budget (in this
process); "budget" is ``extract_page`` with the default ``Budget`` (a worker
process, refused past 20,000 elements, 10 MB, 20 s or 512 MB).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.ingest.extraction import Budget, extract_page
from bot.ingest.html import ExtractionFailed, extract_html

WORDS = tuple(
    [
        "the",
        "ministry",
        "said",
        "on",
        "tuesday",
        "that",
        "at",
        "least",
        "soldiers",
        "were",
        "killed",
        "in",
        "the",
        "region",
        "according",
        "to",
        "officials",
        "who",
        "spoke",
        "on",
        "condition",
        "of",
        "anonymity",
        "about",
        "reports",
    ]
)


def prose(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def page(shape: str, size: int) -> str:
    rng = random.Random(1)
    head = "<html><head><title>Quake toll rises</title></head><body><article><h1>Quake</h1>"
    parts, total = [head], len(head)
    while total < size:
        if shape == "article":
            part = f"<p>{prose(rng, 60)}</p>\n"
        elif shape == "links":
            part = f"<p>{prose(rng, 20)} <a href='/x{total}'>{prose(rng, 5)}</a></p>\n"
        else:
            part = f"<span>{rng.choice(WORDS)}</span>"
        parts.append(part)
        total += len(part)
    return "".join(parts) + "</article></body></html>"


def timed(fn: object, *args: object) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        result = fn(*args)  # type: ignore[operator]
        outcome = f"{len(result.text):,} chars"
    except ExtractionFailed as exc:
        outcome = "refused: " + str(exc).split(" (CLAIMWATCH")[0][:60]
    return time.perf_counter() - started, outcome


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="0.1,0.3,1,3,9")
    parser.add_argument("--unbounded-max-mb", type=float, default=1.0)
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    budget = Budget()
    timed(extract_page, page("article", 10_000), "", budget)  # start the worker
    print(f"{'shape':8} {'MB':>5} {'unbounded':>10}  {'budget':>7}  outcome with the budget")
    for shape in ("article", "links", "spans"):
        for mb in sizes:
            html = page(shape, int(mb * 1024 * 1024))
            if mb <= args.unbounded_max_mb:
                before = f"{timed(extract_html, html, 'https://x.example/a')[0]:9.2f}s"
            else:
                before = "—"
            after, outcome = timed(extract_page, html, "https://x.example/a", budget)
            print(f"{shape:8} {mb:5.1f} {before:>10}  {after:6.2f}s  {outcome}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (unbounded runs happen here): {peak:.0f} MB")


if __name__ == "__main__":
    main()
