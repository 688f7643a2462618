"""The dispatcher: delivers due outbox rows through the adapter of their platform.

Delivery is at least once to the adapter and idempotent per (event,
subscription). Alerts are leased one at a time, right before their send, under
a fencing token (``storage.outbox``); the send is claimed with that token just
before it starts, and the lease is renewed while the send runs, so a slow
platform never lets the lease run out under a send in flight. A process whose
lease ran out and was taken over finds its token replaced: it neither sends the
alert nor marks it. Two dispatchers, or two runs, never send a row twice; a
crash leaves the row to be retried once its lease runs out. New alerts wake the
dispatcher at once; a periodic sweep is the safety net.

One alert is in flight at a time, so a crash between a platform accepting a
post and the mark costs at most one duplicate; a graceful stop finishes that
send and marks it, and costs none. A rate limit
(``DeliveryError.retry_after``) pauses its bucket (``bot.ratelimits``: the
channel, a workspace or a whole platform): leased alerts for that bucket are
given back unsent with the pause's end as their next attempt, digests and
notices for it wait too, and every other bucket keeps flowing. Senders hand
429s back rather than wait inside a send, so nothing blocks the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bot.domain import Alert
from bot.messages import DeliveryError, DigestMessage, NoticeMessage, Sender
from bot.ratelimits import RateLimits, channel_scope
from storage.repository import Repository

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRY_BASE_S = 10.0
RETRY_CAP_S = 3600.0
# one alert leased at a time, right before its send: a lease never waits behind others' sends
LEASE_BATCH = 1


@dataclass
class DispatchReport:
    sent: int = 0
    failed: int = 0
    paused: int = 0
    deferred: int = 0
    digests: int = 0
    notices: int = 0
    taken_over: int = 0

    def __add__(self, other: DispatchReport) -> DispatchReport:
        return DispatchReport(
            *(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__)
        )


class Dispatcher:
    """Sends due alerts, digests and notices for the platforms it has senders for."""

    def __init__(
        self,
        repo: Repository,
        senders: Mapping[str, Sender] | None = None,
        *,
        max_attempts: int = 8,
        sweep_s: float = 5.0,
        lease_s: float = 60.0,
    ) -> None:
        self.repo = repo
        self.senders: dict[str, Sender] = dict(senders or {})
        self.max_attempts = max_attempts
        self.sweep_s = sweep_s
        self.lease = timedelta(seconds=lease_s)
        self.limits = RateLimits()
        self.on_progress: Callable[[], None] = lambda: None
        self._stopping = False
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._run_lock = asyncio.Lock()

    def add_sender(self, sender: Sender) -> None:
        self.senders[sender.platform] = sender

    def wake(self) -> None:
        """Ask for a run now; callable from any thread."""
        loop = self._loop
        if loop is not None and loop.is_running():
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is loop:
                self._wake.set()
            else:
                loop.call_soon_threadsafe(self._wake.set)
        else:
            self._wake.set()

    async def run_forever(self) -> None:
        self._loop = asyncio.get_running_loop()
        while not self._stopping:
            try:
                await self.run_once()
            except Exception:
                log.exception("dispatcher run failed; retrying at the next sweep")
            self.on_progress()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.sweep_s)
            self._wake.clear()

    async def drain(self, timeout_s: float) -> bool:
        """Graceful stop: finish the sends in flight, give back the alerts not yet sent.

        Leased alerts not sent yet are released at once (no attempt counted), so
        another process, or this one after a restart, sends them without waiting
        for the lease to run out; no alert is sent twice. True when the run in
        progress finished within ``timeout_s``.
        """
        self._stopping = True
        self._wake.set()
        try:
            async with asyncio.timeout(timeout_s):
                async with self._run_lock:
                    return True
        except TimeoutError:
            log.warning("the dispatcher did not finish within %.0f s of the stop", timeout_s)
            return False

    async def run_once(self, now: datetime | None = None) -> DispatchReport:
        """One pass: due instant alerts, then due digests, then notices."""
        async with self._run_lock:
            report = await self._send_alerts(now)
            report = report + await self._send_digests(now)
            report = report + await self._send_notices()
            return report

    async def _send_alerts(self, now: datetime | None) -> DispatchReport:
        report = DispatchReport()
        if not self.senders:
            return report
        while not self._stopping:
            moment = now or datetime.now(UTC)
            jobs = await asyncio.to_thread(
                self.repo.lease_due_alerts, list(self.senders), moment, LEASE_BATCH, self.lease
            )
            if not jobs:
                return report
            for job in jobs:
                await self._send_or_give_back(job, report, now)
            if now is not None and len(jobs) < LEASE_BATCH:
                return report
        return report

    def _lease_end(self, now: datetime | None) -> datetime:
        return (now or datetime.now(UTC)) + self.lease

    async def _renewing(self, token: str | None, send: Awaitable[T]) -> T:
        """Await ``send`` while renewing the lease ``token`` holds every third of a lease."""
        task = asyncio.ensure_future(send)
        if token is None:
            return await task
        every = max(0.1, self.lease.total_seconds() / 3)
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=every)
                if done:
                    return task.result()
                try:
                    held = await asyncio.to_thread(
                        self.repo.renew_lease, token, self._lease_end(None)
                    )
                except Exception:
                    log.exception("could not renew a lease during a send")
                    continue
                if not held:
                    log.warning("a lease ran out during its send; another process may send it too")
        finally:
            if not task.done():
                task.cancel()

    async def _send_or_give_back(
        self, job: Alert, report: DispatchReport, now: datetime | None
    ) -> None:
        """Send one leased alert, unless stopping or its bucket is paused: then give it back."""
        moment = now or datetime.now(UTC)
        if self._stopping:  # unsent, for the next process (or this one after a restart)
            await asyncio.to_thread(self.repo.release_alert, job.alert_id, moment, job.lease_token)
            return
        wait = self.limits.wait_s(
            job.platform, job.workspace_id, job.channel_id, moment.timestamp()
        )
        if wait is not None:
            report.deferred += 1
            retry_at = moment + timedelta(seconds=wait)
            await asyncio.to_thread(
                self.repo.release_alert, job.alert_id, retry_at, job.lease_token
            )
            return
        await self._deliver(job, report, now)

    async def _deliver(self, job: Alert, report: DispatchReport, now: datetime | None) -> None:
        sender = self.senders[job.platform]
        token = job.lease_token
        if token is not None and not await asyncio.to_thread(
            self.repo.claim_alert, job.alert_id, token, self._lease_end(now)
        ):
            # the lease ran out and another process took the alert (or sent it): not ours
            report.taken_over += 1
            log.info("alert %s was taken over by another process; not sending it", job.alert_id)
            return
        try:
            message_id = await self._renewing(token, sender.send_alert(job))
        except DeliveryError as exc:
            await self._failed(job, exc, report, now)
            return
        except Exception as exc:
            log.exception("alert %s to %s/%s failed", job.alert_id, job.platform, job.channel_id)
            await self._failed(job, DeliveryError(str(exc)), report, now)
            return
        finally:
            self.on_progress()
        if await asyncio.to_thread(self.repo.mark_alert_sent, job.alert_id, message_id, token):
            report.sent += 1
        else:
            log.warning("alert %s was sent but its lease had been taken over", job.alert_id)

    def _rate_limited(
        self,
        exc: DeliveryError,
        platform: str,
        workspace_id: str,
        channel_id: str,
        now: datetime | None = None,
    ) -> float:
        """Pause the bucket ``exc`` names (default: the channel); its length in seconds."""
        assert exc.retry_after is not None
        scope = exc.scope or channel_scope(platform, workspace_id, channel_id)
        self.limits.pause(scope, exc.retry_after, (now or datetime.now(UTC)).timestamp())
        log.warning("rate limited: nothing goes to %s for %.1f s", "/".join(scope), exc.retry_after)
        return exc.retry_after

    async def _failed(
        self, job: Alert, exc: DeliveryError, report: DispatchReport, at: datetime | None
    ) -> None:
        alert_id, subscription_id, attempts = job.alert_id, job.subscription_id, job.attempts
        token = job.lease_token
        now = at or datetime.now(UTC)
        if exc.retry_after is not None:
            report.deferred += 1
            wait = self._rate_limited(exc, job.platform, job.workspace_id, job.channel_id, now)
            await asyncio.to_thread(
                self.repo.release_alert, alert_id, now + timedelta(seconds=wait), token
            )
            return
        if exc.pause:
            report.paused += 1
            log.warning("pausing subscription %s: %s", subscription_id, exc)
            await asyncio.to_thread(self.repo.pause_subscription, subscription_id, str(exc))
            await asyncio.to_thread(
                self.repo.mark_alert_failed, alert_id, str(exc), now, False, token
            )
            return
        report.failed += 1
        park = attempts + 1 >= self.max_attempts
        delay = min(RETRY_CAP_S, RETRY_BASE_S * 2**attempts)
        await asyncio.to_thread(
            self.repo.mark_alert_failed,
            alert_id,
            str(exc),
            now + timedelta(seconds=delay),
            park,
            token,
        )

    async def _send_digests(self, now: datetime | None) -> DispatchReport:
        report = DispatchReport()
        moment = now or datetime.now(UTC)
        subs = await asyncio.to_thread(self.repo.due_digests, list(self.senders), moment)
        for sub in subs:
            if self.limits.wait_s(
                sub.platform, sub.workspace_id, sub.channel_id, moment.timestamp()
            ):
                report.deferred += 1  # stays due; sent once its bucket's pause ends
                continue
            jobs = await asyncio.to_thread(
                self.repo.lease_digest_alerts, sub.id, moment, self.lease
            )
            if not jobs:
                await asyncio.to_thread(self.repo.complete_digest, sub.id, [], None)
                continue
            digest = DigestMessage(
                platform=sub.platform,
                workspace_id=sub.workspace_id,
                channel_id=sub.channel_id,
                topic_name=sub.topic.name,
                topic_slug=sub.topic.slug,
                alerts=jobs,
            )
            token = jobs[0].lease_token
            try:
                message_id = await self._renewing(
                    token, self.senders[sub.platform].send_digest(digest)
                )
            except DeliveryError as exc:
                if token is not None:
                    await asyncio.to_thread(self.repo.release_lease, token)
                if exc.retry_after is not None:
                    self._rate_limited(exc, sub.platform, sub.workspace_id, sub.channel_id, now)
                    report.deferred += 1
                elif exc.pause:
                    await asyncio.to_thread(self.repo.pause_subscription, sub.id, str(exc))
                    report.paused += 1
                else:
                    report.failed += 1
                continue
            except Exception:
                log.exception("digest for subscription %s failed", sub.id)
                if token is not None:
                    await asyncio.to_thread(self.repo.release_lease, token)
                report.failed += 1
                continue
            await asyncio.to_thread(
                self.repo.complete_digest, sub.id, [j.alert_id for j in jobs], message_id, token
            )
            report.digests += 1
        return report

    async def _send_notices(self) -> DispatchReport:
        report = DispatchReport()
        notices = await asyncio.to_thread(self.repo.pending_notices, list(self.senders))
        for n in notices:
            if self.limits.wait_s(n.platform, n.workspace_id, n.channel_id) is not None:
                continue  # stays pending, no attempt counted
            try:
                await self.senders[n.platform].send_notice(
                    NoticeMessage(n.platform, n.workspace_id, n.channel_id, n.text)
                )
            except DeliveryError as exc:
                if exc.retry_after is not None:
                    self._rate_limited(exc, n.platform, n.workspace_id, n.channel_id)
                    continue
                log.warning("notice %s failed: %s", n.id, exc)
                status = "failed" if n.attempts + 1 >= 3 else "pending"
                await asyncio.to_thread(self.repo.mark_notice, n.id, status)
                continue
            except Exception as exc:
                log.warning("notice %s failed: %s", n.id, exc)
                status = "failed" if n.attempts + 1 >= 3 else "pending"
                await asyncio.to_thread(self.repo.mark_notice, n.id, status)
                continue
            await asyncio.to_thread(self.repo.mark_notice, n.id, "sent")
            report.notices += 1
        return report
