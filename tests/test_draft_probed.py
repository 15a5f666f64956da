"""Layouts found by drafting generated papers (benchmarks/probe_styles.py) whose questions,
parts, marks and keys were known: each row a paper of our own in one of the ways instructors
write, which the drafter once read wrongly without a word (parts lost into a question's text,
marks taken from another question's prompt) or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.draft.unplaced import says_missed


def _drafted(tmp_path: Path, text: str, suffix: str = ".md") -> tuple[dict[str, Any], list[str]]:
    """The draft's parts by 'question[.part]' (each with marks and key), and its notes."""
    path = tmp_path / f"paper{suffix}"
    path.write_text(text)
    draft = draft_exam([path])
    tree = YAML(typ="safe").load(render(draft))
    parts: dict[str, Any] = {}
    for section in tree["sections"]:
        for question in section["questions"]:
            for part in question.get("parts") or [question]:
                address = str(question["id"]) + ("" if part is question else f".{part['id']}")
                parts[address] = part
    return parts, [n.value for n in draft.notes]


def _marks(parts: dict[str, Any]) -> dict[str, Any]:
    return {address: part.get("marks") for address, part in parts.items()}


NUMBERED_PARTS = """\
# Midterm

## Question 1 (7 marks)

Answer both parts about the survey data.

{first} Compute the mean age of the respondents. {m1}

**Solution:** 31

{second} Explain why the median would be a better summary here. {m2}

**Solution:** the ages are skewed by a few retirees.

## Question 2 (5 marks)

State the central limit theorem in your own words.
"""


@pytest.mark.parametrize(
    "first, second, m1, m2",
    [
        ("(1.1)", "(1.2)", "(3 points)", "(4 points)"),  # in brackets
        ("**(1.1)**", "**(1.2)**", "(3 points)", "(4 points)"),  # in brackets, bold
        ("*(1.1)*", "*(1.2)*", "*(3 points)*", "*(4 points)*"),  # all in italics
        ("- (1.1) (3 pts)", "- (1.2) (4 pts)", "", ""),  # as list items, points first
        ("(1.1) [3]", "(1.2) [4]", "", ""),  # bare marks after the label
        ("**Part 1.1** (3 marks)", "**Part 1.2** (4 marks)", "", ""),  # named 'Part'
        ("Part (1.1) (3 marks)", "Part (1.2) (4 marks)", "", ""),  # named, in brackets
    ],
)
def test_parts_numbered_under_their_question_in_brackets_or_named(
    tmp_path: Path, first: str, second: str, m1: str, m2: str
) -> None:
    parts, notes = _drafted(
        tmp_path, NUMBERED_PARTS.format(first=first, second=second, m1=m1, m2=m2)
    )
    assert _marks(parts) == {"1.1": 3, "1.2": 4, "2": 5}
    assert parts["1.1"]["key"] == {"kind": "numeric", "value": 31}
    assert "(1.2)" not in parts["1.1"].get("reference", "")  # part 2 not swallowed
    assert not [n for n in notes if says_missed(n)]


ITALIC_PARTS = """\
# Quiz

## Problem 1 (5 points)

{a} Name one measure of spread. {m1}

{b} Name one measure of centre. {m2}
"""


@pytest.mark.parametrize(
    "a, b, m1, m2",
    [
        ("*(a)*", "*(b)*", "*(2 points)*", "*(3 points)*"),  # label and marks in italics
        ("_(a)_", "_(b)_", "_[2 marks]_", "_[3 marks]_"),  # underscores, brackets
        ("(a)", "(b)", "*(2 pts)*", "*(3 pts)*"),  # marks alone in italics
        ("(a) [2]", "(b) [3]", "", ""),  # bare marks in square brackets before the prompt
        ("a) [2]", "b) [3]", "", ""),  # ... after a half-bracket label
    ],
)
def test_italic_or_leading_marks_are_read_and_leave_the_prompt_clean(
    tmp_path: Path, a: str, b: str, m1: str, m2: str
) -> None:
    parts, _ = _drafted(tmp_path, ITALIC_PARTS.format(a=a, b=b, m1=m1, m2=m2))
    assert _marks(parts) == {"1.a": 2, "1.b": 3}
    assert parts["1.a"]["prompt"] == "Name one measure of spread."


ROMAN_PARTS = """\
# Final

## Problem 1 (9 points)

**Part i** (4 marks) Sketch the graph of y = |x - 1|.

**Part ii** (5 marks) Mark its minimum and give its value.

## Problem 2 (3 points)

Give an example of a prime number larger than 50.
"""


def test_parts_named_with_a_small_roman_numeral(tmp_path: Path) -> None:
    parts, notes = _drafted(tmp_path, ROMAN_PARTS)
    assert _marks(parts) == {"1.i": 4, "1.ii": 5, "2": 3}
    assert not [n for n in notes if says_missed(n)]


