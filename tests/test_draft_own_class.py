"""LaTeX papers in their own document class: `\\documentclass{course}` with course.cls beside
the paper, read for definitions like a local .sty, and a class that loads another
(`\\LoadClass{exam}`), so the exam class is read as usual."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.draft.macros import expand_macros
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


def _doc(body: str, preamble: str) -> str:
    return f"\\documentclass{{exam}}\n{preamble}\\begin{{document}}\n{body}\\end{{document}}\n"


ASKS = "\\begin{questions}\n\\ask[4] Rank of $I_3$?\n\\ask[2] Trace of $I_3$?\n\\end{questions}\n"
STORED = "\\begin{questions}\n\\question[\\csuse{rank}] Rank of $I_3$?\n"
STORED += "\\question[\\csuse{trace}] Trace of $I_3$?\n\\end{questions}\n"
DEFAULTED = "\\begin{questions}\n\\ask[4] Rank of $I_3$?\n\\ask Trace of $I_3$?\n\\end{questions}\n"


@pytest.mark.parametrize(
    "preamble,body",
    [
        # points stored by name with etoolbox's \csdef, used with \csuse
        ("\\csdef{rank}{4}\n\\csdef{trace}{2}\n", STORED),
        # the same stored globally, one name given by a macro
        ("\\newcommand{\\nm}{rank}\n\\csgdef{\\nm}{4}\n\\csgdef{trace}{2}\n", STORED),
        # a name for \question given only if none is given yet
        ("\\providecommand{\\ask}{\\question}\n", ASKS),
        # a robust command
        ("\\DeclareRobustCommand{\\ask}{\\question}\n", ASKS),
        # an xparse command with one optional argument passed on as the points
        ("\\NewDocumentCommand{\\ask}{o}{\\question[#1]}\n", ASKS),
        # an optional argument with a default: \ask alone is worth 2
        ("\\NewDocumentCommand\\ask{O{2}}{\\question[#1]}\n", DEFAULTED),
        # \let: the same meaning under a new name
        ("\\let\\ask\\question\n", ASKS),
        # \let to a macro the paper defines
        ("\\newcommand{\\qq}[1][1]{\\question[#1]}\n\\let\\ask=\\qq\n", ASKS),
    ],
)
def test_definitions_beyond_newcommand(tmp_path: Path, preamble: str, body: str) -> None:
    exam, text = _exam(tmp_path, {"paper.tex": _doc(body, preamble)})
    assert _marks(exam) == {"I.1": 4, "I.2": 2}
    assert "defined nowhere" not in text


CLASS_TABLE = r"""\LoadClass{article}
\RequirePackage{etoolbox}
\newcounter{declared}
\newcounter{shown}
\newcommand{\store}[3]{\csgdef{#1-#2}{#3}}
\newcommand{\fetch}[2]{\csuse{#1-#2}}
\newcommand{\task}[2]{\stepcounter{declared}\store{pts}{\thedeclared}{#2}%
\store{name}{\thedeclared}{#1}}
\newenvironment{Task}{\stepcounter{shown}%
\section*{Problem \theshown: \fetch{name}{\theshown} (\fetch{pts}{\theshown} points)}}{}
"""
CLASS_PAPER = r"""\documentclass{course}
\task{Eigenvalues}{12}
\task{Least squares}{8}
\begin{document}
\begin{Task}
Find the eigenvalues of $\begin{pmatrix} 2 & 0 \\ 0 & 3 \end{pmatrix}$.
\end{Task}
\begin{Task}
Fit a line to $(0,1), (1,2), (2,2)$.
\end{Task}
\end{document}
"""


def test_points_declared_up_front_in_the_class(tmp_path: Path) -> None:
    # the class stores each task's points by number (\csgdef) when the preamble declares
    # them, and each Task environment shows its own: the declared points are its marks
    exam, text = _exam(tmp_path, {"paper.tex": CLASS_PAPER, "course.cls": CLASS_TABLE})
    assert list(_marks(exam).values()) == [12, 8]
    assert "defined nowhere" not in text


@pytest.mark.parametrize(
    "definition,use,shown",
    [
        # ifthen's \equal on an argument left empty: the 'no title' branch
        (
            "\\newcommand{\\ask}[1][]{\\ifthenelse{\\equal{#1}{}}{\\question}{\\question[#1]}}",
            "\\ask",
            "\\question",
        ),
        # ... and given
        (
            "\\newcommand{\\ask}[1][]{\\ifthenelse{\\equal{#1}{}}{\\question}{\\question[#1]}}",
            "\\ask[3]",
            "\\question[3]",
        ),
        # a number compared with a counter
        (
            "\\newcounter{n}\\setcounter{n}{2}\n\\newcommand{\\ask}{\\ifthenelse{\\value{n}>1}"
            "{\\part}{\\question}}",
            "\\ask",
            "\\part",
        ),
    ],
)
def test_ifthenelse_in_an_expansion(definition: str, use: str, shown: str) -> None:
    text, notes = expand_macros(f"{definition}\n{use} Why?\n")
    assert text.splitlines()[-1] == f"{shown} Why?"
    assert notes == []


@pytest.mark.parametrize("switch", ["sc", "scshape", "upshape", "slshape", "mdseries"])
def test_font_switches_are_layout(tmp_path: Path, switch: str) -> None:
    # old and new font switches in a heading: no text, never "defined nowhere"
    body = (
        f"\\begin{{questions}}\n\\question[2] {{\\{switch} Rank}} of $I_3$?\n\\end{{questions}}\n"
    )
    exam, text = _exam(tmp_path, {"paper.tex": _doc(body, "")})
    assert _marks(exam) == {"I.1": 2}
    assert "defined nowhere" not in text
