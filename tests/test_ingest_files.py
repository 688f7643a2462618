"""Reading article files: formats, a bad file in a batch, the CLI's ingest and replay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from bot.cli import app
from bot.ingest.files import FileProblem, read_paths
from bot.ingest.urls import canonical_url

HTML = """<html><head><title>Toll rises</title>
<link rel="canonical" href="https://daily.example/toll?utm_source=feed">
<meta property="og:site_name" content="Daily Example">
<meta property="article:published_time" content="2025-03-14T09:30:00Z"></head>
<body><nav>Home | World | Sport | Weather</nav><article><h1>Toll rises</h1>
<p>The death toll from the earthquake rose to 212, the interior ministry said on Friday.
Rescuers were still searching collapsed buildings in the old town for survivors.</p>
</article><footer>Share this article. Subscribe to our newsletter.</footer></body></html>"""


def write(tmp: Path, name: str, content: str) -> Path:
    path = tmp / name
    path.write_text(content, encoding="utf-8")
    return path


def test_formats_and_a_bad_file_in_a_batch(tmp_path: Path) -> None:
    good = {
        "url": "https://a.example/1?utm_medium=x",
        "title": "T",
        "outlet": "A",
        "published": "2025-03-14T09:30:00+00:00",
        "text": "Agency says 40 dead.",
    }
    write(
        tmp_path,
        "a.jsonl",
        json.dumps(good)
        + "\n{broken\n"
        + json.dumps({**good, "url": "https://a.example/2", "published": "someday"})
        + "\n",
    )
    write(tmp_path, "b.txt", "Quake title\nThe quake killed 40 people in the north.")
    write(tmp_path, "c.html", HTML)
    write(tmp_path, "d.html", "<html><body><p>hi</p></body></html>")
    write(tmp_path, "e.xml", "<rss><channel><item><title>x</title>")
    results = list(read_paths([tmp_path, tmp_path / "missing.jsonl"]))
    articles = [r for r in results if not isinstance(r, FileProblem)]
    problems = [str(r) for r in results if isinstance(r, FileProblem)]
    assert next(a.url for a in articles) == "https://a.example/1"
    assert {a.title for a in articles} == {"T", "Quake title", "Toll rises"}
    page = next(a for a in articles if a.title == "Toll rises")
    assert page.url == "https://daily.example/toll" and page.outlet == "Daily Example"
    assert "Share this article" not in page.text and "212" in page.text
    assert page.published_at is not None and page.published_at.day == 14
    assert any("a.jsonl:2: invalid JSON" in p for p in problems)
    assert any("a.jsonl:3" in p and "ISO 8601" in p for p in problems)
    assert any("d.html" in p and "no article text" in p for p in problems)
    assert any("e.xml" in p for p in problems)
    assert any("missing.jsonl: no such file" in p for p in problems)


@given(st.text(alphabet="abcXYZ/?=&:._-%", max_size=40))
def test_canonical_url_is_idempotent(path: str) -> None:
    url = "https://Example.COM:443/" + path
    once = canonical_url(url)
    assert canonical_url(once) == once
    tracked = once + ("&" if "?" in once else "?") + "utm_source=x"
    assert canonical_url(tracked) == once


@pytest.fixture
def story_files(tmp_path: Path) -> tuple[Path, Path]:
    rows = [
        {
            "url": "https://one.example/a",
            "title": "",
            "outlet": "One",
            "published": "2025-03-02T10:00:00+00:00",
            "text": "The quake hit the north. Red Cross says 55 dead.",
        },
        {
            "url": "https://two.example/b",
            "title": "",
            "outlet": "Two",
            "published": "2025-03-01T10:00:00+00:00",
            "text": "A quake struck at dawn. Agency says 40 dead.",
        },
    ]
    articles = write(tmp_path, "story.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n")
    topic = write(tmp_path, "topic.toml", "name = \"Quake\"\nquery = 'quake*'\n")
    return articles, topic


def test_replay_json_is_in_publication_order(
    story_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    articles, topic = story_files
    result = CliRunner().invoke(app, ["replay", str(articles), "--topic", str(topic), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["article_url"] for r in rows] == ["https://two.example/b", "https://one.example/a"]
    assert set(rows[0]) == {
        "article_url",
        "kind",
        "key",
        "source",
        "value",
        "previous_value",
        "evidence",
    }
    assert [r["kind"] for r in rows] == ["new_claim", "new_source"]
    assert "40" in rows[0]["value"] and "Agency" in rows[0]["evidence"]


def test_replay_rejects_a_bad_topic_file(story_files: tuple[Path, Path], tmp_path: Path) -> None:
    articles, _ = story_files
    bad = write(tmp_path, "bad.toml", "name = \"Q\"\nquery = '(quake'\n")
    result = CliRunner().invoke(app, ["replay", str(articles), "--topic", str(bad)])
    assert result.exit_code == 2 and "position" in result.output


def test_ingest_reports_bad_files_and_stores_the_rest(
    story_files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles, _ = story_files
    write(tmp_path, "broken.html", "<html></html>")
    monkeypatch.setenv("CLAIMWATCH_DATABASE_URL", f"sqlite:///{tmp_path}/cw.db")
    result = CliRunner().invoke(app, ["ingest", str(articles), str(tmp_path / "broken.html")])
    assert result.exit_code == 1
    assert "broken.html" in result.output and "2 new" in result.output
