"""What a quantity measures: the noun it counts, merged into a family across wordings.

``measure_of`` looks at the words after a quantity ("51 people were killed",
"8.5 million Windows devices", "$5 billion in losses"), then before it ("the
death toll rose to 95", "a vote of 94.6 percent", "losses of $5.4 billion"),
and names the measured thing. Families in ``lexicon/measures.toml`` merge
wordings ("killed", "dead", "fatalities", "toll" are all ``deaths``); a noun
not in any family is its own measure, so the vocabulary stays open. A bare
total ("the new total of 1,644") is marked generic for the context to settle.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.claims.lexicons import Lexicon, lexicon
from bot.claims.quantities import COUNT, PERCENT, TIME, Quantity
from bot.claims.view import SentenceView

_LEFT_STOPS = frozenset([",", ";", ":", "(", ")", "—", "–", '"', "“", "”"])
_RIGHT_WINDOW = 4
_LEFT_WINDOW = 8


@dataclass(frozen=True)
class Measure:
    """The measured thing: family name, the words that named it, and whether it is generic."""

    family: str
    words: str
    generic: bool = False


def plural_of(word: str) -> str:
    """ "road" -> "roads", "facility" -> "facilities": how an open measure is shown."""
    if word.endswith("s") or word.endswith("ed") or not word.isalpha():
        return word
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("ch", "sh", "x")):
        return word + "es"
    return word + "s"


def singular(word: str) -> str:
    """ "injuries" -> "injury", "devices" -> "device"; other words unchanged."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _family(lex: Lexicon, words: list[str], i: int) -> tuple[str, int] | None:
    """The measure family named at ``words[i]`` (a phrase or word), and its length."""
    phrase = lex.measure.match(words, i)
    if phrase is not None:
        return lex.measure_family[phrase], len(phrase)
    return None


def _modifies_noun(view: SentenceView, j: int, lex: Lexicon) -> bool:
    """ "suspected cases", "confirmed deaths": a participle before the noun it qualifies."""
    k = j + 1
    if k >= len(view.words) or view.tokens[k].kind != "word":
        return False
    nxt = view.words[k]
    return nxt not in lex.stopwords and nxt not in lex.measure_stops and not nxt.endswith("ly")


def _right(view: SentenceView, q: Quantity, lex: Lexicon) -> Measure | None:
    words = view.words
    n = len(words)
    j = q.last + 1
    if j < n and words[j] == "of" and q.unit == PERCENT:
        j += 1
        while j < n and words[j] in ("the", "its", "their", "his", "her", "all"):
            j += 1
    if q.is_money and j < n and words[j] == "in":
        j += 1
    while j < n and words[j] in lex.comparatives:
        j += 1  # "12% less fish", "500 additional troops"
    run: list[int] = []
    while j < n and len(run) < _RIGHT_WINDOW:
        w = words[j]
        if view.tokens[j].kind != "word" or w in lex.measure_stops or w in lex.stopwords:
            break
        if (
            w.endswith(("ing", "ed"))
            and lex.measure.match(words, j) is None
            and not _modifies_noun(view, j, lex)
        ):
            break
        run.append(j)
        j += 1
    for k in run:
        fam = _family(lex, words, k)
        if fam is not None:
            head_is_people = lex.people.match(words, k) is not None
            if not head_is_people:
                return Measure(fam[0], " ".join(words[run[0] : k + fam[1]]))
    people = [k for k in run if lex.people.match(words, k) is not None]
    if people or (not run and q.unit == COUNT):
        # "51 people were killed", "300 were missing": the outcome names the measure
        k = (run[-1] + 1) if run else q.last + 1
        steps = 0
        while k < n and steps < 4 and (words[k] in lex.outcome_filler or words[k].endswith("ly")):
            k += 1
            steps += 1
        if k < n:
            fam = _family(lex, words, k)
            if fam is not None:
                return Measure(fam[0], " ".join(words[(run[0] if run else k) : k + fam[1]]))
            if not people and words[k].endswith("ed") and view.tokens[k].kind == "word":
                return Measure(words[k], words[k])  # "195 have been identified"
        if people:
            return Measure("people", words[people[0]])
        return None
    if run:
        plural = [
            k for k in run if words[k].endswith("s") and len(words[k]) > 3 and "'" not in words[k]
        ]
        head = plural[-1] if plural else run[0]
        if words[head] in lex.generic_totals:
            return Measure("", words[head], generic=True)
        return Measure(plural_of(singular(words[head])), " ".join(words[run[0] : head + 1]))
    return None


