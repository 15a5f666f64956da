"""The CLI end to end through click's CliRunner on a small workspace written here."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gradewise.cli import cli

EXAM = """\
schema_version: 1
exam: {id: t, title: "Tiny exam"}
sections:
  - id: I
    title: Short
    questions:
      - id: "1"
        marks: 2
        prompt: "Which are zero-centred? (a) ReLU (b) tanh"
        key: {kind: choice, options: {a: ReLU, b: tanh}, correct: [b]}
      - id: "2"
        marks: 3
        prompt: "Output shape?"
        key: {kind: numeric, value: [32, 128, 26, 26]}
      - id: "3"
        marks: 2
        prompt: "Explain dropout."
        kind: text
        reference: "Randomly zeroes activations during training to reduce co-adaptation."
"""

SCRIPTS = {
    "s001.md": "Q1 Ans: b\n\nQ2 [32, 128, 26, 26]\n\nQ3 it drops units at random while training\n",
    "s002.md": "---\nstudent: s002\nname: Grace Hopper\n---\n1) (a)\n\n2) 32 x 128 x 24 x 24\n",
}


def run(ws: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["-w", str(ws), *args], catch_exceptions=False)
    return result


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    assert run(root, "init", str(root)).exit_code == 0
    (root / "exam.yaml").write_text(EXAM)
    for name, text in SCRIPTS.items():
        (root / "scripts" / name).write_text(text)
    (root / "roster.csv").write_text(
        "id,name,email\ns001,Ada Lovelace,ada@uni.test\ns002,Grace Hopper,g@uni.test\n"
    )
    assert (
        run(
            root, "scripts", "add", str(root / "scripts"), "--roster", str(root / "roster.csv")
        ).exit_code
        == 0
    )
    return root


def test_grade_results_and_json(ws: Path) -> None:
    out = run(ws, "grade")
    assert out.exit_code == 0, out.output
    assert "Graded 6 answers" in out.output
    data = json.loads(run(ws, "results", "--json").output)
    by_student = {r["student"]: r for r in data}
    assert by_student["s001"]["parts"] == {"I.1": 2, "I.2": 3, "I.3": 0}
    assert by_student["s001"]["pending"] == ["I.3"]  # free text waits for a human
    assert by_student["s002"]["parts"]["I.2"] == 0  # wrong shape
    assert by_student["s002"]["name"] == "Grace Hopper"
    # Nothing changed: nothing is graded again.
    assert "Graded 0 answers" in run(ws, "grade").output


def test_results_say_which_parts_were_not_answered(ws: Path) -> None:
    run(ws, "grade")
    data = {r["student"]: r for r in json.loads(run(ws, "results", "--json").output)}
    assert data["s002"]["not_answered"] == ["I.3"]  # s002 wrote nothing for Q3: 0, decided
    assert data["s001"]["not_answered"] == [] and data["s001"]["pending"] == ["I.3"]
    assert "1 part not answered (0, decided): s002 I.3" in run(ws, "results").output


def test_review_then_manual_grade_is_audited(ws: Path) -> None:
    run(ws, "grade")
    queue = json.loads(run(ws, "review", "list", "--json").output)
    # s002 left I.3 out and every piece of the script went to a part: not answered, not review
    assert {(q["student"], q["part"]) for q in queue} == {("s001", "I.3")}
    out = run(ws, "grades", "set", "s001", "I.3", "1.5", "--why", "partly right", "--who", "ta1")
    assert out.exit_code == 0 and "auto → 1.5" in out.output
    assert json.loads(run(ws, "review", "list", "--json").output) == []
    [s001] = [r for r in json.loads(run(ws, "results", "--json").output) if r["student"] == "s001"]
    assert s001["total"] == 6.5


def test_lowering_a_part_below_a_hand_mark_is_said(ws: Path) -> None:
    run(ws, "grade")
    run(ws, "grades", "set", "s001", "I.3", "2", "--why", "full", "--who", "ta1")
    run(ws, "grades", "set", "s002", "I.3", "0.5", "--why", "some", "--who", "ta1")
    line = "I.3: 1 hand mark above the part's 1 marks (capped): s001 2→1"
    assert line not in run(ws, "grade").output
    (ws / "exam.yaml").write_text(
        EXAM.replace('marks: 2\n        prompt: "Explain', 'marks: 1\n        prompt: "Explain')
    )
    assert line in run(ws, "grade").output
    assert line in run(ws, "review", "list").output
    [s001] = [r for r in json.loads(run(ws, "results", "--json").output) if r["student"] == "s001"]
    assert s001["parts"]["I.3"] == 1  # counted as the part's marks


@pytest.mark.parametrize(
    "args, message",
    [
        (("grades", "set", "s001", "I.9", "1", "--why", "x"), "no part 'I.9'"),  # unknown part
        (
            ("grades", "set", "nobody", "I.1", "1", "--why", "x"),
            "no script for student",
        ),  # unknown student
        (
            ("grades", "set", "s001", "I.1", "five", "--why", "x"),
            "not a number",
        ),  # marks not a number
        (("grades", "set", "s001", "I.1", "9", "--why", "x"), "outside 0..2"),  # marks out of range
        (("grades", "set", "s001", "I.1", "--items", "zz", "--why", "x"), "'zz' is not an item"),
        (
            ("grades", "set", "s001", "I.1", "--items", "key", "--adjust", "lots", "--why", "x"),
            "--adjust 'lots' is not a number",
        ),  # an adjustment that is no number
        (("grades", "set", "s001", "I.1", "1", "--why", " "), "the why is empty"),  # empty why
        (("grades", "set", "s001", "I.1", "--why", "x"), "give one of MARKS"),  # no mark at all
        (
            ("grades", "set", "s001", "I.1", "1", "--items", "key", "--why", "x"),
            "give one of MARKS",
        ),  # two marks at once
        (("grades", "set", "s001", "I.1", "1", "--adjust", "1", "--why", "x"), "with --items"),
        (
            ("grades", "set", "s001", "I.1", "1", "--comment", "x" * 5000, "--why", "x"),
            "over the limit",
        ),  # a comment far too long
        (
            ("grades", "set", "s001", "I.1", "1", "--why", "x", "--expect", "5"),
            "was changed (version 0, not 5)",
        ),  # a stale version
        (("grades", "show", "nobody"), "no script for student"),
        (
            ("scripts", "assign", "s001", "99", "I.2", "--why", "x"),
            "has pieces 1..",
        ),  # no such piece
        (("grade", "--part", "II.1"), "no part 'II.1'"),  # grading an unknown part
    ],
)
def test_user_errors_are_one_line(ws: Path, args: tuple[str, ...], message: str) -> None:
    out = run(ws, *args)
    assert out.exit_code != 0
    assert message in out.output
    assert "Traceback" not in out.output


def test_grades_set_by_items_and_show(ws: Path) -> None:
    run(ws, "grade")
    args = ["--adjust", "-0.5", "--reason", "units", "--comment", "see margin", "--why", "look"]
    out = run(ws, "grades", "set", "s002", "I.2", "--items", "key", *args)
    assert out.exit_code == 0, out.output
    assert "s002 I.2: auto → 2.5 (items key; -0.5: units; comment: see margin)" in out.output
    [row] = json.loads(run(ws, "grades", "show", "s002", "--part", "I.2", "--json").output)
    assert (row["manual_score"], row["items"], row["adjustment"]) == (2.5, ["key"], -0.5)
    assert (row["reason"], row["comment"], row["auto_score"]) == ("units", "see margin", 0)
    out = run(
        ws,
        "grades",
        "set",
        "s002",
        "I.2",
        "--accept",
        "--why",
        "machine was right",
        "--expect",
        str(row["version"]),
    )
    assert out.exit_code == 0 and "2.5 → 0" in out.output
    assert "s002" in run(ws, "grades", "show", "s002").output


def test_not_a_workspace(tmp_path: Path) -> None:
    out = run(tmp_path, "results")
    assert out.exit_code != 0 and "gradewise init" in out.output


def test_scripts_show_and_assign(ws: Path) -> None:
    pieces = json.loads(run(ws, "scripts", "show", "s001", "--json").output)
    q3 = next(p for p in pieces if p["part"] == "I.3")
    out = run(
        ws, "scripts", "assign", "s001", str(q3["piece"]), "I.2", "--why", "test", "--who", "ta"
    )
    assert out.exit_code == 0, out.output
    pieces = json.loads(run(ws, "scripts", "show", "s001", "--json").output)
    assert pieces[q3["piece"] - 1]["part"] == "I.2"
    listing = json.loads(run(ws, "scripts", "list", "--json").output)
    assert "I.3" in next(r for r in listing if r["student"] == "s001")["missing"]


def test_export_wide_and_long(ws: Path) -> None:
    run(ws, "grade")
    refused = run(ws, "export", "csv")
    assert refused.exit_code == 1 and "incomplete: 1 answers" in refused.output
    assert not (ws / "exports" / "gradebook-wide.csv").exists()  # nothing partial written
    assert run(ws, "export", "csv", "--allow-incomplete").exit_code == 0
    rows = list(csv.DictReader((ws / "exports" / "gradebook-wide.csv").open()))
    assert [r["student"] for r in rows] == ["s001", "s002"]
    assert rows[0]["I.2"] == "3" and rows[0]["pending"] == "I.3"
    run(ws, "export", "csv", "--format", "long", "--allow-incomplete", "-o", str(ws / "long.csv"))
    long_rows = list(csv.DictReader((ws / "long.csv").open()))
    assert len(long_rows) == 6  # 2 students × 3 parts × 1 criterion each
    key_row = next(r for r in long_rows if r["student"] == "s001" and r["part"] == "I.2")
    assert key_row["status"] == "met" and "26" in key_row["evidence"]


def _finish(ws: Path) -> None:
    run(ws, "grade")
    run(ws, "grades", "set", "s001", "I.3", "2", "--why", "ok", "--who", "ta")
    run(ws, "grades", "set", "s002", "I.3", "0", "--why", "blank", "--who", "ta")


def test_export_canvas_with_lms_roster(ws: Path) -> None:
    _finish(ws)
    (ws / "lms.csv").write_text("id,lms_id,sis_login,section\ns001,9001,ada1,A\ns002,9002,gh2,B\n")
    out = run(ws, "export", "canvas", "--roster", str(ws / "lms.csv"))
    assert out.exit_code == 0, out.output
    rows = list(csv.reader((ws / "exports" / "canvas.csv").open()))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Tiny exam (t)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "7"]
    assert rows[2] == ["Lovelace, Ada", "9001", "", "ada1", "A", "7"]
    assert rows[3][-1] == "0"  # Grace: picked (a), wrong shape, manual 0 for the blank


def test_export_refuses_students_missing_from_roster(ws: Path) -> None:
    _finish(ws)
    (ws / "lms.csv").write_text("id,lms_id\ns001,9001\n")
    out = run(ws, "export", "moodle", "--roster", str(ws / "lms.csv"))
    assert out.exit_code == 1 and "missing from the LMS roster: s002" in out.output


def test_export_moodle_and_json(ws: Path) -> None:
    _finish(ws)
    assert run(ws, "export", "moodle").exit_code == 0
    rows = list(csv.reader((ws / "exports" / "moodle.csv").open()))
    assert rows[0] == ["Email address", "ID number", "Tiny exam", "Feedback"]
    assert rows[1][:3] == ["ada@uni.test", "s001", "7"]
    assert run(ws, "export", "json").exit_code == 0
    data = json.loads((ws / "exports" / "results.json").read_text())
    [ada] = [s for s in data["students"] if s["student"] == "s001"]
    assert ada["total"] == 7 and ada["pending"] == []
    assert {p["part"]: p["manual"] for p in ada["parts"]}["I.3"] == 2


def test_incomplete_export_marks_students(ws: Path) -> None:
    run(ws, "grade")
    out = run(ws, "export", "moodle", "--allow-incomplete")
    assert out.exit_code == 0 and "1 students have parts waiting for review" in out.output
    rows = list(csv.reader((ws / "exports" / "moodle.csv").open()))
    assert ["Provisional" in r[-1] for r in rows[1:]] == [True, False]


@pytest.mark.parametrize(
    "exam_text, message",
    [
        (
            "schema_version: 1\nexam: {id: t, title: T\n",
            "exam.yaml:",
        ),  # malformed YAML: file and line
        (EXAM.replace("kind: numeric", "kind: colour"), "colour"),  # unknown key kind
        (EXAM.replace('id: "2"', 'id: "1"'), "1"),  # duplicate question id
    ],
)
def test_bad_exam_file_is_one_line_error(ws: Path, exam_text: str, message: str) -> None:
    (ws / "exam.yaml").write_text(exam_text)
    out = run(ws, "exam", "check", "--no-compute")
    assert out.exit_code == 1
    assert message in out.output
    assert "Traceback" not in out.output and len(out.output.strip().splitlines()) == 1


def test_binary_script_is_one_line_error(ws: Path) -> None:
    (ws / "scripts" / "s003.md").write_bytes(b"%PDF-1.7\x00\x01\x02binary")
    out = run(ws, "scripts", "add", str(ws / "scripts"))
    assert out.exit_code == 1 and "s003.md" in out.output
    assert "Traceback" not in out.output
    assert "2 unchanged" in out.output  # the readable scripts are still there


def test_exam_check_prints_tree_and_totals(ws: Path) -> None:
    out = run(ws, "exam", "check")
    assert out.exit_code == 0, out.output
    assert "Tiny exam" in out.output and "7 marks" in out.output
    assert "I.2 — 3 marks, numeric" in out.output
    data = json.loads(run(ws, "exam", "check", "--json").output)
    assert [p["address"] for p in data["parts"]] == ["I.1", "I.2", "I.3"]


def test_judges_list_and_unknown_judge(ws: Path) -> None:
    listed = json.loads(run(ws, "judges", "list", "--json").output)
    assert {(r["type"], r["id"]) for r in listed} >= {("checker", "numeric"), ("checker", "choice")}
    out = run(ws, "grade", "--judge", "oracle")
    assert out.exit_code != 0 and "no judge 'oracle'" in out.output and "none" in out.output


@pytest.mark.parametrize("judge", ["lexical", "learned"])
def test_judge_learns_from_a_human_mark_through_the_cli(ws: Path, judge: str) -> None:
    out = run(ws, "grade", "--judge", judge)
    assert out.exit_code == 0, out.output
    [before] = [
        g for g in json.loads(run(ws, "results", "--json").output) if g["student"] == "s001"
    ]
    assert 0 < before["parts"]["I.3"] < 2  # a proposal for the free-text part
    run(ws, "grades", "set", "s002", "I.3", "0", "--why", "blank", "--who", "ta")
    run(ws, "grades", "set", "s001", "I.3", "2", "--why", "right idea", "--who", "ta")
    # The new marks are lessons: only the free-text part is graded again, for both students.
    assert "Graded 2 answers" in run(ws, "grade", "--judge", judge).output
    queue = json.loads(run(ws, "review", "list", "--json").output)
    assert all(q["part"] != "I.3" or q["student"] not in {"s001"} for q in queue)


def test_an_optional_question_rightly_left_out_is_not_listed_as_not_answered(ws: Path) -> None:
    # best: 1 of the section's three questions: what each student left out is not "blank"
    text = EXAM.replace("    questions:\n", "    rule: {best: 1}\n    questions:\n", 1)
    (ws / "exam.yaml").write_text(text.replace("marks: 3", "marks: 2"))
    (ws / "scripts" / "s001.md").write_text("Q1 Ans: b\n\nQ3 it drops units at random\n")
    assert run(ws, "scripts", "add", str(ws / "scripts")).exit_code == 0
    run(ws, "grade")
    data = {r["student"]: r for r in json.loads(run(ws, "results", "--json").output)}
    assert data["s001"]["not_answered"] == [] and data["s002"]["not_answered"] == []
    assert "not answered" not in run(ws, "results").output


def test_a_mark_by_items_with_none_applied_is_not_a_plain_mark(ws: Path) -> None:
    run(ws, "grade")
    out = run(ws, "grades", "set", "s001", "I.3", "--items", "", "--why", "earns no item")
    assert out.exit_code == 0 and "items none" in out.output
    [row] = [
        r
        for r in json.loads(run(ws, "grades", "show", "s001", "--json").output)
        if r["part"] == "I.3"
    ]
    assert row["by_items"] and row["items"] == [] and row["manual_score"] == 0
