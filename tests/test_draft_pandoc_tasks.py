"""Papers answered in R Markdown and written out by pandoc: each task a heading numbered with a
dash ('## 2 - Perform graphical model checking', in LaTeX `\\subsection{2 - ...}`), R chunks in
an environment the preamble declares as code (`\\DefineVerbatimEnvironment{Highlighting}...`,
`\\lstnewenvironment{rcode}`), where a '$' or '%' is code, never the start of math or of a
comment that would swallow the tasks after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions

_MARKDOWN_TITLE = "# Take-home 2\n\n## Exam 2 - Panel data\n\nSome setup about the data.\n\n"


@pytest.mark.parametrize(
    "body, ids",
    [
        # a heading numbered with a hyphen, an en dash or an em dash: the task's number
        ("## 1 - Fit the model.\n\nText.\n\n## 2 - Plot it.\n\nText.\n", ["1", "2"]),
        ("## 1 – Fit the model.\n\nText.\n\n## 2 – Plot it.\n\nText.\n", ["1", "2"]),
        ("### 1 — Fit.\n\nText.\n\n### 2 — Plot.\n\n### 3 — Test.\n", ["1", "2", "3"]),
        # a difference written in a task's text is arithmetic, not a question
        ("## 1 - Fit the model.\n\n3 - 2 gives the degrees of freedom.\n", ["1"]),
        # the exam's own title 'Exam 2 - Panel data' numbers no task
        ("## 1 - Estimate.\n\nAnswer.\n", ["1"]),
    ],
)
def test_dash_numbered_headings_are_tasks(tmp_path: Path, body: str, ids: list[str]) -> None:
    assert list(drafted_questions(tmp_path, _MARKDOWN_TITLE + body)) == ids


_PREAMBLES = {
    "fancyvrb": (
        "\\usepackage{fancyvrb}\n"
        "\\DefineVerbatimEnvironment{Highlighting}{Verbatim}{commandchars=\\\\\\{\\}}\n",
        "Highlighting",
        "[]",
    ),
    "listings": ("\\usepackage{listings}\n\\lstnewenvironment{rcode}{}{}\n", "rcode", ""),
}
_CHUNKS = [
    "\\NormalTok{x }\\OtherTok{<-}\\NormalTok{ fit}\\SpecialCharTok{$}\\NormalTok{coef}",
    "\\NormalTok{share }\\OtherTok{<-}\\NormalTok{ 100 }\\SpecialCharTok{%}\\NormalTok{ total}",
    "y <- model$residuals  # the residuals, 5% of them",
]


def _pandoc_paper(preamble: str, name: str, option: str, chunk: str) -> str:
    tasks = []
    for n, task in enumerate(["Fit the model.", "Test the residuals.", "Compare the fits."], 1):
        tasks.append(
            f"\\subsection{{{n} - {task}}}\\label{{task-{n}}}\n\n"
            f"\\begin{{{name}}}{option}\n{chunk}\n\\end{{{name}}}\n\nThe result is shown.\n\n"
        )
    return (
        "\\documentclass{article}\n"
        + preamble
        + "\\setcounter{secnumdepth}{-\\maxdimen}\n\\begin{document}\n"
        + "\\subsection{Exam 2 - Panel data}\n\nSetup.\n\n"
        + "".join(tasks)
        + "\\end{document}\n"
    )


@pytest.mark.parametrize("package", sorted(_PREAMBLES))
@pytest.mark.parametrize("chunk", _CHUNKS)
def test_code_in_a_declared_environment_hides_no_task(
    tmp_path: Path, package: str, chunk: str
) -> None:
    preamble, name, option = _PREAMBLES[package]
    paper = _pandoc_paper(preamble, name, option, chunk)
    assert list(drafted_questions(tmp_path, paper, "answers.tex")) == ["1", "2", "3"]
