"""Several bots on one PostgreSQL, and PostgreSQL connections terminated under delivery: the
real bot processes against the fake Slack, each alert counted as it reaches its channel.

Slow sends (``chat.postMessage`` taking 1.5 s) and a 3 s lease would let a lease run out
mid-batch if alerts were leased in batches and never renewed; fenced, per-alert leases send
each alert once. Each scenario adds its counts to the figures printed at the end of the run.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.faults.harness import (
    Bot,
    Fakes,
    losses_and_doubles,
    queue_alerts,
    slack_deliveries,
    wait_until,
)
from tests.faults.storefaults import Terminator, with_application_name


def slack_bots(db_url: str, fakes: Fakes, tmp_path: Path, n: int, **env: str) -> list[Bot]:
    bots = []
    for i in range(n):
        workdir = tmp_path / f"bot{i + 1}"
        workdir.mkdir()
        bot = Bot(db_url, fakes, workdir, **env)
        del bot.env["DISCORD_TOKEN"]  # Slack only: the scenarios are about the shared outbox
        bots.append(bot)
    for bot in bots:
        bot.start(wait=False)
    for bot in bots:
        wait_until(lambda b=bot: "Claimwatch running with" in b.log(), 60, "the bots to start")
    return bots


@pytest.mark.parametrize("n_bots, n_alerts", [(2, 16), (3, 18)])
def test_bots_sharing_one_postgresql_with_slow_sends_send_each_alert_once(
    n_bots: int,
    n_alerts: int,
    pg_url: str,
    fakes: Fakes,
    tmp_path: Path,
    figures: list[tuple[str, str]],
) -> None:
    fakes.slack.post_delay_s = 1.5
    queue_alerts(pg_url, 0, slack_channels=("C1",))  # the schema, topic and subscription
    bots = slack_bots(pg_url, fakes, tmp_path, n_bots, CLAIMWATCH_ALERT_LEASE_S="3")
    try:
        started = time.monotonic()
        queue_alerts(pg_url, n_alerts, slack_channels=("C1",))
        wait_until(
            lambda: len(slack_deliveries(fakes, "C1")) == n_alerts, 120, "every alert to be sent"
        )
        took = time.monotonic() - started
        time.sleep(3.5)  # a lease running out now would show as a second post
        lost, doubled = losses_and_doubles(slack_deliveries(fakes, "C1"), n_alerts)
    finally:
        for bot in bots:
            bot.stop()
    figures.append(
        (
            f"{n_bots} bots on one PostgreSQL",
            f"{n_alerts} alerts, chat.postMessage 1.5 s, lease 3 s: lost {lost}, doubled "
            f"{doubled}; all sent within {took:.0f} s",
        )
    )
    assert (lost, doubled) == (0, 0)


def test_terminated_connections_during_delivery_lose_and_double_nothing(
    pg_url: str, fakes: Fakes, tmp_path: Path, figures: list[tuple[str, str]]
) -> None:
    n = 60
    fakes.slack.post_delay_s = 0.05
    name = "cw_fault_" + pg_url.rsplit("cw_test_", 1)[-1][:12]
    queue_alerts(pg_url, 0, slack_channels=("C1",))
    [bot] = slack_bots(with_application_name(pg_url, name), fakes, tmp_path, 1)
    try:
        with Terminator(pg_url, name, every_s=0.4) as terminator:
            queue_alerts(pg_url, n, slack_channels=("C1",))
            wait_until(lambda: len(slack_deliveries(fakes, "C1")) == n, 120, "every alert")
            terminated = terminator.terminated
        time.sleep(1.0)
        lost, doubled = losses_and_doubles(slack_deliveries(fakes, "C1"), n)
        alive = bot.proc is not None and bot.proc.poll() is None
    finally:
        bot.stop()
    figures.append(
        (
            "pg_terminate_backend during delivery",
            f"{n} alerts, {terminated} connections terminated: lost {lost}, doubled {doubled}",
        )
    )
    assert alive, "the bot died of a terminated connection"
    assert terminated > 0
    assert (lost, doubled) == (0, 0)
