"""The `learned` judge: the similarity judge's features, weighed by models trained on data.

Its models, all in `learned_model.json` (shipped in the package), fitted by
`tools/train_judge.py` on the `train` splits of public graded-answer data sets (SciEntsBank,
Beetle, SAF) — never on a test split — and applied with numpy:
- with no marked answers, a logistic model over the answer's features (`LEARNED_FEATURES`);
- once a human has marked answers of the part, a boosted forest (`SHOT_FEATURES`) that reads
  the same features, the logistic model's fraction, and what the marked answers say about this
  one: the similarity-weighted mark of the closest, the nearest one's mark and closeness, the
  closeness to the best- and worst-marked, the marks' mean and spread, the grader's mean gap to
  the logistic model and the part's refitted curve. It was trained on simulated marking (3 to
  40 marked answers per question, chosen at random or as the judge would choose), so one model
  serves every part, however many answers its human has marked. On a point-scale part its
  fractions move by its mean miss on the marked answers, each predicted from the others;
- confidence: a logistic curve (Platt scaling) over how far the fraction is from the middle,
  one for each of the two cases, no surer than the forest proved on the part's marked answers;
- once a part has enough marks (judges/_part.py), a model of that part alone — ridge over its
  answers' TF-IDF n-grams, and over their sentence embeddings and alignment features — blended
  with the forest and the zero-shot model by the held-out errors of each on the part's marks
  (so the marks never make it worse than either on them), put on the grades the human gave by
  thresholds fitted on those marks, its confidence fitted on how often the blend agreed with
  them (held out) and no surer than the shipped curve (read at how sure the part's models are
  together) or one less its held-out error, so coverage rises with every mark;
- a rubric criterion whose marks are item labels (applied or not, judges/_items.py) gets the
  same model of its own once it has enough of both kinds, sooner than a part does, and its
  evidence is the sentence that model scores highest (`evidence`, the shell's hook).

The judge is the embedding judges' shell (embedding.EmbeddingJudge) holding this model
(`LearnedModel`) over the alignment features (features.RICH); `fit` (the `Learner` hook) gives
a judge with the same parts and refitted weights.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from gradewise.hookspecs import hookimpl
from gradewise.judges import _items, _part
from gradewise.judges._calibrate import Calibration
from gradewise.judges._embed import Encoder
from gradewise.judges._learn import logit, neighbours, sigmoid, zero_shot_confidence
from gradewise.judges._trees import Forest
from gradewise.judges.embedding import EmbeddingJudge, GroupFit, Lessons
from gradewise.judges.features import LEARNED_FEATURES, RICH, FeatureSet, Vectors, target, vector
from gradewise.judges.registry import Judge, JudgeItem
from gradewise.judges.similarity import (
    VERSION,
    explain,
    fit_group,
    one_grade_cap,
    refit_group,
    taught,
)

# The forest's inputs once answers are marked (see `shot_features`).
SHOT_FEATURES = (
    *LEARNED_FEATURES,
    "zero",
    "neighbours",
    "nearest_mark",
    "nearest_cosine",
    "best_cosine",
    "worst_cosine",
    "mean_mark",
    "spread_marks",
    "mean_gap",
    "calibrated",
    "neighbour_spread",
    "mean_cosine_marked",
    "log_marked",
)
# The confidence models' inputs (`zero_confidence_inputs`, `shot_confidence_inputs`): how far
# the fraction is from the middle and how many answers are marked. A logistic curve over them
# (Platt scaling, fitted out of fold by tools/train_judge.py) gives the probability that the
# fraction agrees with the human's grade. Boosted forests over more inputs (the nearest marked
# answer's closeness and mark, the marks' spread, the move from the zero-shot fraction) were
# calibrated on the training data sets but ranked worse on new ones (Mohler coverage 0.11
# zero-shot and 0.06 10-shot against 0.27 and 0.10), and a forest's steps tie answers a curve
# keeps apart (BENCHMARKS.md).
ZERO_CONFIDENCE = ("sureness",)
SHOT_CONFIDENCE = ("sureness", "log_marked")
# The forest's mean held-out miss on a part's marked answers shifts its fractions for the part,
# shrunk toward no shift as if this many more answers had been missed by nothing.
SHIFT_PRIOR: float | None = 5.0

if TYPE_CHECKING:
    from gradewise.model import GradedAnswer


@cache
def model() -> dict[str, Any]:
    """The shipped weights; they must name the features this version computes."""
    text = (resources.files("gradewise.judges") / "learned_model.json").read_text(encoding="utf-8")
    weights: dict[str, Any] = json.loads(text)
    sure = weights.get("confidence", {})
    if (
        tuple(weights["features"]) != LEARNED_FEATURES
        or ("shots" in weights and tuple(weights["shots"]["features"]) != SHOT_FEATURES)
        or ("zero" in sure and tuple(sure["zero"]["features"]) != ZERO_CONFIDENCE)
        or ("shots" in sure and tuple(sure["shots"]["features"]) != SHOT_CONFIDENCE)
    ):
        raise ValueError("learned_model.json was trained on other features: run 'make model'")
    return weights


@cache
def _forest(text: str) -> Forest:
    return Forest.from_json(json.loads(text))


@dataclass(frozen=True)
class ShotFit(GroupFit):
    """A group's lesson for the forest: its fraction for each answer of the group."""

    fractions: Mapping[str, float] = field(default_factory=dict)
    confidences: Mapping[str, float] = field(default_factory=dict)
    part: _part.PartFit | None = None  # the part's own model, once its marks are enough
    evidence: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # an item's, by answer


