"""Ingest under faults, with the real ``claimwatch ingest`` as a subprocess: ``kill -9``
mid-batch on SQLite, then the batch again; PostgreSQL connections terminated while it runs.

An article commits with its claims, events and outbox rows or not at all, so a killed run
leaves no article without its claims, and the batch run again ends with exactly the events
and alerts of a clean run. Each scenario adds its counts to the figures printed at the end.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import make_engine
from tests.faults.harness import ROOT, cli_env, wait_until
from tests.faults.storefaults import (
    StoreFigures,
    Terminator,
    store_figures,
    subscribed_store,
    with_application_name,
    write_batch,
)

N = 300


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_batch(tmp_path_factory.mktemp("batch") / "quake.jsonl", N)


@pytest.fixture(scope="module")
def clean(batch: Path, tmp_path_factory: pytest.TempPathFactory) -> StoreFigures:
    """The batch ingested once with no fault: what every faulted run must end with."""
    db = f"sqlite:///{tmp_path_factory.mktemp('clean') / 'clean.db'}"
    subscribed_store(db)
    done = ingest(db, batch)
    assert done.returncode == 0, done.stderr
    figures = store_figures(db)
    assert figures.articles == N and figures.alerts >= N - 1
    return figures


def ingest(db_url: str, batch: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "ingest", str(batch)],
        env=cli_env(db_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_ingest(db_url: str, batch: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as fh:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "ingest", str(batch)],
            env=cli_env(db_url),
            cwd=ROOT,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )


def article_count(db_url: str) -> int:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM articles")).scalar_one())
    except Exception:
        return 0  # the store is being created
    finally:
        engine.dispose()


def compare(after: StoreFigures, clean: StoreFigures) -> tuple[int, int]:
    """(events or alerts a clean run has and this one lacks, extra ones)."""
    lost = len(clean.events - after.events) + max(0, clean.alerts - after.alerts)
    extra = len(after.events - clean.events) + max(0, after.alerts - clean.alerts)
    return lost, extra


def test_kill_9_of_ingest_mid_batch_then_the_batch_again_loses_nothing(
    batch: Path, clean: StoreFigures, tmp_path: Path, figures: list[tuple[str, str]]
) -> None:
    db = f"sqlite:///{tmp_path / 'killed.db'}"
    subscribed_store(db)
    half_done: list[StoreFigures] = []
    for target in (N // 4, N // 2):
        proc = start_ingest(db, batch, tmp_path / "ingest.log")
        try:
            wait_until(
                lambda t=target, p=proc: article_count(db) >= t or p.poll() is not None,
                120,
                f"{target} articles stored",
            )
        finally:
            proc.kill()
            proc.wait(10)
        half_done.append(store_figures(db))
    again = ingest(db, batch)
    after = store_figures(db)
    lost, extra = compare(after, clean)
    orphans = sum(f.without_claims + f.unprocessed for f in half_done)
    figures.append(
        (
            "kill -9 of ingest, then again",
            f"{N} articles, killed at {half_done[0].articles} and {half_done[1].articles} stored: "
            f"{orphans} stored without claims; after the rerun {after.alerts} alerts "
            f"(clean run {clean.alerts}): lost {lost}, extra {extra}",
        )
    )
    assert again.returncode == 0, again.stderr
    assert all(0 < f.articles < N for f in half_done), "a kill landed outside the batch"
    assert orphans == 0
    assert after.without_claims == after.unprocessed == 0 and after.articles == N
    assert (lost, extra) == (0, 0)


def test_terminated_postgresql_connections_during_ingest_lose_nothing(
    batch: Path,
    clean: StoreFigures,
    pg_url: str,
    tmp_path: Path,
    figures: list[tuple[str, str]],
) -> None:
    subscribed_store(pg_url)
    name = "cw_fault_" + pg_url.rsplit("cw_test_", 1)[-1][:12]
    log = tmp_path / "ingest.log"
    started = time.monotonic()
    proc = start_ingest(with_application_name(pg_url, name), batch, log)
    try:
        wait_until(lambda: article_count(pg_url) > 0 or proc.poll() is not None, 120, "the ingest")
        with Terminator(pg_url, name, every_s=0.3) as terminator:
            rc = proc.wait(180)
            terminated = terminator.terminated
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    took = time.monotonic() - started
    retries = log.read_text(errors="replace").count("transient database error")
    reruns = 0
    if rc != 0:  # gave up on an article after its retries: a rerun recovers it
        reruns = 1
        assert ingest(pg_url, batch).returncode == 0
    after = store_figures(pg_url)
    lost, extra = compare(after, clean)
    figures.append(
        (
            "pg_terminate_backend during ingest",
            f"{N} articles, {terminated} connections terminated, {retries} retries, "
            f"{took:.0f} s, {reruns} rerun(s): {after.without_claims} stored without claims; "
            f"{after.alerts} alerts (clean run {clean.alerts}): lost {lost}, extra {extra}",
        )
    )
    assert terminated > 0
    assert after.without_claims == after.unprocessed == 0 and after.articles == N
    assert (lost, extra) == (0, 0)
