"""Calls to an OpenAI-compatible chat-completions endpoint: cache, concurrency, retries, spend.

The cache is a JSON-lines file in the workspace (`llm-cache.jsonl`), one line per request that
got an answer: its content hash, the request, the raw response, model, seed, tokens and cost.
The same request is never sent twice. JSON lines rather than SQLite because only the store
speaks SQL (and judges never import the store); because an instructor can read exactly what was
sent and received with any editor; and because appends from several threads (or runs) need no
schema: a line cut short by a killed run is skipped on the next load, and deleting the file
only means asking again.

Retries: 429, 5xx, timeouts and connection errors are retried with exponential backoff (an
endpoint's Retry-After is honoured, up to a minute); 401, 403 and 404 stop the run's calls at
once, since every further request would fail the same way. A call that still fails gives the
judge an error to turn into needs_review, never into a mark.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only annotations: `gradewise results` reads the spend without the settings
    from gradewise.judges.llm_config import EndpointSettings

CACHE_FILE = "llm-cache.jsonl"
CACHE_VERSION = 1
MAX_RETRY_AFTER_S = 60.0
_FATAL = {
    401: "the endpoint refused the key",
    403: "the endpoint refused access",
    404: "no such endpoint or model",
}


def request_key(body: dict[str, Any]) -> str:
    """The content hash of a request: same body, same key, whatever the order of its fields."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Reply:
    """One request's outcome: the reply text (and token log-probabilities), or why none came.

    `first` holds the alternatives the endpoint gave for the reply's first token (its
    `top_logprobs`): what P(Yes) of a Yes/No question is read from."""

    key: str
    content: str = ""
    tokens: tuple[tuple[str, float], ...] | None = None
    cached: bool = False
    error: str = ""
    first: tuple[tuple[str, float], ...] | None = None
    refusal: str = ""  # the endpoint's `refusal` field: why the model would not answer


