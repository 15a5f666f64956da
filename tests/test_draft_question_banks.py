"""Markdown question banks and headings as people write them: questions as list items
('- Question 2.1: ...') with their type, answer and choices as bullets nested under them,
questions titled by a heading with their points, and headings underlined with '===' / '---'."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from conftest import drafted_questions, drafted_tree, part_marks
from gradewise.exam.draft import draft_exam

BANK = """\
How to read this bank:
Question: the prompt
Answer: the right one

{h1}
{b} {q} 1.1{colon} True or False? A decision stump has one split.
{i}{b} Type: Multiple choice (single answer)
{i}{b} {answer} true
{i}{b} {choices} True{sep} False
{b} {q} 1.2{colon} Which loss does logistic regression minimise?
{i}{b} Type: Multiple choice (single answer)
{i}{b} {answer} Cross-entropy
{i}{b} {choices} Hinge{sep} cross-entropy{sep} Squared error

{h2}
{b} {q} 2.1{colon} Pick the norm that gives sparse weights.
{i}{b} {choices} L2{sep} L1{sep} L-infinity
{i}{b} {answer} L1
{b} {q} 2.2{colon} True or False? Bagging lowers the bias of a model.
{i}{b} {answer} False
{i}{b} {choices} True{sep} False
"""

WANT: dict[str, dict[str, Any]] = {
    "1.1": {"kind": "truefalse", "value": True},
    "1.2": {
        "kind": "choice",
        "options": {"a": "Hinge", "b": "cross-entropy", "c": "Squared error"},
        "correct": ["b"],
    },
    "2.1": {
        "kind": "choice",
        "options": {"a": "L2", "b": "L1", "c": "L-infinity"},
        "correct": ["b"],
    },
    "2.2": {"kind": "truefalse", "value": False},
}


@pytest.mark.parametrize(
    "h1, h2, b, i, q, colon, answer, choices, sep",
    [
        # lessons as top headings, dashes, two-space nesting, ';' between choices
        ("# Lesson 1:", "# Lesson 2:", "-", "  ", "Question", ":", "Answer:", "Choices:", ";"),
        # week headings, four-space nesting, ',' between choices
        ("## Week 3", "## Week 4", "-", "    ", "Question", ":", "Answer:", "Choices:", ","),
        # topic headings that name no course unit, asterisks, 'Q' and a stop after the id
        ("# Trees", "# Regularisation", "*", "  ", "Q", ".", "Answer:", "Options:", ";"),
        # bold question labels, lower-case field names, 'Correct answer'
        (
            "### Part one",
            "### Part two",
            "-",
            "   ",
            "**Question",
            ":**",
            "correct answer:",
            "choices:",
            ";",
        ),
    ],
)
def test_a_bank_of_bulleted_questions(
    tmp_path: Path,
    h1: str,
    h2: str,
    b: str,
    i: str,
    q: str,
    colon: str,
    answer: str,
    choices: str,
    sep: str,
) -> None:
    text = BANK.format(
        h1=h1, h2=h2, b=b, i=i, q=q, colon=colon, answer=answer, choices=choices, sep=sep
    )
    questions = drafted_questions(tmp_path, text)
    assert {qid: q.get("key") for qid, q in questions.items()} == WANT
    assert questions["1.2"]["prompt"] == "Which loss does logistic regression minimise?"
    assert "Lesson" not in questions["1.2"]["prompt"]  # a heading ends a list-item question


BANK_MORE = """\
# Unit 5

- Question 1: Which two are ensembles?
  - Type: Multiple choice (multiple answers)
  - Answer: Random forest; AdaBoost
  - Choices: Random forest; k-NN; AdaBoost; PCA
- Question 2: How many parameters has a line in the plane?
  - Type: Free response
  - Answer: 2
- Question 3 is a bonus and worth nothing.
- Question 4: Name the kernel trick's benefit.
  - Type: Free response
  - Answer: no explicit feature map is computed
"""


def test_bank_keys_of_several_options_numbers_and_words(tmp_path: Path) -> None:
    questions = drafted_questions(tmp_path, BANK_MORE)
    # a bullet saying something about question 3 without a colon is no question of its own
    assert list(questions) == ["1", "2", "4"]
    assert questions["1"]["key"]["correct"] == ["a", "c"]
    assert questions["2"]["key"] == {"kind": "numeric", "value": 2}
    assert "key" not in questions["4"]
    assert questions["4"]["reference"] == "no explicit feature map is computed"


TITLED = """\
# Quiz 4{title_rule}