def _left(
    view: SentenceView, q: Quantity, lex: Lexicon, window: int = _LEFT_WINDOW
) -> Measure | None:
    words = view.words
    lo = max(0, q.first - window)
    for k in range(q.first - 1, lo - 1, -1):
        if words[k] in _LEFT_STOPS:
            break
        fam = _family(lex, words, k)
        if fam is not None and fam[0] != "duration":
            if q.is_money and fam[0] not in lex.money_families:
                continue  # "89 missing … €10.6 billion in aid": the money is not the missing
            return Measure(fam[0], " ".join(words[k : k + fam[1]]))
        if words[k] in lex.generic_totals:
            return Measure("", words[k], generic=True)
    return None


def _subject_noun(view: SentenceView, q: Quantity, lex: Lexicon) -> Measure | None:
    """ "Annual inflation jumped to 4.1 percent": the noun before the verb that links it."""
    words = view.words
    k = q.first - 1
    steps = 0
    while k >= 0 and steps < 4 and words[k] in lex.change_verbs:
        k -= 1
        steps += 1
    if steps == 0:
        return None
    while k >= 0 and steps < 10 and (words[k] in lex.stopwords or view.tokens[k].kind != "word"):
        if words[k] in _LEFT_STOPS:
            return None
        k -= 1
        steps += 1
    while k > 1 and view.tokens[k].text[:1].isupper() and words[k - 1] in ("in", "of", "for", "at"):
        k -= 2  # "inflation in Norvia rose"
    if k < 0 or (view.tokens[k].text[:1].isupper() and k > 0):
        return None
    w = words[k]
    if w in lex.generic_totals:
        return Measure("", w, generic=True)
    fam = _family(lex, words, k)
    if fam is not None:
        return Measure(fam[0], w)
    if w.endswith(("ed", "ing", "ly")) or w in lex.speech:
        return None
    return Measure(singular(w), w)


def _clock_subject(view: SentenceView, q: Quantity, lex: Lexicon) -> Measure | None:
    """ "the alert was sent at 20:12": the noun a time of day is the time of."""
    words = view.words
    for k in range(q.first - 1, max(-1, q.first - 9), -1):
        w = words[k]
        if w in _LEFT_STOPS:
            return None
        if view.tokens[k].kind != "word" or w in lex.stopwords or w in lex.change_verbs:
            continue
        if w.endswith(("ed", "ing", "ly")) or view.tokens[k].text[:1].isupper():
            continue
        return Measure(singular(w), w)
    return None


def measure_of(view: SentenceView, q: Quantity, lex: Lexicon | None = None) -> Measure | None:
    """The measured thing of quantity ``q`` in ``view``; ``None`` when nothing names it."""
    lex = lex or lexicon()
    if q.unit == TIME:
        return _left(view, q, lex) or _clock_subject(view, q, lex) or Measure("time", "time")
    right = _right(view, q, lex)
    if right is not None and right.family == "people":
        left = _left(view, q, lex, window=3)
        if left is not None and not left.generic:
            return left  # "killed at least 12 people"
    if (
        right is not None
        and not right.generic
        and (right.family != "people" or q.unit == COUNT)
        and (q.unit == COUNT or right.family in lex.families)
    ):
        return right
    left = _left(view, q, lex)
    if left is not None and not left.generic:
        return left
    if right is not None and not right.generic:
        return right
    return _subject_noun(view, q, lex) or left or right
