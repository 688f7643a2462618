"""Seeds a store for ``bench/growth.py`` fast: realistic rows in bulk, not the pipeline.

One busy topic (the Calder floods of ``bench/claims.py``, whose keys and sources
come from running the real extractor over its synthetic articles, so that the
articles the benchmark ingests afterwards land on keys with long histories) and
four quiet ones, one subscription each. Per article about 7 claims over skewed
keys and sources, figures that move now and then (a ``changed``, a bounded random
walk, sometimes with another qualifier), 10 % of repeats
background quotes dated back; an event per claim and a sent alert per alerting
event; 3 % of articles revised once. Rows go in with explicit ids, by
``executemany`` on SQLite and ``COPY`` on PostgreSQL; then the state tables are
built from the claims with the store's own ``rebuild_state``/``rebuild_values``.

    python bench/growth_seed.py URL SIZE
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims import TOPIC_NAME, TOPIC_QUERY, build_articles
from sqlalchemy import Table, insert, text
from sqlalchemy.orm import Session

from bot.claims.extractor import RuleExtractor
from bot.claims.model import ArticleText, ExtractionContext
from bot.domain import ClaimValue, Qualifier
from bot.topics import parse_query
from bot.values import stored_values_agree
from storage.db import make_engine, upgrade
from storage.models import (
    Alert,
    Article,
    ArticleRevision,
    Claim,
    ClaimEvent,
    Subscription,
    Topic,
    Workspace,
)
from storage.state import rebuild_all

T0 = datetime(2025, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=365)
CLAIMS_PER_ARTICLE = 7
BUSY_SHARE = 0.7
QUIET_TOPICS = 4
CHANGE_P = 0.05
BACKGROUND_P = 0.10
REVISED_P = 0.03
CHUNK = 20_000
QUALIFIERS = [Qualifier.EXACT, Qualifier.EXACT, Qualifier.AT_LEAST, Qualifier.ABOUT]
WORDS = [
    "officials",
    "said",
    "the",
    "situation",
    "remained",
    "serious",
    "while",
    "crews",
    "worked",
    "through",
    "the",
    "night",
]


def busy_vocabulary() -> list[tuple[str, str, str]]:
    """(key, key label, source) of figures the real extractor finds in the busy topic."""
    context = ExtractionContext(
        topic_name=TOPIC_NAME, topic_terms=tuple(parse_query(TOPIC_QUERY).terms)
    )
    extractor = RuleExtractor()
    seen: dict[tuple[str, str], str] = {}
    for a in build_articles(120, seed=11):
        result = extractor.extract(
            ArticleText(a.text, a.title, a.outlet, a.url, a.published_at), context
        )
        for c in result.claims:
            if c.value.kind == "figure":
                seen.setdefault((c.key, c.source), c.key_label)
    return [(key, label, source) for (key, source), label in sorted(seen.items())]


def quiet_vocabulary(topic: int) -> list[tuple[str, str, str]]:
    return [
        (f"q{topic}-measure{k}:count", f"measure {k} — count", f"Quiet source {s}")
        for k in range(10)
        for s in range(15)
    ]


@functools.cache
def _value(number: float, qualifier: Qualifier) -> tuple[dict[str, Any], str]:
    value = ClaimValue.figure(number, qualifier)
    return value.to_json(), value.display()


def skewed(n: int) -> list[float]:
    return [1.0 / (i + 1) ** 0.8 for i in range(n)]


def article_text(rng: random.Random, topic_name: str, i: int) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(80, 140)))
    return f"{topic_name}, report {i}. {words.capitalize()}."


class Writer:
    """Bulk rows into one table: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, conn: Any, dialect: str) -> None:
        self.conn = conn
        self.dialect = dialect

    def write(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        if self.dialect != "postgresql":
            for start in range(0, len(rows), CHUNK):
                self.conn.execute(insert(table), list(rows[start : start + CHUNK]))
            return
        columns = list(rows[0])
        raw = self.conn.connection.driver_connection
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(
                    [json.dumps(v) if isinstance(v, dict | list) else v for v in row.values()]
                )


def seed(url: str, size: int, seed_value: int = 7) -> dict[str, Any]:
    started = time.perf_counter()
    rng = random.Random(seed_value)
    engine = make_engine(url)
    upgrade(engine, agrees=stored_values_agree)
    dialect = engine.dialect.name
    vocab = {0: busy_vocabulary(), **{t: quiet_vocabulary(t) for t in range(1, QUIET_TOPICS + 1)}}
    with engine.begin() as conn:
        w = Writer(conn, dialect)
        w.write(
            Workspace.__table__,
            [
                {
                    "id": 1,
                    "platform": "fake",
                    "workspace_id": "ws1",
                    "name": "bench",
                    "active": True,
                    "joined_at": T0,
                }
            ],
        )
        topics = [
            {"id": 1, "name": TOPIC_NAME, "slug": "floods", "query": TOPIC_QUERY},
            *(
                {"id": t + 1, "name": f"Quiet {t}", "slug": f"quiet-{t}", "query": f"quietterm{t}"}
                for t in range(1, QUIET_TOPICS + 1)
            ),
        ]
        w.write(
            Topic.__table__,
            [
                {
                    **t,
                    "platform": "fake",
                    "workspace_id": "ws1",
                    "alert_mode": "instant",
                    "created_by": "bench",
                    "created_at": T0,
                    "active": True,
                }
                for t in topics
            ],
        )
        w.write(
            Subscription.__table__,
            [
                {
                    "id": t["id"],
                    "topic_id": t["id"],
                    "platform": "fake",
                    "workspace_id": "ws1",
                    "channel_id": f"c{t['id']}",
                    "mode": "instant",
                    "paused": False,
                    "digest_interval_s": 3600,
                    "created_by": "bench",
                    "created_at": T0,
                }
                for t in topics
            ],
        )
        counts = _write_history(w, rng, size, vocab)
    _fix_sequences(engine)
    written = time.perf_counter()
    _build_state(engine)
    engine.dispose()
    return {
        **counts,
        "rows_s": round(written - started, 1),
        "state_s": round(time.perf_counter() - written, 1),
    }


def _write_history(
    w: Writer, rng: random.Random, size: int, vocab: dict[int, list[tuple[str, str, str]]]
) -> dict[str, int]:
    weights = {t: skewed(len(v)) for t, v in vocab.items()}
    # the first articles name every (key, source) once, so that the extractor knows the
    # same parties and keys at every size and ingest costs compare
    warmup = [
        (t, set(range(n, min(n + CLAIMS_PER_ARTICLE, len(v)))))
        for t, v in vocab.items()
        for n in range(0, len(v), CLAIMS_PER_ARTICLE)
    ]
    figures: dict[tuple[int, int], tuple[float, Qualifier]] = {}
    heard: set[tuple[int, str]] = set()
    claim_id = event_id = alert_id = revision_id = 0
    totals = {"articles": 0, "claims": 0, "events": 0, "alerts": 0, "revisions": 0}
    for start in range(0, size, CHUNK // CLAIMS_PER_ARTICLE):
        articles: list[dict[str, Any]] = []
        revisions: list[dict[str, Any]] = []
        claims: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        alerts: list[dict[str, Any]] = []
        for i in range(start, min(size, start + CHUNK // CLAIMS_PER_ARTICLE)):
            article_id = i + 1
            if i < len(warmup):
                topic, picks = warmup[i]
            else:
                topic = 0 if rng.random() < BUSY_SHARE else rng.randint(1, QUIET_TOPICS)
                picks = set(
                    rng.choices(range(len(vocab[topic])), weights[topic], k=CLAIMS_PER_ARTICLE)
                )
            published = T0 + SPAN * (i / size)
            outlet = f"Outlet {rng.randint(1, 150)}"
            revised = rng.random() < REVISED_P
            body = article_text(rng, TOPIC_NAME if topic == 0 else f"Quiet {topic}", i)
            articles.append(
                {
                    "id": article_id,
                    "url": f"https://seed.example/{topic}/{i}",
                    "title": f"Report {i}",
                    "outlet": outlet,
                    "published_at": published,
                    "fetched_at": published,
                    "text": body,
                    "content_hash": hashlib.sha256(f"{i}".encode()).hexdigest(),
                    "revision": 2 if revised else 1,
                    "origin": "feed",
                    "processed_revision": 2 if revised else 1,
                }
            )
            for rev in range(1, 3 if revised else 2):
                revision_id += 1
                revisions.append(
                    {
                        "id": revision_id,
                        "article_id": article_id,
                        "revision": rev,
                        "title": f"Report {i}",
                        "text": body,
                        "content_hash": articles[-1]["content_hash"],
                        "fetched_at": published,
                    }
                )
            for pick in sorted(picks):
                key, label, source = vocab[topic][pick]
                slot = (topic, pick)
                first_of_key = (topic, key) not in heard
                kind = "new_claim" if first_of_key else "repeat"
                if slot not in figures:
                    figures[slot] = (float(rng.randint(10, 500)), Qualifier.EXACT)
                    kind = "new_claim" if first_of_key else "new_source"
                elif rng.random() < CHANGE_P:
                    number, _ = figures[slot]
                    number = min(1e6, max(10.0, round(number * rng.uniform(0.8, 1.25))))
                    figures[slot] = (number, rng.choice(QUALIFIERS))
                    kind = "changed"
                heard.add((topic, key))
                background = kind == "repeat" and rng.random() < BACKGROUND_P
                value_json, value_text = _value(*figures[slot])
                claim_id += 1
                claims.append(
                    {
                        "id": claim_id,
                        "topic_id": topic + 1,
                        "article_id": article_id,
                        "revision": 2 if revised else 1,
                        "key": key,
                        "key_label": label,
                        "source": source,
                        "source_detail": None,
                        "value": value_json,
                        "value_text": value_text,
                        "evidence": f"{source} said {value_text}.",
                        "evidence_start": 0,
                        "evidence_end": 40,
                        "asserted_at": published - timedelta(days=rng.randint(1, 20))
                        if background
                        else published,
                        "background": background,
                        "outlet": outlet,
                        "extractor": "rules",
                        "created_at": published,
                    }
                )
                event_id += 1
                events.append(
                    {
                        "id": event_id,
                        "topic_id": topic + 1,
                        "claim_id": claim_id,
                        "article_id": article_id,
                        "kind": kind,
                        "key": key,
                        "key_label": label,
                        "source": source,
                        "value_text": value_text,
                        "previous_value_text": None,
                        "conflicts_with": [],
                        "note": None,
                        "created_at": published,
                    }
                )
                if kind != "repeat":
                    alert_id += 1
                    alerts.append(
                        {
                            "id": alert_id,
                            "event_id": event_id,
                            "subscription_id": topic + 1,
                            "platform": "fake",
                            "status": "sent",
                            "attempts": 1,
                            "next_attempt_at": published,
                            "created_at": published,
                            "sent_at": published,
                            "platform_message_id": f"m{alert_id}",
                        }
                    )
        for table, rows in (
            (Article.__table__, articles),
            (ArticleRevision.__table__, revisions),
            (Claim.__table__, claims),
            (ClaimEvent.__table__, events),
            (Alert.__table__, alerts),
        ):
            w.write(table, rows)
        totals["articles"] += len(articles)
        totals["revisions"] += len(revisions)
        totals["claims"] += len(claims)
        totals["events"] += len(events)
        totals["alerts"] += len(alerts)
    return totals


def _fix_sequences(engine: Any) -> None:
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in (
            "workspaces",
            "topics",
            "subscriptions",
            "articles",
            "article_revisions",
            "claims",
            "claim_events",
            "alerts",
        ):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
            )
        conn.execute(text("ANALYZE"))


def _build_state(engine: Any) -> None:
    with Session(engine) as s, s.begin():
        rebuild_all(s, stored_values_agree)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


if __name__ == "__main__":
    print(json.dumps(seed(sys.argv[1], int(sys.argv[2]))))
