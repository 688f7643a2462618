"""What every chat adapter shares: a registry of senders, one per message type, and the
dispatcher's ``send_alert`` / ``send_digest`` / ``send_notice`` written once over it.

An adapter registers one coroutine per message type it can post (as opsdroid's
connectors do); a message of a type nobody registered raises ``UnknownMessage``
instead of being dropped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from bot.domain import Alert
from bot.messages import DigestMessage, NoticeMessage

M = TypeVar("M")
Send = Callable[[Any], Awaitable[str | None]]


class UnknownMessage(TypeError):
    """An adapter was handed a message type it has no sender for."""


class PlatformSender(Protocol):
    """A platform's sender: posts each kind of message, returns the platform's message id."""

    async def send_alert(self, alert: Alert) -> str | None: ...

    async def send_digest(self, digest: DigestMessage) -> str | None: ...

    async def send_notice(self, notice: NoticeMessage) -> str | None: ...


class Senders:
    """One sender per message type."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self._by_type: dict[type, Send] = {}

    def register(self, kind: type[M], send: Callable[[M], Awaitable[str | None]]) -> None:
        self._by_type[kind] = send

    def register_all(self, sender: PlatformSender) -> None:
        """Alerts, digests and notices, each to the method of ``sender`` that posts it."""
        self.register(Alert, sender.send_alert)
        self.register(DigestMessage, sender.send_digest)
        self.register(NoticeMessage, sender.send_notice)

    async def send(self, message: object) -> str | None:
        send = self._by_type.get(type(message))
        if send is None:
            raise UnknownMessage(f"{self.platform} has no sender for {type(message).__name__}")
        return await send(message)


class ChatAdapter:
    """The dispatcher's ``Sender`` for one platform, over its registry of senders."""

    platform: str

    def __init__(self) -> None:
        self.senders = Senders(self.platform)

    async def send(self, message: object) -> str | None:
        return await self.senders.send(message)

    async def send_alert(self, alert: Alert) -> str | None:
        return await self.send(alert)

    async def send_digest(self, digest: DigestMessage) -> str | None:
        return await self.send(digest)

    async def send_notice(self, notice: NoticeMessage) -> str | None:
        return await self.send(notice)
