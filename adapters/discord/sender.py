"""Posting alerts, digests and notices to channels through discord.py's HTTP client.

Rate limits: discord.py waits out short 429s itself (holding that route
bucket, or every request for the global limit); one asking for longer than
``MAX_RATELIMIT_WAIT_S`` comes back as ``DeliveryError(retry_after=…)`` and
the dispatcher pauses the bucket: the channel's route bucket, or all of
Discord when the 429 was the global limit (``RateLimitLog`` sees the
response headers through discord.py's ``http_trace``, since ``RateLimited``
does not say). A deleted channel (404) or a missing permission (403) pauses
the subscription with a reason ``/claimwatch status`` shows; nothing here
raises anything else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import discord

from adapters.discord.client import PLATFORM, ClaimwatchClient
from adapters.discord.ratelimits import RateLimitLog
from adapters.discord.render import NO_MENTIONS, alert_embed, alert_view, digest_message
from bot.domain import Alert
from bot.messages import DeliveryError, DigestMessage, NoticeMessage

log = logging.getLogger(__name__)

NOT_CONNECTED_RETRY_S = 15.0
LOGIN_WAIT_S = 5.0
NEEDED = "View Channel, Send Messages and Embed Links"


class DiscordSender:
    """The ``Sender`` side of the adapter; returns Discord message ids."""

    platform = PLATFORM

    def __init__(self, client: ClaimwatchClient, limits: RateLimitLog | None = None) -> None:
        self.client = client
        self.limits = limits or client.rate_limit_log

    async def send_alert(self, alert: Alert) -> str | None:
        return await self._post(
            alert.channel_id, embed=alert_embed(alert), view=alert_view(alert.topic_slug, alert.key)
        )

    async def send_digest(self, digest: DigestMessage) -> str | None:
        content, embeds = digest_message(digest)
        return await self._post(
            digest.channel_id,
            content=content,
            embeds=embeds,
            view=alert_view(digest.topic_slug, None),
        )

    async def send_notice(self, notice: NoticeMessage) -> str | None:
        return await self._post(notice.channel_id, content=notice.text[:2000])

    async def _post(self, channel_id: str, **kwargs: Any) -> str:
        if not self.client.logged_in.is_set():
            try:
                await asyncio.wait_for(self.client.logged_in.wait(), LOGIN_WAIT_S)
            except TimeoutError:
                raise DeliveryError(
                    "Discord is not connected yet", retry_after=NOT_CONNECTED_RETRY_S
                ) from None
        try:
            channel = self.client.get_partial_messageable(int(channel_id))
        except ValueError:
            raise DeliveryError(f"'{channel_id}' is not a Discord channel id", pause=True) from None
        try:
            message = await self._send(channel, channel_id, kwargs)
        except discord.RateLimited as exc:
            is_global = self.limits.was_global(f"/channels/{channel_id}/messages")
            log.warning(
                "Discord asks to wait %.0f s before posting to %s%s",
                exc.retry_after,
                "anywhere" if is_global else channel_id,
                " (global limit)" if is_global else "",
            )
            raise DeliveryError(
                f"rate limited by Discord for {exc.retry_after:.0f} s",
                retry_after=exc.retry_after,
                scope=(PLATFORM,) if is_global else None,
            ) from None
        except discord.NotFound as exc:
            raise DeliveryError(
                f"the Discord channel {channel_id} no longer exists ({exc.text or exc.code})",
                pause=True,
            ) from None
        except discord.Forbidden as exc:
            raise DeliveryError(
                f"Claimwatch may not post in <#{channel_id}> ({exc.text or 'Missing Access'}): "
                f"give it {NEEDED} there, then run /claimwatch subscribe again",
                pause=True,
            ) from None
        except discord.HTTPException as exc:
            raise DeliveryError(f"Discord answered {exc.status}: {exc.text}") from None
        return str(message.id)

    async def _send(
        self, channel: discord.PartialMessageable, channel_id: str, kwargs: dict[str, Any]
    ) -> discord.Message:
        """``channel.send``, given up at the first 429: the dispatcher pauses the bucket
        instead of discord.py sleeping in here (it would retry the post after the wait)."""
        send = asyncio.ensure_future(channel.send(**kwargs, allowed_mentions=NO_MENTIONS))
        limited = self.limits.watch(f"/channels/{channel_id}/messages")
        try:
            await asyncio.wait({send, limited}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not send.done():
                send.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await send
            retry_after = limited.result() if limited.done() and not limited.cancelled() else 0
            self.limits.unwatch(limited)
        if send.cancelled():
            raise discord.RateLimited(retry_after)
        return send.result()
