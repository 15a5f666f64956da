"""The llm and hybrid judges against a real OpenAI-compatible server on loopback.

The server (http.server in a thread) speaks /v1/chat/completions, serves prepared replies and
records every request it receives; the judge runs its production path (httpx, threads, retries,
cache) against it. Nothing is mocked on the client side.
"""

from __future__ import annotations

import json
import math
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gradewise.cli import cli
from gradewise.judges.llm import HybridJudge, LLMJudge
from gradewise.judges.llm_client import CACHE_FILE
from gradewise.judges.registry import Judge, JudgeItem, Judgement, Selector, judges
from gradewise.judges.similarity import SimilarityJudge
from gradewise.model import Status
from gradewise.workspace import open_workspace

MODEL = "test-model"


# The loopback endpoint ------------------------------------------------------------------------


@dataclass
class Served:
    """One prepared reply: status, JSON payload (or raw text), a delay, extra headers."""

    status: int = 200
    payload: Any = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


Responder = Callable[[dict[str, Any]], Served]


class Endpoint:
    """What the server serves (a queue first, then `responder`) and what it received."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.queue: list[Served] = []
        self.responder: Responder = lambda body: Served(payload=completion(verdict("met", "")))
        self.bodies: list[dict[str, Any]] = []
        self.raw: list[bytes] = []
        self.headers: list[dict[str, str]] = []
        self.times: list[float] = []
        self.in_flight = self.most_in_flight = 0
        self.lock = threading.Lock()

    def serve(self, body: dict[str, Any]) -> Served:
        with self.lock:
            return self.queue.pop(0) if self.queue else self.responder(body)


def _handler(endpoint: Endpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            body = json.loads(raw)
            with endpoint.lock:
                endpoint.raw.append(raw)
                endpoint.bodies.append(body)
                endpoint.headers.append(dict(self.headers))
                endpoint.times.append(time.monotonic())
                endpoint.in_flight += 1
                endpoint.most_in_flight = max(endpoint.most_in_flight, endpoint.in_flight)
            self._reply(body)

        def _reply(self, body: dict[str, Any]) -> None:
            served = endpoint.serve(body) if self.path == "/v1/chat/completions" else Served(404)
            time.sleep(served.delay)
            # Done before the reply is written: once the client has it, its next request may
            # arrive at once (counting after the write let a loaded machine see one too many).
            with endpoint.lock:
                endpoint.in_flight -= 1
            payload = served.payload
            data = (payload if isinstance(payload, str) else json.dumps(payload or {})).encode()
            self.send_response(served.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in served.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:  # quiet test output
            pass

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out closed the socket: expected in the timeout tests


@contextmanager
def serving() -> Iterator[Endpoint]:
    """A loopback chat-completions server in a thread, for as long as the block runs."""
    server = QuietServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    ep = Endpoint(f"http://127.0.0.1:{server.server_address[1]}/v1")
    server.RequestHandlerClass = _handler(ep)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield ep
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    with serving() as ep:
        yield ep


# Prepared replies -----------------------------------------------------------------------------


def verdict(status: str, evidence: str, reason: str = "because") -> str:
    return json.dumps({"evidence": evidence, "reason": reason, "verdict": status})


def completion(content: str, p: float | None = None, usage: tuple[int, int] = (120, 30)) -> Any:
    """A chat-completions response; with `p`, token log-probabilities giving the verdict p."""
    choice: dict[str, Any] = {"index": 0, "message": {"role": "assistant", "content": content}}
    choice["finish_reason"] = "stop"
    if p is not None:
        field = re.search(r'"verdict"\s*:\s*"', content)
        value_at = field.end() if field else -1
        logprobs, pos = [], 0
        for token in re.findall(r"\w+|\W", content):
            lp = math.log(p) if pos == value_at else 0.0  # the verdict's first token carries p
            logprobs.append({"token": token, "logprob": lp, "top_logprobs": []})
            pos += len(token)
        choice["logprobs"] = {"content": logprobs}
    prompt, done = usage
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": MODEL,
        "choices": [choice],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": done,
            "total_tokens": prompt + done,
        },
    }


def student_answer(body: dict[str, Any]) -> str:
    """The student's answer inside a request, as the judge delimits it."""
    user = body["messages"][-1]["content"]
    return user.split("<<<\n", 1)[1].rsplit("\n>>>", 1)[0]


def quoting(p: float | None = 0.95, status: str = "met") -> Responder:
    """A responder that quotes the first words of whatever answer it is sent."""

    def respond(body: dict[str, Any]) -> Served:
        quote = " ".join(student_answer(body).split()[:4])
        return Served(payload=completion(verdict(status, quote), p))

    return respond


# Judges on a workspace folder -----------------------------------------------------------------

ANSWER = "Dropout randomly zeroes activations while training, so units cannot co-adapt."
ITEM = JudgeItem(
    question="Why does dropout reduce overfitting?",
    reference="It randomly zeroes activations during training, preventing co-adaptation.",
    answer=ANSWER,
    criterion="mentions that units are dropped at random during training",
    max_marks=2,
    guidance="Accept 'switches neurons off' for zeroes.",
)


