"""LaTeX papers written for an exam generator that shuffles options: each option opened by the
generator's own macro in its own environment, the right ones flagged by an optional argument
(`\\answer[correct]`, `[correct, fixed]`, `[fixed,correct]`; `[fixed]` alone keeps an option in
place). The flagged options are the question's key, as the exam class's `\\CorrectChoice` is.
And papers saved with Windows or old Mac line ends are read as those with Unix ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import drafted_questions


def _problem(options: str, *, environment: str = "answers") -> str:
    return (
        "\\documentclass{article}\n\\begin{document}\n"
        "\\begin{problem}{Probability}{2}\nA fair coin is tossed twice. P(two heads)?\n"
        f"\\begin{{{environment}}}\n{options}\\end{{{environment}}}\n\\end{{problem}}\n"
        "\\end{document}\n"
    )


@pytest.mark.parametrize(
    "options,correct",
    [
        # one option flagged, the second
        ("\\answer 1/2\n\\answer[correct] 1/4\n\\answer 3/4\n", ["b"]),
        # the flag beside 'fixed' either way round, with or without a space
        ("\\answer[fixed, correct] 1/4\n\\answer 1/2\n\\answer[fixed] none\n", ["a"]),
        ("\\answer 1/2\n\\answer 3/4\n\\answer[correct,fixed] none of these\n", ["c"]),
        # several right options: all of them
        ("\\answer[correct] 0.25\n\\answer 1/2\n\\answer[correct] 1/4\n", ["a", "c"]),
        # 'incorrect' is no flag of the right one
        ("\\answer[incorrect] 1/2\n\\answer[correct] 1/4\n", ["b"]),
        # the generator's own name for the option macro, a comment line before the first
        ("% shuffled\n\\opt 1/2\n\\opt[correct] 1/4\n\\opt[fixed] 1\n", ["b"]),
    ],
)
def test_the_flagged_options_are_the_key(tmp_path: Path, options: str, correct: list[str]) -> None:
    question = drafted_questions(tmp_path, _problem(options), "paper.tex")["1"]
    assert question["key"]["kind"] == "choice"
    assert question["key"]["correct"] == correct


@pytest.mark.parametrize("environment", ["answers", "options", "responses"])
def test_any_environment_of_flagged_options_is_a_choice_list(
    tmp_path: Path, environment: str
) -> None:
    paper = _problem("\\answer 1/2\n\\answer[correct] 1/4\n", environment=environment)
    key = drafted_questions(tmp_path, paper, "paper.tex")["1"]["key"]
    assert key["options"] == {"a": "1/2", "b": "1/4"}
    assert key["correct"] == ["b"]


def test_a_bracket_of_other_words_is_the_options_text(tmp_path: Path) -> None:
    # '[0, 1]' is no flag: the option reads as written
    paper = _problem("\\answer [0, 1] inclusive\n\\answer[correct] 1/4\n")
    key = drafted_questions(tmp_path, paper, "paper.tex")["1"]["key"]
    assert key["options"]["a"] == "[0, 1] inclusive"
    assert key["correct"] == ["b"]


@pytest.mark.parametrize(
    "options",
    [
        # no option flagged: not read as a key (nothing says which is right)
        "\\answer 1/2\n\\answer 1/4\n",
        # one option only: an answer macro, not a list of options
        "\\answer[correct] 1/4\n",
    ],
)
def test_without_a_flagged_list_there_is_no_choice_key(tmp_path: Path, options: str) -> None:
    question = drafted_questions(tmp_path, _problem(options), "paper.tex")["1"]
    assert (question.get("key") or {}).get("kind") != "choice"


def test_flagged_options_in_an_exam_class_question(tmp_path: Path) -> None:
    paper = (
        "\\documentclass{exam}\n\\begin{document}\n\\begin{questions}\n"
        "\\question[3] Which is a measure of spread?\n\\begin{answers}\n"
        "  \\answer mean\n  \\answer[correct] variance\n  \\answer[fixed] none\n"
        "\\end{answers}\n\\end{questions}\n\\end{document}\n"
    )
    question = drafted_questions(tmp_path, paper, "paper.tex")["1"]
    assert question["marks"] == 3
    assert question["key"]["correct"] == ["b"]


_TEX = (
    "\\documentclass{exam}\n\\begin{document}\n\\begin{questions}\n"
    "\\question[2] Name the mode of 1, 2, 2.\n"
    "\\question Which is larger?\n\\begin{choices}\n"
    "\\choice 0.3\n\\CorrectChoice 0.5\n\\end{choices}\n"
    "\\begin{note}{sets}\nThe next ones are\nabout sets.\n\\end{note}\n"  # words after the options
    "\\question Is the empty set finite?\n\\end{questions}\n\\end{document}\n"
)
_MD = "1. [2 points] Name the mode of 1, 2, 2.\n\n2. Which is larger?\n   - [ ] 0.3\n   - [x] 0.5\n"


@pytest.mark.parametrize(
    "text,name",
    [
        # Windows line ends in a LaTeX paper
        (_TEX.replace("\n", "\r\n"), "paper.tex"),
        # old Mac line ends in a LaTeX paper
        (_TEX.replace("\n", "\r"), "paper.tex"),
        # Windows line ends in a Markdown paper
        (_MD.replace("\n", "\r\n"), "paper.md"),
    ],
)
def test_line_ends_do_not_change_the_draft(tmp_path: Path, text: str, name: str) -> None:
    plain = drafted_questions(
        _folder(tmp_path, "unix"), text.replace("\r\n", "\n").replace("\r", "\n"), name
    )
    other = drafted_questions(_folder(tmp_path, "other"), text, name)
    assert _values(other) == _values(plain)
    assert other["1"]["marks"] == 2
    assert other["2"]["key"]["correct"] == ["b"]


def _values(questions: dict[str, Any]) -> dict[str, Any]:
    return {qid: (q.get("marks"), q.get("prompt"), q.get("key")) for qid, q in questions.items()}


def _folder(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return folder
