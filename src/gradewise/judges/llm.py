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

Prompts hold no student identity: a JudgeItem carries none, and the answers in it (the one
judged and the marked examples) come with their writers' names, ids and email addresses
replaced by [name], [id] and [email] (gradewise.privacy, called by grading and the workspace).

With `style = "yesno"` (the default for an in-process model, `url = "local:"`) each decision is
a closed question whose P(Yes) is the fraction and max(P, 1 − P) the confidence; what gives
credit must still be backed by a quote found in the answer (see `llm_prompt`).

`hybrid` asks an offline judge first (`[hybrid] offline`, default learned) and the LLM only
where that judge is less confident than the part's `review_below`.

Neither asks the LLM which answers a human should mark first (`select`): `llm` chooses as the
similarity judge does, by meaning; `hybrid` as its offline judge does where that judge can
choose, else by meaning too. A choice never fails: it falls back to a seeded-random one.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from gradewise.errors import WorkspaceError
from gradewise.hookspecs import hookimpl
from gradewise.judges.llm_client import CACHE_FILE, Client, Reply, ResponseCache, request_key
from gradewise.judges.llm_config import (
    CONFIG_FILE,
    NO_CONFIG_FIX,
    Config,
    load_config,
    settings_file,
)
from gradewise.judges.llm_local import LocalClient, LocalModel, ModelFile, model_file
from gradewise.judges.llm_prompt import (
    FRACTIONS,
    PROMPT_VERSION,
    YESNO_VERSION,
    Unreadable,
    find_quote,
    quote_request,
    read_quote,
    read_reply,
    request,
    verdict_probability,
    yes_probability,
    yesno_request,
)
from gradewise.judges.registry import (
    Configurable,
    Judge,
    JudgeItem,
    Judgement,
    Selector,
    judges,
)
from gradewise.judges.select import seeded_order
from gradewise.judges.similarity import SimilarityJudge
from gradewise.model import Status

VERSION = "1"
NOT_CONFIGURED = f"the llm judge is not configured: in {CONFIG_FILE}, {NO_CONFIG_FIX}"
# Confidence of a single sample when the endpoint gives no token probabilities: below every
# sensible review threshold, so a human checks it.
UNKNOWN_CONFIDENCE = 0.5
# yesno: P(Yes) bands, as the similarity judge's fractions (at most NOT_MET_UP_TO: no credit,
# nothing to quote; from MET_FROM: met; between: partial).
NOT_MET_UP_TO, MET_FROM = 0.25, 0.75


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
    quotes: bool = False  # yesno: a quote request follows each decision that gives credit

    def render(self) -> str:
        """The prompts as they would be sent, then the number of calls."""
        system = self.bodies[0]["messages"][0]["content"] if self.bodies else ""
        lines = [f"System prompt (every call):\n{system}"]
        for i, body in enumerate(self.bodies, 1):
            seed = body.get("seed")
            lines.append(f"--- call {i} of {len(self.bodies)} (seed {seed}) ---")
            lines.append(body["messages"][-1]["content"])
        lines.append(self.summary())
        return "\n\n".join(lines)

    def summary(self) -> str:
        to_send = len(self.bodies) - self.cached
        more = (
            ", then one short quote request for each answer the model gives credit"
            if self.quotes
            else ""
        )
        return (
            f"{len(self.bodies)} calls to {self.endpoint}: {to_send} to send, {self.cached} "
            f"already in the cache{more} (dry run: nothing was sent)"
        )


