"""Who a claim comes from: find source mentions in text and canonicalise them.

A canonical source puts the institution first and keeps the speaker as detail:
"Kremlin spokesman Dmitry Peskov" -> ("Russia · Kremlin", "Dmitry Peskov");
"Dutch Defense Minister Ruben Brekelmans" -> ("Netherlands · defence ministry",
"Ruben Brekelmans"); "the country's health ministry" -> ("Health ministry", None).

Admin aliases (lower-case alias -> canonical name) are applied first; then a
built-in table of well-known people and institutions; then country demonyms
combined with institution words; then "Title Name" and "… of the X Department";
a bare name stays the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# Countries: canonical name -> forms that name it (names, demonyms, capitals).
_COUNTRIES: dict[str, tuple[str, ...]] = {
    "Ukraine": ("Ukraine", "Ukrainian", "Kyiv", "Kiev"),
    "Russia": ("Russia", "Russian", "Moscow", "Russian Federation"),
    "United States": (
        "United States", "US", "U.S.", "USA", "America", "American", "Washington",
    ),
    "South Korea": ("South Korea", "South Korean", "Seoul", "Republic of Korea"),
    "North Korea": ("North Korea", "North Korean", "Pyongyang", "DPRK"),
    "Netherlands": ("Netherlands", "Dutch", "the Netherlands", "Holland"),
    "United Kingdom": ("United Kingdom", "UK", "U.K.", "Britain", "British", "London"),
    "Germany": ("Germany", "German", "Berlin"),
    "France": ("France", "French", "Paris"),
    "China": ("China", "Chinese", "Beijing"),
    "Japan": ("Japan", "Japanese", "Tokyo"),
    "Israel": ("Israel", "Israeli"),
    "Iran": ("Iran", "Iranian", "Tehran"),
    "Turkey": ("Turkey", "Türkiye", "Turkish", "Ankara"),
    "India": ("India", "Indian", "New Delhi"),
    "Pakistan": ("Pakistan", "Pakistani", "Islamabad"),
    "Spain": ("Spain", "Spanish", "Madrid"),
    "Italy": ("Italy", "Italian", "Rome"),
    "Poland": ("Poland", "Polish", "Warsaw"),
    "Canada": ("Canada", "Canadian", "Ottawa"),
    "Australia": ("Australia", "Australian", "Canberra"),
    "Brazil": ("Brazil", "Brazilian", "Brasilia"),
    "Mexico": ("Mexico", "Mexican"),
    "Sweden": ("Sweden", "Swedish", "Stockholm"),
    "Norway": ("Norway", "Norwegian", "Oslo"),
    "Finland": ("Finland", "Finnish", "Helsinki"),
    "Denmark": ("Denmark", "Danish", "Copenhagen"),
    "Belgium": ("Belgium", "Belgian", "Brussels"),
    "Switzerland": ("Switzerland", "Swiss", "Bern"),
    "Austria": ("Austria", "Austrian", "Vienna"),
    "Greece": ("Greece", "Greek", "Athens"),
    "Portugal": ("Portugal", "Portuguese", "Lisbon"),
    "Ireland": ("Ireland", "Irish", "Dublin"),
    "Czech Republic": ("Czech Republic", "Czechia", "Czech", "Prague"),
    "Hungary": ("Hungary", "Hungarian", "Budapest"),
    "Romania": ("Romania", "Romanian", "Bucharest"),
    "Belarus": ("Belarus", "Belarusian", "Minsk"),
    "Georgia": ("Georgian", "Tbilisi"),
    "Armenia": ("Armenia", "Armenian", "Yerevan"),
    "Azerbaijan": ("Azerbaijan", "Azerbaijani", "Baku"),
    "Kazakhstan": ("Kazakhstan", "Kazakh"),
    "Afghanistan": ("Afghanistan", "Afghan", "Kabul"),
    "Bangladesh": ("Bangladesh", "Bangladeshi", "Dhaka"),
    "Nepal": ("Nepal", "Nepalese", "Nepali", "Kathmandu"),
    "Myanmar": ("Myanmar", "Burmese"),
    "Thailand": ("Thailand", "Thai", "Bangkok"),
    "Vietnam": ("Vietnam", "Vietnamese", "Hanoi"),
    "Philippines": ("Philippines", "Philippine", "Filipino", "Manila"),
    "Indonesia": ("Indonesia", "Indonesian", "Jakarta"),
    "Malaysia": ("Malaysia", "Malaysian"),
    "Taiwan": ("Taiwan", "Taiwanese", "Taipei"),
    "Syria": ("Syria", "Syrian", "Damascus"),
    "Iraq": ("Iraq", "Iraqi", "Baghdad"),
    "Lebanon": ("Lebanon", "Lebanese", "Beirut"),
    "Jordan": ("Jordanian", "Amman"),
    "Saudi Arabia": ("Saudi Arabia", "Saudi", "Riyadh"),
    "Qatar": ("Qatar", "Qatari", "Doha"),
    "United Arab Emirates": ("United Arab Emirates", "UAE", "Emirati"),
    "Yemen": ("Yemen", "Yemeni"),
    "Egypt": ("Egypt", "Egyptian", "Cairo"),
    "Libya": ("Libya", "Libyan", "Tripoli"),
    "Tunisia": ("Tunisia", "Tunisian"),
    "Algeria": ("Algeria", "Algerian"),
    "Morocco": ("Morocco", "Moroccan", "Rabat"),
    "Sudan": ("Sudan", "Sudanese", "Khartoum"),
    "Ethiopia": ("Ethiopia", "Ethiopian", "Addis Ababa"),
    "Kenya": ("Kenya", "Kenyan", "Nairobi"),
    "Nigeria": ("Nigeria", "Nigerian", "Abuja"),
    "South Africa": ("South Africa", "South African", "Pretoria"),
    "Palestinian territories": ("Palestinian", "Gaza", "Palestine"),
    "Argentina": ("Argentina", "Argentine", "Argentinian", "Buenos Aires"),
    "Chile": ("Chile", "Chilean", "Santiago"),
    "Colombia": ("Colombia", "Colombian", "Bogota"),
    "Peru": ("Peru", "Peruvian", "Lima"),
    "Venezuela": ("Venezuela", "Venezuelan", "Caracas"),
    "Cuba": ("Cuba", "Cuban", "Havana"),
    "Haiti": ("Haiti", "Haitian"),
    "New Zealand": ("New Zealand", "Wellington"),
}  # fmt: skip

# Institution words -> the institution's canonical name (without country).
_INSTITUTIONS: dict[str, tuple[str, ...]] = {
    "military intelligence": (
        "military intelligence", "defence intelligence", "defense intelligence",
    ),
    "intelligence": (
        "intelligence services", "intelligence service", "intelligence agency",
        "national intelligence service", "national intelligence", "intelligence",
        "secret services", "secret service", "spy agency",
    ),
    "defence ministry": (
        "defence ministry", "defense ministry", "ministry of defence", "ministry of defense",
        "defence minister", "defense minister", "defence secretary", "defense secretary",
    ),
    "foreign ministry": (
        "foreign ministry", "ministry of foreign affairs", "foreign minister",
        "vice foreign minister", "deputy foreign minister", "foreign secretary", "foreign office",
    ),
    "health ministry": (
        "health ministry", "ministry of health", "health minister", "health department",
        "health authorities", "health officials", "health secretary",
    ),
    "interior ministry": ("interior ministry", "ministry of interior", "interior minister",
                          "home office", "home secretary"),
    "finance ministry": ("finance ministry", "ministry of finance", "finance minister",
                         "treasury"),
    "police": ("police", "police department", "police spokesperson", "police spokesman"),
    "fire service": ("fire department", "fire service", "fire brigade", "firefighters"),
    "emergency services": (
        "emergency services", "emergency ministry", "emergencies ministry",
        "civil defence", "civil defense", "disaster agency",
        "rescue service", "rescuers",
    ),
    "military": (
        "military source", "military sources", "military", "armed forces", "army",
        "general staff", "defence forces", "defense forces", "navy", "air force",
    ),
    "president": ("president",),
    "government": ("government", "prime minister", "cabinet", "officials", "authorities"),
    "prosecutors": ("prosecutor's office", "prosecutor general", "prosecutors", "prosecutor"),
    "central bank": ("central bank",),
    "statistics office": ("statistics office", "statistics agency", "statistical office",
                          "statistics bureau"),
    "parliament": ("parliament", "lawmakers"),
    "embassy": ("embassy",),
    "governor": ("governor", "governor's office", "regional governor", "provincial governor"),
    "coast guard": ("coast guard", "coastguard"),
    "defense department": ("defense department", "defence department",
                           "department of defense", "department of defence"),
    "border guard": ("border guard", "border guards", "border service"),
    "labour ministry": ("labour ministry", "labor ministry", "ministry of labour",
                        "ministry of labor", "labour minister", "labor minister",
                        "labour department", "labor department"),
    "fisheries ministry": ("fisheries ministry", "fisheries minister", "ministry of fisheries"),
    "economy ministry": ("economy ministry", "economy minister", "ministry of economy",
                         "economic ministry", "economics ministry"),
    "disaster management agency": ("disaster management agency",),
    "presidency": ("presidency", "presidential office", "presidential administration",
                   "presidential spokesman", "presidential spokeswoman",
                   "presidential spokesperson", "presidential aide", "presidential adviser"),
    "mayor": ("mayor", "mayor's office", "city hall"),
}  # fmt: skip

# Well-known people and institutions: form -> (source, detail).
_KNOWN: dict[str, tuple[str, str | None]] = {
    "Vladimir Putin": ("Russia · Kremlin", "Vladimir Putin"),
    "Putin": ("Russia · Kremlin", "Vladimir Putin"),
    "Dmitry Peskov": ("Russia · Kremlin", "Dmitry Peskov"),
    "Dmitri Peskov": ("Russia · Kremlin", "Dmitry Peskov"),
    "Peskov": ("Russia · Kremlin", "Dmitry Peskov"),
    "Kremlin": ("Russia · Kremlin", None),
    "Sergei Lavrov": ("Russia · foreign ministry", "Sergei Lavrov"),
    "Lavrov": ("Russia · foreign ministry", "Sergei Lavrov"),
    "Maria Zakharova": ("Russia · foreign ministry", "Maria Zakharova"),
    "Volodymyr Zelensky": ("Ukraine · president", "Volodymyr Zelensky"),
    "Volodymyr Zelenskyy": ("Ukraine · president", "Volodymyr Zelensky"),
    "Volodymyr Zelenskyi": ("Ukraine · president", "Volodymyr Zelensky"),
    "Zelensky": ("Ukraine · president", "Volodymyr Zelensky"),
    "Zelenskyy": ("Ukraine · president", "Volodymyr Zelensky"),
    "Zelenskyi": ("Ukraine · president", "Volodymyr Zelensky"),
    "Zelenskyj": ("Ukraine · president", "Volodymyr Zelensky"),
    "Zelenskiy": ("Ukraine · president", "Volodymyr Zelensky"),
    "HUR": ("Ukraine · military intelligence", None),
    "GUR": ("Ukraine · military intelligence", None),
    "Kyrylo Budanov": ("Ukraine · military intelligence", "Kyrylo Budanov"),
    "Budanov": ("Ukraine · military intelligence", "Kyrylo Budanov"),
    "Pentagon": ("United States", "Pentagon"),
    "White House": ("United States", "White House"),
    "State Department": ("United States", "State Department"),
    "Lloyd Austin": ("United States", "Lloyd Austin"),
    "John Kirby": ("United States", "John Kirby"),
    "Kirby": ("United States", "John Kirby"),
    "Antony Blinken": ("United States", "Antony Blinken"),
    "Blinken": ("United States", "Antony Blinken"),
    "Joe Biden": ("United States", "Joe Biden"),
    "Biden": ("United States", "Joe Biden"),
    "National Intelligence Service": ("South Korea · intelligence", None),
    "NIS": ("South Korea · intelligence", None),
    "Yoon Suk Yeol": ("South Korea · president", "Yoon Suk Yeol"),
    "Yoon Suk-yeol": ("South Korea · president", "Yoon Suk Yeol"),
    "Yoon Suk-Yeol": ("South Korea · president", "Yoon Suk Yeol"),
    "KCNA": ("North Korea · state media", "KCNA"),
    "Korean Central News Agency": ("North Korea · state media", "KCNA"),
    "Kim Jong Un": ("North Korea · leadership", "Kim Jong Un"),
    "Kim Jong-un": ("North Korea · leadership", "Kim Jong Un"),
    "NATO": ("NATO", None),
    "Mark Rutte": ("NATO", "Mark Rutte"),
    "Rutte": ("NATO", "Mark Rutte"),
    "Jens Stoltenberg": ("NATO", "Jens Stoltenberg"),
    "Stoltenberg": ("NATO", "Jens Stoltenberg"),
    "United Nations": ("United Nations", None),
    "UN": ("United Nations", None),
    "U.N.": ("United Nations", None),
    "UNHCR": ("United Nations · UNHCR", None),
    "UNICEF": ("United Nations · UNICEF", None),
    "OCHA": ("United Nations · OCHA", None),
    "World Health Organization": ("WHO", None),
    "World Health Organisation": ("WHO", None),
    "WHO": ("WHO", None),
    "Red Cross": ("Red Cross", None),
    "ICRC": ("Red Cross", None),
    "Red Crescent": ("Red Crescent", None),
    "European Union": ("European Union", None),
    "European Commission": ("European Union · Commission", None),
    "EU": ("European Union", None),
    "IMF": ("IMF", None),
    "International Monetary Fund": ("IMF", None),
    "World Bank": ("World Bank", None),
    "Amnesty International": ("Amnesty International", None),
    "Human Rights Watch": ("Human Rights Watch", None),
    "Doctors Without Borders": ("MSF", None),
    "MSF": ("MSF", None),
    "CDC": ("United States · CDC", None),
    "Centers for Disease Control": ("United States · CDC", None),
}  # fmt: skip

# Governments that speak through many offices with one voice: keep country level.
COUNTRY_LEVEL = frozenset({"United States"})

NEWS_AGENCIES = frozenset(
    [
        "reuters",
        "ap",
        "afp",
        "tass",
        "ria",
        "bbc",
        "cnn",
        "bloomberg",
        "dpa",
        "xinhua",
        "yonhap",
        "interfax",
        "kyodo",
        "anadolu",
        "efe",
        "ansa",
        "nhk",
        "nbc",
        "cbs",
        "abc",
        "fox",
        "sky",
        "al",
        "jazeera",
        "guardian",
        "nyt",
        "times",
        "post",
    ]
)

_TITLES = (
    "president", "prime minister", "vice president", "minister", "secretary", "spokesperson",
    "spokesman", "spokeswoman", "chief", "general", "gen.", "governor", "mayor", "director",
    "director-general", "director general", "commissioner", "ambassador", "senator",
    "chancellor", "commander", "admiral", "colonel", "col.", "lt.", "captain", "sheriff",
    "inspector", "superintendent", "dr.", "dr", "professor", "prof.", "ceo",
    "chief executive", "chairman", "chairwoman", "chair", "official", "leader", "head",
    "analyst", "expert", "adviser", "advisor", "economist", "researcher", "representative",
    "officer", "coordinator", "manager", "epidemiologist", "doctor", "envoy", "negotiator",
    "secretary-general", "secretary general", "executive", "strategist", "aide",
)  # fmt: skip
_TITLE_MODS = ("deputy", "vice", "senior", "acting", "former", "top", "regional", "chief",
               "assistant", "associate", "lead", "principal", "interim")  # fmt: skip


def _cap_alt(words: tuple[str, ...]) -> str:
    """Alternation matching each word in lower case or with a capital first letter."""
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        parts.append("[" + w[0].upper() + w[0] + "]" + re.escape(w[1:]))
    return "(?:" + "|".join(parts) + ")"


_TITLE_WORDS = _cap_alt(_TITLES)
_TITLE_SEQ = r"(?:" + _cap_alt(_TITLE_MODS) + r"\s+)*" + _TITLE_WORDS + r"(?![\w])"
_LOWER_TITLE_SEQ = (
    r"(?:(?:"
    + "|".join(_TITLE_MODS)
    + r")\s+)*(?:"
    + "|".join(re.escape(t) for t in sorted(_TITLES, key=len, reverse=True))
    + r")(?![\w])"
)
_NAME = (
    r"[A-ZÀ-Þ][a-zà-ÿ]+(?:[-'’][A-Za-zà-ÿ]+)?(?:\s+[A-ZÀ-Þ][a-zà-ÿ]+(?:[-'’][A-Za-zà-ÿ]+)?){0,3}"
)
_ORG_HEAD = (
    r"(?:Department|Ministry|Agency|Service|Office|Council|Commission|Institute|Authority|"
    r"Bureau|Police|Committee|Organization|Organisation|Board|Administration|Centre|Center|"
    r"Brigade|Force|Court|University|Foundation|Union|Association|Federation|Corps|Crescent|"
    r"Cross|Lab|Laboratory|Group|Alliance|International|Watch|Motors|Bank|Fund|Network)"
)


_COUNTRY_OF = {form.lower(): name for name, forms in _COUNTRIES.items() for form in forms}
_COUNTRY_FORMS = {form: name for name, forms in _COUNTRIES.items() for form in forms}
_INST_OF = {form: name for name, forms in _INSTITUTIONS.items() for form in forms}
_KNOWN_LOWER = {k.lower(): v for k, v in _KNOWN.items()}

_PLACE_WORD = r"[A-ZÀ-Þ][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)?"
_MODIFIERS = (
    r"(?:(?:national|top|senior|state|official|own|chief|acting|deputy|former|security|new|"
    r"regional|local|federal|provincial|independent)\s+)*"
)

# "Ocean Watch analyst Tomas Ruiz", "WHO spokesman Tomas Reyes": organisation, title, name.
_ORG_TITLE_NAME_RE = re.compile(
    r"(?<![\w])(?P<org>(?:[A-Z][\w&'’.-]*\s+){0,3}[A-Z][\w&'’.-]*)\s+"
    r"(?P<title>" + _LOWER_TITLE_SEQ + r")\s+(?P<name>" + _NAME + r")"
)
# "agency chief Nermin Aksoy", "union president Rita Haug": the organisation named before
_NOUN_TITLE_NAME_RE = re.compile(
    r"\b(?P<noun>agency|ministry|department|union|company|hospital|group|organisation|"
    r"organization|carmaker|automaker|firm|alliance|presidency|office|bank|lab|charity)\s+"
    r"(?:" + _LOWER_TITLE_SEQ + r")\s+(?P<name>" + _NAME + r")"
)
# "Rita Haug, president of the Allied Autoworkers Union": a person, then the organisation
_NAME_TITLE_OF_ORG_RE = re.compile(
    r"(?P<name>" + _NAME + r"),\s+(?:the\s+|a\s+)?(?:" + _LOWER_TITLE_SEQ + r")\s+(?:of|at)\s+"
    r"(?:the\s+)?(?P<org>(?:[A-Z][\w&'’.-]*\s+){0,4}[A-Z][\w&'’.-]*)"
)
_TITLE_AFTER = re.compile(r"\s+(?:" + _LOWER_TITLE_SEQ + r")\s+(?P<name>" + _NAME + r")")
_NAME_KEEP_FIRST = frozenset(
    ["Western", "Eastern", "Northern", "Southern", "Independent", "Regional", "Local", "State"]
)
_ORG_HEAD_RE = re.compile(r"\b" + _ORG_HEAD + r"\b")
_ORG_RE = re.compile(r"(?<![\w])(?:the\s+)?(?P<org>(?:[A-Z][\w'’-]*\s+){1,4}" + _ORG_HEAD + r")\b")
_DEMONYM_END = re.compile(r"(?:ian|ean|ese|ish|an|i)$")
_NAME_WORD_STOP = frozenset(
    """The A An But And Or So Then This That These Those It He She They We I In On At For From
    With By Of To As If When While After Before Also Now However Meanwhile According Monday
    Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
    July August September October November December Its Our Their His Her Some Many Most All
    Both Each Several Independent Western Eastern Northern Southern Local Regional State
    Government Officials Police Military Authorities Health Labour Labor Defence Defense
    Foreign Interior Finance""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Mention:
    """A source named in a sentence; offsets relative to the sentence text.

    ``inst`` is the institution or organisation key ("coast guard", "ocean watch") that
    lets a later bare mention ("the coast guard said") inherit the country; ``country``
    is the owner when the text names one.
    """

    start: int
    end: int
    source: str
    detail: str | None
    rank: int  # 4 known, 3 country+institution, 2 title+name / org, 1 institution, 0 country
    is_person: bool = False
    inst: str | None = None
    country: str | None = None
    noun: str | None = None  # "agency chief Nermin Aksoy": the organisation is "the agency"
    titled: bool = False  # "chief executive Lars Odegaard": a title, no institution named

    @property
    def is_agency(self) -> bool:
        first = self.source.split(" · ")[0].lower().split()
        return bool(first) and first[0] in NEWS_AGENCIES and self.rank <= 2


