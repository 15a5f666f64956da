"""Agreement with human graders: the graded-answers CSV, metrics, and the evaluation protocols.

The CSV format (also the format gradewise exports human grades in) has the columns dataset,
split, question_id, question, reference_answer (several joined by ` || `), answer_id,
student_answer, score, max_score, and optionally label and feedback.

Protocols, run per data set and test split (`train` rows are never reported):
- zero-shot: no human grade of the predicted question reaches the judge (`examples=()`). A judge
  that learns (the optional `Learner.fit` hook) is fitted on the train split, or where the data
  set has none, leave-one-assignment-out (assignment = question_id before the dot, Mohler);
- k-shot: per question, k answers are marked by the human first — chosen by the judge's optional
  `Selector.select` hook, else seeded-random — and given to the judge as examples. They come from
  the question's train rows where it has k of them (then every test answer is predicted), else
  from the question's own answers, which are then left out: only the rest is reported;
- train-test: where the data set has a train split holding graded answers of the test answer's
  question (SemEval and SAF unseen_answers), the judge (fitted on the train split, if it
  learns) is given all of them as the human's marks — what gradewise does with a part whose
  earlier answers a human has marked. Splits with no such question (unseen_questions) give no
  row: there it is the zero-shot protocol.

Pearson r and RMSE are on the data set's score scale, or on score / max_score when its
questions are worth different marks (SAF). Agreement (for coverage and the reliability table):
on a 2-way data set (max_score 1 with correct/incorrect labels) the predicted label (fraction
≥ 0.5 is correct) equals the human's; on a point scale the predicted score is within a tenth of
the question's marks of the human's (0.5 point of 5), or rounds to the human's grade on the
question's grade scale (the distinct grades the human gave it). Accuracy and F1 on a point
scale compare the grade with the prediction rounded the same way.
"""

from __future__ import annotations

import csv
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Protocol, runtime_checkable

from gradewise.errors import GradewiseError
from gradewise.judges.outlook import coverage
from gradewise.judges.registry import Example, Judge, JudgeItem, Selector
from gradewise.reports.csvfile import Cell, restore, write_csv

REQUIRED = (
    "dataset",
    "split",
    "question_id",
    "question",
    "reference_answer",
    "answer_id",
    "student_answer",
    "score",
    "max_score",
)
# Points agree within a tenth of the question's marks (0.5 point of 5), or same grade rounded.
AGREEMENT_SHARE = 1 / 10


@dataclass(frozen=True)
class GradedAnswer:
    """One row of a graded-answers file."""

    dataset: str
    split: str
    question_id: str
    question: str
    reference: str
    answer_id: str
    answer: str
    score: float
    max_score: float
    label: str = ""


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


# reading ------------------------------------------------------------------------------------


