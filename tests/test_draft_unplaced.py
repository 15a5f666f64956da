"""A draft never loses a question without a word: what looks like one and is nowhere in the
draft is listed at the top ('Could not place'), and ordinary exam text is not.

The truth table drafts a paper, then shows the check one more line that the drafter did not see
(as a layout rule it lacks would leave a line out) and asks whether that line is listed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gradewise.exam.draft import draft_exam, draft_lines, render
from gradewise.exam.draft.documents import Line, Loc, read_document
from gradewise.exam.draft.unplaced import unplaced

FIXTURES = Path(__file__).parent / "fixtures" / "documents"

PAPER = """\
# Statistics Midterm

Answer every question. Show all your work. The exam is out of 30 points in total.

## Question 1 (10 marks)

Compute the mean of the sample 2, 4, 6 and 8.

## Question 2

(a) (4 pts) Define the median of a sample.

(b) (6 pts) Explain why the median resists outliers better than the mean.

## Question 3 (10 marks)

Is the sample variance with n - 1 an unbiased estimator of the variance? Explain.

**Answer:** yes, its expectation is the variance.
"""

# (a line the drafter did not see, the reason it is listed, or None when it must not be)
ROWS = [
    ("## Question 4", "a question by its number"),
    ("**Problem 4.** Compute the variance of the sample 1, 2, 3.", "a question by its number"),
    ("Q4: Name two measures of spread.", "a question by its number"),
    ("- Question 4.1: True or False? The mode is unique.", "a question by its number"),
    ("4. Compute the interquartile range of the sample.", "a numbered item"),
    ("(6 pts) Sketch a box plot of the sample.", "a line with points"),
    ("Sketch a box plot of the sample [5 marks]", "a line with points"),
    ("Prove that the sample mean is unbiased.", "a task or a question"),
    ("Let X be normal. Show that 2X is normal too.", "a task or a question"),
    ("Would a trimmed mean be a better estimate here than the median?", "a task or a question"),
    ("## Robust statistics (6 pts)", "a heading with points"),
    ("5. (6 pts) Compute the trimmed mean.", "a numbered question with its points"),
    ("\\problem Compute the trimmed mean of the sample.", "a question's macro"),
    ("## Aufgabe 4: Streuung (15 P.)", "a question by its number"),
    # about a question the draft has, or not a question at all
    ("## Question 2", None),
    ("Solution to Question 3 (10 marks): the expectation is the variance.", None),
    ("Rubric for Question 1 (10 marks)", None),
    ("Answer: 5 (2 marks)", None),
    ("Show all your work.", None),
    ("Solve the following problems.", None),  # about all the questions, not one
    ("Answer each question in the space below.", None),
    ("Explain your reasoning on every question.", None),
    ("This exam is out of 30 points.", None),
    ("Time allowed: 50 minutes (30 marks total)", None),
    ("Good luck!", None),
    ("Page 2 of 3", None),
    ("Why?", None),
    ("- Calculate the median for each group", None),  # a list's item: a step of an answer
    ("**Why (c) is false:**", None),  # an explanation's heading
    ("Step 2: Find the maximum of the likelihood", None),
    ("\\prob{A} = 0.5 for the event that the mean exceeds 3", None),  # P(A), not a problem
    ("2. (10 pts) Explain why the median resists outliers better than the mean.", None),
    # a line of the paper itself, seen twice: it is in the draft
    ("Compute the mean of the sample 2, 4, 6 and 8.", None),
    ("(b) (6 pts) Explain why the median resists outliers better than the mean.", None),
    ("**Question 3** (10 marks) Is the sample variance with n - 1 an unbiased estimator?", None),
]


@pytest.fixture(scope="module")
def paper(tmp_path_factory: pytest.TempPathFactory) -> list[Line]:
    path = tmp_path_factory.mktemp("paper") / "paper.md"
    path.write_text(PAPER, encoding="utf-8")
    lines, _ = read_document(path)
    return lines


@pytest.mark.parametrize("text, reason", ROWS)
def test_a_line_left_out_by_the_drafter_is_listed(
    paper: list[Line], text: str, reason: str | None
) -> None:
    draft = draft_lines(paper)
    extra = Line(text, Loc("paper.md", 99))
    notes = [note for note in unplaced([*paper, extra], draft) if note.loc.line == 99]
    if reason is None:
        assert notes == []
    else:
        assert len(notes) == 1
        assert notes[0].value.startswith(f"{reason}, in no drafted question:")
        assert "(add it by hand)" in notes[0].value


def test_the_paper_drafted_whole_lists_nothing(paper: list[Line]) -> None:
    draft = draft_lines(paper)
    assert unplaced(paper, draft) == []
    assert [q.id for s in draft.sections for q in s.questions] == ["1", "2", "3"]


@pytest.mark.parametrize(
    "text",
    [
        "## Question 4 (10 marks) Compute the mean of the sample 2, 4, 6 and 8.",
        "4. (10 marks) Compute the mean of the sample 2, 4, 6 and 8.",
        "# (10 pts) Compute the mean of the sample 2, 4, 6 and 8.",
    ],
)
def test_a_question_drafted_inside_another_is_listed(paper: list[Line], text: str) -> None:
    """Its words are in the draft, but inside question 1's prompt: a question start the drafter
    did not see (a layout it does not know) swallowed by the question before it."""
    draft = draft_lines(paper)
    notes = [n.value for n in unplaced([*paper, Line(text, Loc("paper.md", 99))], draft)]
    assert len(notes) == 1
    assert "drafted inside another question's text, not as a question of its own" in notes[0]
    assert notes[0].endswith("(split it off by hand)")


def test_the_steps_of_a_list_are_not_questions(paper: list[Line]) -> None:
    """'4) Commit', '5) Push' after the last question: a list of steps, its numbers beyond the
    draft's, is not a run of missed questions."""
    draft = draft_lines(paper)
    steps = ["3) Save your notebook as a pdf file.", "4) Upload the pdf to the course page."]
    extra = [Line(text, Loc("paper.md", 90 + i)) for i, text in enumerate(steps)]
    notes = unplaced([*paper, *extra], draft)
    assert [n.loc.line for n in notes] == []


