"""The rule-based claim extractor: sentences -> figures, stances, statuses, with sources.

``RuleExtractor().extract(article, context)`` splits the article into prose
sentences, finds who speaks in each (carrying reported speech over to the
next sentence), reads figures and what they count, stance cues on the topic's
proposition, status and place claims, dates background statements, and keeps
at most one claim per (key, source) — the most precise current one. Whatever
looks like a claim but has no clear speaker or counted thing is returned as an
``Abstention`` with a reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.claims.attribution import Speaker, find_speaker, speaker_before
from bot.claims.counted import (
    LOOKBACK_CLASS,
    MOBILE,
    NOT_COUNTED,
    OUTCOME_CLASS,
    REFINABLE,
    RESPONDER_MODIFIERS,
    WORD_CLASS,
    allowed_classes,
    class_of,
    related,
    singular,
    topic_classes,
    topic_display,
)
from bot.claims.dates import Timing, when_asserted
from bot.claims.keys import amount_key, count_key, location_key, rate_key, stance_key, status_key
from bot.claims.measures import Measure, amount_topic, find_amounts, find_rates, rate_topic
from bot.claims.memory import SourceMemory, TopicMemory
from bot.claims.model import (
    Abstention,
    ArticleText,
    ClaimValue,
    ExtractedClaim,
    ExtractionContext,
    ExtractionResult,
    Qualifier,
    Stance,
)
from bot.claims.numbers import Figure, find_figures
from bot.claims.sentences import Sentence, split_sentences
from bot.claims.sources import Mention, find_mentions, join_source, place_names
from bot.claims.stance import find_presence_assertion, find_stance
from bot.claims.status import find_event_status, find_institution_act, find_location, find_status
from bot.claims.tokens import Token, tokenize

_STOP = frozenset(
    [
        "of",
        "in",
        "to",
        "from",
        "for",
        "and",
        "or",
        "but",
        "the",
        "a",
        "an",
        "at",
        "on",
        "by",
        "with",
        "have",
        "has",
        "had",
        "were",
        "was",
        "are",
        "is",
        "be",
        "been",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "can",
        "that",
        "which",
        "who",
        "whom",
        "as",
        "per",
        "than",
        "into",
        "across",
        "since",
        "after",
        "before",
        "during",
        "this",
        "these",
        "those",
        "their",
        "its",
        "his",
        "her",
        "it",
        "they",
        "we",
        "he",
        "she",
        "there",
        "said",
        "says",
        "more",
    ]
)
_HEARSAY = re.compile(r"\b(?:said\s+to|reportedly|allegedly|are\s+believed|is\s+believed)\b")
_THEY = re.compile(r"\b(?:they|them|these|those)\b", re.IGNORECASE)
_NUMBERISH = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?|scores|tens)\b",
    re.IGNORECASE,
)
_BREAK = frozenset([".", ";", ":", "?", "!", '"', "“", "”"])

Source = tuple[str, str | None]


@dataclass
class _Sentence:
    sentence: Sentence
    tokens: list[Token] | None  # None: no number in the sentence, not tokenised yet
    figures: list[tuple[Figure, str | None]]


def _topic_regex(terms: Sequence[str]) -> re.Pattern[str] | None:
    parts: list[str] = []
    for term in terms:
        t = term.strip().strip('"').lower()
        if not t:
            continue
        if t.endswith("*"):
            parts.append(r"\b" + re.escape(t[:-1]) + r"\w*")
        else:
            parts.append(r"\b" + re.escape(t) + r"\b")
    if not parts:
        return None
    return re.compile("|".join(parts), re.IGNORECASE)


_NOT_NOUN = frozenset(
    [
        "near",
        "inside",
        "off",
        "outside",
        "within",
        "along",
        "over",
        "under",
        "between",
        "through",
        "toward",
        "towards",
        "around",
        "behind",
        "beyond",
        "ago",
        "last",
        "so",
        "far",
        "already",
        "still",
        "now",
    ]
)


def counted_class(
    tokens: list[Token],
    fig: Figure,
    topic_nouns: frozenset[str] = frozenset(),
    topic_prefixes: tuple[str, ...] = (),
) -> str | None:
    """What ``fig`` counts, as a class ("troops", "deaths"...), or ``None``.

    The counted noun is the head of the noun phrase after the figure: the first word
    of a known class ("40 Ardenian fishing trawlers" -> vessels), else the LAST noun
    of the phrase in its singular form when the topic names it; a modifier ("fishing")
    is never the head.
    """
    n = len(tokens)
    j = fig.last + 1
    if j + 1 < n and tokens[j].lower == "of" and not fig.vague:
        if tokens[j + 1].lower in ("them", "whom", "those", "these", "which"):
            return None  # "180 of them": a part of a count already given
        if tokens[j + 1].lower in ("our", "the", "its", "their", "his", "her"):
            j += 2  # "356 of our citizens"
    if fig.vague and j < n and tokens[j].lower == "of":
        j += 1
    run: list[int] = []
    while j < n and len(run) < 5 and tokens[j].kind == "word" and tokens[j].lower not in _STOP:
        run.append(j)
        j += 1
    if (
        j + 1 < n
        and tokens[j].lower in ("and", "or")
        and not any(tokens[k].lower in WORD_CLASS for k in run)
    ):
        # "75 suspected and confirmed cases": the noun comes after the coordination
        k = j + 1
        while k < n and k < j + 4 and tokens[k].kind == "word":
            if tokens[k].lower in WORD_CLASS:
                run.append(k)
                break
            k += 1
    cls: str | None = None
    noun = fig.last
    for k in run:
        c = WORD_CLASS.get(tokens[k].lower)
        if c is not None:
            cls, noun = c, k
            if k > run[0] and tokens[k - 1].lower in RESPONDER_MODIFIERS:
                return None  # "two patrol boats": the responders' own
            break
    if cls is None and run:
        if tokens[run[0]].lower in NOT_COUNTED:
            return None
        phrase: list[int] = []
        for k in run:
            w = tokens[k].lower
            if w in _NOT_NOUN or (w.endswith("ed") and len(w) > 4) or w in OUTCOME_CLASS:
                break
            phrase.append(k)
        if phrase:
            cls = class_of(tokens[phrase[-1]].lower, topic_nouns, topic_prefixes)
            noun = phrase[-1]
    back: str | None = None
    for k in range(fig.first - 1, max(-1, fig.first - 15), -1):
        if tokens[k].text in _BREAK:
            break
        back = LOOKBACK_CLASS.get(tokens[k].lower)
        if back is not None:
            break
    if cls is None and not run:
        cls = back
    if cls in REFINABLE:
        window = [t.lower for t in tokens[noun + 1 : noun + 10] if t.kind == "word"][:8]
        window += [t.lower for t in tokens[max(0, fig.first - 3) : fig.first] if t.kind == "word"]
        outcomes = [OUTCOME_CLASS[w] for w in window if w in OUTCOME_CLASS]
        if "deaths" in outcomes and "injured" in outcomes:
            return "casualties"  # "killed or wounded"
        if outcomes:
            return outcomes[0]
        if cls == "people" and back is not None and back != "people":
            return back
    return cls


# Words a short alias may spell ("who", "us") when the store has lower-cased it ("WHO").
_COMMON_SHORT = frozenset(
    ["who", "us", "it", "is", "as", "at", "an", "am", "be", "by", "do", "go", "he", "if",
     "in", "me", "my", "no", "of", "on", "or", "so", "to", "up", "we", "all", "any", "aid",
     "can", "may", "one", "new", "now", "our", "out", "own", "per", "set", "two", "war"]
)  # fmt: skip


def _short_alias_miss(form: str) -> bool:
    """A one-word alias of up to six letters names its source only when written with a
    capital, and a common word ("who", "us") only when written in capitals ("WHO")."""
    if len(form) > 6 or " " in form:
        return False
    if form == form.lower():
        return True
    return not form.isupper() and form.lower() in _COMMON_SHORT


@lru_cache(maxsize=64)
def _alias_pattern(items: tuple[tuple[str, str], ...]) -> re.Pattern[str] | None:
    """One regex over an admin's aliases: acronyms case-sensitive, names not."""
    parts = []
    for alias, _ in sorted(items, key=lambda kv: -len(kv[0])):
        a = alias.strip()
        if not a:
            continue
        body = "(?i:" + re.escape(a) + ")"  # short ones: see _short_alias_miss
        parts.append(body)
    if not parts:
        return None
    return re.compile(r"(?<![\w.])(?:" + "|".join(parts) + r")(?![\w])")