Answer in a sentence or two.

{h} {t1} {m1}

Why does the validation loss rise late in training?

{h} {t2} {m2}

What does a larger batch do to the gradient noise?

{h} {t3} {m3}

Name one way to pick the learning rate.

{h} {t4}

When would you freeze the first layers?

{h} {t5} {m5}

What is label smoothing?
"""


@pytest.mark.parametrize(
    "h, t1, m1, t2, m2, t3, m3, t4, t5, m5",
    [
        # '##' headings, '(N point(s))'
        (
            "##",
            "Overfitting",
            "(1 point)",
            "Batches",
            "(2 points)",
            "Step sizes",
            "(1 point)",
            "Transfer",
            "Smoothing",
            "(3 points)",
        ),
        # '###' headings in italics or bold, marks in brackets
        (
            "###",
            "*Overfitting*",
            "[1 mark]",
            "**Batch size**",
            "[2 marks]",
            "_Step sizes_",
            "[1 mark]",
            "Transfer learning",
            "Label smoothing",
            "[3 marks]",
        ),
        # capitals, 'pts' and 'Pt'
        (
            "##",
            "OVERFITTING",
            "(1 Pt)",
            "BATCHES",
            "(2 pts)",
            "STEP SIZES",
            "(1 pt)",
            "FINE-TUNING",
            "SMOOTHING",
            "(3 PTS)",
        ),
    ],
)
def test_headings_titling_questions_past_the_third(
    tmp_path: Path,
    h: str,
    t1: str,
    m1: str,
    t2: str,
    m2: str,
    t3: str,
    m3: str,
    t4: str,
    t5: str,
    m5: str,
) -> None:
    text = TITLED.format(
        title_rule="", h=h, t1=t1, m1=m1, t2=t2, m2=m2, t3=t3, m3=m3, t4=t4, t5=t5, m5=m5
    )
    questions = drafted_questions(tmp_path, text)
    marks = {qid: q.get("marks") for qid, q in questions.items()}
    # the fourth has no points of its own: a question all the same, its marks to fill in
    assert marks == {"1": 1, "2": 2, "3": 1, "4": None, "5": 3}
    assert "freeze the first layers" in questions["4"]["prompt"]


SETEXT = """\
Final exam
{eq}

Bias and variance (4 points)
{dash}

Explain the trade-off.

Kernels (3 points)
{dash}

Why is the RBF kernel universal?

Clustering (5 points)
{dash}

Run two steps of k-means.

Mixtures
{dash}

Write the EM updates.
"""


@pytest.mark.parametrize(
    "eq, dash",
    [
        # rules as long as the titles
        ("==========", "----------------------------"),
        # short rules
        ("===", "---"),
    ],
)
def test_underlined_headings_are_headings(tmp_path: Path, eq: str, dash: str) -> None:
    questions = drafted_questions(tmp_path, SETEXT.format(eq=eq, dash=dash))
    marks = {qid: q.get("marks") for qid, q in questions.items()}
    assert marks == {"1": 4, "2": 3, "3": 5, "4": None}


@pytest.mark.parametrize(
    "text, questions",
    [
        # front matter's closing '---' under 'title:' is not a heading's rule
        ("---\ntitle: Quiz\n---\n\n1. Say hi. (2 points)\n2. Say bye. (1 point)\n", ["1", "2"]),
        # a rule under a paragraph of several lines is a rule, the paragraph the question's text
        ("1. Say hi. (2 points)\nthen wave\n---\n2. Say bye. (1 point)\n", ["1", "2"]),
    ],
)
def test_rules_that_underline_no_heading(tmp_path: Path, text: str, questions: list[str]) -> None:
    assert list(drafted_questions(tmp_path, text)) == questions


AFTER_NUMBERED = """\
# Trees quiz

{h} {q} 1{m}

Define entropy.

{h} {q} 2{m}

Define information gain.

{h} {q} 3{m}

Define the Gini index.

{h} {t4}

{p4}

{h} {t5}

{p5}

{h} Appendix: formulas

