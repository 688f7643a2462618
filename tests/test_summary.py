"""What /claims shows per source: latest value, since when, what it replaced, repeats."""

from __future__ import annotations

from datetime import timedelta

from bot.claims.model import ClaimValue
from bot.summary import summarise_keys
from storage.models import Article, Claim
from tests.conftest import T0


def claim(
    n: int,
    number: float,
    *,
    day: int,
    background: bool = False,
    source: str = "Ukraine · military intelligence",
) -> Claim:
    value = ClaimValue.figure(number, unit="troops")
    return Claim(
        id=n,
        topic_id=1,
        article_id=n,
        revision=1,
        key="troops:count",
        key_label="troops — count",
        source=source,
        source_detail=None,
        value=value.to_json(),
        value_text=value.display(),
        evidence=f"{number} troops",
        evidence_start=0,
        evidence_end=1,
        asserted_at=T0 + timedelta(days=day),
        background=background,
        outlet=f"Outlet {n}",
        article=Article(id=n, url=f"https://o{n}.example/a", text=""),
    )


def test_a_value_first_heard_as_background_dates_from_then() -> None:
    claims = [
        claim(1, 3000, day=0),
        claim(2, 12000, day=3, background=True),
        claim(3, 12000, day=5),
        claim(4, 12000, day=6),
    ]
    [key] = summarise_keys(sorted(claims, key=lambda c: c.asserted_at))
    [line] = key.lines
    assert line.value_text == "12,000 troops"
    assert line.since == T0 + timedelta(days=3)
    assert line.previous_value == "3,000 troops"
    assert line.repeats == 2 and line.outlets == ("Outlet 2", "Outlet 3", "Outlet 4")


def test_an_old_value_quoted_later_does_not_replace_the_latest() -> None:
    claims = [claim(1, 3000, day=0), claim(2, 8000, day=2), claim(3, 3000, day=4, background=True)]
    [line] = summarise_keys(claims)[0].lines
    assert line.value_text == "8,000 troops" and line.previous_value == "3,000 troops"
    assert line.since == T0 + timedelta(days=2)
    assert line.repeats == 0
