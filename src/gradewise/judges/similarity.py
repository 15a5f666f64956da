"""The `similarity` judge: sentence embeddings plus the reference's words, offline on the CPU.

Zero-shot, the answer's cosine to the closest reference (all-MiniLM-L6-v2) and the lexical word
score are combined, and an answer closer to the question than to the reference is pulled down
(it repeats the question). A logistic curve maps the result to a fraction of the marks. With
human-marked answers of the same part, the shared lessons of `_learn` apply, with neighbours
found by cosine. A model that cannot load sends every answer to review, never to zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from gradewise.hookspecs import hookimpl
from gradewise.judges._embed import MODEL_ID, Encoder
from gradewise.judges._learn import blend, neighbours, offset, zero_shot_confidence
from gradewise.judges.lexical import looks_like_words, terms, word_score
from gradewise.judges.registry import Judge, JudgeItem, Judgement
from gradewise.model import Status

# Weights of the zero-shot combination and its logistic curve (centre, steepness).
COSINE_WEIGHT, WORD_WEIGHT, QUESTION_PENALTY = 0.6, 0.4, 0.5
CENTRE, STEEPNESS = 0.45, 10.0


class SimilarityJudge:
    """Cosine to the reference and its words, calibrated and sharpened by the human's marks."""

    id = "similarity"
    version = f"1 ({MODEL_ID})"

    def __init__(self, encoder: Encoder | None = None) -> None:
        self.encoder = encoder or Encoder()

    def judge_many(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        try:
            vectors = self._vectors(items)
        except Exception as exc:  # no model, broken model: a human decides
            reason = f"similarity judge unavailable: {exc}"
            return [Judgement(Status.NEEDS_REVIEW, 0.0, 0.0, reason) for _ in items]
        offsets: dict[str, float] = {}
        return [self._judge(item, vectors, offsets) for item in items]

    def _vectors(self, items: Sequence[JudgeItem]) -> dict[str, np.ndarray]:
        texts = set()
        for item in items:
            texts.update([item.answer, item.question, *_references(item)])
            texts.update(e.answer for e in item.examples)
        ordered = sorted(t for t in texts if t.strip())
        return dict(zip(ordered, self.encoder.embed(ordered), strict=True))

    def _judge(
        self, item: JudgeItem, vectors: dict[str, np.ndarray], offsets: dict[str, float]
    ) -> Judgement:
        if not item.answer.strip():
            return Judgement(Status.NOT_MET, 0.0, 0.99, "empty answer")
        if not looks_like_words(item.answer):
            return Judgement(Status.NOT_MET, 0.0, 0.9, "no recognisable words")
        fraction, cosine = self.zero_shot(item, item.answer, vectors)
        if item.examples:
            if item.group not in offsets:
                zeros = [self.zero_shot(item, e.answer, vectors)[0] for e in item.examples]
                offsets[item.group] = offset(zeros, [e.fraction for e in item.examples])
            sims = [_cos(vectors, item.answer, e.answer) for e in item.examples]
            near = neighbours(sims, [e.fraction for e in item.examples])
            fraction, confidence = blend(fraction, offsets[item.group], near)
        else:
            confidence = zero_shot_confidence(fraction)
        if terms(item.answer) <= terms(item.question) and cosine < 0.8:
            fraction = min(fraction, 0.25)  # only the question's own words: never full marks
        return _judgement(fraction, confidence, cosine, word_score(item).evidence)

    def zero_shot(
        self, item: JudgeItem, answer: str, vectors: dict[str, np.ndarray]
    ) -> tuple[float, float]:
        """(fraction with no marks to learn from, best cosine to a reference)."""
        f = features(item, answer, vectors)
        raw = COSINE_WEIGHT * f[0] + WORD_WEIGHT * f[1] - QUESTION_PENALTY * f[2]
        return _curve(raw), f[0]


FEATURES = ("cosine", "words", "question_excess", "log_length", "cosine_x_words")


def features(item: JudgeItem, answer: str, vectors: dict[str, np.ndarray]) -> list[float]:
    """What the embedding judges look at, in the order of FEATURES."""
    cosine = max((_cos(vectors, answer, r) for r in _references(item)), default=0.0)
    asked = _cos(vectors, answer, item.question)
    words = word_score(JudgeItem(item.question, item.reference, answer)).value
    length = math.log1p(len(answer.split())) / 5
    return [cosine, words, max(0.0, asked - cosine), length, cosine * words]


def _references(item: JudgeItem) -> list[str]:
    return [r.strip() for r in item.reference.split("||") if r.strip()]


def _cos(vectors: dict[str, np.ndarray], a: str, b: str) -> float:
    if a not in vectors or b not in vectors:
        return 0.0
    return float(vectors[a] @ vectors[b])


def _curve(raw: float) -> float:
    return 1 / (1 + math.exp(-STEEPNESS * (raw - CENTRE)))


def _judgement(
    fraction: float, confidence: float, cosine: float, evidence: tuple[int, int] | None
) -> Judgement:
    status = (
        Status.MET if fraction >= 0.75 else Status.NOT_MET if fraction <= 0.25 else Status.PARTIAL
    )
    reason = f"meaning close to the reference (cosine {cosine:.2f})"
    return Judgement(status, round(fraction, 4), round(min(confidence, 0.97), 4), reason, evidence)


@hookimpl
def register_judges(register: Callable[[Judge], None]) -> None:
    register(SimilarityJudge())
