"""The lexicon files load, hold no story's names, and a malformed file fails by name."""

from __future__ import annotations

from pathlib import Path

import pytest

import bot.claims.lexicons as lexicons
from bot.claims.lexicons import LexiconError, lexicon


def test_the_lexicon_loads_and_indexes_phrases() -> None:
    lex = lexicon()
    assert lex.countries.lookup("Lebanese") == "Lebanon"
    assert lex.countries.lookup("the DRC") == "Democratic Republic of Congo"
    assert lex.measure_family[("death", "toll")] == "deaths"
    assert lex.stance.match(["declined", "to", "comment", "on"], 0) == ("declined", "to", "comment")
    assert lex.stance_family["declines"] == lex.stance_family["confirms"] == "position"


def test_a_malformed_file_is_refused_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for f in lexicons.LEXICON_DIR.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "cues.toml").write_text('[speech]\nwords = ["Said"]\n', encoding="utf-8")
    monkeypatch.setattr(lexicons, "LEXICON_DIR", tmp_path)
    lexicons.lexicon.cache_clear()
    try:
        with pytest.raises(LexiconError, match=r"cues\.toml"):
            lexicon()
    finally:
        monkeypatch.undo()
        lexicons.lexicon.cache_clear()
    assert lexicon().countries.lookup("Israeli") == "Israel"
