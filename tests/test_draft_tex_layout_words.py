"""Layout written in a LaTeX paper's body is no words of a question: a `\\def` there (pandoc's
`\\def\\labelenumi{\\arabic{enumi}.}`, a course's `\\def\\blank#1{...}`) and a list's lengths
set by assignment (pandoc's `\\itemsep1pt\\parskip0pt\\parsep0pt`). The words after them stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions


def _paper(inside: str) -> str:
    return (
        "\\documentclass{article}\n\\begin{document}\n\\begin{enumerate}\n"
        f"\\item What is a residual?\n{inside}\\item Define leverage.\n"
        "\\end{enumerate}\n\\end{document}\n"
    )


@pytest.mark.parametrize(
    "inside",
    [
        # pandoc's label definition, then its lengths, each glued to its dimension
        "\\def\\labelenumi{\\arabic{enumi}.}\n\\itemsep1pt\\parskip0pt\\parsep0pt\n",
        # a definition with parameters
        "\\def\\blank#1{\\underline{\\hspace{#1}}}\n",
        # lengths with '=' and stretch
        "\\itemsep=2pt plus 1pt minus 1pt\n\\topsep 0.5em\n",
    ],
)
def test_layout_in_the_body_is_not_a_prompt(tmp_path: Path, inside: str) -> None:
    questions = drafted_questions(tmp_path, _paper(inside), "paper.tex")
    assert questions["1"]["prompt"] == "What is a residual?"
    assert questions["2"]["prompt"] == "Define leverage."


def test_the_words_after_a_length_stay(tmp_path: Path) -> None:
    paper = _paper("").replace(
        "\\item What is a residual?", "\\item \\itemsep1pt What is a residual?"
    )
    assert drafted_questions(tmp_path, paper, "paper.tex")["1"]["prompt"] == "What is a residual?"
