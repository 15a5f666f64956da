"""A capital letter and a full stop opening a line ('B. subtilis forms spores ...', a species
named as biologists write it) is an option or a part only where a list of them starts ('A.')
or goes on (after 'A.' or '(a)'): anywhere else it is the question's words, and the real
parts after it are read in their order."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions

_STEM = "1. Two bacteria, E. coli and B. subtilis, are grown in broth.\n"
_PARTS = "(a) (2 marks) Which one forms spores?\n(b) (3 marks) Why does it help?\n"


@pytest.mark.parametrize(
    "paper, parts, in_prompt",
    [
        # a paragraph opening with an abbreviated name, before the parts
        (_STEM + "B. subtilis forms spores when food runs out.\n" + _PARTS, ["a", "b"], True),
        (_STEM + "C. difficile does so too.\n" + _PARTS, ["a", "b"], True),
        # a list that starts at A: its letters are items
        (
            _STEM + "A. (2 marks) Which one forms spores?\nB. (3 marks) Why does it help?\n",
            ["a", "b"],
            False,
        ),
        # 'B.' after '(a)': the list goes on
        (
            _STEM + "(a) (2 marks) Which one forms spores?\nB. (3 marks) Why does it help?\n",
            ["a", "b"],
            False,
        ),
    ],
)
def test_a_capital_letter_is_an_item_only_in_its_place(
    tmp_path: Path, paper: str, parts: list[str], in_prompt: bool
) -> None:
    question = drafted_questions(tmp_path, "# Microbiology quiz\n\n" + paper)["1"]
    assert [str(part["id"]) for part in question["parts"]] == parts
    assert [part["marks"] for part in question["parts"]] == [2, 3]
    assert (
        "forms spores when" in question["prompt"] or "does so too" in question["prompt"]
    ) == in_prompt


@pytest.mark.parametrize(
    "options, answer, correct",
    [
        ("A. E. coli\nB. B. subtilis\nC. Neither\n", "B", ["b"]),
        ("A. Neither\nB. Both\nC. C. difficile only\n", "C", ["c"]),
    ],
)
def test_options_from_a_keep_their_letters(
    tmp_path: Path, options: str, answer: str, correct: list[str]
) -> None:
    paper = (
        f"# Microbiology quiz\n\n1. Which one forms spores? (1 mark)\n{options}\nAnswer: {answer}\n"
    )
    key = drafted_questions(tmp_path, paper)["1"]["key"]
    assert key["kind"] == "choice" and key["correct"] == correct
    assert len(key["options"]) == 3
