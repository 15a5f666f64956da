"""A list lettered as parts are, right inside a `\\question`: enumitem's
`\\begin{enumerate}[label=(\\alph*)]`, the enumerate package's `[(a)]`, or a course class's own
`alphaparts` environment whose `\\questionpart` is an `\\item` labelled `(\\alph{partCounter})`.
Its items are the question's parts (a), (b), ...; a list numbered '1.', '2.' without points
stays the question's text, and a lettered list inside a `\\part` is that part's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions

_OWN_CLASS = (
    "\\newcounter{partCounter}\n"
    "\\newenvironment{alphaparts}{\\begin{enumerate}[label=\\textbf{(\\alph{partCounter})}]}"
    "{\\end{enumerate}}\n"
    "\\newcommand{\\questionpart}{\\stepcounter{partCounter}\\item}\n"
)


def _paper(preamble: str, body: str) -> str:
    return (
        "\\documentclass{exam}\n\\usepackage{enumitem}\n"
        + preamble
        + "\\begin{document}\n\\begin{questions}\n"
        + "\\question Say what each loop costs.\n"
        + body
        + "\\question Name a sorting algorithm.\n"
        + "\\end{questions}\n\\end{document}\n"
    )


def _list(begin: str, end: str, item: str, answers: list[str]) -> str:
    return begin + "\n" + "".join(f"  {item} {a}\n" for a in answers) + end + "\n"


_ANSWERS = ["The outer loop.", "The inner loop.", "Both loops."]


@pytest.mark.parametrize(
    "preamble, body, parts",
    [
        # lettered as parts are: the question's parts, as printed
        (
            "",
            _list("\\begin{enumerate}[label=(\\alph*)]", "\\end{enumerate}", "\\item", _ANSWERS),
            ["a", "b", "c"],
        ),
        (
            "",
            _list("\\begin{enumerate}[label=\\alph*)]", "\\end{enumerate}", "\\item", _ANSWERS),
            ["a", "b", "c"],
        ),
        (
            "",
            _list("\\begin{enumerate}[(a)]", "\\end{enumerate}", "\\item", _ANSWERS[:2]),
            ["a", "b"],
        ),
        (
            _OWN_CLASS,
            _list("\\begin{alphaparts}", "\\end{alphaparts}", "\\questionpart", _ANSWERS),
            ["a", "b", "c"],
        ),
        # numbered '1.', '2.' without points: the question's own list, no parts
        ("", _list("\\begin{enumerate}", "\\end{enumerate}", "\\item", _ANSWERS), []),
        # a lettered list inside a part is that part's, not the question's parts
        (
            "",
            "\\begin{parts}\n\\part Look at the loops.\n"
            + _list("\\begin{enumerate}[label=(\\alph*)]", "\\end{enumerate}", "\\item", _ANSWERS)
            + "\\part Add them up.\n\\end{parts}\n",
            ["a", "b"],
        ),
    ],
)
def test_lettered_list_in_a_question(
    tmp_path: Path, preamble: str, body: str, parts: list[str]
) -> None:
    questions = drafted_questions(tmp_path, _paper(preamble, body), "quiz.tex")
    assert list(questions) == ["1", "2"]
    assert [str(part["id"]) for part in questions["1"].get("parts", [])] == parts
