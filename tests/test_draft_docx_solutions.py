"""Word files of written-out solutions: questions and parts as Word headings whose text is the
label alone ('a)', 'i.'), program output pasted in a code style ('HTML Preformatted',
'Source Code') that is the part's text even where a line of it reads '# A tibble' or '1 ...'."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.draft import patterns as p


@pytest.mark.parametrize(
    "line, expected",
    [
        ("a)", ("a", "")),  # a part's label alone, its answer below
        ("b.", ("b", "")),
        ("ii.", ("ii", "")),  # a sub-part's label alone
        ("c) Plot the residuals.", ("c", "Plot the residuals.")),
        ("(d)", ("d", "")),
        ("a)b", None),  # no space after the label: not a label
        ("q)", None),  # past the letters parts use
    ],
)
def test_a_label_alone_is_a_part(line: str, expected: tuple[str, str] | None) -> None:
    header = p.lettered_item(line)
    assert (None if header is None else (header.id, header.rest)) == expected


def _paragraph(document: Any, text: str, style: str) -> None:
    if style not in [s.name for s in document.styles]:
        document.styles.add_style(style, WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph(text, style=style)


def _draft(tmp_path: Path, paragraphs: list[tuple[str, str]]) -> dict[str, Any]:
    document = docx.Document()
    for text, style in paragraphs:
        _paragraph(document, text, style)
    path = tmp_path / "solutions.docx"
    document.save(str(path))
    tree: dict[str, Any] = YAML(typ="safe").load(render(draft_exam([path])))
    return {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}


def _parts(question: dict[str, Any]) -> list[str]:
    return [str(part["id"]) for part in question.get("parts") or []]


OUTPUT = [
    ("# A tibble: 3 x 2", "HTML Preformatted"),
    ("   year price", "HTML Preformatted"),
    ("1  2015  15.4", "HTML Preformatted"),
]


@pytest.mark.parametrize(
    "paragraphs, expected",
    [
        # headings 'Question N' and parts 'a)' as Heading 2, output pasted under part a
        (
            [
                ("Question 1", "Heading 1"),
                ("a)", "Heading 2"),
                ("fit <- lm(price ~ year, d)", "Normal"),
                *OUTPUT,
                ("b)", "Heading 2"),
                ("The slope is positive.", "Normal"),
                ("Question 2", "Heading 1"),
                ("a)", "Heading 2"),
                ("summary(fit)", "Normal"),
                ("b)", "Heading 2"),
                ("No.", "Normal"),
            ],
            {"1": ["a", "b"], "2": ["a", "b"]},
        ),
        # one part with roman sub-parts, each label a heading of the same level
        (
            [
                ("QUESTION 1", "Heading 1"),
                ("a)", "Heading 2"),
                ("i.", "Heading 2"),
                ("predict(m, new)", "Normal"),
                *OUTPUT,
                ("ii.", "Heading 2"),
                ("The second model is better.", "Normal"),
            ],
            {"1": ["a.i", "a.ii"]},
        ),
        # output in 'Source Code' style whose first line looks like a numbered question
        (
            [
                ("Question 1", "Heading 1"),
                ("a)", "Heading 2"),
                ("2. this is output, not question 2", "Source Code"),
                ("b)", "Heading 2"),
                ("Done.", "Normal"),
            ],
            {"1": ["a", "b"]},
        ),
    ],
)
def test_label_headings_and_pasted_output(
    tmp_path: Path, paragraphs: list[tuple[str, str]], expected: dict[str, list[str]]
) -> None:
    questions = _draft(tmp_path, paragraphs)
    assert {qid: _parts(q) for qid, q in questions.items()} == expected


def test_places_count_the_file_s_paragraphs_not_the_fences(tmp_path: Path) -> None:
    """The fences put around pasted output are no paragraphs: part b is the 6th paragraph."""
    paragraphs = [
        ("Question 1", "Heading 1"),
        ("a)", "Heading 2"),
        *OUTPUT,
        ("b)", "Heading 2"),
        ("No.", "Normal"),
    ]
    document = docx.Document()
    for text, style in paragraphs:
        _paragraph(document, text, style)
    path = tmp_path / "solutions.docx"
    document.save(str(path))
    text = render(draft_exam([path]))
    line = next(line for line in text.splitlines() if "- id: b" in line)
    assert "paragraph 6" in line
