"""Fixtures of the fault suite, and the table of figures it prints at the end of the run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_ENV, PostgresSchema, postgres_url
from tests.faults.harness import Bot, Fakes

FIGURES: list[tuple[str, str]] = []


@pytest.fixture
def fakes() -> Iterator[Fakes]:
    servers = Fakes()
    yield servers
    servers.close()


@pytest.fixture
def fault_db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'faults.db'}"


@pytest.fixture
def bot(fault_db: str, fakes: Fakes, tmp_path: Path) -> Iterator[Bot]:
    process = Bot(fault_db, fakes, tmp_path)
    yield process
    process.stop()


@pytest.fixture
def figures() -> Iterator[list[tuple[str, str]]]:
    """Each scenario adds (scenario, counts); they are printed after the run."""
    yield FIGURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES:
        return
    terminalreporter.section("fault suite figures")
    width = max(len(name) for name, _ in FIGURES)
    for name, counts in FIGURES:
        terminalreporter.write_line(f"{name.ljust(width)}  {counts}")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A private schema on the shared PostgreSQL server (skipped when none is configured)."""
    base = postgres_url()
    if base is None:
        pytest.skip(f"{POSTGRES_ENV} is not set: PostgreSQL fault scenarios skipped")
    schema = PostgresSchema(base)
    try:
        yield schema.url
    finally:
        schema.drop()
