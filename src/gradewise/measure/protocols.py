"""The evaluation protocols, run per data set and test split (`train` rows are never reported).

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
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from gradewise.judges.registry import Example, Judge, JudgeItem, Learner, Selector
from gradewise.measure.figures import Prediction, question_key
from gradewise.model import GradedAnswer

Predicted = tuple[list[Prediction], float]  # the predictions and the seconds the judge took
Chooser = Callable[[Sequence[GradedAnswer], int, random.Random], list[int]]


def run_protocol(
    judge: Judge,
    protocol: str,
    rows: Sequence[GradedAnswer],
    training: Sequence[GradedAnswer],
    *,
    seed: int = 0,
    choose: Chooser | None = None,
) -> Predicted:
    """One protocol ('zero-shot', 'k-shot:K' or 'train-test') on one split's rows, with the
    data set's train split (`training`, possibly empty)."""
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


def seeded_choice(answers: Sequence[GradedAnswer], k: int, rng: random.Random) -> list[int]:
    """The default selection: k answers at random, reproducible from the seed."""
    return sorted(rng.sample(range(len(answers)), k))


def zero_shot(
    judge: Judge, rows: Sequence[GradedAnswer], training: Sequence[GradedAnswer] = ()
) -> Predicted:
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
) -> Predicted:
    """Predict the answers whose question has graded train answers, with all of those as the
    human's marks (the judge fitted on `training` first, if it learns); the others are left
    out (nothing is predicted when no question has any)."""
    pools = by_question(training)
    kept = [r for r in rows if pools.get(question_key(r))]
    if not kept:
        return [], 0.0
    fitted = judge.fit(training) if isinstance(judge, Learner) else judge
    marks = {
        key: tuple(Example(t.answer, t.score / t.max_score) for t in pool)
        for key, pool in pools.items()
    }
    return _predict(fitted, kept, [_item(r, marks[question_key(r)]) for r in kept])


def k_shot(
    judge: Judge,
    rows: Sequence[GradedAnswer],
    k: int,
    *,
    seed: int = 0,
    choose: Chooser | None = None,
    marked: Sequence[GradedAnswer] = (),
) -> Predicted:
    """Per question, k answers are marked by the human first; the rest are predicted.

    The k come from `marked` (graded answers of the same question, e.g. the train split) when it
    holds k of them — then every row is predicted — else from the question's own rows, which are
    then left out of the predictions. `choose` defaults to the judge's `select`, else random.
    """
    rng = random.Random(seed)
    pick = choose or _judge_choice(judge)
    pools = by_question(marked)
    rest: list[GradedAnswer] = []
    items: list[JudgeItem] = []
    for key, answers in by_question(rows).items():
        pool = pools.get(key, [])
        examples, predicted = _shots(answers, pool if len(pool) >= k else [], k, pick, rng)
        rest += predicted
        items += [_item(row, examples) for row in predicted]
    return _predict(judge, rest, items)


def first_questions(rows: Sequence[GradedAnswer], n: int) -> list[GradedAnswer]:
    """Only the first n questions (in file order) of each data set: quick runs."""
    keep: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        seen = keep[row.dataset]
        if row.question_id not in seen and len(seen) < n:
            seen.append(row.question_id)
    return [r for r in rows if r.question_id in keep[r.dataset]]


def by_question(rows: Iterable[GradedAnswer]) -> dict[tuple[str, str], list[GradedAnswer]]:
    """The rows of each question (`question_key`), in file order."""
    groups: dict[tuple[str, str], list[GradedAnswer]] = defaultdict(list)
    for row in rows:
        groups[question_key(row)].append(row)
    return groups


def _item(row: GradedAnswer, examples: tuple[Example, ...] = ()) -> JudgeItem:
    return JudgeItem(
        question=row.question,
        reference=row.reference,
        answer=row.answer,
        max_marks=row.max_score,
        examples=examples,
        group=f"{row.dataset}/{row.question_id}",
    )


def _predict(judge: Judge, rows: Sequence[GradedAnswer], items: Sequence[JudgeItem]) -> Predicted:
    start = time.perf_counter()
    judged = judge.judge_many(items)
    seconds = time.perf_counter() - start
    predictions = [
        Prediction(row, _clamp(j.fraction) * row.max_score, j.confidence)
        for row, j in zip(rows, judged, strict=True)
    ]
    return predictions, seconds


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


def _clamp(fraction: float) -> float:
    return max(0.0, min(1.0, fraction))
