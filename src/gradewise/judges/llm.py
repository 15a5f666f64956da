"""The `llm` and `hybrid` judges: a language model the instructor configured, held to evidence.

`llm` asks any OpenAI-compatible chat-completions endpoint (vLLM, Ollama, llama.cpp server, a
cloud API) set in the workspace's `gradewise.toml` (see `llm_config`) for a structured verdict on
one criterion (or a whole part): met, partial or not met, a quote from the answer, a reason.
What the model claims is checked, not trusted: a quote that is not in the student's words or a
reply that is not the JSON asked for is needs_review; a call that failed after its retries is
an error (tried again by the next `gradewise grade`); neither is ever not_met. Confidence is
the probability the model gave its verdict's tokens where the endpoint returns
log-probabilities; else, with `samples` > 1, the smoothed share of samples that agree with the
majority; else 0.5 (so a human looks). Each verdict's reason ends with the model, the seed and
the content hash under which the request and the raw response are kept in `llm-cache.jsonl`;
the judge's version carries the model and a hash of the options, so changing them re-grades.

Prompts hold no student identity: a JudgeItem carries none. (A student who writes their own
name inside an answer sends it along with the answer.)

`hybrid` asks an offline judge first (`[hybrid] offline`, default similarity) and the LLM only
where that judge is less confident than the part's `review_below`.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from gradewise.errors import WorkspaceError
from gradewise.hookspecs import hookimpl
from gradewise.judges.llm_client import CACHE_FILE, Client, Reply, ResponseCache, request_key
from gradewise.judges.llm_config import CONFIG_FILE, NO_CONFIG_FIX, Config, load_config
from gradewise.judges.llm_prompt import (
    FRACTIONS,
    PROMPT_VERSION,
    SYSTEM,
    Unreadable,
    find_quote,
    read_reply,
    request,
    verdict_probability,
)
from gradewise.judges.registry import Configurable, Judge, JudgeItem, Judgement, judges
from gradewise.model import Status

VERSION = "1"
NOT_CONFIGURED = f"the llm judge is not configured: in {CONFIG_FILE}, {NO_CONFIG_FIX}"
# Confidence of a single sample when the endpoint gives no token probabilities: below every
# sensible review threshold, so a human checks it.
UNKNOWN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Vote:
    """One sample's verdict (None when the sample is unusable, with the problem)."""

    verdict: str | None
    reply: Reply
    seed: int
    span: tuple[int, int] | None = None
    probability: float | None = None
    reason: str = ""


@dataclass(frozen=True)
class Preview:
    """What a run would send: the request bodies and how many are already answered."""

    endpoint: str
    bodies: tuple[dict[str, Any], ...]
    cached: int

    def render(self) -> str:
        """The prompts as they would be sent, then the number of calls."""
        lines = [f"System prompt (every call):\n{SYSTEM}"]
        for i, body in enumerate(self.bodies, 1):
            seed = body.get("seed")
            lines.append(f"--- call {i} of {len(self.bodies)} (seed {seed}) ---")
            lines.append(body["messages"][-1]["content"])
        lines.append(self.summary())
        return "\n\n".join(lines)

    def summary(self) -> str:
        to_send = len(self.bodies) - self.cached
        return (
            f"{len(self.bodies)} calls to {self.endpoint}: {to_send} to send, {self.cached} "
            "already in the cache (dry run: nothing was sent)"
        )


