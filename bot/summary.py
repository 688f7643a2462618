"""What is known on a topic: each source's latest word per key, for /claims and /sources.

For every (key, source) the latest statement, since when it has stood (the
first statement of the trailing run that agrees with it), the value it replaced
and how many other articles repeated it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from bot.claims.model import ClaimValue
from storage.models import Claim


@dataclass(frozen=True)
class SourceLine:
    key: str
    key_label: str
    source: str
    source_detail: str | None
    value: ClaimValue
    value_text: str
    since: datetime
    previous_value: str | None
    evidence: str
    outlet: str
    url: str
    repeats: int
    outlets: tuple[str, ...]


@dataclass
class KeySummary:
    key: str
    key_label: str
    lines: list[SourceLine] = field(default_factory=list)

    @property
    def latest(self) -> datetime:
        return max(line.since for line in self.lines)


@dataclass(frozen=True)
class SourceSummary:
    source: str
    keys: int
    statements: int
    outlets: tuple[str, ...]
    first: datetime
    last: datetime
    details: tuple[str, ...]


def _line(items: list[Claim]) -> SourceLine:
    """One source on one key: its latest current value, and the run of statements
    (background quotes included) that agree with it, back to where it first stood."""
    current = [c for c in items if not c.background] or items
    latest = current[-1]
    latest_value = ClaimValue.from_json(latest.value)
    ordered = sorted(
        (
            c
            for c in items
            if not c.background or ClaimValue.from_json(c.value).agrees_with(latest_value)
        ),
        key=lambda c: (c.asserted_at, c.id),
    )
    start = len(ordered) - 1
    while start > 0 and ClaimValue.from_json(ordered[start - 1].value).agrees_with(latest_value):
        start -= 1
    run = ordered[start:]
    anchor = run[0]
    previous = None
    if start > 0 and ordered[start - 1].value_text != latest.value_text:
        previous = ordered[start - 1].value_text
    articles = {c.article_id for c in run} - {anchor.article_id}
    outlets = tuple(sorted({c.outlet for c in run if c.outlet}))
    return SourceLine(
        key=latest.key,
        key_label=latest.key_label,
        source=latest.source,
        source_detail=next((c.source_detail for c in reversed(items) if c.source_detail), None),
        value=latest_value,
        value_text=latest.value_text,
        since=anchor.asserted_at,
        previous_value=previous,
        evidence=latest.evidence,
        outlet=anchor.outlet,
        url=anchor.article.url,
        repeats=len(articles),
        outlets=outlets,
    )


def summarise_keys(claims: list[Claim], since: datetime | None = None) -> list[KeySummary]:
    """Group claims (oldest first) into keys, each with one line per source."""
    by_key: dict[str, dict[str, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    labels: dict[str, str] = {}
    for c in claims:
        by_key[c.key][c.source].append(c)
        labels[c.key] = c.key_label
    out: list[KeySummary] = []
    for key, sources in by_key.items():
        summary = KeySummary(key, labels[key])
        for items in sources.values():
            line = _line(items)
            if since is None or line.since >= since:
                summary.lines.append(line)
        if summary.lines:
            summary.lines.sort(key=lambda ln: (ln.since, ln.source))
            out.append(summary)
    out.sort(key=lambda k: k.latest, reverse=True)
    return out


def summarise_sources(claims: list[Claim]) -> list[SourceSummary]:
    by_source: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_source[c.source].append(c)
    out = [
        SourceSummary(
            source=src,
            keys=len({c.key for c in items}),
            statements=len(items),
            outlets=tuple(sorted({c.outlet for c in items if c.outlet})),
            first=min(c.asserted_at for c in items),
            last=max(c.asserted_at for c in items),
            details=tuple(sorted({c.source_detail for c in items if c.source_detail})),
        )
        for src, items in by_source.items()
    ]
    out.sort(key=lambda s: (-s.statements, s.source))
    return out
