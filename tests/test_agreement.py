"""This exam's grades against a second grader's: figures by hand, and the CLI round trip."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradewise.cli import cli
from gradewise.measure import agreement
from gradewise.model import (
    Exam,
    GradedAnswer,
    Key,
    Part,
    PartGrade,
    Question,
    Section,
    Status,
    Verdict,
)
from gradewise.workspace import init_workspace, open_workspace

KEY = Key("numeric", {"value": 1})
EXAM = Exam(
    "t",
    "Tiny",
    (
        Section(
            "I",
            "All",
            (
                Question("1", "", (Part("I.1", "1", "", 4, KEY),)),
                Question("2", "", (Part("I.2", "2", "", 2, KEY),)),
            ),
        ),
    ),
)


def grade(student: str, address: str, auto: float, manual: float | None = None) -> PartGrade:
    verdict = Verdict("key", Status.MET, 1.0, "read 1", evidence="x = 1", produced_by="numeric@1")
    return PartGrade(student, address, auto, (verdict,), False, manual)


def row(student: str, address: str, score: float, max_score: float) -> GradedAnswer:
    return GradedAnswer("t", "all", address, "", "", f"{student}:{address}", "x", score, max_score)


GRADES = [
    grade("a", "I.1", 4),
    grade("b", "I.1", 2),
    grade("c", "I.1", 0, manual=1),
    grade("a", "I.2", 2),
    grade("b", "I.2", 1),
]
ROWS = [
    row("a", "I.1", 4, 4),  # same
    row("b", "I.1", 3, 4),  # the other grader gives one more
    row("c", "I.1", 1, 4),  # same as the manual mark (which wins over the auto 0)
    row("a", "I.2", 0.5, 1),  # marked out of 1: 0.5 of 2 marks = 1
    row("b", "I.2", 1, 2),  # same
    row("zz", "I.1", 1, 4),  # a student this workspace does not have
    row("a", "I.9", 1, 4),  # a part it does not have
]
FOUND = agreement.compare(EXAM, GRADES, ROWS)


def test_rows_are_matched_by_student_and_part() -> None:
    assert FOUND.unmatched == ("zz:I.1", "a:I.9")  # counted, never silently dropped
    assert FOUND.overall.n == 5


@pytest.mark.parametrize(
    "address, n, exact, close, mean_abs",
    [
        ("I.1", 3, 2, 2, 1 / 3),  # gaps 0, -1, 0; a tenth of 4 marks is 0.4: -1 is not close
        ("I.2", 2, 1, 1, 0.5),  # gaps 1 (2 vs 1, the rescaled 0.5 of 1), 0
    ],
)
def test_per_part_figures(address: str, n: int, exact: int, close: int, mean_abs: float) -> None:
    [part] = [p for p in FOUND.parts if p.address == address]
    assert (part.n, part.exact, part.close) == (n, exact, close)
    assert part.mean_abs_diff == pytest.approx(mean_abs)


def test_pearson_and_kappa_on_one_part() -> None:
    [part] = [p for p in FOUND.parts if p.address == "I.1"]
    # ours 4, 2, 1 vs theirs 4, 3, 1: means 7/3, 8/3; Sxy 13/3 · ... computed: r = 0.9333...
    ours, theirs = [4, 2, 1], [4, 3, 1]
    mx, my = sum(ours) / 3, sum(theirs) / 3
    sxy = sum((x - mx) * (y - my) for x, y in zip(ours, theirs, strict=True))
    sxx = sum((x - mx) ** 2 for x in ours)
    syy = sum((y - my) ** 2 for y in theirs)
    assert part.pearson == pytest.approx(sxy / math.sqrt(sxx * syy))
    assert -1 <= part.qwk <= 1


def test_confusion_matrix_rows_are_ours() -> None:
    levels, counts = FOUND.confusion
    assert levels == (1.0, 2.0, 3.0, 4.0)
    table = {(a, b): counts[i][j] for i, a in enumerate(levels) for j, b in enumerate(levels)}
    assert table[(4.0, 4.0)] == 1 and table[(2.0, 3.0)] == 1 and table[(1.0, 1.0)] == 2
    assert table[(2.0, 1.0)] == 1 and sum(map(sum, counts)) == 5


def test_worst_disagreements_first_with_the_evidence() -> None:
    # a's I.2: 1 of 2 marks apart (half its marks) beats b's I.1 (1 of 4)
    assert [(p.student, p.address) for p in FOUND.worst] == [("a", "I.2"), ("b", "I.1")]
    assert FOUND.worst[0].why == 'key: met (read 1) "x = 1"'
    assert FOUND.worst[0].decided_by == "auto"


def invoke(root: Path, *args: str) -> str:
    out = CliRunner().invoke(cli, ["-w", str(root), *args])
    assert out.exit_code == 0, out.output
    return out.output


def test_export_graded_then_compare_a_second_marking(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "ws", example=True)
    ws = open_workspace(root)
    ws.add_scripts([root / "scripts"], root / "roster.csv")
    ws.grade()
    invoke(root, "grades", "set", "s2024003", "I.1", "2", "--why", "ok")
    human = root / "human.csv"
    invoke(root, "export", "graded", "-o", str(human))
    [only] = list(
        csv.DictReader(human.read_text(encoding="utf-8").splitlines())
    )  # the one human mark
    assert (only["answer_id"], only["score"], only["max_score"]) == ("s2024003:I.1", "2", "2")
    second = root / "second.csv"
    invoke(root, "export", "graded", "--all", "-o", str(second))
    rows = list(csv.DictReader(second.read_text(encoding="utf-8").splitlines()))
    assert len(rows) > 100 and all(r["student_answer"].strip() for r in rows)
    rows[0]["score"] = "0" if rows[0]["score"] != "0" else rows[0]["max_score"]  # one change
    with second.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    data = json.loads(invoke(root, "evaluate", "--human", str(second), "--json"))
    assert data["overall"]["n"] == len(rows) and data["overall"]["exact"] == len(rows) - 1
    [worst] = data["worst"]
    assert f"{worst['student']}:{worst['address']}" == rows[0]["answer_id"]
    text = invoke(root, "evaluate", "--human", str(second))
    assert "worst disagreements" in text and "confusion" in text


@pytest.mark.parametrize("both", [False, True])  # neither file, or both
def test_evaluate_needs_exactly_one_file(tmp_path: Path, both: bool) -> None:
    path = tmp_path / "x.csv"
    path.write_text("", encoding="utf-8")
    args = [str(path), "--human", str(path)] if both else []
    out = CliRunner().invoke(cli, ["-w", str(tmp_path), "evaluate", *args])
    assert out.exit_code == 1 and "or --human FILE" in out.output
