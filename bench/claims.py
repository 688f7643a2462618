"""Claim engine throughput: the prefilter, extraction, extraction + detection, the pipeline.

Builds N synthetic articles (default 1,000; 300–600 words each) from templates
written for this benchmark — varied sources, figures, qualifiers, stances and
page boilerplate, fixed seed — then, on one core:

1. runs the cheap prefilter alone (sentence split and candidate test);
2. runs ``RuleExtractor.extract`` over every article (extraction alone);
3. runs extraction and detection (``one_per_statement`` and ``classify`` on
   per-key histories in memory), the scope of the goal;
4. feeds every article through the live ``Pipeline.ingest_sync`` on a SQLite
   store in a temporary folder with one matching topic and one subscription
   (store, dedupe, topic match, extract, detect, record claims/events, queue
   alerts).

With ``--corpus DIR`` (e.g. ``../shared/corpus``) the articles are the real
news excerpts read from there at run time instead. It prints articles/second
for each, the ratio against the goal of 50 articles/s for extraction +
detection, and peak memory (max RSS, goal < 300 MB). ``--profile`` adds a
cProfile of the end-to-end pass.

    python bench/claims.py [--n 1000] [--seed 7] [--corpus DIR] [--json] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.claims.extractor import RuleExtractor, topic_terms
from bot.claims.lexicons import lexicon
from bot.claims.model import ArticleText, ExtractionContext
from bot.claims.sentences import split_sentences
from bot.claims.view import is_candidate
from bot.detect import KeyHistory, Statement, classify, one_per_statement
from bot.domain import Article
from bot.topics import parse_query

GOAL_PER_S = 50.0
RSS_GOAL_MB = 300.0
TOPIC_NAME = "Calder valley floods"
TOPIC_QUERY = '(flood* OR storm OR levee) AND (calder OR brenmoor OR "lower fen")'

# ------------------------------------------------------------------ templates

OUTLETS = [
    "Fenwick Courier",
    "The Brenmoor Ledger",
    "Northwatch Daily",
    "Calder Evening Post",
    "Riverside Bulletin",
    "Eastmarch Wire",
    "The Lowland Observer",
    "Harrowgate Herald",
]
SOURCES = [
    "the Brenmoor emergency management office",
    "the regional fire service",
    "the Calder river authority",
    "the interior ministry",
    "the health ministry",
    "the Red Crescent",
    "the World Health Organization",
    "police",
    "the mayor's office",
    "local officials",
    "the coast guard",
    "the national weather service",
]
PEOPLE = [
    ("spokeswoman", "Edda Varn"),
    ("spokesman", "Tomas Quill"),
    ("Minister", "Ansel Drey"),
    ("Governor", "Mira Solberg"),
    ("chief officer", "Lutz Hanner"),
    ("director", "Ines Barrow"),
    ("Mayor", "Olek Straum"),
]
COUNTED = [
    ("people had died", "deaths"),
    ("people were killed", "deaths"),
    ("people were injured", "injured"),
    ("people were missing", "missing"),
    ("residents had been evacuated", "displaced"),
    ("homes were destroyed", "buildings"),
    ("people were taken to hospital", "hospitalised"),
    ("rescuers were deployed", "rescuers"),
]
QUALIFIERS = ["", "", "", "at least ", "more than ", "about ", "nearly ", "up to ", "some "]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PLACES = ["Calder", "Brenmoor", "Lower Fen", "Ashby Marsh", "Kettering Ford", "Dunmere"]

CLAIM_TEMPLATES = [
    "{Source} said {q}{n} {counted} in the floods.",
    "According to {source}, {q}{n} {counted} across the {place} district.",
    "{Q}{n} {counted}, {source} said on {day}.",
    '"We can confirm that {q}{n} {counted}," {title} {person} of {source} told reporters.',
    "{title} {person} said {q}{n} {counted} after the levee near {place} gave way.",
    "The toll rose to {n} on {day}, {source} said in a statement.",
    "{Source} put the figure at between {n} and {n2}.",
    "In an update at {hour} p.m., {source} said {q}{n} {counted} in {place}.",
]
STANCE_TEMPLATES = [
    "{Source} denied that the {place} levee had been neglected before the storm.",
    "{Source} confirmed that the dam upstream of {place} had been breached.",
    "{title} {person} declined to confirm reports that the Calder dam had failed.",
    "{Source} said reports of a second breach were credible.",
]
FILLER = [
    "Heavy rain fell for a third straight day over the {place} area, and the river "
    "rose {k} centimetres overnight.",
    "Schools in {place} will stay closed until {day}, the education board said.",
    "The valley was last flooded in {year}, when the river broke its banks in {k} places.",
    "Roughly {pct}% of the farmland in the lower valley lies below the flood line.",
    "The regional government has set aside {money} million crowns for repairs.",
    "Trains between {place} and {place2} were cancelled, and the main road was closed "
    "at kilometre {k}.",
    "Volunteers filled sandbags outside the town hall, where a 74-year-old resident "
    "said she had never seen the water so high.",
    "Forecasters expect the rain to ease by {day}, though gusts of up to {k} km/h "
    "are possible on the coast.",
    "The emergency hotline, 0800 {k}{k2}, received calls throughout the night.",
    "Aid groups said tents, blankets and drinking water were being trucked into {place}.",
    "Insurers said it was too early to estimate the cost of the damage.",
    "Photographs shared online showed cars floating in the streets of {place}.",
    "The river authority has opened {k} overflow basins to protect the town centre.",
    "Local shops in {place} handed out bread and bottled water to families.",
    "The storm also knocked out power to about {pct}% of homes in the district.",
]
BOILERPLATE = [
    "Share this article",
    "Subscribe to our newsletter for the morning briefing.",
    "Read more: How the {place} flood defences were built",
    "Related: Photos from the {place} floods",
    "Weather in {place}: {k}°C, rain showers",
    "Advertisement",
    "Sign in | Register | Contact us",
]


def _fill(t: str, rng: random.Random) -> str:
    source = rng.choice(SOURCES)
    title, person = rng.choice(PEOPLE)
    q = rng.choice(QUALIFIERS)
    n = rng.choice([rng.randint(3, 99), rng.randint(100, 999), rng.randint(1000, 25000)])
    place, place2 = rng.sample(PLACES, 2)
    counted = rng.choice(COUNTED)[0]
    values = {
        "source": source,
        "Source": source[:1].upper() + source[1:],
        "title": title,
        "person": person,
        "q": q,
        "Q": q[:1].upper() + q[1:] if q else "",
        "n": f"{n:,}",
        "n2": f"{int(n * rng.uniform(1.2, 2.0)):,}",
        "counted": counted,
        "place": place,
        "place2": place2,
        "day": rng.choice(DAYS),
        "hour": rng.randint(1, 11),
        "k": rng.randint(2, 120),
        "k2": rng.randint(100, 999),
        "year": rng.randint(1950, 2015),
        "pct": rng.randint(5, 80),
        "money": rng.randint(2, 900),
    }
    text = t.format(**values)
    return text[:1].upper() + text[1:]


def build_articles(n: int, seed: int) -> list[Article]:
    """``n`` deterministic articles of 300–600 words about the Calder floods."""
    rng = random.Random(seed)
    t0 = datetime(2025, 9, 1, 6, tzinfo=UTC)
    out: list[Article] = []
    for i in range(n):
        target = rng.randint(300, 600)
        paragraphs: list[str] = [_fill(rng.choice(BOILERPLATE), rng)]
        lead = (
            f"{rng.choice(PLACES).upper()}, {rng.choice(DAYS)} ({rng.choice(OUTLETS)}) - "
            + _fill(rng.choice(CLAIM_TEMPLATES), rng)
        )
        paragraphs.append(lead)
        words = sum(len(p.split()) for p in paragraphs)
        while words < target:
            roll = rng.random()
            if roll < 0.3:
                para = " ".join(_fill(rng.choice(CLAIM_TEMPLATES), rng) for _ in range(2))
            elif roll < 0.38:
                para = _fill(rng.choice(STANCE_TEMPLATES), rng)
            elif roll < 0.45:
                para = _fill(rng.choice(BOILERPLATE), rng)
            else:
                para = " ".join(_fill(rng.choice(FILLER), rng) for _ in range(rng.randint(1, 3)))
            paragraphs.append(para)
            words += len(para.split())
        outlet = rng.choice(OUTLETS)
        slug = outlet.lower().replace(" ", "-").replace("the-", "")
        out.append(
            Article(
                url=f"https://{slug}.example/floods/{i:05d}",
                title=f"Calder floods: update {i}",
                outlet=outlet,
                published_at=t0 + timedelta(minutes=7 * i),
                text="\n\n".join(paragraphs),
            )
        )
    return out


# ------------------------------------------------------------------ runs


@dataclass
class Figures:
    articles: int
    words_mean: float
    prefilter_per_s: float
    candidate_sentences: int
    extract_s: float
    extract_per_s: float
    claims: int
    detect_s: float
    detect_per_s: float
    e2e_s: float
    e2e_per_s: float
    events: int
    alert_events: int
    ratio_to_goal: float
    e2e_ratio_to_goal: float
    peak_rss_mib: float
    cores: int


def peak_rss_mib() -> float:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / (1024 * 1024)


def one_core() -> int:
    """Pin this process to one CPU where the platform allows; returns the cores allowed."""
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[0]})
        return len(os.sched_getaffinity(0))
    return 1


Group = tuple[str, str, list[Article]]  # topic name, topic query, its articles


def run_prefilter(groups: list[Group]) -> tuple[float, int]:
    """The cheap prefilter alone: how many sentences it lets through to analysis."""
    lex = lexicon()
    kept = 0
    started = time.perf_counter()
    for _, query_text, articles in groups:
        terms = topic_terms(parse_query(query_text).terms)
        for a in articles:
            kept += sum(1 for s in split_sentences(a.text) if is_candidate(s.text, terms, lex))
    return time.perf_counter() - started, kept


def run_extraction(groups: list[Group]) -> tuple[float, int]:
    extractor = RuleExtractor()
    claims = 0
    started = time.perf_counter()
    for name, query_text, articles in groups:
        context = ExtractionContext(name, tuple(parse_query(query_text).terms))
        for a in articles:
            result = extractor.extract(
                ArticleText(a.text, a.title, a.outlet, a.url, a.published_at), context
            )
            claims += len(result.claims)
    return time.perf_counter() - started, claims


def run_extract_detect(groups: list[Group]) -> tuple[float, int]:
    """Extraction and detection (per-key histories in memory), no storage: the goal's scope."""
    extractor = RuleExtractor()
    alerts = 0
    started = time.perf_counter()
    for name, query_text, articles in groups:
        context = ExtractionContext(name, tuple(parse_query(query_text).terms))
        histories: dict[str, KeyHistory] = {}
        for n, a in enumerate(articles):
            result = extractor.extract(
                ArticleText(a.text, a.title, a.outlet, a.url, a.published_at), context
            )
            when = a.published_at or datetime.now(UTC)
            for c in one_per_statement(result.claims):
                history = histories.setdefault(c.key, KeyHistory())
                decision = classify(
                    c.source,
                    c.value,
                    c.asserted_at or when,
                    history,
                    background=c.background,
                    article_id=n,
                )
                alerts += decision.alerts
                history.add(
                    Statement(
                        c.source,
                        c.value,
                        c.asserted_at or when,
                        n,
                        a.outlet,
                        c.background or decision.stale,
                    )
                )
    return time.perf_counter() - started, alerts


