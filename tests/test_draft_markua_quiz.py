"""Markua (Leanpub's Markdown) quizzes: '{quiz, id: ...}' blocks, '{choose-answers: N}' settings,
'? ' before each unnumbered question, options 'a)'-'f)' with the right ones capitalised."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions

QUIZ = """\
{quiz, id: stats_quiz, attempts: 5}

## Statistics Quiz

SETTING
? Which of these measures spread?

a) The mean
B) The variance
c) The median

SETTING
? Which are robust to outliers?

A) The median
b) The mean
C) The interquartile range
d) The range

{/quiz}
"""


@pytest.mark.parametrize("setting", ["{choose-answers: 1}", "", "{choose-answers}"])
def test_a_markua_quiz_is_drafted_with_its_keys(tmp_path: Path, setting: str) -> None:
    questions = drafted_questions(tmp_path, QUIZ.replace("SETTING", setting))
    assert list(questions) == ["1", "2"]
    assert questions["1"]["key"]["correct"] == ["b"]
    assert questions["2"]["key"]["correct"] == ["a", "c"]
    assert questions["1"]["key"]["options"]["a"] == "The mean"
    assert "choose-answers" not in str(questions) and "attempts" not in str(questions)


def test_options_all_in_capitals_name_no_answer(tmp_path: Path) -> None:
    text = QUIZ.replace("SETTING", "").replace("a) The mean", "A) The mean")
    text = text.replace("c) The median", "C) The median")
    questions = drafted_questions(tmp_path, text)
    assert "key" not in questions["1"]  # every option capitalised: no answer named
    assert questions["2"]["key"]["correct"] == ["a", "c"]


def test_question_marks_in_prose_are_no_markua_quiz(tmp_path: Path) -> None:
    """A Markdown paper without Markua's settings keeps its lines as written."""
    text = "# Quiz\n\n1. Which measures spread? (2 marks)\n\na) The mean\nB) The variance\n"
    questions = drafted_questions(tmp_path, text)
    assert "key" not in questions["1"]


@pytest.mark.parametrize(
    "options, correct",
    [
        (["`Boolean`", "string", "numerical"], ["a"]),
        (["budget", "`actors`", "`returns`."], ["b", "c"]),
        # every option in code, or code inside an option's words: no answer marked
        (["`print()`", "`show()`"], None),
        (["use `print()`", "`show()`"], None),
    ],
)
def test_options_marked_as_inline_code_are_the_answer(
    tmp_path: Path, options: list[str], correct: list[str] | None
) -> None:
    bullets = "".join(f"- {o}\n" for o in options)
    text = f"# Notes\n\n## Question 1: Which are right?\n\n{bullets}\n## Question 2: Define data.\n"
    questions = drafted_questions(tmp_path, text)
    key = questions["1"].get("key")
    assert (key["correct"] if key else None) == correct
    if correct:
        assert "`" not in questions["1"]["prompt"]  # the marks that name it are left out
