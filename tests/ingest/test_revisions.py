"""Revision checks: the decaying schedule, and an edited page becoming one `changed` alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.ingest.fetch import SafeFetcher
from bot.ingest.pages import fetch_article
from bot.ingest.revisions import RevisionChecker, next_check_delay, schedule_first_check
from storage.repository import Repository

from .localsite import T0, LocalSite, Recorder, article_html, story

PUBLISHED = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("age", "delay"),
    [
        (timedelta(0), timedelta(minutes=15)),
        (timedelta(hours=2, minutes=59), timedelta(minutes=15)),
        (timedelta(hours=3), timedelta(hours=1)),
        (timedelta(hours=23), timedelta(hours=1)),
        (timedelta(days=1), timedelta(days=1)),
        (timedelta(days=6, hours=23), timedelta(days=1)),
        (timedelta(days=7), None),
        (timedelta(days=90), None),
        (-timedelta(hours=5), timedelta(minutes=15)),
    ],
)
def test_next_check_delay_decays(age: timedelta, delay: timedelta | None) -> None:
    assert next_check_delay(PUBLISHED, PUBLISHED + age) == delay


def test_undated_articles_start_at_the_fastest_rate() -> None:
    assert next_check_delay(None, T0) == timedelta(minutes=15)


async def test_edited_page_is_handed_on_as_a_revision(
    local_site: LocalSite, fetcher: SafeFetcher, live_repo: Repository, live_settings
) -> None:
    local_site.set("/s", article_html("Troops", story(1, "3,000")))
    url = local_site.url("/s")
    rec = Recorder(live_repo)
    await rec(await fetch_article(url, fetcher))
    assert schedule_first_check(live_repo, rec.items[0], T0)
    article = live_repo.article_by_url(url)
    assert article.next_check_at == T0 + timedelta(minutes=15)

    checker = RevisionChecker(live_repo, fetcher, live_settings, rec)
    assert await checker.check_due(now=T0 + timedelta(minutes=5)) == 0
    assert local_site.count("/s") == 1

    assert await checker.check_due(now=T0 + timedelta(minutes=16)) == 0
    assert len(rec.items) == 1 and local_site.count("/s") == 2

    local_site.set("/s", article_html("Troops", story(1, "8,000")))
    t = T0 + timedelta(minutes=32)
    assert await checker.check_due(now=t) == 1
    assert rec.items[-1].url == url and "8,000" in rec.items[-1].text
    assert rec.statuses[-1] == "revision"
    article = live_repo.article_by_url(url)
    assert article.revision == 2 and article.next_check_at == t + timedelta(minutes=15)

    late = PUBLISHED + timedelta(days=7, minutes=1)
    live_repo.schedule_article_check(article.id, late)
    assert await checker.check_due(now=late) == 0
    assert live_repo.article_by_url(url).next_check_at is None


async def test_failed_refetch_keeps_the_schedule(
    local_site: LocalSite, fetcher: SafeFetcher, live_repo: Repository, live_settings
) -> None:
    local_site.set("/gone", article_html("Gone", story(2)))
    rec = Recorder(live_repo)
    await rec(await fetch_article(local_site.url("/gone"), fetcher))
    schedule_first_check(live_repo, rec.items[0], T0)
    del local_site.resources["/gone"]
    checker = RevisionChecker(live_repo, fetcher, live_settings, rec)
    t = T0 + timedelta(minutes=15)
    assert await checker.check_due(now=t) == 0
    assert live_repo.article_by_url(rec.items[0].url).next_check_at == t + timedelta(minutes=15)


async def test_edited_figure_gives_exactly_one_changed_alert(
    local_site: LocalSite, app: App
) -> None:
    """End to end through the core pipeline: 3,000 edited in place to 8,000."""
    repo = app.repo
    topic = repo.add_topic("fake", "ws1", "NK troops", "nk-troops", "troops")
    repo.subscribe(topic.id, "fake", "ws1", "general")
    fetcher = app.commands.fetcher
    assert fetcher is not None

    def page(figure: str) -> str:
        text = (
            f"Ukrainian intelligence said {figure} troops had arrived in the Kursk region.\n\n"
            "Officials in Seoul said they were still verifying the report on Friday."
        )
        return article_html("Troops in Kursk", text)

    local_site.set("/kursk", page("3,000"))
    url = local_site.url("/kursk")
    first = await app.pipeline.ingest(await fetch_article(url, fetcher))
    assert [e.kind for e in first.events] == ["new_claim"]
    schedule_first_check(repo, await fetch_article(url, fetcher), T0)

    checker = RevisionChecker(repo, fetcher, app.settings, app.pipeline.ingest)
    assert await checker.check_due(now=T0 + timedelta(minutes=15)) == 0

    local_site.set("/kursk", page("8,000"))
    assert await checker.check_due(now=T0 + timedelta(minutes=30)) == 1
    assert await checker.check_due(now=T0 + timedelta(minutes=45)) == 0

    events = repo.events(topic.id)
    changed = [e for e in events if e.kind == "changed"]
    assert len(changed) == 1
    assert "8,000" in changed[0].value_text and "3,000" in (changed[0].previous_value_text or "")
    alerts = [a for a in repo.alerts() if a.event_id == changed[0].id]
    assert len(alerts) == 1
    assert len(repo.alerts()) == 2
    assert repo.article_by_url(url).revision == 2
