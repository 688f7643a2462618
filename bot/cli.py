"""The ``claimwatch`` command line: run, ingest, replay, eval, topics, db upgrade."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

from bot.config import Settings
from bot.domain import Article
from bot.ingest.files import FileProblem, Limits, read_paths
from bot.redact import install_log_redaction, redact, register_secrets
from bot.replay import replay_events
from bot.topics import QueryError, TopicFile

# no locals in tracebacks: they would print settings (a database URL with its password)
app = typer.Typer(
    help="Claimwatch: claim alerts for news topics.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def _setup_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in (
        "httpx",
        "httpcore",
        "apscheduler",
        "alembic",
        "trafilatura",
        "htmldate",
        "discord.gateway",
    ):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # discord.py warns at every start that voice support is not installed; voice is unused
    logging.getLogger("discord.client").setLevel(logging.ERROR)
    register_secrets(settings.secret_values())
    install_log_redaction()


@contextlib.contextmanager
def _database_reachable(settings: Settings) -> Iterator[None]:
    """A database that cannot be reached stops the command with one line (exit 1)."""
    from storage.db import DatabaseError

    try:
        yield
    except DatabaseError as exc:
        first = str(exc.orig or exc).strip().splitlines()[0]
        err.print(
            f"Claimwatch stopped: the database at {redact(settings.database_url)} cannot be "
            f"used: {redact(first)}",
            style="red",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(1) from None


def _problem(text: str) -> None:
    """One bad item, by name with the reason; secrets masked, no markup read from it."""
    err.print(Text("✗ ", style="red") + Text(redact(text)), soft_wrap=True)


@app.command()
def run(
    demo: Annotated[
        bool | None, typer.Option(help="Load the demo topic and articles (default: on).")
    ] = None,
) -> None:
    """Run the bot: console adapter, plus Discord/Slack when their tokens are set."""
    from bot.runner import AdapterFailed, run_bot

    settings = Settings()
    if demo is not None:
        settings.demo = demo
    _setup_logging(settings)
    try:
        with _database_reachable(settings):
            asyncio.run(run_bot(settings))
    except KeyboardInterrupt:
        err.print("Stopped.")
    except AdapterFailed as exc:
        err.print(
            f"Claimwatch stopped: {redact(str(exc))}", style="red", markup=False, soft_wrap=True
        )
        raise typer.Exit(1) from None


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply database migrations (CLAIMWATCH_DATABASE_URL)."""
    from bot.values import stored_values_agree
    from storage.db import upgrade

    settings = Settings()
    with _database_reachable(settings):
        upgrade(settings.database_url, revision, agrees=stored_values_agree)
    out.print(f"Database at {revision}.")


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders or http(s) URLs.")],
) -> None:
    """Store articles from files (JSONL, .txt, .html, RSS/Atom) or URLs and detect claims.

    Alerts are queued for subscribed channels; the running bot delivers them.
    """
    from bot.app import build_app

    settings = Settings()
    _setup_logging(settings)
    with _database_reachable(settings):
        application = build_app(settings)
    problems: list[str] = []
    counts = {"new": 0, "revision": 0, "duplicate": 0, "alerts": 0}

    async def go() -> None:
        # articles an interrupted ingest (of an older version) stored without their claims
        counts["recovered"] = await asyncio.to_thread(application.pipeline.recover_unprocessed)
        items: list[Article] = []
        limits = Limits.from_settings(settings)
        for item in read_paths([Path(p) for p in paths if not _is_url(p)], limits):
            if isinstance(item, FileProblem):
                problems.append(str(item))
            else:
                items.append(item)
        urls = [p for p in paths if _is_url(p)]
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task("Ingesting", total=len(items) + len(urls))
            for url in urls:
                try:
                    items.append(await _fetch(application, url))
                except Exception as exc:
                    problems.append(f"{url}: {exc}")
                progress.advance(task)
            items.sort(key=lambda a: a.published_at or datetime.min.replace(tzinfo=UTC))
            for item in items:
                try:
                    outcome = await application.pipeline.ingest(item)
                except Exception as exc:
                    logging.getLogger(__name__).exception("ingest of %s failed", item.url)
                    problems.append(f"{item.url}: {exc}")
                else:
                    counts[outcome.stored.status] += 1
                    counts["alerts"] += len(outcome.alerts)
                progress.advance(task)
        await application.stop()

    asyncio.run(go())
    for p in problems:
        _problem(p)
    if counts.get("recovered"):
        n = counts["recovered"]
        out.print(f"{n} article(s) stored earlier without their claims: processed now.")
    out.print(
        f"{counts['new']} new, {counts['revision']} revised, {counts['duplicate']} already known;"
        f" {counts['alerts']} alert event(s) queued; {len(problems)} problem(s)."
    )
    if problems:
        raise typer.Exit(1)


