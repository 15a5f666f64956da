"""Evaluation: metrics against hand-computed values, the CSV reader, the protocols, the CLI."""

from __future__ import annotations

import csv
import json
import math
import random
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradewise.cli import cli
from gradewise.errors import GradewiseError
from gradewise.judges.outlook import coverage
from gradewise.judges.registry import Judge, JudgeItem, Judgement
from gradewise.measure.figures import Prediction, metrics, reliability
from gradewise.measure.graded import read_graded, write_graded
from gradewise.measure.protocols import first_questions, k_shot, zero_shot
from gradewise.measure.report import Report, evaluate
from gradewise.metrics import accuracy, macro_f1, pearson, qwk, rmse, weighted_f1
from gradewise.model import GradedAnswer, Status

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
        ("dataset,split\nx,y\n", ":1: no column for question_id (or qid"),  # required ones
        (
            "dataset,split,question_id,question,reference_answer,answer_id,student_answer,score,max_score\n"
            "d,all,1,q,r,a,s,five,5\n",
            ":2: column score 'five' is not a number",
        ),  # non-numeric score names the line
        (
            "dataset,split,question_id,question,reference_answer,answer_id,student_answer,score,max_score\n"
            "d,all,1,q,r,a,s,6,5\n",
            "outside 0..max_score",
        ),  # score above the maximum
        (
            "dataset,split,question_id,question,reference_answer,answer_id,student_answer,score,max_score\n"
            "d,all,,q,r,a,s,1,5\n",
            ":2: column question_id is empty",
        ),  # an answer must say which question it belongs to
        (
            "dataset,split,question_id,question,reference_answer,answer_id,student_answer,score,max_score\n"
            "d,all,1,q,r,a,s,0,0\n",
            ":2: column max_score is 0",
        ),  # a question worth nothing cannot be scored
        (
            "dataset,split,question_id,question,reference_answer,answer_id,student_answer,score,max_score\n"
            "d,all,1,q,r,a,s,1\n",
            ":2: row has a different number of columns",
        ),  # a short row (max_score missing)
        (
            "dataset,split,question_id,question,reference_answer,answer_id,student_answer,score,max_score\n"
            "d,all,1,q,r,a,one, two,1,5\n",
            ":2: this row has 10 fields but the header has 9",
        ),  # an unquoted comma makes a row too long
        (
            "dataset,split,question_id,question,reference_answer,answer_id,student_answer,score,max_score\n",
            ":1: no graded answers: the file has its header and no rows",
        ),  # a header alone measured nothing and printed an empty table (found by probe-e2e)
    ],
)
def test_bad_csv_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(GradewiseError, match=message.replace(".", r"\.").replace("(", r"\(")):
        read_graded(path)


@pytest.mark.parametrize(
    "data, encoding",
    [
        (  # a marks sheet from a spreadsheet in a decimal-comma locale: semicolons, a BOM
            "Question ID;Question;Model answer;Answer;Grade;Out of\n"
            "1.1;Define overfitting.;Fits noise;fits the noise;1,5;2\n"
            "1.1;Define overfitting.;Fits noise;no idea;0;2\n",
            "utf-8-sig",
        ),
        (  # an LMS export: tabs, UTF-16, other names, extra columns
            "Student\tQID\tResponse\tPoints\tPoints possible\tComments\n"
            "s1\t1.1\tfits the noise\t1.5\t2\tgood\n"
            "s2\t1.1\tno idea\t0\t2\t\n",
            "utf-16",
        ),
        (  # the format's own names, in another case and spacing
            "Question_ID,Student Answer,SCORE,Max Score\n"
            '1.1,"fits the noise",1.5,2\n'
            "1.1,no idea,0,2\n",
            "utf-8",
        ),
    ],
)
def test_an_instructors_own_marks_sheet_reads_as_it_comes(
    tmp_path: Path, data: str, encoding: str
) -> None:
    path = tmp_path / "marks.csv"
    path.write_bytes(data.encode(encoding))
    rows = read_graded(path)
    assert [(r.question_id, r.answer, r.score, r.max_score) for r in rows] == [
        ("1.1", "fits the noise", 1.5, 2.0),
        ("1.1", "no idea", 0.0, 2.0),
    ]
    assert {(r.dataset, r.split) for r in rows} == {("marks", "all")}  # the file's name
    assert len({r.answer_id for r in rows}) == 2  # each row its own answer


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
    report = evaluate(rows, Spy(), ("zero-shot",))
    assert [(m.split, m.n) for m in report.results] == [("unseen_answers", 3)]
    assert report.results[0].accuracy == pytest.approx(1 / 3)  # 0.5 → "correct" for all three


