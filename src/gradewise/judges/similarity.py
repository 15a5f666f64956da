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

The judge is judges/embedding.py's `EmbeddingJudge` (encoder, screening, evidence, verdict)
holding this module's `CurveModel` over the similarity features (judges/features.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from gradewise.hookspecs import hookimpl
from gradewise.judges._calibrate import calibrate
from gradewise.judges._calibrate import one_grade_cap as _one_grade_cap
from gradewise.judges._embed import MODEL_ID, MODEL_SHA256, Encoder
from gradewise.judges._learn import Neighbours, logit, neighbours, sigmoid, zero_shot_confidence
from gradewise.judges.embedding import EmbeddingJudge, GroupFit, Lessons
from gradewise.judges.features import SIMILARITY, Vectors, cos, vector
from gradewise.judges.registry import Judge, JudgeItem

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
# Confidence when every mark is the same grade: below the part's review threshold by this factor.
ONE_GRADE_CAP = 0.9
VERSION = f"2 ({MODEL_ID}@{MODEL_SHA256[:12]})"

# A model's zero-shot step: (fraction with no marks, best cosine to a reference) of an answer.
ZeroShot = Callable[[JudgeItem, str, Vectors], tuple[float, float]]


class CurveModel:
    """The similarity judge's model: cosine to the reference and its words on a fixed logistic
    curve, refitted to a part's marks and blended with the marked neighbours."""

    version = VERSION

    def zero_shot(self, item: JudgeItem, answer: str, vectors: Vectors) -> tuple[float, float]:
        """(fraction with no marks to learn from, best cosine to a reference)."""
        f = SIMILARITY.compute(item, answer, vectors)
        raw = COSINE_WEIGHT * f[0] + WORD_WEIGHT * f[1] - QUESTION_PENALTY * f[2]
        return sigmoid(STEEPNESS * (raw - CENTRE)), f[0]

    def with_examples(
        self, item: JudgeItem, zero: float, vectors: Vectors, lessons: Lessons
    ) -> tuple[float, float]:
        """(fraction, confidence): the zero-shot fraction, or what the human's marks make of it."""
        return taught("similarity", item, zero, vectors, lessons)

    def fit_group(self, members: Sequence[JudgeItem], vectors: Vectors) -> GroupFit:
        """The part's curve from its marked answers and the error so taught (`refit_group`)."""
        return refit_group(members, vectors, self.zero_shot)

    def explain(self, zero: float, cosine: float) -> str:
        """The verdict's reason: what the judge saw, before any marks."""
        return explain(zero, cosine)


class SimilarityJudge(EmbeddingJudge[CurveModel]):
    """Cosine to the reference and its words, calibrated and sharpened by the human's marks."""

    def __init__(self, encoder: Encoder | None = None, *, sentence_evidence: bool = False) -> None:
        super().__init__("similarity", CurveModel(), encoder, sentence_evidence=sentence_evidence)


def explain(zero: float, cosine: float) -> str:
    """The embedding judges' reason: the answer's closeness to the reference."""
    return f"meaning close to the reference (cosine {cosine:.2f})"


def taught(
    calibration: str, item: JudgeItem, zero: float, vectors: Vectors, lessons: Lessons
) -> tuple[float, float]:
    """(fraction, confidence): the zero-shot fraction, or the part's refitted curve blended with
    the marked neighbours; confidence on the curves of judge `calibration` (calibration.json),
    no surer than the judge proved on the part's marked answers."""
    if not item.examples:
        return zero, calibrate(calibration, "zero", zero_shot_confidence(zero))
    fit = lessons.of(item)
    calibrated = sigmoid(fit.slope * logit(zero) + fit.bias)
    sims = [cos(vectors, item.answer, e.answer) for e in item.examples]
    fraction, confidence = blend(calibrated, neighbours(sims, [e.fraction for e in item.examples]))
    sure = min(calibrate(calibration, "shots", confidence), 1.0 - fit.error)
    return fraction, min(sure, one_grade_cap(item, fraction, zero))


def refit_group(members: Sequence[JudgeItem], vectors: Vectors, zero_shot: ZeroShot) -> GroupFit:
    """The part's curve from its marked answers (over `zero_shot`'s fractions), and how far the
    judge, so taught, is from each marked answer's mark when that answer's own mark is held out
    of its neighbours. `members` are the items of the group being judged (they share the marked
    answers)."""
    item = members[0]
    marks = [e.fraction for e in item.examples]
    zeros = [zero_shot(item, e.answer, vectors)[0] for e in item.examples]
    slope, bias = fit_group(zeros, marks)
    rows = [vector(vectors, e.answer) for e in item.examples]
    sims = np.stack(rows) @ np.stack(rows).T
    errors = []
    for i, (z, mark) in enumerate(zip(zeros, marks, strict=True)):
        others = [j for j in range(len(marks)) if j != i]
        near = neighbours([float(sims[i, j]) for j in others], [marks[j] for j in others])
        guess, _ = blend(sigmoid(slope * logit(z) + bias), near)
        errors.append(abs(guess - mark))
    return GroupFit(slope, bias, sum(errors) / len(errors))


def one_grade_cap(item: JudgeItem, fraction: float, zero: float) -> float:
    """The most confidence the item's marks allow when every mark is the same grade (they show
    nothing of what earns another): see _calibrate.one_grade_cap; else no limit."""
    marks = [e.fraction for e in item.examples]
    return _one_grade_cap(marks, fraction, zero, ONE_GRADE_CAP * item.review_below)


def fit_group(zeros: Sequence[float], marks: Sequence[float]) -> tuple[float, float]:
    """(slope, bias) of fraction = sigmoid(slope * logit(zero) + bias) fitted to the human's
    marks (soft labels, cross-entropy) with a Gaussian prior at (1, 0), the zero-shot curve;
    the slope stays ≥ 0 so a better zero-shot score never means fewer marks."""
    x = np.array([logit(z) for z in zeros])
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


@hookimpl
def register_judges(register: Callable[[Judge], None]) -> None:
    register(SimilarityJudge())