def run_pipeline(groups: list[Group], profile: cProfile.Profile | None) -> tuple[float, int, int]:
    from bot.app import build_app
    from bot.config import Settings
    from bot.topics import slugify

    with tempfile.TemporaryDirectory(prefix="claimwatch-bench-") as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.db", demo=False, console=False)
        app = build_app(settings)
        for name, query_text, _ in groups:
            topic = app.repo.add_topic("bench", "ws", name, slugify(name), query_text)
            app.repo.subscribe(topic.id, "bench", "ws", "alerts")
        events = alerts = 0
        if profile is not None:
            profile.enable()
        started = time.perf_counter()
        for _, _, articles in groups:
            for a in articles:
                outcome = app.pipeline.ingest_sync(a)
                events += len(outcome.events)
                alerts += len(outcome.alerts)
        elapsed = time.perf_counter() - started
        if profile is not None:
            profile.disable()
        app.repo.dispose()
    return elapsed, events, alerts


def corpus_groups(folder: Path) -> list[Group]:
    """The real-news stories under ``folder``, read at run time (never stored here)."""
    from bot.quality.corpus import stories_in
    from bot.quality.evaluation import story_articles

    return [(s.topic_name, s.topic_query, story_articles(s)) for s in stories_in([folder])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="articles (default 1000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--profile", action="store_true", help="cProfile the end-to-end pass")
    parser.add_argument("--top", type=int, default=30, help="profile rows to print")
    parser.add_argument(
        "--corpus", type=Path, default=None, help="benchmark the real stories under this folder"
    )
    args = parser.parse_args(argv)

    cores = one_core()
    if args.corpus is not None:
        groups = corpus_groups(args.corpus)
    else:
        groups = [(TOPIC_NAME, TOPIC_QUERY, build_articles(args.n, args.seed))]
    articles = [a for _, _, arts in groups for a in arts]
    n = len(articles)
    words = sum(len(a.text.split()) for a in articles) / max(n, 1)
    run_extraction([(g[0], g[1], g[2][:20]) for g in groups])  # warm imports and caches
    prefilter_s, kept = run_prefilter(groups)
    extract_s, claims = run_extraction(groups)
    detect_s, _ = run_extract_detect(groups)
    profile = cProfile.Profile() if args.profile else None
    e2e_s, events, alerts = run_pipeline(groups, profile)
    fig = Figures(
        articles=n,
        words_mean=round(words, 1),
        prefilter_per_s=round(n / prefilter_s, 1),
        candidate_sentences=kept,
        extract_s=round(extract_s, 3),
        extract_per_s=round(n / extract_s, 1),
        claims=claims,
        detect_s=round(detect_s, 3),
        detect_per_s=round(n / detect_s, 1),
        e2e_s=round(e2e_s, 3),
        e2e_per_s=round(n / e2e_s, 1),
        events=events,
        alert_events=alerts,
        ratio_to_goal=round(n / detect_s / GOAL_PER_S, 2),
        e2e_ratio_to_goal=round(n / e2e_s / GOAL_PER_S, 2),
        peak_rss_mib=round(peak_rss_mib(), 1),
        cores=cores,
    )
    if args.json:
        print(json.dumps(vars(fig), indent=2))
    else:
        source = f"corpus {args.corpus}" if args.corpus else f"synthetic, seed {args.seed}"
        print(f"articles: {n} (mean {fig.words_mean} words), {source}, cores: {cores}")
        print(
            f"prefilter alone:         {fig.prefilter_per_s:8.1f} articles/s"
            f"  ({kept} candidate sentences)"
        )
        print(
            f"extraction alone:        {fig.extract_per_s:8.1f} articles/s"
            f"  ({fig.extract_s:.2f} s, {claims} claims)"
        )
        print(
            f"extraction + detection:  {fig.detect_per_s:8.1f} articles/s  ({fig.detect_s:.2f} s)"
        )
        print(
            f"full pipeline (SQLite):  {fig.e2e_per_s:8.1f} articles/s"
            f"  ({fig.e2e_s:.2f} s, {events} events, {alerts} alerts)"
        )
        verdict = "meets" if fig.ratio_to_goal >= 1 else "below"
        goal = f"goal {GOAL_PER_S:.0f} articles/s for extraction + detection:"
        print(
            f"{goal} ratio {fig.ratio_to_goal:.2f} ({verdict});"
            f" full pipeline with storage {fig.e2e_ratio_to_goal:.2f}"
        )
        rss = "meets" if fig.peak_rss_mib < RSS_GOAL_MB else "above"
        print(
            f"peak memory (max RSS):   {fig.peak_rss_mib:8.1f} MiB"
            f"  (goal < {RSS_GOAL_MB:.0f} MB: {rss})"
        )
    if profile is not None:
        buf = io.StringIO()
        stats = pstats.Stats(profile, stream=buf)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        print(buf.getvalue(), file=sys.stderr if args.json else sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
