"""Reading articles from files: JSONL, .txt, .html, RSS/Atom files, and folders of these.

Work per input is bounded: no file is read whole past its limit (HTML and
.txt by what one article may hold, RSS/Atom by ``fetch_max_bytes``, a JSON
array by ``MAX_JSON_ARRAY_BYTES``); JSONL is read one line at a time and a
line too long for one article is skipped unread; HTML goes through
``bot.ingest.extraction`` (size, element, time and memory budget); every
article passes ``admit_article`` (http(s) URL, text length, control
characters). Each bad file or line becomes a ``FileProblem`` naming it with
the reason, and the rest of the batch goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from bot.domain import Article
from bot.ingest.admit import DEFAULT_MAX_CHARS, ArticleRefused, admit_article
from bot.ingest.dates import parse_datetime
from bot.ingest.extraction import Budget, extract_page, megabytes
from bot.ingest.feedparse import FeedError, parse_feed
from bot.ingest.html import ExtractionFailed
from bot.ingest.urls import canonical_url, hostname_outlet

if TYPE_CHECKING:
    from bot.config import Settings

SUFFIXES = {".jsonl", ".ndjson", ".json", ".txt", ".html", ".htm", ".xml", ".rss", ".atom"}
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_JSON_ARRAY_BYTES = 20 * 1024 * 1024  # a JSON array is parsed whole; JSON lines stream
MAX_PROBLEMS_PER_FILE = 100
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class FileProblem:
    """A file (or a line of one) that could not be read, and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True)
class Limits:
    """What one input may cost: HTML extraction budget and article length."""

    budget: Budget = field(default_factory=Budget)
    max_chars: int = DEFAULT_MAX_CHARS
    max_feed_bytes: int = 5 * 1024 * 1024

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            Budget.from_settings(settings), settings.article_max_chars, settings.fetch_max_bytes
        )

    @property
    def max_text_bytes(self) -> int:
        """The largest .txt that can hold an article under ``max_chars`` (4 bytes a character)."""
        return self.max_chars * 4 + 64 * 1024

    @property
    def max_line_bytes(self) -> int:
        """The longest JSONL line read: one article's text, JSON-escaped, plus metadata."""
        return self.max_chars * 6 + 64 * 1024


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


def article_from_json(obj: object, where: str) -> Article:
    """One article JSON object ({url, title, outlet, published, text}) to an ``Article``."""
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object")
    text = obj.get("text")
    url = obj.get("url")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("missing 'text'")
    if not isinstance(url, str) or not url.strip():
        raise ValueError("missing 'url'")
    published_raw = obj.get("published") or obj.get("published_at")
    published = parse_datetime(published_raw) if isinstance(published_raw, str) else None
    if published_raw and published is None:
        raise ValueError(f"'published' is not an ISO 8601 date: {str(published_raw)[:80]!r}")
    curl = canonical_url(url)
    return Article(
        url=curl,
        text=text.strip(),
        title=str(obj.get("title") or "").strip(),
        outlet=str(obj.get("outlet") or "").strip() or hostname_outlet(curl),
        published_at=published,
        language=obj.get("language") if isinstance(obj.get("language"), str) else None,
        author=obj.get("author") if isinstance(obj.get("author"), str) else None,
        origin="file",
    )


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else the encoding charset-normalizer guesses from a sample."""
    if b"\x00" in raw[:_SNIFF_BYTES] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("a binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(raw[: 1024 * 1024]).best()
        if best is None or best.encoding is None:
            raise ValueError("not a text file (unknown encoding)") from None
        return raw.decode(best.encoding, errors="replace")


def _read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    size = path.stat().st_size
    if size > limit:
        raise ValueError(f"file is {megabytes(size)}, over the {megabytes(limit)} limit")
    return _decode(path.read_bytes())


def _lines(fh: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; ``None`` for a line over ``max_bytes``, skipped unread."""
    n = 0
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        n += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # drain the rest of the long line without keeping it
                rest = fh.readline(1024 * 1024)
                if not rest or rest.endswith(b"\n"):
                    break
            yield n, None
        else:
            yield n, line


def _json_article(raw: bytes, where: str, limits: Limits) -> Article | FileProblem:
    try:
        line = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return FileProblem(where, "not UTF-8 text (JSON lines must be UTF-8)")
    try:
        item = article_from_json(json.loads(line), where)
        return admit_article(item, max_chars=limits.max_chars)
    except json.JSONDecodeError as exc:
        return FileProblem(where, f"invalid JSON: {exc.msg}")
    except RecursionError:
        return FileProblem(where, "JSON nested too deeply")
    except ValueError as exc:  # ArticleRefused included
        return FileProblem(where, str(exc))


