"""LaTeX papers behind the author's own macros: definitions that wrap the exam class's
\\question and \\part or write the points, read from the paper and from the files beside it
(\\usepackage of a local .sty, \\input of a local .tex), expanded before the paper is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.draft.macros import expand_macros
from gradewise.exam.load import load_exam_text
from gradewise.model import Exam


def _exam(folder: Path, files: dict[str, str], paper: str = "paper.tex") -> tuple[Exam, str]:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    text = render(draft_exam([folder / paper]))
    return load_exam_text(text), text


def _marks(exam: Exam) -> dict[str, float]:
    return {part.address: part.marks for part in exam.parts()}


def _doc(body: str, preamble: str = "") -> str:
    return f"\\documentclass{{exam}}\n{preamble}\\begin{{document}}\n{body}\\end{{document}}\n"


QUESTIONS = "\\begin{questions}\n\\ask[4] Rank of $I_3$?\n\\ask[2] Trace of $I_3$?\n"
QUESTIONS += "\\end{questions}\n"


@pytest.mark.parametrize(
    "preamble",
    [
        # a new name for \question, its points written after the macro
        "\\newcommand{\\ask}{\\question}\n",
        # the same with \def
        "\\def\\ask{\\question}\n",
        # declared empty first, then given its meaning
        "\\newcommand{\\ask}{}\n\\renewcommand{\\ask}{\\question}\n",
        # the name built by \csname ... \endcsname
        "\\newcommand{\\ask}{\\csname question\\endcsname}\n",
        # a \def with a delimited argument: \ask[4] passes 4 on to \question
        "\\def\\ask[#1]{\\question[#1]}\n",
        # defined through a helper that itself is defined
        "\\newcommand{\\qq}{\\question}\n\\newcommand*\\ask{\\qq}\n",
    ],
)
def test_own_name_for_question(tmp_path: Path, preamble: str) -> None:
    exam, text = _exam(tmp_path, {"paper.tex": _doc(QUESTIONS, preamble)})
    assert _marks(exam) == {"I.1": 4, "I.2": 2}
    assert "\\ask" not in text


def _asks(first: str, second: str) -> str:
    return (
        f"\\begin{{questions}}\n{first} Rank of $I_3$?\n{second} Trace of $I_3$?\n"
        "\\end{questions}\n"
    )


@pytest.mark.parametrize(
    "preamble,body,marks",
    [
        # \IfValueTF on an o argument: given, its value; not given, the other branch
        (
            "\\NewDocumentCommand{\\ask}{o}{\\IfValueTF{#1}{\\question[#1]}{\\question[1]}}\n",
            _asks("\\ask[4]", "\\ask"),
            [4, 1],
        ),
        # \IfNoValueTF: the same test the other way round
        (
            "\\NewDocumentCommand{\\ask}{o}{\\IfNoValueTF{#1}{\\question[1]}{\\question[#1]}}\n",
            _asks("\\ask[4]", "\\ask"),
            [4, 1],
        ),
        # \IfValueT and \IfValueF, one branch each
        (
            "\\NewDocumentCommand\\ask{o}{\\IfValueT{#1}{\\question[#1]}"
            "\\IfValueF{#1}{\\question[1]}}\n",
            _asks("\\ask[4]", "\\ask"),
            [4, 1],
        ),
        # \IfNoValueT and \IfNoValueF
        (
            "\\NewDocumentCommand\\ask{o}{\\IfNoValueF{#1}{\\question[#1]}"
            "\\IfNoValueT{#1}{\\question[1]}}\n",
            _asks("\\ask", "\\ask[2]"),
            [1, 2],
        ),
        # O{default} always has a value: \IfValueTF takes its first branch
        (
            "\\NewDocumentCommand\\ask{O{2}}{\\IfValueTF{#1}{\\question[#1]}{\\question[9]}}\n",
            _asks("\\ask[4]", "\\ask"),
            [4, 2],
        ),
        # \IfBooleanTF on a star, before an optional argument
        (
            "\\NewDocumentCommand\\ask{s O{3}}{\\IfBooleanTF{#1}{\\question[#2]}{\\question[1]}}\n",
            _asks("\\ask*[4]", "\\ask[5]"),
            [4, 1],
        ),
        # \IfBooleanT and \IfBooleanF
        (
            "\\NewDocumentCommand\\ask{s o}{\\IfBooleanT{#1}{\\question[5]}"
            "\\IfBooleanF{#1}{\\question[#2]}}\n",
            _asks("\\ask*", "\\ask[2]"),
            [5, 2],
        ),
        # tests inside tests: the star, then whether the points were given
        (
            "\\NewDocumentCommand\\ask{s o}{\\IfBooleanTF{#1}"
            "{\\IfValueTF{#2}{\\question[#2]}{\\question[7]}}{\\question[1]}}\n",
            _asks("\\ask*[4]", "\\ask*"),
            [4, 7],
        ),
        # an o argument not given, written outside any test, is nothing
        (
            "\\NewDocumentCommand\\ask{o m}{\\question[#2]#1}\n",
            _asks("\\ask{4}", "\\ask[]{2}"),
            [4, 2],
        ),
    ],
)
def test_xparse_tests_on_arguments(
    tmp_path: Path, preamble: str, body: str, marks: list[float]
) -> None:
    exam, text = _exam(tmp_path, {"paper.tex": _doc(body, preamble)})
    assert list(_marks(exam).values()) == marks
    assert "NoValue" not in text and "\\If" not in text


LEVELS = r"""\makeatletter
\newcounter{lvl}
\newcommand{\levelname}{\ifnum\value{lvl}=1 question\else\ifnum\value{lvl}=2 part\else
subpart\fi\fi}
\newcommand{\ask}{\csname\levelname\endcsname}
\newenvironment{asks}{\stepcounter{lvl}\begin{\levelname s}}{\end{\levelname s}%
\addtocounter{lvl}{-1}}
\def\pick{\@ifnextchar*{\@right}{\choice}}
\def\@right*{\CorrectChoice}
\makeatother
"""
LEVELS_BODY = r"""\begin{asks}
\ask[4] Rank of $I_3$?
\begin{solution}
\begin{enumerate}
\item Write $I_3$ out.
\item Count its pivots: 3.
\end{enumerate}
\end{solution}
\ask Two parts.
\begin{asks}
\ask[2] First.
\ask[3] Second.
\end{asks}
\ask[1] Which is a norm?
\begin{choices}
\pick $x^2$
\pick* $\|x\|_2$
\end{choices}
\end{asks}
"""


def test_macros_that_pick_question_or_part_by_depth(tmp_path: Path) -> None:
    # \ask is \question, \part or \subpart as nested environments count the depth; \pick*
    # is the right choice: conditionals, counters, \csname and \@ifnextchar evaluated
    exam, text = _exam(tmp_path, {"paper.tex": _doc(LEVELS_BODY, LEVELS)})
    assert _marks(exam) == {"I.1": 4, "I.2.a": 2, "I.2.b": 3, "I.3": 1}
    assert exam.part("I.3").key.params["correct"] == ["b"]
    assert "defined nowhere" not in text


def test_solution_steps_are_never_questions(tmp_path: Path) -> None:
    # a plain paper: numbered questions, each solution's numbered steps inside it
    paper = (
        "\\documentclass{article}\n\\begin{document}\n\\begin{enumerate}\n"
        "\\item (3 points) Solve $x + 1 = 2$.\n"
        "\\begin{solution}\\begin{enumerate}\\item Subtract 1.\\item $x = 1$.\\end{enumerate}"
        "\\end{solution}\n"
        "\\item (2 points) Solve $2x = 4$.\n\\end{enumerate}\n\\end{document}\n"
    )
    exam, _ = _exam(tmp_path, {"paper.tex": paper.replace("solution}", "solution}")})
    assert _marks(exam) == {"I.1": 3, "I.2": 2}


POINTS_PAPER = (
    "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{coursemacros}\n"
    "\\begin{document}\n\\begin{enumerate}\n\\item \\worth{3} Define a kernel.\n"
    "\\item \\worth{5} Prove Mercer's condition for $k(x, y) = (x^\\top y)^2$.\n"
    "\\end{enumerate}\n\\end{document}\n"
)
STY = "\\ProvidesPackage{coursemacros}\n\\newcommand{\\worth}[1]{\\textbf{[#1 points]}}\n"


def test_points_macro_in_a_package_beside_the_paper(tmp_path: Path) -> None:
    exam, text = _exam(tmp_path, {"paper.tex": POINTS_PAPER, "coursemacros.sty": STY})
    assert _marks(exam) == {"I.1": 3, "I.2": 5}
    assert "defined nowhere" not in text


def test_definitions_in_an_input_file_beside_the_paper(tmp_path: Path) -> None:
    paper = POINTS_PAPER.replace("\\usepackage{coursemacros}", "\\input{defs}")
    exam, _ = _exam(tmp_path, {"paper.tex": paper, "defs.tex": STY})
    assert _marks(exam) == {"I.1": 3, "I.2": 5}


def test_fragment_read_with_the_main_files_packages(tmp_path: Path) -> None:
    # a fragment (no \documentclass) that the main file beside it \input's: the main file's
    # local package defines \problem{N} ... \endproblem, a list item numbered by a counter
    sty = (
        "\\newcounter{prob}\n\\setcounter{prob}{1}\n"
        "\\newcommand\\problem[1]%\n  {\\begin{itemize}\\item[]{\\bf\\theprob.~"
        "\\ifnum1=#1\\relax[#1 point]\\else[#1 points]\\fi}\\stepcounter{prob}}\n"
        "\\newcommand\\endproblem{\\end{itemize}}\n"
    )
    main = (
        "\\documentclass{article}\n\\usepackage[key]{tmpl}\n\\begin{document}\n"
        "\\input{questions}\n\\end{document}\n"
    )
    fragment = (
        "\\section{Transport}\n\\problem{4}\nWhy does TCP need a handshake?\n\\endproblem\n\n"
        "\\problem{1}\nName a UDP port.\n\\endproblem\n"
    )
    files = {"tmpl.sty": sty, "main.tex": main, "questions.tex": fragment}
    exam, _ = _exam(tmp_path, files, paper="questions.tex")
    assert _marks(exam) == {"I.1": 4, "I.2": 1}


@pytest.mark.parametrize(
    "include, where",
    [
        # a package in a parent folder's other folder: neither beside the paper nor above it
        ("\\usepackage{../shared/coursemacros}", "../shared/coursemacros.sty"),
        # an absolute path
        ("\\input{/tmp/elsewhere/defs}", None),
        # a subfolder: not the same folder either
        ("\\input{sub/defs}", "sub/defs.tex"),
    ],
)
def test_only_files_beside_or_above_the_paper_are_read(
    tmp_path: Path, include: str, where: str | None
) -> None:
    folder = tmp_path / "paper"
    folder.mkdir()
    if where is not None:
        target = (folder / where).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(STY, encoding="utf-8")
    (folder / "paper.tex").write_text(
        POINTS_PAPER.replace("\\usepackage{coursemacros}", include), encoding="utf-8"
    )
    text = render(draft_exam([folder / "paper.tex"]))
    assert "\\worth is defined nowhere" in text


@pytest.mark.parametrize(
    "include, where",
    [
        # the course's package one folder up, beside every exam's folder
        ("\\usepackage{../coursemacros}", "../coursemacros.sty"),
        # two folders up, named with its suffix
        ("\\usepackage{../../coursemacros.sty}", "../../coursemacros.sty"),
        # \input of a file one folder up
        ("\\input{../coursemacros.sty}", "../coursemacros.sty"),
    ],
)
def test_files_in_a_folder_above_the_paper_are_read(
    tmp_path: Path, include: str, where: str
) -> None:
    folder = tmp_path / "course" / "exam2"
    folder.mkdir(parents=True)
    (folder / where).resolve().write_text(STY, encoding="utf-8")
    paper = POINTS_PAPER.replace("\\usepackage{coursemacros}", include)
    exam, text = _exam(folder, {"paper.tex": paper})
    assert _marks(exam) == {"I.1": 3, "I.2": 5}
    assert "\\worth is defined nowhere" not in text


def test_a_link_beside_the_paper_to_a_file_elsewhere_is_not_read(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "coursemacros.sty").write_text(STY, encoding="utf-8")
    folder = tmp_path / "paper"
    folder.mkdir()
    (folder / "coursemacros.sty").symlink_to(elsewhere / "coursemacros.sty")
    (folder / "paper.tex").write_text(POINTS_PAPER, encoding="utf-8")
    assert "\\worth is defined nowhere" in render(draft_exam([folder / "paper.tex"]))


def test_packages_that_load_each_other_are_read_once(tmp_path: Path) -> None:
    sty = STY + "\\RequirePackage{coursemacros}\n\\usepackage{coursemacros}\n"
    exam, _ = _exam(tmp_path, {"paper.tex": POINTS_PAPER, "coursemacros.sty": sty})
    assert _marks(exam) == {"I.1": 3, "I.2": 5}


def test_a_macro_that_never_stops_expanding_is_left_as_written() -> None:
    source = "\\def\\loop{\\question\\loop}\n\\begin{document}\n\\loop\n\\end{document}\n"
    expanded, notes = expand_macros(source)
    assert len(expanded) < 100_000
    assert any("stopped expanding" in note.text for note in notes)


def test_expansion_keeps_every_line_in_its_place() -> None:
    source = _doc("\\ask[4] One\n\nwith two lines.\n\\ask[2] Two\n", "\\def\\ask{\\question}\n")
    expanded, _ = expand_macros(source)
    assert expanded.count("\n") == source.count("\n")
    assert expanded.splitlines()[6] == "\\question[2] Two"


CLASS_PAPER = (
    "\\documentclass[11pt]{course}\n\\begin{document}\n\\prob{1}{10}\nProve it.\n"
    "\\prob{2}{5}\nCompute it.\n\\end{document}\n"
)


@pytest.mark.parametrize(
    "cls",
    [
        # the author's own class beside the paper, built on article
        "\\LoadClass[11pt]{article}\n\\newcommand{\\prob}[2]{\\section*{Problem #1 (#2 points)}}\n",
        # ... built on the exam class with options, the macro in a package it requires
        "\\LoadClassWithOptions{exam}\n\\RequirePackage{probs}\n",
    ],
)
def test_definitions_in_the_papers_own_class_beside_it(tmp_path: Path, cls: str) -> None:
    sty = "\\newcommand{\\prob}[2]{\\section*{Problem #1 (#2 points)}}\n"
    exam, text = _exam(tmp_path, {"paper.tex": CLASS_PAPER, "course.cls": cls, "probs.sty": sty})
    assert _marks(exam) == {"I.1": 10, "I.2": 5}
    assert "defined nowhere" not in text


def test_a_class_that_is_not_beside_the_paper_is_not_looked_for(tmp_path: Path) -> None:
    # \documentclass{course} with no course.cls here: read as it stands, the macro named
    (tmp_path / "paper.tex").write_text(CLASS_PAPER, encoding="utf-8")
    assert "\\prob is defined nowhere" in render(draft_exam([tmp_path / "paper.tex"]))


@pytest.mark.parametrize(
    "definition, use",
    [
        # etoolbox's \csdef and \csuse
        ("\\csdef{ptsA}{(4 points)}", "\\csuse{ptsA}"),
        # \csgdef, used by its name
        ("\\csgdef{ptsA}{(4 points)}", "\\ptsA"),
    ],
)
def test_etoolbox_definitions(tmp_path: Path, definition: str, use: str) -> None:
    paper = _doc(
        f"\\begin{{questions}}\n\\question Compute it. {use}\n\\end{{questions}}\n",
        preamble=definition + "\n",
    )
    exam, text = _exam(tmp_path, {"paper.tex": paper})
    assert _marks(exam) == {"I.1": 4}
    assert "defined nowhere" not in text


@pytest.mark.parametrize(
    "blank, key",
    [
        # the exam class's \fillin with the answer and a width
        ("\\fillin[$0.25$][1in]", 0.25),
        # \answerline with the answer
        ("\\answerline[12]", 12),
    ],
)
def test_a_blank_that_holds_its_answer_gives_the_key(
    tmp_path: Path, blank: str, key: float
) -> None:
    paper = _doc(f"\\begin{{questions}}\n\\question[2] The value is {blank}\n\\end{{questions}}\n")
    exam, text = _exam(tmp_path, {"paper.tex": paper})
    assert f"value: {key}" in text
    assert "defined nowhere" not in text
    assert _marks(exam) == {"I.1": 2}