class LearnedModel:
    """The learned judge's model over a feature set (the alignment features as shipped): the
    logistic model with no marks, the boosted forest and its confidence curves with marks, and
    the part's own model once its marks are enough. `weights` as in learned_model.json."""

    def __init__(
        self,
        weights: dict[str, Any] | None = None,
        features: FeatureSet = RICH,
        calibration: str = "learned",
        reason: Callable[[float, float], str] = explain,
    ) -> None:
        self.weights = weights or model()
        self.features = features
        # Whose confidence curves (calibration.json) apply where the weights carry none.
        self.calibration = calibration
        self.reason = reason
        shots = self.weights.get("shots")
        # Without a forest (a model file from before it), marks are used as similarity uses them.
        self.forest = _forest(json.dumps(shots, sort_keys=True)) if shots else None
        sure = self.weights.get("confidence", {})
        # Without them, confidence grows with the fraction's distance from the middle.
        self.sure_zero, self.sure_shots = (
            Calibration.from_json(sure[k]) if k in sure else None for k in ("zero", "shots")
        )
        trained = f"{self.weights['answers']} training answers"
        if shots:
            trained += f", forest of {len(shots['roots'])} trees on {shots['answers']} marked"
        self.version = f"2 ({VERSION}; {trained})"

    def inputs(self, item: JudgeItem, answer: str, vectors: Vectors) -> list[float]:
        """The model's inputs, in the order of `features.names`."""
        return self.features.compute(item, answer, vectors)

    def zero_shot(self, item: JudgeItem, answer: str, vectors: Vectors) -> tuple[float, float]:
        """(the logistic model's fraction, best cosine to a reference)."""
        f = self.inputs(item, answer, vectors)
        return self.logistic(f), self.features.cosine(f)

    def logistic(self, f: Sequence[float]) -> float:
        """The zero-shot model's fraction for these features."""
        w = self.weights
        return sigmoid(w["intercept"] + sum(c * v for c, v in zip(w["coef"], f, strict=True)))

    def explain(self, zero: float, cosine: float) -> str:
        """The verdict's reason (by default the similarity judge's)."""
        return self.reason(zero, cosine)

    def with_examples(
        self, item: JudgeItem, zero: float, vectors: Vectors, lessons: Lessons
    ) -> tuple[float, float]:
        """(fraction, confidence): the logistic model's with no marks, else the forest's."""
        if not item.examples and self.sure_zero is not None:
            return zero, float(self.sure_zero.predict([zero_confidence_inputs(zero)])[0])
        fit = lessons.of(item) if item.examples and self.forest else None
        if not isinstance(fit, ShotFit):
            return taught(self.calibration, item, zero, vectors, lessons)
        return fit.fractions[item.answer], fit.confidences[item.answer]

    def evidence(self, item: JudgeItem, lessons: Lessons) -> tuple[int, int] | None:
        """The sentence a rubric item's own classifier scores highest, where it proposes the
        item (judges/_items.py); None where the shell's evidence stands."""
        if not item.criterion or not item.examples or self.forest is None:
            return None
        fit = lessons.of(item)
        return fit.evidence.get(item.answer) if isinstance(fit, ShotFit) else None

    def fit_group(self, members: Sequence[JudgeItem], vectors: Vectors) -> GroupFit:
        """The forest's fraction for every answer of the group, and its mean error on the
        marked answers, each predicted from the others (the part's confidence cap); with
        enough marks, the part's own model blended with the forest (see judges/_part.py).
        `members` are the items of the group being judged (they share the marked answers)."""
        if self.forest is None:
            return refit_group(members, vectors, self.zero_shot)
        item = members[0]
        marks = np.clip([e.fraction for e in item.examples], 0.0, 1.0)
        marked = [self.inputs(item, e.answer, vectors) for e in item.examples]
        zeros = np.array([self.logistic(f) for f in marked])
        vecs = np.stack([vector(vectors, e.answer) for e in item.examples])
        curve = fit_group(zeros.tolist(), marks.tolist())
        answers = list(dict.fromkeys(m.answer for m in members))
        own = [self.inputs(item, answer, vectors) for answer in answers]
        rows = [
            shot_features(f, self.logistic(f), vecs @ vector(vectors, answer), marks, zeros, curve)
            for f, answer in zip(own, answers, strict=True)
        ]
        fractions = np.clip(self.forest.predict(rows), 0.0, 1.0)
        per_part = _part.enough(marks.tolist()) or _items.enough(item, marks.tolist())
        fold = _part.folds([e.answer for e in item.examples], marks.tolist())
        held, errors = self._held_out(marked, zeros, vecs, marks, fold)
        # On a point scale (marks between none and full), a grader kinder or harsher than
        # the forest expects shows as a mean miss; right/wrong marks show no such scale.
        if SHIFT_PRIOR is not None and len(held) and ((marks > 0) & (marks < 1)).any():
            miss = float((marks - held).sum()) / (len(held) + SHIFT_PRIOR)
            fractions = np.clip(fractions + miss, 0.0, 1.0)
        if per_part:
            fixed = [
                _part.Candidate("forest", held, fractions),
                _part.Candidate("zero", zeros, np.array([r[_ZERO_AT] for r in rows])),
            ]
            fit = self._part_fit(item, answers, own, marked, marks, vectors, fixed, curve)
            if not item.criterion:
                return fit
            sure = self._forest_confidence(item, rows, fractions, errors)
            return self._item_fit(fit, item, answers, fractions, sure)
        sure = self._forest_confidence(item, rows, fractions, errors)
        return ShotFit(
            curve[0],
            curve[1],
            float(np.mean(errors)),
            dict(zip(answers, fractions.tolist(), strict=True)),
            dict(zip(answers, sure.tolist(), strict=True)),
        )

    def _forest_confidence(
        self, item: JudgeItem, rows: list[list[float]], fractions: np.ndarray, errors: list[float]
    ) -> np.ndarray:
        if self.sure_shots is not None:
            sure = self.sure_shots.predict(
                [shot_confidence_inputs(r, f) for r, f in zip(rows, fractions, strict=True)]
            )
        else:
            sure = np.array([zero_shot_confidence(f) for f in fractions])
        # No surer than the forest proved on this part's marked answers.
        sure = np.minimum(sure, 1.0 - float(np.mean(errors)))
        zero_of = [r[_ZERO_AT] for r in rows]
        return np.minimum(
            sure, [one_grade_cap(item, f, z) for f, z in zip(fractions, zero_of, strict=True)]
        )

    def _item_fit(
        self,
        fit: ShotFit,
        item: JudgeItem,
        answers: list[str],
        forest: np.ndarray,
        forest_sure: np.ndarray,
    ) -> ShotFit:
        """A rubric item's own classifier (judges/_items.py): its confidence checked by the
        forest's, and its evidence."""
        proposed = [fit.fractions[a] for a in answers]
        sure = _items.checked([fit.confidences[a] for a in answers], proposed, forest, forest_sure)
        assert fit.part is not None
        words = _items.word_scorer(_part.fitted_tfidf(_texts(item, answers)), fit.part)
        return replace(
            fit,
            confidences=dict(zip(answers, sure, strict=True)),
            evidence=_items.evidence(answers, proposed, words),
        )

    def _held_out(
        self,
        marked: list[list[float]],
        zeros: np.ndarray,
        vecs: np.ndarray,
        marks: np.ndarray,
        fold: np.ndarray,
    ) -> tuple[np.ndarray, list[float]]:
        """(the forest's fraction for every marked answer, each predicted from the marks
        outside its fold (`_part.folds`); the absolute misses, where one mark alone is the
        logistic model's)."""
        if len(marks) == 1 or self.forest is None:
            return np.zeros(0), [abs(float(zeros[0] - marks[0]))]
        guesses: list[list[float]] = [[] for _ in marks]
        for f in np.unique(fold):
            others = fold != f
            curve_f = fit_group(zeros[others].tolist(), marks[others].tolist())
            for i in np.flatnonzero(~others):
                guesses[i] = shot_features(
                    marked[i],
                    zeros[i],
                    vecs[others] @ vecs[i],
                    marks[others],
                    zeros[others],
                    curve_f,
                )
        predicted = np.clip(self.forest.predict(guesses), 0.0, 1.0)
        return predicted, np.abs(predicted - marks).tolist()

    def _part_fit(
        self,
        item: JudgeItem,
        answers: list[str],
        own: list[list[float]],
        marked: list[list[float]],
        marks: np.ndarray,
        vectors: Vectors,
        fixed: list[_part.Candidate],
        curve: tuple[float, float],
    ) -> ShotFit:
        """The part's own model (words; meaning and alignment features) blended with the
        forest and the zero-shot model (`fixed`) by their held-out errors on the part's marks,
        on the part's grade scale."""
        texts = _texts(item, answers)
        index = {t: i for i, t in enumerate(texts)}
        aligned = dict(zip([e.answer for e in item.examples], marked, strict=True))
        aligned.update(zip(answers, own, strict=True))
        feats = np.array([aligned[t] for t in texts])
        feats = (feats - feats.mean(axis=0)) / np.maximum(feats.std(axis=0), 1e-9)
        meaning = np.hstack(
            [np.stack([vector(vectors, t) for t in texts]), feats / math.sqrt(feats.shape[1])]
        )
        fit = _part.fit_part(
            marks,
            np.array([index[e.answer] for e in item.examples]),
            np.array([index[a] for a in answers]),
            {"words": _part.tfidf(texts), "meaning": meaning},
            fixed,
        )
        sure = fit.confidence
        if self.sure_shots is not None:
            # No surer than the shipped curve says for how sure the part's models are together
            # (_part.consensus), within the part's held-out error: a few dozen held-out marks
            # can make the part's own curve overconfident (BENCHMARKS.md, issue 15, sessions
            # 3 and 6).
            marked_log = math.log1p(len(marks))
            shipped = self.sure_shots.predict([[a, marked_log] for a in fit.agreed])
            sure = np.minimum(sure, np.minimum(shipped, 1.0 - fit.held_out_error))
        return ShotFit(
            curve[0],
            curve[1],
            fit.held_out_error,
            dict(zip(answers, fit.fractions.tolist(), strict=True)),
            dict(zip(answers, sure.tolist(), strict=True)),
            fit,
        )


