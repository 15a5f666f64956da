"""Text utilities the judges share (judges/text.py): references and sentence spans by hand."""

from __future__ import annotations

import pytest

from gradewise.judges.text import MAX_EVIDENCE_SENTENCES, references, sentences


@pytest.mark.parametrize(
    "reference, expected",
    [
        ("a || b", ["a", "b"]),  # two references
        (" || a ||", ["a"]),  # empty ones and their spaces left out
        ("", []),  # no reference at all
        ("one", ["one"]),  # a single reference
        ("x || y||z", ["x", "y", "z"]),  # the separator needs no spaces
    ],
)
def test_references(reference: str, expected: list[str]) -> None:
    assert references(reference) == expected


@pytest.mark.parametrize(
    "text, spans",
    [
        ("One sentence only", []),  # one sentence: the whole answer is the evidence
        ("", []),  # nothing
        ("First. Second!", [(0, 6), (7, 14)]),  # the end mark stays with its sentence
        ("  a; b  ", [(2, 4), (5, 6)]),  # a semicolon ends one too; spaces trimmed
        ("Why? Because.\nNext line", [(0, 4), (5, 13), (14, 23)]),  # a line break ends one
    ],
)
def test_sentences(text: str, spans: list[tuple[int, int]]) -> None:
    assert sentences(text) == spans


def test_only_the_first_sentences_are_kept() -> None:
    # A long answer's evidence is looked for in its start only (each may be embedded).
    assert len(sentences("x. " * 40)) == MAX_EVIDENCE_SENTENCES