def _inst_name(raw: str) -> str:
    low = re.sub(r"\s+", " ", raw.lower())
    return _INST_OF.get(low, low)


def _join(country: str | None, inst: str | None) -> str:
    if country and country in COUNTRY_LEVEL:
        return country
    if country and inst:
        return f"{country} · {inst}"
    if country:
        return country
    assert inst is not None
    return inst[:1].upper() + inst[1:]


join_source = _join


def _clean_name(name: str | None) -> str | None:
    if not name:
        return None
    words = name.split()
    while words and words[-1] in _NAME_WORD_STOP:
        words.pop()
    while words and words[0] in _NAME_WORD_STOP:
        words.pop(0)
    return " ".join(words) or None


def place_names(text: str) -> frozenset[str]:
    """Capitalised words an article uses as owners ("Selvik's"): its places and countries."""
    return frozenset(m.group(1) for m in _POSSESSIVE.finditer(text)) - _NAME_WORD_STOP


_POSSESSIVE = re.compile(r"(?<![\w.])(" + _PLACE_WORD + r")['’]s\b")


def country_of(
    word: str, possessive: bool = False, places: frozenset[str] = frozenset()
) -> str | None:
    """The country (or place) a word before an institution names, or ``None``.

    Known names and demonyms come from the table; otherwise a possessive proper noun
    ("Selvik's") names itself, and a demonym ("Ardenian") is traced to a place the
    article names ("Ardenia") or to its ``-ia`` stem.
    """
    words = re.sub(r"\s+", " ", word.strip()).split(" ")
    while words and (words[0] in _NAME_WORD_STOP or words[0] == "the"):
        words.pop(0)
    if not words:
        return None
    w = " ".join(words)
    if w in _COUNTRY_FORMS:
        return _COUNTRY_FORMS[w]
    first = w.split()[0]
    if first in _NAME_WORD_STOP or w in _KNOWN or first.lower() in _TITLE_SET:
        return None
    if possessive:
        return w
    if " " in w:
        return w if w in places else None
    if w in places:
        return w
    if _DEMONYM_END.search(w) and len(w) > 5:
        for cut in (1, 3, 2, 4):
            stem = w[:-cut]
            if stem in places:
                return stem
            if stem + "a" in places:
                return stem + "a"
        if w.endswith("ian"):
            return w[:-1]
    return None