def config(root: Path, url: str, **settings: Any) -> Path:
    settings = {"url": url, "model": MODEL, "backoff_s": 0.05, "timeout_s": 5, **settings}
    lines = [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    (root / "gradewise.toml").write_text("[llm]\n" + "\n".join(lines) + "\n")
    return root


def llm(tmp_path: Path, endpoint: Endpoint, **settings: Any) -> LLMJudge:
    return LLMJudge().configured(config(tmp_path, endpoint.url, **settings), {})


def judge_one(judge: LLMJudge, item: JudgeItem = ITEM) -> Judgement:
    [judgement] = judge.judge_many([item])
    return judgement


def test_good_verdict_with_logprobs(tmp_path: Path, endpoint: Endpoint) -> None:
    quote = "randomly zeroes activations while training"
    endpoint.responder = lambda body: Served(payload=completion(verdict("met", quote), p=0.93))
    j = judge_one(llm(tmp_path, endpoint))
    assert j.status is Status.MET and j.fraction == 1.0
    assert j.confidence == pytest.approx(0.93, abs=1e-3)  # the verdict token's probability
    assert j.evidence is not None and ANSWER[j.evidence[0] : j.evidence[1]] == quote
    assert f"llm {MODEL}, seed 0, response " in j.reason and CACHE_FILE in j.reason
    [body] = endpoint.bodies
    assert body["model"] == MODEL and body["temperature"] == 0 and body["seed"] == 0
    assert body["logprobs"] is True and body["response_format"]["type"] == "json_schema"
    user = body["messages"][-1]["content"]
    # The prompt holds what a grader sees: question, criterion, reference, guidance, answer.
    for text in (ITEM.question, ITEM.criterion, ITEM.reference, ITEM.guidance, ANSWER):
        assert text in user


@pytest.mark.parametrize(
    "content, status, reason",
    [
        # JSON inside a code fence and prose: still read
        (
            'Here:\n```json\n{"evidence": "zeroes activations", "reason": "ok", "verdict": "met"}'
            "\n```",
            Status.MET,
            "ok",
        ),
        # case, spacing and typographic quotes differ from the answer: still found
        (verdict("partial", "DROPOUT  randomly\nzeroes"), Status.PARTIAL, "because"),
        # pieces joined by an ellipsis, in order
        (verdict("met", "Dropout randomly ... cannot co-adapt"), Status.MET, "because"),
        # "not met" written with a space
        ('{"evidence": "", "reason": "no", "verdict": "not met"}', Status.NOT_MET, "no"),
        # not met with nothing to quote: fine
        (verdict("not_met", ""), Status.NOT_MET, "because"),
        # malformed JSON: a human decides, never not_met
        ('{"evidence": "Dropout", "verdict": "met"', Status.NEEDS_REVIEW, "malformed"),
        ("I think the answer is fine.", Status.NEEDS_REVIEW, "malformed"),
        # a verdict outside the schema
        (verdict("excellent", "Dropout"), Status.NEEDS_REVIEW, "malformed"),
        # a quote that is not in the answer (the reference's words, paraphrase)
        (verdict("met", "preventing co-adaptation"), Status.NEEDS_REVIEW, "not in the answer"),
        (verdict("not_met", "uses batch norm"), Status.NEEDS_REVIEW, "not in the answer"),
        # credit claimed without any quote
        (verdict("met", ""), Status.NEEDS_REVIEW, "without quoting"),
        # an empty reply
        ("", Status.NEEDS_REVIEW, "malformed"),
    ],
)
def test_reply_truth_table(
    tmp_path: Path, endpoint: Endpoint, content: str, status: Status, reason: str
) -> None:
    endpoint.responder = lambda body: Served(payload=completion(content, p=0.9))
    j = judge_one(llm(tmp_path, endpoint))
    assert j.status is status and reason in j.reason
    if status is Status.NEEDS_REVIEW:
        assert j.fraction == 0 and j.confidence == 0
        assert "response " in j.reason  # the raw reply can be found in the cache


def test_429_then_success_backs_off(tmp_path: Path, endpoint: Endpoint) -> None:
    endpoint.queue = [Served(429), Served(503)]
    endpoint.responder = lambda body: Served(payload=completion(verdict("met", "Dropout"), 0.9))
    judge = llm(tmp_path, endpoint, backoff_s=0.2)
    assert judge_one(judge).status is Status.MET
    first, second, third = endpoint.times
    assert second - first >= 0.2 and third - second >= 0.4  # exponential: 0.2 s, then 0.4 s
    assert judge.client is not None and judge.client.spend.retries == 2


def test_retry_after_is_honoured(tmp_path: Path, endpoint: Endpoint) -> None:
    endpoint.queue = [Served(429, headers={"Retry-After": "1"})]
    endpoint.responder = lambda body: Served(payload=completion(verdict("met", "Dropout"), 0.9))
    assert judge_one(llm(tmp_path, endpoint)).status is Status.MET
    assert endpoint.times[1] - endpoint.times[0] >= 0.95


def test_slow_endpoint_times_out_to_review(tmp_path: Path, endpoint: Endpoint) -> None:
    endpoint.responder = lambda body: Served(payload=completion(verdict("met", "x")), delay=1.5)
    j = judge_one(llm(tmp_path, endpoint, timeout_s=0.2, max_retries=1))
    assert j.status is Status.ERROR and j.fraction == 0  # for a human or a re-run, not not_met
    assert "no reply within timeout_s = 0.2 (2 tries)" in j.reason
    assert len(endpoint.bodies) == 2


def test_server_errors_exhaust_retries(tmp_path: Path, endpoint: Endpoint) -> None:
    endpoint.responder = lambda body: Served(500, {"error": "boom"})
    j = judge_one(llm(tmp_path, endpoint, max_retries=2))
    assert j.status is Status.ERROR and "HTTP 500" in j.reason and "3 tries" in j.reason
    assert len(endpoint.bodies) == 3
    assert not (tmp_path / CACHE_FILE).exists()  # failures are not cached: asked again next run


def test_refused_key_stops_further_calls(tmp_path: Path, endpoint: Endpoint) -> None:
    endpoint.responder = lambda body: Served(401, {"error": {"message": "bad key"}})
    judge = llm(tmp_path, endpoint, max_concurrency=1)
    items = [JudgeItem("q", "r", f"answer {i}") for i in range(3)]
    out = judge.judge_many(items)
    assert all(j.status is Status.ERROR and "HTTP 401" in j.reason for j in out)
    assert len(endpoint.bodies) == 1  # the other two were not sent


def test_api_key_from_the_environment(
    tmp_path: Path, endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GW_TEST_KEY", "sk-test-123")
    judge_one(llm(tmp_path, endpoint, api_key_env="GW_TEST_KEY"))
    assert endpoint.headers[0]["Authorization"] == "Bearer sk-test-123"
    assert "sk-test-123" not in (tmp_path / CACHE_FILE).read_text()  # the key is never kept


def test_cache_second_run_sends_nothing(tmp_path: Path, endpoint: Endpoint) -> None:
    endpoint.responder = quoting()
    items = [JudgeItem("q", "r", f"answer number {i}", criterion="c") for i in range(4)]
    first = llm(tmp_path, endpoint).judge_many(items)
    assert len(endpoint.bodies) == 4
    again = llm(tmp_path, endpoint)  # a new run: the cache is read from the workspace
    assert again.judge_many(items) == first
    assert len(endpoint.bodies) == 4
    assert again.client is not None and again.client.spend.cached == 4
    entries = [json.loads(line) for line in (tmp_path / CACHE_FILE).read_text().splitlines()]
    assert {e["seed"] for e in entries} == {0} and {e["model"] for e in entries} == {MODEL}
    assert all(e["response"]["choices"] and e["request"]["messages"] for e in entries)


def test_cut_short_cache_line_is_skipped(tmp_path: Path, endpoint: Endpoint) -> None:
    endpoint.responder = quoting()
    judge_one(llm(tmp_path, endpoint))
    with (tmp_path / CACHE_FILE).open("a") as out:
        out.write('{"v": 1, "key": "abc", "resp')  # a run killed mid-write
    judge_one(llm(tmp_path, endpoint))
    assert len(endpoint.bodies) == 1


def test_concurrency_limit(tmp_path: Path, endpoint: Endpoint) -> None:
    respond = quoting()
    endpoint.responder = lambda body: Served(payload=respond(body).payload, delay=0.15)
    items = [JudgeItem("q", "r", f"answer number {i}") for i in range(8)]
    out = llm(tmp_path, endpoint, max_concurrency=3).judge_many(items)
    assert endpoint.most_in_flight == 3 and len(endpoint.bodies) == 8
    assert all(j.status is Status.MET for j in out)


def by_seed(replies: list[tuple[str, float | None]]) -> Responder:
    """Sample k (seed k) gets replies[k]: a verdict ('bad' for malformed) and its probability."""

    def respond(body: dict[str, Any]) -> Served:
        status, p = replies[body["seed"]]
        content = "{broken" if status == "bad" else verdict(status, "Dropout randomly")
        return Served(payload=completion(content, p))

    return respond


@pytest.mark.parametrize(
    "replies, status, confidence",
    [
        # unanimous, no token probabilities: smoothed agreement (3+1)/(3+2)
        ([("met", None)] * 3, Status.MET, 0.8),
        # two of three: (2+1)/(3+2)
        ([("met", None), ("not_met", None), ("met", None)], Status.MET, 0.6),
        # a malformed sample counts against the majority, not for a verdict
        ([("met", None), ("met", None), ("bad", None)], Status.MET, 0.6),
        # no majority of all samples: a human decides
        ([("met", None), ("bad", None), ("bad", None)], Status.NEEDS_REVIEW, 0.0),
        ([("met", None), ("partial", None), ("not_met", None)], Status.NEEDS_REVIEW, 0.0),
        # a tie between two verdicts
        ([("met", None), ("not_met", None)], Status.NEEDS_REVIEW, 0.0),
        # with token probabilities: their mean among the majority, times the share agreeing
        ([("met", 0.9), ("met", 0.7), ("not_met", 0.99)], Status.MET, 0.8 * 2 / 3),
        ([("partial", 0.6)] * 5, Status.PARTIAL, 0.6),
    ],
)
def test_majority_vote_truth_table(
    tmp_path: Path,
    endpoint: Endpoint,
    replies: list[tuple[str, float | None]],
    status: Status,
    confidence: float,
) -> None:
    endpoint.responder = by_seed(replies)
    judge = llm(tmp_path, endpoint, samples=len(replies), temperature=0.7)
    j = judge_one(judge)
    assert j.status is status and j.confidence == pytest.approx(confidence, abs=1e-3)
    assert sorted(b["seed"] for b in endpoint.bodies) == list(range(len(replies)))
    if status.decided:
        agreeing = sum(r[0] == status.value for r in replies)
        assert f"{agreeing} of {len(replies)} samples agree" in j.reason


def test_single_sample_without_logprobs_goes_to_review(tmp_path: Path, endpoint: Endpoint) -> None:
    endpoint.responder = quoting(p=None)
    j = judge_one(llm(tmp_path, endpoint))
    assert j.status is Status.MET and j.confidence == 0.5 < ITEM.review_below
    assert "no token probabilities" in j.reason


def test_options_change_the_version(tmp_path: Path, endpoint: Endpoint) -> None:
    one = llm(tmp_path, endpoint)
    three = llm(tmp_path, endpoint, samples=3, temperature=0.7)
    assert one.version.startswith(f"1:{MODEL}#") and one.version != three.version
    assert judges().get("llm") is not None and judges().get("hybrid") is not None


def test_unconfigured_judge_never_marks(endpoint: Endpoint) -> None:
    [j] = judges().get("llm").judge_many([ITEM])  # type: ignore[union-attr]
    assert j.status is Status.NEEDS_REVIEW and "gradewise.toml" in j.reason
    assert not endpoint.bodies


def test_judge_item_has_no_student_identity() -> None:
    # Who wrote an answer never reaches a judge: adding a field here must be a decision.
    names = {f.name for f in fields(JudgeItem)}
    assert names == {
        "question",
        "reference",
        "answer",
        "criterion",
        "max_marks",
        "examples",
        "group",
        "guidance",
        "review_below",
    }


def test_hybrid_asks_the_llm_only_where_unsure(tmp_path: Path, endpoint: Endpoint) -> None:
    endpoint.responder = quoting(p=0.97)
    root = config(tmp_path, endpoint.url)
    with (root / "gradewise.toml").open("a") as out:
        out.write('[hybrid]\noffline = "lexical"\n')
    hybrid = HybridJudge().configured(root, {})
    sure = JudgeItem("q", "r", "xkcdqrt zzkj qwrtp bbbbbbbbbbbbbbbbbbbbbbbbbbbb")  # gibberish
    unsure = JudgeItem(ITEM.question, ITEM.reference, ANSWER, review_below=1.0)
    first, second = hybrid.judge_many([sure, unsure])
    assert first.status is Status.NOT_MET and first.reason.startswith("lexical: ")
    assert second.status is Status.MET and "lexical unsure" in second.reason
    [body] = endpoint.bodies
    assert student_answer(body) == ANSWER
    assert hybrid.spend_line().startswith("1 of 2 judged items asked the LLM")


def test_hybrid_keeps_the_offline_proposal_when_the_llm_fails(
    tmp_path: Path, endpoint: Endpoint
) -> None:
    endpoint.responder = lambda body: Served(payload=completion("not json"))
    root = config(tmp_path, endpoint.url)
    (root / "gradewise.toml").write_text(
        (root / "gradewise.toml").read_text() + '[hybrid]\noffline = "lexical"\n'
    )
    [j] = (
        HybridJudge().configured(root, {}).judge_many([JudgeItem("q", "r r", "r", review_below=1)])
    )
    assert j.status is Status.NEEDS_REVIEW and "LLM could not decide" in j.reason


# Through the CLI and the workspace ------------------------------------------------------------

EXAM = """\
schema_version: 1
exam: {id: t, title: "Tiny exam"}
sections:
  - id: I
    title: Short
    questions:
      - id: "1"
        marks: 2
        prompt: "Output shape?"
        key: {kind: numeric, value: [32, 128, 26, 26]}
      - id: "2"
        marks: 3
        prompt: "Explain dropout."
        kind: text
        reference: "Randomly zeroes activations during training to reduce co-adaptation."
        guidance: "Accept 'switches neurons off'."
        rubric:
          - {id: random, text: "units are dropped at random", marks: 2}
          - {id: train, text: "only while training", marks: 1}
      - id: "3"
        marks: 2
        prompt: "Why normalise inputs?"
        kind: text
        reference: "Features on one scale make gradient descent converge faster."
"""

SCRIPTS = {
    "s001.md": "Q1 [32, 128, 26, 26]\n\nQ2 it drops units at random while training\n\n"
    "Q3 so that gradient descent converges faster\n",
    "s002.md": "---\nstudent: s002\nname: Grace Hopper\n---\n1) 32 x 128 x 24 x 24\n\n"
    "2) dropout is a kind of regularisation\n\n3) to make the features comparable\n",
}
IDENTITIES = ("s001", "s002", "Ada Lovelace", "Grace Hopper", "ada@uni.test", "g@uni.test")


def run(ws: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["-w", str(ws), *args], catch_exceptions=False)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    assert run(root, "init", str(root)).exit_code == 0
    (root / "exam.yaml").write_text(EXAM)
    for name, text in SCRIPTS.items():
        (root / "scripts" / name).write_text(text)
    (root / "roster.csv").write_text(
        "id,name,email\ns001,Ada Lovelace,ada@uni.test\ns002,Grace Hopper,g@uni.test\n"
    )
    added = run(root, "scripts", "add", str(root / "scripts"), "--roster", str(root / "roster.csv"))
    assert added.exit_code == 0, added.output
    return root


def test_no_config_is_a_one_line_error(ws: Path) -> None:
    out = run(ws, "grade", "--judge", "llm")
    assert out.exit_code != 0
    [line] = out.output.strip().splitlines()
    assert "gradewise.toml" in line and "[llm]" in line and "url" in line and "model" in line


@pytest.mark.parametrize(
    "toml, message",
    [
        ('[llm]\nmodel = "m"\n', "[llm] url: Field required"),  # no url
        ('[llm]\nurl = "localhost:8000"\nmodel = "m"\n', "with its scheme"),  # no scheme
        ('[llm]\nurl = "http://h/v1"\nmodel = "m"\napi_key = "sk"\n', "never write the key"),
        ('[llm]\nurl = "http://h/v1"\nmodel = "m"\nsamples = 3\n', "needs temperature > 0"),
        (
            '[llm]\nurl = "http://h/v1"\nmodel = "m"\napi_key_env = "GW_UNSET_KEY_X"\n',
            "$GW_UNSET_KEY_X is not set",
        ),
        ("[llm\n", "not valid TOML"),
        (
            '[llm]\nurl = "http://h/v1"\nmodel = "m"\n[hybrid]\noffline = "llm"\n',
            "not an offline judge",
        ),
    ],
)
def test_bad_config_is_a_one_line_error(ws: Path, toml: str, message: str) -> None:
    (ws / "gradewise.toml").write_text(toml)
    out = run(ws, "grade", "--judge", "hybrid")
    assert out.exit_code != 0
    [line] = out.output.strip().splitlines()
    assert "gradewise.toml" in line and message in line


def test_dry_run_sends_nothing(ws: Path, endpoint: Endpoint) -> None:
    config(ws, endpoint.url)
    out = run(ws, "grade", "--judge", "llm", "--dry-run")
    assert out.exit_code == 0, out.output
    assert not endpoint.bodies
    # I.2 has two criteria, I.3 is judged whole: 3 decisions for each of the 2 students.
    assert "6 calls to " in out.output and "6 to send, 0 already in the cache" in out.output
    assert "Criterion (2 marks): units are dropped at random" in out.output
    assert "Grader guidance:\nAccept 'switches neurons off'." in out.output
    assert not open_workspace(ws).grades()  # nothing graded, nothing stored


def test_grade_stores_llm_verdicts_and_reports_spend(ws: Path, endpoint: Endpoint) -> None:
    endpoint.responder = quoting(p=0.95)
    config(ws, endpoint.url, price_per_1k_input=0.5, price_per_1k_output=1.0)
    out = run(ws, "grade", "--judge", "llm")
    assert out.exit_code == 0, out.output
    assert len(endpoint.bodies) == 6
    # 6 calls × (120 in, 30 out) at $0.5 / $1 per 1k tokens
    assert "6 calls sent, 0 from the cache, 0 failed" in out.output and "$0.5400" in out.output
    [grade] = open_workspace(ws).grades("s001", "I.2")
    assert {v.produced_by.split("#")[0] for v in grade.verdicts} == {f"llm@1:{MODEL}"}
    assert all(v.status is Status.MET and v.evidence for v in grade.verdicts)
    assert grade.auto_score == 3 and not grade.needs_review
    results = run(ws, "results")
    assert "LLM calls for this exam so far: 6 (720 tokens in, 180 out, $0.5400" in results.output
    assert "Graded 0 answers" in run(ws, "grade", "--judge", "llm").output
    assert len(endpoint.bodies) == 6  # nothing changed, nothing sent


def test_no_student_identity_in_any_request(ws: Path, endpoint: Endpoint) -> None:
    endpoint.responder = quoting()
    config(ws, endpoint.url)
    run(ws, "grades", "set", "s002", "I.3", "1", "--why", "half", "--who", "ta")
    assert run(ws, "grade", "--judge", "llm").exit_code == 0
    assert endpoint.raw
    # the human's mark reached the prompt as an example, without who earned it
    assert any("(50% of the marks) to make the features" in b.decode() for b in endpoint.raw)
    for raw in endpoint.raw:
        text = raw.decode()
        for identity in IDENTITIES:
            assert identity not in text


def test_identity_written_inside_answers_never_reaches_a_request(
    ws: Path, endpoint: Endpoint
) -> None:
    # Ada signs her answers, a classmate's (Grace's) marked answer names her too: neither the
    # answers nor the marked examples carry a name, id or email to the model.
    (ws / "scripts" / "s001.md").write_text(
        "Q1 [32, 128, 26, 26]\n\nQ2 Ada Lovelace (s001): it drops units at random while training"
        "\n\nQ3 so that gradient descent converges faster, says LOVELACE, ada@uni.test\n"
    )
    (ws / "scripts" / "s002.md").write_text(
        "---\nstudent: s002\nname: Grace Hopper\n---\n1) 32 x 128 x 24 x 24\n\n"
        "2) dropout is a kind of regularisation\n\n3) Grace here: features comparable, ask"
        " grace.h@elsewhere.org\n"
    )
    added = run(ws, "scripts", "add", str(ws / "scripts"), "--roster", str(ws / "roster.csv"))
    assert added.exit_code == 0, added.output
    run(ws, "grades", "set", "s002", "I.3", "1", "--why", "half", "--who", "ta")
    endpoint.responder = quoting()
    config(ws, endpoint.url)
    assert run(ws, "grade", "--judge", "llm").exit_code == 0
    sent = [raw.decode() for raw in endpoint.raw]
    assert sent and any("[name] ([id]): it drops units" in s for s in sent)
    assert any("[name] here: features comparable, ask [email]" in s for s in sent)  # example
    for text in sent:
        for identity in (*IDENTITIES, "Lovelace", "LOVELACE", "Grace", "grace.h@elsewhere.org"):
            assert identity not in text
    # The model quoted "[name] ([id]): it drops": the evidence is the student's own words.
    [grade] = open_workspace(ws).grades("s001", "I.2")
    assert {v.evidence for v in grade.verdicts} == {"Ada Lovelace (s001): it drops"}


def test_the_dry_run_shows_answers_scrubbed(ws: Path, endpoint: Endpoint) -> None:
    (ws / "scripts" / "s001.md").write_text("Q1 1\n\nQ2 Ada Lovelace here\n\nQ3 faster\n")
    run(ws, "scripts", "add", str(ws / "scripts"), "--roster", str(ws / "roster.csv"))
    config(ws, endpoint.url)
    out = run(ws, "grade", "--judge", "llm", "--dry-run")
    assert out.exit_code == 0, out.output
    assert "[name] here" in out.output and "Lovelace" not in out.output


def test_samples_regrade_with_majority_vote(ws: Path, endpoint: Endpoint) -> None:
    endpoint.responder = quoting(p=None)
    config(ws, endpoint.url, temperature=0.5)
    run(ws, "grade", "--judge", "llm")
    assert len(endpoint.bodies) == 6
    out = run(ws, "grade", "--judge", "llm", "--samples", "3")
    assert "Graded 4 answers" in out.output  # the options changed: the judged parts again
    # sample 0 (seed 0) is the request already answered; seeds 1 and 2 are new
    assert len(endpoint.bodies) == 6 + 12 and "6 from the cache" in out.output
    [grade] = open_workspace(ws).grades("s001", "I.3")
    [v] = grade.verdicts
    assert v.status is Status.MET and "3 of 3 samples agree" in v.reason and v.confidence == 0.8


def test_failed_calls_are_tried_again_next_run(ws: Path, endpoint: Endpoint) -> None:
    endpoint.responder = lambda body: Served(503)
    config(ws, endpoint.url, max_retries=0)
    assert "0 calls sent, 0 from the cache, 6 failed" in run(ws, "grade", "--judge", "llm").output
    [grade] = open_workspace(ws).grades("s001", "I.3")
    assert grade.verdicts[0].status is Status.ERROR and grade.needs_review
    endpoint.responder = quoting()
    out = run(ws, "grade", "--judge", "llm")
    assert "Graded 4 answers" in out.output and "6 calls sent" in out.output
    [grade] = open_workspace(ws).grades("s001", "I.3")
    assert grade.verdicts[0].status is Status.MET
    assert "Graded 0 answers" in run(ws, "grade", "--judge", "llm").output


def test_samples_need_an_llm_judge(ws: Path) -> None:
    out = run(ws, "grade", "--judge", "lexical", "--samples", "3")
    assert out.exit_code != 0 and "no setting 'samples'" in out.output


# The yesno style: P(Yes) of a closed question, then a quote ------------------------------------


def yes_no(p_yes: float | None, *, top: bool = True) -> Any:
    """A one-token reply whose first token's alternatives give P(Yes) = p_yes."""
    if p_yes is None:
        return completion("Maybe")
    word = "Yes" if p_yes >= 0.5 else "No"
    alternatives = [("Yes", p_yes * 0.9), ("yes", p_yes * 0.1), ("No", 1 - p_yes)]
    response = completion(word)
    response["choices"][0]["logprobs"] = {
        "content": [
            {
                "token": word,
                "logprob": math.log(max(p_yes if word == "Yes" else 1 - p_yes, 1e-9)),
                "top_logprobs": [
                    {"token": t, "logprob": math.log(max(q, 1e-9))} for t, q in alternatives
                ]
                if top
                else [],
            }
        ]
    }
    return response


def yesno_server(p_yes: float | None, quote: str | None = "randomly zeroes") -> Responder:
    """Decisions answered with P(Yes); quote requests (the conversation goes on) with `quote`."""

    def respond(body: dict[str, Any]) -> Served:
        if body["messages"][-1]["role"] == "user" and len(body["messages"]) > 2:
            return Served(500) if quote is None else Served(payload=completion(quote))
        return Served(payload=yes_no(p_yes))

    return respond


@pytest.mark.parametrize(
    "p_yes, quote, status, fraction, confidence, reason",
    [
        # a clear Yes, backed by a quote from the answer
        (0.9, "randomly zeroes activations", Status.MET, 0.9, 0.9, "answered Yes, P(Yes) = 0.90"),
        # the quote wrapped in a label and quotation marks is still found
        (0.8, 'Passage: "units cannot co-adapt"', Status.MET, 0.8, 0.8, "quote response"),
        # unsure: partial credit at P(Yes), for review at the part's threshold
        (0.5, "Dropout", Status.PARTIAL, 0.5, 0.5, "P(Yes) = 0.50"),
        # a clear No: nothing to quote, no second request
        (0.1, None, Status.NOT_MET, 0.1, 0.9, "answered No"),
        # credit claimed with words that are not the student's: a human decides
        (
            0.9,
            "prevents co-adaptation of neurons",
            Status.NEEDS_REVIEW,
            0.9,
            0.0,
            "not in the answer",
        ),
        # the quote request failed: a human decides
        (0.9, None, Status.NEEDS_REVIEW, 0.9, 0.0, "quote request failed"),
        # neither Yes nor No among the alternatives
        (None, None, Status.NEEDS_REVIEW, 0.0, 0.0, "not Yes or No"),
    ],
)
def test_yesno_truth_table(
    tmp_path: Path,
    endpoint: Endpoint,
    p_yes: float | None,
    quote: str | None,
    status: Status,
    fraction: float,
    confidence: float,
    reason: str,
) -> None:
    endpoint.responder = yesno_server(p_yes, quote)
    j = judge_one(llm(tmp_path, endpoint, style="yesno", max_retries=0))
    assert j.status is status and reason in j.reason
    assert j.fraction == pytest.approx(fraction) and j.confidence == pytest.approx(confidence)
    decision = endpoint.bodies[0]
    assert decision["max_tokens"] == 1 and decision["top_logprobs"] == 10
    assert "response_format" not in decision
    assert decision["messages"][-1]["content"].endswith(f"criterion: {ITEM.criterion}? Yes or No")
    asked_quote = len(endpoint.bodies) > 1
    assert asked_quote == (p_yes is not None and p_yes > 0.25)
    if status is Status.MET:
        assert j.evidence is not None and "llm-cache.jsonl" in j.reason
    if asked_quote:  # the same conversation goes on: the prompt's prefix is re-used
        follow = endpoint.bodies[1]["messages"]
        assert follow[:2] == decision["messages"] and follow[2]["content"] == "Yes"


def test_yesno_options_are_checked(tmp_path: Path, endpoint: Endpoint) -> None:
    with pytest.raises(Exception, match='style = "yesno" reads P\\(Yes\\)'):
        llm(tmp_path, endpoint, style="yesno", samples=3, temperature=0.7)
    json_judge, yesno_judge = llm(tmp_path, endpoint), llm(tmp_path, endpoint, style="yesno")
    assert json_judge.version != yesno_judge.version


def test_yesno_dry_run_counts_decisions(ws: Path, endpoint: Endpoint) -> None:
    config(ws, endpoint.url, style="yesno")
    out = run(ws, "grade", "--judge", "llm", "--dry-run")
    assert out.exit_code == 0, out.output
    assert not endpoint.bodies and "6 calls to " in out.output
    assert "one short quote request for each answer the model gives credit" in out.output
    assert "Reply with one word: Yes or No." in out.output


# gradewise evaluate with the llm judge -------------------------------------------------------

GRADED = """\
dataset,split,question_id,question,reference_answer,answer_id,student_answer,score,max_score
toy,all,q1,Why dropout?,It zeroes units at random.,ID-A-001,it zeroes random units,1,1
toy,all,q1,Why dropout?,It zeroes units at random.,ID-A-002,it adds noise to labels,0,1
toy,all,q1,Why dropout?,It zeroes units at random.,ID-A-003,random units are zeroed,1,1
toy,all,q1,Why dropout?,It zeroes units at random.,ID-A-004,it makes the net bigger,0,1
toy,all,q1,Why dropout?,It zeroes units at random.,ID-A-005,units are switched off,1,1
"""


def evaluate_cli(ws: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["-w", str(ws), "evaluate", *args], catch_exceptions=False)


def test_evaluate_uses_the_configured_llm(tmp_path: Path, endpoint: Endpoint) -> None:
    endpoint.responder = quoting(p=0.9)
    data = tmp_path / "graded.csv"
    data.write_text(GRADED)
    config(tmp_path, endpoint.url)
    out = evaluate_cli(tmp_path, "--judge", "llm", "--k", "2", "--seed", "1", str(data))
    assert out.exit_code == 0, out.output
    assert "llm judge (v1:test-model#" in out.output and "calls sent" in out.output
    # zero-shot: 5 answers; 2-shot: the 3 answers not marked by the human, with 2 examples
    assert len(endpoint.bodies) == 5 + 3
    k_shot = [b["messages"][-1]["content"] for b in endpoint.bodies[5:]]
    assert all("Answers a human grader has marked for this part:" in m for m in k_shot)
    assert all(m.count("% of the marks) ") == 2 for m in k_shot)
    assert not any(
        "marked for this part" in b["messages"][-1]["content"] for b in endpoint.bodies[:5]
    )
    for raw in endpoint.raw:  # answer ids (a student's, on real data) never reach the model
        assert b"ID-A-00" not in raw


def test_evaluate_reads_a_config_file(tmp_path: Path, endpoint: Endpoint) -> None:
    endpoint.responder = quoting(p=0.9)
    data = tmp_path / "graded.csv"
    data.write_text(GRADED)
    settings = tmp_path / "elsewhere"
    settings.mkdir()
    config(settings, endpoint.url)
    out = evaluate_cli(
        tmp_path,
        "--judge",
        "llm",
        "--protocol",
        "zero-shot",
        "--config",
        str(settings / "gradewise.toml"),
        "-o",
        str(tmp_path / "r.json"),
        str(data),
    )
    assert out.exit_code == 0, out.output
    assert len(endpoint.bodies) == 5
    assert (settings / CACHE_FILE).is_file()  # the cache lives beside the settings file
    assert "5 calls sent" in json.loads((tmp_path / "r.json").read_text())["llm_spend"]


@pytest.mark.parametrize("judge", ["llm", "hybrid"])
def test_evaluate_without_settings_is_a_one_line_error(tmp_path: Path, judge: str) -> None:
    data = tmp_path / "graded.csv"
    data.write_text(GRADED)
    out = evaluate_cli(tmp_path, "--judge", judge, str(data))
    assert out.exit_code != 0
    [line] = out.output.strip().splitlines()
    assert "gradewise.toml" in line and "[llm]" in line


# Which answers a human should mark first (select) ---------------------------------------------

ANSWERS = [line.split(",")[6] for line in GRADED.splitlines()[1:]]


class Fixed:
    """An offline judge that chooses: always the last answers."""

    id, version = "fixed", "1"

    def judge_many(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        return [Judgement(Status.NEEDS_REVIEW, 0.0, 0.0, "") for _ in items]

    def select(
        self, answers: Sequence[str], k: int, rng: random.Random, marked: Sequence[int] = ()
    ) -> list[int]:
        return [len(answers) - 1 - i for i in range(k)]


class Failing(Fixed):
    def select(
        self, answers: Sequence[str], k: int, rng: random.Random, marked: Sequence[int] = ()
    ) -> list[int]:
        raise RuntimeError("a bug in the offline judge's choice")


def hybrid_with(offline: str) -> Callable[[Path, Endpoint], Judge]:
    def make(tmp_path: Path, endpoint: Endpoint) -> Judge:
        root = config(tmp_path, endpoint.url)
        with (root / "gradewise.toml").open("a") as out:
            out.write(f'[hybrid]\noffline = "{offline}"\n')
        return HybridJudge().configured(root, {})

    return make


@pytest.mark.parametrize(
    "make, chooses",
    [
        (lambda tmp, ep: LLMJudge(), "similarity"),  # unconfigured (as `review next` gets it)
        (lambda tmp, ep: llm(tmp, ep), "similarity"),  # configured: still never asks the LLM
        (lambda tmp, ep: HybridJudge(), "similarity"),  # unconfigured: by meaning
        (hybrid_with("lexical"), "similarity"),  # an offline judge that cannot choose
        (hybrid_with("similarity"), "similarity"),  # an offline judge that chooses
        (lambda tmp, ep: HybridJudge(Fixed(), LLMJudge()), "fixed"),  # ... is asked
        (lambda tmp, ep: HybridJudge(Failing(), LLMJudge()), "random"),  # ... and may fail
    ],
)
def test_select_truth_table(
    tmp_path: Path, endpoint: Endpoint, make: Callable[[Path, Endpoint], Judge], chooses: str
) -> None:
    judge, k, marked = make(tmp_path, endpoint), 2, [0]
    assert isinstance(judge, Selector)
    picks = judge.select(ANSWERS, k, random.Random(0), marked)
    assert len(set(picks)) == k and not set(picks) & set(marked)
    assert all(0 <= i < len(ANSWERS) for i in picks)
    expected = {
        "similarity": SimilarityJudge().select(ANSWERS, k, random.Random(0), marked),
        "fixed": [4, 3],
        "random": sorted(random.Random(0).sample([1, 2, 3, 4], k)),  # seeded: reproducible
    }
    assert picks == expected[chooses]
    assert not endpoint.bodies  # choosing never calls the LLM


def test_registered_llm_judges_are_selectors() -> None:
    assert isinstance(judges().get("llm"), Selector)
    assert isinstance(judges().get("hybrid"), Selector)


def test_evaluate_k_shot_marks_what_the_similarity_judge_chooses(
    tmp_path: Path, endpoint: Endpoint
) -> None:
    endpoint.responder = quoting(p=0.9)
    data = tmp_path / "graded.csv"
    data.write_text(GRADED)
    config(tmp_path, endpoint.url)
    out = evaluate_cli(
        tmp_path, "--judge", "llm", "--protocol", "k-shot", "--k", "2", "--seed", "0", str(data)
    )
    assert out.exit_code == 0, out.output
    picked = SimilarityJudge().select(ANSWERS, 2, random.Random(0))
    assert picked != sorted(random.Random(0).sample(range(5), 2))  # not what chance would pick
    predicted = {student_answer(b) for b in endpoint.bodies}
    assert predicted == {a for i, a in enumerate(ANSWERS) if i not in picked}


@pytest.mark.parametrize("judge", ["llm", "hybrid"])
def test_review_next_chooses_as_the_similarity_judge(ws: Path, judge: str) -> None:
    # No [llm] settings and no endpoint: choosing needs neither.
    by_judge = run(ws, "review", "next", "I.2", "-n", "1", "--judge", judge, "--json")
    by_meaning = run(ws, "review", "next", "I.2", "-n", "1", "--judge", "similarity", "--json")
    assert by_judge.exit_code == 0, by_judge.output
    assert json.loads(by_judge.output) == json.loads(by_meaning.output)
