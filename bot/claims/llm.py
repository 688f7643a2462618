"""An optional claim extractor backed by an OpenAI-compatible chat-completions server.

``LLMExtractor`` asks a model (OpenAI, a local Ollama or vLLM: anything that
serves ``POST {base_url}/chat/completions`` with ``response_format`` JSON
mode) for the article's claims as JSON, validates the answer with pydantic,
keeps only claims whose evidence occurs verbatim in the article (offsets found
by search), and puts sources and keys into the shapes the rule extractor
uses. On any failure — HTTP error, timeout, invalid JSON, an answer that does
not fit the schema — it logs why and returns what the ``fallback`` extractor
(the ``RuleExtractor``) finds instead. The API key is sent as a bearer token
and never logged or shown in ``repr``.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.claims.keys import STATEMENT_PREFIX, figure_key, stance_key, statement_key
from bot.claims.lexicons import lexicon
from bot.claims.measures import Measure
from bot.claims.model import (
    STANCE_OF_CUE,
    Abstention,
    ArticleText,
    ExtractedClaim,
    ExtractionContext,
    ExtractionResult,
    Extractor,
    KnownKey,
)
from bot.claims.parties import PartyResolver
from bot.claims.quantities import COUNT, PERCENT, TIME, Quantity
from bot.detect import one_per_statement
from bot.domain import ClaimValue, Qualifier, Stance

log = logging.getLogger(__name__)

MAX_ARTICLE_CHARS = 24_000

_STANCE_WORDS = " | ".join(f'"{s}"' for s in Stance)
SYSTEM_PROMPT = f"""You extract claims from a news article for a claim tracker.
A claim is WHO asserts WHAT about the tracked topic: any figure the article gives
about it (a count, a percentage, an amount of money, a time of day), or the
stance or status a named party takes on one of the topic's propositions.
Answer with one JSON object and nothing else:
{{"claims": [{{
  "source": "the party that asserts it, as the article names it (an institution
             rather than its spokesperson); the outlet's name when unattributed",
  "source_detail": "the named speaker, e.g. 'spokesman Kerem Tal', or null",
  "key": "for a figure: the measured thing, e.g. 'deaths', 'flights cancelled',
          'pay offer', 'insured losses'; for a stance or status: the
          proposition in a few words, e.g. 'ferries built abroad'",
  "value": {{"kind": "figure" | "stance" | "status",
            "number": 212, "qualifier": "exact" | "at least" | "more than" | "about" |
            "up to" | "range", "number_high": null,
            "unit": "count" | "percent" | "USD" | "EUR" | … (a currency code) | "time",
            "stance": {_STANCE_WORDS},
            "status": "a few words"}},
  "evidence": "the whole sentence carrying the claim, copied verbatim from the article",
  "asserted_at": "ISO 8601 date when the source said it, or null",
  "background": true when the sentence reports an older statement ("had said last week")
}}]}}
Rules: copy evidence character for character; never invent a figure; skip dates,
ages, years, distances and phone numbers; a time of day is a figure only when it is
the claim ("the alert was sent at 20:12", unit "time", number = minutes after
midnight); at most one claim per key and source (the most precise);
"nearly"/"around"/"some" = about, "as many as" = up to, "between A and B" = range."""


# ------------------------------------------------------------------ schema


class LLMValue(BaseModel):
    model_config = ConfigDict(extra="ignore")

    kind: Literal["figure", "stance", "status"]
    number: float | None = None
    qualifier: str | None = None
    number_high: float | None = None
    unit: str | None = None
    stance: str | None = None
    status: str | None = None

    @field_validator("kind", mode="before")
    @classmethod
    def _lower_kind(cls, v: object) -> object:
        return v.strip().lower() if isinstance(v, str) else v


class LLMClaim(BaseModel):
    model_config = ConfigDict(extra="ignore")

    source: str = ""
    source_detail: str | None = None
    key: str
    value: LLMValue
    evidence: str = Field(min_length=1)
    asserted_at: datetime | None = None
    background: bool = False

    @field_validator("asserted_at", mode="before")
    @classmethod
    def _blank_date(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v


class LLMAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    claims: list[LLMClaim]


class LLMError(Exception):
    """The backend failed or answered something unusable."""


# ------------------------------------------------------------------ mapping

_QUALIFIERS: dict[str, Qualifier] = {
    "": Qualifier.EXACT,
    "exact": Qualifier.EXACT,
    "exactly": Qualifier.EXACT,
    "at least": Qualifier.AT_LEAST,
    "minimum": Qualifier.AT_LEAST,
    "more than": Qualifier.MORE_THAN,
    "over": Qualifier.MORE_THAN,
    "above": Qualifier.MORE_THAN,
    "about": Qualifier.ABOUT,
    "approximately": Qualifier.ABOUT,
    "around": Qualifier.ABOUT,
    "roughly": Qualifier.ABOUT,
    "nearly": Qualifier.ABOUT,
    "some": Qualifier.ABOUT,
    "up to": Qualifier.UP_TO,
    "as many as": Qualifier.UP_TO,
    "at most": Qualifier.UP_TO,
    "range": Qualifier.RANGE,
    "between": Qualifier.RANGE,
}
_STANCES: dict[str, Stance] = {
    **{str(s): s for s in Stance},
    **{cls.replace("_", " "): st for cls, st in STANCE_OF_CUE.items()},
    "confirm": Stance.CONFIRMS,
    "confirmed": Stance.CONFIRMS,
    "deny": Stance.DENIES,
    "denied": Stance.DENIES,
    "declines": Stance.DECLINES,
    "declined to comment": Stance.DECLINES,
    "declines to confirm": Stance.DECLINES,
    "no comment": Stance.DECLINES,
    "credible": Stance.CREDIBLE,
    "apologizes": Stance.APOLOGISES,
}
_UNATTRIBUTED = frozenset({"", "unattributed", "unknown", "outlet", "the outlet", "none", "null"})
_KEY_SPLIT = re.compile(r"\s+[—–-]\s+|\s*[—–:]\s*")
_QUOTE_CLASS = {
    '"': '["“”„]',
    "“": '["“”„]',
    "”": '["“”„]',
    "'": "['‘’]",
    "‘": "['‘’]",
    "’": "['‘’]",
}
_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$", re.IGNORECASE)


_UNITS = {"count": COUNT, "": COUNT, "percent": PERCENT, "%": PERCENT, "time": TIME}


def to_value(v: LLMValue, measure: str = "figure") -> ClaimValue:
    """The model's value as a ``ClaimValue``; ``ValueError`` when it does not make one.

    A count carries its measure as unit ("23 deaths"), as the rule extractor's do."""
    if v.kind == "figure":
        if v.number is None:
            raise ValueError("figure without a number")
        q_text = re.sub(r"[_\s]+", " ", (v.qualifier or "").strip().lower())
        if q_text not in _QUALIFIERS:
            raise ValueError(f"unknown qualifier {v.qualifier!r}")
        q = _QUALIFIERS[q_text]
        high = v.number_high
        if q is Qualifier.RANGE and high is None:
            q = Qualifier.EXACT
        if q is not Qualifier.RANGE:
            high = None
        unit_text = (v.unit or "").strip()
        unit = _UNITS.get(unit_text.lower(), unit_text.upper() if len(unit_text) == 3 else COUNT)
        return ClaimValue.figure(v.number, q, measure if unit == COUNT else unit, high)
    if v.kind == "stance":
        s_text = re.sub(r"[_\s]+", " ", (v.stance or "").strip().lower())
        if s_text not in _STANCES:
            raise ValueError(f"unknown stance {v.stance!r}")
        return ClaimValue.of_stance(_STANCES[s_text])
    if not (v.status or "").strip():
        raise ValueError("status without a word")
    return ClaimValue.of_status(v.status or "")


