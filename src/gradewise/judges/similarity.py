"""The `similarity` judge: sentence embeddings plus the reference's words, offline on the CPU.

Zero-shot, the answer's cosine to the closest reference (all-MiniLM-L6-v2; references are
separated by ` || `) and the lexical word score are combined, and an answer closer to the
question than to the reference is pulled down. A logistic curve maps the result to a fraction
of the marks. With human-marked answers of the same group, that curve is refitted to the
human's marks (a logistic fit on the zero-shot logit, held near the zero-shot curve by a prior
so that two or three marks cannot swing it far) and blended with a similarity-weighted estimate
from the most similar marked answers, trusted by how close and how unanimous they are.

Empty and gibberish answers get 0 with high confidence; an answer that only uses the question's
words never gets full marks; foreign-language and very long answers go to review; a model that
cannot load sends every answer to review, never to zero. Evidence is the answer's sentence
closest to the reference (by its words; by meaning with `sentence_evidence=True`).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from gradewise.hookspecs import hookimpl
from gradewise.judges._calibrate import calibrate
from gradewise.judges._calibrate import one_grade_cap as _one_grade_cap
from gradewise.judges._embed import DIM, MODEL_ID, MODEL_SHA256, Encoder, shared_encoder
from gradewise.judges._learn import Neighbours, neighbours, zero_shot_confidence
from gradewise.judges.lexical import (
    FORMULA,
    LONG_ANSWER_WORDS,
    foreign,
    formula_only,
    looks_like_words,
    terms,
    word_score,
)
from gradewise.judges.lexical import similarity as lexical_similarity
from gradewise.judges.outlook import Outlook
from gradewise.judges.outlook import outlook as part_outlook
from gradewise.judges.registry import Example, Judge, JudgeItem, Judgement
from gradewise.judges.select import cosine_matrix, seeded_order, teach_order
from gradewise.model import Status

# Weights of the zero-shot combination and its logistic curve (centre, steepness).
COSINE_WEIGHT, WORD_WEIGHT, QUESTION_PENALTY = 0.6, 0.4, 0.5
CENTRE, STEEPNESS = 0.45, 10.0
# Per-group refit: Gaussian prior precisions on (slope, bias) toward the zero-shot curve (1, 0).
# The slope is held firmly (a few marks cannot reorder answers); the bias less so, since a
# grader's overall leniency is what a few marks do tell. Mohler, first 40 questions, 10-shot
# with the judge's own choice of marked answers: (3, 3) r 0.624 / RMSE 1.104; (3, 1) 0.631 /
# 1.008; (3, 0.25) 0.603 / 0.973 (seeded-random choice).
PRIOR = np.array([3.0, 1.0])
# Neighbours count only above this cosine: MiniLM puts same-topic answers at 0.5-0.7.
NEIGHBOUR_FLOOR, NEIGHBOUR_FULL = 0.55, 0.95
MAX_EVIDENCE_SENTENCES = 12
# Confidence when every mark is the same grade: below the part's review threshold by this factor.
ONE_GRADE_CAP = 0.9
_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;]*")
_RUBRIC_WORDS = terms("mention state explain say name give describe note identify")

Vectors = dict[str, np.ndarray]


class SimilarityJudge:
    """Cosine to the reference and its words, calibrated and sharpened by the human's marks."""

    id = "similarity"
    version = f"2 ({MODEL_ID}@{MODEL_SHA256[:12]})"

    def __init__(self, encoder: Encoder | None = None, *, sentence_evidence: bool = False) -> None:
        self.encoder = encoder or shared_encoder()
        # Embedding each sentence for the evidence costs about a quarter of the throughput on
        # short answers; by default the sentence is chosen by its words instead.
        self.sentence_evidence = sentence_evidence

    def judge_many(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        """One judgement per item; never raises (failures are needs_review judgements)."""
        targets = [_target(item) for item in items]
        try:
            vectors = self._vectors(targets)
        except Exception as exc:  # no model, broken model: a human decides
            reason = f"{self.id} judge unavailable: {exc}"
            return [Judgement(Status.NEEDS_REVIEW, 0.0, 0.0, reason) for _ in items]
        lessons = Lessons(self, targets, vectors)
        return [self._safe(item, vectors, lessons) for item in targets]

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

    def _vectors(self, items: Sequence[JudgeItem]) -> Vectors:
        texts: set[str] = set()
        for item in items:
            texts.update([item.answer, item.question, *_references(item)])
            texts.update(e.answer for e in item.examples)
            if self.sentence_evidence:
                texts.update(item.answer[a:b] for a, b in _sentences(item.answer))
        ordered = sorted(t for t in texts if t.strip())
        return dict(zip(ordered, self.encoder.embed(ordered), strict=True))

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
        zero, cosine = self.zero_shot(item, item.answer, vectors)
        fraction, confidence = self._with_examples(item, zero, vectors, lessons)
        evidence = _evidence(item, vectors)
        reason = self.explain(zero, cosine)
        if formula:  # read as words it may look wrong; it may well be right
            return _review(fraction, FORMULA, evidence)
        if foreign(item.answer, f"{item.question} {item.reference}"):
            return _review(fraction, "the answer seems to be in another language", evidence)
        if terms(item.answer) <= terms(item.question):
            return _repeat(fraction, confidence, max(zero, fraction), evidence)
        if len(item.answer.split()) > LONG_ANSWER_WORDS:
            return _review(fraction, "an unusually long answer (the model reads its start)", None)
        return _judgement(fraction, confidence, reason, evidence)

    def explain(self, zero: float, cosine: float) -> str:
        """The verdict's reason: what the judge saw, before any marks."""
        return f"meaning close to the reference (cosine {cosine:.2f})"

    def zero_shot(self, item: JudgeItem, answer: str, vectors: Vectors) -> tuple[float, float]:
        """(fraction with no marks to learn from, best cosine to a reference)."""
        f = features(item, answer, vectors)
        raw = COSINE_WEIGHT * f[0] + WORD_WEIGHT * f[1] - QUESTION_PENALTY * f[2]
        return _sigmoid(STEEPNESS * (raw - CENTRE)), f[0]

    def _with_examples(
        self, item: JudgeItem, zero: float, vectors: Vectors, lessons: Lessons
    ) -> tuple[float, float]:
        """(fraction, confidence): the zero-shot fraction, or what the human's marks make of it."""
        if not item.examples:
            return zero, calibrate(self.id, "zero", zero_shot_confidence(zero))
        fit = lessons.of(item)
        calibrated = _sigmoid(fit.slope * _logit(zero) + fit.bias)
        sims = [_cos(vectors, item.answer, e.answer) for e in item.examples]
        fraction, confidence = blend(
            calibrated, neighbours(sims, [e.fraction for e in item.examples])
        )
        # No surer than the judge proved on this part's marked answers.
        sure = min(calibrate(self.id, "shots", confidence), 1.0 - fit.error)
        return fraction, min(sure, one_grade_cap(item, fraction, zero))

    def _fit_group(self, members: Sequence[JudgeItem], vectors: Vectors) -> GroupFit:
        """The part's curve from its marked answers, and how far the judge, so taught, is from
        each marked answer's mark when that answer's own mark is held out of its neighbours.
        `members` are the items of the group being judged (they share the marked answers)."""
        item = members[0]
        marks = [e.fraction for e in item.examples]
        zeros = [self.zero_shot(item, e.answer, vectors)[0] for e in item.examples]
        slope, bias = fit_group(zeros, marks)
        rows = [vectors.get(e.answer, np.zeros(DIM, dtype=np.float32)) for e in item.examples]
        sims = np.stack(rows) @ np.stack(rows).T
        errors = []
        for i, (z, mark) in enumerate(zip(zeros, marks, strict=True)):
            others = [j for j in range(len(marks)) if j != i]
            near = neighbours([float(sims[i, j]) for j in others], [marks[j] for j in others])
            guess, _ = blend(_sigmoid(slope * _logit(z) + bias), near)
            errors.append(abs(guess - mark))
        return GroupFit(slope, bias, sum(errors) / len(errors))


@dataclass(frozen=True)
class GroupFit:
    """What one part's marked answers taught: the refitted curve and the judge's error on them
    (mean |proposed − human| share of the marks, each answer's own mark held out)."""

    slope: float
    bias: float
    error: float


class Lessons:
    """What each group's marked answers teach a judge, fitted once per group, when first asked
    (a group: the items of one part and criterion that share the same marked answers)."""

    def __init__(self, judge: SimilarityJudge, items: Sequence[JudgeItem], vectors: Vectors):
        self.judge, self.vectors = judge, vectors
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
        key = self._key(item)
        if key not in self.fits:
            self.fits[key] = self.judge._fit_group(self.members.get(key, [item]), self.vectors)
        return self.fits[key]


FEATURES = ("cosine", "words", "question_excess", "log_length", "cosine_x_words")


def one_grade_cap(item: JudgeItem, fraction: float, zero: float) -> float:
    """The most confidence the item's marks allow when every mark is the same grade (they show
    nothing of what earns another): see _calibrate.one_grade_cap; else no limit."""
    marks = [e.fraction for e in item.examples]
    return _one_grade_cap(marks, fraction, zero, ONE_GRADE_CAP * item.review_below)


def features(item: JudgeItem, answer: str, vectors: Vectors) -> list[float]:
    """What the embedding judges look at, in the order of FEATURES."""
    cosine = max((_cos(vectors, answer, r) for r in _references(item)), default=0.0)
    asked = _cos(vectors, answer, item.question)
    words = word_score(JudgeItem(item.question, item.reference, answer)).value
    length = math.log1p(len(answer.split())) / 5
    return [cosine, words, max(0.0, asked - cosine), length, cosine * words]


def fit_group(zeros: Sequence[float], marks: Sequence[float]) -> tuple[float, float]:
    """(slope, bias) of fraction = sigmoid(slope * logit(zero) + bias) fitted to the human's
    marks (soft labels, cross-entropy) with a Gaussian prior at (1, 0), the zero-shot curve;
    the slope stays ≥ 0 so a better zero-shot score never means fewer marks."""
    x = np.array([_logit(z) for z in zeros])
    y = np.clip(np.array(marks, dtype=float), 0.0, 1.0)
    w = np.array([1.0, 0.0])
    for _ in range(25):  # Newton steps; the prior keeps the problem well conditioned
        p = 1 / (1 + np.exp(-(w[0] * x + w[1])))
        r, s = p - y, p * (1 - p)
        grad = np.array([r @ x, r.sum()]) + PRIOR * (w - [1.0, 0.0])
        hess = np.array([[s @ (x * x), s @ x], [s @ x, s.sum()]]) + np.diag(PRIOR)
        step = np.linalg.solve(hess, grad)
        w = w - step
        w[0] = max(0.0, w[0])
        if np.abs(step).max() < 1e-6:
            break
    return float(w[0]), float(w[1])


def blend(calibrated: float, near: Neighbours | None) -> tuple[float, float]:
    """(fraction, confidence) from the group-calibrated fraction and the marked neighbours."""
    if near is None:
        return calibrated, zero_shot_confidence(calibrated)
    close = (near.closeness - NEIGHBOUR_FLOOR) / (NEIGHBOUR_FULL - NEIGHBOUR_FLOOR)
    trust = min(1.0, max(0.0, close)) * (1 - near.spread)
    fraction = trust * near.estimate + (1 - trust) * calibrated
    return fraction, 0.5 + 0.45 * max(abs(2 * fraction - 1), trust)


def _target(item: JudgeItem) -> JudgeItem:
    """A rubric criterion with content words of its own is what the answer must match;
    without one, the whole reference."""
    if not terms(item.criterion) - _RUBRIC_WORDS:
        return item
    return replace(item, reference=item.criterion)


def _references(item: JudgeItem) -> list[str]:
    return [r.strip() for r in item.reference.split("||") if r.strip()]


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of the answer's sentences, trimmed; none when it is one sentence."""
    spans = []
    for m in _SENTENCE.finditer(text):
        chunk = m.group()
        if chunk.strip():
            start = m.start() + len(chunk) - len(chunk.lstrip())
            spans.append((start, m.start() + len(chunk.rstrip())))
    return spans[:MAX_EVIDENCE_SENTENCES] if len(spans) > 1 else []


def _evidence(item: JudgeItem, vectors: Vectors) -> tuple[int, int] | None:
    """The answer's sentence closest to a reference (the whole answer if one): by meaning
    where the sentences were embedded, else by shared content words."""
    spans = _sentences(item.answer)
    if not spans:
        start = len(item.answer) - len(item.answer.lstrip())
        return (start, len(item.answer.rstrip()))
    refs = _references(item)

    def closeness(span: tuple[int, int]) -> float:
        text = item.answer[span[0] : span[1]]
        if text in vectors:
            return max((_cos(vectors, text, r) for r in refs), default=0.0)
        return max((lexical_similarity(text, r) for r in refs), default=0.0)

    return max(spans, key=closeness)


def _cos(vectors: Vectors, a: str, b: str) -> float:
    if a not in vectors or b not in vectors:
        return 0.0
    return float(vectors[a] @ vectors[b])


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))


def _logit(p: float) -> float:
    p = min(1 - 1e-4, max(1e-4, p))
    return math.log(p / (1 - p))


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


@hookimpl
def register_judges(register: Callable[[Judge], None]) -> None:
    register(SimilarityJudge())
