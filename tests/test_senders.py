"""Adapters post through a registry of senders, one per message type: the dispatcher's
three calls are forwarded once, in ``adapters.base``, and an unknown type raises."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from adapters.base import ChatAdapter, UnknownMessage
from bot.messages import DigestMessage, NoticeMessage


@dataclass(frozen=True)
class Poll:
    question: str


class NoticesOnly(ChatAdapter):
    platform = "test"

    def __init__(self) -> None:
        super().__init__()
        self.posted: list[NoticeMessage] = []
        self.senders.register(NoticeMessage, self.post_notice)

    async def post_notice(self, notice: NoticeMessage) -> str | None:
        self.posted.append(notice)
        return f"notice-{len(self.posted)}"


async def test_a_message_goes_to_the_sender_registered_for_its_type() -> None:
    adapter = NoticesOnly()
    notice = NoticeMessage("test", "ws1", "general", "paused")
    assert await adapter.send_notice(notice) == "notice-1"
    assert adapter.posted == [notice]


async def test_a_type_without_a_sender_raises() -> None:
    adapter = NoticesOnly()
    with pytest.raises(UnknownMessage, match="test has no sender for Poll"):
        await adapter.send(Poll("?"))
    with pytest.raises(UnknownMessage, match="DigestMessage"):
        await adapter.send_digest(DigestMessage.__new__(DigestMessage))
