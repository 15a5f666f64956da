"""Parts of a part's part: the exam class's `\\begin{subsubparts}\\subsubpart[2]`, printed
'(α)', '(β)', drafted as parts named after the subpart they stand under ('b.ii.α'); a subpart
with points of its own over subsubparts is graded itself too (the class adds its points to
theirs), while a part whose marks are its sub-parts' sum only heads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions
from gradewise.exam.draft.collect import Item, _nested_label
from gradewise.exam.draft.documents import Loc


def _exam(subpart: str, subsubparts: str) -> str:
    return (
        "\\documentclass{exam}\n\\begin{document}\n\\begin{questions}\n"
        "\\question Rivers and their deltas.\n\\begin{parts}\n"
        "\\part[4] Name a river with a delta.\n"
        "\\part Describe how a delta forms.\n\\begin{subparts}\n"
        "\\subpart[2] Where does the silt come from?\n"
        f"\\subpart{subpart} Why does the river slow down?\n"
        f"\\begin{{subsubparts}}\n{subsubparts}\\end{{subsubparts}}\n"
        "\\end{subparts}\n\\end{parts}\n\\end{questions}\n\\end{document}\n"
    )


_TWO = "\\subsubpart[2] At the coast?\n\\subsubpart[1] In a lake?\n"
_THREE = _TWO + "\\subsubpart[3] At a dam?\n"


@pytest.mark.parametrize(
    "subpart, subsubparts, parts",
    [
        # points of its own over its subsubparts: graded itself, as the class adds them
        ("[4]", _TWO, {"a": 4, "b.i": 2, "b.ii": 4, "b.ii.α": 2, "b.ii.β": 1}),
        ("[1]", _THREE, {"a": 4, "b.i": 2, "b.ii": 1, "b.ii.α": 2, "b.ii.β": 1, "b.ii.γ": 3}),
        # no points of its own: it heads them, its words go to the question's
        ("", _TWO, {"a": 4, "b.i": 2, "b.ii.α": 2, "b.ii.β": 1}),
        # points that are its subsubparts' sum read as their total
        ("[3]", _TWO, {"a": 4, "b.i": 2, "b.ii.α": 2, "b.ii.β": 1}),
    ],
)
def test_exam_class_subsubparts(
    tmp_path: Path, subpart: str, subsubparts: str, parts: dict[str, int]
) -> None:
    question = drafted_questions(tmp_path, _exam(subpart, subsubparts), "paper.tex")["1"]
    assert {str(p["id"]): p["marks"] for p in question["parts"]} == parts
    assert "Why does the river slow down?" in str(question)  # kept: a part's or the prompt's


@pytest.mark.parametrize(
    "paper, parts",
    [
        # written out in Markdown the way the class prints it
        (
            "1. Soils.\n   (a) [2 marks] Define loam.\n   (b) Compare two soils.\n"
            "   (i) [2 marks] By texture.\n   (ii) [1 mark] By colour.\n"
            "   (α) [1 mark] When wet.\n   (β) [1 mark] When dry.\n",
            {"a": 2, "b.i": 2, "b.ii": 1, "b.ii.α": 1, "b.ii.β": 1},
        ),
        # a part's marks that are its sub-parts' sum: only their heading
        (
            "1. Soils.\n   (a) [5 marks] Compare two soils.\n"
            "   (i) [2 marks] By texture.\n   (ii) [3 marks] By colour.\n",
            {"a.i": 2, "a.ii": 3},
        ),
        # a part's marks that are not: graded itself too
        (
            "1. Soils.\n   (a) [1 mark] Name two soils.\n"
            "   (i) [2 marks] Compare their texture.\n   (ii) [3 marks] Compare their colour.\n",
            {"a": 1, "a.i": 2, "a.ii": 3},
        ),
    ],
)
def test_markdown_parts_of_parts(tmp_path: Path, paper: str, parts: dict[str, int]) -> None:
    question = drafted_questions(tmp_path, "# Geography quiz\n\n" + paper)["1"]
    assert {str(p["id"]): p["marks"] for p in question["parts"]} == parts


@pytest.mark.parametrize(
    "label, before, named",
    [
        ("α", ["a", "b.ii"], "b.ii.α"),
        ("β", ["b.ii", "b.ii.α"], "b.ii.β"),
        ("α", ["c"], "c.α"),  # under a part with no subparts
        ("α", [], "α"),  # the first item: nothing to stand under
        ("iii", ["b.ii", "b.ii.α"], "b.iii"),  # after a subsubpart: its subpart's sibling
        ("c", ["b.ii", "b.ii.α"], "c"),
    ],
)
def test_nested_label(label: str, before: list[str], named: str) -> None:
    loc = Loc("paper.tex", 1)
    assert _nested_label(label, [Item(b, loc) for b in before]) == named