def _alias_mentions(
    text: str, pattern: re.Pattern[str] | None, aliases: Mapping[str, str]
) -> list[Mention]:
    if pattern is None:
        return []
    out = []
    for m in pattern.finditer(text):
        form = m.group()
        if _short_alias_miss(form):
            continue
        target = aliases.get(form.lower())
        if target is not None:
            out.append(Mention(m.start(), m.end(), target, None, 4, False, target.lower()))
    return out


class RuleExtractor:
    """Regex and table driven extractor; pure Python, a few ms per article.

    The extractor remembers, per topic, which institution each named person speaks
    for and which country owns each institution, so a later article's "commander
    Ines Vald said" keeps the source an earlier article established.
    """

    name = "rules"

    def __init__(self) -> None:
        self._topics: dict[str, TopicMemory] = {}

    def extract(self, article: ArticleText, context: ExtractionContext) -> ExtractionResult:
        text = article.text
        result = ExtractionResult()
        terms = [t.strip().strip('"').lower() for t in context.topic_terms if t.strip()]
        topic_re = _topic_regex(terms)
        t_classes = topic_classes(frozenset(terms))
        # plural nouns the topic names outside every class ("flights") are counted too
        topic_nouns = frozenset(
            singular(t)
            for t in terms
            if t.isalpha() and t.endswith("s") and t not in WORD_CLASS and t not in NOT_COUNTED
        )
        t_classes = t_classes | topic_nouns
        allowed = allowed_classes(t_classes)
        display = topic_display(terms)
        rate_measures = rate_topic(terms)
        amount_nouns = amount_topic(terms)
        topic_words = frozenset(t for t in terms if t.isalpha())
        aliases = {k.lower(): v for k, v in context.aliases.items()}
        alias_re = _alias_pattern(tuple(sorted(context.aliases.items())))
        topic_memory = self._topics.setdefault(context.topic_name, TopicMemory())
        if len(self._topics) > 256:
            self._topics.clear()
            self._topics[context.topic_name] = topic_memory
        memory = SourceMemory(aliases=aliases, topic=topic_memory)
        places = place_names(text)
        outlet = article.outlet.strip() or "unattributed"
        stance_k, stance_label = stance_key(context.topic_name)

        analysed: list[_Sentence] = []
        dominant_counter: Counter[str] = Counter()
        for s in split_sentences(text):
            if _NUMBERISH.search(s.text) is None:
                analysed.append(_Sentence(s, None, []))
                continue
            tokens = tokenize(s.text)
            figs = [(f, counted_class(tokens, f, topic_nouns)) for f in find_figures(tokens)]
            for _, cls in figs:
                if cls is not None:
                    dominant_counter[cls] += 1
            analysed.append(_Sentence(s, tokens, figs))
        dominant = dominant_counter.most_common(1)[0][0] if dominant_counter else None

        claims: list[ExtractedClaim] = []
        last: list[Source] = []
        last_index = -10
        prev_relevant = False
        prev_paragraph = -1

        def abstain(s: Sentence, reason: str) -> None:
            result.abstentions.append(Abstention(s.text, s.start, s.end, reason))

        def resolve(sp: Speaker | None, mentions_text: str) -> list[Source] | None:
            if sp is None:
                return None
            if sp.refers_back:
                if sp.noun is not None:
                    by_noun = memory.by_noun(sp.noun)
                    if by_noun is not None:
                        return [by_noun]
                    if last and not memory.fits_noun(last[0][0], sp.noun):
                        return []  # "the company said" right after the union spoke
                return list(last) if last else []
            out = []
            for m in sp.mentions:
                src = memory.resolve(m, mentions_text[m.start : m.end])
                if (
                    m.inst is not None
                    and m.country is None
                    and m.rank <= 1
                    and " · " not in src[0]
                    and last_owner is not None
                    and paragraph[0] - last_owner[1] <= 1
                    and not mentions_text[m.start : m.end].lower().endswith("services")
                ):
                    # "Defense Minister Kim said" right after "South Korea's spy agency
                    # said": the country of the story's last speaker
                    src = (join_source(last_owner[0], m.inst), src[1])
                if m.inst in _UNNAMED_INSTS and " · " not in src[0]:
                    # "according to intelligence services": nobody a reader can weigh;
                    # the outlet's own reporting
                    src = (outlet, src[1] or "unnamed " + m.inst)
                if m.titled and src[1] is None and last and len(last) == 1:
                    # "chief executive Lars Odegaard told investors" right after the
                    # company spoke: the title speaks for the organisation last heard
                    org = last[0][0]
                    if " · " in org or memory.is_org(org):
                        src = (org, src[0])
                        memory.people[src[1].lower()] = src
                out.append(src)
            return out

        last_owner: tuple[str, int] | None = None  # country of the last speaker, paragraph
        paragraph = [0]
        found: list[Measure] = []
        holders = topic_memory.stance_holders
        for idx, a in enumerate(analysed):
            s = a.sentence
            st = s.text
            paragraph[0] = s.paragraph
            relevant = topic_re is None or topic_re.search(st) is not None
            near_topic = relevant or (prev_relevant and s.paragraph <= prev_paragraph + 1)
            mentions = find_mentions(st, places, _alias_mentions(st, alias_re, aliases))
            for m in mentions:
                memory.learn(m, memory.resolve(m, st[m.start : m.end]))
            speaker = find_speaker(st, mentions)
            sources = resolve(speaker, st)
            if speaker is not None and speaker.named and sources:
                last, last_index = sources, idx
                if " · " in sources[0][0]:
                    last_owner = (sources[0][0].split(" · ", 1)[0], s.paragraph)
            elif speaker is None and mentions and mentions[0].start <= 4 and mentions[0].is_person:
                # "Minister X visited the site." makes X the one a later "she said" means
                m0 = mentions[0]
                last, last_index = [memory.resolve(m0, st[m0.start : m0.end])], idx
            if sources is None and _HEARSAY.search(st) and last and last_index == idx - 1:
                sources = list(last)
            if sources is None and _opens_quote(st):
                # '"About 90 are missing. We have hope," she said.': the speaker is where
                # the quotation closes
                for nxt in analysed[idx + 1 : idx + 4]:
                    nt = nxt.sentence.text
                    if nxt.sentence.paragraph != s.paragraph:
                        break
                    if _closes_quote(nt):
                        nm = find_mentions(nt, places, _alias_mentions(nt, alias_re, aliases))
                        sources = resolve(find_speaker(nt, nm), nt)
                        break
            timing_cache: list[Timing] = []

            def add(
                key: str,
                label: str,
                value: ClaimValue,
                srcs: list[Source],
                precision: int,
                s: Sentence = s,
                timing_cache: list[Timing] = timing_cache,
            ) -> None:
                if not timing_cache:
                    timing_cache.append(when_asserted(s.text, article.published_at))
                timing = timing_cache[0]
                for source, detail in srcs:
                    claims.append(
                        ExtractedClaim(
                            key=key,
                            key_label=label,
                            source=source,
                            value=value,
                            evidence=s.text,
                            start=s.start,
                            end=s.end,
                            source_detail=detail,
                            asserted_at=timing.asserted_at,
                            background=timing.background,
                            precision=precision,
                        )
                    )

            claim_sources: list[Source] | None
            if sources is None:
                claim_sources = [(outlet, None)]
            elif not sources:
                claim_sources = None
            else:
                claim_sources = sources

            historical = _historical(st, article)
            # figures
            for fig, cls in a.figures:
                if historical:
                    abstain(s, "a figure from an earlier year (history, not a claim)")
                    break
                if cls is None:
                    if fig.qualifier is not Qualifier.EXACT or fig.low >= 10:
                        abstain(s, "cannot tell what the figure counts")
                    continue
                if t_classes:
                    on_topic = cls in allowed
                else:
                    on_topic = topic_re is None or (
                        cls != "people"
                        and (relevant or (dominant is not None and related(cls, dominant)))
                    )
                if not on_topic:
                    abstain(s, f"figure about {cls} unrelated to the topic")
                    continue
                if claim_sources is None:
                    abstain(s, "cannot tell who claims it (pronoun with no named speaker)")
                    continue
                key, label = count_key(display.get(cls, cls))
                if fig.qualifier is Qualifier.RANGE and fig.high is not None:
                    value = ClaimValue.figure(
                        fig.low, Qualifier.RANGE, display.get(cls, cls), fig.high
                    )
                else:
                    value = ClaimValue.figure(fig.low, fig.qualifier, display.get(cls, cls))
                add(key, label, value, claim_sources, fig.precision)

            # rates and amounts, when the topic is about them
            if (rate_measures or amount_nouns) and a.tokens is not None and not historical:
                _measures(a.tokens, st, rate_measures, amount_nouns, topic_words, found)
                for ms in found:
                    if ms.problem is not None:
                        abstain(s, ms.problem)
                        continue
                    m_sources = claim_sources
                    if sources is None:
                        # "The central bank kept its key rate at 4.5%": the one who set it
                        actor = speaker_before(st, mentions, ms.start)
                        if actor is not None and actor.named and not actor.refers_back:
                            m_sources = resolve(actor, st) or claim_sources
                    if m_sources is None:
                        abstain(s, "cannot tell who claims the figure")
                        continue
                    if ms.kind == "rate":
                        key, label = rate_key(ms.measure)
                    else:
                        key, label = amount_key(ms.measure)
                    value = ClaimValue.figure(ms.low, ms.qualifier, ms.unit, ms.high)
                    add(key, label, value, m_sources, ms.precision)
                found.clear()

            # status and place
            status = find_status(st) if near_topic else None
            if status == "on strike" and any(cls == "strikers" for _, cls in a.figures):
                status = None  # "9,000 workers were on strike": the count says it
            location = find_location(st) if near_topic else None
            subject_here, subject_at = None, -1
            if status or location:
                subject_here, subject_at = _subject_class(
                    a.tokens if a.tokens is not None else tokenize(st)
                )
            they = _THEY.search(st) if location else None
            if location and (subject_here or dominant) not in MOBILE:
                location = None  # cases and deaths have no whereabouts to report
            if location and not (
                (subject_here is not None and subject_at < location[1])
                or (they is not None and they.start() < location[1])
            ):
                location = None  # "Kursk is a city near the border": no counted subject
            if (status or location) and near_topic:
                subject = subject_here or (
                    next(iter(t_classes)) if len(t_classes) == 1 else dominant
                )
                if subject is None:
                    abstain(s, "status or place without a subject the topic counts")
                elif claim_sources is None:
                    abstain(s, "cannot tell who claims the status")
                else:
                    if status:
                        key, label = status_key(display.get(subject, subject))
                        add(key, label, ClaimValue.of_status(status), claim_sources, 1)
                    if location:
                        key, label = location_key(display.get(subject, subject))
                        add(key, label, ClaimValue.of_status(location[0]), claim_sources, 1)

            # the state of the event itself: "the strike is suspended"
            event = find_event_status(st) if near_topic else None
            if event is not None:
                ev_sources = claim_sources
                if sources is None and event[2] >= 0:
                    # "The union suspended its strike": the one who did it says so
                    actor = speaker_before(st, mentions, event[2])
                    if actor is not None and actor.named:
                        ev_sources = resolve(actor, st) or claim_sources
                if ev_sources is None:
                    abstain(s, "cannot tell who claims the status")
                else:
                    key, label = status_key(event[0])
                    add(key, label, ClaimValue.of_status(event[1]), ev_sources, 1)

            # an institution's act: "the assembly ratified the treaty"
            act = find_institution_act(st) if near_topic and not historical else None
            if act is not None:
                act_sources = claim_sources
                if act[2] >= 0:
                    actor = speaker_before(st, mentions, act[2])
                    if actor is not None and actor.named and not actor.refers_back:
                        m0 = actor.mentions[-1]
                        if m0.rank == 0 and not m0.is_person:
                            act_sources = [(m0.source, None)]  # "Borduria opened a probe"
                        else:
                            act_sources = resolve(actor, st) or claim_sources
                if act_sources is None:
                    abstain(s, "cannot tell who acted")
                else:
                    key, label = status_key(act[0])
                    add(key, label, ClaimValue.of_status(act[1]), act_sources, 1)

            # stance on the topic's proposition
            holder = bool(sources) and sources is not None and sources[0][0] in holders
            cue = find_stance(st) if near_topic or holder else None
            if (
                cue is not None
                and cue.stance is Stance.CONFIRMS
                and any(cls is not None for _, cls in a.figures)
            ):
                cue = None  # "46 deaths have been confirmed": a figure, not a stance
            if (
                cue is not None
                and cue.existential
                and topic_re is not None
                and topic_re.search(" ".join(st[cue.end :].split()[:3])) is None
            ):
                cue = None  # "there was no reason for travel restrictions"
            if cue is not None:
                anchor = cue.start
                while anchor > 0 and st[anchor - 1] in " \"“‘'":
                    anchor -= 1
                sp = speaker_before(st, mentions, anchor, expand=True)
                if speaker is not None and (
                    sp is None or not cue.verbal or (sp.refers_back and sp.noun is None)
                ):
                    # '"We do not comment," a company spokesman said': the sentence's speaker
                    sp = speaker
                srcs = resolve(sp, st)
                if not srcs and sources:
                    srcs = sources  # '"There are no … . This is a lie," the spokesman said'
                if not srcs:
                    abstain(s, f"stance ({cue.stance}) without a speaker")
                else:
                    add(stance_k, stance_label, ClaimValue.of_stance(cue.stance), srcs, 1)
                    holders.update(src for src, _ in srcs)

            elif (
                topic_re is not None
                and relevant
                and speaker is not None
                and speaker.named
                and not speaker.refers_back
                and sources
                and not historical
                and not any(cls is not None for _, cls in a.figures)
                and find_presence_assertion(st, topic_re) is not None
            ):
                # 'Minister Vald said Zubrian officers had already been in Borduria': the
                # speaker asserts the proposition itself
                add(stance_k, stance_label, ClaimValue.of_stance(Stance.CONFIRMS), sources, 1)
                holders.update(src for src, _ in sources)

            prev_relevant = relevant
            prev_paragraph = s.paragraph

        vague = frozenset({outlet, "Government", "Officials", "Authorities"})
        result.claims = _one_per_key_and_source(claims, vague)
        topic_memory.learn(memory)
        return result


