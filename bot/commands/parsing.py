"""The text grammar's pieces: how the words after a command become a handler's arguments.

Each ``parse_*`` takes the text after the command's name and returns the handler's
positional and keyword arguments, or raises ``Misuse`` (the dispatcher then shows the
command's usage line).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from bot.commands.base import MODES, SINCE_RE, UserError


class Misuse(Exception):
    """The words do not fit the command; the caller shows its usage."""


@dataclass(frozen=True)
class Parsed:
    """A handler's arguments, after the request."""

    args: tuple[object, ...] = ()
    kwargs: dict[str, object] = field(default_factory=dict)


def split_words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        raise UserError("Unbalanced quotes in the command.") from None


def first_and_rest(text: str) -> tuple[str, str]:
    """'"My topic" a AND b' -> ('My topic', 'a AND b'): a quoted or single-word name."""
    text = text.strip()
    if text[:1] in ("'", '"'):
        end = text.find(text[0], 1)
        if end == -1:
            raise UserError("Unbalanced quotes in the topic name.")
        return text[1:end], text[end + 1 :].strip()
    first, _, rest = text.partition(" ")
    return first, rest.strip()


def looks_like_since(token: str) -> bool:
    return bool(SINCE_RE.match(token) or re.match(r"^\d{4}-\d{2}-\d{2}", token))


def take_page(args: list[str]) -> tuple[list[str], int]:
    """Split a trailing ``--page N`` (or ``--page=N``) off the arguments."""
    for i, a in enumerate(args):
        if a == "--page" or a.startswith("--page="):
            value = a.partition("=")[2] if "=" in a else " ".join(args[i + 1 : i + 2])
            rest = args[:i] + args[i + (1 if "=" in a else 2) :]
            if not value.isdigit() or int(value) < 1:
                raise UserError("--page takes a page number: 1, 2, …")
            return rest, int(value)
    return args, 1


def parse_nothing(_: str) -> Parsed:
    return Parsed()


def parse_claims(text: str) -> Parsed:
    args, page = take_page(split_words(text))
    if not args:
        raise Misuse
    key, since = None, None
    extra = args[1:]
    if extra and looks_like_since(extra[-1]):
        since = extra.pop()
    if extra:
        key = " ".join(extra)
    return Parsed((args[0], key, since, page))


def parse_sources(text: str) -> Parsed:
    args, page = take_page(split_words(text))
    if not args:
        raise Misuse
    return Parsed((args[0], page))


def parse_timeline(text: str) -> Parsed:
    args = split_words(text)
    if not args:
        raise Misuse
    return Parsed((args[0], " ".join(args[1:]) or None))


def parse_whole_text(text: str) -> Parsed:
    return Parsed((text,))


def parse_topic_add(text: str) -> Parsed:
    return Parsed(first_and_rest(text))


def parse_topic_name(text: str) -> Parsed:
    return Parsed((first_and_rest(text)[0],))


def parse_topic_edit(text: str) -> Parsed:
    name, more = first_and_rest(text)
    field_name, _, value = more.partition(" ")
    field_name = field_name.lower()
    if field_name == "query":
        return Parsed((name,), {"query": value})
    if field_name == "name":
        return Parsed((name,), {"new_name": value.strip()})
    if field_name == "mode":
        return Parsed((name,), {"mode": value.strip().lower()})
    if more:
        return Parsed((name,), {"query": more})
    raise Misuse


def parse_subscribe(text: str) -> Parsed:
    args = split_words(text)
    if not args:
        raise Misuse
    channel, mode = None, "instant"
    for a in args[1:]:
        if a.lower() in MODES:
            mode = a.lower()
        else:
            channel = a
    return Parsed((args[0], channel, mode))


def parse_unsubscribe(text: str) -> Parsed:
    args = split_words(text)
    if not args:
        raise Misuse
    return Parsed((args[0], args[1] if len(args) > 1 else None))


def parse_feed_add(text: str) -> Parsed:
    parts = split_words(text)
    if not parts:
        raise Misuse
    return Parsed((parts[0], parts[1] if len(parts) > 1 else None))


def parse_feed_remove(text: str) -> Parsed:
    parts = split_words(text)
    if not parts:
        raise Misuse
    return Parsed((parts[0],))


def parse_alias_add(text: str) -> Parsed:
    parts = split_words(text)
    if len(parts) < 2:
        raise Misuse
    return Parsed((parts[0], parts[1], parts[2] if len(parts) > 2 else None))
