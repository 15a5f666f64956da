"""Questions headed only by their points under numbered sections: `\\section{Reading}` then
`\\subsection{10 points}`, which LaTeX prints '1 Reading', '1.1 10 points', '1.2 ...',
'2 Writing', '2.1 ...': each section a section of the draft, its questions numbered again from 1
within it, as printed. Starred headings print no numbers: the questions are numbered on."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_tree

_QUESTIONS = {
    "Reading": ["Summarise the first paragraph.", "Name the narrator."],
    "Writing": ["Write a letter to the editor.", "Rewrite the ending.", "Give it a title."],
}


def _paper(section: str, subsection: str, marks: list[str]) -> str:
    body, at = [], 0
    for title, asks in _QUESTIONS.items():
        body.append(f"\\{section}{{{title}}}\n")
        for ask in asks:
            body.append(f"\\{subsection}{{{marks[at % len(marks)]}}}\n{ask}\n\n")
            at += 1
    return (
        "\\documentclass{article}\n\\begin{document}\n\\title{Essay test}\\maketitle\n"
        + "".join(body)
        + "\\end{document}\n"
    )


def _layout(tree: dict) -> list[tuple[str | None, list[tuple[str, float]]]]:
    return [
        (
            section.get("title"),
            [(str(q["id"]), q["marks"]) for q in section["questions"]],
        )
        for section in tree["sections"]
    ]


@pytest.mark.parametrize(
    "section, subsection, marks, layout",
    [
        # numbered: sections of their own, questions numbered again in each as printed
        (
            "section",
            "subsection",
            ["10 points"],
            [
                ("Reading", [("1", 10), ("2", 10)]),
                ("Writing", [("1", 10), ("2", 10), ("3", 10)]),
            ],
        ),
        (
            "section",
            "subsection",
            ["5 Points", "(15 marks)"],
            [
                ("Reading", [("1", 5), ("2", 15)]),
                ("Writing", [("1", 5), ("2", 15), ("3", 5)]),
            ],
        ),
        # starred sections print no number: the questions are numbered on in one section
        (
            "section*",
            "subsection*",
            ["10 points"],
            [(None, [("1", 10), ("2", 10), ("3", 10), ("4", 10), ("5", 10)])],
        ),
        (
            "section*",
            "subsection",
            ["10 points"],
            [(None, [("1", 10), ("2", 10), ("3", 10), ("4", 10), ("5", 10)])],
        ),
    ],
)
def test_points_subsections_under_numbered_sections(
    tmp_path: Path,
    section: str,
    subsection: str,
    marks: list[str],
    layout: list[tuple[str | None, list[tuple[str, float]]]],
) -> None:
    tree = drafted_tree(tmp_path, _paper(section, subsection, marks), "paper.tex")
    found = _layout(tree)
    if layout[0][0] is None:  # one section, whatever its default title
        assert [questions for _title, questions in found] == [layout[0][1]]
    else:
        assert found == layout


def test_subsections_that_number_their_questions_keep_their_numbers(tmp_path: Path) -> None:
    """A `\\subsection{Question 3 (4 points)}` says its own number: it is kept."""
    text = (
        "\\documentclass{article}\n\\begin{document}\n\\section{Reading}\n"
        "\\subsection{Question 1 (4 points)}\nName the narrator.\n"
        "\\section{Writing}\n\\subsection{Question 2 (6 points)}\nRewrite the ending.\n"
        "\\end{document}\n"
    )
    tree = drafted_tree(tmp_path, text, "paper.tex")
    ids = [(str(q["id"]), q["marks"]) for s in tree["sections"] for q in s["questions"]]
    assert ids == [("1", 4), ("2", 6)]