H(p) = -sum p log p
"""


@pytest.mark.parametrize(
    "h, q, m, t4, p4, t5, p5",
    [
        # '##' numbered questions with points, then titled ones whose points follow the title
        (
            "##",
            "Question",
            " (2 points)",
            "Pruning",
            "Why prune a tree? (2 points)",
            "Missing values",
            "How do trees handle them? (2 points)",
        ),
        # 'Problem' headings without points; the titled ones ask a question
        (
            "###",
            "Problem",
            "",
            "*Pruning*",
            "Why would you prune a tree?",
            "MISSING VALUES",
            "What does a tree do with a missing value?",
        ),
        # 'Q' headings, marks in brackets below the title
        (
            "#",
            "Q",
            " [2 marks]",
            "Pruning",
            "Explain cost-complexity pruning. [2 marks]",
            "Missing values",
            "Explain surrogate splits. [2 marks]",
        ),
    ],
)
def test_titled_headings_after_numbered_questions_are_questions(
    tmp_path: Path, h: str, q: str, m: str, t4: str, p4: str, t5: str, p5: str
) -> None:
    text = AFTER_NUMBERED.format(h=h, q=q, m=m, t4=t4, p4=p4, t5=t5, p5=p5)
    questions = drafted_questions(tmp_path, text)
    assert list(questions) == ["1", "2", "3", "4", "5"]  # the appendix is no question
    # its words; its points, on the line below the title, are its marks, not its words
    words = re.sub(r" [(\[]2 (?:points|marks)[)\]]", "", p5)
    assert words in questions["5"]["prompt"] and "2 points" not in questions["5"]["prompt"]
    assert questions["5"].get("marks") == (2 if m else None)


@pytest.mark.parametrize(
    "titles",
    [
        # the marks inside the bold
        [
            "**Overfitting (2 points)**",
            "**Underfitting (2 points)**",
            "**Capacity (1 point)**",
            "**VC dimension (3 points)**",
        ],
        # the marks after it, underscores for bold
        [
            "__Overfitting__ [2 marks]",
            "__Underfitting__ [2 marks]",
            "__Capacity__ [1 mark]",
            "__VC dimension__ [3 marks]",
        ],
    ],
)
def test_bold_lines_titling_questions_with_their_points(tmp_path: Path, titles: list[str]) -> None:
    text = "# Exam\n\n" + "".join(f"{title}\n\nDefine it.\n\n" for title in titles)
    questions = drafted_questions(tmp_path, text)
    assert {qid: q.get("marks") for qid, q in questions.items()} == {
        "1": 2,
        "2": 2,
        "3": 1,
        "4": 3,
    }


def test_a_bold_part_with_points_stays_a_part(tmp_path: Path) -> None:
    text = "Question 1\n\nFit a model.\n\n**(a) Ridge (3 points)**\n\n**(b) Lasso (2 points)**\n"
    questions = drafted_questions(tmp_path, text)
    assert list(questions) == ["1"]
    assert [part["id"] for part in questions["1"]["parts"]] == ["a", "b"]


FENCED = """\
## Question 1 (5 points)

Fit a linear model to the `cars` data.

{fence}{info}
# fit the model
## YOUR CODE HERE
Question 7: a string, not a question
2. neither is this
{fence}

Then report the slope.

## Question 2 (3 points)

Plot the residuals.
"""


@pytest.mark.parametrize(
    "fence, info",
    [
        # an R Markdown chunk
        ("```", "{r}"),
        # a tilde fence with a language
        ("~~~", "python"),
        # a bare fence
        ("```", ""),
    ],
)
def test_a_code_block_is_the_questions_text(tmp_path: Path, fence: str, info: str) -> None:
    questions = drafted_questions(tmp_path, FENCED.format(fence=fence, info=info))
    assert {qid: q.get("marks") for qid, q in questions.items()} == {"1": 5, "2": 3}
    assert "## YOUR CODE HERE" in questions["1"]["prompt"]
    assert questions["1"]["prompt"].endswith("Then report the slope.")


SUBTASKS = """\
## Task 1: Cleaning (30 P.)

Clean the orders table.

### {word} {a} (15 P.)

Follow these steps:

 i) Lower-case every currency.

ii) Trim the spaces.

iii) Make the amount numeric.

### {word} {b} (15 P.)