_TITLE_SET = frozenset(t.split()[0] for t in _TITLES) | frozenset(_TITLE_MODS)


class _Phrases:
    """Longest-first phrase lookup keyed by first word (far faster than one big regex)."""

    def __init__(self, phrases: Iterable[str], *, lower: bool) -> None:
        self.lower = lower
        self.by_first: dict[str, list[str]] = {}
        for p in phrases:
            key = p.lower() if lower else p
            first = _FIRST_WORD.match(key)
            if first is not None:
                self.by_first.setdefault(first.group(), []).append(key)
        for cands in self.by_first.values():
            cands.sort(key=len, reverse=True)

    def at(self, hay: str, start: int, word: str) -> int:
        """End of the longest phrase starting at ``start`` (whose first word is ``word``)."""
        cands = self.by_first.get(word)
        if not cands:
            return -1
        n = len(hay)
        for p in cands:
            if hay.startswith(p, start):
                e = start + len(p)
                if e < n and (hay[e].isalnum() or hay[e] == "_"):
                    continue
                return e
        return -1


_FIRST_WORD = re.compile(r"[^\W_]+")
_MINISTRY_WORDS = frozenset(["ministry", "minister"])
_CAP_WORD = re.compile(r"(?<![\w.])[A-ZÀ-Þ][^\W_]*")
_KNOWN_PHRASES = _Phrases(_KNOWN, lower=False)
_COUNTRY_PHRASES = _Phrases(_COUNTRY_FORMS, lower=False)
_INST_PHRASES = _Phrases(_INST_OF, lower=True)
_TITLE_PHRASES = _Phrases(_TITLES, lower=True)
_GM_SKIP = frozenset(
    [
        "the",
        "a",
        "an",
        "deputy",
        "vice",
        "prime",
        "former",
        "acting",
        "junior",
        "senior",
        "chief",
        "state",
        "his",
        "her",
        "its",
        "their",
        "our",
        "new",
        "top",
        "foreign",
    ]
)
_AFTER_INST = re.compile(
    r",?\s+(?:(?P<title>" + _TITLE_SEQ + r")\s+)?(?P<name>" + _NAME + r"|[A-Z]{2,6}\b)"
)
_NAME_AFTER_TITLE = re.compile(
    r"\s+(?P<name>" + _NAME + r")"
    r"(?:,?\s+of\s+the\s+(?P<org>(?:[A-Z][\w'’-]*\s+){0,4}" + _ORG_HEAD + r"))?"
)
_OWNER_BEFORE = re.compile(
    r"(?<![\w.])(?P<country>(?:[A-ZÀ-Þ][\w.'’-]*\s+){0,2}[A-ZÀ-Þ][\w.-]*"
    r"(?:\s+(?:province|state|region|county|city))?)"
    r"(?P<poss>['’]s)?\s+" + _MODIFIERS + r"$"
)