class LLMJudge:
    """Structured verdicts from an OpenAI-compatible endpoint, checked against the answer."""

    id = "llm"

    def __init__(self, config: Config | None = None, root: Path | None = None) -> None:
        self.config = config
        self.version = (
            VERSION if config is None else f"{VERSION}:{config.llm.model}#{_hash(config)}"
        )
        self.client = None
        if config is not None and root is not None:
            self.client = Client(config.llm, config.api_key, ResponseCache(root / CACHE_FILE))

    def configured(self, root: Path, options: Mapping[str, Any]) -> LLMJudge:
        """This judge with the workspace's `[llm]` settings (`options` override them)."""
        return LLMJudge(
            load_config(root, {k: v for k, v in options.items() if v is not None}), root
        )

    def judge_many(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        """One judgement per item; never raises (failures are needs_review judgements)."""
        if self.client is None or self.config is None:
            return [Judgement(Status.NEEDS_REVIEW, 0.0, 0.0, NOT_CONFIGURED) for _ in items]
        try:
            replies = self.client.complete_all(self._bodies(items))
            n = self.config.llm.samples
            return [self._decide(it, replies[i * n : (i + 1) * n]) for i, it in enumerate(items)]
        except Exception as exc:  # a judge failure goes to a human, never to zero marks
            return [_review(f"llm judge failed: {exc!r}") for _ in items]

    def preview(self, items: Sequence[JudgeItem]) -> Preview:
        """The requests `judge_many(items)` would send; nothing is sent."""
        if self.client is None or self.config is None:
            raise WorkspaceError(NOT_CONFIGURED)
        bodies = tuple(self._bodies(items))
        cached = sum(self.client.cache.get(request_key(b)) is not None for b in bodies)
        return Preview(self.config.llm.endpoint, bodies, cached)

    def spend_line(self) -> str:
        """Calls, tokens and cost of this run so far."""
        if self.client is None:
            return ""
        return self.client.spend.line(self.client.settings)

    def _bodies(self, items: Sequence[JudgeItem]) -> list[dict[str, Any]]:
        assert self.config is not None
        s = self.config.llm
        return [request(item, s, k) for item in items for k in range(s.samples)]

    def _decide(self, item: JudgeItem, replies: Sequence[Reply]) -> Judgement:
        """Majority vote over the samples; no clear majority is needs_review."""
        assert self.config is not None
        seed = self.config.llm.seed
        votes = [_vote(item, reply, seed + k) for k, reply in enumerate(replies)]
        counts = Counter(v.verdict for v in votes if v.verdict is not None)
        if not counts and all(v.reply.error for v in votes):
            # No reply at all: an error, which the next `gradewise grade` tries again.
            return Judgement(Status.ERROR, 0.0, 0.0, votes[0].reason)
        if not counts:
            return _review(votes[0].reason)
        (winner, count), *rest = counts.most_common()
        if count * 2 <= len(votes) or (rest and rest[0][1] == count):
            return _review(f"the samples disagree: {_tally(votes)}")
        agreeing = [v for v in votes if v.verdict == winner]
        confidence, note = _confidence(agreeing, len(votes))
        chosen = agreeing[0]
        reason = f"{chosen.reason}{note} [{self._provenance(chosen, count, len(votes))}]"
        return Judgement(Status(winner), FRACTIONS[winner], confidence, reason, chosen.span)

    def _provenance(self, vote: Vote, count: int, n: int) -> str:
        assert self.config is not None
        agree = f"{count} of {n} samples agree; " if n > 1 else ""
        return f"{agree}llm {self.config.llm.model}, seed {vote.seed}, {_ref(vote.reply)}"


def _vote(item: JudgeItem, reply: Reply, seed: int) -> Vote:
    """One sample read and held to the answer: its quote must be in the student's words."""
    if reply.error:
        return Vote(None, reply, seed, reason=f"the LLM call failed: {reply.error}")
    try:
        reading = read_reply(reply.content)
    except Unreadable as exc:
        return Vote(
            None, reply, seed, reason=f"the LLM's reply was malformed ({exc}) [{_ref(reply)}]"
        )
    span = find_quote(item.answer, reading.evidence) if reading.evidence else None
    if reading.evidence and span is None:
        why = f"the LLM quoted {reading.evidence[:80]!r}, which is not in the answer"
        return Vote(None, reply, seed, reason=f"{why} [{_ref(reply)}]")
    if span is None and reading.verdict != "not_met":
        why = f"the LLM said {reading.verdict} without quoting the answer"
        return Vote(None, reply, seed, reason=f"{why} [{_ref(reply)}]")
    probability = verdict_probability(reply.tokens)
    return Vote(reading.verdict, reply, seed, span, probability, reading.reason)


def _confidence(agreeing: Sequence[Vote], n: int) -> tuple[float, str]:
    """From token probabilities (times the share agreeing), else from agreement alone."""
    probabilities = [v.probability for v in agreeing if v.probability is not None]
    if len(probabilities) == len(agreeing):
        mean = sum(probabilities) / len(probabilities)
        return round(mean * len(agreeing) / n, 4), ""
    if n > 1:
        # Smoothed: three samples out of three are a hint, not a proof.
        return round((len(agreeing) + 1) / (n + 2), 4), ""
    note = "; no confidence: the endpoint sent no token probabilities (set samples = 3)"
    return UNKNOWN_CONFIDENCE, note


def _tally(votes: Sequence[Vote]) -> str:
    counts = Counter(v.verdict or "unusable" for v in votes)
    return ", ".join(f"{count} {verdict}" for verdict, count in counts.most_common())


def _review(reason: str) -> Judgement:
    return Judgement(Status.NEEDS_REVIEW, 0.0, 0.0, reason)


def _ref(reply: Reply) -> str:
    return f"response {reply.key[:12]} in {CACHE_FILE}"


def _hash(config: Config) -> str:
    """The options that change what the model is asked (not where, nor how patiently)."""
    s = config.llm
    options = [
        *(PROMPT_VERSION, s.model, s.temperature, s.samples, s.seed),
        *(s.max_tokens, s.examples, s.logprobs, s.response_format),
    ]
    return hashlib.sha256(json.dumps(options).encode()).hexdigest()[:10]


class HybridJudge:
    """An offline judge first; the LLM only where the offline judge is unsure."""

    id = "hybrid"

    def __init__(self, offline: Judge | None = None, llm: LLMJudge | None = None) -> None:
        self.offline, self.llm = offline, llm
        self.version = VERSION
        if offline is not None and llm is not None:
            self.version = f"{VERSION}:{offline.id}@{offline.version}+llm@{llm.version}"
        self.asked = self.judged = 0

    def configured(self, root: Path, options: Mapping[str, Any]) -> HybridJudge:
        """The workspace's `[llm]` settings and its `[hybrid] offline` judge."""
        llm = LLMJudge().configured(root, options)
        assert llm.config is not None
        name = llm.config.hybrid.offline
        offline = judges().get(name)
        if offline is None or name in (self.id, LLMJudge.id):
            known = ", ".join(i for i in judges().ids() if i not in (self.id, LLMJudge.id))
            raise WorkspaceError(
                f"[hybrid] offline = {name!r} is not an offline judge",
                file=str(root / CONFIG_FILE),
                fix=f"use one of: {known}",
            )
        if isinstance(offline, Configurable):
            offline = offline.configured(root, {})
        return HybridJudge(offline, llm)

    def judge_many(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        """The offline judgement where it is sure enough, else the LLM's; never raises."""
        if self.offline is None or self.llm is None:
            return [_review(NOT_CONFIGURED) for _ in items]
        try:
            first = self.offline.judge_many(items)
            unsure = [
                i for i, (it, j) in enumerate(zip(items, first, strict=True)) if _unsure(it, j)
            ]
            asked = self.llm.judge_many([items[i] for i in unsure])
            self.asked, self.judged = self.asked + len(unsure), self.judged + len(items)
            out = [self._sure(j) for j in first]
            for i, judgement in zip(unsure, asked, strict=True):
                out[i] = self._combined(items[i], first[i], judgement)
            return out
        except Exception as exc:  # a judge failure goes to a human, never to zero marks
            return [_review(f"hybrid judge failed: {exc!r}") for _ in items]

    def preview(self, items: Sequence[JudgeItem]) -> Preview:
        """The LLM requests for the items the offline judge is unsure of (it runs; offline)."""
        if self.offline is None or self.llm is None:
            raise WorkspaceError(NOT_CONFIGURED)
        first = self.offline.judge_many(items)
        return self.llm.preview([it for it, j in zip(items, first, strict=True) if _unsure(it, j)])

    def spend_line(self) -> str:
        """The LLM's spend, and how many items needed it."""
        if self.llm is None:
            return ""
        return f"{self.asked} of {self.judged} judged items asked the LLM; {self.llm.spend_line()}"

    def _sure(self, judgement: Judgement) -> Judgement:
        assert self.offline is not None
        return replace(judgement, reason=f"{self.offline.id}: {judgement.reason}")

    def _combined(self, item: JudgeItem, offline: Judgement, llm: Judgement) -> Judgement:
        """The LLM's verdict; if it could not decide, the offline proposal stays, for review."""
        assert self.offline is not None
        unsure = (
            f"{self.offline.id} unsure (confidence {offline.confidence:.2f} < "
            f"{item.review_below:g}, proposed {offline.fraction:.0%})"
        )
        if llm.status.decided:
            return replace(llm, reason=f"{unsure}; LLM: {llm.reason}")
        why = f"{unsure}; the LLM could not decide: {llm.reason}"
        status = Status.ERROR if llm.status is Status.ERROR else Status.NEEDS_REVIEW
        return replace(offline, status=status, reason=why)


def _unsure(item: JudgeItem, judgement: Judgement) -> bool:
    return not judgement.status.decided or judgement.confidence < item.review_below


def spend_line(judge: object) -> str:
    """The run's LLM calls, tokens and cost, for a judge that calls one ('' otherwise)."""
    return judge.spend_line() if isinstance(judge, LLMJudge | HybridJudge) else ""


@hookimpl
def register_judges(register: Callable[[Judge], None]) -> None:
    register(LLMJudge())
    register(HybridJudge())