def read_jsonl(path: Path, limits: Limits) -> Iterator[Article | FileProblem]:
    """Articles of a JSONL file, read line by line; a bad line is a problem, never fatal."""
    where = str(path)
    problems = 0
    with path.open("rb") as fh:
        if b"\x00" in fh.read(_SNIFF_BYTES):
            yield FileProblem(where, "a binary file, not JSON lines")
            return
        fh.seek(0)
        for n, raw in _lines(fh, limits.max_line_bytes):
            if raw is not None and not raw.strip():
                continue
            if raw is None:
                result: Article | FileProblem = FileProblem(
                    f"{where}:{n}",
                    f"the line is over {megabytes(limits.max_line_bytes)}, too long for one "
                    f"article (CLAIMWATCH_ARTICLE_MAX_CHARS is {limits.max_chars:,})",
                )
            else:
                result = _json_article(raw, f"{where}:{n}", limits)
            if isinstance(result, FileProblem):
                problems += 1
                if problems > MAX_PROBLEMS_PER_FILE:
                    continue
            yield result
    if problems > MAX_PROBLEMS_PER_FILE:
        hidden = problems - MAX_PROBLEMS_PER_FILE
        yield FileProblem(where, f"{hidden} more bad line(s) not listed")


def _json_array(content: str, where: str, limits: Limits) -> Iterator[Article | FileProblem]:
    try:
        objects = json.loads(content)
    except json.JSONDecodeError as exc:
        yield FileProblem(where, f"invalid JSON: {exc.msg} at line {exc.lineno}")
        return
    except RecursionError:
        yield FileProblem(where, "JSON nested too deeply")
        return
    except ValueError as exc:
        yield FileProblem(where, f"invalid JSON: {exc}")
        return
    for n, obj in enumerate(objects if isinstance(objects, list) else [objects], start=1):
        try:
            yield admit_article(article_from_json(obj, f"{where}[{n}]"), max_chars=limits.max_chars)
        except ValueError as exc:
            yield FileProblem(f"{where}[{n}]", str(exc))


def _html_article(path: Path, limits: Limits) -> Article:
    size = path.stat().st_size
    if size > limits.budget.max_bytes:
        raise ExtractionFailed(
            f"the page is {megabytes(size)}, over the {megabytes(limits.budget.max_bytes)} "
            "limit for extracting HTML (CLAIMWATCH_EXTRACT_MAX_BYTES)"
        )
    content = _decode(path.read_bytes())
    page = extract_page(content, path.resolve().as_uri(), limits.budget)
    mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    url = page.url if page.url.startswith(("http://", "https://")) else path.resolve().as_uri()
    return Article(
        url=url,
        text=page.text,
        title=page.title,
        outlet=page.outlet if url.startswith("http") else (page.outlet or path.stem),
        published_at=page.published_at or mtime,
        language=page.language,
        author=page.author,
        origin="file",
    )


def _feed_articles(content: str, where: str, limits: Limits) -> Iterator[Article | FileProblem]:
    try:
        feed = parse_feed(content.encode("utf-8"))
    except FeedError as exc:
        yield FileProblem(where, str(exc))
        return
    for entry in feed.entries:
        if not entry.text.strip():
            yield FileProblem(f"{where}: {entry.url}", "feed item has no text")
            continue
        try:
            yield admit_article(entry.article(feed.title, "file"), max_chars=limits.max_chars)
        except ArticleRefused as exc:
            yield FileProblem(f"{where}: {entry.url}", str(exc))


def read_file(path: Path, limits: Limits | None = None) -> Iterator[Article | FileProblem]:
    """Articles in one file; problems are yielded, never raised, so a batch goes on."""
    limits = limits or Limits()
    where = str(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".jsonl", ".ndjson") or (
            suffix == ".json" and not _starts_with_bracket(path)
        ):
            yield from read_jsonl(path, limits)
        elif suffix == ".json":
            yield from _json_array(_read_text(path, MAX_JSON_ARRAY_BYTES), where, limits)
        elif suffix in (".html", ".htm"):
            yield admit_article(_html_article(path, limits), max_chars=limits.max_chars, local=True)
        elif suffix in (".xml", ".rss", ".atom"):
            yield from _feed_articles(_read_text(path, limits.max_feed_bytes), where, limits)
        elif suffix == ".txt":
            yield _text_article(path, limits)
        else:
            yield FileProblem(where, f"unsupported file type '{suffix or path.name}'")
    except (OSError, ValueError) as exc:  # ExtractionFailed and ArticleRefused included
        yield FileProblem(where, str(exc))


def _starts_with_bracket(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(_SNIFF_BYTES).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")


def _text_article(path: Path, limits: Limits) -> Article:
    size = path.stat().st_size
    if size > limits.max_text_bytes:
        raise ArticleRefused(
            f"the file is {megabytes(size)}, too long for one article "
            f"(CLAIMWATCH_ARTICLE_MAX_CHARS is {limits.max_chars:,})"
        )
    title, _, body = _read_text(path).strip().partition("\n")
    if not body.strip():
        raise ValueError("a .txt article needs a title line and then the text")
    item = Article(
        url=path.resolve().as_uri(),
        text=body.strip(),
        title=title.strip(),
        outlet=path.parent.name or "local file",
        published_at=datetime.fromtimestamp(path.stat().st_mtime, tz=UTC),
        origin="file",
    )
    return admit_article(item, max_chars=limits.max_chars, local=True)


def read_paths(paths: list[Path], limits: Limits | None = None) -> Iterator[Article | FileProblem]:
    for item in expand_paths(paths):
        if isinstance(item, FileProblem):
            yield item
        else:
            yield from read_file(item, limits)
