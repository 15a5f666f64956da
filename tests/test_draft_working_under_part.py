"""A paper printed with its solutions typed under each part: '(c) Derive ... / ... rate of
0.1.  [3]' (marks at the end of the part's wrapped line), then equations ending on one value.
The part has those marks; the equations are its worked answer and their value its key to
confirm. Code, display math or text under a part stays its prompt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render

PAPER = """\
Neural networks midterm, with solutions

1. A network has one hidden layer with two units.
(a) Compute the output for the input [1 2] using sigmoid units in the
hidden layer.  [2]
{work}
(b) Why does dropout help?  [1]
"""

WORKING = "z1 = 0.5 + 0.2 = 0.7\na1 = sigmoid(0.7) = 0.668\noutput = 0.5 a1 + 0.1 = 0.434"


def _part_a(tmp_path: Path, work: str) -> dict[str, Any]:
    path = tmp_path / "paper.md"
    path.write_text(PAPER.format(work=work), encoding="utf-8")
    tree = YAML(typ="safe").load(render(draft_exam([path])))
    question = next(q for s in tree["sections"] for q in s["questions"] if str(q["id"]) == "1")
    parts = {str(part["id"]): part for part in question["parts"]}
    assert parts["b"]["marks"] == 1
    return parts["a"]


def test_equations_under_a_part_are_its_worked_answer(tmp_path: Path) -> None:
    part = _part_a(tmp_path, WORKING)
    assert part["marks"] == 2
    assert part["prompt"].endswith("hidden layer.")
    assert part["reference"].splitlines()[-1] == "output = 0.5 a1 + 0.1 = 0.434"
    assert part["key"] == {"kind": "numeric", "value": 0.434}


@pytest.mark.parametrize(
    "work",
    [
        "x = [1, 2]\nw = [0.5, 0.1]\nprint(sigmoid(x @ w))",  # code: no value at its end
        "Use the weights below.\nw1 = 0.5\nThe bias is small.",  # data and words
        "w1 = 0.5",  # one line
    ],
)
def test_other_text_under_a_part_stays_its_prompt(tmp_path: Path, work: str) -> None:
    part = _part_a(tmp_path, work)
    assert part["marks"] == 2
    assert "reference" not in part and "key" not in part
    assert work.splitlines()[-1] in part["prompt"]