def _owner_before(text: str, start: int, places: frozenset[str]) -> tuple[int, str] | None:
    """The country owning an institution that starts at ``start``: (offset, country)."""
    c = _OWNER_BEFORE.search(text, max(0, start - 60), start)
    if c is None:
        return None
    words = c.group("country").split()
    poss = bool(c.group("poss"))
    offset = c.start("country")
    for k in range(len(words)):
        cand = " ".join(words[k:])
        if cand in _COUNTRY_FORMS:
            return offset + len(" ".join(words[:k])) + (1 if k else 0), _COUNTRY_FORMS[cand]
    for k in range(len(words)):
        cand = " ".join(words[k:])
        country = country_of(cand, poss, places)
        if country is not None:
            return offset + len(" ".join(words[:k])) + (1 if k else 0), country
    return None


_LOWER_FIRSTS = (
    frozenset(_INST_PHRASES.by_first) | frozenset(_TITLE_PHRASES.by_first) | _MINISTRY_WORDS
)


def _scan(
    text: str,
) -> tuple[
    list[tuple[int, int]], list[tuple[int, int, str]], list[tuple[int, int]], list[tuple[int, int]]
]:
    """One pass over the words: known names, institutions, countries, titles."""
    low = text.lower()
    same = len(low) == len(text)
    known: list[tuple[int, int]] = []
    insts: list[tuple[int, int, str]] = []
    countries: list[tuple[int, int]] = []
    titles: list[tuple[int, int]] = []
    block_k = block_i = block_c = 0
    known_first = _KNOWN_PHRASES.by_first
    country_first = _COUNTRY_PHRASES.by_first
    inst_first = _INST_PHRASES.by_first
    title_first = _TITLE_PHRASES.by_first
    for m in _CAP_WORD.finditer(text):
        s, w = m.start(), m.group()
        if s >= block_k and w in known_first:
            e = _KNOWN_PHRASES.at(text, s, w)
            if e > 0:
                known.append((s, e))
                block_k = e
        if s >= block_c and w in country_first:
            e = _COUNTRY_PHRASES.at(text, s, w)
            if e > 0:
                countries.append((s, e))
                block_c = e
    if not same or _LOWER_FIRSTS.isdisjoint(_FIRST_WORD.findall(low)):
        return known, insts, countries, titles
    prev: re.Match[str] | None = None
    for m in _FIRST_WORD.finditer(low):
        s, wl = m.start(), m.group()
        if s >= block_i and (wl in inst_first or wl in _MINISTRY_WORDS):
            e = _INST_PHRASES.at(low, s, wl)
            if e > 0:
                insts.append((s, e, low[s:e]))
                block_i = e
            elif (
                wl in _MINISTRY_WORDS
                and prev is not None
                and prev.end() + 1 == s
                and len(prev.group()) >= 3
                and prev.group().isalpha()
                and prev.group() not in _GM_SKIP
                and prev.start() >= block_i
            ):
                insts.append((prev.start(), m.end(), prev.group() + " ministry"))
                block_i = m.end()
        if wl in title_first:
            e = _TITLE_PHRASES.at(low, s, wl)
            if e > 0:
                titles.append((s, e))
        prev = m
    return known, insts, countries, titles


