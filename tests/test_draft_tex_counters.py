"""Papers whose questions are a course's own macros over its own counters, defined in a preamble
file of their own: `\\problem` printing 'Problem \\arabic{probnum}' and stepping the counter,
items `\\subquestionwithpoints{3}` in lists opened by `\\benum`, coloured point tags. A definition
that opens an environment (`\\newcommand{\\beqn}{\\begin{eqnarray*}}`) no longer hides the
definitions after it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render

DEFINITIONS = r"""
\newcounter{probnum}
\setcounter{probnum}{START}
\newcommand{\benum}{\begin{enumerate}}
\newcommand{\eenum}{\end{enumerate}}
\newcommand{\beqn}{\begin{eqnarray*}}
\newcommand{\eeqn}{\end{eqnarray*}}
\newcommand{\problem}{\vspace{2mm}\noindent{\large\textsf{Problem \arabic{probnum}~}}STEP}
\newcommand{\subq}[1]{\item \color{gray}[#1 pt]~\color{black}}
"""

PAPER = r"""\documentclass{article}
LOAD
\begin{document}
\problem Basic probability.
\benum
\subq{3} Define a probability measure.
\subq{2} Express Boole's inequality for two events:
\beqn P(A \cup B) \le P(A) + P(B) \eeqn
\eenum
\problem A survey of 40 buildings.
\benum
\subq{4} What is the sampling frame?
\subq{1} Name one bias.
\eenum
\end{document}
"""


def _questions(tmp_path: Path, paper: str) -> dict[str, Any]:
    path = tmp_path / "midterm.tex"
    path.write_text(paper, encoding="utf-8")
    tree: dict[str, Any] = YAML(typ="safe").load(render(draft_exam([path])))
    return {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}


@pytest.mark.parametrize(
    "start, step, ids",
    [
        ("1", r"\addtocounter{probnum}{1}", ["1", "2"]),  # set to 1, stepped after printing
        ("0", "", ["1", "2"]),  # stepped before: \stepcounter in front (below)
        ("4", r"\addtocounter{probnum}{1}", ["4", "5"]),  # a paper going on from problem 4
    ],
)
@pytest.mark.parametrize("where", ["preamble file", "in the paper"])
def test_a_problem_macro_over_its_own_counter(
    tmp_path: Path, start: str, step: str, ids: list[str], where: str
) -> None:
    definitions = DEFINITIONS.replace("START", start).replace("STEP", step)
    if not step:
        definitions = definitions.replace(r"\vspace{2mm}", r"\stepcounter{probnum}\vspace{2mm}")
    if where == "preamble file":
        (tmp_path / "preamble.tex").write_text(definitions, encoding="utf-8")
        paper = PAPER.replace("LOAD", r"\include{preamble}")
    else:
        paper = PAPER.replace("LOAD", definitions)
    questions = _questions(tmp_path, paper)
    assert list(questions) == ids
    first, second = (questions[i] for i in ids)
    assert {p["id"]: p["marks"] for p in first["parts"]} == {"a": 3, "b": 2}
    assert {p["id"]: p["marks"] for p in second["parts"]} == {"a": 4, "b": 1}
    assert "color" not in str(questions) and "gray" not in str(questions)
    assert "P(A \\cup B)" in first["parts"][1]["prompt"]


@pytest.mark.parametrize("macro", ["Points", "pts", "marks", "Punkte"])
def test_a_points_macro_of_a_package_not_at_hand_gives_the_marks(
    tmp_path: Path, macro: str
) -> None:
    """`\\usepackage{coursehandout}` (not beside the paper) defines `\\Points{N}`: read as the
    points it prints, not kept as an unknown macro with the marks lost."""
    paper = (
        "\\documentclass{article}\n\\usepackage{coursehandout}\n\\begin{document}\n"
        "\\begin{enumerate}\n"
        f"\\item \\{macro}{{4}} Define entanglement.\n"
        f"\\item \\{macro}{{2.5}} State the no-cloning theorem.\n"
        "\\end{enumerate}\n\\end{document}\n"
    )
    questions = _questions(tmp_path, paper)
    assert {q: questions[q]["marks"] for q in questions} == {"1": 4, "2": 2.5}
    assert macro not in questions["1"]["prompt"]


def test_a_points_macro_the_paper_defines_is_its_own(tmp_path: Path) -> None:
    paper = (
        "\\documentclass{article}\n\\newcommand{\\pts}[1]{(#1 marks)}\n\\begin{document}\n"
        "\\begin{enumerate}\n\\item \\pts{3} Define entanglement.\n\\end{enumerate}\n"
        "\\end{document}\n"
    )
    assert _questions(tmp_path, paper)["1"]["marks"] == 3


@pytest.mark.parametrize("macro", ["problem", "task", "aufgabe"])
def test_a_question_macro_of_a_class_not_at_hand_opens_questions(
    tmp_path: Path, macro: str
) -> None:
    """`\\documentclass{hw}` (not beside the paper) defines `\\problem{...}`: each use is the
    next question, its argument the heading (with its points)."""
    paper = (
        "\\documentclass{hw}\n\\begin{document}\nRead the setup first.\n"
        f"\\{macro}{{(2 points, Path 1)}}\nCompute the degree of node 3.\n"
        f"\\{macro}{{(5 points)}}\nShow the graph is bipartite.\n"
        f"\\{macro}\nName a centrality. (1 point)\n\\end{{document}}\n"
    )
    questions = _questions(tmp_path, paper)
    assert {q: questions[q]["marks"] for q in questions} == {"1": 2, "2": 5, "3": 1}
    assert "degree of node 3" in questions["1"]["prompt"]