def read_graded(path: Path) -> list[GradedAnswer]:
    """Read a graded-answers CSV; a bad row is a one-line error naming file, line and column."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise GradewiseError(
                    f"missing column(s) {', '.join(missing)}",
                    file=str(path),
                    line=1,
                    fix=f"the header must hold: {', '.join(REQUIRED)}",
                )
            return [_row(path, reader.line_num, raw) for raw in reader]
    except csv.Error as exc:
        raise GradewiseError(
            f"not valid CSV: {exc}", file=str(path), fix="save the file as comma-separated UTF-8"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise GradewiseError(
            f"cannot read: {exc}",
            file=str(path),
            fix="give a UTF-8 CSV file in the graded-answers format",
        ) from exc


def _row(path: Path, line: int, raw: dict[str, str]) -> GradedAnswer:
    if (
        None in raw or None in raw.values()
    ):  # csv's markers for a row longer / shorter than the header
        raise GradewiseError(
            "row has a different number of columns than the header",
            file=str(path),
            line=line,
            fix="quote any text that holds a comma",
        )
    # A file gradewise exported quotes text that a spreadsheet would run as a formula.
    raw = {column: restore(value) for column, value in raw.items()}
    for column in ("dataset", "question_id", "answer_id"):
        if not (raw[column] or "").strip():
            raise GradewiseError(
                f"column {column} is empty", file=str(path), line=line, fix=f"fill in {column}"
            )
    score = _number(path, line, raw, "score")
    max_score = _number(path, line, raw, "max_score")
    if max_score <= 0:
        raise GradewiseError(
            f"column max_score is {max_score:g}",
            file=str(path),
            line=line,
            fix="max_score must be above 0",
        )
    if not 0 <= score <= max_score:
        raise GradewiseError(
            f"column score {score:g} is outside 0..max_score {max_score:g}",
            file=str(path),
            line=line,
            fix="correct the score or max_score column",
        )
    return GradedAnswer(
        dataset=raw["dataset"],
        split=raw["split"] or "all",
        question_id=raw["question_id"],
        question=raw["question"] or "",
        reference=raw["reference_answer"] or "",
        answer_id=raw["answer_id"],
        answer=raw["student_answer"] or "",
        score=score,
        max_score=max_score,
        label=(raw.get("label") or "").strip(),
    )


def _number(path: Path, line: int, raw: dict[str, str], column: str) -> float:
    try:
        value = float(raw[column])
    except (TypeError, ValueError):
        raise GradewiseError(
            f"column {column} {raw[column]!r} is not a number",
            file=str(path),
            line=line,
            fix=f"write a number in the {column} column",
        ) from None
    if math.isnan(value):
        raise GradewiseError(
            f"column {column} is NaN", file=str(path), line=line, fix="write a number"
        )
    return value


# metrics ------------------------------------------------------------------------------------


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    """Pearson correlation; NaN when either side is constant or there are fewer than 2 points."""
    n = len(x)
    if n < 2:
        return math.nan
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else math.nan


def rmse(x: Sequence[float], y: Sequence[float]) -> float:
    """Root mean squared difference; NaN for no points."""
    if not x:
        return math.nan
    return math.sqrt(sum((a - b) ** 2 for a, b in zip(x, y, strict=True)) / len(x))


def qwk(a: Sequence[int], b: Sequence[int]) -> float:
    """Quadratic weighted kappa between two integer ratings (1.0 = perfect, 0 = chance)."""
    if not a:
        return math.nan
    low, high = min(*a, *b), max(*a, *b)
    if low == high:
        return 1.0
    span = (high - low) ** 2
    n = len(a)
    hist_a, hist_b = Counter(a), Counter(b)
    observed = sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) / span / n
    expected = (
        sum(hist_a[i] * hist_b[j] * (i - j) ** 2 for i in hist_a for j in hist_b) / span / n / n
    )
    return 1.0 - observed / expected if expected > 0 else math.nan


def accuracy(truth: Sequence[str], guess: Sequence[str]) -> float:
    """Share of labels guessed exactly; NaN for no labels."""
    if not truth:
        return math.nan
    return sum(t == g for t, g in zip(truth, guess, strict=True)) / len(truth)


def f1_scores(truth: Sequence[str], guess: Sequence[str]) -> dict[str, float]:
    """F1 per class of the truth."""
    out = {}
    for label in sorted(set(truth)):
        tp = sum(t == g == label for t, g in zip(truth, guess, strict=True))
        predicted = sum(g == label for g in guess)
        actual = sum(t == label for t in truth)
        out[label] = 2 * tp / (predicted + actual) if predicted + actual else 0.0
    return out


def macro_f1(truth: Sequence[str], guess: Sequence[str]) -> float:
    """Unweighted mean of the per-class F1 (classes of the truth)."""
    scores = f1_scores(truth, guess)
    return sum(scores.values()) / len(scores) if scores else math.nan


def weighted_f1(truth: Sequence[str], guess: Sequence[str]) -> float:
    """Per-class F1 weighted by how often each class is the truth."""
    scores = f1_scores(truth, guess)
    counts = Counter(truth)
    return sum(scores[c] * counts[c] for c in scores) / len(truth) if truth else math.nan


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


# protocols ----------------------------------------------------------------------------------


def two_way(rows: Sequence[GradedAnswer]) -> bool:
    """A correct/incorrect data set: every max_score is 1 and the labels say so."""
    return all(r.max_score == 1 for r in rows) and {r.label.lower() for r in rows} <= {
        "correct",
        "incorrect",
    }


@runtime_checkable
class Learner(Protocol):
    """Optional judge hook: learn from graded answers of *other* questions, return a judge."""

    def fit(self, rows: Sequence[GradedAnswer]) -> Judge: ...


Chooser = Callable[[Sequence[GradedAnswer], int, random.Random], list[int]]


def seeded_choice(answers: Sequence[GradedAnswer], k: int, rng: random.Random) -> list[int]:
    """The default selection: k answers at random, reproducible from the seed."""
    return sorted(rng.sample(range(len(answers)), k))


def _item(row: GradedAnswer, examples: tuple[Example, ...] = ()) -> JudgeItem:
    return JudgeItem(
        question=row.question,
        reference=row.reference,
        answer=row.answer,
        max_marks=row.max_score,
        examples=examples,
        group=f"{row.dataset}/{row.question_id}",
    )


def _predict(
    judge: Judge, rows: Sequence[GradedAnswer], items: Sequence[JudgeItem]
) -> tuple[list[Prediction], float]:
    start = time.perf_counter()
    judged = judge.judge_many(items)
    seconds = time.perf_counter() - start
    predictions = [
        Prediction(row, _clamp(j.fraction) * row.max_score, j.confidence)
        for row, j in zip(rows, judged, strict=True)
    ]
    return predictions, seconds


def zero_shot(
    judge: Judge, rows: Sequence[GradedAnswer], training: Sequence[GradedAnswer] = ()
) -> tuple[list[Prediction], float]:
    """Predict every answer with no human grade of its question (`examples=()`).

    A `Learner` judge is fitted on `training` (the data set's train split) when there is one,
    else leave-one-assignment-out on `rows` (assignment = question_id before the dot, Mohler).
    """
    if not isinstance(judge, Learner):
        return _predict(judge, rows, [_item(r) for r in rows])
    folds = [(training, rows)] if training else _leave_one_assignment_out(rows)
    predictions: list[Prediction] = []
    seconds = 0.0
    for train, test in folds:
        # One assignment only: nothing else to learn from, so the judge as shipped.
        fitted = judge.fit(train) if train else judge
        got, took = _predict(fitted, test, [_item(r) for r in test])
        predictions += got
        seconds += took
    return predictions, seconds


def train_test(
    judge: Judge, rows: Sequence[GradedAnswer], training: Sequence[GradedAnswer]
) -> tuple[list[Prediction], float]:
    """Predict the answers whose question has graded train answers, with all of those as the
    human's marks (the judge fitted on `training` first, if it learns); the others are left
    out (nothing is predicted when no question has any)."""
    pools = _by_question(training)
    kept = [r for r in rows if pools.get(_key(r))]
    if not kept:
        return [], 0.0
    fitted = judge.fit(training) if isinstance(judge, Learner) else judge
    marks = {
        key: tuple(Example(t.answer, t.score / t.max_score) for t in pool)
        for key, pool in pools.items()
    }
    return _predict(fitted, kept, [_item(r, marks[_key(r)]) for r in kept])


def _leave_one_assignment_out(
    rows: Sequence[GradedAnswer],
) -> list[tuple[list[GradedAnswer], list[GradedAnswer]]]:
    def assignment(row: GradedAnswer) -> str:
        return row.question_id.split(".")[0]

    names = sorted({assignment(r) for r in rows})
    return [
        ([r for r in rows if assignment(r) != name], [r for r in rows if assignment(r) == name])
        for name in names
    ]


def k_shot(
    judge: Judge,
    rows: Sequence[GradedAnswer],
    k: int,
    *,
    seed: int = 0,
    choose: Chooser | None = None,
    marked: Sequence[GradedAnswer] = (),
) -> tuple[list[Prediction], float]:
    """Per question, k answers are marked by the human first; the rest are predicted.

    The k come from `marked` (graded answers of the same question, e.g. the train split) when it
    holds k of them — then every row is predicted — else from the question's own rows, which are
    then left out of the predictions. `choose` defaults to the judge's `select`, else random.
    """
    rng = random.Random(seed)
    pick = choose or _judge_choice(judge)
    pools = _by_question(marked)
    rest: list[GradedAnswer] = []
    items: list[JudgeItem] = []
    for key, answers in _by_question(rows).items():
        pool = pools.get(key, [])
        examples, predicted = _shots(answers, pool if len(pool) >= k else [], k, pick, rng)
        rest += predicted
        items += [_item(row, examples) for row in predicted]
    return _predict(judge, rest, items)


def _shots(
    answers: list[GradedAnswer], pool: list[GradedAnswer], k: int, pick: Chooser, rng: random.Random
) -> tuple[tuple[Example, ...], list[GradedAnswer]]:
    """(the k examples, the answers to predict) for one question."""
    source = pool or answers
    if len(source) <= k and not pool:
        return (), []  # nothing left to predict for this question
    chosen = _checked(pick(source, k, rng), len(source), k, rng)
    examples = tuple(
        Example(source[i].answer, source[i].score / source[i].max_score) for i in chosen
    )
    predicted = answers if pool else [r for i, r in enumerate(answers) if i not in chosen]
    return examples, predicted


def _judge_choice(judge: Judge) -> Chooser:
    if not isinstance(judge, Selector):
        return seeded_choice
    return lambda answers, k, rng: judge.select([a.answer for a in answers], k, rng)


def _checked(chosen: Iterable[int], n: int, k: int, rng: random.Random) -> list[int]:
    """A selection strategy that returns the wrong indices falls back to the seeded choice."""
    valid = sorted({i for i in chosen if 0 <= i < n})
    return valid if len(valid) == k else sorted(rng.sample(range(n), k))


def _by_question(rows: Iterable[GradedAnswer]) -> dict[tuple[str, str], list[GradedAnswer]]:
    groups: dict[tuple[str, str], list[GradedAnswer]] = defaultdict(list)
    for row in rows:
        groups[(row.dataset, row.question_id)].append(row)
    return groups


def first_questions(rows: Sequence[GradedAnswer], n: int) -> list[GradedAnswer]:
    """Only the first n questions (in file order) of each data set: quick runs."""
    keep: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        seen = keep[row.dataset]
        if row.question_id not in seen and len(seen) < n:
            seen.append(row.question_id)
    return [r for r in rows if r.question_id in keep[r.dataset]]


# the report ---------------------------------------------------------------------------------


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
    scales = _grade_scales(rows)
    agree = [_agree(p, binary, scales) for p in predictions]
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
        by_question[_key(p.row)].append(p)
    kappas = [_kappa(group) for group in by_question.values() if len(group) > 1]
    kappas = [k for k in kappas if not math.isnan(k)]
    return sum(kappas) / len(kappas) if kappas else math.nan


def _labels(
    predictions: Sequence[Prediction], binary: bool, scales: dict[tuple[str, str], list[float]]
) -> tuple[list[str], list[str]]:
    """2-way: correct/incorrect at half marks; points: the grade itself, predictions rounded
    to the nearest grade on the question's scale."""
    if binary:
        truth = [_label(p.row.score / p.row.max_score) for p in predictions]
        return truth, [_label(p.score / p.row.max_score) for p in predictions]
    truth = [f"{p.row.score:g}" for p in predictions]
    return truth, [f"{_nearest(p.score, scales[_key(p.row)]):g}" for p in predictions]


@dataclass(frozen=True)
class Report:
    """One judge measured on graded answers: a Metrics per data set, split and protocol."""

    judge: str
    version: str
    seed: int
    results: tuple[Metrics, ...]
    # (protocol, prediction) for every answer predicted: `write_predictions`, not the JSON.
    predictions: tuple[tuple[str, Prediction], ...] = field(default=(), repr=False)

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-able values; NaN (a metric that does not apply) becomes null."""
        out = asdict(replace(self, predictions=()))
        del out["predictions"]
        out["results"] = [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in m.items()}
            for m in out["results"]
        ]
        return out


PROTOCOLS_ALL = ("zero-shot", "k-shot:5", "k-shot:10", "train-test")


def evaluate(
    rows: Sequence[GradedAnswer],
    judge: Judge,
    protocols: Sequence[str] = ("zero-shot",),
    *,
    seed: int = 0,
    choose: Chooser | None = None,
) -> Report:
    """Run each protocol ('zero-shot', 'k-shot:5', ...) per data set and test split.

    `train` rows are never reported: they train a `Learner` judge and, in k-shot, are the
    already-marked answers of their questions.
    """
    results = []
    kept: list[tuple[str, Prediction]] = []
    splits = _by_split(rows)
    for (dataset, split), group in sorted(splits.items()):
        if split == "train":
            continue
        training = splits.get((dataset, "train"), [])
        for protocol in protocols:
            predictions, seconds = _run(judge, protocol, group, training, seed, choose)
            if predictions:
                results.append(metrics(predictions, protocol=protocol, seconds=seconds))
                kept += [(protocol, p) for p in predictions]
    return Report(judge.id, judge.version, seed, tuple(results), tuple(kept))


PREDICTION_COLUMNS = (
    "dataset",
    "split",
    "protocol",
    "question_id",
    "answer_id",
    "score",
    "predicted",
    "confidence",
)


def write_predictions(path: Path, report: Report) -> None:
    """One CSV row per predicted answer (`PREDICTION_COLUMNS`): the human's score, the judge's
    prediction on the same scale and its confidence, so any other figure can be computed."""
    rows: list[list[Cell]] = [
        [
            p.row.dataset,
            p.row.split,
            protocol,
            p.row.question_id,
            p.row.answer_id,
            p.row.score,
            p.score,
            p.confidence,
        ]
        for protocol, p in report.predictions
    ]
    write_csv(path, PREDICTION_COLUMNS, rows)


def _run(
    judge: Judge,
    protocol: str,
    rows: Sequence[GradedAnswer],
    training: Sequence[GradedAnswer],
    seed: int,
    choose: Chooser | None,
) -> tuple[list[Prediction], float]:
    if protocol == "zero-shot":
        return zero_shot(judge, rows, training)
    if protocol == "train-test":
        return train_test(judge, rows, training)
    name, _, k = protocol.partition(":")
    if name != "k-shot" or not k.isdigit() or int(k) < 1:
        raise ValueError(
            f"unknown protocol {protocol!r}: use 'zero-shot', 'k-shot:K' or 'train-test'"
        )
    if isinstance(judge, Learner) and not training:
        # No train split (Mohler): fitted leave-one-assignment-out, as in zero-shot.
        predictions: list[Prediction] = []
        seconds = 0.0
        for train, test in _leave_one_assignment_out(rows):
            fitted = judge.fit(train) if train else judge
            got, took = k_shot(fitted, test, int(k), seed=seed, choose=choose)
            predictions += got
            seconds += took
        return predictions, seconds
    fitted = judge.fit(training) if isinstance(judge, Learner) else judge
    return k_shot(fitted, rows, int(k), seed=seed, choose=choose, marked=training)


def _by_split(rows: Iterable[GradedAnswer]) -> dict[tuple[str, str], list[GradedAnswer]]:
    groups: dict[tuple[str, str], list[GradedAnswer]] = defaultdict(list)
    for row in rows:
        groups[(row.dataset, row.split)].append(row)
    return groups


def _key(row: GradedAnswer) -> tuple[str, str]:
    return (row.dataset, row.question_id)


def _grade_scales(rows: Iterable[GradedAnswer]) -> dict[tuple[str, str], list[float]]:
    """Each question's grade scale: the distinct grades the human gave it."""
    scales: dict[tuple[str, str], set[float]] = defaultdict(set)
    for row in rows:
        scales[_key(row)].add(row.score)
    return {key: sorted(values) for key, values in scales.items()}


def _agree(p: Prediction, binary: bool, scales: dict[tuple[str, str], list[float]]) -> bool:
    """See the module docstring: same label (2-way), or close / same grade when rounded."""
    if binary:
        return _label(p.score / p.row.max_score) == _label(p.row.score / p.row.max_score)
    close = abs(p.score - p.row.score) <= p.row.max_score * AGREEMENT_SHARE + 1e-9
    return close or _nearest(p.score, scales[_key(p.row)]) == p.row.score


def _label(fraction: float) -> str:
    return "correct" if fraction >= 0.5 else "incorrect"


def _nearest(value: float, scale: Sequence[float]) -> float:
    """The grade on the scale closest to a predicted score; ties go to the lower grade."""
    return min(scale, key=lambda s: (abs(s - value), s))


def _clamp(fraction: float) -> float:
    return max(0.0, min(1.0, fraction))