class LearnedJudge(EmbeddingJudge[LearnedModel]):
    """Similarity and alignment features → a logistic model trained on the public train splits
    (or, through `fit`, on any graded answers: `gradewise evaluate` fits it on a data set's
    train split); with marked answers, the boosted forest (never refitted: it reads marks)."""

    def __init__(self, encoder: Encoder | None = None, weights: dict[str, Any] | None = None):
        super().__init__("learned", LearnedModel(weights), encoder)

    def lesson(self, items: Sequence[JudgeItem]) -> GroupFit:
        """What the marked answers of the first item's group teach, fitted on the items of
        that group (the fit `judge_many` uses for them)."""
        targets = [target(item) for item in items]
        vectors = self.vectors(targets)
        return Lessons(self.model, targets, vectors).of(targets[0])

    def feature_matrix(self, items: Sequence[JudgeItem]) -> np.ndarray:
        """Every feature of every item's answer: what a fit learns from."""
        vectors = self.vectors(items)
        return np.array([self.model.inputs(item, item.answer, vectors) for item in items])

    def fit(self, rows: Sequence[GradedAnswer]) -> LearnedJudge:
        """A judge with the same features, its weights fitted to these graded answers."""
        items = [JudgeItem(r.question, r.reference, r.answer, max_marks=r.max_score) for r in rows]
        x = self.feature_matrix(items)
        share = np.array([r.score / r.max_score for r in rows])
        coef, intercept = fit_logistic(x, share)
        fitted = {
            "features": list(self.model.features.names),
            "coef": coef,
            "intercept": intercept,
            "answers": len(rows),
        }
        for kept in ("shots", "confidence"):  # the forests stay: they read marks, not a data set
            if kept in self.model.weights:
                fitted[kept] = self.model.weights[kept]
        judge = self.refitted(fitted)
        judge.version = f"{self.version}; refitted on {len(rows)} answers"
        return judge

    def refitted(self, weights: dict[str, Any]) -> LearnedJudge:
        """A judge like this one with other weights."""
        return LearnedJudge(self.encoder, weights)


