"""A 'True or false, and why?' question printed with its answers: under each part, a line
opening with the verdict ('T. ...', 'F. ...', 'True: ...', 'False.') is that part's answer and
its key; 'F.' there is never option F."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render

PAPER = """\
Sampling quiz, with answers

1. {ask} (1 point each)
(a) A sample mean is a random variable.
{a}
(b) A population mean is a random variable.
{b}
(c) The standard error shrinks as the sample grows.
{c}
(d) A 95% interval holds 95% of the population.
{d}
(e) Bootstrap resamples are drawn with replacement.
{e}
(f) A larger sample always has a smaller range.
{f}

2. Give the variance of a sample proportion. (3 points)
"""


def _parts(tmp_path: Path, text: str) -> list[dict[str, Any]]:
    path = tmp_path / "paper.md"
    path.write_text(text, encoding="utf-8")
    tree = YAML(typ="safe").load(render(draft_exam([path])))
    questions = {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}
    assert questions["2"]["marks"] == 3
    return questions["1"]["parts"]


ANSWERS = {
    "a": "T. It depends on which units were drawn.",
    "b": "F. It is a fixed number.",
    "c": "T. It falls like one over the square root of n.",
    "d": "F. It covers the mean, not 95% of the values.",
    "e": "T. Each draw puts the unit back.",
    "f": "F. A range can only grow with more draws, but a new sample may differ.",
}


@pytest.mark.parametrize(
    "ask, answers",
    [
        ("True or False and Why?", ANSWERS),
        ("True or false? Explain briefly.", ANSWERS),
        # the words written out, with a colon or alone
        (
            "Say whether each is true or false.",
            {k: v.replace("T.", "True:") for k, v in ANSWERS.items()},
        ),
        (
            "Say whether each is true or false.",
            {k: v[:2].replace("T.", "True.").replace("F.", "False.") for k, v in ANSWERS.items()},
        ),
    ],
)
def test_verdict_lines_are_keys(tmp_path: Path, ask: str, answers: dict[str, str]) -> None:
    parts = _parts(tmp_path, PAPER.format(ask=ask, **answers))
    assert [part["id"] for part in parts] == list("abcdef")  # 'F.' is no option
    assert [part["key"]["value"] for part in parts] == [True, False, True, False, True, False]
    assert all(part["marks"] == 1 for part in parts)
    first = parts[0]
    assert first["prompt"] == "A sample mean is a random variable."
    assert first["reference"].startswith(answers["a"].split()[0])


def test_without_a_true_false_question_the_lines_stay_text(tmp_path: Path) -> None:
    text = PAPER.format(ask="Comment on each statement.", **ANSWERS)
    parts = _parts(tmp_path, text)
    assert all("key" not in part for part in parts)
