"""The shell every embedding judge shares: texts → sentence vectors (the encoder), then the
judge's model (`AnswerModel`), then the steps that do not depend on the model — screening
(empty, gibberish, formula-only, other language, the question's words only, very long), the
evidence sentence and the verdict.

A judge is composed, not inherited: `EmbeddingJudge(id, model, encoder)`. The similarity
judge's model is similarity.CurveModel, the learned judge's learned.LearnedModel; what a part's
marked answers teach a model is fitted once per group (`Lessons`).
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar, runtime_checkable

import numpy as np

from gradewise.judges._embed import Encoder, shared_encoder
from gradewise.judges.features import Vectors, cos, embed_items, target
from gradewise.judges.lexical import similarity as lexical_similarity
from gradewise.judges.outlook import Outlook
from gradewise.judges.outlook import outlook as part_outlook
from gradewise.judges.registry import Example, JudgeItem, Judgement
from gradewise.judges.select import cosine_matrix, seeded_order, teach_order
from gradewise.judges.text import (
    FORMULA,
    LONG_ANSWER_WORDS,
    foreign,
    formula_only,
    looks_like_words,
    references,
    sentences,
    terms,
)
from gradewise.model import Status


@dataclass(frozen=True)
class GroupFit:
    """What one part's marked answers taught: the refitted curve and the judge's error on them
    (mean |proposed − human| share of the marks, each answer's own mark held out)."""

    slope: float
    bias: float
    error: float


class AnswerModel(Protocol):
    """What an embedding judge's model does with an answer's vectors: a fraction with no marks,
    what a part's marks teach it, and the reason a verdict gives."""

    version: str

    def zero_shot(self, item: JudgeItem, answer: str, vectors: Vectors) -> tuple[float, float]:
        """(fraction with no marks to learn from, best cosine to a reference)."""
        ...

    def with_examples(
        self, item: JudgeItem, zero: float, vectors: Vectors, lessons: Lessons
    ) -> tuple[float, float]:
        """(fraction, confidence): the zero-shot fraction, or what the part's marks make of it."""
        ...

    def fit_group(self, members: Sequence[JudgeItem], vectors: Vectors) -> GroupFit:
        """What the marked answers of one group teach (`members` share them)."""
        ...

    def explain(self, zero: float, cosine: float) -> str:
        """The verdict's reason: what the judge saw, before any marks."""
        ...


@runtime_checkable
class Evidential(Protocol):
    """Optional model hook: the span of the answer that decided the model's verdict, where the
    model knows it better than the shell (None: the shell's sentence closest to a reference)."""

    def evidence(self, item: JudgeItem, lessons: Lessons) -> tuple[int, int] | None: ...


Model = TypeVar("Model", bound=AnswerModel)


class EmbeddingJudge(Generic[Model]):
    """A free-text judge of an encoder, a model and the steps every embedding judge shares."""

    def __init__(
        self,
        judge_id: str,
        model: Model,
        encoder: Encoder | None = None,
        *,
        sentence_evidence: bool = False,
    ) -> None:
        self.id = judge_id
        self.model = model
        self.version = model.version
        self.encoder = encoder or shared_encoder()
        # Embedding each sentence for the evidence costs about a quarter of the throughput on
        # short answers; by default the sentence is chosen by its words instead.
        self.sentence_evidence = sentence_evidence

    def judge_many(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        """One judgement per item; never raises (failures are needs_review judgements)."""
        targets = [target(item) for item in items]
        try:
            vectors = self.vectors(targets)
        except Exception as exc:  # no model, broken model: a human decides
            reason = f"{self.id} judge unavailable: {exc}"
            return [Judgement(Status.NEEDS_REVIEW, 0.0, 0.0, reason) for _ in items]
        lessons = Lessons(self.model, targets, vectors)
        return [self._safe(item, vectors, lessons) for item in targets]

    def vectors(self, items: Sequence[JudgeItem]) -> Vectors:
        """The sentence vectors the items' judgements read."""
        return embed_items(self.encoder, items, by_sentence=self.sentence_evidence)

    def select(
        self, answers: Sequence[str], k: int, rng: random.Random, marked: Sequence[int] = ()
    ) -> list[int]:
        """The k answers (indices, none of `marked`) to mark first: the centres of the largest
        groups of answers alike in meaning (see judges/select.py). Random if the model fails."""
        try:
            vectors = np.asarray(self.encoder.embed([a or " " for a in answers]))
        except Exception:  # no model: any choice is as good, keep it reproducible
            return seeded_order(len(answers), k, rng, marked)
        return teach_order(cosine_matrix(vectors), k, marked)

    def outlook(self, template: JudgeItem, marks: Sequence[Example], waiting: int) -> Outlook:
        """How much of the part this judge could take over (the `Forecaster` hook)."""
        return part_outlook(self, template, marks, waiting)

    def _safe(self, item: JudgeItem, vectors: Vectors, lessons: Lessons) -> Judgement:
        try:
            return self._judge(item, vectors, lessons)
        except Exception as exc:  # a judge bug goes to a human, never to zero marks
            return Judgement(Status.NEEDS_REVIEW, 0.0, 0.0, f"{self.id} judge failed: {exc!r}")

    def _judge(self, item: JudgeItem, vectors: Vectors, lessons: Lessons) -> Judgement:
        if not item.answer.strip():
            return Judgement(Status.NOT_MET, 0.0, 0.99, "empty answer")
        formula = formula_only(item.answer)
        if not formula and not looks_like_words(item.answer):
            return Judgement(Status.NOT_MET, 0.0, 0.95, "no recognisable words")
        zero, cosine = self.model.zero_shot(item, item.answer, vectors)
        fraction, confidence = self.model.with_examples(item, zero, vectors, lessons)
        evidence = self._evidence(item, vectors, lessons)
        reason = self.model.explain(zero, cosine)
        if formula:  # read as words it may look wrong; it may well be right
            return _review(fraction, FORMULA, evidence)
        if foreign(item.answer, f"{item.question} {item.reference}"):
            return _review(fraction, "the answer seems to be in another language", evidence)
        if terms(item.answer) <= terms(item.question):
            return _repeat(fraction, confidence, max(zero, fraction), evidence)
        if len(item.answer.split()) > LONG_ANSWER_WORDS:
            return _review(fraction, "an unusually long answer (the model reads its start)", None)
        return _judgement(fraction, confidence, reason, evidence)

    def _evidence(
        self, item: JudgeItem, vectors: Vectors, lessons: Lessons
    ) -> tuple[int, int] | None:
        own = self.model.evidence(item, lessons) if isinstance(self.model, Evidential) else None
        return own or _evidence(item, vectors)


class Lessons:
    """What each group's marked answers teach a model, fitted once per group, when first asked
    (a group: the items of one part and criterion that share the same marked answers)."""

    def __init__(self, model: AnswerModel, items: Sequence[JudgeItem], vectors: Vectors):
        self.model, self.vectors = model, vectors
        self.known: dict[tuple[int, str, str], int] = {}
        self.groups: dict[tuple[str, str, tuple[Example, ...]], int] = {}
        self.members: dict[Hashable, list[JudgeItem]] = {}
        for item in items:
            if item.examples:
                self.members.setdefault(self._key(item), []).append(item)
        self.fits: dict[Hashable, GroupFit] = {}

    def _key(self, item: JudgeItem) -> Hashable:
        """The group's number. Items of a part often share one tuple of marked answers, and
        hashing it for every item costs more than the fit once a part has a hundred marks:
        each tuple object is hashed once, then known by its identity."""
        fast = (id(item.examples), item.group, item.reference)
        if fast not in self.known:
            full = (item.group, item.reference, item.examples)
            self.known[fast] = self.groups.setdefault(full, len(self.groups))
        return self.known[fast]

    def of(self, item: JudgeItem) -> GroupFit:
        """The fit of the item's group (fitted on first use)."""
        key = self._key(item)
        if key not in self.fits:
            self.fits[key] = self.model.fit_group(self.members.get(key, [item]), self.vectors)
        return self.fits[key]


def _evidence(item: JudgeItem, vectors: Vectors) -> tuple[int, int] | None:
    """The answer's sentence closest to a reference (the whole answer if one): by meaning
    where the sentences were embedded, else by shared content words."""
    spans = sentences(item.answer)
    if not spans:
        start = len(item.answer) - len(item.answer.lstrip())
        return (start, len(item.answer.rstrip()))
    refs = references(item.reference)

    def closeness(span: tuple[int, int]) -> float:
        text = item.answer[span[0] : span[1]]
        if text in vectors:
            return max((cos(vectors, text, r) for r in refs), default=0.0)
        return max((lexical_similarity(text, r) for r in refs), default=0.0)

    return max(spans, key=closeness)


def _repeat(
    fraction: float, confidence: float, zero: float, evidence: tuple[int, int] | None
) -> Judgement:
    """Only the question's own words: never full marks. Where the model still finds it close
    to the reference (the question offers the right choice), a human decides."""
    if zero < 0.5:
        reason = "the answer only repeats the question's words"
        return _judgement(min(fraction, 0.25), confidence, reason, evidence)
    return _review(min(fraction, 0.5), "the answer only uses the question's words", evidence)


def _review(fraction: float, why: str, evidence: tuple[int, int] | None) -> Judgement:
    """A case embeddings cannot decide: a tentative fraction, low confidence, for a human."""
    return Judgement(Status.NEEDS_REVIEW, round(fraction, 4), 0.3, why, evidence)


def _judgement(
    fraction: float, confidence: float, reason: str, evidence: tuple[int, int] | None
) -> Judgement:
    status = (
        Status.MET if fraction >= 0.75 else Status.NOT_MET if fraction <= 0.25 else Status.PARTIAL
    )
    return Judgement(status, round(fraction, 4), round(min(confidence, 0.97), 4), reason, evidence)