def _texts(item: JudgeItem, answers: Sequence[str]) -> tuple[str, ...]:
    """The part's distinct texts, judged and marked, in one order (the TF-IDF cache's key)."""
    return tuple(sorted({*answers, *(e.answer for e in item.examples)}))


def shot_features(
    f: Sequence[float],
    zero: float,
    sims: np.ndarray,
    marks: np.ndarray,
    zeros: np.ndarray,
    curve: tuple[float, float],
) -> list[float]:
    """The forest's inputs (`SHOT_FEATURES`) for one answer: its own features `f` and logistic
    fraction `zero`, and what the marked answers tell about it — `sims` its cosines to them,
    `marks` their human marks (share of the part's marks), `zeros` their logistic fractions,
    `curve` the part's refitted (slope, bias) (see similarity.fit_group)."""
    near = neighbours(sims.tolist(), marks.tolist())
    nearest = int(np.argmax(sims))
    slope, bias = curve
    return [
        *f,
        zero,
        near.estimate if near else float(marks.mean()),
        float(marks[nearest]),
        float(sims[nearest]),
        float(sims[marks == marks.max()].max()),
        float(sims[marks == marks.min()].max()),
        float(marks.mean()),
        float(marks.std()),
        float((marks - zeros).mean()),
        sigmoid(slope * logit(zero) + bias),
        near.spread if near else 0.0,
        float(sims.mean()),
        math.log1p(len(marks)),
    ]


