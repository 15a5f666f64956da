"""A part whose first option is written on its label's line: '(a) □ V1' then '□ V2', '■ None'
on the lines below (a PDF of checkbox answers). The first box is the part's first option, so
the ticked one keeps its letter; a part whose words merely mention a box is not an option."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions


@pytest.mark.parametrize(
    "empty, full",
    [("□", "■"), ("☐", "☒")],
)
@pytest.mark.parametrize(
    "ticked, correct",
    [
        ([False, False, True], ["c"]),
        ([True, False, False], ["a"]),
        ([False, True, True], ["b", "c"]),
    ],
)
def test_first_option_on_the_label_line(
    tmp_path: Path, empty: str, full: str, ticked: list[bool], correct: list[str]
) -> None:
    names = ["V1", "V2", "None"]
    boxes = [f"{full if t else empty} {n}" for t, n in zip(ticked, names, strict=True)]
    paper = (
        "Q1. [8 pts] Pruning\nMark every node that can be pruned.\n"
        f"(a) {boxes[0]}\n" + "".join(f"{b}\n" for b in boxes[1:]) + f"(b) {empty} V5\n{full} V6\n"
        "Q2. [2 pts] Name a search algorithm.\n"
    )
    questions = drafted_questions(tmp_path, paper, "paper.txt")
    parts = {str(part["id"]): part for part in questions["1"]["parts"]}
    assert list(parts) == ["a", "b"]
    assert parts["a"]["key"]["options"] == {"a": "V1", "b": "V2", "c": "None"}
    assert parts["a"]["key"]["correct"] == correct
    assert parts["b"]["key"]["correct"] == ["b"]


def test_a_box_in_the_words_is_no_option(tmp_path: Path) -> None:
    paper = "Q1. [4 pts] Shapes\n(a) Draw a box □ around the root.\n(b) Name it.\n"
    part = drafted_questions(tmp_path, paper, "paper.txt")["1"]["parts"][0]
    assert "key" not in part and "root" in part["prompt"]
