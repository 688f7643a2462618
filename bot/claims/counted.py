"""What a figure counts: counted nouns normalised to a class ("troops", "deaths"...).

The class word is also the unit shown with the figure. Nouns outside the
built-in table become their own class (plural form) only when the topic itself
names them, so "two countries" is not a count unless a topic counts countries.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.claims.numbers import MONEY_AFTER

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
        "citizens",
        "villagers",
        "survivors",
    ],
    "homes": ["homes", "houses", "buildings", "structures", "dwellings", "apartments", "home",
              "house", "building", "dwelling"],
    "vessels": ["vessels", "vessel", "ships", "ship", "boats", "boat", "trawlers", "trawler",
                "ferries", "ferry", "tankers", "tanker", "warships", "warship", "frigates",
                "submarines", "yachts", "dinghies", "barges", "freighters", "fishing boats"],
    "aircraft": ["aircraft", "planes", "plane", "jets", "jet", "drones", "drone", "helicopters",
                 "helicopter", "airplanes", "warplanes", "bombers", "airliners"],
    "vehicles": ["vehicles", "vehicle", "tanks", "tank", "trucks", "truck", "lorries", "cars",
                 "buses", "apcs"],
    "weapons": ["missiles", "missile", "rockets", "rocket", "shells", "artillery", "weapons",
                "munitions", "bombs"],
    "plants": ["plants", "plant", "factories", "factory", "sites", "facilities", "mills",
               "assembly plants"],
    "doses": ["doses", "dose", "vaccines", "vaccinations", "shots", "jabs"],
    "villages": ["villages", "village", "towns", "settlements", "communities"],
}  # fmt: skip

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
    "lives": "deaths",  # "lost their lives"
    "strike": "strikers",  # "12,000 workers joined the strike"
    "striking": "strikers",
    "walked": "strikers",  # "walked out"
    "ward": "hospitalised",  # "24 patients on the isolation ward"
    "wards": "hospitalised",
    "injuries": "injured",  # "treated for injuries"
}

REFINABLE = frozenset({"people", "troops", "workers"})

# What can be somewhere: a location claim needs a subject that moves.
MOBILE = frozenset(
    ["troops", "vessels", "aircraft", "vehicles", "weapons", "displaced", "protesters",
     "captured", "hostages", "strikers", "people"]
)  # fmt: skip

# "two patrol boats", "40 rescue helicopters": the responders' own equipment, not what
# the story counts.
RESPONDER_MODIFIERS = frozenset(
    [
        "patrol",
        "rescue",
        "police",
        "fire",
        "ambulance",
        "aid",
        "relief",
        "supply",
        "medical",
        "evacuation",
        "escort",
        "search",
        "navy",
        "naval",
        "hospital",
        "mobile",
    ]
)

# Nouns that never make a counted quantity (measures, time, money, ranks).
NOT_COUNTED = (
    frozenset(
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
    | MONEY_AFTER
)


def plural_form(word: str) -> str:
    """A crude plural for a counted noun ("flight" -> "flights")."""
    w = word.lower()
    if w.endswith("s"):
        return w
    if w.endswith("y") and len(w) > 2 and w[-2] not in "aeiou":
        return w[:-1] + "ies"
    return w + "s"


def singular(word: str) -> str:
    """A crude singular for a counted noun ("trawlers" -> "trawler", "ferries" -> "ferry")."""
    w = word.lower()
    if len(w) <= 3 or not w.endswith("s") or w.endswith(("ss", "us", "is")):
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "xes", "sses", "zes")):
        return w[:-2]
    return w[:-1]


def topic_noun_forms(terms: frozenset[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The topic's single-word nouns (singular) and its prefix terms ("trawler*")."""
    nouns = frozenset(singular(t) for t in terms if t.isalpha())
    prefixes = tuple(t[:-1] for t in terms if t.endswith("*") and t[:-1].isalpha())
    return nouns, prefixes