def find_mentions(
    text: str, places: frozenset[str] = frozenset(), extra: Sequence[Mention] = ()
) -> list[Mention]:
    """Source mentions in ``text``, longest/most specific first where they overlap.

    ``places`` (from ``place_names`` over the whole article) lets an unknown country's
    demonym or bare name own an institution.
    """
    found: list[Mention] = list(extra)
    known, insts, countries, titles = _scan(text)
    for s, e in known:
        source, detail = _KNOWN[text[s:e]]
        if detail is None:
            t = _TITLE_AFTER.match(text, e)
            if t is not None and _clean_name(t.group("name")):
                detail, e = _clean_name(t.group("name")), t.end()
        found.append(Mention(s, e, source, detail, 4, detail is not None, source.lower()))
    for s, e, phrase in insts:
        inst = (
            phrase
            if phrase.endswith(" ministry") and phrase not in _INST_OF
            else _inst_name(phrase)
        )
        name = None
        t = _AFTER_INST.match(text, e)
        if t is not None:
            name = _clean_name(t.group("name"))
            if name is not None:
                e = t.end()
        owner = _owner_before(text, s, places)
        if owner is None:
            found.append(Mention(s, e, _join(None, inst), name, 1, name is not None, inst))
            continue
        start, country = owner
        found.append(
            Mention(start, e, _join(country, inst), name, 3, name is not None, inst, country)
        )
    for s, e in titles:
        t = _NAME_AFTER_TITLE.match(text, e)
        if t is None:
            continue
        name = _clean_name(t.group("name"))
        if not name:
            continue
        org = t.group("org")
        if org:
            found.append(Mention(s, t.end(), org.strip(), name, 2, True, org.lower()))
        else:
            found.append(Mention(t.start("name"), t.end("name"), name, None, 1, True, titled=True))
    if titles:
        for m in _ORG_TITLE_NAME_RE.finditer(text):
            org = _clean_name(m.group("org"))
            name = _clean_name(m.group("name"))
            if (
                not org
                or not name
                or org.split()[-1] in _NAME_WORD_STOP
                or org.split()[-1].lower() in _TITLE_SET
            ):
                continue
            country = country_of(org, False, places) if len(org.split()) == 1 else None
            if org in _KNOWN:
                continue
            if country is not None:
                found.append(Mention(m.start(), m.end(), country, name, 2, True, None, country))
            elif org.lower() not in _INST_OF and not is_country_word(org):
                found.append(Mention(m.start(), m.end(), org, name, 2, True, org.lower()))
    for m in _ORG_RE.finditer(text) if _ORG_HEAD_RE.search(text) else ():
        org = _clean_name(m.group("org"))
        raw_words = m.group("org").split()
        if raw_words[0] in ("The", "the"):
            raw_words = raw_words[1:]
        if (
            (org is None or len(org.split()) < 2)
            and len(raw_words) >= 2
            and raw_words[0] in _NAME_KEEP_FIRST
        ):
            org = " ".join(raw_words)  # "the Northern Alliance": a name, not a description
        if org and len(org.split()) >= 2:
            end = m.end()
            detail = None
            t = _TITLE_AFTER.match(text, end)
            if t is not None and _clean_name(t.group("name")):
                detail, end = _clean_name(t.group("name")), t.end()
            found.append(
                Mention(m.start("org"), end, org, detail, 2, detail is not None, org.lower())
            )
    for s, e in countries:
        found.append(Mention(s, e, _COUNTRY_FORMS[text[s:e]], None, 0))
    for m in _NAME_TITLE_OF_ORG_RE.finditer(text) if titles else ():
        name, org = _clean_name(m.group("name")), _clean_name(m.group("org").rstrip("."))
        if not name or not org or org in _KNOWN or is_country_word(org):
            continue
        if org.lower() in _INST_OF or (len(org.split()) < 2 and not org.isupper()):
            continue  # "president of Zubria": the country's, left to other rules
        found.append(Mention(m.start(), m.end(), org, name, 2, True, org.lower()))
    for m in _NOUN_TITLE_NAME_RE.finditer(text) if titles else ():
        name = _clean_name(m.group("name"))
        if name:
            found.append(
                Mention(m.start(), m.end(), name, name, 1, True, None, None, m.group("noun"))
            )
    return _merge(found, places)