def measure_of_key(key: str) -> str:
    """The measure family a figure key names ("flood deaths — count" -> "deaths")."""
    lex = lexicon()
    subject = _KEY_SPLIT.split(key.strip(), maxsplit=1)[0] if key.strip() else ""
    words = re.findall(r"[a-z]+", subject.lower())
    for i in range(len(words)):
        phrase = lex.measure.match(words, i)
        if phrase is not None:
            return lex.measure_family[phrase]
    return words[-1] if words else "figure"


def to_key(key: str, value: ClaimValue, source: str, known: list[KnownKey]) -> tuple[str, str]:
    """The model's key in the rule extractor's (key, label) shape: the measured thing and
    unit of a figure, the party's position for a stance, the proposition of a status."""
    if value.kind == "figure":
        q = Quantity(
            value.number or 0.0,
            value.number_high,
            value.qualifier or Qualifier.EXACT,
            _quantity_unit(value),
            0,
            0,
            0,
        )
        family = str(value.unit) if q.unit == COUNT and value.unit else measure_of_key(key)
        return figure_key(Measure(family, family), q)
    if value.kind == "stance" and value.stance is not None:
        cls = next((c for c, st in STANCE_OF_CUE.items() if st is value.stance), "confirms")
        return stance_key(source, cls)
    return statement_key(key.lower().split(), key.strip(), known)


