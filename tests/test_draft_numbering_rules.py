"""Numbering and marks as papers write them: Markdown's lazy '1.' before every question, long
lists of parts past (h), a rule giving every question its marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions, drafted_tree, part_marks

LAZY = """\
# Practice midterm

1. Define the inverse document frequency of a word.

1. Suppose we add a copy of a document to the collection. How do the IDF values change?

1. (4 points) Compute the precision at 5 of the ranking [+, -, +, +, -].

1. Compare NDCG with MAP.
"""

LAZY_PAREN = LAZY.replace("1. ", "1) ")

# The first list is the instructions, then the questions are numbered properly.
INSTRUCTIONS_THEN_QUESTIONS = """\
1. Write your name on every page.
2. No calculators.

1. Define entropy. [2 marks]
2. Define cross-entropy. [3 marks]
"""


@pytest.mark.parametrize(
    "text, expected",
    [
        (LAZY, ["1", "2", "3", "4"]),  # every question, in order
        (LAZY_PAREN, ["1", "2", "3", "4"]),  # '1)' the same
        (INSTRUCTIONS_THEN_QUESTIONS, ["1", "2"]),  # '1.' after '2.' still starts again
        ("1. Define a metric.\n\n2. Define a norm.\n", ["1", "2"]),  # numbered as usual
    ],
)
def test_questions_all_numbered_one(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert list(drafted_questions(tmp_path, text)) == expected


def test_each_lazily_numbered_question_keeps_its_own_prompt_and_marks(tmp_path: Path) -> None:
    questions = drafted_questions(tmp_path, LAZY)
    assert questions["2"]["prompt"].startswith("Suppose we add a copy")
    assert questions["3"]["marks"] == 4
    assert "marks" not in questions["4"]


@pytest.mark.parametrize(
    "text, marks",
    [
        ("1. Compute these measures: (1)\nprecision, (2) recall.\n", None),  # a list, not marks
        ("1. Compute the precision. (2)\n", 2),  # bare marks after a sentence's end
    ],
)
def test_a_bare_number_in_brackets_after_a_colon_starts_a_list(
    tmp_path: Path, text: str, marks: int | None
) -> None:
    assert drafted_questions(tmp_path, text)["1"].get("marks") == marks


@pytest.mark.parametrize(
    "rule",
    [
        "Each question is worth 2 points.",
        "Each of the 3 questions is worth 2 marks.",
        "Each answer is worth $2$ points.",
        "All questions are worth 2 points.",
    ],
)
@pytest.mark.parametrize("where", ["before", "after"])
def test_a_rule_giving_every_question_its_marks(tmp_path: Path, rule: str, where: str) -> None:
    """Said once in the instructions, or on the paper's last line: every question without
    marks of its own gets them; one with its own keeps them."""
    body = "1. Define a metric.\n\n2. Define a norm. [5 marks]\n\n3. Define an inner product.\n"
    text = f"{rule}\n\n{body}" if where == "before" else f"{body}\n{rule}\n"
    questions = drafted_questions(tmp_path, text)
    assert {q: questions[q].get("marks") for q in questions} == {"1": 2, "2": 5, "3": 2}


def test_a_section_counting_its_questions_and_their_points(tmp_path: Path) -> None:
    text = "## Part A: 2 questions - 3 pts each\n\n1. Define bias.\n\n2. Define variance.\n"
    questions = drafted_questions(tmp_path, text)
    assert [questions[q].get("marks") for q in questions] == [3, 3]


@pytest.mark.parametrize("style", ["({})", "{})"])
def test_parts_past_h_are_parts(tmp_path: Path, style: str) -> None:
    """(i) after (h) is the letter i, and (j), (k) follow it: none folded into (i)."""
    letters = "abcdefghijk"
    items = "\n".join(f"{style.format(x)} item {x}" for x in letters)
    text = f"1. Answer briefly. [11 marks]\n{items}\n\n2. Next. [3 marks]\n"
    questions = drafted_questions(tmp_path, text)
    assert [part["id"] for part in questions["1"]["parts"]] == list(letters)
    assert questions["1"]["parts"][-1]["prompt"] == "item k"


MKDOCS_QUIZ = """\
# Quiz: sampling

#### 1. Which sample is random?

1. every tenth name on the list
2. the first ten names
3. volunteers

??? question "Show Answer"
    The correct answer is **A**. Every name has the same chance.

#### 2. What is the mean of 2, 4 and 6?

??? question "Show Answer"
    The answer is 4.
"""


def test_numbered_headings_hold_their_own_lists_and_keys_said_in_a_sentence(
    tmp_path: Path,
) -> None:
    """'#### 1.' questions: the numbered list under one is its text (here its options), never
    the next questions; 'The correct answer is **A**.' is its key."""
    questions = drafted_questions(tmp_path, MKDOCS_QUIZ)
    assert list(questions) == ["1", "2"]
    assert "every tenth name" in questions["1"]["prompt"]
    assert questions["1"]["key"]["correct"] == ["a"]
    assert questions["1"]["key"]["options"] == {  # the numbered list, lettered by place
        "a": "every tenth name on the list",
        "b": "the first ten names",
        "c": "volunteers",
    }
    assert questions["2"]["key"]["value"] == 4


@pytest.mark.parametrize(
    "line, key",
    [
        ("The correct answer is C.", "C"),
        ("The answer is (b): the mean is unbiased.", "b"),
        ("Correct option is d", "d"),
        ("The answer is 42.", "42"),
        ("The answer is that we cannot know", None),  # a sentence, not a key
        ("The answer is probably C", None),
    ],
)
def test_a_key_said_in_a_sentence(line: str, key: str | None) -> None:
    from gradewise.exam.draft import patterns

    assert patterns.key_line(line) == key


def test_a_heading_that_is_only_its_points_is_a_question(tmp_path: Path) -> None:
    text = (
        "# Part 1: Tracing\n\n## 10 Points\n\nWhat does this print?\n\n"
        "## (15 points)\n\nAnd this?\n\n# Part 2: Writing\n\n**20 marks**\n\nWrite a function.\n"
    )
    tree = drafted_tree(tmp_path, text)
    found = [
        (s["id"], q["id"], q["marks"], q["prompt"])
        for s in tree["sections"]
        for q in s["questions"]
    ]
    assert found == [
        ("I", "1", 10, "What does this print?"),
        ("I", "2", 15, "And this?"),
        ("II", "1", 20, "Write a function."),
    ]


TITLED = """\
# Midterm

