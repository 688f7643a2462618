"""Reads of the current state: key histories for detection, /claims and /sources pages,
timeline series sampled in SQL, corroboration counts. Every read is bounded by the
rows it shows (a page of keys or sources, a few hundred samples), never by how many
claims a topic has."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, column, false, func, or_, select, values

from storage.base import StoreBase
from storage.models import Article, Claim, ClaimState, ClaimValueSeen, UTCDateTime
from storage.summary_records import (
    KeyLines,
    Page,
    Said,
    SeriesPoint,
    SourceRow,
    SourceState,
    StateLine,
)

SAMPLES = 150
CHART_SOURCES = 8


def _within(ranges: Sequence[tuple[float, float, bool]] | None) -> ColumnElement[bool]:
    """Figures whose number lies in one of ``ranges`` (low, high, loose_only); with
    ``loose_only`` only those stated "about"."""
    if not ranges:
        return false()
    about = ClaimValueSeen.value["qualifier"].as_string() == "about"
    return or_(
        *(
            and_(_number_in(low, high), about) if loose_only else _number_in(low, high)
            for low, high, loose_only in ranges
        )
    )


def _number_in(low: float, high: float) -> ColumnElement[bool]:
    if math.isinf(high):
        return ClaimValueSeen.number >= low
    return ClaimValueSeen.number.between(low, high)


def _exact_inside(
    topic_id: int, key: str, low: float, high: float, unit: str | None
) -> Select[tuple[str, datetime, float]]:
    """Per source, the smallest exact figure between ``low`` and ``high`` and when the
    source first gave one of them: what a bound needs to know it restates one."""
    where = [
        ClaimValueSeen.topic_id == topic_id,
        ClaimValueSeen.key == key,
        ClaimValueSeen.kind == "figure",
        _number_in(low, high),
        ClaimValueSeen.value["qualifier"].as_string() == "exact",
    ]
    if unit is not None:
        where.append(ClaimValueSeen.value["unit"].as_string() == unit)
    return (
        select(
            ClaimValueSeen.source,
            func.min(ClaimValueSeen.first_at),
            func.min(ClaimValueSeen.number),
        )
        .where(*where)
        .group_by(ClaimValueSeen.source)
    )


def _said(claim_id: int | None, at: Any, value: Any, article_id: Any, outlet: Any) -> Said | None:
    if claim_id is None:
        return None
    return Said(claim_id, at, value, article_id, outlet or "")


def _shown_text() -> ColumnElement[str]:
    """The value text a line shows: the latest current statement's, else the background's."""
    return func.coalesce(ClaimState.cur_value_text, ClaimState.bg_value_text)


LINE_COLUMNS = (
    ClaimState.key,
    ClaimState.key_label,
    ClaimState.source,
    ClaimState.source_detail,
    _shown_text().label("value_text"),
    func.coalesce(ClaimState.cur_evidence, ClaimState.bg_evidence).label("evidence"),
    ClaimState.since,
    ClaimState.previous_value_text,
    ClaimState.anchor_outlet,
    Article.url,
    ClaimState.run_articles,
    ClaimState.run_outlets,
    ClaimState.claims,
    ClaimState.last_at,
)


def _line(row: Any) -> StateLine:
    return StateLine(
        key=row.key,
        key_label=row.key_label,
        source=row.source,
        source_detail=row.source_detail,
        value_text=row.value_text or "",
        since=row.since,
        previous_value=row.previous_value_text,
        evidence=row.evidence or "",
        outlet=row.anchor_outlet,
        url=row.url,
        repeats=row.run_articles - 1,
        outlets=tuple(row.run_outlets or ()),
        statements=row.claims,
        last_heard=row.last_at,
    )


class StateStore(StoreBase):
    """What the state tables answer."""

    def key_histories(
        self,
        topic_id: int,
        near: Mapping[str, Sequence[tuple[float, float, bool]] | None],
        bounds: Mapping[str, Sequence[tuple[float, float, str | None]]] | None = None,
    ) -> dict[str, list[SourceState]]:
        """For each key of ``near``, its sources with their latest current and background
        statements (from ``claim_state``) and the distinct values they gave that are not
        figures or whose number lies in one of the key's ranges (low, high, loose_only:
        only values stated "about"; None: no figures); and for each of the key's
        ``bounds`` (low, high, unit), one exact figure per source inside it (the
        smallest, dated when the source first gave any of them). Indexed queries,
        bounded by the sources of the keys and the values a new one could restate."""
        wanted = sorted(near)
        out: dict[str, list[SourceState]] = {k: [] for k in wanted}
        if not wanted:
            return out
        seen: dict[tuple[str, str], list[tuple[dict[str, Any], datetime]]] = defaultdict(list)
        with self.session() as s:
            # the query's shape follows the article's figures: caching every shape would
            # grow the process by the size of the statement cache
            s.connection(execution_options={"compiled_cache": None})
            for key, key_bounds in (bounds or {}).items():
                for low, high, unit in key_bounds:
                    for source, first, number in s.execute(
                        _exact_inside(topic_id, key, low, high, unit)
                    ):
                        exact = {"kind": "figure", "qualifier": "exact", "number": number}
                        if unit is not None:
                            exact["unit"] = unit
                        seen[(key, source)].append((exact, first))
            pairs = [
                and_(
                    ClaimValueSeen.key == key,
                    or_(ClaimValueSeen.kind != "figure", _within(window)),
                )
                for key, window in near.items()
            ]
            if pairs:
                for key, source, value, first in s.execute(
                    select(
                        ClaimValueSeen.key,
                        ClaimValueSeen.source,
                        ClaimValueSeen.value,
                        ClaimValueSeen.first_at,
                    )
                    .where(ClaimValueSeen.topic_id == topic_id, or_(*pairs))
                    .order_by(ClaimValueSeen.id)
                ):
                    seen[(key, source)].append((value, first))
            for st in s.scalars(
                select(ClaimState)
                .where(ClaimState.topic_id == topic_id, ClaimState.key.in_(wanted))
                .order_by(ClaimState.id)
            ):
                out[st.key].append(
                    SourceState(
                        source=st.source,
                        current=_said(
                            st.cur_claim_id,
                            st.cur_at,
                            st.cur_value,
                            st.cur_article_id,
                            st.cur_outlet,
                        ),
                        background=_said(
                            st.bg_claim_id, st.bg_at, st.bg_value, st.bg_article_id, st.bg_outlet
                        ),
                        values=seen.get((st.key, st.source), []),
                    )
                )
        return out

    def keys_with_figure(
        self, topic_id: int, low: float, high: float, limit: int = 20
    ) -> list[tuple[str, str, dict[str, Any]]]:
        """(key, label, value) of the figures of a topic, any key, whose number lies
        between ``low`` and ``high``: where a figure already reported may stand under
        another wording. One indexed query."""
        with self.session() as s:
            rows = s.execute(
                select(ClaimValueSeen.key, ClaimState.key_label, ClaimValueSeen.value)
                .join(
                    ClaimState,
                    and_(
                        ClaimState.topic_id == ClaimValueSeen.topic_id,
                        ClaimState.key == ClaimValueSeen.key,
                        ClaimState.source == ClaimValueSeen.source,
                    ),
                )
                .where(
                    ClaimValueSeen.topic_id == topic_id,
                    ClaimValueSeen.kind == "figure",
                    ClaimValueSeen.number.between(low, high),
                )
                .order_by(ClaimValueSeen.id)
                .limit(limit)
            ).all()
        return [(key, label, value) for key, label, value in rows]

    def keys(self, topic_id: int) -> list[tuple[str, str]]:
        """(key, label) pairs of a topic, most recently heard first."""
        return self.topic_vocabulary(topic_id)[1]

    def topic_vocabulary(
        self, topic_id: int, limit: int = 2000
    ) -> tuple[list[tuple[str, list[str]]], list[tuple[str, str]]]:
        """What the extractor knows of a topic: its sources with their speakers, and its
        keys with their labels, most recently heard first (bounded by ``limit`` each),
        from ``claim_state``."""
        newest = func.max(ClaimState.last_claim_id)
        with self.session() as s:
            sources = s.execute(
                select(ClaimState.source, newest)
                .where(ClaimState.topic_id == topic_id)
                .group_by(ClaimState.source)
                .order_by(newest.desc())
                .limit(limit)
            ).all()
            speakers: dict[str, list[str]] = {source: [] for source, _ in sources}
            for source, details in s.execute(
                select(ClaimState.source, ClaimState.details)
                .where(ClaimState.topic_id == topic_id, ClaimState.source.in_(list(speakers)))
                .order_by(ClaimState.last_claim_id.desc())
            ):
                names = speakers[source]
                names.extend(d for d in details or () if d not in names)
            keys = [
                (key, label)
                for key, label, _ in s.execute(
                    select(ClaimState.key, func.max(ClaimState.key_label), newest)
                    .where(ClaimState.topic_id == topic_id)
                    .group_by(ClaimState.key)
                    .order_by(newest.desc())
                    .limit(limit)
                )
            ]
        return list(speakers.items()), keys

    def claim_lines(
        self,
        topic_id: int,
        key: str | None = None,
        since: datetime | None = None,
        page: int = 0,
        per_page: int = 20,
    ) -> Page[KeyLines]:
        """A page of keys, most recently changed first, each with its sources' standing
        values (oldest first); ``since`` keeps values that stood up since then."""
        where = [ClaimState.topic_id == topic_id]
        if key is not None:
            where.append(ClaimState.key == key)
        if since is not None:
            where.append(ClaimState.since >= since)
        latest = func.max(ClaimState.since)
        with self.session() as s:
            total = s.scalar(select(func.count(func.distinct(ClaimState.key))).where(*where)) or 0
            page_keys = list(
                s.scalars(
                    select(ClaimState.key)
                    .where(*where)
                    .group_by(ClaimState.key)
                    .order_by(latest.desc(), ClaimState.key)
                    .offset(page * per_page)
                    .limit(per_page)
                )
            )
            by_key: dict[str, list[StateLine]] = {k: [] for k in page_keys}
            if page_keys:
                rows = s.execute(
                    select(*LINE_COLUMNS)
                    .join(Article, Article.id == ClaimState.anchor_article_id)
                    .where(*where, ClaimState.key.in_(page_keys))
                    .order_by(ClaimState.since, ClaimState.source)
                )
                for row in rows:
                    by_key[row.key].append(_line(row))
        items = [
            KeyLines(k, max(lines, key=lambda ln: ln.last_heard).key_label, lines)
            for k, lines in by_key.items()
        ]
        return Page(items, page, per_page, total)

    def source_rows(self, topic_id: int, page: int = 0, per_page: int = 20) -> Page[SourceRow]:
        """A page of a topic's sources, most statements first, with their standing values."""
        statements = func.sum(ClaimState.claims)
        with self.session() as s:
            total = (
                s.scalar(
                    select(func.count(func.distinct(ClaimState.source))).where(
                        ClaimState.topic_id == topic_id
                    )
                )
                or 0
            )
            heads = s.execute(
                select(
                    ClaimState.source,
                    func.count(),
                    statements,
                    func.min(ClaimState.first_at),
                    func.max(ClaimState.last_at),
                )
                .where(ClaimState.topic_id == topic_id)
                .group_by(ClaimState.source)
                .order_by(statements.desc(), ClaimState.source)
                .offset(page * per_page)
                .limit(per_page)
            ).all()
            names = [h[0] for h in heads]
            states: dict[str, list[Any]] = defaultdict(list)
            for row in s.execute(
                select(
                    ClaimState.source,
                    ClaimState.key_label,
                    _shown_text().label("value_text"),
                    ClaimState.outlets,
                    ClaimState.details,
                )
                .where(ClaimState.topic_id == topic_id, ClaimState.source.in_(names))
                .order_by(ClaimState.since.desc(), ClaimState.key)
            ):
                states[row.source].append(row)
        items = []
        for source, keys, n, first, last in heads:
            mine = states[source]
            items.append(
                SourceRow(
                    source=source,
                    keys=keys,
                    statements=int(n or 0),
                    outlets=tuple(sorted({o for row in mine for o in row.outlets or ()})),
                    first=first,
                    last=last,
                    details=tuple(sorted({d for row in mine for d in row.details or ()})),
                    latest=tuple((row.key_label, row.value_text or "") for row in mine),
                )
            )
        return Page(items, page, per_page, total)

    def chart_key(self, topic_id: int) -> str | None:
        """The topic's key with the most statements whose standing values are figures."""
        with self.session() as s:
            rows = s.execute(
                select(ClaimState.key, ClaimState.claims, ClaimState.cur_value, ClaimState.bg_value)
                .where(ClaimState.topic_id == topic_id)
                .order_by(ClaimState.key)
            )
            counts: dict[str, int] = defaultdict(int)
            for key, n, cur, bg in rows:
                if (cur or bg or {}).get("kind") == "figure":
                    counts[key] += n
        return max(counts, key=lambda k: counts[k]) if counts else None

    def figure_series(
        self, topic_id: int, key: str, samples: int = SAMPLES, max_sources: int = CHART_SOURCES
    ) -> tuple[str, list[SeriesPoint], int]:
        """(key label, points, statements) of a key's figures for a chart: for each of the
        busiest sources, every statement when there are at most ``samples`` a source,
        else the statement standing at ``samples`` evenly spaced times (an index probe
        each), so a key with a million claims reads a few thousand rows."""
        with self.session() as s:
            heads = s.execute(
                select(
                    ClaimState.source,
                    ClaimState.key_label,
                    ClaimState.claims,
                    ClaimState.first_at,
                    ClaimState.last_at,
                )
                .where(ClaimState.topic_id == topic_id, ClaimState.key == key)
                .order_by(ClaimState.claims.desc(), ClaimState.source)
            ).all()
            if not heads:
                return key, [], 0
            label = heads[0][1]
            total = sum(h[2] for h in heads)
            start = min(h[3] for h in heads)
            end = max(h[4] for h in heads)
            points: list[SeriesPoint] = []
            busiest = sorted(h[0] for h in heads[:max_sources])
            if total <= samples * len(busiest):
                rows = s.execute(
                    select(Claim.source, Claim.asserted_at, Claim.value, Claim.value_text)
                    .where(Claim.topic_id == topic_id, Claim.key == key, Claim.source.in_(busiest))
                    .order_by(Claim.source, Claim.asserted_at, Claim.id)
                )
                points = [SeriesPoint(*r) for r in rows if r.value.get("kind") == "figure"]
                return label, points, total
            step = (end - start) / max(1, samples - 1)
            times = [start + step * i for i in range(samples)] if end > start else [end]
            grid = (
                values(column("at", UTCDateTime()), name="samples")
                .data([(t,) for t in times])
                .cte("samples")
            )
            for source in busiest:
                standing = (
                    select(Claim.id)
                    .where(
                        Claim.topic_id == topic_id,
                        Claim.key == key,
                        Claim.source == source,
                        Claim.asserted_at <= grid.c.at,
                    )
                    .order_by(Claim.asserted_at.desc(), Claim.id.desc())
                    .limit(1)
                    .correlate(grid)
                    .scalar_subquery()
                )
                ids = select(standing).select_from(grid)
                for at, value, text in s.execute(
                    select(Claim.asserted_at, Claim.value, Claim.value_text)
                    .where(Claim.id.in_(ids))
                    .order_by(Claim.asserted_at, Claim.id)
                ):
                    if value.get("kind") == "figure":
                        points.append(SeriesPoint(source, at, value, text))
        return label, points, total

    def corroboration(self, topic_id: int, key: str, value_text: str) -> int:
        """How many articles gave this value on this key, any source (from ``claim_values``)."""
        with self.session() as s:
            return int(
                s.scalar(
                    select(func.coalesce(func.sum(ClaimValueSeen.articles), 0)).where(
                        ClaimValueSeen.topic_id == topic_id,
                        ClaimValueSeen.key == key,
                        ClaimValueSeen.value_text == value_text,
                    )
                )
                or 0
            )
