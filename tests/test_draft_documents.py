"""Drafting from documents as they come: LaTeX (exam class, plain), messy Markdown papers.

Fixture documents are written for these tests in the styles real papers use
(tests/fixtures/documents); each assertion names the style it covers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gradewise.exam import load_exam_text
from gradewise.exam.draft import DocumentError, draft_exam, render
from gradewise.exam.draft import patterns as p
from gradewise.exam.draft.latex import read_latex
from gradewise.model import Exam

DOCS = Path(__file__).parent / "fixtures" / "documents"


def _exam(name: str) -> tuple[Exam, str]:
    text = render(draft_exam([DOCS / name]))
    return load_exam_text(text, source=name), text


def _marks(exam: Exam) -> dict[str, float]:
    return {part.address: part.marks for part in exam.parts()}


def _key(exam: Exam, address: str) -> dict[str, object]:
    key = exam.part(address).key
    assert key is not None, address
    return {"kind": key.kind, **dict(key.params)}


# --- the LaTeX exam class ----------------------------------------------------------------


def test_exam_class_structure_and_marks() -> None:
    exam, _ = _exam("exam-class.tex")
    assert _marks(exam) == {
        "A.1": 2,
        "A.2": 3,
        "A.3": 1,
        "A.5": 4,  # \setcounter{question}{4}: the next question is 5
        "B.6.a": 4,
        "B.6.b": 6,  # \titledquestion{...}[10] with \part[4], \part[6]
        "B.7.a.i": 3,
        "B.7.a.ii": 2,
        "B.7.b": 5,  # \subpart under \part
        "B.8": 10,
        "B.9": 2,  # \ifprintanswers ... \else ... \fi; \bonusquestion
    }
    assert [s.rule.best for s in exam.sections] == [None, 2]  # "answer two of the three"
    assert exam.title == "Statistical Learning — Midterm"  # \title, --- as a dash


def test_exam_class_keys_and_solutions() -> None:
    exam, _ = _exam("exam-class.tex")
    assert _key(exam, "A.1")["correct"] == ["b"]  # \CorrectChoice among \choice
    assert _key(exam, "A.1")["options"]["a"] == "$\\tanh$"  # math kept as LaTeX
    assert _key(exam, "A.2")["correct"] == ["a", "c"]  # checkboxes: two correct
    assert _key(exam, "A.3") == {"kind": "truefalse", "value": True}  # True/False choices
    assert _key(exam, "A.5") == {"kind": "numeric", "value": 33}  # a solution that is a value
    assert exam.part("B.6.b").reference == "$w_1 = 1.5$, $w_2 = 2.25$."  # solution in a part
    assert exam.part("B.7.a.ii").reference == "It shrinks towards $0$."  # ... in a subpart
    assert exam.part("B.8").reference.startswith("$\\nabla \\loss(w)")  # \ifprintanswers
    assert "\\vspace" not in exam.part("B.8").prompt  # the \else branch is the student's


def test_exam_class_notes_what_it_could_not_place() -> None:
    _, text = _exam("exam-class.tex")
    header = text.split("schema_version", 1)[0]
    assert "line 74: \\unknownmacro is defined nowhere" in header  # kept verbatim, noted
    assert "\\R" not in header  # defined by \newcommand: known
    assert "bonus question" in header  # no bonus marks in gradewise: said so
    assert "B.7: a solution for the whole question" in header  # not split over parts


def test_plain_latex() -> None:
    exam, _ = _exam("plain-latex.tex")
    assert _marks(exam) == {
        "I.1.a": 2,
        "I.1.b": 4,  # \section*{Question 1 [6 marks]}, \item[(a)] [2 marks]
        "I.2": 4,
        "I.3.a": 1,
        "I.3.b": 2,  # enumerate under a question heading: (a), (b)
    }


@pytest.mark.parametrize(
    "source, note",
    [
        # a brace never closed: drafted as far as possible, the line named
        (
            "\\begin{document}\n\\begin{questions}\n\\question[2] What is {x?\n\\end{questions}\n"
            "\\end{document}\n",
            "line 3: a '{' opened here is never closed",
        ),
        # a brace that closes nothing
        (
            "\\begin{document}\n\\begin{questions}\n\\question[2] What} is x?\n\\end{questions}\n"
            "\\end{document}\n",
            "line 3: a '}' closes no '{'",
        ),
        # a macro from a package or a file gradewise has not read
        (
            "\\begin{document}\n\\begin{questions}\n\\question[2] \\mybox{Explain}\n"
            "\\end{questions}\n\\end{document}\n",
            "line 3: \\mybox is defined nowhere",
        ),
    ],
)
def test_bad_latex_is_drafted_with_notes(tmp_path: Path, source: str, note: str) -> None:
    path = tmp_path / "bad.tex"
    path.write_text(source, encoding="utf-8")
    text = render(draft_exam([path]))
    assert note in text.split("schema_version", 1)[0]
    assert load_exam_text(text).part("I.1").marks == 2


def test_a_brace_never_closed_loses_only_itself(tmp_path: Path) -> None:
    # an algorithm typed in notes before the questions: '\If{...}{' never closed, which once
    # swallowed every question after it into one group
    path = tmp_path / "notes.tex"
    path.write_text(
        "\\begin{document}\n\\If{$y \\leq 0$}{\n\\State update\n\\begin{enumerate}\n"
        "\\item First (\\textit{3 points})\n\\item Second (\\textit{4 points})\n"
        "\\end{enumerate}\n\\end{document}\n",
        encoding="utf-8",
    )
    text = render(draft_exam([path]))
    assert "line 2: a '{' opened here is never closed; left out" in text
    assert _marks(load_exam_text(text)) == {"I.1": 3, "I.2": 4}


def test_points_macro_the_file_defines_is_expanded(tmp_path: Path) -> None:
    # papers typed without the exam class define their own: \pts{2} writes "(2pt)"
    path = tmp_path / "final.tex"
    path.write_text(
        "\\newcounter{points}\n"
        "\\newcommand*{\\pts}[1]{\\addtocounter{points}{#1}(#1pt)}\n"
        "\\newcommand{\\marks}[2]{[#2 marks]}\n"
        "\\begin{document}\n\\begin{enumerate}\n"
        "\\item \\pts{2} Name one linter.\n"
        "\\item \\pts{3} Why do we test?\n"
        "\\item Define a spec. \\marks{x}{4}\n"
        "\\end{enumerate}\n\\end{document}\n",
        encoding="utf-8",
    )
    text = render(draft_exam([path]))
    assert _marks(load_exam_text(text)) == {"I.1": 2, "I.2": 3, "I.3": 4}
    assert "\\pts" not in text and "defined nowhere" not in text


def test_inline_code_is_read_verbatim(tmp_path: Path) -> None:
    # '%' inside \lstinline$..$ is code, not a comment that would leave math mode open
    path = tmp_path / "cpp.tex"
    path.write_text(
        "\\begin{document}\n\\begin{enumerate}\n"
        "\\item (1 point) Evaluate \\lstinline$int(y) % m$.\n"
        "\\item (2 points) Evaluate \\verb|x / n|.\n"
        "\\end{enumerate}\n\\end{document}\n",
        encoding="utf-8",
    )
    exam = load_exam_text(render(draft_exam([path])))
    assert _marks(exam) == {"I.1": 1, "I.2": 2}
    assert "`int(y) % m`" in exam.part("I.1").prompt


def test_latex_without_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.tex"
    path.write_text("\\documentclass{exam}\n\\begin{document}\n\\end{document}\n")
    with pytest.raises(DocumentError, match="no text"):
        draft_exam([path])


def test_latex_lines_keep_their_source_line() -> None:
    lines, _ = read_latex("\\begin{document}\n\n\\begin{questions}\n\\question[3] Why?\n")
    assert [(line.text, line.line) for line in lines] == [("Question 1 (3 marks) Why?", 4)]


# --- messy papers --------------------------------------------------------------------------


def test_mock_final_every_question_and_mark() -> None:
    exam, _ = _exam("mock-final.md")
    assert _marks(exam) == {
        "I.1.a": 3,
        "I.1.b": 3,  # "1." questions, "- (a) (3 pts)" parts
        "I.2": 5,  # "[5 marks]"
        "I.3.a": 2,
        "I.3.b": 6,  # "2P", "6P" at the end of the line
        "I.4": 4,  # "/4" at the end of the line
        "I.5": 3,  # "(3 points)"
    }


def test_mock_final_solutions_and_headings() -> None:
    exam, _ = _exam("mock-final.md")
    assert exam.part("I.1.a").reference.startswith("the nearest point is $x = 2$")  # inline
    assert exam.part("I.1.b").reference.startswith("the three nearest")
    assert exam.part("I.3.b").reference == "the split on colour; its children are pure."
    assert exam.part("I.2").reference.startswith("Points $1, 2$ go to $0$")  # **Solution.**
    assert _key(exam, "I.4") == {"kind": "truefalse", "value": True}
    assert "Lecture" not in exam.part("I.1.b").reference  # a lecture heading is not a question's
    assert "Homework" not in exam.part("I.2").reference
    question = exam.sections[0].questions[0]
    assert "Closed book" not in question.prompt + exam.part("I.1.a").prompt  # instructions


def test_totals_table_gives_marks_and_checks_them(tmp_path: Path) -> None:
    path = tmp_path / "paper.md"
    path.write_text(
        "| Problem | Points |\n|---|---|\n| 1 | 10 |\n| 2 | 5 |\n\n"
        "Problem 1. Prove it.\n\nProblem 2. Compute it.\n"
        "- (a) first (2 pts)\n- (b) second (2 pts)\n"
    )
    text = render(draft_exam([path]))
    exam = load_exam_text(text)
    assert _marks(exam) == {"I.1": 10, "I.2.a": 2, "I.2.b": 2}  # a vertical totals table
    assert "I.2: the question's 5 marks differ from its parts' 4" in text  # checked, not hidden


@pytest.mark.parametrize(
    "text, expected",
    [
        ("(a) Compute the entropy. 2P", 2),  # German style, at the end
        ("(b) Which split? (6P)", 6),
        ("Is the error zero? /4", 4),  # out of four, at the end of the line
        ("Explain. [3]", 3),  # British style: a bare number in brackets at the end
        ("Explain the trade-off — 5 marks", 5),
        ("Explain the trade-off (5 Punkte)", 5),  # German papers: Punkte, P.
        ("Plot it again (15 P.)", 15),
        ("**Q1.** \\[1pt\\] What protein is it?", 1),  # Markdown's escaped brackets
        ("Explain the trade-off (5 puntos)", 5),  # Spanish, Italian, Portuguese papers
        ("Spiega il compromesso (4 punti)", 4),
        ("Explain the trade-off (5 poäng)", None),  # a word not known: not guessed
        ("Compute 10/4", None),  # a fraction, not marks
        ("see [3] for the proof of (2)", None),  # a citation inside the line
        ("Use 2P processors", None),  # not at the end
    ],
)
def test_marks_one_messy(text: str, expected: float | None) -> None:
    assert p.marks_one(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Lecture 4: clustering", True),
        ("Homework 3 recap", True),
        ("Week 2 — kernels", True),
        ("Problem Recap:", False),  # inside a question in a real paper
        ("Pseudocode for Stochastic Minibatch Gradient Descent", False),
    ],
)
def test_course_heading(text: str, expected: bool) -> None:
    assert p.course_heading(text) is expected
