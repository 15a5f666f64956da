"""Text utilities the judges share (judges/text.py): references and sentence spans by hand."""

from __future__ import annotations

import pytest

from gradewise.judges.text import (
    MAX_EVIDENCE_SENTENCES,
    MAX_SENTENCES,
    references,
    sentence_texts,
    sentences,
)


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


@pytest.mark.parametrize(
    "text, expected",
    [
        ("TCP is reliable. UDP is not!", ["TCP is reliable.", "UDP is not!"]),
        ("no full stop at the end", ["no full stop at the end"]),  # one sentence: itself
        ("first; second\n- third", ["first;", "second", "- third"]),  # ; and line breaks end one
        ("Fields:\n-\n- ACK\n", ["Fields:", "- ACK"]),  # a piece without a word is left out
        ("  ...  ", ["..."]),  # no piece with a word: the whole text, trimmed
        ("   ", []),  # blank: nothing to compare
        ("", []),
    ],
)
def test_sentence_texts(text: str, expected: list[str]) -> None:
    assert sentence_texts(text) == expected


def test_a_10000_word_answer_gives_at_most_max_sentences() -> None:
    many = sentence_texts("A frame is sent. " * 10_000)
    assert len(many) == MAX_SENTENCES and many[0] == "A frame is sent."
