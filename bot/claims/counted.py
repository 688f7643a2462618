"""What a figure counts: counted nouns normalised to a class ("troops", "deaths"...).

The class word is also the unit shown with the figure. Nouns outside the
built-in table become their own class (plural form) only when the topic itself
names them, so "two countries" is not a count unless a topic counts countries.
"""

from __future__ import annotations

_CLASS_WORDS: dict[str, tuple[str, ...]] = {
    "troops": [
        "soldiers",
        "soldier",
        "troops",
        "troop",
        "personnel",
        "servicemen",
        "servicemembers",
        "military",
        "fighters",
        "mercenaries",
        "recruits",
        "conscripts",
        "reservists",
        "marines",
        "paratroopers",
        "commandos",
        "forces",
    ],
    "deaths": ["dead", "deaths", "death", "killed", "fatalities", "bodies", "lives", "died"],
    "injured": ["injured", "wounded", "injuries", "hurt"],
    "casualties": ["casualties"],
    "missing": ["missing", "unaccounted"],
    "cases": ["cases", "infections", "infected"],
    "hospitalised": [
        "hospitalised",
        "hospitalized",
        "hospitalisations",
        "hospitalizations",
        "hospitalization",
        "hospitalisation",
    ],
    "jobs": ["jobs", "job", "layoffs", "redundancies", "positions"],
    "workers": ["workers", "employees", "staff", "staffers"],
    "strikers": ["strikers"],
    "protesters": ["protesters", "demonstrators", "marchers", "protestors"],
    "displaced": ["displaced", "evacuated", "evacuees", "refugees", "homeless"],
    "arrests": ["arrests", "arrested", "detained", "detainees"],
    "captured": ["captured", "prisoners", "pows", "captives"],
    "hostages": ["hostages"],
    "people": [
        "people",
        "persons",
        "residents",
        "civilians",
        "individuals",
        "inhabitants",
        "children",
        "adults",
        "patients",
        "passengers",
        "migrants",
        "victims",
    ],
    "buildings": ["homes", "houses", "buildings", "structures", "dwellings"],
}

WORD_CLASS: dict[str, str] = {w: cls for cls, words in _CLASS_WORDS.items() for w in words}

# Phrases read before a figure ("the death toll rose to 212", "a unit of about 3,000").
LOOKBACK_CLASS: dict[str, str] = {
    **WORD_CLASS,
    "toll": "deaths",
    "unit": "troops",
    "units": "troops",
    "contingent": "troops",
    "force": "troops",
    "battalion": "troops",
    "brigade": "troops",
    "division": "troops",
}

# "12 people killed", "killed 12 people": outcome words refine who-is-counted classes.
OUTCOME_CLASS: dict[str, str] = {
    "killed": "deaths",
    "killing": "deaths",
    "kills": "deaths",
    "dead": "deaths",
    "died": "deaths",
    "die": "deaths",
    "dying": "deaths",
    "perished": "deaths",
    "injured": "injured",
    "injuring": "injured",
    "wounded": "injured",
    "wounding": "injured",
    "hurt": "injured",
    "missing": "missing",
    "evacuated": "displaced",
    "displaced": "displaced",
    "displacing": "displaced",
    "arrested": "arrests",
    "detained": "arrests",
    "captured": "captured",
    "infected": "cases",
    "hospitalised": "hospitalised",
    "hospitalized": "hospitalised",
}

REFINABLE = frozenset({"people", "troops"})

# Nouns that never make a counted quantity (measures, time, money, ranks).
NOT_COUNTED = frozenset(
    [
        "percent",
        "per",
        "cent",
        "percentage",
        "points",
        "point",
        "times",
        "km",
        "kilometres",
        "kilometers",
        "miles",
        "metres",
        "meters",
        "feet",
        "foot",
        "tonnes",
        "tons",
        "kg",
        "kilograms",
        "pounds",
        "dollars",
        "euros",
        "yen",
        "yuan",
        "rubles",
        "roubles",
        "francs",
        "rupees",
        "won",
        "usd",
        "eur",
        "gbp",
        "hours",
        "hour",
        "days",
        "day",
        "weeks",
        "week",
        "months",
        "month",
        "years",
        "year",
        "minutes",
        "minute",
        "seconds",
        "second",
        "degrees",
        "mph",
        "kph",
        "am",
        "pm",
        "gmt",
        "utc",
        "bn",
        "billion",
        "million",
        "thousand",
        "hundred",
    ]
)


def plural_form(word: str) -> str:
    """A crude plural for a counted noun seen in a topic ("flight" -> "flights")."""
    w = word.lower()
    if w.endswith("s"):
        return w
    if w.endswith("y") and len(w) > 2 and w[-2] not in "aeiou":
        return w[:-1] + "ies"
    return w + "s"


def class_of(word: str, topic_nouns: frozenset[str] = frozenset()) -> str | None:
    """The class a counted noun belongs to, or ``None`` when it is not counted."""
    w = word.lower()
    if w in WORD_CLASS:
        return WORD_CLASS[w]
    if w in NOT_COUNTED:
        return None
    if topic_nouns and plural_form(w) in topic_nouns:
        return plural_form(w)
    return None


def topic_classes(terms: frozenset[str]) -> frozenset[str]:
    """Counted classes that the topic's own terms name ("soldiers" -> "troops")."""
    out: set[str] = set()
    for term in terms:
        for word in term.split():
            w = word.rstrip("*")
            if w in LOOKBACK_CLASS:
                out.add(LOOKBACK_CLASS[w])
    return frozenset(out)


# Classes that tend to be reported together: a quake story counting deaths also
# counts the missing; a strike story counting strikers also counts jobs.
_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset(
        "deaths injured missing casualties displaced hospitalised captured hostages "  # noqa: SIM905
        "arrests buildings people".split()
    ),
    frozenset("troops deaths injured casualties captured missing".split()),  # noqa: SIM905
    frozenset("jobs workers strikers protesters arrests".split()),  # noqa: SIM905
    frozenset("cases hospitalised deaths people".split()),  # noqa: SIM905
)


def related(a: str, b: str) -> bool:
    """True when two counted classes belong to one story family (or are equal)."""
    return a == b or any(a in f and b in f for f in _FAMILIES)