Plot the amounts.
"""


@pytest.mark.parametrize(
    "word, a, b",
    [
        # German, capital letters
        ("Teilaufgabe", "A", "B"),
        # English, lower case
        ("Subtask", "a", "b"),
        # 'Sub-question' with letters in parentheses
        ("Sub-question", "(A)", "(B)"),
    ],
)
def test_subtask_headings_are_parts_and_their_steps_their_text(
    tmp_path: Path, word: str, a: str, b: str
) -> None:
    questions = drafted_questions(tmp_path, SUBTASKS.format(word=word, a=a, b=b))
    assert part_marks(questions["1"]) == {"a": 15, "b": 15}
    assert "iii) Make the amount numeric." in questions["1"]["parts"][0]["prompt"]


@pytest.mark.parametrize(
    "line, marks",
    [
        # pandoc escapes the brackets around marks
        ("**Q1.** \\[6pts\\] Name the mutations.", 6),
        # with spaces and a full word
        ("**Q1.** \\[ 2 marks \\] Name the mutations.", 2),
        # display math in brackets is no marks
        ("**Q1.** Solve \\[ 2x = 4 \\] for x.", None),
    ],
)
def test_marks_in_escaped_brackets(tmp_path: Path, line: str, marks: int | None) -> None:
    questions = drafted_questions(tmp_path, f"# Exam\n\n{line}\n\n**Q2.** [1 pt] Last.\n")
    assert questions["1"].get("marks") == marks


KIND_WORTH = """\
# Quiz

{rule}

1. Which lobe handles vision?

   A. frontal
   B. occipital
   C. temporal

2. The cerebellum controls balance. Circle one: True / False

3. Name two neurotransmitters. (3 points)
"""


@pytest.mark.parametrize(
    "rule",
    [
        # numbers written as words with the figure in parentheses
        "Multiple-choice questions are worth two (2) points each, and true-false questions "
        "are worth one (1) point each.",
        # figures, 'T/F', 'marks'
        "Multiple choice questions are worth 2 marks; T/F questions are worth 1 mark.",
        # 'each' before 'worth', the kinds in the other order
        "True/false items are each worth 1 point and multiple choice items are each worth "
        "2 points.",
    ],
)
def test_marks_stated_for_each_kind_of_question(tmp_path: Path, rule: str) -> None:
    questions = drafted_questions(tmp_path, KIND_WORTH.format(rule=rule))
    assert {qid: q.get("marks") for qid, q in questions.items()} == {"1": 2, "2": 1, "3": 3}


SENTENCE_KEY = """\
## Task {n}: Skew

Plot the waiting times.

- Question: How would you describe the distribution?
{i}- Symmetric
{i}- Skewed to the left
{i}- {right}
- Answer: {answer}
- Hint:
{i}- Use a density plot.
{i}- Compare mean and median.

## Task {m}: Counts