async def _fetch(application: object, url: str) -> Article:
    from bot.ingest.pages import fetch_article

    fetcher = application.commands.fetcher  # type: ignore[attr-defined]
    return await fetch_article(url, fetcher, user_submitted=False)


def load_articles(path: Path) -> tuple[list[Article], list[str]]:
    items: list[Article] = []
    problems: list[str] = []
    for item in read_paths([path]):
        if isinstance(item, FileProblem):
            problems.append(str(item))
        else:
            items.append(item)
    items.sort(key=lambda a: a.published_at or datetime.min.replace(tzinfo=UTC))
    return items, problems


@app.command()
def replay(
    articles: Annotated[
        Path, typer.Argument(help="Article JSONL (url, title, outlet, published, text).")
    ],
    topic: Annotated[Path, typer.Option("--topic", help="Topic TOML (name, query, [aliases]).")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per event.")] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Also show abstentions and dates.")
    ] = False,
) -> None:
    """Run the full pipeline on a throwaway store and print every event."""
    settings = Settings()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    install_log_redaction()
    try:
        topic_file = TopicFile.load(topic)
    except (OSError, ValueError, QueryError) as exc:
        err.print(f"[red]Topic file {topic}: {exc}[/red]")
        raise typer.Exit(2) from None
    if not articles.exists():
        err.print(f"[red]{articles}: no such file[/red]")
        raise typer.Exit(2)
    items, problems = load_articles(articles)
    for p in problems:
        _problem(p)
    rows = replay_events(items, topic_file, settings, debug=debug)
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    current = None
    for row in rows:
        if row.get("article_url") != current:
            current = row.get("article_url")
            out.rule(str(current))
        if "abstained" in row:
            out.print(f"  [dim]abstained ({row['abstained']}): {row['sentence']}[/dim]")
            continue
        kind = str(row["kind"])
        style = {"new_claim": "green", "new_source": "cyan", "changed": "yellow"}.get(kind, "dim")
        was = f" (was {row['previous_value']})" if row.get("previous_value") else ""
        out.print(
            f"  [{style}]{kind:<10}[/{style}] {row['key']} · {row['source']}: "
            f"[bold]{row['value']}[/bold]{was}"
        )
        out.print(f"             [dim]“{row['evidence']}”[/dim]")


@app.command("eval")
def eval_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Story folders (index.jsonl, the excerpts, labels.jsonl, topic.toml) or "
            "folders of them, e.g. ../shared/corpus."
        ),
    ],
    show: Annotated[
        bool, typer.Option("--show", help="List every alert and every missed label.")
    ] = False,
    loso: Annotated[
        bool,
        typer.Option(
            "--loso",
            help="Leave one story out: replay each story with a scorer trained on the others "
            "(needs scikit-learn).",
        ),
    ] = False,
) -> None:
    """Replay labelled stories and print what ../shared/corpus/score.py prints."""
    from bot.quality.corpus import CorpusError, stories_in
    from bot.quality.evaluation import evaluate

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    install_log_redaction()
    try:
        stories = stories_in(list(paths))
    except CorpusError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if not stories:
        err.print("[red]No story folders (index.jsonl + topic.toml) found.[/red]")
        raise typer.Exit(2)
    scorers = None
    if loso:
        try:
            from bot.quality.train import examples, leave_one_out
        except ImportError as exc:
            err.print(f"[red]--loso needs scikit-learn ({exc.name} is not installed).[/red]")
            raise typer.Exit(2) from None
        scorers = leave_one_out(stories, [e for s in stories for e in examples(s)])
    evaluate(stories, scorers=scorers, show=show, out=sys.stdout)


@app.command()
def topics() -> None:
    """List tracked topics in every workspace, with their subscriptions."""
    from bot.values import stored_values_agree
    from storage.db import make_engine, upgrade
    from storage.repository import Repository

    settings = Settings()
    repo = Repository(make_engine(settings.database_url))
    upgrade(repo.engine, agrees=stored_values_agree)
    subs = repo.subscriptions()
    for t in repo.list_topics():
        channels = [
            f"{s.platform}:{s.channel_id} ({s.mode}{', paused' if s.paused else ''})"
            for s in subs
            if s.topic_id == t.id
        ]
        out.print(f"[bold]{t.slug}[/bold] [{t.platform}/{t.workspace_id}] {t.name}")
        out.print(f"    query: {t.query}")
        out.print(f"    channels: {', '.join(channels) or '—'}")
    repo.dispose()


def main() -> None:  # pragma: no cover - console script entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
