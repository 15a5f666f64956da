"""Points someone scores in an answer's prose ('and Test gets 6 points.') are never the
question's marks; points a question or part gets still are."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.draft import patterns as p

PAPER = """\
Game theory prep, with answers

1. Three strategies play a 100-round tournament. How many points does each end with?

Against each other, TFT and GT cooperate throughout.
{line}

2. Define a focal point. (5 points)
"""


@pytest.mark.parametrize(
    "line, marks",
    [
        ("So GT gets 491 points, and Test gets 6 points.", None),
        ("In the end the tit-for-tat player scored 597 points.", None),
        ("Team A won 3 points", None),
        ("This question gets 4 points.", 4),
        ("(4 points)", 4),
    ],
)
def test_points_scored_in_prose_are_not_marks(
    tmp_path: Path, line: str, marks: float | None
) -> None:
    path = tmp_path / "paper.md"
    path.write_text(PAPER.format(line=line), encoding="utf-8")
    tree = YAML(typ="safe").load(render(draft_exam([path])))
    questions = {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}
    assert questions["1"].get("marks") == marks
    assert questions["2"]["marks"] == 5


@pytest.mark.parametrize(
    "text, scored",
    [
        ("and Test gets 6 points.", True),
        ("Player two earned 12 points", True),
        ("each part gets 2 points", False),
        ("Explain your answer. (6 points)", False),
        ("Show the steps. 6 points", False),
    ],
)
def test_points_scored(text: str, scored: bool) -> None:
    assert p.points_scored(text) is scored
