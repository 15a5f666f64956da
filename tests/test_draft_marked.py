"""Keys as papers mark them: the right option ticked, bold or checked in its list, a number
with its tolerance, the last value of a worked solution (kept for the instructor to confirm),
and marks written on an option's line that belong to the question."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.draft import patterns as p


def _drafted(tmp_path: Path, text: str) -> dict[str, Any]:
    """The draft's questions by id (section I), as the YAML writes them."""
    path = tmp_path / "paper.md"
    path.write_text(text, encoding="utf-8")
    tree = YAML(typ="safe").load(render(draft_exam([path])))
    return {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}


OPTIONS = """\
# Quiz on activations

Question 1 (2 marks). Which activation is bounded between 0 and 1?
{a}
{b}
{c}
"""


@pytest.mark.parametrize(
    "a, b, c, correct",
    [
        # the right option ticked after its text
        ("(a) ReLU", "(b) sigmoid [x]", "(c) identity", ["b"]),
        # task-list boxes before each option, one ticked
        ("- [ ] ReLU", "- [ ] identity", "- [x] sigmoid", ["c"]),
        # radio buttons: ( ) and (x)
        ("( ) ReLU", "(x) sigmoid", "( ) identity", ["b"]),
        # the right option in bold, the others plain
        ("(a) ReLU", "(b) identity", "**(c) sigmoid**", ["c"]),
        # only the option's text in bold
        ("a) ReLU", "b) **sigmoid**", "c) identity", ["b"]),
        # a check mark after the option
        ("(a) sigmoid ✓", "(b) ReLU", "(c) identity", ["a"]),
        # a check mark before it
        ("✔ (a) sigmoid", "(b) ReLU", "(c) identity", ["a"]),
        # two right options ticked
        ("(a) sigmoid [x]", "(b) ReLU", "(c) a shifted tanh, (1 + tanh)/2 [x]", ["a", "c"]),
    ],
)
def test_marked_option_is_the_key(
    tmp_path: Path, a: str, b: str, c: str, correct: list[str]
) -> None:
    question = _drafted(tmp_path, OPTIONS.format(a=a, b=b, c=c))["1"]
    assert "parts" not in question  # options, not parts
    assert question["marks"] == 2
    assert question["key"]["kind"] == "choice"
    assert question["key"]["correct"] == correct
    assert all(mark not in text for text in question["key"]["options"].values() for mark in "[✓✔*")


@pytest.mark.parametrize(
    "lines, expected",
    [
        # every option in bold is the paper's style, not a tick: no key, the instructor adds it
        (["**(a) ReLU**", "**(b) sigmoid**", "**(c) identity**"], None),
        # parts with their own marks stay parts, whatever their emphasis
        (["(a) (1 mark) ReLU's range?", "**(b) (1 mark) sigmoid's range?**"], "parts"),
    ],
)
def test_bold_that_is_not_a_tick(tmp_path: Path, lines: list[str], expected: str | None) -> None:
    text = "Question 1 (2 marks). Which of the following is bounded?\n" + "\n".join(lines)
    question = _drafted(tmp_path, text)["1"]
    if expected == "parts":
        assert [part["id"] for part in question["parts"]] == ["a", "b"]
    else:
        assert "correct" not in (question.get("key") or {})


def test_true_false_options_ticked(tmp_path: Path) -> None:
    text = "Question 1 (1 mark). A 1x1 convolution can change the channel count.\n"
    text += "(a) True [x]\n(b) False\n"
    assert _drafted(tmp_path, text)["1"]["key"] == {"kind": "truefalse", "value": True}


def test_roman_ten_after_nine_is_a_part_not_a_ticked_box(tmp_path: Path) -> None:
    items = "\n".join(f"({r}) (1 mark) step {n}" for n, r in enumerate(p.ROMAN, start=1))
    question = _drafted(tmp_path, "Question 1. Ten steps.\n" + items.lower())["1"]
    assert [part["id"] for part in question["parts"]][-2:] == ["ix", "x"]


@pytest.mark.parametrize(
    "written, expected",
    [
        # plus or minus nothing: exact
        ("30 ± 0", {"kind": "numeric", "value": 30}),
        # the tolerance in parentheses
        ("0.25 (±0.01)", {"kind": "numeric", "value": 0.25, "tol": {"abs": 0.01}}),
        # written +/-
        ("12.5 +/- 0.5", {"kind": "numeric", "value": 12.5, "tol": {"abs": 0.5}}),
        # in LaTeX
        ("$3.2 \\pm 0.1$", {"kind": "numeric", "value": 3.2, "tol": {"abs": 0.1}}),
        # a relative tolerance
        ("40 ± 5%", {"kind": "numeric", "value": 40, "tol": {"rel": 0.05}}),
        # a negative value
        ("-1.5 ± 0.05", {"kind": "numeric", "value": -1.5, "tol": {"abs": 0.05}}),
        # a tolerance that is not a number: not a key gradewise can check
        ("30 ± a few", None),
    ],
)
def test_answer_with_tolerance(tmp_path: Path, written: str, expected: Any) -> None:
    text = f"Question 1 (3 marks). The mean of 10, 20, ..., 50?\nAnswer: {written}\n"
    assert _drafted(tmp_path, text)["1"].get("key") == expected