def test_cli_evaluate_prints_and_writes_json(tmp_path: Path) -> None:
    out_file = tmp_path / "r.json"
    result = CliRunner().invoke(
        cli, ["evaluate", str(FIXTURES / "tiny.csv"), "--k", "2", "-o", str(out_file)]
    )
    assert result.exit_code == 0, result.output
    assert "lexical judge (v" in result.output and "on tiny.csv" in result.output
    data = json.loads(out_file.read_text())
    assert data["judge"] == "lexical" and data["seed"] == 0
    assert [d["protocol"] for d in data["results"]] == ["zero-shot", "k-shot:2"]
    assert data["results"][0]["n"] == 8 and data["results"][1]["n"] == 4


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
    [m] = evaluate(rows, Spy(), ("zero-shot",)).results
    assert m.rmse == pytest.approx(0.5)  # |0.5 - 1| and |0.5 - 0| on the 0..1 scale


def _answer(score: float, qid: str = "1") -> GradedAnswer:
    return GradedAnswer("pts", "all", qid, "q", "r", f"a{score}", "s", score, 5.0)


def test_points_agree_when_close_or_rounding_to_the_same_grade() -> None:
    # One 5-mark question whose human grades are {0, 2, 5}; most confident first.
    predictions = [
        Prediction(_answer(5), 4.6, 0.9),  # 0.4 off ≤ 0.5 point: agrees; rounds to 5
        Prediction(_answer(2), 3.2, 0.8),  # 1.2 off, but 3.2 rounds to 2 on the scale: agrees
        Prediction(_answer(0), 1.2, 0.7),  # 1.2 off and rounds to 2, not 0: disagrees
    ]
    m = metrics(predictions, protocol="zero-shot", seconds=1.0)
    assert m.coverage == pytest.approx(2 / 3)  # the two surest agree (100%); all three: 67%
    assert m.accuracy == pytest.approx(2 / 3)  # rounded grades 5, 2, 2 against 5, 2, 0
    assert m.answers_per_s == 3.0
    assert [(n, agree) for _, _, n, _, agree in m.reliability] == [(1, 0.0), (1, 1.0), (1, 1.0)]


@pytest.mark.parametrize(
    "fraction, label",
    [
        (0.5, "correct"),  # half marks or more is "correct" on a 2-way data set
        (0.49, "incorrect"),  # just under
    ],
)
def test_two_way_labels_threshold_the_fraction(fraction: float, label: str) -> None:
    row = GradedAnswer("tw", "x", "1", "q", "r", "a", "s", 1.0, 1.0, "correct")
    m = metrics([Prediction(row, fraction, 0.9)], protocol="zero-shot", seconds=1.0)
    assert m.accuracy == (1.0 if label == "correct" else 0.0)


def test_k_shot_takes_examples_from_the_train_split_when_it_can() -> None:
    rows = read_graded(FIXTURES / "splits.csv")
    spy = Spy()
    report = evaluate(rows, spy, ("k-shot:2",))
    # q1 has 3 train answers: both test answers predicted; q2 has none: 2 of 3 marked, 1 left.
    assert [(m.split, m.n) for m in report.results] == [
        ("unseen_answers", 2),
        ("unseen_questions", 1),
    ]
    train = {r.answer for r in rows if r.split == "train"}
    for item in spy.items:
        shown = {e.answer for e in item.examples}
        assert len(shown) == 2 and item.answer not in shown
        if item.group.endswith("q1"):
            assert shown <= train


def test_train_test_shows_every_graded_train_answer_of_the_question() -> None:
    rows = read_graded(FIXTURES / "splits.csv")
    spy = Spy()
    report = evaluate(rows, spy, ("train-test",))
    # q1's two test answers, each with q1's three graded train answers; q2 has none: no row.
    assert [(m.split, m.protocol, m.n) for m in report.results] == [
        ("unseen_answers", "train-test", 2)
    ]
    train = [(r.answer, r.score / r.max_score) for r in rows if r.split == "train"]
    for item in spy.items:
        assert [(e.answer, e.fraction) for e in item.examples] == train


def test_train_test_fits_a_learner_on_the_train_split() -> None:
    judge = Learning()
    evaluate(read_graded(FIXTURES / "splits.csv"), judge, ("train-test",))
    assert judge.folds == [({"q1"}, {"q1"})]


class Chooser(Spy):
    """A judge with its own selection strategy."""

    def __init__(self, picks: list[int]) -> None:
        super().__init__()
        self.picks = picks

    def select(self, answers: Sequence[str], k: int, rng: random.Random) -> list[int]:
        return self.picks


