"""Evaluation: metrics against hand-computed values, the CSV reader, the protocols, the CLI."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradewise.cli import cli
from gradewise.errors import GradewiseError
from gradewise.evaluate import (
    GradedAnswer,
    accuracy,
    coverage,
    evaluate,
    k_shot,
    macro_f1,
    pearson,
    qwk,
    read_graded,
    reliability,
    rmse,
    weighted_f1,
)
from gradewise.judges.registry import JudgeItem, Judgement
from gradewise.model import Status

FIXTURES = Path(__file__).parent / "fixtures" / "graded"


@pytest.mark.parametrize(
    "x, y, expected",
    [
        ([1, 2, 3], [2, 4, 6], 1.0),  # perfectly linear
        ([1, 2, 3], [3, 2, 1], -1.0),  # perfectly inverse
        ([1, 2, 3, 4], [1, 3, 2, 4], 0.8),  # sxy = 4, sxx = syy = 5
        ([1, 1, 1], [1, 2, 3], math.nan),  # a constant side has no correlation
    ],
)
def test_pearson(x: list[float], y: list[float], expected: float) -> None:
    got = pearson(x, y)
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)


@pytest.mark.parametrize(
    "x, y, expected",
    [
        ([1, 2], [1, 2], 0.0),  # identical
        ([0, 0], [3, 4], math.sqrt(12.5)),  # (9 + 16) / 2
    ],
)
def test_rmse(x: list[float], y: list[float], expected: float) -> None:
    assert rmse(x, y) == pytest.approx(expected)


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ([0, 1, 2], [0, 1, 2], 1.0),  # perfect agreement
        ([0, 0, 1, 1], [1, 1, 0, 0], -1.0),  # hist 2/2 each: observed 4/4 = 1, expected 0.5 → 1 - 2
        ([0, 1, 2, 2], [0, 1, 1, 2], 0.8),  # observed 1/4/4 = 1/16; expected (by hand) 5/16 → 0.8
    ],
)
def test_qwk(a: list[int], b: list[int], expected: float) -> None:
    assert qwk(a, b) == pytest.approx(expected)


def test_classification_metrics_by_hand() -> None:
    truth = ["c", "c", "c", "i"]
    guess = ["c", "c", "i", "i"]
    assert accuracy(truth, guess) == 0.75
    # F1(c) = 2·2/(2+3) = 0.8; F1(i) = 2·1/(2+1) = 2/3
    assert macro_f1(truth, guess) == pytest.approx((0.8 + 2 / 3) / 2)
    assert weighted_f1(truth, guess) == pytest.approx((0.8 * 3 + 2 / 3 * 1) / 4)


@pytest.mark.parametrize(
    "agree, confidence, expected",
    [
        ([True] * 4, [0.9, 0.8, 0.7, 0.6], 1.0),  # all right: accept everything
        ([True, True, False, False], [0.9, 0.8, 0.7, 0.6], 0.5),  # the two sure ones only
        ([False, True, True, True], [0.9, 0.8, 0.7, 0.6], 0.0),  # the surest is wrong: nothing
    ],
)
def test_coverage(agree: list[bool], confidence: list[float], expected: float) -> None:
    assert coverage(agree, confidence) == expected


def test_reliability_bins() -> None:
    table = reliability([True, False, True], [0.95, 0.92, 0.15], bins=10)
    assert table == ((0.1, 0.2, 1, 0.15, 1.0), (0.9, 1.0, 2, pytest.approx(0.935), 0.5))


@pytest.mark.parametrize(
    "text, message",
    [
        ("dataset,split\nx,y\n", "missing column"),  # header lacks required columns
        (
            "dataset,split,question_id,question,reference_answer,answer_id,student_answer,score,max_score\n"
            "d,all,1,q,r,a,s,five,5\n",
            ":2: score 'five' is not a number",
        ),  # non-numeric score names the line
        (
            "dataset,split,question_id,question,reference_answer,answer_id,student_answer,score,max_score\n"
            "d,all,1,q,r,a,s,6,5\n",
            "outside 0..max_score",
        ),  # score above the maximum
    ],
)
def test_bad_csv_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(GradewiseError, match=message.replace(".", r"\.").replace("(", r"\(")):
        read_graded(path)


def test_read_keeps_question_ids_as_text() -> None:
    rows = read_graded(FIXTURES / "tiny.csv")
    assert {r.question_id for r in rows} == {"1.1", "1.2"}
    assert rows[4].reference.count("||") == 1


class Spy:
    """Predicts the mean of its examples (or 0.5), and remembers what it was shown."""

    id = "spy"
    version = "1"

    def __init__(self) -> None:
        self.items: list[JudgeItem] = []

    def judge_many(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        self.items.extend(items)
        out = []
        for item in items:
            mean = (
                sum(e.fraction for e in item.examples) / len(item.examples)
                if item.examples
                else 0.5
            )
            out.append(Judgement(Status.PARTIAL, mean, 0.5))
        return out


def test_k_shot_never_shows_a_predicted_answers_own_grade() -> None:
    rows = read_graded(FIXTURES / "tiny.csv")
    spy = Spy()
    predictions, _ = k_shot(spy, rows, 2, seed=3)
    assert len(predictions) == 4  # 2 of 4 per question predicted, the 2 graded are not reported
    for item, prediction in zip(spy.items, predictions, strict=True):
        assert len(item.examples) == 2
        assert prediction.row.answer not in {e.answer for e in item.examples}
        assert item.group.endswith(prediction.row.question_id)


def test_train_split_is_never_reported() -> None:
    rows = read_graded(FIXTURES / "twoway.csv")
    report = evaluate(Spy(), rows, protocols=("zero-shot",))
    assert [(m.split, m.n) for m in report] == [("unseen_answers", 3)]
    assert report[0].accuracy == pytest.approx(1 / 3)  # 0.5 → "correct" for all three


def test_cli_evaluate_prints_and_writes_json(tmp_path: Path) -> None:
    out_file = tmp_path / "r.json"
    result = CliRunner().invoke(
        cli, ["evaluate", str(FIXTURES / "tiny.csv"), "--k", "2", "-o", str(out_file)]
    )
    assert result.exit_code == 0, result.output
    assert "lexical judge on tiny.csv" in result.output
    data = json.loads(out_file.read_text())
    assert [d["protocol"] for d in data] == ["zero-shot", "k-shot:2"]
    assert data[0]["n"] == 8 and data[1]["n"] == 4


def test_cli_evaluate_unknown_judge() -> None:
    result = CliRunner().invoke(cli, ["evaluate", str(FIXTURES / "tiny.csv"), "--judge", "oracle"])
    assert result.exit_code != 0 and "no judge 'oracle'" in result.output


def test_graded_answer_is_a_value() -> None:
    row = GradedAnswer("d", "all", "1", "q", "r", "a", "s", 1.0, 2.0)
    assert row == GradedAnswer("d", "all", "1", "q", "r", "a", "s", 1.0, 2.0)


def test_varied_marks_are_compared_as_shares() -> None:
    # Two questions worth 2 and 4 marks, each predicted at half marks: RMSE on the share scale.
    rows = [
        GradedAnswer("saf", "all", "1", "q", "r", "a", "s", 2.0, 2.0),
        GradedAnswer("saf", "all", "2", "q", "r", "b", "s", 0.0, 4.0),
    ]
    [m] = evaluate(Spy(), rows, protocols=("zero-shot",))
    assert m.rmse == pytest.approx(0.5)  # |0.5 - 1| and |0.5 - 0| on the 0..1 scale
