"""Growth benchmark: does every command stay fast as the store grows to a million articles?

For each backend and size it seeds a fresh store (``growth_seed.py``: bulk rows,
five topics, ~7 claims an article, events, alerts, revisions, then the state
tables), starts a fresh bot process on it (``growth_measure.py``) and measures,
through the product's own command handlers and pipeline: p50/p99 of ``/claims
T``, ``/claims T KEY``, ``/sources T``, ``/timeline T KEY`` (chart included) and
``/claimwatch status``; the per-article cost of ingesting the next 500 articles;
the first alert after the restart; the bot process's peak RSS. It prints a table
with each figure's ratio to its value at the smallest size, or with ``--json``
one object keyed by backend, then size, then measure.

SQLite stores live in a temporary folder; PostgreSQL stores are databases
``cw_bench_<random>`` made on the server of ``CLAIMWATCH_TEST_POSTGRES_URL`` and
dropped afterwards.

    python bench/growth.py [--sizes 1000,10000,100000] [--backends sqlite,postgresql]
                           [--calls 200] [--ingest 500] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storage.db import normalise_url

HERE = Path(__file__).resolve().parent
POSTGRES_ENV = "CLAIMWATCH_TEST_POSTGRES_URL"
COMMANDS = ("claims", "claims_key", "sources", "timeline", "status")
SCALARS = (
    "ingest_ms_per_article",
    "ingest_store_ms_per_article",
    "first_alert_after_restart_ms",
    "peak_rss_mb",
)


@contextmanager
def store(backend: str, size: int) -> Iterator[str]:
    """A database URL for one run, removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="cw-growth-") as tmp:
            yield f"sqlite:///{tmp}/growth-{size}.db"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        raise SystemExit(f"{POSTGRES_ENV} is not set: cannot run the PostgreSQL backend")
    name = f"cw_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(normalise_url(base)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def child(script: str, *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(HERE / script), *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(backend: str, size: int, calls: int, ingest: int, log: bool) -> dict[str, Any]:
    with store(backend, size) as url:
        seeded = child("growth_seed.py", url, str(size))
        if log:
            print(f"# {backend} {size:,}: seeded {seeded}", file=sys.stderr, flush=True)
        measured = child("growth_measure.py", url, "--calls", str(calls), "--ingest", str(ingest))
        if log:
            print(f"# {backend} {size:,}: {json.dumps(measured)}", file=sys.stderr, flush=True)
        return measured


def _figure(result: dict[str, Any], measure: str, stat: str | None) -> float:
    value = result[measure]
    return float(value[stat] if stat else value)


def table(results: dict[str, dict[str, dict[str, Any]]]) -> str:
    rows: list[tuple[str, str | None]] = [
        *((c, s) for c in COMMANDS for s in ("p50_ms", "p99_ms")),
        *((m, None) for m in SCALARS),
    ]
    lines: list[str] = []
    for backend, by_size in results.items():
        sizes = list(by_size)
        head = ["measure", *(f"{int(s):,}" for s in sizes), *(f"×{int(s):,}" for s in sizes[1:])]
        lines.append(f"\n{backend}")
        lines.append(" | ".join(head))
        lines.append(" | ".join("---" for _ in head))
        for measure, stat in rows:
            values = [_figure(by_size[s], measure, stat) for s in sizes]
            base = values[0] or 1.0
            name = f"{measure} {stat}" if stat else measure
            cells = [name, *(f"{v:,.1f}" for v in values), *(f"{v / base:.2f}" for v in values[1:])]
            lines.append(" | ".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--ingest", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    # a terminated run still drops its PostgreSQL database (the ``finally`` in ``store``)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizes = [int(s) for s in args.sizes.split(",") if s]
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        results[backend] = {}
        for size in sizes:
            results[backend][str(size)] = run(
                backend, size, args.calls, args.ingest, log=not args.json
            )
    print(json.dumps(results) if args.json else table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