def zero_confidence_inputs(fraction: float) -> list[float]:
    """`ZERO_CONFIDENCE` from the logistic model's fraction."""
    return [abs(2 * fraction - 1)]


_MARKED_AT = SHOT_FEATURES.index("log_marked")
_ZERO_AT = SHOT_FEATURES.index("zero")


def shot_confidence_inputs(row: Sequence[float], fraction: float) -> list[float]:
    """`SHOT_CONFIDENCE` from an answer's `shot_features` and the forest's fraction."""
    return [abs(2 * fraction - 1), row[_MARKED_AT]]


def fit_logistic(
    x: np.ndarray, share: np.ndarray, *, l2: float = 1.0, steps: int = 50
) -> tuple[list[float], float]:
    """Logistic regression on soft labels (the share of the marks), L2-penalised like
    scikit-learn's C = 1 (the intercept is not penalised), by Newton's method."""
    n, d = x.shape
    a = np.hstack([x, np.ones((n, 1))])
    penalty = np.diag([l2] * d + [0.0])
    w = np.zeros(d + 1)
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(a @ w)))
        grad = a.T @ (p - share) + penalty @ w
        hess = (a * (p * (1 - p))[:, None]).T @ a + penalty + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return [round(float(c), 6) for c in w[:d]], round(float(w[d]), 6)


@hookimpl
def register_judges(register: Callable[[Judge], None]) -> None:
    register(LearnedJudge())
