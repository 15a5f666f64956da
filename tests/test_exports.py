"""Golden files for every gradebook export of the bundled example (`pytest --update-goldens`)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gradewise import actions
from gradewise.actions import Target
from gradewise.cli import cli
from gradewise.model import ManualMark
from gradewise.reports import feedback
from gradewise.workspace import Workspace, init_workspace, open_workspace
from test_workspace import EXAM as TRUE_FALSE_EXAM

GOLDEN = Path(__file__).parent / "golden" / "exports"
# Gradebooks refuse partial totals unless forced; graded answers are per answer, never partial.
FORCE = {name: ("--allow-incomplete",) for name in ("csv", "canvas", "moodle", "json")}
EXPORTS = [
    (("csv", "--format", "wide"), "gradebook-wide.csv"),  # a row per student
    (("csv", "--format", "long"), "gradebook-long.csv"),  # a row per student × part × criterion
    (("canvas",), "canvas.csv"),  # Canvas gradebook import
    (("moodle",), "moodle.csv"),  # Moodle grade import
    (("json",), "results.json"),  # everything, with verdicts
    (("graded", "--all"), "graded-answers.csv"),  # the evaluate format, for a second grader
]


@pytest.mark.parametrize("args, name", EXPORTS)
def test_export_matches_golden(
    example: Path, args: tuple[str, ...], name: str, request: pytest.FixtureRequest
) -> None:
    out = example / "out" / name
    out.parent.mkdir(exist_ok=True)
    result = CliRunner().invoke(
        cli, ["-w", str(example), "export", *args, *FORCE.get(args[0], ()), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    golden = GOLDEN / name
    if request.config.getoption("--update-goldens"):
        golden.write_text(out.read_text(encoding="utf-8"), encoding="utf-8")
    assert out.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")


def invoke(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["-w", str(root), *args])


@pytest.mark.parametrize(
    "args",
    [
        ("csv",),  # every export refuses partial totals
        ("canvas",),
        ("moodle",),
        ("json",),
        ("feedback",),
    ],
)
def test_incomplete_grading_refused(example: Path, args: tuple[str, ...]) -> None:
    out = invoke(example, "export", *args, "-o", str(example / "refused"))
    assert out.exit_code == 1 and "grading is incomplete: 7 answers" in out.output
    assert not (example / "refused").exists()  # nothing partial written


def test_never_graded_is_incomplete_too(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "ws", example=True)
    open_workspace(root).add_scripts([root / "scripts"], root / "roster.csv")
    out = invoke(root, "export", "moodle")
    # nothing is in the review queue yet, but no part has a grade: no silent zeros
    assert out.exit_code == 1 and "225 are not graded yet" in out.output


def test_allow_incomplete_names_students_outside_the_gradebook(example: Path) -> None:
    path = example / "out" / "flagged.csv"
    out = invoke(example, "export", "canvas", "--allow-incomplete", "-o", str(path))
    assert out.exit_code == 0, out.output
    # Canvas imports any column it does not know as a new assignment: the terminal says it
    assert "3 students have parts waiting for review" in out.output
    assert "s2024002, s2024003, s2024006" in out.output
    header = next(csv.reader(path.open(encoding="utf-8")))
    assert header[-1] == "Machine Learning — Midterm (ml-midterm-2025)"


# What each LMS's import reads (from its documentation), checked on the golden files:
# - Canvas gradebook import: the first columns Student, ID, SIS User ID, SIS Login ID, Section
#   (a student is matched by ID, SIS User ID or SIS Login ID); every further column is an
#   assignment, matched by the id in parentheses after its name, and one Canvas does not know
#   becomes a new assignment; a row whose first cell is "Points Possible" is read as the
#   maximum, not a student.
# - Moodle grade import (CSV): a row per student; one column is mapped to the user by ID number,
#   email, username or user id; the others are mapped to a grade item or to a grade item's
#   feedback (free text), or ignored.
CANVAS_IDS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def test_canvas_golden_is_a_canvas_import() -> None:
    header, points, *students = csv.reader((GOLDEN / "canvas.csv").open(encoding="utf-8"))
    assert header[:5] == CANVAS_IDS
    # exactly one assignment column, and it names the exam the way an import can match it again
    assert header[5:] == ["Machine Learning — Midterm (ml-midterm-2025)"]
    assert points == ["Points Possible", "", "", "", "", "52"]
    for row in students:
        assert len(row) == 6 and (row[1] or row[2] or row[3])  # matchable
        assert float(row[5]) <= 52 and ", " in row[0]  # a number; "Last, First"


def test_moodle_golden_is_a_moodle_import() -> None:
    header, *students = csv.reader((GOLDEN / "moodle.csv").open(encoding="utf-8"))
    assert header == ["Email address", "ID number", "Machine Learning — Midterm", "Feedback"]
    for email, number, grade, text in students:
        assert "@" in email and number and 0 <= float(grade) <= 52
        assert text.startswith(f"{grade}/52: I.1 ")
    provisional = [row[1] for row in students if "Provisional: " in row[3]]
    assert provisional == ["s2024002", "s2024003", "s2024006"]


def test_lms_export_takes_the_canvas_export_as_roster(example: Path) -> None:
    rows = "".join(f'"S{i}, Student",{900 + i},s202400{i},login{i},A,\n' for i in range(1, 10))
    path = example / "canvas-download.csv"
    path.write_text(
        "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Old quiz (17)\n"
        "    Points Possible,,,,,10\n" + rows,
        encoding="utf-8",
    )
    out_path = example / "out" / "back.csv"
    args = ("export", "canvas", "--roster", str(path), "--allow-incomplete", "-o", str(out_path))
    assert invoke(example, *args).exit_code == 0
    back = list(csv.reader(out_path.open(encoding="utf-8")))
    # matched by Canvas's own id, the SIS User ID left for Canvas to keep
    assert back[2][1:5] == ["901", "", "login1", "A"]


ROSTER = "id,lms_id\n" + "".join(f"s202400{i},900{i}\n" for i in range(1, 10))


@pytest.mark.parametrize(
    "roster, message",
    [
        ("id,lms_id\ns2024001,9001\n", "8 student(s) missing from the LMS roster: s2024002, "),
        ("lms_id\n9001\n", "no id column"),  # a roster without the id column
        # one gradewise id twice: which LMS account gets the grade? (the last row once won)
        (
            ROSTER + "s2024003,9100\ns2024001,9101\n",
            "lms.csv:11: student id listed more than once: 's2024001' (lines 2, 12),"
            " 's2024003' (lines 4, 11)",
        ),
        # two students on one LMS account: one's grade would replace the other's there
        (ROSTER.replace(",9002", ",9001"), "lms.csv:3: lms_id listed more than once: '9001'"),
        (ROSTER + "s2024010,x,,,,extra\n", "lms.csv:11: this row has 6 fields"),  # too wide
        ('id,lms_id\ns1,"9001\ns2,9002\n', "lms.csv:2: not valid CSV"),  # a quote not closed
    ],
)
def test_roster_problems_are_one_line_errors(example: Path, roster: str, message: str) -> None:
    path = example / "lms.csv"
    path.write_text(roster, encoding="utf-8")
    out = invoke(example, "export", "moodle", "--roster", str(path), "--allow-incomplete")
    assert out.exit_code == 1 and message in out.output
    assert len(out.output.strip().splitlines()) == 1


def test_feedback_pages_for_every_student(example: Path) -> None:
    folder = example / "feedback"
    out = invoke(example, "export", "feedback", "--allow-incomplete", "-o", str(folder))
    assert out.exit_code == 0, out.output
    pages = sorted(p.name for p in folder.iterdir())
    assert pages == [f"s202400{i}.html" for i in range(1, 10)]
    chen = (folder / "s2024003.html").read_text(encoding="utf-8")
    assert "Chen Wei" in chen and "<math" in chen and "Aisha" not in chen
    assert "guidance" not in chen.lower() and "4608 forgets the biases" not in chen


def test_report(example: Path) -> None:
    path = example / "report.html"
    out = invoke(example, "report", "-o", str(path))
    assert out.exit_code == 0, out.output
    html = path.read_text(encoding="utf-8")
    assert html.count("<svg") == 3  # histogram, parts, criteria: inline, nothing fetched
    assert "Cronbach" in html and "7 answers still wait for review" in html
    assert "II.8.c does not discriminate" in out.output  # the worst parts, also on the terminal
    # II.10's written answers all wait for review: only its blanks (not answered, 0) count
    assert "II.10.b" not in out.output and "Time saved" in html


@pytest.mark.parametrize(
    "args, produced, name",
    [
        (("export", "feedback", "--student", "s2024003"), "s2024003.html", "feedback-s3.html"),
        (("report",), "report.html", "report.html"),  # plots are SVG with fixed ids: stable
    ],
)
def test_pages_match_golden(
    example: Path, args: tuple[str, ...], produced: str, name: str, request: pytest.FixtureRequest
) -> None:
    folder = example / "pages" / name
    target = folder if args[0] == "export" else folder / produced
    out = (
        invoke(example, *args, "--allow-incomplete", "-o", str(target))
        if args[0] == "export"
        else invoke(example, *args, "-o", str(target))
    )
    assert out.exit_code == 0, out.output
    page = (folder / produced).read_text(encoding="utf-8")
    golden = GOLDEN / name
    if request.config.getoption("--update-goldens"):
        golden.write_text(page, encoding="utf-8")
    assert page == golden.read_text(encoding="utf-8")


def test_feedback_with_items_comments_and_a_regrade_matches_golden(
    ws: Workspace, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # What a student reads after marking by items: the items applied, an adjustment with its
    # reason, a comment to them, a comment from the library, and a regrade request answered
    # with a new mark; never the graders' why.
    student, who = "s2024003", "ada"
    mark = ManualMark(("grad", "w1"), -0.5, "w2 copied wrong", "write each step's value")
    actions.mark_answers(ws, "II.7.a", [(Target(student), mark)], who=who, why="AUDIT-ONLY-7a")
    actions.add_comment(ws, "II.9.a", "normalise the exponentials", marks=-1, who=who)
    actions.give_comment(ws, "II.9.a", 1, [Target(student)], who=who, why="AUDIT-ONLY-9a")
    actions.ask_regrade(ws, student, "II.8.a", "my Y is the flipped one", who=student)

    def remark(why: str) -> list[actions.Marked]:
        return actions.mark_answers(
            ws, "II.8.a", [(Target(student), ManualMark(("size", "flipped")))], who=who, why=why
        )

    actions.resolve_regrade(
        ws, student, "II.8.a", "agreed: flipped earns 2", who=who, remark=remark
    )
    out = invoke(
        ws.root,
        "export",
        "feedback",
        "--student",
        student,
        "--allow-incomplete",
        "-o",
        str(tmp_path / "pages"),
    )
    assert out.exit_code == 0, out.output
    page = (tmp_path / "pages" / f"{student}.html").read_text(encoding="utf-8")
    assert "AUDIT-ONLY" not in page
    golden = GOLDEN / "feedback-s3-marked.html"
    if request.config.getoption("--update-goldens"):
        golden.write_text(page, encoding="utf-8")
    assert page == golden.read_text(encoding="utf-8")


def test_unwritable_output_is_a_one_line_error(example: Path) -> None:
    blocker = example / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    out = invoke(example, "report", "-o", str(blocker / "report.html"))
    assert out.exit_code == 1 and "not-a-folder" in out.output and "Traceback" not in out.output
    assert len(out.output.strip().splitlines()) == 1


def test_output_folder_is_created(example: Path) -> None:
    path = example / "new" / "deeper" / "wide.csv"
    out = invoke(example, "export", "csv", "--allow-incomplete", "-o", str(path))
    assert out.exit_code == 0 and path.exists()


def test_exports_follow_manual_marks_and_section_rules(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "ws", example=True)
    ws = open_workspace(root)
    ws.add_scripts([root / "scripts"], root / "roster.csv")
    ws.grade()
    before = {r.student: r for r in ws.results()}["s2024003"]
    # Chen's I.1 was 0 (picked a, b, c); a grader gives 2, which counts in full
    assert invoke(root, "grades", "set", "s2024003", "I.1", "2", "--why", "ok").exit_code == 0
    out = root / "r.json"
    assert invoke(root, "export", "json", "--allow-incomplete", "-o", str(out)).exit_code == 0
    [chen] = [
        s for s in json.loads(out.read_text("utf-8"))["students"] if s["student"] == "s2024003"
    ]
    assert chen["total"] == before.total + 2
    [part] = [p for p in chen["parts"] if p["part"] == "I.1"]
    assert (part["auto"], part["manual"], part["score"]) == (0, 2, 2)
    # a mark on a question that the best-3 rule leaves out (lowered to 0) changes no total
    dropped = next(
        f"II.{q}" for q in ("7", "8", "9", "10") if f"II.{q}" not in before.counted_questions
    )
    address = next(p.address for p in ws.exam.parts() if p.address.startswith(dropped + "."))
    assert invoke(root, "grades", "set", "s2024003", address, "0", "--why", "x").exit_code == 0
    assert invoke(root, "export", "json", "--allow-incomplete", "-o", str(out)).exit_code == 0
    [again] = [
        s for s in json.loads(out.read_text("utf-8"))["students"] if s["student"] == "s2024003"
    ]
    assert again["total"] == chen["total"] and dropped not in again["counted_questions"]


def _students(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text("utf-8"))["students"])


def _workspace_of(root: Path, students: list[str]) -> Path:
    init_workspace(root)
    (root / "exam.yaml").write_text(TRUE_FALSE_EXAM, encoding="utf-8")
    for i, student in enumerate(students):
        text = (
            f'---\nstudent: "{student}"\nname: Student {i}\n---\nQ1 True\nQ2 True\nQ3 T\nQ4 yes\n'
        )
        (root / "scripts" / f"{i}.md").write_text(text, encoding="utf-8")
    ws = open_workspace(root)
    ws.add_scripts([root / "scripts"])
    ws.grade()
    return root


def test_feedback_pages_of_lookalike_ids_stay_apart(tmp_path: Path) -> None:
    # a_b, a~b and a:b once all became a_b.html: two students' pages were lost
    root = _workspace_of(tmp_path / "ws", ["a_b", "a~b", "a:b"])
    out = invoke(root, "export", "feedback", "-o", str(root / "fb"))
    assert out.exit_code == 0, out.output
    pages = {p.name: p.read_text(encoding="utf-8") for p in (root / "fb").iterdir()}
    assert len(pages) == 3
    for i, student in enumerate(["a_b", "a~b", "a:b"]):
        page = pages[feedback.page_name(student)]
        assert f"Student {i}" in page and all(f"Student {j}" not in page for j in {0, 1, 2} - {i})


def test_feedback_refuses_ids_that_share_a_file(tmp_path: Path) -> None:
    # Ab and ab are one file on Windows and macOS: fail, write nothing
    root = _workspace_of(tmp_path / "ws", ["Ab", "ab"])
    out = invoke(root, "export", "feedback", "--student", "ab", "-o", str(root / "fb"))
    assert out.exit_code == 1 and "'Ab' and 'ab' would share the feedback page" in out.output
    assert len(out.output.strip().splitlines()) == 1
    assert not (root / "fb").exists() or not any((root / "fb").iterdir())
