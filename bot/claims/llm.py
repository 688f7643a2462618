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

from bot.claims.counted import class_of
from bot.claims.keys import count_key, location_key, stance_key, status_key
from bot.claims.model import (
    Abstention,
    ArticleText,
    ClaimValue,
    ExtractedClaim,
    ExtractionContext,
    ExtractionResult,
    Extractor,
    Qualifier,
    Stance,
)
from bot.claims.sources import canonical_source

log = logging.getLogger(__name__)

MAX_ARTICLE_CHARS = 24_000

SYSTEM_PROMPT = """You extract claims from a news article for a claim tracker.
A claim is WHO asserts WHAT about the tracked topic: a figure (a count with a
qualifier), a stance on the topic's proposition, or a status word.
Answer with one JSON object and nothing else:
{"claims": [{
  "source": "who asserts it, as the article names them (institution first:
             'Taleria disaster management agency'); the outlet's name when unattributed",
  "source_detail": "the named speaker, e.g. 'spokesman Kerem Tal', or null",
  "key": "counted thing + predicate, e.g. 'deaths — count', 'troops — status',
          'troops — location', '<topic> — confirmation'",
  "value": {"kind": "figure" | "stance" | "status",
            "number": 212, "qualifier": "exact" | "at least" | "more than" | "about" |
            "up to" | "range", "number_high": null, "unit": "deaths",
            "stance": "confirms" | "denies" | "declines to confirm" | "considers credible",
            "status": "in combat"},
  "evidence": "the whole sentence carrying the claim, copied verbatim from the article",
  "asserted_at": "ISO 8601 date when the source said it, or null",
  "background": true when the sentence reports an older statement ("had said last week")
}]}
Rules: copy evidence character for character; never invent a figure; skip dates,
times, ages, money, percentages, magnitudes, distances and phone numbers; at most
one claim per key and source (the most precise); "nearly"/"around"/"some" = about,
"as many as" = up to, "between A and B" = range."""


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
    "confirm": Stance.CONFIRMS,
    "confirmed": Stance.CONFIRMS,
    "deny": Stance.DENIES,
    "denied": Stance.DENIES,
    "declines": Stance.DECLINES,
    "declined to confirm": Stance.DECLINES,
    "does not confirm": Stance.DECLINES,
    "credible": Stance.CREDIBLE,
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


def to_value(v: LLMValue) -> ClaimValue:
    """The model's value as a ``ClaimValue``; ``ValueError`` when it does not make one."""
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
        return ClaimValue.figure(v.number, q, v.unit or None, high)
    if v.kind == "stance":
        s_text = re.sub(r"[_\s]+", " ", (v.stance or "").strip().lower())
        if s_text not in _STANCES:
            raise ValueError(f"unknown stance {v.stance!r}")
        return ClaimValue.of_stance(_STANCES[s_text])
    if not (v.status or "").strip():
        raise ValueError("status without a word")
    return ClaimValue.of_status(v.status or "")


def counted_of(phrase: str) -> str:
    """The counted class of a key's subject ("Dravian soldiers in Belvar" -> "troops")."""
    words = re.findall(r"[a-z]+", phrase.lower())
    for w in reversed(words):
        cls = class_of(w)
        if cls is not None:
            return cls
    return " ".join(words) or "claim"


def to_key(key: str, value: ClaimValue, topic_name: str) -> tuple[str, str]:
    """The model's "thing — predicate" key in the rule extractor's (key, label) shape."""
    parts = [p for p in _KEY_SPLIT.split(key.strip(), maxsplit=1) if p.strip()]
    subject = parts[0] if parts else ""
    predicate = parts[1].strip().lower() if len(parts) > 1 else ""
    if value.kind == "stance":
        return stance_key(topic_name)
    counted = counted_of(subject)
    if value.kind == "figure":
        return count_key(counted)
    if predicate.startswith(("location", "place", "where")):
        return location_key(counted)
    return status_key(counted)


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
            key, label = to_key(c.key, value, context.topic_name)
            if value.kind == "figure":  # the unit is the counted class, as the rules have it
                value = replace(value, unit=key.split(":", 1)[0])
            source, detail = self._source(c, article, aliases)
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
                    precision=_precision(value),
                )
            )
        result.claims = _one_per_key_and_source(claims)
        return result

    @staticmethod
    def _source(
        c: LLMClaim, article: ArticleText, aliases: dict[str, str]
    ) -> tuple[str, str | None]:
        raw = re.sub(r"\s+", " ", c.source).strip()
        if raw.lower() in _UNATTRIBUTED:
            return article.outlet.strip() or "unattributed", None
        source, detail = canonical_source(raw, aliases)
        if detail is None and c.source_detail and c.source_detail.strip():
            detail = c.source_detail.strip()
            if detail.lower() in aliases:
                source = aliases[detail.lower()]
        return source, detail


def _precision(value: ClaimValue) -> int:
    if value.kind != "figure":
        return 1
    return {Qualifier.EXACT: 3, Qualifier.RANGE: 2}.get(value.qualifier or Qualifier.EXACT, 1)


def _one_per_key_and_source(claims: list[ExtractedClaim]) -> list[ExtractedClaim]:
    """At most one claim per (key, source): current over background, then most precise."""
    best: dict[tuple[str, str], ExtractedClaim] = {}
    for c in claims:
        cur = best.get((c.key, c.source))
        if cur is None or (not c.background, c.precision) > (not cur.background, cur.precision):
            best[(c.key, c.source)] = c
    return sorted(best.values(), key=lambda c: (c.start, c.key, c.source))
