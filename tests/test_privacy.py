"""Who wrote an answer, kept out of what a model or an anonymous page sees (gradewise.privacy)."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gradewise.model import Part
from gradewise.privacy import EMAIL, ID, NAME, Identity, part_words, scrub

ADA = Identity("s2024001", "Ada Lovelace", "ada.l@uni.test")


@pytest.mark.parametrize(
    "text, who, expected",
    [
        ("Ada Lovelace: the gradient is 0", ADA, "[name]: the gradient is 0"),  # full name
        ("ada lovelace wrote this", ADA, "[name] wrote this"),  # in any case
        ("Ada\n  Lovelace", ADA, "[name]"),  # the name broken over lines
        ("signed, Lovelace", ADA, "signed, [name]"),  # one name word alone
        ("ADA says hi", ADA, "[name] says hi"),  # shouted
        ("Ada's answer", ADA, "[name]'s answer"),  # a possessive keeps its 's
        ("Adaptive step sizes", ADA, "Adaptive step sizes"),  # not inside a longer word
        ("the adam optimiser", ADA, "the adam optimiser"),  # a near miss is left
        ("id s2024001 here", ADA, "id [id] here"),  # the student id
        ("S2024001", ADA, "[id]"),  # the id in another case
        ("s20240012 is another", ADA, "s20240012 is another"),  # a longer id is someone else
        ("mail ada.l@uni.test", ADA, "mail [email]"),  # the roster email
        ("or bob+x@mail.example.org.", ADA, "or [email]."),  # any email-like string
        ("s2024001@uni.test", ADA, "[email]"),  # an email made of the id is one email
        ("a@b is not an address", ADA, "a@b is not an address"),  # no dot after the @
        ("x = 1 + 2", ADA, "x = 1 + 2"),  # nothing to hide: the text as it was
        ("", ADA, ""),  # an empty answer
        ("Li wrote it", Identity("s9", "Li Wu"), "Li wrote it"),  # two-letter names are words
        ("s9 wrote it", Identity("s9", "Li Wu"), "s9 wrote it"),  # so are two-letter ids
        ("Li Wu wrote it", Identity("s9", "Li Wu"), "[name] wrote it"),  # the full name is not
        ("José Ñúñez", Identity("s3", "José Ñúñez"), "[name]"),  # letters beyond ASCII
        ("ÑÚÑEZ alone", Identity("s3", "José Ñúñez"), "[name] alone"),  # ... in any case
        (
            "O'Brien and Smith-Jones",
            Identity("s4", "Pat O'Brien Smith-Jones"),
            "[name] and [name]",
        ),  # names with apostrophes and hyphens
        ("Lovelace, Ada", Identity("s1", "Lovelace, Ada"), "[name]"),  # a roster's "Last, First"
        ("Ada (a.b.c) [x]", Identity("a.b.c", "Ada"), "[name] ([id]) [x]"),  # regex characters
        ("nobody@x.org and Ada", None, "[email] and Ada"),  # no roster entry: emails still go
    ],
)
def test_scrub_truth_table(text: str, who: Identity | None, expected: str) -> None:
    assert scrub(text, who).text == expected


ADAM = Identity("s7", "Adam Smith")
PART = Part("I.1", "1", "Why does the Adam optimiser converge?", 2, reference="Adaptive steps.")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Adam adapts its steps", "Adam adapts its steps"),  # a term of the part: kept
        ("ADAM adapts", "ADAM adapts"),  # in any case
        ("Smith: Adam adapts", "[name]: Adam adapts"),  # the other name word is no term
        ("Adam Smith: Adam adapts", "[name]: Adam adapts"),  # the full name always goes
    ],
)
def test_a_name_word_the_part_uses_is_kept(text: str, expected: str) -> None:
    assert scrub(text, ADAM, keep=part_words(PART)).text == expected


def test_part_words_are_its_texts_words() -> None:
    assert {"adam", "optimiser", "adaptive", "steps"} <= part_words(PART)
    assert "smith" not in part_words(PART)


def test_placeholders_are_visible_words() -> None:
    assert (NAME, ID, EMAIL) == ("[name]", "[id]", "[email]")


@pytest.mark.parametrize(
    "text, span, original",
    [
        ("Ada Lovelace: w = 3", (8, 13), "w = 3"),  # after a placeholder: shifted back
        ("w = 3, by Ada", (0, 5), "w = 3"),  # before any: unchanged
        ("I, Ada Lovelace, say w = 3", (3, 14), "Ada Lovelace, say"),  # a placeholder inside
        ("Ada Lovelace: w = 3", (2, 4), "Ada Lovelace"),  # inside one: the whole name
        ("s2024001 and s2024001 agree", (4, 9), " and "),  # between two
    ],
)
def test_spans_map_back_to_the_original(text: str, span: tuple[int, int], original: str) -> None:
    done = scrub(text, ADA)
    start, end = done.original(span)
    assert text[start:end] == original


@pytest.mark.parametrize(
    "text, span, shown",
    [
        ("Ada Lovelace: w = 3", (14, 19), "w = 3"),  # after a placeholder: shifted
        ("I, Ada Lovelace, say w = 3", (0, 26), "I, [name], say w = 3"),  # across one
        ("Ada Lovelace: w = 3", (4, 8), "[name]"),  # inside the name: the placeholder
    ],
)
def test_spans_map_into_the_scrubbed_text(text: str, span: tuple[int, int], shown: str) -> None:
    done = scrub(text, ADA)
    start, end = done.scrubbed(span)
    assert done.text[start:end] == shown


def test_a_long_answer_is_scrubbed_quickly() -> None:
    # No quadratic scanning on a long run of word characters with no '@' in it.
    done = scrub("a" * 200_000 + " Ada", ADA)
    assert done.text.endswith(" [name]")


words = st.text(st.characters(categories=["L"]), min_size=3, max_size=10)


@settings(max_examples=200, deadline=None)
@given(first=words, last=words, before=st.text(max_size=30), after=st.text(max_size=30))
def test_a_written_name_never_survives(first: str, last: str, before: str, after: str) -> None:
    assume({first.lower(), last.lower()}.isdisjoint({"name", "id", "email"}))  # placeholders
    who = Identity("s1234", f"{first} {last}")
    text = f"{before} {first} {last} {after}"
    done = scrub(text, who)
    for word in (first, last):
        assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", done.text, re.IGNORECASE)