RULE_IN_A_PROMPT = """\
# Quiz

{instructions}

## Question 1

{line}

## Question 2

Name one measure of spread.
"""


@pytest.mark.parametrize(
    "instructions, line, marks",
    [
        # a sentence of a prompt that asks something is not the paper's rule
        ("", "A quiz has 10 questions worth 2 points each. Explain why the total is even.", None),
        ("", "Each question is worth 2 points on a test of 12. What is the full score?", None),
        ("", "(a) A test has 5 problems, 4 points each. Find its full score.", None),
        # the paper's own rule, before the questions or after the prompt
        ("Each question is worth 5 points; show your work.", "Name the median.", 5),
        ("", "Name the median.\n\nEach question is worth 3 points.", 3),
    ],
)
def test_a_marks_rule_inside_a_prompt_that_asks_is_the_prompts(
    tmp_path: Path, instructions: str, line: str, marks: float | None
) -> None:
    parts, _ = _drafted(tmp_path, RULE_IN_A_PROMPT.format(instructions=instructions, line=line))
    assert parts["2"].get("marks") == marks


LIST_IN_A_NUMBERED_QUESTION = """\
# Quiz

1{d} (6 marks) This question is about an algorithm.

(a) The algorithm below runs in three steps: [4]

{list}

What does it compute?

(b) How many comparisons does step 1 need for 8 elements? [2]

2{d} (3 marks) Name one stable sorting algorithm.

3{d} (5 marks) Explain what a hash collision is.
"""

STEPS = "1. Sort the list.\n2. Take the middle element.\n3. Return it."


@pytest.mark.parametrize(
    "d, steps",
    [
        (")", STEPS),  # questions '1)', the prompt's list '1.': never lazy numbering
        (".", STEPS),  # both '1.': the list that starts again at 1 goes on 2., 3.
        (".", "1. Sort the list.\n2. Take the middle element."),  # ... stopping before '2.'
        (")", "1) Sort the list.\n2) Take the middle element.\n3) Return it."),
    ],
)
def test_a_list_numbered_from_one_inside_a_question_is_its_text(
    tmp_path: Path, d: str, steps: str
) -> None:
    parts, notes = _drafted(tmp_path, LIST_IN_A_NUMBERED_QUESTION.format(d=d, list=steps))
    assert _marks(parts) == {"1.a": 4, "1.b": 2, "2": 3, "3": 5}
    assert "Take the middle element." in parts["1.a"]["prompt"]
    assert not [n for n in notes if says_missed(n)]


QUOTED_SOLUTIONS = """\
# Quiz

## Question 1 (4 points)

A fair coin is tossed twice. What is the probability of two heads?

{solution}

## Question 2 (3 points)

Read the passage.

> The median is the middle value of the sorted data.

Name one measure of centre.
"""


@pytest.mark.parametrize(
    "solution, key, reference",
    [
        ("> Answer: 0.25", {"kind": "numeric", "value": 0.25}, None),
        ("> **Solution:** 0.25", {"kind": "numeric", "value": 0.25}, "0.25"),
        ("> *Answer:* 0.25", {"kind": "numeric", "value": 0.25}, None),
        # a worked solution over several quoted lines: the quote marks go with it
        (
            "> **Solution:**\n> Each toss is heads with probability 1/2.\n> So 1/2 * 1/2 = 0.25.",
            {"kind": "numeric", "value": 0.25},
            "Each toss is heads with probability 1/2.\nSo 1/2 * 1/2 = 0.25.",
        ),
    ],
)
def test_a_solution_in_a_block_quote_is_a_solution_and_a_quoted_passage_the_prompts(
    tmp_path: Path, solution: str, key: dict[str, Any], reference: str | None
) -> None:
    parts, _ = _drafted(tmp_path, QUOTED_SOLUTIONS.format(solution=solution))
    assert parts["1"]["key"] == key
    assert parts["1"].get("reference") == reference
    assert "Answer" not in parts["1"]["prompt"] and "Solution" not in parts["1"]["prompt"]
    assert "> The median is the middle value" in parts["2"]["prompt"]


KEY_AT_THE_END = """\
# Midterm

## Question 1 (6 points)

Answer both parts.

(a) A fair coin is tossed twice. What is the probability of two heads? (2 points)

(b) How many edges does a complete graph on 5 vertices have? (4 points)

## Question 2 (3 points)

True or false: every square matrix is invertible.

## Question 3 (4 points)

Which of these is prime?

A. 21
B. 29
C. 33

## Answer key

{keys}
"""

