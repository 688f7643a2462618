"""A graceful stop sends nothing twice: the send in flight finishes and is marked sent, the
alerts leased but not sent are given back at once for the next process."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from adapters.fake import FakeAdapter
from bot.app import App
from bot.domain import Alert
from tests.conftest import article


class SlowAdapter(FakeAdapter):
    """Each post takes 0.3 s; ``second_started`` is set when the second post begins."""

    def __init__(self) -> None:
        super().__init__()
        self.started = 0
        self.second_started = asyncio.Event()

    async def send_alert(self, alert: Alert) -> str | None:
        self.started += 1
        if self.started == 2:
            self.second_started.set()
        await asyncio.sleep(0.3)
        return await super().send_alert(alert)


async def test_drain_finishes_the_send_in_flight_and_gives_back_the_rest(app: App) -> None:
    adapter = SlowAdapter()
    app.dispatcher.add_sender(adapter)
    app.repo.ensure_workspace("fake", "ws1")
    topic = app.repo.add_topic("fake", "ws1", "Quake", "quake", "dead")
    app.repo.subscribe(topic.id, "fake", "ws1", "general", "instant", "tester", 3600)
    for n in range(1, 6):
        await app.pipeline.ingest(article(n, f"Agency{n} says {n}0 dead."))
    run = asyncio.create_task(app.dispatcher.run_once())
    await asyncio.wait_for(adapter.second_started.wait(), 5)  # the second send is in flight
    assert await app.dispatcher.drain(timeout_s=5)
    await run
    alerts = app.repo.alerts()
    sent = [a for a in alerts if a.status == "sent"]
    assert len(sent) == len(adapter.sent) == 2
    waiting = [a for a in alerts if a.status == "pending"]
    assert len(waiting) == 3 and all(a.lease_until is None for a in waiting)
    assert all(a.attempts == 0 for a in waiting)
    due = app.repo.lease_due_alerts(["fake"], datetime.now(UTC))  # another process, at once
    assert len(due) == 3
