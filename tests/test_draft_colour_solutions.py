"""Worked solutions set apart only by colour or a box (`\\textcolor{red}{...}`,
`{\\color{blue} ...}`, a tcolorbox or mdframed after the question) are the question's
solution, never its prompt; a few coloured words inside a prompt stay prompt."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.load import load_exam_text

PROMPT = "Evaluate $\\det\\begin{pmatrix} 4 & 1 \\\\ 2 & 6 \\end{pmatrix}$."
WORKING = "$\\det = 4 \\cdot 6 - 1 \\cdot 2\n\\\\ = 22 ~~~~ \\checkmark\n$"


def _plain(answer: str, prompt: str = PROMPT) -> str:
    return (
        "\\documentclass{article}\n\\usepackage{xcolor}\n\\begin{document}\n\\begin{enumerate}\n"
        f"\\item (10 points) {prompt}\n\n{answer}\n\n"
        "\\item (5 points) Name a symmetric matrix.\n\\end{enumerate}\n\\end{document}\n"
    )


def _exam_class(answer: str) -> str:
    return (
        "\\documentclass{exam}\n\\begin{document}\n\\begin{questions}\n"
        f"\\question[10] {PROMPT}\n{answer}\n\\question[5] Name a symmetric matrix.\n"
        "\\end{questions}\n\\end{document}\n"
    )


@pytest.mark.parametrize(
    "paper",
    [
        # the working in \textcolor, over several lines, on lines of its own
        _plain(f"\\textcolor{{red}}{{\n{WORKING}\n}}"),
        # a colour switched on in a group
        _plain(f"{{\\color{{blue}}\n{WORKING}\n}}"),
        # a colour model and a colour spelled out
        _plain(f"\\textcolor[rgb]{{0.8,0,0}}{{{WORKING}}}"),
        # a tcolorbox with options after the question
        _plain(f"\\begin{{tcolorbox}}[colback=white]\n{WORKING}\n\\end{{tcolorbox}}"),
        # an mdframed box
        _plain(f"\\begin{{mdframed}}[linecolor=red]\n{WORKING}\n\\end{{mdframed}}"),
        # the exam class, the working coloured under the question
        _exam_class(f"\\textcolor{{blue}}{{{WORKING}}}"),
    ],
)
def test_coloured_or_boxed_working_is_the_solution(tmp_path: Path, paper: str) -> None:
    (tmp_path / "paper.tex").write_text(paper, encoding="utf-8")
    exam = load_exam_text(render(draft_exam([tmp_path / "paper.tex"])))
    first = next(exam.parts())
    assert "22" not in first.prompt
    assert "= 22" in (first.reference or "")
    assert first.key is not None and first.key.params["value"] == 22
    assert [part.marks for part in exam.parts()] == [10, 5]


@pytest.mark.parametrize(
    "paper,prompt_has",
    [
        # a coloured word for emphasis inside the prompt
        (
            _plain("", "Find the \\textcolor{red}{largest} eigenvalue of $\\mathrm{diag}(1,3)$."),
            "largest eigenvalue",
        ),
        # a short coloured sentence on its own line: a warning to students, still prompt
        (_plain("{\\color{red} Show all your work.}"), "Show all your work."),
        # a boxed hint before any question: instructions, not a solution
        (
            _plain("").replace(
                "\\begin{enumerate}",
                "\\begin{tcolorbox}Calculators allowed.\\end{tcolorbox}\n\\begin{enumerate}",
            ),
            "Evaluate",
        ),
    ],
)
def test_coloured_words_in_a_prompt_stay_prompt(
    tmp_path: Path, paper: str, prompt_has: str
) -> None:
    (tmp_path / "paper.tex").write_text(paper, encoding="utf-8")
    exam = load_exam_text(render(draft_exam([tmp_path / "paper.tex"])))
    first = next(exam.parts())
    assert prompt_has in first.prompt
    assert not first.reference