def class_of(
    word: str,
    topic_nouns: frozenset[str] = frozenset(),
    topic_prefixes: tuple[str, ...] = (),
) -> str | None:
    """The class a counted noun belongs to, or ``None`` when it is not counted.

    Nouns in a synonym class give the class ("trawlers" -> "vessels"); a noun the
    topic names (``topic_nouns``, singular, or a ``prefix*`` term) outside every
    class gives its own singular form.
    """
    w = word.lower()
    if w in WORD_CLASS:
        return WORD_CLASS[w]
    if w in NOT_COUNTED or not w.isalpha():
        return None
    one = singular(w)
    if one in topic_nouns or any(w.startswith(p) for p in topic_prefixes):
        return one
    return None


def topic_classes(terms: frozenset[str]) -> frozenset[str]:
    """Counted classes that the topic's own terms name ("soldiers" -> "troops").

    A prefix term names every class one of whose words it starts ("trawler*" ->
    "vessels", "vaccin*" -> "doses"; "hospital*" -> "hospitalised").
    """
    out: set[str] = set()
    for term in terms:
        for word in term.split():
            if word.endswith("*"):
                stem = word[:-1]
                if len(stem) >= 4:
                    out.update(c for w, c in LOOKBACK_CLASS.items() if w.startswith(stem))
            elif word in LOOKBACK_CLASS:
                out.add(LOOKBACK_CLASS[word])
    return frozenset(out)


def topic_display(terms: Sequence[str]) -> dict[str, str]:
    """How the topic itself names each counted class it counts ("trawler*" -> "trawlers").

    Figures counting any synonym land on one key, named with the topic's own word.
    """
    out: dict[str, str] = {}
    for term in terms:
        for word in term.split():
            stem = word.rstrip("*")
            if word.endswith("*"):
                if len(stem) < 4:
                    continue
                hits = {c for w, c in LOOKBACK_CLASS.items() if w.startswith(stem)}
                for c in sorted(hits):
                    name = stem + "s" if WORD_CLASS.get(stem + "s") == c else c
                    out.setdefault(c, name)
            elif word in WORD_CLASS and word.endswith("s"):
                out.setdefault(WORD_CLASS[word], word)
    return out


# What else a story about a counted class counts: a deployment story also counts the
# soldiers' casualties and their equipment; a disaster's deaths come with injured and
# missing; an outbreak's cases with deaths, hospital stays and vaccine doses.
COMPANIONS: dict[str, frozenset[str]] = {
    "troops": frozenset(
        ["casualties", "deaths", "injured", "vehicles", "aircraft", "vessels", "weapons"]
    ),
    "deaths": frozenset(["injured", "missing", "casualties"]),
    "injured": frozenset(["deaths", "missing", "casualties"]),
    "missing": frozenset(["deaths", "injured"]),
    "casualties": frozenset(["deaths", "injured", "missing"]),
    "cases": frozenset(["deaths", "hospitalised", "doses"]),
    "hospitalised": frozenset(["cases", "deaths"]),
    "doses": frozenset(["cases"]),
    "jobs": frozenset(["workers", "strikers", "plants"]),
    "workers": frozenset(["jobs", "strikers", "plants"]),
    "strikers": frozenset(["jobs", "workers", "plants", "protesters"]),
    "protesters": frozenset(["arrests", "deaths", "injured"]),
    "arrests": frozenset(["protesters"]),
    "displaced": frozenset(["deaths", "injured", "missing", "homes"]),
    "vessels": frozenset(["aircraft"]),
    "aircraft": frozenset(["vessels"]),
    "captured": frozenset(["troops"]),
    "hostages": frozenset(["deaths", "captured"]),
}


def allowed_classes(classes: frozenset[str]) -> frozenset[str]:
    """The topic's classes and their companions."""
    out = set(classes)
    for c in classes:
        out |= COMPANIONS.get(c, frozenset())
    return frozenset(out)


# Classes that tend to be reported together: a quake story counting deaths also
# counts the missing; a strike story counting strikers also counts jobs.
_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset(
        "deaths injured missing casualties displaced hospitalised captured hostages "  # noqa: SIM905
        "arrests homes people".split()
    ),
    frozenset("troops deaths injured casualties captured missing".split()),  # noqa: SIM905
    frozenset("jobs workers strikers protesters arrests".split()),  # noqa: SIM905
    frozenset("cases hospitalised deaths people".split()),  # noqa: SIM905
)


def related(a: str, b: str) -> bool:
    """True when two counted classes belong to one story family (or are equal)."""
    return a == b or any(a in f and b in f for f in _FAMILIES)
