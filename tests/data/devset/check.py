"""Check the hand-labelled dev set (and the sample labels) for format and consistency.

Usage (from the repository root)::

    python tests/data/devset/check.py                       # every story folder under tests/data/devset/
    python tests/data/devset/check.py tests/data/devset/quake
    python tests/data/devset/check.py --articles ../shared/samples/samples.jsonl \
        --labels tests/data/samples/labels.jsonl

It verifies that every line of ``articles.jsonl`` and ``labels.jsonl`` is valid
JSON with the expected fields, that ``published`` parses as ISO 8601 and the
articles are in publication order, that ``topic.toml`` parses, that every
label's ``article_url`` (and ``revision``, default 1) names an article, that its
``evidence`` occurs verbatim in that article revision's text, that kinds and
value shapes are in the allowed sets, and that an article revision carries at
most one label per (key, source).

It then replays the labels in order through the product's own detection rules
(``bot.detect.classify``, documented in README.md) and reports every label whose
``kind`` or ``previous_value`` disagrees with the replay; ``--rewrite`` writes
the kinds the rules give instead, ``--no-replay`` skips that part. Exits 1 on
any error.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from bot.claims.model import ClaimValue  # noqa: E402
from bot.detect import Statement, classify  # noqa: E402

KINDS = {"new_claim", "new_source", "changed", "repeat"}
QUALIFIERS = {"exact", "at least", "more than", "about", "up to", "range"}
STANCES = {"confirms", "denies", "declines to confirm", "considers credible"}
ABOUT = 0.1


def interval(v: dict) -> tuple[float, float]:
    n, q = v["number"], v.get("qualifier") or "exact"
    if q == "range":
        return (n, v.get("number_high") if v.get("number_high") is not None else n)
    if q in ("at least", "more than"):
        return (n, math.inf)
    if q == "up to":
        return (0.0, n)
    if q == "about":
        return (n * (1 - ABOUT), n * (1 + ABOUT))
    return (n, n)


def value_kind(v: dict) -> str:
    if "number" in v:
        return "figure"
    if "stance" in v:
        return "stance"
    return "status"


def agrees(a: dict, b: dict) -> bool:
    ka, kb = value_kind(a), value_kind(b)
    if ka != kb:
        return False
    if ka == "stance":
        return a["stance"] == b["stance"]
    if ka == "status":
        return a["status"].strip().lower() == b["status"].strip().lower()
    alo, ahi = interval(a)
    blo, bhi = interval(b)
    return alo <= bhi and blo <= ahi


def same(a: dict | None, b: dict | None) -> bool:
    if a is None or b is None:
        return a is b
    return {k: v for k, v in a.items() if v is not None} == {k: v for k, v in b.items() if v is not None}


def check_value(v: object, where: str, errors: list[str]) -> None:
    if not isinstance(v, dict):
        errors.append(f"{where}: value is not an object")
        return
    kind = value_kind(v)
    if v.get("kind") not in (None, kind):
        errors.append(f"{where}: value kind {v.get('kind')!r} does not fit its fields")
    if kind == "figure":
        if not isinstance(v["number"], (int, float)):
            errors.append(f"{where}: number is not a number")
        if v.get("qualifier") not in QUALIFIERS:
            errors.append(f"{where}: bad qualifier {v.get('qualifier')!r}")
        if v.get("qualifier") == "range" and not isinstance(v.get("number_high"), (int, float)):
            errors.append(f"{where}: range without number_high")
    elif kind == "stance":
        if v["stance"] not in STANCES:
            errors.append(f"{where}: bad stance {v['stance']!r}")
    elif not isinstance(v.get("status"), str) or not v["status"].strip():
        errors.append(f"{where}: value has no number, stance or status")


def read_jsonl(path: Path, errors: list[str]) -> list[dict]:
    rows = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            errors.append(f"{path}:{i}: invalid JSON: {exc}")
    return rows


def check(
    articles_path: Path, labels_path: Path, topic_path: Path | None, replay: bool,
    rewrite: bool = False,
) -> list[str]:
    errors: list[str] = []
    warnings: list[str] = []
    articles = read_jsonl(articles_path, errors)
    texts: dict[tuple[str, int], str] = {}
    revisions: dict[str, int] = {}
    published: dict[tuple[str, int], datetime] = {}
    article_ids: dict[str, int] = {}
    last = None
    for i, a in enumerate(articles, 1):
        where = f"{articles_path}:{i}"
        missing = {"url", "title", "outlet", "published", "text"} - a.keys()
        if missing:
            errors.append(f"{where}: missing {sorted(missing)}")
            continue
        try:
            when = datetime.fromisoformat(a["published"])
        except ValueError:
            errors.append(f"{where}: published {a['published']!r} is not ISO 8601")
            continue
        if when.tzinfo is None and "samples" not in str(articles_path):
            warnings.append(f"{where}: published has no time zone")
        if last is not None and when.replace(tzinfo=None) < last.replace(tzinfo=None):
            errors.append(f"{where}: not in publication order")
        last = when
        rev = revisions.get(a["url"], 0) + 1
        revisions[a["url"]] = rev
        texts[(a["url"], rev)] = a["text"]
        published[(a["url"], rev)] = when if when.tzinfo else when.replace(tzinfo=UTC)
        article_ids.setdefault(a["url"], len(article_ids) + 1)
        words = len(a["text"].split())
        if "devset" in str(articles_path) and not 150 <= words <= 600:
            warnings.append(f"{where}: {words} words (want 150-600)")
    if topic_path is not None:
        try:
            topic = tomllib.loads(topic_path.read_text(encoding="utf-8"))
            if not isinstance(topic.get("name"), str) or not isinstance(topic.get("query"), str):
                errors.append(f"{topic_path}: needs string name and query")
        except tomllib.TOMLDecodeError as exc:
            errors.append(f"{topic_path}: invalid TOML: {exc}")

    labels = read_jsonl(labels_path, errors)
    seen: set[tuple[str, int, str, str]] = set()
    state: dict[str, list[Statement]] = {}
    alerts = repeats = 0
    for i, lab in enumerate(labels, 1):
        where = f"{labels_path}:{i}"
        missing = {"article_url", "kind", "key", "source", "value", "previous_value", "evidence"} - lab.keys()
        if missing:
            errors.append(f"{where}: missing {sorted(missing)}")
            continue
        url, rev = lab["article_url"], lab.get("revision", 1)
        if lab["kind"] not in KINDS:
            errors.append(f"{where}: bad kind {lab['kind']!r}")
        alerts += lab["kind"] != "repeat"
        repeats += lab["kind"] == "repeat"
        check_value(lab["value"], where, errors)
        if lab["previous_value"] is not None:
            check_value(lab["previous_value"], where + " previous_value", errors)
        if (url, rev) not in texts:
            errors.append(f"{where}: no article {url} revision {rev}")
        elif lab["evidence"] not in texts[(url, rev)]:
            errors.append(f"{where}: evidence not verbatim in article: {lab['evidence']!r}")
        n = len(lab["evidence"].split())
        if not 4 <= n <= 24:
            warnings.append(f"{where}: evidence has {n} words")
        k = (url, rev, lab["key"], lab["source"])
        if k in seen:
            errors.append(f"{where}: second label for the same (article, key, source)")
        seen.add(k)
        if not replay or lab["kind"] not in KINDS:
            continue
        # replay the product's detection rules (bot.detect.classify) over the labels
        value = ClaimValue.from_json(lab["value"])
        history = state.setdefault(lab["key"], [])
        decision = classify(lab["source"], value, published[(url, rev)], history,
                            article_id=article_ids[url])
        want = decision.kind
        prev = decision.previous.to_json() if decision.previous and want == "changed" else None
        if rewrite:
            lab["kind"], lab["previous_value"] = want, prev
        else:
            if want != lab["kind"]:
                errors.append(f"{where}: kind {lab['kind']} but the rules give {want} "
                              f"({lab['key']} / {lab['source']})")
            if lab["kind"] == "changed" and not same(lab["previous_value"], prev):
                errors.append(f"{where}: previous_value {lab['previous_value']} but the rules "
                              f"give {prev}")
        history.append(Statement(lab["source"], value, published[(url, rev)], article_ids[url],
                                 background=decision.stale))
    if rewrite:
        labels_path.write_text("".join(json.dumps(lab, ensure_ascii=False) + "\n"
                                       for lab in labels), encoding="utf-8")
    for w in warnings:
        print("warning:", w)
    print(f"{labels_path}: {len(articles)} articles, {len(labels)} labels "
          f"({alerts} alerts, {repeats} repeats), {len(errors)} errors")
    return errors


def main() -> int:
    here = Path(__file__).resolve().parent
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dirs", nargs="*", type=Path)
    p.add_argument("--articles", type=Path)
    p.add_argument("--labels", type=Path)
    p.add_argument("--no-replay", action="store_true")
    p.add_argument("--rewrite", action="store_true",
                   help="rewrite each label's kind and previous_value from the rules")
    args = p.parse_args()
    runs: list[tuple[Path, Path, Path | None]] = []
    if args.articles or args.labels:
        if not (args.articles and args.labels):
            p.error("--articles and --labels go together")
        runs.append((args.articles, args.labels, None))
    dirs = args.dirs or ([] if runs else sorted(d for d in here.iterdir() if (d / "articles.jsonl").exists()))
    for d in dirs:
        runs.append((d / "articles.jsonl", d / "labels.jsonl", d / "topic.toml"))
    errors: list[str] = []
    for a, lab, t in runs:
        errors += check(a, lab, t, replay=not args.no_replay, rewrite=args.rewrite)
    for e in errors:
        print("error:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