def _quantity_unit(value: ClaimValue) -> str:
    if value.unit == "%":
        return PERCENT
    if value.unit == "time":
        return TIME
    if value.unit and len(value.unit) == 3 and value.unit.isupper():
        return value.unit
    return COUNT


def find_evidence(text: str, evidence: str) -> tuple[int, int] | None:
    """Where ``evidence`` occurs in ``text``: verbatim, else with spacing and quotes relaxed."""
    ev = evidence.strip()
    if not ev:
        return None
    at = text.find(ev)
    if at >= 0:
        return at, at + len(ev)
    parts: list[str] = []
    for ch in ev:
        if ch.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
        else:
            parts.append(_QUOTE_CLASS.get(ch, re.escape(ch)))
    m = re.search("".join(parts), text)
    return (m.start(), m.end()) if m else None


def parse_answer(content: str) -> LLMAnswer:
    """The model's message content as an ``LLMAnswer``; ``LLMError`` when it is not one."""
    body = _FENCE.sub("", content or "").strip()
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise LLMError(f"answer is not JSON ({exc.msg} at {exc.pos})") from None
    if isinstance(data, list):
        data = {"claims": data}
    try:
        return LLMAnswer.model_validate(data)
    except ValidationError as exc:
        raise LLMError(
            f"answer does not fit the claim schema ({exc.error_count()} errors)"
        ) from None


# ------------------------------------------------------------------ extractor