@pytest.mark.parametrize(
    "working, expected",
    [
        # a chain of equalities ending in one number
        ("$P(A \\mid B) = \\frac{P(A \\cap B)}{P(B)} = \\frac{7}{28} = 0.25$", 0.25),
        # over several lines: the last line decides
        ("Total cost is\n$$ 4 \\times 250 + 100 $$\n$$ = 1100 $$", 1100),
        # a fraction left as a fraction
        ("The chance is $\\frac{2}{6} = \\frac{1}{3}$.", "1/3"),
        # rounded at the end
        ("$\\hat p = 5/17 \\approx 0.29$", 0.29),
        # a negative number
        ("$\\Delta = 3 - 5 = -2$", -2),
        # two roots: no single value
        ("$x = 2$ or $x = -3$", None),
        # two results on the last line
        ("mean $= 4$, median $= 3$", None),
        # words, not a value
        ("Since $p = 0.03 < 0.05$ we reject the null hypothesis.", None),
        # a percentage: 25 or 0.25 is for the instructor to say
        ("$7/28 = 25\\%$", None),
        # a vector
        ("$w = (1, 2)$", None),
        # a value with a variable in it
        ("$f'(x) = 2x + 1$", None),
        # a sentence ending on its value in math, with no equals sign
        ("Anna is as likely to get any bike, so the probability is $\\frac{1}{4}$.", 0.25),
        # ... and on a decimal
        ("So the answer is $0.5$", 0.5),
        # the math at the end is an equation: its last value, as before
        ("Hence $P = 6/24 = 0.25$.", 0.25),
        # an equality earlier in the sentence, then a value with no link to it: left alone
        ("We have $n = 4$ bikes, giving $24$.", None),
    ],
)
def test_final_value_of_working(working: str, expected: Any) -> None:
    assert p.final_value(working) == expected


WORKED = """\
Question 1 (2 marks). Seven of 28 tickets win. The chance that one ticket wins?

Solution: the winning tickets over all tickets,
$P = \\frac{7}{28} = 0.25$

Question 2 (2 marks). The same, with 14 winners?
Answer: 0.5
Solution: $\\frac{14}{28} = 0.5$

Question 3 (2 marks). Why do the chances add up to one?
Solution: the events cover every outcome and do not overlap, so $P(\\Omega) = 1$ splits into them.
"""


def test_key_from_the_worked_solution_is_marked_for_checking(tmp_path: Path) -> None:
    path = tmp_path / "paper.md"
    path.write_text(WORKED, encoding="utf-8")
    draft = draft_exam([path])
    text = render(draft)
    tree = YAML(typ="safe").load(text)
    questions = {q["id"]: q for q in tree["sections"][0]["questions"]}
    assert questions["1"]["key"] == {"kind": "numeric", "value": 0.25}
    assert questions["2"]["key"] == {"kind": "numeric", "value": 0.5}  # the written key
    assert "key" not in questions["3"]  # the working ends in words
    assert [v.value for v in draft.todo] == ["I.1: key taken from the worked solution: check it"]
    key_line = next(line for line in text.splitlines() if line.strip().startswith("key:"))
    assert "taken from the worked solution: check it" in key_line


def test_key_from_the_worked_solution_of_a_part(tmp_path: Path) -> None:
    text = "Question 1. Two dice.\n(a) (1 mark) P(double six)?\n"
    text += "Solution: $\\frac{1}{6} \\cdot \\frac{1}{6} = \\frac{1}{36}$\n"
    text += "(b) (1 mark) Why are the throws independent?\nSolution: neither die moves the other.\n"
    parts = {part["id"]: part for part in _drafted(tmp_path, text)["1"]["parts"]}
    assert parts["a"]["key"] == {"kind": "numeric", "value": "1/36"}
    assert "key" not in parts["b"]


@pytest.mark.parametrize(
    "last, marks, options",
    [
        # the question's marks at the end of its last option
        ("(c) identity [2pts]", 2, ["ReLU", "sigmoid", "identity"]),
        # written (3 points)
        ("(c) identity (3 points)", 3, ["ReLU", "sigmoid", "identity"]),
    ],
)
def test_marks_on_an_option_line_are_the_questions(
    tmp_path: Path, last: str, marks: int, options: list[str]
) -> None:
    text = f"Question 4. Which is bounded?\n(a) ReLU\n(b) sigmoid [x]\n{last}\n"
    question = _drafted(tmp_path, text)["4"]
    assert "parts" not in question
    assert question["marks"] == marks
    assert list(question["key"]["options"].values()) == options
    assert question["key"]["correct"] == ["b"]
