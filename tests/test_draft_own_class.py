"""LaTeX papers in their own document class: `\\documentclass{course}` with course.cls beside
the paper, read for definitions like a local .sty, and a class that loads another
(`\\LoadClass{exam}`), so the exam class is read as usual."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.load import load_exam_text
from gradewise.model import Exam


def _exam(folder: Path, files: dict[str, str]) -> tuple[Exam, str]:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    text = render(draft_exam([folder / "paper.tex"]))
    return load_exam_text(text), text


def _marks(exam: Exam) -> dict[str, float]:
    return {part.address: part.marks for part in exam.parts()}


PLAIN = (
    "\\documentclass{course}\n\\begin{document}\n\\begin{enumerate}\n"
    "\\item \\worth{3} Define a kernel.\n\\item \\worth{5} Show $k(x,y)=(x^\\top y)^2$ is one.\n"
    "\\end{enumerate}\n\\end{document}\n"
)
WORTH = "\\newcommand{\\worth}[1]{\\textbf{(#1 points)}}\n"
EXAM = (
    "\\documentclass[answers]{course}\n\\begin{document}\n\\begin{questions}\n"
    "\\ask[4] Rank of $I_3$?\n\\ask[2] Trace of $I_3$?\n\\end{questions}\n\\end{document}\n"
)
ASK = "\\newcommand{\\ask}{\\question}\n"


@pytest.mark.parametrize(
    "paper,files,marks",
    [
        # the points macro defined in the paper's own class
        (
            PLAIN,
            {"course.cls": "\\NeedsTeXFormat{LaTeX2e}\n\\LoadClass{article}\n" + WORTH},
            {"I.1": 3, "I.2": 5},
        ),
        # a class option before the name, and the class loading a package beside it
        (
            PLAIN.replace("{course}", "[12pt,a4paper]{course}"),
            {
                "course.cls": "\\LoadClass{article}\n\\RequirePackage{coursedefs}\n",
                "coursedefs.sty": WORTH,
            },
            {"I.1": 3, "I.2": 5},
        ),
        # a class built on the exam class: \ask is \question, read as usual
        (EXAM, {"course.cls": "\\LoadClass[addpoints]{exam}\n" + ASK}, {"I.1": 4, "I.2": 2}),
        # the same through \LoadClassWithOptions
        (EXAM, {"course.cls": "\\LoadClassWithOptions{exam}\n" + ASK}, {"I.1": 4, "I.2": 2}),
        # a class built on another class of the course, built on exam
        (
            EXAM,
            {"course.cls": "\\LoadClass{base}\n", "base.cls": "\\LoadClass{exam}\n" + ASK},
            {"I.1": 4, "I.2": 2},
        ),
    ],
)
def test_paper_in_its_own_class(
    tmp_path: Path, paper: str, files: dict[str, str], marks: dict[str, float]
) -> None:
    exam, text = _exam(tmp_path, {"paper.tex": paper, **files})
    assert _marks(exam) == marks
    assert "defined nowhere" not in text


def test_class_outside_the_folder_is_never_read(tmp_path: Path) -> None:
    # a class named by a path, or a link to a file elsewhere: not read (the paper's own folder
    # only), so \worth stays unknown and is named at the top of the draft
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "course.cls").write_text(WORTH, encoding="utf-8")
    paper_dir = tmp_path / "paper"
    paper_dir.mkdir()
    os.symlink(elsewhere / "course.cls", paper_dir / "course.cls")
    for paper in (PLAIN, PLAIN.replace("{course}", "{../elsewhere/course}")):
        (paper_dir / "paper.tex").write_text(paper, encoding="utf-8")
        assert "\\worth is defined nowhere" in render(draft_exam([paper_dir / "paper.tex"]))