class LLMExtractor:
    """Claims from a chat-completions model, with the rule extractor as a safety net."""

    name = "llm"

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        fallback: Extractor | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout_s = timeout_s
        self.fallback = fallback
        headers = {"Accept": "application/json"}
        if api_key:  # kept only inside the client's headers: never logged, never in repr
            headers["Authorization"] = f"Bearer {api_key}"
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
            headers=headers,
            transport=transport,
            follow_redirects=False,
        )

    @classmethod
    def from_settings(cls, settings: Any, fallback: Extractor | None = None) -> LLMExtractor:
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        return cls(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=key,
            timeout_s=settings.llm_timeout_s,
            fallback=fallback,
        )

    def __repr__(self) -> str:
        return f"LLMExtractor(base_url={self.base_url!r}, model={self.model!r})"

    def close(self) -> None:
        self._client.close()

    # -- the call

    def messages(self, article: ArticleText, context: ExtractionContext) -> list[dict[str, str]]:
        terms = ", ".join(context.topic_terms) or "—"
        when = article.published_at.isoformat() if article.published_at else "unknown"
        user = (
            f"Topic: {context.topic_name or '—'} (terms: {terms})\n"
            f"Outlet: {article.outlet or 'unknown'}\nPublished: {when}\n"
            f"Title: {article.title}\n\nArticle:\n{article.text[:MAX_ARTICLE_CHARS]}"
        )
        return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]

    def ask(self, article: ArticleText, context: ExtractionContext) -> LLMAnswer:
        payload = {
            "model": self.model,
            "messages": self.messages(article, context),
            "response_format": {"type": "json_object"},
            "temperature": 0,
        }
        try:
            resp = self._client.post(f"{self.base_url}/chat/completions", json=payload)
        except httpx.TimeoutException:
            raise LLMError(f"timed out after {self.timeout_s:g}s") from None
        except httpx.HTTPError as exc:
            raise LLMError(f"request failed ({type(exc).__name__})") from None
        if resp.status_code != 200:
            raise LLMError(f"HTTP {resp.status_code}")
        try:
            content = resp.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise LLMError("response is not a chat completion") from None
        if not isinstance(content, str):
            raise LLMError("completion has no text content")
        return parse_answer(content)

    def extract(self, article: ArticleText, context: ExtractionContext) -> ExtractionResult:
        try:
            answer = self.ask(article, context)
        except LLMError as exc:
            return self._fall_back(article, context, str(exc))
        except Exception as exc:  # never let a backend problem lose the article
            return self._fall_back(article, context, f"unexpected {type(exc).__name__}")
        return self.to_result(answer, article, context)

    def _fall_back(
        self, article: ArticleText, context: ExtractionContext, why: str
    ) -> ExtractionResult:
        log.warning(
            "LLM extractor (%s at %s) failed on %s: %s; using the %s extractor",
            self.model,
            self.base_url,
            article.url or article.title or "article",
            why,
            self.fallback.name if self.fallback else "no",
        )
        if self.fallback is None:
            return ExtractionResult(abstentions=[Abstention("", 0, 0, f"llm failed: {why}")])
        return self.fallback.extract(article, context)

    # -- the answer

    def to_result(
        self, answer: LLMAnswer, article: ArticleText, context: ExtractionContext
    ) -> ExtractionResult:
        text = article.text
        aliases = {k.lower(): v for k, v in context.aliases.items()}
        resolver = PartyResolver(context.known_parties, article.outlet)
        known = list(context.known_keys)
        result = ExtractionResult()
        claims: list[ExtractedClaim] = []
        for c in answer.claims:
            span = find_evidence(text, c.evidence)
            if span is None:
                log.info(
                    "LLM claim rejected on %s: evidence not in the article: %.120r",
                    article.url,
                    c.evidence,
                )
                result.abstentions.append(
                    Abstention(c.evidence, 0, 0, "llm: evidence not found in the article")
                )
                continue
            start, end = span
            try:
                value = to_value(c.value)
            except ValueError as exc:
                log.info("LLM claim rejected on %s: %s", article.url, exc)
                result.abstentions.append(Abstention(text[start:end], start, end, f"llm: {exc}"))
                continue
            source, detail = self._source(c, article, aliases, resolver)
            if value.kind == "figure" and _quantity_unit(value) == COUNT:
                value = replace(value, unit=measure_of_key(c.key))
            key, label = to_key(c.key, value, source, known)
            if key.startswith(STATEMENT_PREFIX) and not any(k.key == key for k in known):
                known.append(KnownKey(key, label))
            claims.append(
                ExtractedClaim(
                    key=key,
                    key_label=label,
                    source=source,
                    value=value,
                    evidence=text[start:end],
                    start=start,
                    end=end,
                    source_detail=detail,
                    asserted_at=c.asserted_at,
                    background=c.background,
                    precision=value.precision,
                )
            )
        result.claims = one_per_statement(claims)
        return result

    @staticmethod
    def _source(
        c: LLMClaim, article: ArticleText, aliases: dict[str, str], resolver: PartyResolver
    ) -> tuple[str, str | None]:
        raw = re.sub(r"\s+", " ", c.source).strip()
        if raw.lower() in _UNATTRIBUTED:
            return article.outlet.strip() or "unattributed", None
        detail = c.source_detail.strip() if c.source_detail and c.source_detail.strip() else None
        if raw.lower() in aliases:
            return aliases[raw.lower()], detail
        if detail is not None and detail.lower() in aliases:
            return aliases[detail.lower()], detail
        return resolver.canonical(raw), detail