def test_lines_in_a_code_block_are_not_questions(paper: list[Line]) -> None:
    draft = draft_lines(paper)
    block = ["```", "7: Compute the gradient of the loss on the minibatch", "```"]
    extra = [Line(text, Loc("paper.md", 90 + i)) for i, text in enumerate(block)]
    assert unplaced([*paper, *extra], draft) == []


def test_the_listed_line_is_at_the_top_of_the_draft(paper: list[Line]) -> None:
    draft = draft_lines(paper)
    draft.notes.extend(unplaced([*paper, Line("## Question 4", Loc("paper.md", 99))], draft))
    header = render(draft).split("schema_version")[0]
    assert "Could not place" in header
    assert "line 99: a question by its number, in no drafted question: '## Question 4'" in header


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_papers_drafted_whole_list_nothing(name: str) -> None:
    """The bundled papers in every style (exam class, plain LaTeX, Markdown with keys, rubrics,
    a mock final with lecture headings) are drafted whole: no line is listed as left out."""
    paths = [FIXTURES / name]
    if name == "paper-with-key.md":
        paths.append(FIXTURES / "solutions-rubrics.md")
    notes = [n.value for n in draft_exam(paths).notes if "in no drafted question" in n.value]
    assert notes == []


def test_the_command_says_how_many_lines_the_draft_may_have_missed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever layout a rule still lacks: `exam draft` names the count, the draft the lines."""
    from click.testing import CliRunner

    import gradewise.exam.draft as drafting
    from gradewise.cli import cli

    real = drafting.draft_exam

    def missing_one(paths: list[Path]) -> Any:
        draft = real(paths)
        lines, _ = read_document(paths[0])
        draft.notes.extend(unplaced([*lines, Line("## Question 9 (4 marks)", Loc("x", 99))], draft))
        return draft

    monkeypatch.setattr(drafting, "draft_exam", missing_one)
    paper = tmp_path / "paper.md"
    paper.write_text(PAPER, encoding="utf-8")
    result = CliRunner().invoke(cli, ["exam", "draft", str(paper), "-o", str(tmp_path / "e.yaml")])
    assert result.exit_code == 0, result.output
    assert "1 lines look like questions the draft may have missed (listed at the top)" in (
        result.output
    )
    assert "a question by its number, in no drafted question" in (tmp_path / "e.yaml").read_text()


# Whole papers whose headings are drafted some other way than as a question's start: the
# draft must list none of their lines (each one was a false alarm once).
HEADED = [
    # a heading with points over numbered questions carrying their own: a group's title
    "# Quiz\n\n## Calculus (20 points)\n\n1. Differentiate x^2. [10 marks]\n\n"
    "2. Integrate 2x. [10 marks]\n",
    "# Quiz\n\n### Short answers [12 marks]\n\nQuestion 1 (6 marks) Define bias.\n\n"
    "Question 2 (6 marks) Define variance.\n",
    # points alone under a question's heading: that question's marks
    "# Quiz\n\n## Question 1\n\nLet $X$ be normal.\n\n### (10 points)\n\nFind $E[X^4]$.\n\n"
    "## Question 2\n\nState the central limit theorem. (3 points)\n",
    # one part's heading with its letter or name and points under a question's heading
    "# Quiz\n\n## Question 1\n\nLet $X$ be normal.\n\n### (a) (5 points)\n\nFind $E[X^4]$.\n\n"
    "## Question 2\n\nState the central limit theorem. (3 points)\n",
    "# Quiz\n\n## Question 1\n\nLet $X$ be normal.\n\n### Part (b): the fourth moment [4 marks]"
    "\n\nFind $E[X^4]$.\n\n## Question 2\n\nState the central limit theorem. (3 points)\n",
    # a sentence about a question the paper does not ask
    "# Quiz\n\n- Question 1: Name a kernel.\n  - Answer: RBF\n- Question 2 is a bonus and "
    "counts for nothing this year.\n- Question 3: Name a loss.\n  - Answer: hinge\n",
]


@pytest.mark.parametrize("text", HEADED)
def test_headings_drafted_as_a_group_a_part_or_marks_are_not_listed(
    tmp_path: Path, text: str
) -> None:
    (tmp_path / "paper.md").write_text(text, encoding="utf-8")
    notes = [n.value for n in draft_exam([tmp_path / "paper.md"]).notes]
    assert [n for n in notes if "drafted" in n] == []


@pytest.mark.parametrize(
    "head, marks",
    [
        ("### (a) (5 points)", 5),
        ("### Part (b): the fourth moment [4 marks]", 4),
        ("### (6 pts)", 6),
    ],
)
def test_one_part_heading_gives_its_question_its_marks(
    tmp_path: Path, head: str, marks: float
) -> None:
    """A question with one lettered heading under it has no parts: that heading's points are the
    question's marks (they were lost, and the question said to have none)."""
    text = f"## Question 1\n\nLet $X$ be normal.\n\n{head}\n\nFind $E[X^4]$.\n"
    (tmp_path / "paper.md").write_text(text, encoding="utf-8")
    draft = draft_exam([tmp_path / "paper.md"])
    (question,) = [q for s in draft.sections for q in s.questions]
    assert question.parts == []
    assert question.own.marks is not None and question.own.marks.value == marks
