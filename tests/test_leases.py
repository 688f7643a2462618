"""Fenced alert leases: a holder whose lease ran out and was taken over can neither send
nor mark the alert, and a lease is renewed while its send runs, so two dispatchers with
slow sends and a short lease send each alert once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from adapters.fake import FakeAdapter
from bot.app import App
from bot.domain import Alert
from bot.outbox import Dispatcher
from storage.repository import Repository
from tests.conftest import article
from tests.test_storage import _event


def test_a_taken_over_lease_can_neither_claim_nor_mark(repo: Repository) -> None:
    _event(repo)
    now = datetime.now(UTC)
    [stale] = repo.lease_due_alerts(["fake"], now, lease=timedelta(seconds=3))
    assert stale.lease_token
    later = now + timedelta(seconds=4)  # the lease ran out; another process takes the alert
    [fresh] = repo.lease_due_alerts(["fake"], later, lease=timedelta(seconds=3))
    assert fresh.alert_id == stale.alert_id and fresh.lease_token != stale.lease_token
    assert stale.lease_token is not None and fresh.lease_token is not None
    until = later + timedelta(seconds=3)
    assert repo.claim_alert(stale.alert_id, stale.lease_token, until) is False
    assert repo.renew_lease(stale.lease_token, until) is False
    assert repo.release_alert(stale.alert_id, later, stale.lease_token) is False
    assert (
        repo.mark_alert_failed(stale.alert_id, "x", later, lease_token=stale.lease_token) is False
    )
    assert repo.mark_alert_sent(stale.alert_id, "m0", stale.lease_token) is False
    [row] = repo.alerts()
    assert row.lease_token == fresh.lease_token and row.attempts == 0  # untouched
    assert repo.claim_alert(fresh.alert_id, fresh.lease_token, until) is True
    assert repo.mark_alert_sent(fresh.alert_id, "m1", fresh.lease_token) is True
    [row] = repo.alerts()
    assert (row.status, row.platform_message_id, row.lease_token) == ("sent", "m1", None)


def test_a_lease_that_ran_out_untaken_is_still_its_holders(repo: Repository) -> None:
    _event(repo)
    now = datetime.now(UTC)
    [job] = repo.lease_due_alerts(["fake"], now, lease=timedelta(seconds=1))
    assert job.lease_token is not None
    late = now + timedelta(seconds=5)
    assert repo.claim_alert(job.alert_id, job.lease_token, late + timedelta(seconds=1))
    assert repo.lease_due_alerts(["fake"], late) == []  # the claim extended the lease


class SlowAdapter(FakeAdapter):
    """A platform whose posts take longer than the dispatchers' lease."""

    def __init__(self, seen: list[int], delay: float) -> None:
        super().__init__()
        self.seen, self.delay = seen, delay

    async def send_alert(self, alert: Alert) -> str | None:
        self.seen.append(alert.alert_id)
        await asyncio.sleep(self.delay)
        return await super().send_alert(alert)


async def test_two_dispatchers_with_sends_longer_than_the_lease_send_each_alert_once(
    app: App,
) -> None:
    app.repo.ensure_workspace("fake", "ws1")
    topic = app.repo.add_topic("fake", "ws1", "Quake", "quake", "dead")
    app.repo.subscribe(topic.id, "fake", "ws1", "general", "instant", "tester", 3600)
    for n in range(1, 7):
        await app.pipeline.ingest(article(n, f"Agency{n} says {n}0 dead."))
    seen: list[int] = []
    a, b = (
        Dispatcher(app.repo, {"fake": SlowAdapter(seen, 0.8)}, lease_s=0.3, sweep_s=0.1)
        for _ in range(2)
    )
    await asyncio.gather(a.run_once(), b.run_once())
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 6
    assert {x.status for x in app.repo.alerts()} == {"sent"}


async def test_a_digest_is_leased_by_one_dispatcher_and_completed_only_by_it(app: App) -> None:
    app.repo.ensure_workspace("fake", "ws1")
    topic = app.repo.add_topic("fake", "ws1", "Quake", "quake", "dead")
    sub, _ = app.repo.subscribe(topic.id, "fake", "ws1", "general", "digest", "tester", 3600)
    for n in range(1, 4):
        await app.pipeline.ingest(article(n, f"Agency{n} says {n}0 dead."))
    now = datetime.now(UTC)
    mine = app.repo.lease_digest_alerts(sub.id, now, timedelta(seconds=3))
    assert len(mine) == 3 and len({j.lease_token for j in mine}) == 1
    assert app.repo.lease_digest_alerts(sub.id, now) == []  # another dispatcher: nothing
    later = now + timedelta(seconds=4)  # the lease ran out: another dispatcher takes them
    theirs = app.repo.lease_digest_alerts(sub.id, later, timedelta(seconds=3))
    ids = [j.alert_id for j in mine]
    assert app.repo.complete_digest(sub.id, ids, "m0", mine[0].lease_token) == 0
    assert app.repo.complete_digest(sub.id, ids, "m1", theirs[0].lease_token) == 3
    assert {a.status for a in app.repo.alerts()} == {"digested"}
