"""Markdown papers in styles of their own: options as bullets without letters with the right
one marked, front matter before the paper, headings that are not questions, marks written
with the question's kind ('[Essay, 10pts]'), and a document with no question at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from gradewise.cli import cli
from gradewise.exam.draft import draft_exam, render
from gradewise.exam.draft import patterns as p


def _tree(tmp_path: Path, text: str) -> dict[str, Any]:
    path = tmp_path / "paper.md"
    path.write_text(text, encoding="utf-8")
    tree: dict[str, Any] = YAML(typ="safe").load(render(draft_exam([path])))
    return tree


def _questions(tmp_path: Path, text: str) -> dict[str, Any]:
    tree = _tree(tmp_path, text)
    return {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}


BULLETS = """\
## Question 1 (2 marks)

Which layer has no trainable parameters?

- Linear{a}
- MaxPool2d{b}
- Conv2d{c}
"""


@pytest.mark.parametrize(
    "a, b, c, correct",
    [
        # an asterisk in parentheses after the right option
        ("", " (*)", "", ["b"]),
        # a lone asterisk after it
        ("", " *", "", ["b"]),
        # the word in brackets
        ("", "", " [correct]", ["c"]),
        # an arrow pointing at it
        (" <- correct", "", "", ["a"]),
        # a Unicode arrow with another word
        ("", " ← answer", "", ["b"]),
        # the word in parentheses, and a second right option
        (" (correct)", " (correct)", "", ["a", "b"]),
        # a check mark after it
        ("", "", " ✓", ["c"]),
    ],
)
def test_unlettered_bullets_with_a_marked_option(
    tmp_path: Path, a: str, b: str, c: str, correct: list[str]
) -> None:
    question = _questions(tmp_path, BULLETS.format(a=a, b=b, c=c))["1"]
    assert question["marks"] == 2
    key = question["key"]
    assert key["kind"] == "choice" and key["correct"] == correct
    assert key["options"] == {"a": "Linear", "b": "MaxPool2d", "c": "Conv2d"}
    # the marker would give the answer away: never left in the prompt
    for marker in ("(*)", "*", "correct", "<-", "←", "answer", "✓"):
        assert marker not in question["prompt"]


def test_bullets_without_a_marker_stay_in_the_prompt(tmp_path: Path) -> None:
    question = _questions(tmp_path, BULLETS.format(a="", b="", c=""))["1"]
    assert "key" not in question and "- MaxPool2d" in question["prompt"]


def test_emphasis_ending_in_an_asterisk_is_not_a_marker(tmp_path: Path) -> None:
    text = "## Question 1 (1 mark)\nPick one.\n\n- *Adam*\n- *SGD*\n"
    assert "key" not in _questions(tmp_path, text)["1"]


@pytest.mark.parametrize(
    "front, title",
    [
        # YAML front matter naming the paper
        ("---\ntitle: Deep Learning Quiz 3\nauthor: Staff\n---\n", "Deep Learning Quiz 3"),
        # a quoted title, and front matter ended with '...'
        ('---\ntitle: "Quiz: Regularisation"\ndate: 2024-10-01\n...\n', "Quiz: Regularisation"),
        # front matter without a title: skipped, the heading after it names the paper
        ("---\nlayout: quiz\n---\n# Optimisers quiz\n", "Optimisers quiz"),
        # TOML front matter
        ('+++\ntitle = "Kernels quiz"\n+++\n', "Kernels quiz"),
    ],
)
def test_front_matter_is_metadata(tmp_path: Path, front: str, title: str) -> None:
    tree = _tree(tmp_path, front + "\n" + BULLETS.format(a="", b=" (*)", c=""))
    assert tree["exam"]["title"] == title
    question = tree["sections"][0]["questions"][0]
    assert "author" not in question["prompt"] and "layout" not in question["prompt"]


def test_a_heading_without_a_number_ends_the_options(tmp_path: Path) -> None:
    text = (
        "## Question 1 (1 mark)\nDropout is used at test time.\n\na) True\nb) False [x]\n\n"
        "# Appendix: useful identities\n\n$\\sigma'(x) = \\sigma(x)(1 - \\sigma(x))$\n"
    )
    question = _questions(tmp_path, text)["1"]
    assert question["key"] == {"kind": "truefalse", "value": False}
    assert "identities" not in question["prompt"]


def test_a_deeper_heading_inside_a_question_ends_only_its_option_list(tmp_path: Path) -> None:
    text = (
        "# Question 1 (2 marks)\nWhich is convex?\n(a) $x^2$ ✓\n(b) $\\sin x$\n\n"
        "### Hint\nLook at the second derivative.\n"
    )
    question = _questions(tmp_path, text)["1"]
    assert question["key"]["options"] == {"a": "$x^2$", "b": "$\\sin x$"}
    assert "second derivative" in question["prompt"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # the question's kind before its marks, in brackets
        ("[Essay, 10pts]", 10),
        # in parentheses, with a space in the kind
        ("(Short answer, 4 points)", 4),
        # a semicolon, and marks spelled out
        ("[MC; 2 marks]", 2),
        # the marks first, the kind after
        ("[6 pts, proof]", 6),
        # a kind and no marks: none
        ("[Essay]", None),
    ],
)
def test_marks_beside_the_questions_kind(text: str, expected: float | None) -> None:
    assert p.marks_one(f"3. Explain overfitting. {text}") == expected


def test_kind_and_marks_drafted(tmp_path: Path) -> None:
    text = "## 1. [Essay, 10pts] Explain the bias-variance trade-off.\n"
    question = _questions(tmp_path, text)["1"]
    assert question["marks"] == 10 and "10pts" not in question["prompt"]


def test_a_document_without_questions_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Lecture notes\n\nGradient descent takes small steps.\n", encoding="utf-8")
    out = tmp_path / "exam.yaml"
    result = CliRunner().invoke(cli, ["exam", "draft", str(path), "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()
    line = result.output.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert str(path) in line and "no question" in line and "Question 1" in line