WANT_KEYS = {
    "1.a": {"kind": "numeric", "value": 0.25},
    "1.b": {"kind": "numeric", "value": 10},
    "2": {"kind": "truefalse", "value": False},
    "3": "b",
}


@pytest.mark.parametrize(
    "keys",
    [
        "1a. 0.25\n1b. 10\n2. False\n3. B",  # a list, parts after their question's number
        "1(a) 0.25\n1(b) 10\n2) False\n3) B",  # ... the part in brackets
        "- 1.a: 0.25\n- 1.b: 10\n- 2: False\n- 3: B",  # as bullets
        "1a. 0.25  1b. 10  2. False  3. B",  # all on one line
        "| Question | Answer |\n|---|---|\n| 1a | 0.25 |\n| 1b | 10 |\n| 2 | False |\n| 3 | B |",
    ],
)
def test_an_answer_key_at_the_end_keys_parts_and_values(tmp_path: Path, keys: str) -> None:
    parts, notes = _drafted(tmp_path, KEY_AT_THE_END.format(keys=keys))
    got = {a: p.get("key") for a, p in parts.items()}
    assert {a: k for a, k in got.items() if a != "3"} == {
        a: k for a, k in WANT_KEYS.items() if a != "3"
    }
    assert got["3"]["correct"] == ["b"]
    assert "Answer key" not in parts["3"]["prompt"] and not parts["1.b"].get("reference")
    assert not [n for n in notes if says_missed(n)]


CHOICE_WITH_SOLUTION = """\
## Problem 1 [6 pts]

Which of the following numbers is prime?

{options}

{solution}
"""


@pytest.mark.parametrize(
    "options, solution, correct",
    [
        ("A. 21\nB. 29\nC. 33", "**Solution:** B", ["b"]),  # the letter alone
        ("(a) 21\n(b) 29\n(c) 33", "Solution. (b) since 29 has no divisor but 1 and 29.", ["b"]),
        ("A) 21\nB) 29\nC) 33", "**Solution:**\n\nB. The others are multiples of 3 or 11.", ["b"]),
        ("A. 21\nB. 29\nC. 33", "_Solution:_ B — 29 is prime.", ["b"]),
        # a solution that opens with a word, not an option: no key from it
        ("A. 21\nB. 29\nC. 33", "**Solution:** A prime has exactly two divisors.", None),
        ("A. 21\nB. 29\nC. 33", "**Solution:** D", None),  # no option d
    ],
)
def test_a_choice_solution_that_opens_with_an_option_keys_it(
    tmp_path: Path, options: str, solution: str, correct: list[str] | None
) -> None:
    parts, _ = _drafted(tmp_path, CHOICE_WITH_SOLUTION.format(options=options, solution=solution))
    key = parts["1"].get("key")
    assert (key["correct"] if key else None) == correct
    assert "Solution" not in parts["1"]["prompt"]


MARKS_IN_A_HEADING = """\
# Exam

{first}

Explain why the median resists outliers.

{second}

Name one stable sorting algorithm.
"""


@pytest.mark.parametrize(
    "first, second",
    [
        ("### Exercise 1 {5 pts}", "### Exercise 2 {3 pts}"),  # in braces
        ("## Question 1 (worth 5 points)", "## Question 2 (worth 3 points)"),  # said in words
        ("**Problem 1** [worth 5 marks]", "**Problem 2** [worth 3 marks]"),
    ],
)
def test_marks_in_braces_or_said_as_worth_are_read_and_leave_the_prompt(
    tmp_path: Path, first: str, second: str
) -> None:
    parts, _ = _drafted(tmp_path, MARKS_IN_A_HEADING.format(first=first, second=second))
    assert _marks(parts) == {"1": 5, "2": 3}
    assert parts["1"]["prompt"] == "Explain why the median resists outliers."


CAPITAL_PARTS = """\
# Part A (12 points)

**Question 1.** (9 marks) This question is about a data set.

{a} (4 marks) Compute the mean of 2, 4 and 9.

{b} (5 marks) Explain why the median is 4.

# Part B (5 points)

**Question 2.** (5 marks) Name one stable sorting algorithm.
"""


@pytest.mark.parametrize(
    "a, b",
    [
        ("**Part A**", "**Part B**"),  # bold, inside the question, with marks and a prompt
        ("Part A.", "Part B."),
        ("Part (A)", "Part (B)"),
    ],
)
def test_a_capital_part_inside_a_question_is_its_part_and_a_heading_a_section(
    tmp_path: Path, a: str, b: str
) -> None:
    parts, notes = _drafted(tmp_path, CAPITAL_PARTS.format(a=a, b=b))
    assert _marks(parts) == {"1.a": 4, "1.b": 5, "2": 5}
    assert not [n for n in notes if says_missed(n)]
