"""A Quarto paper in the exam class that writes about the class's own macros in Markdown code
spans ('mark the right one with `\\CorrectChoice`'): the span is words, as Quarto renders it
(`\\verb`), never the macro — no option, question or part is made of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import drafted_questions
from gradewise.exam.draft.documents import _markdown_as_latex

_QUESTION = """\
---
title: "Chemistry quiz"
format:
  examclass-pdf: default
---

\\begin{{questions}}

\\titledquestion{{Gases}}[2]
{words}

\\begin{{choices}}
\\choice Helium
\\CorrectChoice Neon
\\choice Argon
\\end{{choices}}

\\question[3] Name a halogen.

\\end{{questions}}
"""


@pytest.mark.parametrize(
    "words",
    [
        "Pick one; the key marks it with `\\CorrectChoice` when printed.",
        "Options are `\\choice` lines; this one uses `\\CorrectChoice` too.",
        "Each `\\question` or `\\part[2]` holds its points.",
        "A code span with a bar: `a | b` and `\\CorrectChoice|x`.",
    ],
)
def test_code_spans_are_words(tmp_path: Path, words: str) -> None:
    questions = drafted_questions(tmp_path, _QUESTION.format(words=words), "quiz.qmd")
    assert list(questions) == ["1", "2"]
    first: dict[str, Any] = questions["1"]
    assert first["key"]["correct"] == ["b"]
    assert list(first["key"]["options"].values()) == ["Helium", "Neon", "Argon"]
    assert "parts" not in first and first["marks"] == 2
    assert questions["2"]["marks"] == 3


@pytest.mark.parametrize(
    "line, written",
    [
        ("use `\\CorrectChoice` here", "use \\verb|\\CorrectChoice| here"),
        ("`a|b` then `c`", "\\verb!a|b! then \\verb|c|"),
        ("``not a span``", "``not a span``"),  # double backticks: left as they are
        ("no code", "no code"),
    ],
)
def test_code_span_as_latex(line: str, written: str) -> None:
    body = _markdown_as_latex(line + "\n", Path("quiz.qmd"))
    assert written in body
