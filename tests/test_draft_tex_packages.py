"""LaTeX papers written with a multiple-choice package of a course's own (a Scantron-style
package): each question an environment named for it (`\\begin{quizproblem}{Title}`), its
options the `\\item`s of a choice list named for them (`\\begin{quizchoices}`), the right one
marked by a macro with no argument (`\\item \\correct\\ Neon`); a numbered list the options
refer to ('(1)', '(2)') is the question's words, not its parts; the package itself may sit in
a folder above the paper, as `TEXINPUTS=..:` finds it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import drafted_questions
from gradewise.exam.draft.latex import _printed


def _paper(body: str, package: str = "quizpack") -> str:
    return (
        f"\\documentclass{{article}}\n\\usepackage{{{package}}}\n\\begin{{document}}\n"
        + body
        + "\\end{document}\n"
    )


def _question(env: str, choices: str, mark: str, right: int) -> str:
    options = ["Argon", "Neon", "Xenon", "Radon"]
    items = "".join(
        f"    \\item {mark + ' ' if i == right else ''}{name}\n" for i, name in enumerate(options)
    )
    return (
        f"\\begin{{{env}}}{{Noble gases}}\n  Which gas glows red-orange in a sign?\n"
        f"  \\begin{{{choices}}}\n{items}  \\end{{{choices}}}\n\\end{{{env}}}\n"
    )


@pytest.mark.parametrize(
    "env, choices, mark, right, correct",
    [
        ("quizproblem", "quizchoices", "\\correct\\", 1, ["b"]),
        ("mcquestion", "quizchoices", "\\correct", 2, ["c"]),  # no control space after it
        ("examexercise", "mycheckboxes", "\\correctanswer", 0, ["a"]),
        ("quizproblem", "quizchoices", "\\CorrectOption", 3, ["d"]),
        ("quizproblem", "quizchoices", "", -1, None),  # none marked: no key (listed to fill in)
    ],
)
def test_a_package_question_with_a_marked_option(
    tmp_path: Path, env: str, choices: str, mark: str, right: int, correct: list[str] | None
) -> None:
    text = _paper(_question(env, choices, mark, right) + _question(env, choices, mark, right))
    questions = drafted_questions(tmp_path, text, "paper.tex")
    assert list(questions) == ["1", "2"]
    for question in questions.values():
        assert "red-orange" in question["prompt"]
        assert "parts" not in question
        if correct is None:
            assert "key" not in question
            continue
        key = question["key"]
        assert key["kind"] == "choice"
        assert list(key["options"].values()) == ["Argon", "Neon", "Xenon", "Radon"]
        assert key["correct"] == correct


def test_a_correct_mark_outside_a_choice_list_stays_text(tmp_path: Path) -> None:
    body = "\\begin{quizproblem}{Units}\n  Is \\correct\\ a word here?\n\\end{quizproblem}\n"
    questions = drafted_questions(tmp_path, _paper(body), "paper.tex")
    assert "\\correct" in questions["1"]["prompt"]
    assert "key" not in questions["1"]


_PACKAGE = """\\newcounter{probno}
\\newenvironment{quizproblem}[1]{\\begin{minipage}{\\textwidth}\\stepcounter{probno}%
  {\\bfseries Problem \\arabic{probno}: #1}\\par}{\\end{minipage}}
\\newenvironment{quizchoices}{\\begin{tcolorbox}\\begin{enumerate}[(A)]}{\\end{enumerate}\\end{tcolorbox}}
\\def\\correct{\\ifthenelse{\\boolean{key}}{\\textbf{Correct}\\ }{}}
\\def\\pairchoices#1{%
  How do (1) and (2) relate?
  \\begin{quizchoices}
    \\item \\ifthenelse{\\equal{#1}{A}}{\\correct}{} (1) implies (2).
    \\item \\ifthenelse{\\equal{#1}{B}}{\\correct}{} (2) implies (1).
    \\item \\ifthenelse{\\equal{#1}{C}}{\\correct}{} Neither.
  \\end{quizchoices}
}
"""

_STATEMENTS = """\\begin{quizproblem}{Logic}
  Read the statements.
  \\begin{enumerate}[(1)]
    \\item The tank is full.
    \\item The pump is off.
  \\end{enumerate}
  \\pairchoices{B}
\\end{quizproblem}
"""


@pytest.mark.parametrize(
    "where, correct",
    [
        (".", ["b"]),  # beside the paper
        ("..", ["b"]),  # a folder above, as TEXINPUTS=..: finds it
        ("../..", ["b"]),
        ("elsewhere", None),  # in no folder LaTeX would look in: its options are not known
    ],
)
def test_the_package_is_found_beside_or_above_the_paper(
    tmp_path: Path, where: str, correct: list[str] | None
) -> None:
    paper = tmp_path / "a" / "b" / "exam"
    paper.mkdir(parents=True)
    (paper / where).mkdir(exist_ok=True)
    (paper / where / "quizpack.sty").write_text(_PACKAGE, encoding="utf-8")
    questions = drafted_questions(paper, _paper(_STATEMENTS), "paper.tex")
    assert list(questions) == ["1"]
    question = questions["1"]
    key = question.get("key")
    if correct is None:
        assert key is None
        return
    assert key["kind"] == "choice" and key["correct"] == correct
    assert key["options"]["c"] == "Neither."
    # the list the options refer to is the question's words, not parts
    assert "parts" not in question
    assert "(1) The tank is full." in question["prompt"]
    assert "(2) The pump is off." in question["prompt"]


def test_a_numbered_list_in_a_question_without_options_is_still_its_parts(
    tmp_path: Path,
) -> None:
    body = (
        "\\begin{quizproblem}{Pumps}\n  Answer both.\n  \\begin{enumerate}\n"
        "    \\item (2 points) Why is the tank full?\n    \\item (3 points) Why is the pump off?\n"
        "  \\end{enumerate}\n\\end{quizproblem}\n"
    )
    question: dict[str, Any] = drafted_questions(tmp_path, _paper(body), "paper.tex")["1"]
    assert [part["marks"] for part in question["parts"]] == [2, 3]


@pytest.mark.parametrize(
    "template, count, printed",
    [
        ("(1)", 2, "(2)"),
        ("a)", 3, "c)"),
        ("(A)", 1, "(A)"),
        ("(i)", 4, "(iv)"),
        ("I.", 2, "II."),
        ("", 5, "5."),
        ("label=(\\alph*)", 2, "2."),  # enumitem's keys: not read, the number alone
    ],
)
def test_an_enumerate_label_as_printed(template: str, count: int, printed: str) -> None:
    assert _printed(template, count) == printed
