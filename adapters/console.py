"""The console adapter: prints alerts in the terminal and reads slash commands from it.

It is the no-token default of ``make run`` and a demo of the product: the same
alerts a channel would get, and the same command grammar as the chat platforms
(``/claims TOPIC``, ``/claimwatch topic add NAME QUERY`` …).
"""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from adapters.base import ChatAdapter
from bot.app import App
from bot.commands import Commands
from bot.demo import ensure_demo_topic, play_demo
from bot.domain import Alert
from bot.messages import CommandRequest, DigestMessage, NoticeMessage, Reply

PLATFORM = "console"
WORKSPACE = "local"
CHANNEL = "console"
COLOURS = {"new_claim": "green", "new_source": "cyan", "changed": "yellow"}


def alert_text(alert: Alert) -> Text:
    """The body of an alert: source, value, evidence, where it was read."""
    body = Text()
    body.append(f"{alert.topic_name}\n", style="dim")
    body.append(alert.source_line, style="bold")
    body.append(": ")
    if alert.kind == "changed" and alert.previous_value:
        body.append(alert.previous_value, style="strike")
        body.append(" → ")
    body.append(alert.value, style="bold")
    if alert.conflicts_with:
        body.append(f"\nconflicts with {', '.join(alert.conflicts_with)}", style="magenta")
    if alert.note and not alert.conflicts_with:
        body.append(f"\n{alert.note}", style="dim")
    body.append(f"\n“{alert.evidence}”", style="italic")
    body.append(f"\n{alert.outlet} · {alert.url}", style="dim")
    if alert.corroboration:
        body.append(f"\ncorroborated by {alert.corroboration} other article(s)", style="dim")
    return body


class ConsoleAdapter(ChatAdapter):
    """Prints what a channel would receive; answers commands typed at the prompt."""

    platform = PLATFORM

    def __init__(
        self,
        commands: Commands,
        console: Console | None = None,
        demo: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        super().__init__()
        self.commands = commands
        self.console = console or Console(highlight=False)
        self.demo = demo
        self.senders.register(Alert, self.print_alert)
        self.senders.register(DigestMessage, self.print_digest)
        self.senders.register(NoticeMessage, self.print_notice)

    def request(self) -> CommandRequest:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "console"
        return CommandRequest(
            platform=PLATFORM,
            workspace_id=WORKSPACE,
            channel_id=CHANNEL,
            user_id=user,
            user_name=user,
            is_admin=True,
        )

    async def print_alert(self, alert: Alert) -> str | None:
        colour = COLOURS.get(alert.kind, "white")
        self.console.print(
            Panel(alert_text(alert), title=alert.headline, title_align="left", border_style=colour)
        )
        return f"console-{alert.alert_id}"

    async def print_digest(self, digest: DigestMessage) -> str | None:
        self.console.rule(f"Digest · {digest.topic_name} · {len(digest.alerts)} alert(s)")
        for alert in digest.alerts:
            self.console.print(Text(alert.headline, style="bold"), alert_text(alert))
        return None

    async def print_notice(self, notice: NoticeMessage) -> str | None:
        self.console.print(Panel(notice.text, title="Claimwatch notice", border_style="red"))
        return None

    def print_reply(self, reply: Reply) -> None:
        style = "red" if reply.error else "blue"
        body = Text(reply.text)
        for f in reply.fields:
            body.append(f"\n\n{f.name}\n", style="bold")
            body.append(f.value.replace("**", ""))
        self.console.print(
            Panel(body, title=reply.title or "", title_align="left", border_style=style)
        )
        if reply.table_rows:
            table = Table(*reply.table_headers)
            for row in reply.table_rows:
                table.add_row(*row)
            self.console.print(table)
        if reply.attachment:
            path = f"./{reply.attachment.filename}"
            with open(path, "wb") as fh:
                fh.write(reply.attachment.data)
            self.console.print(f"Chart saved to {path}")

    async def run(self) -> None:
        """Play the demo story (when asked) while reading commands."""
        if self.demo is None:
            await self.read_commands()
        else:
            await asyncio.gather(self.read_commands(), self.demo())

    async def read_commands(self) -> None:
        """Read commands until end of input; without a terminal, just keep running."""
        if not sys.stdin or not sys.stdin.isatty():
            await asyncio.Event().wait()
            return
        self.console.print("Type a command (/claimwatch help), or Ctrl-D to quit.", style="dim")
        topics = await asyncio.to_thread(self.commands.topic_choices, self.request())
        if topics:
            example = topics[0][1]
            self.console.print(
                f"Topics: {', '.join(slug for _, slug in topics)} — try /claims {example}",
                style="dim",
            )
        while True:
            try:
                line = await asyncio.to_thread(input, "claimwatch> ")
            except EOFError:
                return
            if not line.strip():
                continue
            reply = await self.commands.execute(self.request(), line)
            self.print_reply(reply)


def console_adapter(app: App) -> ConsoleAdapter | None:
    """The factory registered for ``bot.runner``: the console, with the demo story when
    ``CLAIMWATCH_DEMO`` is on; None when ``CLAIMWATCH_CONSOLE`` is off."""
    settings = app.settings
    if not settings.console:
        return None
    if not settings.demo:
        return ConsoleAdapter(app.commands)

    async def demo() -> None:
        await asyncio.to_thread(ensure_demo_topic, app.repo, PLATFORM, WORKSPACE, CHANNEL)
        await play_demo(app.pipeline.ingest)

    return ConsoleAdapter(app.commands, demo=demo)
