"""A judge's predictions against the human's grades: every figure of one data set and split.

Pearson r and RMSE are on the data set's score scale, or on score / max_score when its
questions are worth different marks (SAF). Agreement (for coverage and the reliability table):
on a 2-way data set (max_score 1 with correct/incorrect labels) the predicted label (fraction
≥ 0.5 is correct) equals the human's; on a point scale the predicted score is within a tenth of
the question's marks of the human's (0.5 point of 5), or rounds to the human's grade on the
question's grade scale (the distinct grades the human gave it). Accuracy and F1 on a point
scale compare the grade with the prediction rounded the same way.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from gradewise.judges.outlook import coverage
from gradewise.metrics import accuracy, macro_f1, pearson, qwk, rmse, weighted_f1
from gradewise.model import GradedAnswer

# Points agree within a tenth of the question's marks (0.5 point of 5), or same grade rounded.
AGREEMENT_SHARE = 1 / 10

Scales = dict[tuple[str, str], list[float]]


@dataclass(frozen=True)
class Prediction:
    """A judge's predicted score (on the row's scale) and confidence for one graded answer."""

    row: GradedAnswer
    score: float
    confidence: float


@dataclass(frozen=True)
class Metrics:
    """Figures for one data set, split and protocol; NaN where a metric does not apply."""

    dataset: str
    split: str
    protocol: str
    n: int
    pearson: float
    rmse: float
    qwk_pooled: float  # one kappa over every answer of every question
    qwk_per_question: float  # the mean of each question's own kappa (point-scale benchmarks)
    accuracy: float
    macro_f1: float
    weighted_f1: float
    coverage: float
    answers_per_s: float
    reliability: tuple[tuple[float, float, int, float, float], ...] = field(default=())

    def figures(self) -> tuple[float, ...]:
        """The tables' columns: r, RMSE, QWK pooled, QWK mean per question, accuracy,
        macro-F1, weighted F1, coverage."""
        return (
            self.pearson,
            self.rmse,
            self.qwk_pooled,
            self.qwk_per_question,
            self.accuracy,
            self.macro_f1,
            self.weighted_f1,
            self.coverage,
        )


def metrics(predictions: Sequence[Prediction], *, protocol: str, seconds: float) -> Metrics:
    """Every figure for one set of predictions (one data set and split)."""
    rows = [p.row for p in predictions]
    human = [r.score for r in rows]
    guess = [p.score for p in predictions]
    # Questions worth different marks (SAF) are compared on the share of the marks.
    varied = len({r.max_score for r in rows}) > 1
    h_scale = [r.score / r.max_score for r in rows] if varied else human
    g_scale = [p.score / p.row.max_score for p in predictions] if varied else guess
    binary = two_way(rows)
    scales = grade_scales(rows)
    agree = [agrees(p, binary, scales) for p in predictions]
    truth_labels, guess_labels = _labels(predictions, binary, scales)
    confidence = [p.confidence for p in predictions]
    first = rows[0] if rows else None
    return Metrics(
        dataset=first.dataset if first else "",
        split=first.split if first else "",
        protocol=protocol,
        n=len(rows),
        pearson=pearson(g_scale, h_scale),
        rmse=rmse(g_scale, h_scale),
        qwk_pooled=_kappa(predictions),
        qwk_per_question=_mean_kappa(predictions),
        accuracy=accuracy(truth_labels, guess_labels),
        macro_f1=macro_f1(truth_labels, guess_labels),
        weighted_f1=weighted_f1(truth_labels, guess_labels),
        coverage=coverage(agree, confidence),
        answers_per_s=len(rows) / seconds if seconds > 0 else math.nan,
        reliability=reliability(agree, confidence),
    )


def two_way(rows: Sequence[GradedAnswer]) -> bool:
    """A correct/incorrect data set: every max_score is 1 and the labels say so."""
    return all(r.max_score == 1 for r in rows) and {r.label.lower() for r in rows} <= {
        "correct",
        "incorrect",
    }


def question_key(row: GradedAnswer) -> tuple[str, str]:
    """(data set, question id): what names a question across data sets."""
    return (row.dataset, row.question_id)


def grade_scales(rows: Iterable[GradedAnswer]) -> Scales:
    """Each question's grade scale: the distinct grades the human gave it."""
    scales: dict[tuple[str, str], set[float]] = defaultdict(set)
    for row in rows:
        scales[question_key(row)].add(row.score)
    return {key: sorted(values) for key, values in scales.items()}


def agrees(p: Prediction, binary: bool, scales: Scales) -> bool:
    """See the module docstring: same label (2-way), or close / same grade when rounded."""
    if binary:
        return _label(p.score / p.row.max_score) == _label(p.row.score / p.row.max_score)
    close = abs(p.score - p.row.score) <= p.row.max_score * AGREEMENT_SHARE + 1e-9
    return close or _nearest(p.score, scales[question_key(p.row)]) == p.row.score


def reliability(
    agree: Sequence[bool], confidence: Sequence[float], bins: int = 10
) -> tuple[tuple[float, float, int, float, float], ...]:
    """(low, high, n, mean confidence, observed agreement) per confidence bin with answers."""
    table = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        idx = [i for i, c in enumerate(confidence) if low <= c < high or (b == bins - 1 and c == 1)]
        if idx:
            mean_c = sum(confidence[i] for i in idx) / len(idx)
            table.append((low, high, len(idx), mean_c, sum(agree[i] for i in idx) / len(idx)))
    return tuple(table)


def _kappa(predictions: Sequence[Prediction]) -> float:
    """QWK of the human's grades and the predictions rounded; NaN unless the grades are whole."""
    human = [p.row.score for p in predictions]
    if not all(float(h).is_integer() for h in human):
        return math.nan
    return qwk([int(h) for h in human], [round(p.score) for p in predictions])


def _mean_kappa(predictions: Sequence[Prediction]) -> float:
    """The mean over questions of each question's own kappa (questions with one answer, or
    whose kappa is undefined, left out); NaN where none has one."""
    by_question: dict[tuple[str, str], list[Prediction]] = defaultdict(list)
    for p in predictions:
        by_question[question_key(p.row)].append(p)
    kappas = [_kappa(group) for group in by_question.values() if len(group) > 1]
    kappas = [k for k in kappas if not math.isnan(k)]
    return sum(kappas) / len(kappas) if kappas else math.nan


def _labels(
    predictions: Sequence[Prediction], binary: bool, scales: Scales
) -> tuple[list[str], list[str]]:
    """2-way: correct/incorrect at half marks; points: the grade itself, predictions rounded
    to the nearest grade on the question's scale."""
    if binary:
        truth = [_label(p.row.score / p.row.max_score) for p in predictions]
        return truth, [_label(p.score / p.row.max_score) for p in predictions]
    truth = [f"{p.row.score:g}" for p in predictions]
    return truth, [f"{_nearest(p.score, scales[question_key(p.row)]):g}" for p in predictions]


def _label(fraction: float) -> str:
    return "correct" if fraction >= 0.5 else "incorrect"


def _nearest(value: float, scale: Sequence[float]) -> float:
    """The grade on the scale closest to a predicted score; ties go to the lower grade."""
    return min(scale, key=lambda s: (abs(s - value), s))
