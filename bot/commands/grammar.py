"""How a command reaches its handler: from a line of text (console, Slack, tests) or from a
platform's parsed options (Discord), user errors turned into an ephemeral ``Reply``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.commands.base import UserError
from bot.commands.parsing import Misuse
from bot.commands.spec import FREE_TEXT, GROUPS, SETTINGS_ROOT, SPECS, CommandSpec
from bot.messages import CommandRequest, Reply
from bot.redact import redact
from bot.sanitize import ControlCharacters, check_name


def find_spec(line: str) -> tuple[CommandSpec, str]:
    """The command a line names and the text after its name (``/claimwatch`` alone is help)."""
    if not line.startswith("/"):
        raise UserError("Commands start with '/': try /claimwatch help")
    command, _, rest = line[1:].partition(" ")
    command = command.lower()
    rest = rest.strip()
    if command != SETTINGS_ROOT:
        spec = SPECS.get(command)
        if spec is None or spec.root != command:
            raise UserError(f"Unknown command /{command}. Try /claimwatch help")
        return spec, rest
    sub, _, tail = rest.partition(" ")
    sub = sub.lower() or "help"
    tail = tail.strip()
    group = GROUPS.get(sub)
    if group is not None:
        action, _, args = tail.partition(" ")
        spec = SPECS.get(f"{sub} {action.lower()}")
        if spec is None:
            raise UserError(group.usage)
        return spec, args
    spec = SPECS.get(sub)
    if spec is None or spec.root != SETTINGS_ROOT:
        raise UserError(f"Unknown subcommand '{sub}'. Try /claimwatch help")
    return spec, tail


class Dispatch:
    """``run`` (structured options) and ``execute`` (a line of text) for ``Commands``."""

    async def run(
        self, fn: Callable[..., Awaitable[Reply]], req: CommandRequest, *args: object, **kw: object
    ) -> Reply:
        """Call a handler, turning user errors into an ephemeral reply.

        Every text argument is refused when it holds a control character, except
        the pasted article text of ``/submit``, which is cleaned like any article.
        """
        try:
            if getattr(fn, "__name__", "") not in FREE_TEXT:
                for value in (*args, *kw.values()):
                    if isinstance(value, str):
                        check_name(value, "a command")
            return await fn(req, *args, **kw)
        except UserError as exc:
            return Reply.fail(redact(str(exc)), exc.channels)
        except ControlCharacters as exc:
            return Reply.fail(str(exc))

    async def execute(self, req: CommandRequest, line: str) -> Reply:
        """Run one command line in the slash-command grammar (console, tests, Slack text).

        Line breaks and tabs count as spaces, except in ``/submit``'s pasted text;
        any other control character refuses the command.
        """
        line = line.strip()
        try:
            if not line.lower().startswith("/submit"):
                line = check_name(" ".join(line.split()), "a command")
            spec, rest = find_spec(line)
            try:
                parsed = spec.parse(rest)
            except Misuse:
                raise UserError(spec.misuse_text) from None
            handler: Callable[..., Awaitable[Reply]] = getattr(self, spec.handler)
            return await handler(req, *parsed.args, **parsed.kwargs)
        except UserError as exc:
            return Reply.fail(redact(str(exc)), exc.channels)
        except ControlCharacters as exc:
            return Reply.fail(str(exc))
