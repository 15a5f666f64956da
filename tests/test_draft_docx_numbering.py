"""Word papers whose question numbers and part letters are Word's own list numbering: drawn
by Word, absent from the paragraphs' text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render


def _numbered_list(document: Any, num_id: int, levels: list[tuple[str, str]]) -> None:
    """Add a list definition (format and label text per level) as Word writes one."""
    body = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{num_id + 90}">{body}</w:abstractNum>'
        ),
    )
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}">'
            f'<w:abstractNumId w:val="{num_id + 90}"/></w:num>'
        )
    )


def _item(document: Any, text: str, num_id: int, level: int) -> None:
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
            f'<w:numId w:val="{num_id}"/></w:numPr>'
        )
    )


def _draft(tmp_path: Path, document: Any) -> dict[str, Any]:
    path = tmp_path / "paper.docx"
    document.save(str(path))
    tree: dict[str, Any] = YAML(typ="safe").load(render(draft_exam([path])))
    return {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}


@pytest.mark.parametrize(
    "question_label, part_format, part_label, parts",
    [
        # '1.' questions, '(a)' parts
        ("%1.", "lowerLetter", "(%2)", ["a", "b"]),
        # '1)' questions, 'a)' parts
        ("%1)", "lowerLetter", "%2)", ["a", "b"]),
        # roman sub-parts
        ("%1.", "lowerRoman", "(%2)", ["i", "ii"]),
    ],
)
def test_word_list_numbers_are_read(
    tmp_path: Path, question_label: str, part_format: str, part_label: str, parts: list[str]
) -> None:
    document = docx.Document()
    document.add_paragraph("Midterm")
    _numbered_list(document, 7, [("decimal", question_label), (part_format, part_label)])
    _item(document, "Regression.", 7, 0)
    _item(document, "Derive the estimator. (4 marks)", 7, 1)
    _item(document, "Find its variance. (6 marks)", 7, 1)
    _item(document, "Explain overfitting. (5 marks)", 7, 0)
    questions = _draft(tmp_path, document)
    assert sorted(questions) == ["1", "2"]
    assert [p["id"] for p in questions["1"]["parts"]] == parts
    assert [p["marks"] for p in questions["1"]["parts"]] == [4, 6]
    assert questions["2"]["marks"] == 5


def test_word_list_number_styles(tmp_path: Path) -> None:
    # Word's own 'List Number' style numbers the questions; 'List Number 2' is a list inside one
    document = docx.Document()
    document.add_paragraph("What is 2+2? (2 marks)", style="List Number")
    document.add_paragraph("Why? (3 marks)", style="List Number")
    document.add_paragraph("a first step", style="List Number 2")
    questions = _draft(tmp_path, document)
    assert {q: v["marks"] for q, v in questions.items()} == {"1": 2, "2": 3}
    assert "a first step" in questions["2"]["prompt"]


def test_a_list_restarted_by_word(tmp_path: Path) -> None:
    # parts lettered again from (a) under the next question
    document = docx.Document()
    _numbered_list(document, 8, [("decimal", "%1."), ("lowerLetter", "(%2)")])
    for question in ("One.", "Two."):
        _item(document, question, 8, 0)
        _item(document, "First. (1 mark)", 8, 1)
        _item(document, "Second. (2 marks)", 8, 1)
    questions = _draft(tmp_path, document)
    assert [[p["id"] for p in q["parts"]] for q in questions.values()] == [["a", "b"], ["a", "b"]]


@pytest.mark.parametrize(
    "level_two, second, parts, marks",
    [
        # a second level numbered again '1.', '2.', each with its points: parts a, b
        ("%2.", "Give a 95% interval for p. (5 marks)", {"a": 3, "b": 5}, None),
        ("(%2)", "Give a 95% interval for p. [5 marks]", {"a": 3, "b": 5}, None),
        # without points of their own they are the question's text, its marks said once
        ("%2.", "Give a 95% interval for p.", {}, 3),
    ],
)
def test_a_second_level_numbered_again_with_points_gives_parts(
    tmp_path: Path, level_two: str, second: str, parts: dict[str, float], marks: float | None
) -> None:
    """Word's second list level numbered '1.', '2.' (not lettered): the first item's points were
    taken as the whole question's, the second's lost."""
    document = docx.Document()
    document.add_paragraph("Midterm")
    _numbered_list(document, 7, [("decimal", "%1."), ("decimal", level_two)])
    _item(document, "Define bias. (4 marks)", 7, 0)
    _item(document, "A coin shows 7 heads in 10 tosses.", 7, 0)
    _item(document, "Give the MLE of p. (3 marks)", 7, 1)
    _item(document, second, 7, 1)
    _item(document, "Prove the sample mean is unbiased. (8 marks)", 7, 0)
    questions = _draft(tmp_path, document)
    assert sorted(questions) == ["1", "2", "3"]
    found = {str(p["id"]): p.get("marks") for p in questions["2"].get("parts", [])}
    assert found == parts
    assert questions["2"].get("marks") == marks
