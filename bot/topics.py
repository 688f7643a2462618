"""Topic queries: the search-box syntax (AND, OR, NOT, parentheses, "phrases", prefix*).

``parse_query`` turns a query into a small tree with a real parser (lark) and
reports the character position of a syntax error; ``TopicQuery.matches``
tests a text case- and accent-insensitively on word boundaries. Adjacent terms
without an operator are ANDed, as in most search boxes; ``-term`` is NOT term.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Transformer, UnexpectedInput

GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: not_expr (_AND? not_expr)*
?not_expr: _NOT not_expr -> negate
         | atom
?atom: PHRASE -> phrase
     | WORD -> word
     | "(" or_expr ")"

_OR.3: /(?i:or)(?![^\s()"])/ | "|"
_AND.3: /(?i:and)(?![^\s()"])/ | "&"
_NOT.3: /(?i:not)(?![^\s()"])/ | "-"
PHRASE: /"[^"]*"/
WORD: /[^\s()"\-|&][^\s()"]*/
%import common.WS
%ignore WS
"""

_PARSER = Lark(GRAMMAR, parser="lalr", lexer="basic")
_WORD_RE = re.compile(r"\w+(?:\*)?", re.UNICODE)


class QueryError(ValueError):
    """A query that does not parse; ``position`` is the 0-based character offset."""

    def __init__(self, message: str, position: int, query: str) -> None:
        self.position = position
        self.query = query
        pointer = query + "\n" + " " * position + "^"
        super().__init__(f"{message} at position {position + 1}:\n{pointer}")
        self.short = f"{message} at position {position + 1}"


def fold(text: str) -> str:
    """Lower-case and strip accents: 'Zelenskyy’s Ñandú' -> 'zelenskyy’s nandu'."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def haystack(text: str) -> str:
    """The folded words of a text, space separated: what queries match against."""
    return " ".join(words(text))


@dataclass(frozen=True)
class Node:
    op: str  # "and", "or", "not", "term"
    children: tuple[Node, ...] = ()
    pattern: re.Pattern[str] | None = None
    text: str = ""

    def evaluate(self, haystack: str) -> bool:
        if self.op == "term":
            assert self.pattern is not None
            return self.pattern.search(haystack) is not None
        if self.op == "not":
            return not self.children[0].evaluate(haystack)
        if self.op == "and":
            return all(c.evaluate(haystack) for c in self.children)
        return any(c.evaluate(haystack) for c in self.children)

    def positive_terms(self, negated: bool = False) -> list[str]:
        if self.op == "term":
            return [] if negated else [self.text]
        if self.op == "not":
            return self.children[0].positive_terms(not negated)
        out: list[str] = []
        for c in self.children:
            out.extend(c.positive_terms(negated))
        return out


def _term_node(raw: str) -> Node | None:
    prefix = raw.endswith("*")
    parts = words(raw)
    if not parts:
        return None
    body = r"\s".join(re.escape(p) for p in parts)
    tail = r"\w*" if prefix else ""
    pattern = re.compile(rf"(?<!\w){body}{tail}(?!\w)")
    return Node("term", pattern=pattern, text=" ".join(parts) + ("*" if prefix else ""))


class _ToNodes(Transformer[Token, Node | None]):
    def word(self, items: list[Token]) -> Node | None:
        return _term_node(str(items[0]))

    def phrase(self, items: list[Token]) -> Node | None:
        return _term_node(str(items[0])[1:-1])

    def negate(self, items: list[Node | None]) -> Node | None:
        return None if items[0] is None else Node("not", (items[0],))

    def _combine(self, op: str, items: list[Node | None]) -> Node | None:
        kids = tuple(i for i in items if i is not None)
        if not kids:
            return None
        return kids[0] if len(kids) == 1 else Node(op, kids)

    def and_expr(self, items: list[Node | None]) -> Node | None:
        return self._combine("and", items)

    def or_expr(self, items: list[Node | None]) -> Node | None:
        return self._combine("or", items)


@dataclass(frozen=True)
class TopicQuery:
    source: str
    root: Node

    def matches(self, text: str) -> bool:
        return self.root.evaluate(haystack(text))

    def matches_haystack(self, folded: str) -> bool:
        """Match against ``haystack(text)``, computed once for many topics."""
        return self.root.evaluate(folded)

    @property
    def terms(self) -> list[str]:
        """Words and phrases the topic is about (not those under NOT)."""
        seen: dict[str, None] = {}
        for t in self.root.positive_terms():
            seen.setdefault(t, None)
        return list(seen)


def parse_query(query: str) -> TopicQuery:
    """Parse a topic query or raise ``QueryError`` with the position of the problem."""
    return _parse_cached(query)


@lru_cache(maxsize=512)
def _parse_cached(query: str) -> TopicQuery:
    if not query.strip():
        raise QueryError("The query is empty", 0, query)
    if query.count('"') % 2:
        raise QueryError("Unclosed quotation mark", query.rfind('"'), query)
    try:
        tree = _PARSER.parse(query)
    except UnexpectedInput as exc:
        pos = getattr(exc, "pos_in_stream", None)
        if pos is None or pos < 0:
            pos = len(query)
        token = getattr(exc, "token", None)
        if token is not None and getattr(token, "type", "") == "$END":
            raise QueryError("The query ends too early", len(query), query) from None
        snippet = query[pos : pos + 12].split()[0] if query[pos:].strip() else "end"
        raise QueryError(f"Unexpected '{snippet}'", pos, query) from None
    root = tree if isinstance(tree, Node) else _ToNodes().transform(tree)
    if isinstance(root, Token):
        root = _term_node(str(root))
    if root is None:
        raise QueryError("The query has no words to match", 0, query)
    return TopicQuery(query, root)


def slugify(name: str) -> str:
    slug = "-".join(words(name))
    return slug[:80] or "topic"


@dataclass(frozen=True)
class TopicFile:
    """A topic as written in a TOML file (``name``, ``query``, optional ``[aliases]``)."""

    name: str
    query: str
    aliases: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> TopicFile:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        try:
            name, query = str(data["name"]), str(data["query"])
        except KeyError as exc:
            raise ValueError(f"{path}: missing '{exc.args[0]}'") from None
        parse_query(query)
        aliases = {str(k): str(v) for k, v in dict(data.get("aliases", {})).items()}
        return cls(name=name, query=query, aliases=aliases)