class LLMJudge:
    """Structured verdicts from an OpenAI-compatible endpoint, checked against the answer."""

    id = "llm"

    def __init__(
        self, config: Config | None = None, root: Path | None = None, model: ModelFile | None = None
    ) -> None:
        self.config = config
        self.version = (
            VERSION if config is None else f"{VERSION}:{config.llm.model}#{_hash(config, model)}"
        )
        self.client: Client | None = None
        if config is not None and root is not None:
            cache = ResponseCache(settings_file(root).parent / CACHE_FILE)
            if model is not None:
                self.client = LocalClient(config.llm, cache, LocalModel(model, config.llm))
            else:
                self.client = Client(config.llm, config.api_key, cache)

    def configured(self, root: Path, options: Mapping[str, Any]) -> LLMJudge:
        """This judge with the `[llm]` settings of the workspace at `root` (or of the settings
        file `root`); `options` override them. A local model is found (not loaded) here."""
        config = load_config(root, {k: v for k, v in options.items() if v is not None})
        if not config.llm.local:
            return LLMJudge(config, root)
        model = model_file(config.llm)
        if not config.llm.model:
            config = replace(config, llm=config.llm.model_copy(update={"model": model.name}))
        return LLMJudge(config, root, model)

    def select(
        self, answers: Sequence[str], k: int, rng: random.Random, marked: Sequence[int] = ()
    ) -> list[int]:
        """The k answers (indices, none of `marked`) to mark first, chosen by meaning as the
        similarity judge chooses (the LLM is never asked); seeded-random if that fails."""
        return _select(SimilarityJudge(), answers, k, rng, marked)

    def judge_many(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        """One judgement per item; never raises (failures are needs_review judgements)."""
        if self.client is None or self.config is None:
            return [Judgement(Status.NEEDS_REVIEW, 0.0, 0.0, NOT_CONFIGURED) for _ in items]
        if self.config.llm.verdict_style == "yesno":
            return self._yesno(items)
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
        yesno = self.config.llm.verdict_style == "yesno"
        bodies = tuple(self._decisions(items) if yesno else self._bodies(items))
        cached = sum(self.client.cache.get(request_key(b)) is not None for b in bodies)
        return Preview(self.config.llm.endpoint, bodies, cached, quotes=yesno)

    def spend_line(self) -> str:
        """Calls, tokens and cost of this run so far."""
        if self.client is None:
            return ""
        return self.client.spend.line(self.client.settings)

    def _bodies(self, items: Sequence[JudgeItem]) -> list[dict[str, Any]]:
        assert self.config is not None
        s = self.config.llm
        return [request(item, s, k) for item in items for k in range(s.samples)]

    def _decisions(self, items: Sequence[JudgeItem]) -> list[dict[str, Any]]:
        assert self.config is not None
        return [yesno_request(item, self.config.llm) for item in items]

    def _yesno(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        """P(Yes) per item, then a quote request for each that gets credit; never raises."""
        assert self.client is not None and self.config is not None
        try:
            asks = self._decisions(items)
            decided = self.client.complete_all(asks)
            chances = [yes_probability(r.first) for r in decided]
            credit = [i for i, p in enumerate(chances) if p is not None and p > NOT_MET_UP_TO]
            bodies = [quote_request(asks[i], self.config.llm) for i in credit]
            quotes = dict(zip(credit, self.client.complete_all(bodies), strict=True))
            return [
                self._answered(item, decided[i], chances[i], quotes.get(i))
                for i, item in enumerate(items)
            ]
        except Exception as exc:  # a judge failure goes to a human, never to zero marks
            return [_review(f"llm judge failed: {exc!r}") for _ in items]

    def _answered(
        self, item: JudgeItem, decision: Reply, p: float | None, quote: Reply | None
    ) -> Judgement:
        """One yesno decision: P(Yes) as the fraction, credit only with a quote in the answer."""
        assert self.config is not None
        if decision.error:
            return Judgement(Status.ERROR, 0.0, 0.0, f"the LLM call failed: {decision.error}")
        if p is None:
            said = decision.content[:40]
            return _review(f"the LLM answered {said!r}, not Yes or No [{_ref(decision)}]")
        fraction, confidence = round(p, 4), round(max(p, 1 - p), 4)
        said = f"the LLM answered {'Yes' if p >= 0.5 else 'No'}, P(Yes) = {p:.2f}"
        where = f"llm {self.config.llm.model}, seed {self.config.llm.seed}, {_ref(decision)}"
        if quote is None:
            return Judgement(Status.NOT_MET, fraction, confidence, f"{said} [{where}]")
        if quote.error:
            why = f"{said}, but the quote request failed: {quote.error} [{where}]"
            return Judgement(Status.NEEDS_REVIEW, fraction, 0.0, why)
        passage = read_quote(quote.content)
        span = find_quote(item.answer, passage)
        if span is None:
            why = f"{said}, but quoted {passage[:80]!r}, which is not in the answer"
            return Judgement(
                Status.NEEDS_REVIEW, fraction, 0.0, f"{why} [{where}; quote {_ref(quote)}]"
            )
        status = Status.MET if p >= MET_FROM else Status.PARTIAL
        reason = f"{said} [{where}; quote {_ref(quote)}]"
        return Judgement(status, fraction, confidence, reason, span)

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


def _hash(config: Config, model: ModelFile | None = None) -> str:
    """The options that change what the model is asked (not where, nor how patiently), and
    which model file answers where it runs in this process."""
    s = config.llm
    options: list[Any] = [
        *(PROMPT_VERSION, s.model, s.temperature, s.samples, s.seed),
        *(s.max_tokens, s.examples, s.logprobs, s.response_format),
    ]
    if s.verdict_style == "yesno":
        options = [YESNO_VERSION, s.model, s.seed, s.examples, s.top_logprobs]
    if model is not None:
        options.append(model.sha256)
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

    def select(
        self, answers: Sequence[str], k: int, rng: random.Random, marked: Sequence[int] = ()
    ) -> list[int]:
        """The k answers (indices, none of `marked`) to mark first, as the offline judge
        chooses them where it can, else by meaning; seeded-random if that fails."""
        chooser = self.offline if isinstance(self.offline, Selector) else SimilarityJudge()
        return _select(chooser, answers, k, rng, marked)

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


def _select(
    chooser: Selector, answers: Sequence[str], k: int, rng: random.Random, marked: Sequence[int]
) -> list[int]:
    """The chooser's picks; never raises (choosing which answers to mark must not stop a run)."""
    try:
        return chooser.select(answers, k, rng, marked)
    except Exception:  # any choice is as good as a broken one: keep it reproducible
        return seeded_order(len(answers), k, rng, marked)


def spend_line(judge: object) -> str:
    """The run's LLM calls, tokens and cost, for a judge that calls one ('' otherwise)."""
    return judge.spend_line() if isinstance(judge, LLMJudge | HybridJudge) else ""


@hookimpl
def register_judges(register: Callable[[Judge], None]) -> None:
    register(LLMJudge())
    register(HybridJudge())
