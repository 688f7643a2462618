"""The current-state tables, kept in the transaction that records claims.

``claim_state`` holds one row per (topic, key, source): its latest current and
background statements and the *run* of statements that agree with the value
shown (see ``ClaimState``); ``claim_values`` one row per distinct value a
source gave on a key. Each new claim updates both in O(1) queries; only when
the value shown changes, or an older disagreeing statement lands inside the
run, is the run walked back from the newest statement to where it starts,
which reads the run and no further.

Whether two values agree is the claim engine's rule, not the store's: callers
pass it in as ``agrees(value, shown)`` over stored value JSON.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import domain
from storage.mapping import CLAIM_COLUMNS, claim_from_columns
from storage.models import Claim, ClaimState, ClaimValueSeen

Agreement = Callable[[Mapping[str, Any], Mapping[str, Any]], bool]
WALK_BATCH = 200


def value_hash(value: Mapping[str, Any]) -> str:
    """One hash per value whatever the JSON spelling (3000 and 3000.0 are one figure)."""
    canonical = {
        k: float(v) if isinstance(v, int) and not isinstance(v, bool) else v
        for k, v in value.items()
        if v is not None
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _number(value: Mapping[str, Any]) -> float | None:
    number = value.get("number")
    return float(number) if isinstance(number, int | float) else None


def aware(at: datetime) -> datetime:
    """Stored times are UTC; a naive one is read as UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _add_sorted(items: Sequence[Any] | None, item: str | None) -> list[Any]:
    out = list(items or [])
    if item and item not in out:
        out.append(item)
        out.sort()
    return out


def _shown(st: ClaimState) -> tuple[dict[str, Any] | None, str | None]:
    if st.cur_claim_id is not None:
        return st.cur_value, st.cur_value_text
    return st.bg_value, st.bg_value_text


def _set_latest(st: ClaimState, c: domain.Claim) -> None:
    """Make ``c`` the latest current or background statement if it is newer."""
    if c.background:
        if st.bg_claim_id is None or c.pos > (st.bg_at, st.bg_claim_id):
            st.bg_claim_id, st.bg_at, st.bg_value = c.id, c.asserted_at, c.value
            st.bg_value_text, st.bg_article_id = c.value_text, c.article_id
            st.bg_outlet, st.bg_evidence = c.outlet, c.evidence
    elif st.cur_claim_id is None or c.pos > (st.cur_at, st.cur_claim_id):
        st.cur_claim_id, st.cur_at, st.cur_value = c.id, c.asserted_at, c.value
        st.cur_value_text, st.cur_article_id = c.value_text, c.article_id
        st.cur_outlet, st.cur_evidence = c.outlet, c.evidence
        st.key_label = c.key_label


def _fresh(c: domain.Claim) -> ClaimState:
    st = ClaimState(
        topic_id=c.topic_id,
        key=c.key,
        key_label=c.key_label,
        source=c.source,
        claims=1,
        last_claim_id=c.id,
        first_at=c.asserted_at,
        last_at=c.asserted_at,
        outlets=_add_sorted([], c.outlet),
        details=_add_sorted([], c.source_detail),
        source_detail=c.source_detail,
        detail_at=c.asserted_at if c.source_detail else None,
        detail_id=c.id if c.source_detail else None,
        since=c.asserted_at,
        anchor_id=c.id,
        anchor_article_id=c.article_id,
        anchor_outlet=c.outlet,
        run_articles=1,
        run_outlets=_add_sorted([], c.outlet),
    )
    _set_latest(st, c)
    return st


def _walk_back(s: Session, st: ClaimState, agrees: Agreement, pending: Sequence[int] = ()) -> None:
    """Recompute the run from the newest statement back to the first current one that
    disagrees with the value shown; ``pending`` are claims of this transaction not folded
    in yet. (Not "ids up to this one": a concurrent writer's claim may have a higher id
    and be committed, and folded into the state, first.)"""
    shown, shown_text = _shown(st)
    assert shown is not None
    stmt = (
        select(
            Claim.id,
            Claim.asserted_at,
            Claim.background,
            Claim.value,
            Claim.value_text,
            Claim.article_id,
            Claim.outlet,
        )
        .where(
            Claim.topic_id == st.topic_id,
            Claim.key == st.key,
            Claim.source == st.source,
            Claim.id.not_in(pending),
        )
        .order_by(Claim.asserted_at.desc(), Claim.id.desc())
    )
    members: list[Any] = []
    boundary: Any = None
    result = s.execute(stmt.execution_options(yield_per=WALK_BATCH))
    try:
        for row in result:
            agreeing = agrees(row.value, shown)
            if row.background and not agreeing:
                continue
            if members and not agreeing:
                boundary = row
                break
            members.append(row)
    finally:
        result.close()
    anchor = members[-1]
    st.since, st.anchor_id = anchor.asserted_at, anchor.id
    st.anchor_article_id, st.anchor_outlet = anchor.article_id, anchor.outlet
    st.run_articles = len({m.article_id for m in members})
    st.run_outlets = sorted({m.outlet for m in members if m.outlet})
    st.boundary_at = None if boundary is None else boundary.asserted_at
    st.boundary_id = None if boundary is None else boundary.id
    st.previous_value_text = (
        boundary.value_text if boundary is not None and boundary.value_text != shown_text else None
    )


