"""Agreement with human graders: the graded-answers CSV, metrics, and the evaluation protocols.

The CSV format (also the format gradewise exports human grades in) has the columns dataset,
split, question_id, question, reference_answer (several joined by ` || `), answer_id,
student_answer, score, max_score, and optionally label and feedback.

Protocols:
- zero-shot: no human grade of the predicted question reaches the judge (`examples=()`);
- k-shot: per question, k answers are graded by the human first (seeded-random choice) and given
  to the judge as examples; the rest are predicted and only they are reported.

Pearson r and RMSE are on the data set's score scale, or on score / max_score when its
questions are worth different marks (SAF). Agreement (for coverage and the reliability table):
on a 2-way data set (max_score 1 with correct/incorrect labels) the predicted label equals the
human's; on a point scale the predicted score is within an eighth of the question's marks of the
human's.
"""

from __future__ import annotations

import csv
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gradewise.errors import GradewiseError
from gradewise.judges.registry import Example, Judge, JudgeItem

REQUIRED = ("dataset", "split", "question_id", "question", "reference_answer", "answer_id",
            "student_answer", "score", "max_score")  # fmt: skip
AGREEMENT_SHARE = 1 / 8


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
    qwk: float
    accuracy: float
    macro_f1: float
    weighted_f1: float
    coverage: float
    answers_per_s: float
    reliability: tuple[tuple[float, float, int, float, float], ...] = field(default=())


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
    except (OSError, UnicodeDecodeError) as exc:
        raise GradewiseError(
            f"cannot read: {exc}",
            file=str(path),
            fix="give a UTF-8 CSV file in the graded-answers format",
        ) from exc


def _row(path: Path, line: int, raw: dict[str, str]) -> GradedAnswer:
    score = _number(path, line, raw, "score")
    max_score = _number(path, line, raw, "max_score")
    if max_score <= 0 or not 0 <= score <= max_score:
        raise GradewiseError(
            f"score {score:g} is outside 0..max_score {max_score:g}",
            file=str(path),
            line=line,
            fix="correct the score or max_score column",
        )
    return GradedAnswer(
        dataset=raw["dataset"], split=raw["split"] or "all", question_id=raw["question_id"],
        question=raw["question"] or "", reference=raw["reference_answer"] or "",
        answer_id=raw["answer_id"], answer=raw["student_answer"] or "", score=score,
        max_score=max_score, label=(raw.get("label") or "").strip(),
    )  # fmt: skip


def _number(path: Path, line: int, raw: dict[str, str], column: str) -> float:
    try:
        value = float(raw[column])
    except (TypeError, ValueError):
        raise GradewiseError(
            f"{column} {raw[column]!r} is not a number",
            file=str(path),
            line=line,
            fix=f"write a number in the {column} column",
        ) from None
    if math.isnan(value):
        raise GradewiseError(f"{column} is NaN", file=str(path), line=line, fix="write a number")
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
    expected = sum(
        hist_a[i] * hist_b[j] * (i - j) ** 2 for i in hist_a for j in hist_b
    ) / span / n / n  # fmt: skip
    return 1.0 - observed / expected if expected > 0 else math.nan


def accuracy(truth: Sequence[str], guess: Sequence[str]) -> float:
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
    scores = f1_scores(truth, guess)
    return sum(scores.values()) / len(scores) if scores else math.nan


def weighted_f1(truth: Sequence[str], guess: Sequence[str]) -> float:
    scores = f1_scores(truth, guess)
    counts = Counter(truth)
    return sum(scores[c] * counts[c] for c in scores) / len(truth) if truth else math.nan


def coverage(agree: Sequence[bool], confidence: Sequence[float], target: float = 0.95) -> float:
    """The largest share of answers, most confident first, accepted with ≥ target agreement."""
    order = sorted(range(len(agree)), key=lambda i: -confidence[i])
    best = right = 0
    for taken, i in enumerate(order, 1):
        right += agree[i]
        if right / taken >= target:
            best = taken
    return best / len(agree) if agree else math.nan


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


def zero_shot(judge: Judge, rows: Sequence[GradedAnswer]) -> tuple[list[Prediction], float]:
    """Predict every answer with no human grade of its question."""
    return _predict(judge, rows, [_item(r) for r in rows])


Chooser = Callable[[Sequence[GradedAnswer], int, random.Random], list[int]]


