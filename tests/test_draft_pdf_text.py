"""A PDF's text layer as pypdf gives it: half of a UTF-16 surrogate pair, left where a font's
character map has no entry for a glyph, is written as U+FFFD, so the draft is valid UTF-8 YAML
that loads again (it crashed the YAML reader before)."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.draft import patterns as p
from gradewise.exam.draft.documents import whole_characters


@pytest.mark.parametrize(
    "text, expected",
    [
        # a lone high half after a signature line, as on a cover page
        ("Name:______\ud83c", "Name:______\ufffd"),
        # a lone low half inside a word
        ("mid\udc00term", "mid\ufffdterm"),
        # a whole pair is one character and stays
        ("smile \ud83d\ude00", "smile \U0001f600"),
        # two high halves in a row: each replaced
        ("\ud83c\ud83c x", "\ufffd\ufffd x"),
        # text with no surrogate is untouched, dashes and accents too
        ("Midterm – Thé (3 points)", "Midterm – Thé (3 points)"),
        ("", ""),
    ],
)
def test_half_surrogates_become_replacement_characters(text: str, expected: str) -> None:
    assert whole_characters(text) == expected


def test_a_draft_from_such_a_page_loads_again(
    tmp_path: Path, pango: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weasyprint

    html = "<p>1. Define a random variable. (3 points)</p><p>2. Define a p-value. (2 points)</p>"
    path = tmp_path / "paper.pdf"
    weasyprint.HTML(string=f"<html><body>{html}</body></html>").write_pdf(path)
    extract = pypdf.PageObject.extract_text

    def with_a_half_pair(page: pypdf.PageObject, *args: object, **kwargs: object) -> str:
        return "Name:____\ud83c\n" + extract(page, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pypdf.PageObject, "extract_text", with_a_half_pair)
    text = render(draft_exam([path]))
    text.encode("utf-8")  # no half pair left to refuse
    tree = YAML(typ="safe").load(text)
    questions = [q for s in tree["sections"] for q in s["questions"]]
    assert [(str(q["id"]), q["marks"]) for q in questions] == [("1", 3), ("2", 2)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # the question's marks said to be the total of the marks inside it
        ("2. Read the code in the first column. (6 points total)", 6),
        ("(10 marks total)", 10),
        ("[4 pts total]", 4),
        ("( 6 points)", 6),  # a space after the bracket
        ("(total 6)", None),  # no unit: not marks
        ("the total of points (see above)", None),
    ],
)
def test_marks_with_total(text: str, expected: float | None) -> None:
    assert p.marks_one(text) == expected


# pypdf's text of a page whose numbered questions start after a small gap: ' 1. ...'
PAGE_TEXT = [
    # one space before each question's number, code set in by four under question 2
    (
        " 1. Write True or False for each expression. (3 points)\n"
        "a) 42 != '42'\n"
        " 2. What does this loop print? (6 points total)\n"
        "count = 0\n"
        "while count < 3:\n"
        "    print(count)\n"
        " 3. Define a count-controlled loop. (2 points)\n",
        {"1": 3, "2": 6, "3": 2},
    ),
    # numbers flush left: unchanged
    (
        "1. Name two types. (2 points)\n2. Convert 18 to binary. (2 points)\n",
        {"1": 2, "2": 2},
    ),
    # a list set in by two spaces under question 1 stays inside it
    (
        " 1. Answer both. (4 points)\n  1. the first\n  2. the second\n 2. Explain. (1 point)\n",
        {"1": 4, "2": 1},
    ),
]


@pytest.mark.parametrize("page, expected", PAGE_TEXT)
def test_one_space_before_a_number_is_no_nesting_in_a_pdf(
    tmp_path: Path, pango: None, monkeypatch: pytest.MonkeyPatch, page: str, expected: dict
) -> None:
    import weasyprint

    path = tmp_path / "paper.pdf"
    weasyprint.HTML(string="<html><body><p>x</p></body></html>").write_pdf(path)
    monkeypatch.setattr(pypdf.PageObject, "extract_text", lambda *args, **kwargs: page)
    tree = YAML(typ="safe").load(render(draft_exam([path])))
    questions = [q for s in tree["sections"] for q in s["questions"]]
    assert {str(q["id"]): q.get("marks") for q in questions} == expected