class ResponseCache:
    """Answered requests by content hash, in a JSON-lines file; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._entries: dict[str, dict[str, Any]] | None = None

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            return self._load().get(key)

    def put(self, entry: dict[str, Any]) -> None:
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock:
            self._load()[entry["key"]] = entry
            # One write of one line in append mode: concurrent runs do not interleave lines.
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._load().values())

    def _load(self) -> dict[str, dict[str, Any]]:
        if self._entries is None:
            self._entries = {}
            if self.path.is_file():
                for line in self.path.read_text(encoding="utf-8").splitlines():
                    entry = _parsed(line)
                    if entry is not None:
                        self._entries[entry["key"]] = entry
        return self._entries


def _parsed(line: str) -> dict[str, Any] | None:
    """A cache line, or None for one cut short by a killed run (or from another version)."""
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    ok = isinstance(entry, dict) and entry.get("v") == CACHE_VERSION and "key" in entry
    return entry if ok else None


@dataclass
class Spend:
    """What one run cost: calls sent and answered from the cache, tokens, money, time."""

    sent: int = 0
    cached: int = 0
    failed: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **amounts: float) -> None:
        with self._lock:
            for name, amount in amounts.items():
                setattr(self, name, getattr(self, name) + amount)

    def line(self, settings: EndpointSettings, what: str = "LLM") -> str:
        """One line for the end of `gradewise grade` (or of `scripts add --transcribe`)."""
        priced = settings.price_per_1k_input or settings.price_per_1k_output
        cost = f"${self.cost:.4f}" if priced else "no price set"
        if settings.local:
            cost = "$0 (in this process)"
        return (
            f"{what} {settings.model}: {self.sent} calls sent, {self.cached} from the cache, "
            f"{self.failed} failed ({self.retries} retries); {self.prompt_tokens:,} tokens in, "
            f"{self.completion_tokens:,} out; {cost}; {self.seconds:.1f} s"
        )


def _as_sent(body: dict[str, Any]) -> dict[str, Any]:
    return body


class Client:
    """Sends requests (at most `max_concurrency` at a time), each once, retrying what may pass.

    `logged` gives the form of a request that is hashed for the cache and written to it: the
    request itself by default; a page image is logged by its hash, not its megabytes."""

    def __init__(
        self,
        settings: EndpointSettings,
        api_key: str,
        cache: ResponseCache,
        *,
        logged: Callable[[dict[str, Any]], dict[str, Any]] = _as_sent,
    ) -> None:
        self.settings = settings
        self.api_key = api_key
        self.cache = cache
        self.logged = logged
        self.spend = Spend()
        self._fatal = ""

    def complete_all(self, bodies: Sequence[dict[str, Any]]) -> list[Reply]:
        """One reply per request body, in order; never raises."""
        import httpx  # only a run that calls an endpoint needs it

        def send() -> list[Reply]:
            limits = httpx.Limits(max_connections=self.settings.max_concurrency)
            timeout = httpx.Timeout(self.settings.timeout_s)
            with (
                httpx.Client(timeout=timeout, limits=limits, headers=self._headers()) as http,
                ThreadPoolExecutor(self.settings.max_concurrency) as pool,
            ):
                return list(pool.map(lambda body: self._one(http, body), bodies))

        return self._timed(send)

    def _timed(self, send: Callable[[], list[Reply]]) -> list[Reply]:
        started = time.monotonic()
        replies = send()
        self.spend.add(seconds=time.monotonic() - started)
        return replies

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def _one(self, http: Any, body: dict[str, Any]) -> Reply:
        shown = self.logged(body)
        key = request_key(shown)
        entry = self.cache.get(key)
        if entry is not None:
            self.spend.add(cached=1)
            return _reply(entry, cached=True)
        if self._fatal:
            self.spend.add(failed=1)
            return Reply(key, error=self._fatal)
        response, error = self._post(http, body)
        if response is None:
            self.spend.add(failed=1)
            return Reply(key, error=error)
        entry = self._entry(key, shown, response)
        self.cache.put(entry)
        return _reply(entry, cached=False)

    def _post(self, http: Any, body: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
        """The endpoint's JSON reply, or None and why, after the retries allowed."""
        import httpx

        error, wait = "", 0.0
        for attempt in range(self.settings.max_retries + 1):
            if attempt:
                self.spend.add(retries=1)
                time.sleep(max(wait, self.settings.backoff_s * 2 ** (attempt - 1)))
            wait = 0.0
            try:
                response = http.post(self.settings.endpoint, json=body)
            except httpx.TimeoutException:
                error = f"no reply within timeout_s = {self.settings.timeout_s:g}"
                continue
            except httpx.HTTPError as exc:
                error = f"cannot reach {self.settings.endpoint}: {exc}"
                continue
            code = response.status_code
            if code == 429 or code >= 500:
                error, wait = f"HTTP {code} from the endpoint", _retry_after(response)
                continue
            if code >= 400:
                return None, self._refused(code, response.text)
            try:
                return response.json(), ""
            except ValueError:
                error = "the endpoint's reply was not JSON"
        tries = self.settings.max_retries + 1
        return None, f"{error} ({tries} tr{'y' if tries == 1 else 'ies'})"

    def _refused(self, code: int, text: str) -> str:
        """A 4xx reply: retrying cannot help. Keys and missing models stop all further calls."""
        why = _FATAL.get(code, "the endpoint rejected the request")
        message = f"HTTP {code}: {why} ({' '.join(text.split())[:160]})"
        if code in _FATAL:
            self._fatal = message
        elif code == 400 and self.settings.bad_request_hint:
            message += "; " + self.settings.bad_request_hint
        return message

    def _entry(self, key: str, body: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
        usage = response.get("usage") if isinstance(response.get("usage"), dict) else {}
        prompt, completion = _count(usage, "prompt_tokens"), _count(usage, "completion_tokens")
        s = self.settings
        cost = prompt / 1000 * s.price_per_1k_input + completion / 1000 * s.price_per_1k_output
        self.spend.add(sent=1, prompt_tokens=prompt, completion_tokens=completion, cost=cost)
        return {
            "v": CACHE_VERSION,
            "key": key,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "model": response.get("model") or body.get("model"),
            "seed": body.get("seed"),
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "cost": cost,
            "request": body,
            "response": response,
        }


def _count(usage: Any, name: str) -> int:
    value = usage.get(name, 0) if isinstance(usage, dict) else 0
    return value if isinstance(value, int) else 0


def _retry_after(response: Any) -> float:
    try:
        return min(float(response.headers.get("retry-after", 0)), MAX_RETRY_AFTER_S)
    except ValueError:  # an HTTP date: fall back to our own backoff
        return 0.0


def _reply(entry: dict[str, Any], *, cached: bool) -> Reply:
    """The text of the first choice and its token log-probabilities, read defensively."""
    response = entry.get("response")
    choices = response.get("choices") if isinstance(response, dict) else None
    choice = choices[0] if isinstance(choices, list) and choices else {}
    message = choice.get("message") if isinstance(choice, dict) else None
    content = message.get("content") if isinstance(message, dict) else None
    text = content if isinstance(content, str) else ""
    refusal = message.get("refusal") if isinstance(message, dict) else None
    refused = refusal if isinstance(refusal, str) else ""
    return Reply(entry["key"], text, _tokens(choice), cached, first=_first(choice), refusal=refused)


def _logprobs(choice: Any) -> list[Any] | None:
    logprobs = choice.get("logprobs") if isinstance(choice, dict) else None
    content = logprobs.get("content") if isinstance(logprobs, dict) else None
    return content if isinstance(content, list) and content else None


def _tokens(choice: Any) -> tuple[tuple[str, float], ...] | None:
    content = _logprobs(choice)
    try:
        return tuple((str(t["token"]), float(t["logprob"])) for t in content) if content else None
    except (KeyError, TypeError, ValueError):
        return None


def _first(choice: Any) -> tuple[tuple[str, float], ...] | None:
    """The first token and its alternatives (top_logprobs), most likely first."""
    content = _logprobs(choice)
    first = content[0] if content else None
    if not isinstance(first, dict):
        return None
    try:
        found = [(str(first["token"]), float(first["logprob"]))]
        found += [(str(t["token"]), float(t["logprob"])) for t in first.get("top_logprobs") or []]
    except (KeyError, TypeError, ValueError):
        return None
    return tuple(sorted(dict(found).items(), key=lambda t: -t[1]))


def workspace_spend(root: Path) -> tuple[int, int, int, float]:
    """Over every answered request in the workspace's cache: (calls, tokens in, tokens out,
    cost at the prices in force when each was sent)."""
    entries = ResponseCache(root / CACHE_FILE).entries()
    return (
        len(entries),
        sum(int(e.get("prompt_tokens", 0)) for e in entries),
        sum(int(e.get("completion_tokens", 0)) for e in entries),
        sum(float(e.get("cost", 0.0)) for e in entries),
    )