def _merge(found: list[Mention], places: frozenset[str] = frozenset()) -> list[Mention]:
    """Keep the best of overlapping mentions; fold a person into the institution before it."""
    found.sort(key=lambda x: (x.start, -(x.end - x.start), -x.rank))
    kept: list[Mention] = []
    for m in found:
        overlapping = [k for k in kept if m.start < k.end and k.start < m.end]
        if not overlapping:
            kept.append(m)
            continue
        k = overlapping[-1]
        better = _better(k, m, places)
        if better is not k:
            kept[kept.index(k)] = better
    kept.sort(key=lambda x: x.start)
    return kept


def _better(a: Mention, b: Mention, places: frozenset[str] = frozenset()) -> Mention:
    """Combine two overlapping mentions into one: widest span, best source, a person's name."""
    start, end = min(a.start, b.start), max(a.end, b.end)
    best = a if (a.rank, a.end - a.start) >= (b.rank, b.end - b.start) else b
    other = b if best is a else a
    source = best.source
    inst, country = best.inst, best.country
    # a generic "Health ministry" loses to a country-qualified one and vice versa
    detail = best.detail or other.detail
    if best.rank == 1 and best.is_person and other.rank >= 3:
        source, inst, country = other.source, other.inst, other.country
    if best.rank == 4 and best.source == best.detail and other.rank >= 3:
        source, inst, country = other.source, other.inst, other.country
    if other.rank == 4 and best.rank == 3 and other.detail is not None:
        # "Ukrainian President Volodymyr Zelensky": the known person wins
        source, detail, inst, country = other.source, other.detail, other.inst, None
    title_only = best.noun is not None and other.rank == 1 and other.country is None
    if title_only:
        other = Mention(other.start, other.end, other.source, other.detail, 0, other.is_person)
    if best.rank == 1 and best.inst is None and other.inst is not None and other.rank >= 1:
        # "commander Ines Vald" inside "coast guard commander Ines Vald"; but in "union
        # president Rita Haug" the union speaks, "president" is only her title
        source, inst, country = other.source, other.inst, other.country
    is_person = a.is_person or b.is_person
    if (
        best.rank == 4
        and best.detail is None
        and other.rank == 2
        and other.detail is None
        and other.start <= best.start
        and other.end >= best.end
        and other.source.endswith(" " + best.source)
        and other.source[: -len(best.source)].strip() in (places | _COUNTRY_FORMS.keys())
    ):
        # "the Taleria Red Crescent": the local society, not the movement
        return Mention(start, end, other.source, None, 2, False, other.inst)
    return Mention(
        start,
        end,
        source,
        detail,
        max(a.rank, b.rank),
        is_person,
        inst or other.inst,
        country or (other.country if (inst or other.inst) == other.inst else None),
        a.noun or b.noun,
        (a.titled or b.titled) and not (inst or other.inst),
    )


