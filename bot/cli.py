"""The ``claimwatch`` command line: run, ingest, replay, eval, topics, db upgrade."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

from bot.config import Settings
from bot.ingest.files import FileProblem, Limits, read_paths
from bot.redact import install_log_redaction, redact, register_secrets
from bot.topics import QueryError, TopicFile, slugify
from storage.repository import ArticleIn

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

REPLAY_PLATFORM = "replay"


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
    from sqlalchemy.exc import DBAPIError

    try:
        yield
    except DBAPIError as exc:
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
    from storage.db import upgrade

    settings = Settings()
    with _database_reachable(settings):
        upgrade(settings.database_url, revision)
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
        items: list[ArticleIn] = []
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
    out.print(
        f"{counts['new']} new, {counts['revision']} revised, {counts['duplicate']} already known;"
        f" {counts['alerts']} alert event(s) queued; {len(problems)} problem(s)."
    )
    if problems:
        raise typer.Exit(1)


async def _fetch(application: object, url: str) -> ArticleIn:
    from bot.ingest.pages import fetch_article

    fetcher = application.commands.fetcher  # type: ignore[attr-defined]
    return await fetch_article(url, fetcher, user_submitted=False)


def load_articles(path: Path) -> tuple[list[ArticleIn], list[str]]:
    items: list[ArticleIn] = []
    problems: list[str] = []
    for item in read_paths([path]):
        if isinstance(item, FileProblem):
            problems.append(str(item))
        else:
            items.append(item)
    items.sort(key=lambda a: a.published_at or datetime.min.replace(tzinfo=UTC))
    return items, problems


def replay_events(
    articles: list[ArticleIn], topic: TopicFile, settings: Settings, debug: bool = False
) -> list[dict[str, object]]:
    """The live pipeline over a throwaway store, in publication order."""
    from bot.app import build_app

    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="claimwatch-replay-") as tmp:
        settings = settings.model_copy(update={"database_url": f"sqlite:///{tmp}/replay.db"})
        application = build_app(settings)
        repo = application.repo
        t = repo.add_topic(REPLAY_PLATFORM, "replay", topic.name, slugify(topic.name), topic.query)
        for alias, canonical in topic.aliases.items():
            repo.add_alias(t.id, alias, canonical)
        for item in articles:
            outcome = application.pipeline.ingest_sync(item)
            for event in outcome.events:
                row = event.replay_json()
                if debug:
                    row["asserted_at"] = event.asserted_at.isoformat()
                    row["note"] = event.note
                rows.append(row)
            if debug:
                for sentence, reason in outcome.abstentions:
                    rows.append(
                        {"article_url": item.url, "abstained": reason, "sentence": sentence}
                    )
        repo.dispose()
    return rows


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


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


def _print_eval(results: list[object], show_errors: bool, limit: int) -> None:
    from rich.table import Table

    from bot.evaluate import Metrics, StoryResult, overall, show_value

    rows: list[tuple[str, Metrics]] = [
        (r.story.name, r.metrics) for r in results if isinstance(r, StoryResult)
    ]
    if len(rows) > 1:
        rows.append(("overall", overall([r for r in results if isinstance(r, StoryResult)])))
    events = Table(title="Alert events (new_claim, new_source, changed) vs labels")
    for col in ("story", "pred", "gold", "P", "R", "F1", "P kind", "R kind", "leaked rep."):
        events.add_column(col, justify="left" if col == "story" else "right", no_wrap=True)
    slots = Table(title="Slot accuracy over matched pairs")
    for col in ("story", "pairs", "src exact", "src lenient", "value", "kind", "key ~"):
        slots.add_column(col, justify="left" if col == "story" else "right", no_wrap=True)
    for name, m in rows:
        label = f"[bold]{name}[/bold]" if name == "overall" else name
        events.add_row(
            label,
            str(m.predicted_alerts),
            str(m.alert_labels),
            _pct(m.precision),
            _pct(m.recall),
            _pct(m.f1),
            _pct(m.precision_kind_exact),
            _pct(m.recall_kind_exact),
            f"{m.repeats_leaked} ({_pct(m.repeat_leak_share)})",
        )
        acc = m.as_dict()["slot_accuracy"]
        slots.add_row(
            label,
            str(m.pairs),
            *(
                _pct(acc[k])
                for k in ("source_exact", "source_lenient", "value", "kind", "key_lenient")
            ),
        )
    out.print(events)
    out.print(slots)
    if not show_errors:
        return
    for r in results:
        if not isinstance(r, StoryResult):
            continue
        out.rule(f"{r.story.name}: {len(r.errors.false_positives)} false positive(s)")
        for p, g in r.errors.false_positives[:limit]:
            why = f" [dim](label says {g.kind})[/dim]" if g is not None else ""
            out.print(
                f"  [red]FP[/red] {p.kind} · {p.key} · {p.source}: "
                f"[bold]{show_value(p.value)}[/bold]{why}  [dim]{p.article_url}[/dim]"
            )
            out.print(f"       [dim]“{p.evidence}”[/dim]")
        out.rule(f"{r.story.name}: {len(r.errors.misses)} miss(es)")
        for g, p in r.errors.misses[:limit]:
            why = f" [dim](predicted {p.kind} from {p.source})[/dim]" if p is not None else ""
            out.print(
                f"  [yellow]MISS[/yellow] {g.kind} · {g.key} · {g.source}: "
                f"[bold]{show_value(g.value)}[/bold]{why}  [dim]{g.article_url}[/dim]"
            )
            out.print(f"       [dim]“{g.evidence}”[/dim]")


@app.command("eval")
def eval_command(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="A story folder, or a folder of them (articles.jsonl, labels.jsonl, topic.toml)."
        ),
    ] = None,
    articles: Annotated[Path | None, typer.Option(help="Article JSONL.")] = None,
    labels: Annotated[Path | None, typer.Option(help="Gold labels JSONL.")] = None,
    topic: Annotated[Path | None, typer.Option(help="Topic TOML.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
    show_errors: Annotated[
        bool, typer.Option("--show-errors", help="List false positives and misses.")
    ] = False,
    limit: Annotated[int, typer.Option(help="At most this many errors of each sort.")] = 50,
) -> None:
    """Replay labelled stories and score the events: precision, recall, leaks, slots."""
    from bot.evaluate import Story, evaluate_story, report_json, stories_in

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    install_log_redaction()
    if folder is not None:
        if not folder.is_dir():
            err.print(f"[red]{folder}: not a folder[/red]")
            raise typer.Exit(2)
        stories = stories_in(folder)
        if not stories:
            err.print(f"[red]{folder}: no articles.jsonl + labels.jsonl + topic.toml found[/red]")
            raise typer.Exit(2)
    elif articles and labels and topic:
        for p in (articles, labels, topic):
            if not p.is_file():
                err.print(f"[red]{p}: no such file[/red]")
                raise typer.Exit(2)
        name = articles.parent.name if articles.name == "articles.jsonl" else articles.stem
        stories = [Story(name, articles, labels, topic)]
    else:
        err.print("[red]Give a folder, or --articles, --labels and --topic.[/red]")
        raise typer.Exit(2)
    settings = Settings(demo=False, console=False)
    results = []
    for story in stories:
        try:
            results.append(evaluate_story(story, settings))
        except (OSError, ValueError, QueryError) as exc:
            err.print(f"[red]{story.name}: {exc}[/red]")
            raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(report_json(results, with_errors=show_errors), indent=2) + "\n")
        return
    _print_eval(results, show_errors, limit)


@app.command()
def topics() -> None:
    """List tracked topics in every workspace, with their subscriptions."""
    from storage.db import make_engine, upgrade
    from storage.repository import Repository

    settings = Settings()
    repo = Repository(make_engine(settings.database_url))
    upgrade(repo.engine)
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