_MEASURE_CUE = re.compile(
    r"%|\bper\s*cent|\bpc\b|[$€£¥₹₽₩]|\b(?:dollars?|euros?|pounds|yen|yuan|r[o]?ubles|rupees|francs|usd|eur|gbp)\b",
    re.IGNORECASE,
)


def _measures(
    tokens: list[Token],
    text: str,
    rates: frozenset[str],
    amounts: frozenset[str],
    topic_words: frozenset[str],
    out: list[Measure],
) -> None:
    if _MEASURE_CUE.search(text) is None:
        return
    if rates:
        out.extend(find_rates(tokens, text, rates, topic_words))
    if amounts:
        out.extend(find_amounts(tokens, amounts, text))


def _subject_class(tokens: list[Token]) -> tuple[str | None, int]:
    for t in tokens:
        c = LOOKBACK_CLASS.get(t.lower)
        if c is not None and c not in ("deaths",):
            return c, t.start
    return None, -1


def _rank(c: ExtractedClaim) -> tuple[bool, int, bool, bool]:
    quoted = any(q in c.evidence for q in '"“”')
    return (not c.background, c.precision, quoted, c.source_detail is not None)


def _one_per_key_and_source(
    claims: list[ExtractedClaim], vague: frozenset[str] = frozenset()
) -> list[ExtractedClaim]:
    """Keep the best claim per (key, source): current over background, then most precise,
    then the source's own quoted words.

    A claim from a vague source (``vague``: the outlet, unnamed "officials") that agrees
    with a named source's claim on the same key in the same article is the same
    statement summarised (a lede) and is dropped.
    """
    best: dict[tuple[str, str], ExtractedClaim] = {}
    for c in claims:
        k = (c.key, c.source)
        cur = best.get(k)
        if cur is None or _rank(c) > _rank(cur):
            best[k] = c
    kept = list(best.values())
    if vague:
        named = [c for c in kept if c.source not in vague]
        kept = [
            c
            for c in kept
            if c.source not in vague
            or c.value.kind != "figure"
            or not any(n.key == c.key and n.value.agrees_with(c.value) for n in named)
        ]
    return sorted(kept, key=lambda c: (c.start, c.key, c.source))


_UNNAMED_INSTS = frozenset(["intelligence", "military intelligence"])
_QUOTES_OPEN = ('"', "“")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _opens_quote(text: str) -> bool:
    t = text.lstrip()
    return t[:1] in _QUOTES_OPEN and not any(q in t[1:] for q in '"”')


def _closes_quote(text: str) -> bool:
    return any(q in text for q in '"”')


def _historical(text: str, article: ArticleText) -> bool:
    """A sentence about an earlier year ("in 1998, when 1,200 people died")."""
    if article.published_at is None:
        return False
    return any(int(y) < article.published_at.year for y in _YEAR.findall(text))