## Linear regression (10 points)

Fit a line to the data and report the slope.

## Overfitting [5 marks]

Explain overfitting.

## Ensembles

Why do we bag trees?

## Appendix: formulas

The normal density is ...
"""

GROUPED = """\
# Midterm

## Calculus (20 points)

1. Differentiate x^2. [10 marks]

2. Integrate 2x. [10 marks]
"""


def test_headings_titling_questions_with_their_points(tmp_path: Path) -> None:
    """'## Title (10 points)' is a question; a sibling heading without points, after such
    ones, is one too; an appendix is not."""
    questions = drafted_questions(tmp_path, TITLED)
    assert [(q, questions[q].get("marks")) for q in questions] == [
        ("1", 10),
        ("2", 5),
        ("3", None),
    ]
    assert questions["1"]["prompt"].startswith("Linear regression")
    assert "Why do we bag trees?" in questions["3"]["prompt"]


def test_a_heading_with_points_over_numbered_questions_is_no_question(tmp_path: Path) -> None:
    questions = drafted_questions(tmp_path, GROUPED)
    assert [(q, questions[q].get("marks")) for q in questions] == [("1", 10), ("2", 10)]


@pytest.mark.parametrize("answers", ["(a) True.\n(b) False.", "a) Yes\nb) No", "(a) $T$\n(b) $F$"])
def test_true_and_false_lettered_are_the_answers_not_parts(tmp_path: Path, answers: str) -> None:
    text = f"1. Every tree is a graph. [1 mark]\n{answers}\n\n2. Define a cycle. [2 marks]\n"
    questions = drafted_questions(tmp_path, text)
    assert "parts" not in questions["1"] and questions["1"]["marks"] == 1


@pytest.mark.parametrize("sub", ["1.", "1)", "(1)"])
def test_a_nested_numbered_list_with_points_is_the_question_s_parts(
    tmp_path: Path, sub: str
) -> None:
    two = sub.replace("1", "2")
    text = (
        "# Midterm\n\n1. Define bias. (4 marks)\n2. A coin shows 7 heads in 10 tosses.\n"
        f"   {sub} Give the MLE of p. (3 marks)\n   {two} Give a 95% interval for p. (5 marks)\n"
        "3. Prove the sample mean is unbiased. (8 marks)\n"
    )
    questions = drafted_questions(tmp_path, text)
    assert {q: questions[q].get("marks") for q in questions} == {"1": 4, "2": None, "3": 8}
    assert part_marks(questions["2"]) == {"a": 3, "b": 5}


@pytest.mark.parametrize(
    "part, rest",
    [
        ("**Part {n} ({m} marks):**", "Derive the update rule."),
        ("Part {n} ({m} marks): ", "Derive the update rule."),
        ("**Part {n}** [{m} marks]", "Derive the update rule."),
    ],
)
def test_numbered_parts_with_marks_in_a_question_s_text_are_its_parts(
    tmp_path: Path, part: str, rest: str
) -> None:
    """'**Part 1 (1.5 marks):** ...' under '## Exercise 1': part 1 of the exercise, not a
    section called Part I (which took every exercise after it)."""
    text = "# ML exercises\n\n"
    for q in (1, 2):
        text += f"## Exercise {q}: Regression\n**(4 marks)**\n\nConsider a linear model.\n\n"
        for n, m in ((1, 1.5), (2, 2.5)):
            text += part.format(n=n, m=m) + rest + "\n\n"
    tree = drafted_tree(tmp_path, text)
    assert len(tree["sections"]) == 1
    questions = {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}
    assert list(questions) == ["1", "2"]
    for question in questions.values():
        assert part_marks(question) == {"1": 1.5, "2": 2.5}
        assert all(p["prompt"] == "Derive the update rule." for p in question["parts"])
        assert "*" not in question["prompt"]


@pytest.mark.parametrize("label", ["Q {q}.{k}.", "Question {q}.{k}", "{q}.{k})"])
def test_dotted_parts_in_a_question_s_text_are_its_parts(tmp_path: Path, label: str) -> None:
    """'Q 1.1. ...' under 'Q 1. ...' (not headings: a PDF's lines): parts 1 and 2 of question
    1, not its words; a dotted number of another question stays text."""
    text = "Q 1. A salesman flies between three cities.\n\n"
    for k in (1, 2):
        text += label.format(q=1, k=k) + f" Find quantity {k}.\n\nTHE ANSWER\n\n"
    text += "Q 2. Define a Markov chain. See also 3.1 in the notes.\n"
    questions = drafted_questions(tmp_path, text)
    assert list(questions) == ["1", "2"]
    assert [str(p["id"]) for p in questions["1"]["parts"]] == ["1", "2"]
