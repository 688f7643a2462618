"""The LLM extractor against a real local HTTP server on 127.0.0.1 (ephemeral port)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bot.app import make_extractor
from bot.claims.extractor import RuleExtractor
from bot.claims.llm import LLMExtractor, find_evidence, parse_answer, to_key
from bot.claims.model import ArticleText, ExtractionContext, KnownKey, KnownParty
from bot.config import Settings
from bot.domain import ClaimValue, Qualifier, Stance

KEY = "sk-test-not-a-real-key-7731"
MODEL = "tiny-claims-model"

TEXT = (
    "Floodwater from the Tessel river reached the old town of Marrow on Sunday.\n\n"
    "The Orrin river authority said 23 people had died and about 200 homes were flooded.\n\n"
    "“We counted at least 30 bodies,” the Orrin Red Cross said on Monday.\n\n"
    "Governor Ilka Brandt denied that the dam had been neglected."
)
S_AUTHORITY = "The Orrin river authority said 23 people had died and about 200 homes were flooded."
S_RED_CROSS = "“We counted at least 30 bodies,” the Orrin Red Cross said on Monday."
S_GOVERNOR = "Governor Ilka Brandt denied that the dam had been neglected."
ARTICLE = ArticleText(
    text=TEXT,
    title="Tessel flood toll rises",
    outlet="Valley Times",
    url="https://valley-times.example/tessel",
    published_at=datetime(2025, 6, 2, 15, tzinfo=UTC),
)
CONTEXT = ExtractionContext(
    topic_name="Tessel valley flood",
    topic_terms=("flood*", "tessel*", "dam"),
    aliases={"ora": "Orrin · river authority"},
    known_parties=(KnownParty("Orrin Red Cross society", ("Mara Voss",)),),
)


def claim(source: str, key: str, value: dict[str, Any], evidence: str, **kw: Any):
    return {"source": source, "key": key, "value": value, "evidence": evidence, **kw}


GOOD = {
    "claims": [
        claim(
            "ORA",
            "flood deaths — count",
            {"kind": "figure", "number": 23, "qualifier": "exact", "unit": "deaths"},
            S_AUTHORITY,
        ),
        claim(
            "ORA",
            "homes — count",
            {"kind": "figure", "number": 200, "qualifier": "about", "unit": "homes"},
            S_AUTHORITY,
        ),
        claim(
            "Orrin Red Cross",
            "deaths — count",
            {"kind": "figure", "number": 30, "qualifier": "at least"},
            # curly quotes straightened and spacing changed: still found in the text
            '"We counted at least 30 bodies,"  the Orrin Red Cross said on Monday.',
            asserted_at="2025-06-02",
        ),
        claim(
            "Governor Ilka Brandt",
            "Tessel valley flood — confirmation",
            {"kind": "stance", "stance": "denies"},
            S_GOVERNOR,
        ),
    ]
}


@dataclass
class FakeLLM:
    """What the fake server answers next, and every request it received."""

    respond: Callable[[dict[str, Any]], tuple[int, str]] = lambda body: (200, "{}")
    delay_s: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    def completion(self, content: str) -> None:
        body = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})
        self.respond = lambda _req: (200, body)


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    state = FakeLLM()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            body = json.loads(raw or b"{}")
            state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            if state.delay_s:
                time.sleep(state.delay_s)
            status, text = state.respond(body)
            data = text.encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield state
    server.shutdown()
    server.server_close()


def make(fake: FakeLLM, timeout_s: float = 5.0) -> LLMExtractor:
    return LLMExtractor(fake.url, MODEL, KEY, timeout_s=timeout_s, fallback=RuleExtractor())


# ------------------------------------------------------------------ a good answer


def test_good_answer_gives_claims_with_offsets(fake_llm: FakeLLM) -> None:
    fake_llm.completion(json.dumps(GOOD))
    result = make(fake_llm).extract(ARTICLE, CONTEXT)
    by = {(c.key, c.source): c for c in result.claims}
    assert len(result.claims) == 4
    for c in result.claims:
        assert TEXT[c.start : c.end] == c.evidence
    deaths = by[("deaths:count", "Orrin · river authority")]  # alias applied, key canonical
    assert deaths.key_label == "deaths — count"
    assert deaths.value == ClaimValue.figure(23, Qualifier.EXACT, "deaths")
    assert deaths.evidence == S_AUTHORITY
    homes = by[("homes:count", "Orrin · river authority")]
    assert homes.value.qualifier is Qualifier.ABOUT and homes.value.number == 200
    # a party the story already knows keeps its known name
    red_cross = by[("deaths:count", "Orrin Red Cross society")]
    assert red_cross.evidence == S_RED_CROSS  # the article's own characters
    assert red_cross.value.qualifier is Qualifier.AT_LEAST
    assert red_cross.asserted_at is not None and red_cross.asserted_at.day == 2
    stance = next(c for c in result.claims if c.value.kind == "stance")
    assert stance.value.stance is Stance.DENIES
    assert stance.source == "Governor Ilka Brandt"
    assert stance.key_label == "Governor Ilka Brandt — position"


def test_request_carries_model_key_and_json_mode(fake_llm: FakeLLM) -> None:
    fake_llm.completion(json.dumps({"claims": []}))
    result = make(fake_llm).extract(ARTICLE, CONTEXT)
    assert result.claims == []
    [req] = fake_llm.requests
    assert req["path"] == "/v1/chat/completions"
    assert req["headers"]["Authorization"] == f"Bearer {KEY}"
    assert req["body"]["model"] == MODEL
    assert req["body"]["response_format"] == {"type": "json_object"}
    assert "Marrow" in req["body"]["messages"][-1]["content"]


def test_evidence_not_in_text_is_rejected(
    fake_llm: FakeLLM, caplog: pytest.LogCaptureFixture
) -> None:
    answer = {
        "claims": [
            GOOD["claims"][0],
            claim(
                "Orrin Red Cross",
                "deaths — count",
                {"kind": "figure", "number": 45, "qualifier": "exact"},
                "The Red Cross said 45 people had died.",
            ),
        ]
    }
    fake_llm.completion(json.dumps(answer))
    with caplog.at_level(logging.INFO, logger="bot.claims.llm"):
        result = make(fake_llm).extract(ARTICLE, CONTEXT)
    assert [c.value.number for c in result.claims] == [23]
    assert any("evidence not found" in a.reason for a in result.abstentions)
    assert "evidence not in the article" in caplog.text


def test_one_claim_per_key_and_source_keeps_the_precise_one(fake_llm: FakeLLM) -> None:
    vague = claim(
        "ORA",
        "deaths — count",
        {"kind": "figure", "number": 20, "qualifier": "more than"},
        S_AUTHORITY,
    )
    fake_llm.completion(json.dumps({"claims": [vague, GOOD["claims"][0]]}))
    result = make(fake_llm).extract(ARTICLE, CONTEXT)
    assert [c.value.number for c in result.claims] == [23]


# ------------------------------------------------------------------ fallbacks


def rules_result():
    return RuleExtractor().extract(ARTICLE, CONTEXT)


@pytest.mark.parametrize(
    "respond",
    [
        pytest.param(lambda _r: (200, "this is not json"), id="body-not-json"),
        pytest.param(
            lambda _r: (200, json.dumps({"choices": [{"message": {"content": "{not json"}}]})),
            id="content-not-json",
        ),
        pytest.param(
            lambda _r: (
                200,
                json.dumps({"choices": [{"message": {"content": '{"claims": [{"key": 1}]}'}}]}),
            ),
            id="schema",
        ),
        pytest.param(lambda _r: (500, '{"error": "boom"}'), id="http-500"),
        pytest.param(lambda _r: (401, '{"error": "bad key"}'), id="http-401"),
    ],
)
def test_errors_fall_back_to_rules(
    fake_llm: FakeLLM,
    respond: Callable[[dict[str, Any]], tuple[int, str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_llm.respond = respond
    with caplog.at_level(logging.WARNING, logger="bot.claims.llm"):
        result = make(fake_llm).extract(ARTICLE, CONTEXT)
    assert result == rules_result()
    assert "using the rules extractor" in caplog.text
    assert KEY not in caplog.text


def test_timeout_falls_back_to_rules(fake_llm: FakeLLM, caplog: pytest.LogCaptureFixture) -> None:
    fake_llm.completion(json.dumps(GOOD))
    fake_llm.delay_s = 1.5
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="bot.claims.llm"):
        result = make(fake_llm, timeout_s=0.3).extract(ARTICLE, CONTEXT)
    assert time.monotonic() - started < 1.4
    assert result == rules_result()
    assert "timed out" in caplog.text


def test_unreachable_server_falls_back(caplog: pytest.LogCaptureFixture) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    extractor = LLMExtractor(f"http://127.0.0.1:{port}/v1", MODEL, KEY, 2.0, RuleExtractor())
    assert extractor.extract(ARTICLE, CONTEXT) == rules_result()
    assert KEY not in caplog.text


# ------------------------------------------------------------------ wiring and pieces


def test_from_settings_and_make_extractor_hide_the_key(fake_llm: FakeLLM) -> None:
    settings = Settings(
        extractor="llm",
        llm_base_url=fake_llm.url,
        llm_model=MODEL,
        llm_api_key=KEY,
        llm_timeout_s=3,
        demo=False,
    )
    extractor = make_extractor(settings)
    assert isinstance(extractor, LLMExtractor) and extractor.name == "llm"
    assert isinstance(extractor.fallback, RuleExtractor)
    assert extractor.model == MODEL and extractor.timeout_s == 3
    assert KEY not in repr(extractor) and KEY not in str(vars(extractor))
    fake_llm.completion(json.dumps({"claims": []}))
    extractor.extract(ARTICLE, CONTEXT)
    assert fake_llm.requests[-1]["headers"]["Authorization"] == f"Bearer {KEY}"


def test_no_key_sends_no_authorization(fake_llm: FakeLLM) -> None:
    fake_llm.completion(json.dumps({"claims": []}))
    LLMExtractor(fake_llm.url, MODEL, None, 5.0, RuleExtractor()).extract(ARTICLE, CONTEXT)
    assert "Authorization" not in fake_llm.requests[-1]["headers"]


def test_parse_answer_accepts_fenced_json_and_bare_lists() -> None:
    assert parse_answer('```json\n{"claims": []}\n```').claims == []
    assert parse_answer("[]").claims == []


def test_keys_map_to_the_rules_shape() -> None:
    fig = ClaimValue.figure(3, Qualifier.EXACT, "deaths")
    assert to_key("people killed — count", fig, "Police", []) == ("deaths:count", "deaths — count")
    pct = ClaimValue.figure(25, Qualifier.EXACT, "%")
    assert to_key("pay offer", pct, "Company", []) == ("offer:percent", "offer — percent")
    money = ClaimValue.figure(5e9, Qualifier.ABOUT, "USD")
    assert to_key("insured losses", money, "Modeller", [])[0] == "losses:money"
    stance = ClaimValue.of_stance(Stance.DECLINES)
    assert to_key("anything", stance, "Defence Ministry", []) == (
        "stance:defence-ministry-position",
        "Defence Ministry — position",
    )
    known = [KnownKey("says:ferries-built-lisbon-yard", "ferries built by the Lisbon yard")]
    status = ClaimValue.of_status("yes")
    assert to_key("the ferries were built by the Lisbon yard", status, "X", known)[0] == (
        "says:ferries-built-lisbon-yard"
    )


def test_find_evidence_is_verbatim_up_to_spacing_and_quotes() -> None:
    assert find_evidence(TEXT, S_GOVERNOR) == (TEXT.index(S_GOVERNOR), TEXT.index(S_GOVERNOR) + 60)
    assert find_evidence(TEXT, "Governor Ilka  Brandt\ndenied") is not None
    assert find_evidence(TEXT, "Governor Ilka Brandt confirmed") is None