@pytest.mark.parametrize(
    "picks, first_two",
    [
        ([0, 1], True),  # the judge's own choice is used
        ([7, 7], False),  # an invalid choice falls back to the seeded one (still 2 examples)
    ],
)
def test_k_shot_uses_the_judges_selection(picks: list[int], first_two: bool) -> None:
    rows = read_graded(FIXTURES / "tiny.csv")
    judge = Chooser(picks)
    predictions, _ = k_shot(judge, rows, 2, seed=3)
    assert len(predictions) == 4
    for item in judge.items:
        assert len({e.answer for e in item.examples}) == 2
    if first_two:
        assert {p.row.answer_id for p in predictions} == {"a3", "a4", "b3", "b4"}


class Learning:
    """A judge that learns: remembers which questions each fitted copy was trained on."""

    id = "learning"
    version = "1"

    def __init__(self) -> None:
        self.folds: list[tuple[set[str], set[str]]] = []

    def judge_many(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        return Spy().judge_many(items)

    def fit(self, rows: Sequence[GradedAnswer]) -> Judge:
        trained = {r.question_id for r in rows}
        folds = self.folds

        class Fitted(Spy):
            def judge_many(self, items: Sequence[JudgeItem]) -> list[Judgement]:
                folds.append((trained, {i.group.split("/")[1] for i in items}))
                return super().judge_many(items)

        return Fitted()


def test_zero_shot_leaves_one_assignment_out_for_a_judge_that_learns() -> None:
    judge = Learning()
    predictions, _ = zero_shot(judge, read_graded(FIXTURES / "assignments.csv"))
    assert len(predictions) == 6
    assert judge.folds == [
        ({"2.1", "3.1"}, {"1.1", "1.2"}),  # assignment 1 predicted, trained on 2 and 3
        ({"1.1", "1.2", "3.1"}, {"2.1"}),  # assignment 2
        ({"1.1", "1.2", "2.1"}, {"3.1"}),  # assignment 3
    ]


def test_k_shot_without_a_train_split_also_leaves_one_assignment_out() -> None:
    judge = Learning()
    [m] = evaluate(read_graded(FIXTURES / "assignments.csv"), judge, ["k-shot:1"]).results
    assert m.n >= 1 and judge.folds
    for trained, predicted in judge.folds:  # never trained on the assignment it predicts
        assert not {q.split(".")[0] for q in trained} & {q.split(".")[0] for q in predicted}


@pytest.mark.parametrize("protocol", ["zero-shot", "k-shot:1"])
def test_one_assignment_only_is_judged_as_shipped_never_fitted_on_nothing(protocol: str) -> None:
    rows = [r for r in read_graded(FIXTURES / "assignments.csv") if r.question_id.startswith("1.")]
    judge = Learning()
    [m] = evaluate(rows, judge, [protocol]).results
    assert m.n >= 1 and judge.folds == []  # no fitted copy: the judge itself predicted


def test_zero_shot_trains_a_learner_on_the_train_split_only() -> None:
    judge = Learning()
    evaluate(read_graded(FIXTURES / "splits.csv"), judge, ("zero-shot",))
    assert judge.folds == [({"q1"}, {"q1"}), ({"q1"}, {"q2"})]  # train rows of q1 only


def test_report_is_plain_json_with_nan_as_null() -> None:
    report = evaluate(read_graded(FIXTURES / "tiny.csv"), Spy(), ("zero-shot",))
    assert isinstance(report, Report) and report.judge == "spy"
    data = report.to_dict()
    [m] = data["results"]  # type: ignore[misc]
    assert m["qwk_pooled"] is None  # grades like 4.5 (question 1.1) are not whole: no kappa
    assert m["qwk_per_question"] == 0.0  # question 1.2's grades are whole; a constant guess: 0
    json.dumps(data)  # no NaN, no custom types


def test_unknown_protocol_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown protocol"):
        evaluate(read_graded(FIXTURES / "tiny.csv"), Spy(), ("k-shot:x",))


def test_first_questions_keeps_the_first_n_per_data_set() -> None:
    rows = first_questions(read_graded(FIXTURES / "tiny.csv"), 1)
    assert {r.question_id for r in rows} == {"1.1"} and len(rows) == 4


@pytest.mark.parametrize(
    "args, protocols, n",
    [
        (["--protocol", "zero-shot"], ["zero-shot"], [8]),  # zero-shot only
        (["--protocol", "k-shot", "--k", "1", "--k", "3"], ["k-shot:1", "k-shot:3"], [6, 2]),
        (["--protocol", "zero-shot", "--limit-questions", "1"], ["zero-shot"], [4]),  # 1 question
    ],
)
def test_cli_evaluate_protocol_choices(args: list[str], protocols: list[str], n: list[int]) -> None:
    result = CliRunner().invoke(cli, ["evaluate", str(FIXTURES / "tiny.csv"), "--json", *args])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [d["protocol"] for d in data["results"]] == protocols
    assert [d["n"] for d in data["results"]] == n


def test_cli_evaluate_bad_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("dataset,split\nx,y\n")
    result = CliRunner().invoke(cli, ["evaluate", str(path)])
    assert result.exit_code != 0 and "no column for" in result.output
    assert "Traceback" not in result.output


class Fixed:
    """Predicts a fixed score (out of 3) per answer text, with a fixed confidence."""

    id = "fixed"
    version = "1"

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores

    def judge_many(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        return [Judgement(Status.PARTIAL, self.scores[i.answer] / 3, 0.7) for i in items]


def _three(qid: str, grades: Sequence[int]) -> list[GradedAnswer]:
    return [
        GradedAnswer("pts", "test", qid, "q", "r", f"{qid}-{i}", f"{qid}-{i}", g, 3.0)
        for i, g in enumerate(grades)
    ]


def test_qwk_is_reported_pooled_and_as_the_mean_over_questions() -> None:
    rows = _three("1", [0, 1, 2, 3]) + _three("2", [0, 1, 2, 3])
    # Question 1 predicted exactly (kappa 1); question 2 always 1 (kappa 0: no better than chance).
    judge = Fixed(
        {**{f"1-{i}": g for i, g in enumerate([0, 1, 2, 3])}, **{f"2-{i}": 1 for i in range(4)}}
    )
    [m] = evaluate(rows, judge, ("zero-shot",)).results
    assert m.qwk_per_question == pytest.approx(0.5)  # (1 + 0) / 2
    assert m.qwk_pooled == pytest.approx(qwk([0, 1, 2, 3] * 2, [0, 1, 2, 3, 1, 1, 1, 1]))
    assert m.qwk_pooled == pytest.approx(0.625)  # squared misses 6, against 16 by chance


def test_qwk_per_question_skips_questions_with_one_answer() -> None:
    rows = _three("1", [0, 3]) + _three("2", [2])
    judge = Fixed({"1-0": 0, "1-1": 3, "2-0": 0})
    [m] = evaluate(rows, judge, ("zero-shot",)).results
    assert m.qwk_per_question == pytest.approx(1.0)  # question 2 alone says nothing of agreement


def test_cli_evaluate_labels_both_kappas(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["evaluate", str(FIXTURES / "tiny.csv"), "--protocol", "zero-shot", "--json"]
    )
    assert result.exit_code == 0, result.output
    [m] = json.loads(result.output)["results"]
    assert "qwk_pooled" in m and "qwk_per_question" in m and "qwk" not in m
    table = CliRunner().invoke(cli, ["evaluate", str(FIXTURES / "tiny.csv"), "--k", "2"])
    assert "QWK pooled" in table.output and "QWK mean/q" in table.output


def test_cli_evaluate_writes_one_prediction_per_predicted_answer(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "predictions.csv"
    result = CliRunner().invoke(
        cli, ["evaluate", str(FIXTURES / "tiny.csv"), "--k", "2", "--predictions", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == [
        "dataset",
        "split",
        "protocol",
        "question_id",
        "answer_id",
        "score",
        "predicted",
        "confidence",
    ]
    # 8 zero-shot predictions, then 4 k-shot:2 (the 2 marked per question are not predicted).
    assert [r["protocol"] for r in rows] == ["zero-shot"] * 8 + ["k-shot:2"] * 4
    first = rows[0]
    assert (first["dataset"], first["split"], first["question_id"]) == ("toy", "all", "1.1")
    assert first["answer_id"] == "a1" and float(first["score"]) == 5.0
    assert 0 <= float(first["predicted"]) <= 5 and 0 <= float(first["confidence"]) <= 1
    graded = {r.answer_id for r in read_graded(FIXTURES / "tiny.csv")}
    assert {r["answer_id"] for r in rows} <= graded


@pytest.mark.parametrize(
    "labels, header_has_label",
    [
        # an exam's export: no labels, no label column
        (("", ""), False),
        # a 2-way data set: the labels are kept
        (("correct", "incorrect"), True),
        # one labelled row is enough for the column; the other's cell is empty
        (("correct", ""), True),
    ],
)
def test_graded_answers_written_read_back_exactly(
    tmp_path: Path, labels: tuple[str, str], header_has_label: bool
) -> None:
    rows = [
        GradedAnswer("d", "train", "1.1", "Q?", "a || b", f"s{i}", text, score, 2.0, label)
        for i, (text, score, label) in enumerate(
            zip(["=SUM(A1)", "plain, with a comma"], [2.0, 0.5], labels, strict=True)
        )
    ]
    path = tmp_path / "graded.csv"
    write_graded(path, rows)
    with path.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert ("label" in header) == header_has_label
    assert read_graded(path) == rows
