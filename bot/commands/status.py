"""``/claimwatch status`` (feeds, lag, failures, paused subscriptions) and ``/claimwatch help``."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.commands.base import CommandBase, fmt_time
from bot.commands.spec import USAGE
from bot.messages import CommandRequest, Field, Reply
from bot.redact import redact


class StatusCommands(CommandBase):
    """How the workspace's feeds, pipeline and subscriptions are doing."""

    async def status(self, req: CommandRequest) -> Reply:
        now = datetime.now(UTC)
        feeds = await asyncio.to_thread(self.repo.feeds, req.platform, req.workspace_id)
        subs = await asyncio.to_thread(self.repo.subscriptions, req.platform, req.workspace_id)
        lag = await asyncio.to_thread(self.repo.pipeline_lag, now)
        counts = await asyncio.to_thread(self.repo.alert_counts)
        fields: list[Field] = []
        for f in feeds[:15]:
            state = "disabled" if f.disabled else f"{f.failures} failure(s)" if f.failures else "ok"
            lines = [
                f"state: {state}; items seen: {f.items_seen}",
                f"last success: {fmt_time(f.last_success_at)}",
                f"next poll: {'—' if f.disabled else fmt_time(f.next_poll_at)}",
            ]
            if f.last_error:
                error = redact(f.last_error[:200])
                lines.append(f"last error: {error} ({fmt_time(f.last_error_at)})")
            fields.append(Field(redact(f"Feed #{f.id} {f.url}")[:250], "\n".join(lines)))
        paused = [s for s in subs if s.paused]
        for s in paused:
            fields.append(
                Field(
                    f"Paused: {s.topic.slug} → {s.channel_id}",
                    redact(s.pause_reason or "paused"),
                )
            )
        lag_text = "nothing waiting" if lag is None else f"{int(lag.total_seconds())} s"
        summary = (
            f"{len(feeds)} feed(s), {sum(1 for f in feeds if f.disabled)} disabled; "
            f"{len(subs)} subscription(s), {len(paused)} paused. "
            f"Pipeline lag: {lag_text}. Alerts: "
            + (", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "none yet")
            + "."
        )
        return Reply(title="Claimwatch status", text=summary, fields=fields, ephemeral=True)

    async def help(self, req: CommandRequest) -> Reply:
        return Reply(title="Claimwatch commands", text="\n".join(USAGE.values()), ephemeral=True)
