"""Control characters in text that people type or articles carry: found, refused or stripped.

Names (topics, aliases, sources, feed URLs) are *refused* when they hold a
control character, with a message naming the first one; article text and its
metadata are *stripped* of them at ingest. "Control" here means what can hide,
reorder or fake text on a screen or a terminal:

* C0/C1 controls and DEL (NUL, ESC of ANSI escape sequences, BEL …), except
  tab, newline and carriage return in article text;
* Unicode format characters (category Cf): bidirectional overrides and
  isolates such as U+202E, zero-width spaces, tag characters — except the
  zero-width (non-)joiners U+200C/U+200D that scripts and emoji need;
* lone surrogates (they cannot even be encoded as UTF-8) and U+2028/U+2029.
"""

from __future__ import annotations

import re
import unicodedata

KEPT_FORMAT = frozenset({"\u200c", "\u200d"})
KEPT_IN_TEXT = frozenset({"\t", "\n", "\r"})
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


def is_control(ch: str) -> bool:
    """True for a character that can hide or reorder text (see the module docstring)."""
    category = unicodedata.category(ch)
    if category in ("Cc", "Cs", "Zl", "Zp"):
        return True
    return category == "Cf" and ch not in KEPT_FORMAT


def first_control(text: str) -> tuple[int, str] | None:
    """The position and character of the first control character, if any."""
    for i, ch in enumerate(text):
        if is_control(ch):
            return i, ch
    return None


def describe(ch: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``; control characters have no name, so ``U+001B``."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


class ControlCharacters(ValueError):
    """A name holds a control character; ``str()`` tells the user which and where."""


def check_name(text: str, what: str = "a name") -> str:
    """``text`` unchanged, or ``ControlCharacters`` saying what was found and where."""
    found = first_control(text)
    if found is None:
        return text
    pos, ch = found
    raise ControlCharacters(
        f"{what[:1].upper()}{what[1:]} cannot contain control or invisible formatting "
        f"characters; found {describe(ch)} at position {pos + 1}. Type it again without it."
    )


def strip_controls(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` without ANSI escape sequences and control characters.

    Tabs, newlines and carriage returns stay when ``keep_newlines`` (article
    text); U+2028/U+2029 become newlines there.
    """
    if text.isascii() and text.isprintable():
        return text
    text = _ANSI.sub("", text)
    kept = KEPT_IN_TEXT if keep_newlines else frozenset()
    out: list[str] = []
    for ch in text:
        if ch in kept:
            out.append(ch)
        elif ch in "\u2028\u2029" and keep_newlines:
            out.append("\n")
        elif not is_control(ch):
            out.append(ch)
    return "".join(out)
