"""Answer boxes that hold the answer: a macro the paper defines whose solution mode shows
one of its arguments (`\\shortanswerbox{width}{$\\approx 1.3$}`), one that marks an option
as the right one in solution mode (`\\yesnono`), and the exam class's `\\fillin[answer]`,
read as the part's solution, so the key comes from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.load import load_exam_text

MODE = r"""\newif\ifkey
\keytrue
"""
BOX = r"""\newcommand{\resultbox}[2]{\ifkey\fbox{\makebox[#1]{#2}}\else\fbox{\makebox[#1]{}}\fi}
"""
VERSION = r"""\def\version{answers}
\newcommand{\answerline}[2]{\ifthenelse{\equal{\version}{answers}}{\underline{#2}}%
{\underline{\hspace{#1}}}}
"""
BUBBLES = r"""\newcommand{\bubble}[1]{$\bigcirc$~#1}
\newcommand{\rightbubble}[1]{\ifkey$\bullet$~#1\else$\bigcirc$~#1\fi}
\newcommand{\noright}{\bubble{Yes}\quad\rightbubble{No}}
\newcommand{\yesright}{\rightbubble{Yes}\quad\bubble{No}}
"""


def _paper(preamble: str, first: str, second: str = "") -> str:
    return (
        "\\documentclass{article}\n\\usepackage{ifthen}\n" + preamble + "\\begin{document}\n"
        "\\begin{enumerate}\n"
        f"\\item (4 points) What is $\\sqrt{{1.69}}$? {first}\n\n"
        f"\\item (2 points) Is every symmetric matrix invertible? {second}\n\n"
        "\\end{enumerate}\n\\end{document}\n"
    )


def _keys(tmp_path: Path, paper: str) -> list[dict[str, object] | None]:
    (tmp_path / "paper.tex").write_text(paper, encoding="utf-8")
    exam = load_exam_text(render(draft_exam([tmp_path / "paper.tex"])))
    return [
        None if part.key is None else {"kind": part.key.kind, **part.key.params}
        for part in exam.parts()
    ]


@pytest.mark.parametrize(
    "paper,keys",
    [
        # a box that shows its second argument when \ifkey is true
        (_paper(MODE + BOX, "\\resultbox{2cm}{$1.3$}"), [1.3, None]),
        # a line that shows it when \version is 'answers' (ifthen's \equal)
        (_paper(VERSION, "\\answerline{3cm}{1.3}"), [1.3, None]),
        # bubbles: the paper's 'the answer is no' macro marks 'No' in key mode; a Yes/No
        # pair is a true/false question, the key false
        (_paper(MODE + BUBBLES, "", "\\noright"), [None, False]),
        # ... and 'yes': true
        (_paper(MODE + BUBBLES, "", "\\yesright"), [None, True]),
        # a unit after the box on its line stays with the question's words
        (_paper(MODE + BOX, "\\resultbox{2cm}{$1.3$} metres."), [1.3, None]),
        # the exam class's \fillin[answer][width]
        (_paper("", "\\fillin[$1.3$][1in]"), [1.3, None]),
    ],
)
def test_answer_box_macros_give_the_key(tmp_path: Path, paper: str, keys: list[object]) -> None:
    found = _keys(tmp_path, paper)
    assert [None if k is None else k.get("value", k.get("correct")) for k in found] == keys


@pytest.mark.parametrize(
    "paper",
    [
        # an empty box: nothing to key
        _paper(MODE + BOX, "\\resultbox{2cm}{}"),
        # a box the paper defines without any solution mode: its argument is a label
        _paper("\\newcommand{\\unitbox}[2]{\\fbox{\\makebox[#1]{}}~#2}\n", "\\unitbox{2cm}{cm}"),
        # \fillin with no answer given
        _paper("", "\\fillin"),
    ],
)
def test_boxes_without_an_answer_give_no_key(tmp_path: Path, paper: str) -> None:
    assert _keys(tmp_path, paper) == [None, None]
