"""Reading articles from files: JSONL, .txt, .html, RSS/Atom files, and folders of these."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.ingest.dates import parse_datetime
from bot.ingest.feedparse import FeedError, parse_feed
from bot.ingest.html import ExtractionFailed, extract_html
from bot.ingest.urls import canonical_url, hostname_outlet
from storage.repository import ArticleIn

SUFFIXES = {".jsonl", ".ndjson", ".json", ".txt", ".html", ".htm", ".xml", ".rss", ".atom"}
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class FileProblem:
    """A file (or a line of one) that could not be read, and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def expand_paths(paths: list[Path]) -> Iterator[Path | FileProblem]:
    """Files named, and files with a known suffix inside folders named, sorted."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SUFFIXES:
                    yield child
        elif path.is_file():
            yield path
        else:
            yield FileProblem(str(path), "no such file or folder")


def article_from_json(obj: object, where: str) -> ArticleIn:
    """One article JSON object ({url, title, outlet, published, text}) to an ``ArticleIn``."""
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object")
    text = obj.get("text")
    url = obj.get("url")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("missing 'text'")
    if not isinstance(url, str) or not url.strip():
        raise ValueError("missing 'url'")
    published_raw = obj.get("published") or obj.get("published_at")
    published = parse_datetime(published_raw) if published_raw else None
    if published_raw and published is None:
        raise ValueError(f"'published' is not an ISO 8601 date: {published_raw!r}")
    curl = canonical_url(url)
    return ArticleIn(
        url=curl,
        text=text.strip(),
        title=str(obj.get("title") or "").strip(),
        outlet=str(obj.get("outlet") or "").strip() or hostname_outlet(curl),
        published_at=published,
        language=obj.get("language") if isinstance(obj.get("language"), str) else None,
        author=obj.get("author") if isinstance(obj.get("author"), str) else None,
        origin="file",
    )


def _read_text(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"file is {size // (1024 * 1024)} MB, over the 50 MB limit")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        if best is None:
            raise ValueError("not a text file (unknown encoding)") from None
        return str(best)


def read_file(path: Path) -> Iterator[ArticleIn | FileProblem]:
    """Articles in one file; problems are yielded, never raised, so a batch goes on."""
    where = str(path)
    try:
        content = _read_text(path)
    except (OSError, ValueError) as exc:
        yield FileProblem(where, str(exc))
        return
    suffix = path.suffix.lower()
    mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    if suffix in (".jsonl", ".ndjson", ".json"):
        lines = content.splitlines()
        if suffix == ".json" and content.lstrip().startswith("["):
            try:
                lines = [json.dumps(o) for o in json.loads(content)]
            except json.JSONDecodeError as exc:
                yield FileProblem(where, f"invalid JSON: {exc.msg} at line {exc.lineno}")
                return
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield article_from_json(json.loads(line), f"{where}:{n}")
            except json.JSONDecodeError as exc:
                yield FileProblem(f"{where}:{n}", f"invalid JSON: {exc.msg}")
            except ValueError as exc:
                yield FileProblem(f"{where}:{n}", str(exc))
    elif suffix == ".txt":
        title, _, body = content.strip().partition("\n")
        if not body.strip():
            yield FileProblem(where, "a .txt article needs a title line and then the text")
            return
        yield ArticleIn(
            url=path.resolve().as_uri(),
            text=body.strip(),
            title=title.strip(),
            outlet=path.parent.name or "local file",
            published_at=mtime,
            origin="file",
        )
    elif suffix in (".html", ".htm"):
        try:
            page = extract_html(content, url=path.resolve().as_uri())
        except ExtractionFailed as exc:
            yield FileProblem(where, str(exc))
            return
        url = page.url if page.url.startswith("http") else path.resolve().as_uri()
        yield ArticleIn(
            url=url,
            text=page.text,
            title=page.title,
            outlet=page.outlet if page.url.startswith("http") else (page.outlet or path.stem),
            published_at=page.published_at or mtime,
            language=page.language,
            author=page.author,
            origin="file",
        )
    elif suffix in (".xml", ".rss", ".atom"):
        try:
            feed = parse_feed(content.encode("utf-8"))
        except FeedError as exc:
            yield FileProblem(where, str(exc))
            return
        for entry in feed.entries:
            if not entry.text.strip():
                yield FileProblem(f"{where}: {entry.url}", "feed item has no text")
                continue
            yield ArticleIn(
                url=entry.url,
                text=entry.text,
                title=entry.title,
                outlet=feed.title or hostname_outlet(entry.url),
                published_at=entry.published_at,
                author=entry.author,
                origin="file",
            )
    else:
        yield FileProblem(where, f"unsupported file type '{suffix or path.name}'")


def read_paths(paths: list[Path]) -> Iterator[ArticleIn | FileProblem]:
    for item in expand_paths(paths):
        if isinstance(item, FileProblem):
            yield item
        else:
            yield from read_file(item)