- Question: How many rows are there?
- Answer:
{i}1. Rows:
- Hint:
{i}- Use nrow().
"""


@pytest.mark.parametrize(
    "n, m, i, right, answer",
    [
        # the answer a sentence holding the option's words, another case
        ("01", "02", "    ", "Skewed to the right", "It is skewed to the RIGHT, with a long tail."),
        # two-space nesting, the option word for word
        ("1", "2", "  ", "Right-skewed", "Right-skewed"),
    ],
)
def test_a_key_naming_one_nested_option(
    tmp_path: Path, n: str, m: str, i: str, right: str, answer: str
) -> None:
    questions = drafted_questions(
        tmp_path, SENTENCE_KEY.format(n=n, m=m, i=i, right=right, answer=answer)
    )
    key = questions["1"]["key"]
    assert key["options"] == {"a": "Symmetric", "b": "Skewed to the left", "c": right}
    assert key["correct"] == ["c"]
    # an empty '- Answer:' is the student's space: no key, and the hint is not taken for one
    assert "key" not in questions["2"]
    draft = draft_exam([tmp_path / "paper.md"])  # the paper drafted_questions wrote
    said = [note.value for note in [*draft.notes, *draft.todo]]
    assert [x for x in said if x.startswith("I.2")] == [
        "I.2: no marks found — add 'marks: N'"
    ]  # nothing under the blank '- Answer:' is taken for a key


@pytest.mark.parametrize(
    "answer, key",
    [
        # a name given its value, in bold
        ("**Answer: GINI = 0.5**", {"kind": "numeric", "value": 0.5}),
        # a hyphenated name, plain
        ("Answer: p-value = 0.03", {"kind": "numeric", "value": 0.03}),
        # brackets in the name
        ("Answer: E[X] = 3.5", {"kind": "numeric", "value": 3.5}),
        # words before the sign are a sentence, not a name: kept as the reference
        ("Answer: the mean of the sample = 4", None),
        # two values: no key
        ("Answer: x = 2 = 3", None),
    ],
)
def test_a_key_giving_a_name_its_value(tmp_path: Path, answer: str, key: Any) -> None:
    text = f"## Question 1: Impurity\n\nCompute it.\n\n### Answer:\n\nWorking here.\n\n{answer}\n"
    assert drafted_questions(tmp_path, text)["1"].get("key") == key


def test_a_bold_last_line_of_working_gives_the_key(tmp_path: Path) -> None:
    text = (
        "## Question 1\n\n(a) Split by gender.\n\n(b) Split by car.\n\n### Answer:\n\n"
        "(a) Gender:\n\n**GINI_split(a) = 0.5×0.42 + 0.5×0.42 = 0.42**\n\n"
        "(b) Car:\n\n__GINI_split(b) = 0.0875 + 0.225 = 0.3125__\n"
    )
    parts = drafted_questions(tmp_path, text)["1"]["parts"]
    assert [part["key"]["value"] for part in parts] == [0.42, 0.3125]


@pytest.mark.parametrize(
    "solution, key",
    [
        # a blank answer line, then the explanation naming the answer
        ("**Answer:**\n\n**Explanation:** Answer is 9", {"kind": "numeric", "value": 9}),
        # a solution line opening with a sentence naming it
        (
            "Solution: The correct answer is 12, as each layer adds 4.",
            {"kind": "numeric", "value": 12},
        ),
        # a solution that names no answer: no key
        ("*Explanation:* it depends on the bias terms.", None),
    ],
)
def test_a_solution_opening_by_naming_the_answer(tmp_path: Path, solution: str, key: Any) -> None:
    text = f"## Problem 1\n\nHow many parameters?\n\n{solution}\n\n## Problem 2\n\nLast.\n"
    assert drafted_questions(tmp_path, text)["1"].get("key") == key
    draft = draft_exam([tmp_path / "paper.md"])
    said = [note.value for note in [*draft.notes, *draft.todo]]
    assert not [x for x in said if "left blank" in x]


@pytest.mark.parametrize(
    "first, title",
    [
        # a plain line introducing what follows is no title
        ("How to read this bank:", "paper"),
        # a heading ending in a colon still is
        ("# Midterm:", "Midterm:"),
        # a short plain line is
        ("Midterm in statistics", "Midterm in statistics"),
        # blanks for the student to fill in are not part of the title
        ("STAT 210 - Quiz 3            Name: ______________", "STAT 210 - Quiz 3"),
        ("Final exam | Name: ________ | Student ID: ........", "Final exam"),
        ("# Quiz 2 -- Name: ---------", "Quiz 2"),
        # a title with a colon but no blank keeps it
        ("Midterm: linear models", "Midterm: linear models"),
    ],
)
def test_a_first_line_ending_in_a_colon_is_no_title(tmp_path: Path, first: str, title: str) -> None:
    tree = drafted_tree(tmp_path, f"{first}\n\n1. Say hi. (2 points)\n")
    assert tree["exam"]["title"] == title


@pytest.mark.parametrize(
    "top, sub1, sub2",
    [
        # headings one level down, marks in parentheses
        ("## Question 1 (10 points)", "### Question 1.1 (4 points)", "### Question 1.2 (6 points)"),
        # bold lines, 'Problem', marks in brackets
        ("**Problem 1**", "**Problem 1.1** [4 marks]", "**Problem 1.2** [6 marks]"),
    ],
)
def test_dotted_numbers_under_their_question_are_its_parts(
    tmp_path: Path, top: str, sub1: str, sub2: str
) -> None:
    text = f"{top}\n\nA dataset of 100 rows.\n\n{sub1}\n\nSplit it.\n\n{sub2}\n\nFit it.\n"
    questions = drafted_questions(tmp_path, text)
    assert list(questions) == ["1"]
    assert part_marks(questions["1"]) == {"1": 4, "2": 6}


def test_dotted_numbers_without_their_question_are_questions(tmp_path: Path) -> None:
    text = (
        "# Bank\n\n## Question 1.1\nWhat is overfitting?\nAnswer: fitting noise\n\n"
        "## Question 1.2\nTrue or False? More data lowers variance.\nAnswer: True\n"
    )
    questions = drafted_questions(tmp_path, text)
    assert list(questions) == ["1.1", "1.2"]
    assert questions["1.1"]["reference"] == "fitting noise"
    assert questions["1.2"]["key"] == {"kind": "truefalse", "value": True}


@pytest.mark.parametrize(
    "a, b",
    [
        # the question's number glued to the letter
        ("1(a)", "1(b)"),
        # a space between
        ("1 (a)", "1 (b)"),
        # the letter alone
        ("(a)", "(b)"),
    ],
)
def test_parts_written_with_their_questions_number(tmp_path: Path, a: str, b: str) -> None:
    text = (
        "STAT 200 FINAL\n\nQUESTION ONE (20 MARKS)\n"
        f"{a} Define a p-value. (5 marks)\n{b} Define power. (15 marks)\n\n"
        "QUESTION TWO (10 MARKS)\nState the CLT.\n"
    )
    questions = drafted_questions(tmp_path, text, name="paper.txt")
    assert part_marks(questions["1"]) == {"a": 5, "b": 15}
    assert questions["2"]["marks"] == 10


@pytest.mark.parametrize(
    "points",
    [
        # as a quiz export writes it
        "1 pts",
        # a full word, capitalised
        "1 Point",
        # marks, with a stop
        "1 mark.",
    ],
)
def test_a_line_that_is_only_the_questions_points(tmp_path: Path, points: str) -> None:
    text = (
        f"Question 1 of 2\n{points}\nWhich activation is zero for negative inputs?\n"
        "A. tanh\nB. ReLU\nCorrect answer: B\n\n"
        "Question 2 of 2\n2 pts\nHow many weights has a 3x4 dense layer?\nCorrect answer: 12\n"
    )
    questions = drafted_questions(tmp_path, text)
    assert {qid: q.get("marks") for qid, q in questions.items()} == {"1": 1, "2": 2}
    assert questions["1"]["key"]["correct"] == ["b"]


@pytest.mark.parametrize(
    "field",
    [
        # a nested bullet
        "  - Points: 2",
        # marks, four-space nesting
        "    - Marks: 2",
    ],
)
def test_a_banks_points_field(tmp_path: Path, field: str) -> None:
    text = (
        "- Question 1.1: True or False? Trees need scaled features.\n"
        f"{field}\n  - Answer: False\n  - Choices: True; False\n"
        "- Question 1.2: Name a split criterion.\n  - Answer: Gini\n"
    )
    questions = drafted_questions(tmp_path, text)
    assert questions["1.1"]["marks"] == 2
    assert "Points" not in questions["1.1"]["prompt"] and "Marks" not in questions["1.1"]["prompt"]
    assert questions["1.1"]["key"] == {"kind": "truefalse", "value": False}


@pytest.mark.parametrize("field", ["Points: 5", "Marks: 5", "score = 5"])
def test_a_line_stating_the_marks_as_a_field(tmp_path: Path, field: str) -> None:
    text = f"Question 1\n{field}\nDefine entropy.\n\nQuestion 2 [3 marks]\nDefine gain.\n"
    questions = drafted_questions(tmp_path, text)
    assert {qid: q.get("marks") for qid, q in questions.items()} == {"1": 5, "2": 3}


FOLDED = """\
# Python quiz

### 1. What does `len([1, 2, 3])` return?

{b} A. 2
{b} B. 3
{b} C. 4

{answer}

### 2. True or False: tuples are immutable.

<details><summary><b>Answer</b></summary>True</details>
"""


@pytest.mark.parametrize(
    "b, answer",
    [
        # the answer on its own line inside the folded block
        ("-", "<details><summary>Answer</summary>\n\nB\n\n</details>"),
        # 'Show answer', the answer saying it is one
        ("*", "<details>\n<summary>Show answer</summary>\nCorrect answer: B\n</details>"),
        # all on one line, a key named in the summary
        ("-", "<details><summary>Key</summary> B </details>"),
    ],
)
def test_answers_folded_in_html_details(tmp_path: Path, b: str, answer: str) -> None:
    questions = drafted_questions(tmp_path, FOLDED.format(b=b, answer=answer))
    assert questions["1"]["key"] == {
        "kind": "choice",
        "options": {"a": "2", "b": "3", "c": "4"},
        "correct": ["b"],
    }
    assert questions["2"]["key"] == {"kind": "truefalse", "value": True}
    assert "details" not in questions["1"]["prompt"]
