"""A recording adapter for tests: commands in, replies and alerts recorded.

``FakeAdapter`` is a ``Sender`` that keeps what it was asked to post and can be
told to fail; ``FakeBot`` wraps a whole app on its own event loop so a test
reads ``assert "1,500" in bot.exec("/claims nk-troops").as_text()`` and
``assert bot.sent[0].kind == "new_claim"``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.domain import Alert
from bot.messages import CommandRequest, DeliveryError, DigestMessage, NoticeMessage, Reply

if TYPE_CHECKING:
    from bot.app import App
    from bot.domain import Article
    from bot.outbox import DispatchReport
    from bot.pipeline import IngestOutcome

PLATFORM = "fake"


@dataclass
class FakeAdapter:
    """Records alerts, digests and notices; ``fail_with`` makes the next sends fail."""

    platform: str = PLATFORM
    sent: list[Alert] = field(default_factory=list)
    digests: list[DigestMessage] = field(default_factory=list)
    notices: list[NoticeMessage] = field(default_factory=list)
    fail_with: Callable[[Alert], DeliveryError | None] | None = None

    async def send_alert(self, alert: Alert) -> str | None:
        if self.fail_with is not None:
            error = self.fail_with(alert)
            if error is not None:
                raise error
        self.sent.append(alert)
        return f"fake-{len(self.sent)}"

    async def send_digest(self, digest: DigestMessage) -> str | None:
        self.digests.append(digest)
        return f"fake-digest-{len(self.digests)}"

    async def send_notice(self, notice: NoticeMessage) -> str | None:
        self.notices.append(notice)
        return None


class FakeBot:
    """An app with the fake adapter, driven synchronously from tests."""

    def __init__(self, app: App, workspace: str = "ws1", channel: str = "general") -> None:
        self.app = app
        self.adapter = FakeAdapter()
        app.dispatcher.add_sender(self.adapter)
        self.workspace = workspace
        self.channel = channel
        self.loop = asyncio.new_event_loop()

    @property
    def sent(self) -> list[Alert]:
        return self.adapter.sent

    def request(
        self, *, admin: bool = True, user: str = "tester", channel: str | None = None
    ) -> CommandRequest:
        return CommandRequest(
            platform=PLATFORM,
            workspace_id=self.workspace,
            channel_id=channel or self.channel,
            user_id=user,
            user_name=user,
            is_admin=admin,
        )

    def exec(
        self, line: str, *, admin: bool = True, user: str = "tester", channel: str | None = None
    ) -> Reply:
        req = self.request(admin=admin, user=user, channel=channel)
        return self.loop.run_until_complete(self.app.commands.execute(req, line))

    def ingest(self, item: Article) -> IngestOutcome:
        return self.loop.run_until_complete(self.app.pipeline.ingest(item))

    def deliver(self) -> DispatchReport:
        return self.loop.run_until_complete(self.app.dispatcher.run_once())

    def close(self) -> None:
        self.loop.close()