def apply_aliases(
    source: str, detail: str | None, aliases: Mapping[str, str] | None
) -> tuple[str, str | None]:
    """Apply admin aliases (lower-case alias -> canonical) to a source or its speaker."""
    if not aliases:
        return source, detail
    if detail and detail.lower() in aliases:
        return aliases[detail.lower()], detail
    if source.lower() in aliases:
        return aliases[source.lower()], detail
    return source, detail


def canonical_source(name: str, aliases: Mapping[str, str] | None = None) -> tuple[str, str | None]:
    """Canonicalise a free-text source name into (source, speaker detail).

    >>> canonical_source("Kremlin spokesman Dmitry Peskov")
    ('Russia · Kremlin', 'Dmitry Peskov')
    """
    text = re.sub(r"\s+", " ", name).strip()
    if aliases and text.lower() in aliases:
        return aliases[text.lower()], None
    if text.lower() in _KNOWN_LOWER:
        return apply_aliases(*_KNOWN_LOWER[text.lower()], aliases)
    mentions = find_mentions(text)
    if mentions:
        best = max(mentions, key=lambda m: (m.rank, m.end - m.start))
        return apply_aliases(best.source, best.detail, aliases)
    return apply_aliases(text, None, aliases)


def bare_name_before(text: str, end: int) -> tuple[int, str] | None:
    """A capitalised name ending right at ``end`` ("… Maria Lopez said"): (start, name)."""
    offset = max(0, end - 80)
    m = _NAME_AT_END.search(text, offset, end)
    if not m:
        return None
    name = _clean_name(m.group(1))
    if not name:
        return None
    return m.start(1), name


_NAME_AT_END = re.compile(r"((?:" + _NAME + r"\s+&\s+)?" + _NAME + r"|(?<![\w.])[A-Z]{2,6})\s*$")


def is_country_word(word: str) -> bool:
    """True for a country name or demonym ("Russian", "Ukraine")."""
    return word.lower() in _COUNTRY_OF