def seeded_choice(answers: Sequence[GradedAnswer], k: int, rng: random.Random) -> list[int]:
    return sorted(rng.sample(range(len(answers)), k))


def k_shot(
    judge: Judge,
    rows: Sequence[GradedAnswer],
    k: int,
    *,
    seed: int = 0,
    choose: Chooser = seeded_choice,
) -> tuple[list[Prediction], float]:
    """Per question, k answers are marked by the human first; the rest are predicted."""
    rng = random.Random(seed)
    rest: list[GradedAnswer] = []
    items: list[JudgeItem] = []
    for answers in _by_question(rows).values():
        if len(answers) <= k:
            continue  # nothing left to predict for this question
        chosen = set(choose(answers, k, rng))
        examples = tuple(
            Example(answers[i].answer, answers[i].score / answers[i].max_score)
            for i in sorted(chosen)
        )
        for i, row in enumerate(answers):
            if i not in chosen:
                rest.append(row)
                items.append(_item(row, examples))
    return _predict(judge, rest, items)


def _by_question(rows: Iterable[GradedAnswer]) -> dict[tuple[str, str], list[GradedAnswer]]:
    groups: dict[tuple[str, str], list[GradedAnswer]] = defaultdict(list)
    for row in rows:
        groups[(row.dataset, row.question_id)].append(row)
    return groups


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
    agree = [_agree(p, binary) for p in predictions]
    truth_labels = (
        [_label(r.score / r.max_score) for r in rows] if binary else [f"{s:g}" for s in human]
    )
    guess_labels = (
        [_label(p.score / p.row.max_score) for p in predictions]
        if binary
        else [f"{_nearest(p.score, human):g}" for p in predictions]
    )
    integer = all(float(s).is_integer() for s in human)
    first = rows[0] if rows else None
    return Metrics(
        dataset=first.dataset if first else "",
        split=first.split if first else "",
        protocol=protocol,
        n=len(rows),
        pearson=pearson(g_scale, h_scale),
        rmse=rmse(g_scale, h_scale),
        qwk=qwk([int(h) for h in human], [round(g) for g in guess]) if integer else math.nan,
        accuracy=accuracy(truth_labels, guess_labels),
        macro_f1=macro_f1(truth_labels, guess_labels),
        weighted_f1=weighted_f1(truth_labels, guess_labels),
        coverage=coverage(agree, [p.confidence for p in predictions]),
        answers_per_s=len(rows) / seconds if seconds > 0 else math.nan,
        reliability=reliability(agree, [p.confidence for p in predictions]),
    )


def evaluate(
    judge: Judge,
    rows: Sequence[GradedAnswer],
    *,
    protocols: Sequence[str] = ("zero-shot",),
    seed: int = 0,
) -> list[Metrics]:
    """Run each protocol ('zero-shot', 'k-shot:5', ...) per data set and test split."""
    out = []
    for (_, split), group in sorted(_by_split(rows).items()):
        if split == "train":
            continue  # training material for judges that learn; never reported
        for protocol in protocols:
            if protocol == "zero-shot":
                predictions, seconds = zero_shot(judge, group)
            else:
                predictions, seconds = k_shot(judge, group, int(protocol.split(":")[1]), seed=seed)
            if predictions:
                out.append(metrics(predictions, protocol=protocol, seconds=seconds))
    return out


def _by_split(rows: Iterable[GradedAnswer]) -> dict[tuple[str, str], list[GradedAnswer]]:
    groups: dict[tuple[str, str], list[GradedAnswer]] = defaultdict(list)
    for row in rows:
        groups[(row.dataset, row.split)].append(row)
    return groups


def _agree(p: Prediction, binary: bool) -> bool:
    if binary:
        return _label(p.score / p.row.max_score) == _label(p.row.score / p.row.max_score)
    return abs(p.score - p.row.score) <= p.row.max_score * AGREEMENT_SHARE + 1e-9


def _label(fraction: float) -> str:
    return "correct" if fraction >= 0.5 else "incorrect"


def _nearest(value: float, scale: Sequence[float]) -> float:
    """The grade on the human scale closest to a predicted score (for accuracy on points)."""
    return min(set(scale), key=lambda s: (abs(s - value), s))


def _clamp(fraction: float) -> float:
    return max(0.0, min(1.0, fraction))
