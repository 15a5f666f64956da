"""Quarto's and R Markdown's exam-class formats: a .qmd/.Rmd whose questions are the LaTeX exam
class's (`\\question[3]`, `\\titledquestion{...}[4]`) between Markdown headings and code chunks,
other files put in with Quarto's include shortcode. Read as the LaTeX it renders to, not as
Markdown (where every question was lost)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render

PAPER = """\
---
title: "STAT 110 Quiz 3"
format:
  examclass-pdf: default
---

% printed only with answers
\\begin{questions}

# Warm-up

\\titledquestion{Means}[4]

Compute the mean of `x`.

```{r}
x <- c(1, 2, 3)
mean(x)   # 50% of the marks for this line
```

\\begin{solution}
The mean is 2.
\\end{solution}

# Longer questions

\\question
\\begin{parts}
\\part[3] Define the variance.
\\part[2] Give its units.
\\end{parts}

{{< include INCLUDE >}}

\\end{questions}
"""

INCLUDED = """\
---
title: A question kept in a file of its own
---

\\question[5] Which is a measure of spread?  % the last one
\\begin{choices}
\\choice The mean
\\CorrectChoice The variance
\\end{choices}
"""


def _draft(tmp_path: Path, suffix: str, include: str, file_name: str) -> dict[str, Any]:
    (tmp_path / file_name).write_text(INCLUDED, encoding="utf-8")
    paper = tmp_path / f"quiz{suffix}"
    paper.write_text(PAPER.replace("INCLUDE", include), encoding="utf-8")
    tree: dict[str, Any] = YAML(typ="safe").load(render(draft_exam([paper])))
    return tree


@pytest.mark.parametrize(
    "suffix, include, file_name",
    [
        (".qmd", "spread.qmd", "spread.qmd"),
        (".Rmd", "spread.qmd", "spread.qmd"),
        # the include names the file in another case, as case-blind file systems allow
        (".qmd", "Spread.qmd", "spread.qmd"),
    ],
)
def test_a_quarto_exam_class_paper_is_read_as_latex(
    tmp_path: Path, suffix: str, include: str, file_name: str
) -> None:
    tree = _draft(tmp_path, suffix, include, file_name)
    assert tree["exam"]["title"] == "STAT 110 Quiz 3"
    questions = {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}
    assert list(questions) == ["1", "2", "3"]
    assert questions["1"]["marks"] == 4 and "mean of `x`" in questions["1"]["prompt"]
    assert questions["1"]["reference"] == "The mean is 2."
    assert {p["id"]: p["marks"] for p in questions["2"]["parts"]} == {"a": 3, "b": 2}
    assert questions["3"]["marks"] == 5
    assert questions["3"]["key"]["correct"] == ["b"]


def test_a_plain_markdown_paper_naming_a_question_macro_in_prose_stays_markdown(
    tmp_path: Path,
) -> None:
    """Only a line that starts with the macro makes it LaTeX: a Markdown paper that mentions
    `\\question` in a sentence is read as Markdown."""
    paper = tmp_path / "notes.md"
    paper.write_text(
        "# Quiz\n\n1. What does the exam class's `\\question` macro take? (2 marks)\n",
        encoding="utf-8",
    )
    tree: dict[str, Any] = YAML(typ="safe").load(render(draft_exam([paper])))
    (question,) = [q for s in tree["sections"] for q in s["questions"]]
    assert question["marks"] == 2
