"""A replay of a story whose figure is a rate, through the real extractor."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app

ARTICLES = [
    (
        "https://a.example/1",
        "2025-04-01T09:00:00+00:00",
        "Inflation in Norvia rose to 3.2% in March, the national statistics office said on "
        "Tuesday. The central bank kept its key interest rate at 4.5 percent. Economists had "
        "expected inflation of 3%.",
    ),
    (
        "https://b.example/2",
        "2025-05-02T09:00:00+00:00",
        "Annual inflation jumped to 4.1 percent in April, according to the statistics office. "
        "Finance Minister Lea Holt said inflation would fall below 3% by the end of the year.",
    ),
    (
        "https://c.example/3",
        "2025-05-03T09:00:00+00:00",
        "Inflation stayed at 4.1% in April, the statistics office said in a second release.",
    ),
]


def test_a_rate_story_alerts_on_the_new_rate_and_ignores_forecasts(tmp_path: Path) -> None:
    articles = tmp_path / "a.jsonl"
    articles.write_text(
        "\n".join(
            json.dumps({"url": u, "title": "", "outlet": "Daily", "published": p, "text": t})
            for u, p, t in ARTICLES
        ),
        encoding="utf-8",
    )
    topic = tmp_path / "t.toml"
    topic.write_text('name = "Norvia inflation"\nquery = \'inflation OR "interest rate"\'\n')
    result = CliRunner().invoke(app, ["replay", str(articles), "--topic", str(topic), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    inflation = [
        (r["kind"], r["value"], r["previous_value"])
        for r in rows
        if r["key"] == "inflation — percent"
    ]
    assert inflation == [
        ("new_claim", "3.2%", None),
        ("changed", "4.1%", "3.2%"),
        ("repeat", "4.1%", None),
    ]
    # forecasts and expectations are a key of their own, never the current rate
    forecasts = {r["value"] for r in rows if r["key"] == "inflation forecast — percent"}
    assert forecasts == {"3%"}
