"""Control characters: refused in names with a message naming them, stripped from article text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sanitize import ControlCharacters, check_name, is_control, strip_controls

HOSTILE = [
    ("\x00", "U+0000"),
    ("\x1b[31mred\x1b[0m", "U+001B"),
    ("abc\u202edcba", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("a\u2066b", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("qu\u200bake", "U+200B ZERO WIDTH SPACE"),
    ("line\nbreak", "U+000A"),
    ("\ud800", "U+D800"),
]


@pytest.mark.parametrize(("text", "named"), HOSTILE)
def test_names_with_control_characters_are_refused_by_name(text: str, named: str) -> None:
    with pytest.raises(ControlCharacters) as info:
        check_name(f"topic {text}", "a topic name")
    message = str(info.value)
    position = 7 + next(i for i, ch in enumerate(text) if is_control(ch))
    assert message.startswith("A topic name cannot contain")
    assert named in message and f"at position {position}." in message


@pytest.mark.parametrize(
    "text", ["Quake", "Séisme à Paris", "زلزال", "地震", "👩‍🚒 crews", "a\u200cb"]
)
def test_ordinary_names_pass_unchanged(text: str) -> None:
    assert check_name(text) == text


def test_ansi_sequences_go_whole_and_newlines_stay() -> None:
    text = "Toll \x1b[1;31mrises\x1b[0m\x07 to 40.\nMinistry\u202e says\tso.\u2028Next"
    assert strip_controls(text) == "Toll rises to 40.\nMinistry says\tso.\nNext"
    assert strip_controls("a\nb\tc", keep_newlines=False) == "abc"


@given(st.text())
def test_stripped_text_has_no_control_characters(text: str) -> None:
    cleaned = strip_controls(text)
    assert all(ch in "\t\n\r" or not is_control(ch) for ch in cleaned)
    assert strip_controls(cleaned) == cleaned
    cleaned.encode("utf-8")  # lone surrogates are gone too


@given(st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))))
def test_text_without_controls_is_left_alone(text: str) -> None:
    assert strip_controls(text) == text
    assert check_name(text) == text


@given(st.characters(whitelist_categories=("Cc", "Cf")))
def test_every_control_or_format_character_is_refused(ch: str) -> None:
    if ch in "\u200c\u200d":
        return
    with pytest.raises(ControlCharacters) as info:
        check_name("x" + ch)
    assert f"U+{ord(ch):04X}" in str(info.value)
    assert unicodedata.category(ch) in ("Cc", "Cf")
