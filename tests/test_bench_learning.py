"""Issue 15's benchmarks on small data sets written here (no data of ../shared in tests):
bench_curve.py (the learning curve: which answers are the marks and which are predicted at
each k, the per-question kappa on a grade scale, one whole run), and one short run each of
bench_refit.py and bench_learning.py (refit and re-grade after a new mark), so a change that
breaks them fails here rather than when the figures are next wanted."""

from __future__ import annotations

import csv
import importlib.util
import random
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from gradewise.measure.figures import Prediction
from gradewise.model import GradedAnswer
from test_part import QUESTION, REFERENCE, synthetic_part

SKLEARN = importlib.util.find_spec("sklearn") is not None
BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPT = BENCHMARKS / "bench_curve.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_curve", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _bench()


def _row(qid: str, i: int, split: str, score: float, answer: str = "") -> GradedAnswer:
    return GradedAnswer(
        dataset="toy",
        split=split,
        question_id=qid,
        question=QUESTION,
        reference=REFERENCE,
        answer_id=f"{qid}#{i}",
        answer=answer or f"answer {qid} {i}",
        score=score,
        max_score=3.0,
    )


def _split_set(train: int, unseen: int) -> list[GradedAnswer]:
    return [
        _row(q, i, "train" if i < train else "unseen_answers", float(i % 4))
        for q in ("q1", "q2")
        for i in range(train + unseen)
    ]


@pytest.mark.parametrize(
    "k, marks_per_question, predicted",
    [
        ("0", 0, 8),  # zero-shot: every unseen answer predicted, nothing marked
        ("5", 5, 8),  # the marks from train, the same unseen answers predicted at every k
        ("all", 12, 8),  # every train answer is a mark
        ("25", None, 0),  # more than a question's train answers: the question is left out
    ],
)
def test_marks_come_from_train_and_unseen_answers_are_predicted(
    k: str, marks_per_question: int | None, predicted: int
) -> None:
    marks, rows = BENCH.split_rows(_split_set(12, 4), k, random.Random(0))
    assert len(rows) == predicted and all(r.split == "unseen_answers" for r in rows)
    if marks_per_question is None:
        assert marks == {}
    else:
        assert {q: len(m) for q, m in marks.items()} == {
            "q1": marks_per_question,
            "q2": marks_per_question,
        }
        assert all(m.split == "train" for chosen in marks.values() for m in chosen)


@pytest.mark.parametrize(
    "k, marks_per_question, predicted",
    [
        ("5", 5, 2 * 15),  # no split: the rest of the question's own answers are predicted
        ("10", 10, 2 * 10),  # n shrinks as k grows
        ("all", None, 0),  # "all" leaves nothing to predict without a split
        ("25", None, 0),  # a question's every answer a mark: nothing to predict either
    ],
)
def test_without_a_split_the_rest_of_a_question_is_predicted(
    k: str, marks_per_question: int | None, predicted: int
) -> None:
    rows = [_row(q, i, "all", float(i % 4)) for q in ("q1", "q2") for i in range(20)]
    marks, rest = BENCH.split_rows(rows, k, random.Random(0))
    assert len(rest) == predicted
    if marks_per_question is not None:
        assert all(len(m) == marks_per_question for m in marks.values())
        chosen = {m.answer_id for ms in marks.values() for m in ms}
        assert chosen.isdisjoint(r.answer_id for r in rest)  # a mark is never predicted


def test_train_only_predicts_a_quarter_of_train_and_never_reads_a_test_answer() -> None:
    marks, rows = BENCH.split_rows(_split_set(40, 6), "all", random.Random(0), train_only=True)
    assert all(r.split == "train" for r in rows)
    assert all(m.split == "train" for ms in marks.values() for m in ms)
    chosen = {m.answer_id for ms in marks.values() for m in ms}
    assert chosen.isdisjoint(r.answer_id for r in rows)
    assert len(chosen) + len(rows) == 80 and 14 <= len(rows) <= 26  # about a quarter


@pytest.mark.parametrize(
    "pairs, kappa",
    [
        ([(0, 0), (1.5, 1.5), (3, 3)], 1.0),  # half points have a kappa too: all agree
        ([(0, 0.2), (1.5, 1.4), (3, 2.9)], 1.0),  # a prediction counts as the nearest grade
        ([(0, 3), (1.5, 1.5), (3, 0)], -1.0),  # the ends swapped
        ([(2, 2), (2, 0)], None),  # one grade in the question: no kappa
    ],
)
def test_scale_kappa_reads_predictions_on_the_questions_own_grades(
    pairs: list[tuple[float, float]], kappa: float | None
) -> None:
    predictions = [
        Prediction(_row("q", i, "unseen_answers", human), guess, 0.5)
        for i, (human, guess) in enumerate(pairs)
    ]
    got = BENCH.scale_kappa(predictions)
    assert (got != got) if kappa is None else got == pytest.approx(kappa)


def test_a_whole_run_prints_a_row_per_k_with_every_judge(tmp_path: Path) -> None:
    answers = synthetic_part(2 * 44, seed=21)
    with (tmp_path / "toy-curve.csv").open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            [
                "question_id",
                "question",
                "reference_answer",
                "answer_id",
                "split",
                "student_answer",
                "score",
                "max_score",
            ]
        )
        for i, (text, grade) in enumerate(answers):
            q = f"q{i % 2}"
            split = "train" if i < 2 * 34 else "unseen_answers"
            out.writerow([q, QUESTION, REFERENCE, f"a{i}", split, text, grade, 3])
    run = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--data",
            str(tmp_path),
            "--k",
            "0",
            "--k",
            "10",
            "--k",
            "all",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    rows = [line.split(" | ") for line in run.stdout.splitlines() if line.startswith("| toy")]
    assert [r[1] for r in rows] == ["0", "10", "all"]
    assert all(r[2] == "20" for r in rows)  # the same 20 unseen answers at every k
    for r in rows:
        learned, _forest, tfidf, embedding = r[3:7]
        assert learned.count(" / ") >= 3 and "cov" in learned  # QWK / F1 / r, RMSE / coverage
        # no baseline without marks, nor without scikit-learn (the `train` extra)
        assert (r[1] == "0" or not SKLEARN) is (tfidf == "—") is (embedding == "—")
    # With all 34 marks the part model starts (30), so it may differ from the forest alone;
    # at 10 marks the two columns are the same judge.
    assert rows[1][3] == rows[1][4]


def _answers_sheet(path: Path, n: int) -> Path:
    """n answers with Mohler's columns (student_answer, score out of 5)."""
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["question_id", "student_answer", "score", "max_score"])
        for text, grade in synthetic_part(n, seed=22):
            out.writerow(["1.1", text, grade * 5 / 3, 5])
    return path


@pytest.mark.parametrize(
    "script, options, steps",
    [
        ("bench_refit.py", ["--answers", "60", "--marks", "35"], ["after mark 36", "forest only"]),
        ("bench_learning.py", ["--answers", "30", "--judge", "learned"], ["after mark 4"]),
    ],
)
def test_the_refit_and_regrade_benchmarks_run(
    tmp_path: Path, script: str, options: list[str], steps: list[str]
) -> None:
    data = _answers_sheet(tmp_path / "answers.csv", 60)
    run = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--data", str(data), *options],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    table = [line for line in run.stdout.splitlines() if line.startswith("| ")]
    assert all(any(step in line for line in table) for step in steps), run.stdout
