"""LaTeX papers whose answers are written with a course's own macro, named for the answer and
defined nowhere the drafter can read (`\\TheAnswer{...}` from a class file with nested `\\def`,
`\\myanswer{...}`, `\\solution{...}`): inside a question or part its argument is that part's
answer, read as the key where it is one value, and the macro is named once at the top."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import drafted_tree


def _paper(body: str) -> str:
    return (
        "\\documentclass{gradescopeexam}\n\\begin{document}\n\\begin{questions}\n"
        "\\question A fair die is rolled twice.\n\\begin{parts}\n"
        + body
        + "\\end{parts}\n\\end{questions}\n\\end{document}\n"
    )


def _parts(tree: dict[str, Any]) -> dict[str, dict[str, Any]]:
    question = tree["sections"][0]["questions"][0]
    return {str(part["id"]): part for part in question["parts"]}


@pytest.mark.parametrize(
    "written,key",
    [
        # the class's answer macro in a solution box, the number alone
        ("\\begin{solutionorbox}[1in]\\TheAnswer{$$1/6$$}\\end{solutionorbox}", "1/6"),
        # the answer spread over lines, the number after the working: its last value
        (
            "\\begin{solutionorbox}[1in]\n  \\TheAnswer{\n    $$P(S=7) = 6/36 = 1/6$$\n  }\n"
            "\\end{solutionorbox}",
            "1/6",
        ),
        # worked in an align to a rounded value: the value after its last '\\approx'
        (
            "\\TheAnswer{\\begin{align*} p &= 1 - 30/36 \\\\ &\\approx 0.1667 \\end{align*}}",
            0.1667,
        ),
        # a course's own name for it, straight under the part
        ("\\myanswer{0.5}", 0.5),
        # a solution macro with one argument
        ("\\solution{$12$}", 12),
    ],
)
def test_an_answer_macro_is_the_parts_key(tmp_path: Path, written: str, key: Any) -> None:
    body = "\\part What is the chance of a sum of seven?\n" + written + "\n"
    body += "\\part How many outcomes are there?\n\\TheAnswer{36}\n"
    tree = drafted_tree(tmp_path, _paper(body), "paper.tex")
    parts = _parts(tree)
    assert parts["a"]["key"]["kind"] == "numeric"
    assert parts["a"]["key"]["value"] == key  # a fraction kept as written
    assert parts["b"]["key"] == {"kind": "numeric", "value": 36}


@pytest.mark.parametrize(
    "preamble,read_as_answer",
    [
        # defined nowhere: read as the answer, and said so at the top
        ("", True),
        # defined plainly in the paper: its own meaning, expanded as written
        ("\\newcommand{\\TheAnswer}[1]{Hint: #1}\n", False),
    ],
)
def test_an_answer_macro_is_named_once_unless_defined(
    tmp_path: Path, preamble: str, read_as_answer: bool
) -> None:
    body = "\\part First?\n\\TheAnswer{4}\n\\part Second?\n\\TheAnswer{5}\n"
    text = _paper(body).replace("\\begin{document}", preamble + "\\begin{document}")
    path = tmp_path / "paper.tex"
    path.write_text(text, encoding="utf-8")
    from gradewise.exam.draft import draft_exam

    draft = draft_exam([path])
    said = [note.value for note in draft.notes if "TheAnswer" in note.value]
    assert len(said) == (1 if read_as_answer else 0)
    parts = _parts(drafted_tree(tmp_path, text, "paper.tex"))
    assert ("key" in parts["a"]) == read_as_answer


def test_an_answer_macro_outside_any_question_is_kept_as_written(tmp_path: Path) -> None:
    text = (
        "\\documentclass{article}\n\\begin{document}\n\\TheAnswer{7}\n"
        "\\begin{enumerate}\n\\item What is 3+4?\n\\end{enumerate}\n\\end{document}\n"
    )
    path = tmp_path / "paper.tex"
    path.write_text(text, encoding="utf-8")
    from gradewise.exam.draft import draft_exam

    draft = draft_exam([path])
    assert any("TheAnswer is defined nowhere" in note.value for note in draft.notes)


@pytest.mark.parametrize(
    "answer,key,reference_ends",
    [
        # an answer macro after a coloured hint: its working follows the hint, its value the key
        ("\\TheAnswer{$$p = 1/6$$}", {"kind": "numeric", "value": "1/6"}, "p = 1/6$$"),
        # plain words in the box after the hint: both kept, in order, as the reference (the
        # one value its sentence states keys it)
        ("The chance is 1/6.", {"kind": "numeric", "value": "1/6"}, "The chance is 1/6."),
        ("The chance is small.", None, "The chance is small."),
    ],
)
def test_a_second_box_under_one_part_is_not_lost(
    tmp_path: Path, answer: str, key: dict[str, Any] | None, reference_ends: str
) -> None:
    body = (
        "\\part What is the chance of a sum of seven?\n"
        "{\\color{magenta}Hint: count the pairs that add up to seven,\n"
        " then divide by all the pairs.}\n"
        "\\begin{solutionorbox}[1in]\n  " + answer + "\n\\end{solutionorbox}\n"
        "\\part How many outcomes are there?\n"
    )
    part = _parts(drafted_tree(tmp_path, _paper(body), "paper.tex"))["a"]
    assert part.get("key") == key
    assert part["reference"].startswith("Hint: count the pairs")
    assert part["reference"].endswith(reference_ends)
