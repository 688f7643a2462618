"""Delivery under faults, with the real bot as a subprocess against the fake Slack and Discord:
a 429 storm with long Retry-After, kill -9 during delivery, and graceful SIGTERM.

Each scenario adds its counts to the figures printed at the end of the run.
"""

from __future__ import annotations

import time

from tests.discord.fake_discord import CHANNEL_ID
from tests.fake_ratelimit import ChannelLimit
from tests.faults.harness import (
    Bot,
    Fakes,
    discord_deliveries,
    losses_and_doubles,
    queue_alerts,
    slack_deliveries,
    wait_until,
)


def in_windows(times: list[float], starts: list[float], length: float) -> int:
    return sum(1 for t in times if any(s <= t < s + length for s in starts))


def test_a_429_storm_pauses_the_bucket_and_every_alert_goes_once(
    bot: Bot, fakes: Fakes, fault_db: str, figures: list[tuple[str, str]]
) -> None:
    n = 30
    slack_limit = fakes.slack.limits["C1"] = ChannelLimit(allow=3, retry_after=4, windows=3)
    discord_limit = fakes.discord.limits[CHANNEL_ID] = ChannelLimit(allow=2, retry_after=3)
    queue_alerts(fault_db, n, slack_channels=("C1", "C2"), discord_channels=(CHANNEL_ID,))
    bot.start()

    def done() -> bool:
        return (
            len(slack_deliveries(fakes, "C1")) == n
            and len(slack_deliveries(fakes, "C2")) == n
            and len(discord_deliveries(fakes, CHANNEL_ID)) == n
        )

    wait_until(done, 90, "every alert to be delivered")
    time.sleep(1.0)  # anything sent twice would show now
    violations = len(slack_limit.violations) + len(discord_limit.violations)
    lost = doubled = 0
    for seen in (
        slack_deliveries(fakes, "C1"),
        slack_deliveries(fakes, "C2"),
        discord_deliveries(fakes, CHANNEL_ID),
    ):
        missing, extra = losses_and_doubles(seen, n)
        lost, doubled = lost + missing, doubled + extra
    c2_times = [
        c.at
        for c in list(fakes.slack.calls)
        if c.method == "chat.postMessage" and c.body.get("channel") == "C2" and c.status == 200
    ]
    flowing = in_windows(c2_times, slack_limit.opened, slack_limit.retry_after)
    figures.append(
        (
            "429 storm",
            f"{3 * n} alerts; Slack C1 answered 429 (Retry-After 4 s) {len(slack_limit.opened)}×, "
            f"Discord 429 (3 s) {len(discord_limit.opened)}×; requests inside a Retry-After "
            f"window: {violations}; lost {lost}, doubled {doubled}; "
            f"{flowing} posts to C2 during C1's pauses",
        )
    )
    assert len(slack_limit.opened) == 3 and len(discord_limit.opened) == 1
    assert violations == 0
    assert (lost, doubled) == (0, 0)
    assert flowing > 0, "the other channel waited for the rate-limited one"


def test_kill_9_during_delivery_loses_nothing(
    bot: Bot, fakes: Fakes, fault_db: str, figures: list[tuple[str, str]]
) -> None:
    n, kills = 200, 3
    fakes.slack.post_delay_s = 0.02
    queue_alerts(fault_db, n, slack_channels=("C1",))
    bot.start()
    for _ in range(kills):
        target = sum(slack_deliveries(fakes).values()) + 30
        wait_until(lambda t=target: sum(slack_deliveries(fakes).values()) >= t, 60, "posts")
        bot.kill()
        bot.start()
    wait_until(lambda: len(slack_deliveries(fakes)) == n, 90, "every alert to be delivered")
    time.sleep(1.0)
    lost, doubled = losses_and_doubles(slack_deliveries(fakes), n)
    figures.append(
        (
            "kill -9 during delivery",
            f"{n} alerts, {kills} kills: lost {lost}, doubled {doubled} "
            f"({doubled / kills:.1f} per kill)",
        )
    )
    assert lost == 0
    assert doubled <= kills


def test_sigterm_during_delivery_doubles_nothing(
    bot: Bot, fakes: Fakes, fault_db: str, figures: list[tuple[str, str]]
) -> None:
    n, stops = 200, 3
    fakes.slack.post_delay_s = 0.02
    queue_alerts(fault_db, n, slack_channels=("C1",), discord_channels=(CHANNEL_ID,))
    bot.start()
    stop_times: list[float] = []
    for _ in range(stops):
        target = sum(slack_deliveries(fakes).values()) + 30
        wait_until(lambda t=target: sum(slack_deliveries(fakes).values()) >= t, 60, "posts")
        started = time.monotonic()
        assert bot.terminate() == 0
        stop_times.append(time.monotonic() - started)
        assert "giving back the rest" in bot.log()
        bot.start()

    def done() -> bool:
        return len(slack_deliveries(fakes)) == n and len(discord_deliveries(fakes, CHANNEL_ID)) == n

    wait_until(done, 90, "every alert to be delivered")
    time.sleep(1.0)
    lost, doubled = losses_and_doubles(slack_deliveries(fakes), n)
    d_lost, d_doubled = losses_and_doubles(discord_deliveries(fakes, CHANNEL_ID), n)
    figures.append(
        (
            "SIGTERM during delivery",
            f"{2 * n} alerts, {stops} stops (each {max(stop_times):.1f} s at most): "
            f"lost {lost + d_lost}, doubled {doubled + d_doubled}",
        )
    )
    assert (lost, doubled, d_lost, d_doubled) == (0, 0, 0, 0)
