"""Every command, declared once: name, arguments, who may run it and its help line.

The help text (``USAGE``), the text grammar (console and Slack, ``bot.commands.grammar``),
Slack's command list and the Discord app-command tree (``adapters/discord/commands.py``)
all come from ``COMMANDS``; ``tests/test_command_specs.py`` checks the Discord tree and
``deploy/slack-manifest.yml`` against it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.commands import parsing as p

ArgKind = Literal["text", "topic", "key", "page", "channel", "mode"]
SETTINGS_ROOT = "claimwatch"


@dataclass(frozen=True)
class Arg:
    """One option: its name on the platforms, the handler's parameter, what it holds.

    ``kind`` says what it is: free ``text``, a ``topic`` or ``key`` (autocompleted),
    a ``page`` number (from 1), a ``channel`` or an alert ``mode``.
    """

    name: str
    help: str = ""
    kind: ArgKind = "text"
    required: bool = True
    default: object = None
    param: str = ""

    @property
    def handler_param(self) -> str:
        return self.param or self.name


@dataclass(frozen=True)
class Group:
    """A sub-group of ``/claimwatch`` (``topic``, ``feed``, ``alias``)."""

    name: str
    description: str
    usage: str


@dataclass(frozen=True)
class CommandSpec:
    """One command.

    ``path`` is the words that name it (``("claimwatch", "topic", "add")``); ``handler``
    the ``Commands`` method it calls; ``summary`` its one-line description; ``usage`` its
    help line; ``parse`` turns the text after its name into the handler's arguments.
    ``admin_only``: only admins may run it. ``private``: its answer is only for the
    caller. ``public_on_success``: a successful answer is shown to the channel on Slack.
    ``working``: the note shown at once because the answer takes a while.
    ``misuse``: the text shown when the words do not fit (default: ``Usage: <usage>``).
    """

    path: tuple[str, ...]
    handler: str
    summary: str
    usage: str
    parse: Callable[[str], p.Parsed]
    args: tuple[Arg, ...] = ()
    admin_only: bool = False
    private: bool = False
    public_on_success: bool = False
    working: str | None = None
    misuse: str | None = None

    @property
    def key(self) -> str:
        """Its name in ``USAGE``: ``claims``, ``topic add``, ``status``."""
        return " ".join(self.path[1:]) if self.path[0] == SETTINGS_ROOT else self.path[0]

    @property
    def root(self) -> str:
        return self.path[0]

    @property
    def misuse_text(self) -> str:
        return self.misuse or "Usage: " + self.usage


_TOPIC = Arg("topic", "The topic", kind="topic")
_OPTIONAL_TOPIC = Arg("topic", "Only for this topic", kind="topic", required=False)
_CHANNEL = Arg("channel", "Channel (default: this one)", kind="channel", required=False)
_FEED_USAGE = "Usage: /claimwatch feed add URL [TOPIC] | list | remove URL|ID"
_ALIAS_ADD = "/claimwatch alias add SOURCE ALIAS [TOPIC] — read ALIAS as SOURCE (admins)"

GROUPS: dict[str, Group] = {
    g.name: g
    for g in (
        Group("topic", "Tracked topics", "Usage: /claimwatch topic add|edit|remove|list"),
        Group("feed", "RSS/Atom feeds", _FEED_USAGE),
        Group("alias", "Source aliases", "Usage: " + _ALIAS_ADD),
    )
}
SETTINGS_DESCRIPTION = "Claimwatch settings (Manage Server)"

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        ("claims",),
        "claims",
        "Latest claim per key and source on a topic",
        "/claims TOPIC [KEY] [SINCE] [--page N] — latest claim per key and source",
        p.parse_claims,
        (
            _TOPIC,
            Arg("key", "Only this key (proposition)", kind="key", required=False),
            Arg("since", "Only since a date (2024-10-20) or a span (24h, 7d)", required=False),
            Arg("page", "Page number (20 keys a page)", kind="page", required=False, default=1),
        ),
    ),
    CommandSpec(
        ("sources",),
        "sources",
        "Who has said what on a topic",
        "/sources TOPIC [--page N] — who has said what on a topic",
        p.parse_sources,
        (
            _TOPIC,
            Arg("page", "Page number (20 sources a page)", kind="page", required=False, default=1),
        ),
    ),
    CommandSpec(
        ("timeline",),
        "timeline",
        "Chart of figures by source over time",
        "/timeline TOPIC [KEY] — chart of figures by source over time",
        p.parse_timeline,
        (_TOPIC, Arg("key", "The key to chart (default: the busiest)", "key", required=False)),
        working="Drawing the chart…",
    ),
    CommandSpec(
        ("submit",),
        "submit",
        "Add an article by hand: a URL or its text",
        "/submit URL|TEXT — add an article by hand",
        p.parse_whole_text,
        (Arg("content", "An http(s) URL, or the article's text"),),
        private=True,
        working="Reading it…",
    ),
    CommandSpec(
        ("claimwatch", "topic", "add"),
        "topic_add",
        "Track a topic",
        "/claimwatch topic add NAME QUERY — track a topic (admins)",
        p.parse_topic_add,
        (
            Arg("name", "Topic name"),
            Arg("query", 'Query: AND, OR, NOT, (…), "phrases", prefix*'),
            Arg("mode", "Default alert mode", kind="mode", required=False, default="instant"),
        ),
        admin_only=True,
    ),
    CommandSpec(
        ("claimwatch", "topic", "edit"),
        "topic_edit",
        "Change a topic's query, name or mode",
        "/claimwatch topic edit NAME [query QUERY] [name NEW_NAME] (admins)",
        p.parse_topic_edit,
        (
            Arg("topic", "The topic", kind="topic", param="name"),
            Arg("query", "New query", required=False),
            Arg("new_name", "New name", required=False),
            Arg("mode", "New default alert mode", kind="mode", required=False),
        ),
        admin_only=True,
    ),
    CommandSpec(
        ("claimwatch", "topic", "remove"),
        "topic_remove",
        "Stop tracking a topic",
        "/claimwatch topic remove NAME (admins)",
        p.parse_topic_name,
        (Arg("topic", kind="topic", param="name"),),
        admin_only=True,
    ),
    CommandSpec(
        ("claimwatch", "topic", "list"),
        "topic_list",
        "The tracked topics",
        "/claimwatch topic list — the tracked topics",
        p.parse_nothing,
    ),
    CommandSpec(
        ("claimwatch", "subscribe"),
        "subscribe",
        "Send a topic's alerts to a channel",
        "/claimwatch subscribe TOPIC [#channel] [instant|digest] (admins)",
        p.parse_subscribe,
        (
            _TOPIC,
            _CHANNEL,
            Arg("mode", "instant or digest", kind="mode", required=False, default="instant"),
        ),
        admin_only=True,
        public_on_success=True,
    ),
    CommandSpec(
        ("claimwatch", "unsubscribe"),
        "unsubscribe",
        "Stop a topic's alerts in a channel",
        "/claimwatch unsubscribe TOPIC [#channel] (admins)",
        p.parse_unsubscribe,
        (_TOPIC, _CHANNEL),
        admin_only=True,
        public_on_success=True,
    ),
    CommandSpec(
        ("claimwatch", "feed", "add"),
        "feed_add",
        "Poll an RSS/Atom feed",
        "/claimwatch feed add URL [TOPIC] — poll an RSS/Atom feed (admins)",
        p.parse_feed_add,
        (Arg("url", "The feed's http(s) URL"), _OPTIONAL_TOPIC),
        admin_only=True,
        misuse=_FEED_USAGE,
    ),
    CommandSpec(
        ("claimwatch", "feed", "list"),
        "feed_list",
        "The polled feeds",
        "/claimwatch feed list",
        p.parse_nothing,
    ),
    CommandSpec(
        ("claimwatch", "feed", "remove"),
        "feed_remove",
        "Stop polling a feed",
        "/claimwatch feed remove URL|ID (admins)",
        p.parse_feed_remove,
        (Arg("feed", "The feed's URL or #ID"),),
        admin_only=True,
        misuse=_FEED_USAGE,
    ),
    CommandSpec(
        ("claimwatch", "alias", "add"),
        "alias_add",
        "Read ALIAS as SOURCE in new articles",
        _ALIAS_ADD,
        p.parse_alias_add,
        (
            Arg("source", "The canonical source"),
            Arg("alias", "Another name for it"),
            Arg("topic", "Only on this topic", kind="topic", required=False),
        ),
        admin_only=True,
    ),
    CommandSpec(
        ("claimwatch", "status"),
        "status",
        "Feeds, lag, failures, paused subscriptions",
        "/claimwatch status — feeds, lag, failures, paused subscriptions",
        p.parse_nothing,
        private=True,
    ),
    CommandSpec(
        ("claimwatch", "help"),
        "help",
        "Claimwatch's commands",
        "/claimwatch help — this list",
        p.parse_nothing,
        private=True,
    ),
)

SPECS: dict[str, CommandSpec] = {spec.key: spec for spec in COMMANDS}
USAGE: dict[str, str] = {spec.key: spec.usage for spec in COMMANDS}
ROOTS: tuple[str, ...] = tuple(dict.fromkeys(spec.root for spec in COMMANDS))
FREE_TEXT = frozenset({"submit"})
