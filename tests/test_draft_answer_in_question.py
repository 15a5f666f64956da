"""An 'Answer' heading inside a question (a Markdown quiz's '<details>' block) naming the
right option by its number and wording ('3.  An integrated ...'), under options written as a
numbered list, '1.' each as Markdown allows: the question's key is that option -- never a key
of question 3."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render

QUIZ = """\
## Quiz

### 1. Which function reads a CSV file in base R?

{n1} read.csv()
{n2} readLines()
{n3} scan.csv()
<details><summary>Show the answer</summary>

#### Answer

{a1}

> It returns a data frame.</details>

---

### 2. Which operator assigns a value?

{n1} ==
{n2} <-
{n3} %in%
<details><summary>Show the answer</summary>

#### Answer

{a2}
</details>
"""


def _questions(tmp_path: Path, text: str) -> dict[str, Any]:
    path = tmp_path / "quiz.md"
    path.write_text(text, encoding="utf-8")
    tree = YAML(typ="safe").load(render(draft_exam([path])))
    return {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}


@pytest.mark.parametrize(
    "n1, n2, n3",
    [
        ("1.", "1.", "1."),  # Markdown's lazy numbering
        ("1.", "2.", "3."),
        ("1)", "2)", "3)"),
    ],
)
@pytest.mark.parametrize(
    "a1, a2, correct",
    [
        ("1.  read.csv()", "2.  <-", (["a"], ["b"])),
        ("1. read.csv()", "2. <-", (["a"], ["b"])),
    ],
)
def test_the_numbered_answer_names_the_open_questions_option(
    tmp_path: Path, n1: str, n2: str, n3: str, a1: str, a2: str, correct: tuple[list[str], ...]
) -> None:
    questions = _questions(tmp_path, QUIZ.format(n1=n1, n2=n2, n3=n3, a1=a1, a2=a2))
    assert sorted(questions) == ["1", "2"]
    assert questions["1"]["key"]["correct"] == correct[0]
    assert questions["2"]["key"]["correct"] == correct[1]
    assert questions["1"]["key"]["options"]["a"] == "read.csv()"
    assert "It returns a data frame." in questions["1"]["reference"]


def test_an_answer_not_among_the_options_is_no_option(tmp_path: Path) -> None:
    text = QUIZ.format(n1="1.", n2="1.", n3="1.", a1="1.  fread()", a2="2.  <-")
    questions = _questions(tmp_path, text)
    assert questions["2"]["key"]["correct"] == ["b"]
    assert questions["1"].get("key", {}).get("correct") != ["a"]  # 'fread()' is not option 1
