"""A PDF's text layer as pypdf gives it: half of a UTF-16 surrogate pair, left where a font's
character map has no entry for a glyph, is written as U+FFFD, so the draft is valid UTF-8 YAML
that loads again (it crashed the YAML reader before)."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render
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