def _in_run(st: ClaimState, c: domain.Claim, shown: Mapping[str, Any], agrees: Agreement) -> bool:
    """Whether an earlier statement belongs to the run (it follows the boundary and is
    shown: current, or background agreeing with the value shown)."""
    after = st.boundary_id is None or c.pos > (st.boundary_at, st.boundary_id)
    return after and (not c.background or agrees(c.value, shown))


def _advance(
    s: Session,
    st: ClaimState,
    c: domain.Claim,
    same_article: Sequence[domain.Claim],
    agrees: Agreement,
    pending: Sequence[int],
) -> None:
    """Fold one more claim (the newest id of its source on its key) into the state."""
    st.claims += 1
    st.last_claim_id = max(st.last_claim_id, c.id)
    st.first_at = min(st.first_at, c.asserted_at)
    st.last_at = max(st.last_at, c.asserted_at)
    st.outlets = _add_sorted(st.outlets, c.outlet)
    st.details = _add_sorted(st.details, c.source_detail)
    if c.source_detail and (
        st.detail_id is None or c.pos > (st.detail_at, st.detail_id)  # type: ignore[operator]
    ):
        st.source_detail, st.detail_at, st.detail_id = c.source_detail, c.asserted_at, c.id
    before, _ = _shown(st)
    _set_latest(st, c)
    shown, _ = _shown(st)
    assert shown is not None
    if before is None or value_hash(before) != value_hash(shown) or not agrees(shown, shown):
        _walk_back(s, st, agrees, pending)
        return
    agreeing = agrees(c.value, shown)
    if not _in_run(st, c, shown, agrees):
        return
    if not agreeing:
        # A current statement inside the run that disagrees: the run now starts after it.
        _walk_back(s, st, agrees, pending)
        return
    if c.pos < (st.since, st.anchor_id):
        st.since, st.anchor_id = c.asserted_at, c.id
        st.anchor_article_id, st.anchor_outlet = c.article_id, c.outlet
    st.run_outlets = _add_sorted(st.run_outlets, c.outlet)
    if not any(_in_run(st, o, shown, agrees) for o in same_article):
        st.run_articles += 1


def _locked(s: Session, model: Any, dialect: str, *where: Any) -> Any:
    stmt = select(model).where(*where)
    if dialect == "postgresql":
        stmt = stmt.with_for_update()
    return s.scalar(stmt)


def _insert_or_lock(s: Session, row: Any, dialect: str, *where: Any) -> Any | None:
    """Insert ``row``; if another writer got there first, None and its row is locked."""
    try:
        with s.begin_nested():
            s.add(row)
        return None
    except IntegrityError:
        return _locked(s, type(row), dialect, *where)


def _advance_value(
    s: Session, c: domain.Claim, same_article: Sequence[domain.Claim], dialect: str
) -> None:
    digest = value_hash(c.value)
    where = (
        ClaimValueSeen.topic_id == c.topic_id,
        ClaimValueSeen.key == c.key,
        ClaimValueSeen.source == c.source,
        ClaimValueSeen.value_hash == digest,
    )
    row = _locked(s, ClaimValueSeen, dialect, *where)
    if row is None:
        row = _insert_or_lock(
            s,
            ClaimValueSeen(
                topic_id=c.topic_id,
                key=c.key,
                source=c.source,
                value_hash=digest,
                value=c.value,
                kind=str(c.value.get("kind", "")),
                number=_number(c.value),
                value_text=c.value_text,
                first_at=c.asserted_at,
                last_at=c.asserted_at,
                claims=1,
                articles=1,
            ),
            dialect,
            *where,
        )
        if row is None:
            return
    row.first_at = min(row.first_at, c.asserted_at)
    row.last_at = max(row.last_at, c.asserted_at)
    row.claims += 1
    if not any(value_hash(o.value) == digest for o in same_article):
        row.articles += 1


def apply_claims(
    s: Session, claims: Sequence[domain.Claim], dialect: str, agrees: Agreement
) -> None:
    """Fold newly inserted claims (ascending ids) into ``claim_state`` and ``claim_values``."""
    if not claims:
        return
    earlier: dict[tuple[int, int], list[domain.Claim]] = {}
    ids = [c.id for c in claims]
    for n, c in enumerate(claims):
        pending = ids[n + 1 :]
        later = {c.id, *pending}
        pair = (c.article_id, c.topic_id)
        if pair not in earlier:
            earlier[pair] = article_claims(s, *pair)
        same_article = [
            o
            for o in earlier[pair]
            if o.id not in later and o.key == c.key and o.source == c.source
        ]
        where = (
            ClaimState.topic_id == c.topic_id,
            ClaimState.key == c.key,
            ClaimState.source == c.source,
        )
        st = _locked(s, ClaimState, dialect, *where)
        if st is None:
            st = _insert_or_lock(s, _fresh(c), dialect, *where)
        if st is not None:
            _advance(s, st, c, same_article, agrees, pending)
        _advance_value(s, c, same_article, dialect)
    s.flush()


def article_claims(s: Session, article_id: int, topic_id: int) -> list[domain.Claim]:
    """Every claim an article gave on a topic, over all its revisions."""
    rows = s.execute(
        select(*CLAIM_COLUMNS).where(Claim.article_id == article_id, Claim.topic_id == topic_id)
    )
    return [claim_from_columns(r) for r in rows]


def _newest(s: Session, where: Sequence[Any]) -> domain.Claim | None:
    row = s.execute(
        select(*CLAIM_COLUMNS)
        .where(*where)
        .order_by(Claim.asserted_at.desc(), Claim.id.desc())
        .limit(1)
    ).first()
    return None if row is None else claim_from_columns(row)


def rebuild_state(
    s: Session, topic_id: int, key: str, source: str, agrees: Agreement
) -> ClaimState | None:
    """The state of one (topic, key, source) computed afresh from its claims (for the
    data migration and repairs); None when it has no claims. Not added to the session."""
    group = (Claim.topic_id == topic_id, Claim.key == key, Claim.source == source)
    n, first, last, newest = s.execute(
        select(
            func.count(),
            func.min(Claim.asserted_at),
            func.max(Claim.asserted_at),
            func.max(Claim.id),
        ).where(*group)
    ).one()
    if not n:
        return None
    latest_bg = _newest(s, (*group, Claim.background.is_(True)))
    latest_cur = _newest(s, (*group, Claim.background.is_(False)))
    detailed = _newest(s, (*group, Claim.source_detail.is_not(None), Claim.source_detail != ""))
    shown = latest_cur or latest_bg
    assert shown is not None
    st = _fresh(shown)
    for c in (latest_bg, latest_cur):
        if c is not None:
            _set_latest(st, c)
    st.claims, st.last_claim_id, st.first_at, st.last_at = n, newest, first, last
    st.outlets = sorted(o for o in s.scalars(select(Claim.outlet).where(*group).distinct()) if o)
    st.details = sorted(
        d for d in s.scalars(select(Claim.source_detail).where(*group).distinct()) if d
    )
    st.source_detail = detailed.source_detail if detailed else None
    st.detail_at = detailed.asserted_at if detailed else None
    st.detail_id = detailed.id if detailed else None
    _walk_back(s, st, agrees)
    return st


def rebuild_values(s: Session, topic_id: int, key: str, source: str) -> list[ClaimValueSeen]:
    """The ``claim_values`` rows of one (topic, key, source) computed afresh."""
    rows: dict[str, ClaimValueSeen] = {}
    articles: dict[str, set[int]] = defaultdict(set)
    for value, text, at, article_id in s.execute(
        select(Claim.value, Claim.value_text, Claim.asserted_at, Claim.article_id)
        .where(Claim.topic_id == topic_id, Claim.key == key, Claim.source == source)
        .order_by(Claim.id)
    ):
        digest = value_hash(value)
        row = rows.get(digest)
        if row is None:
            row = rows[digest] = ClaimValueSeen(
                topic_id=topic_id,
                key=key,
                source=source,
                value_hash=digest,
                value=value,
                kind=str(value.get("kind", "")),
                number=_number(value),
                value_text=text,
                first_at=at,
                last_at=at,
                claims=0,
            )
        row.first_at, row.last_at = min(row.first_at, at), max(row.last_at, at)
        row.claims += 1
        articles[digest].add(article_id)
    for digest, row in rows.items():
        row.articles = len(articles[digest])
    return list(rows.values())


def rebuild_all(s: Session, agrees: Agreement) -> int:
    """Build ``claim_state`` and ``claim_values`` afresh from every claim (both empty
    before); returns how many (topic, key, source) there were."""
    groups = s.execute(select(Claim.topic_id, Claim.key, Claim.source).distinct()).all()
    for topic_id, key, source in groups:
        state = rebuild_state(s, topic_id, key, source, agrees)
        if state is not None:
            s.add(state)
        s.add_all(rebuild_values(s, topic_id, key, source))
        s.flush()
        s.expunge_all()
    return len(groups)
