"""Segmentation fuzzed: whatever a script holds, it never raises, finishes quickly, and every
character of the script lands in exactly one place (a part's answer, a cut label, or unplaced)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradewise.errors import ScriptError
from gradewise.model import NOT_ANSWERED, Exam, Part, Question, Section
from gradewise.scripts.ingest import front_matter
from gradewise.scripts.segment import NO_ANSWER, Segmentation, _furniture, segment


def _question(section: str, qid: str, parts: str) -> Question:
    made = tuple(Part(f"{section}.{qid}.{p}", p, "", 1.0) for p in parts.split())
    return Question(qid, "", made or (Part(f"{section}.{qid}", qid, "", 1.0),))


# Two sections numbering from 1, parts by letter, roman and digit, one question without parts.
EXAM = Exam(
    "fuzz",
    "Fuzz",
    (
        Section("I", "", (_question("I", "1", ""), _question("I", "2", "a b c"))),
        Section("II", "", (_question("II", "1", "i ii iii"), _question("II", "3", "1 2"))),
    ),
)
ADDRESSES = {p.address for p in EXAM.parts()}

# What scripts are made of: labels in the styles students write, markup, and any text.
LABELS = [
    "Q1",
    "Q2 (a)",
    "Q 2",
    "Question 3:",
    "Question-1",
    "Ans 2",
    "Part II",
    "Part (b)",
    "Section B",
    "II.1",
    "II.3.2",
    "2a",
    "2. a)",
    "(b)",
    "b)",
    "(c)",
    "ii.",
    "(iii)",
    "3.",
    "1)",
    "①",
    "②",
    "ⓑ",
    r"\textcircled{a}",
    r"$$(ii)",
    "A.1",
    "**Q1**",
    "## Q2",
]
MARKUP = [
    "\n",
    "\n\n",
    "  ",
    "\t",
    "\r\n",
    "\f",
    "$",
    "$$",
    "**",
    "> ",
    "- ",
    "# ",
    ": ",
    "---\n",
    "---\nstudent: s1\nname: Ada\n---\n",
    "Name: Ada Lovelace\n",
    "Student ID: s1\n",
]
PIECES = st.one_of(st.sampled_from(LABELS), st.sampled_from(MARKUP), st.text(max_size=12))
SCRIPTS = st.one_of(st.lists(PIECES, max_size=40).map("".join), st.text(max_size=300))


def _body(text: str) -> int:
    try:
        return front_matter(text)[1]
    except ScriptError:
        return 0


def _visible(text: str) -> Counter[str]:
    return Counter(c for c in text if not c.isspace())


def _check_pieces(seg: Segmentation, text: str) -> None:
    """The pieces tile the body from the first one to the end; before it only blanks."""
    body = _body(text)
    if not seg.pieces:
        assert not text[body:].strip()
        return
    assert body <= seg.pieces[0].start and not text[body : seg.pieces[0].start].strip()
    assert seg.pieces[-1].end == len(text)
    for before, after in zip(seg.pieces, seg.pieces[1:], strict=False):
        assert before.end == after.start
    for piece in seg.pieces:
        assert piece.start < piece.end and (piece.address is None or piece.address in ADDRESSES)
        if piece.cut is not None:
            assert piece.start <= piece.cut[0] <= piece.cut[1] <= piece.end


def _check_answers(seg: Segmentation, text: str) -> None:
    """Every visible character once: in an answer, a cut label, or an unplaced piece."""
    answers = seg.answers("s1")
    assert [a.address for a in answers] == [p.address for p in EXAM.parts()]
    placed = Counter[str]()
    for answer in answers:
        placed += _visible(answer.text)
        assert all(0 <= s <= e <= len(text) for s, e in answer.spans)
        assert answer.text or answer.flag in (NO_ANSWER, NOT_ANSWERED)
    name = seg.name_words()
    running = seg.running_lines()  # a line atop or below every page, as furniture
    for piece in seg.pieces:
        if piece.cut is not None:
            placed += _visible(text[piece.cut[0] : piece.cut[1]])
        if piece.address is None:
            placed += _visible(text[piece.start : piece.end])
        else:  # a page's furniture ("Page 2 of 4") is left out of the answer, and only that
            kept = seg._piece_text(piece)
            dropped = (x for x in kept.splitlines() if _furniture(x, name) or x.strip() in running)
            placed += _visible("".join(dropped))
    assert placed == _visible(text[_body(text) :])


@settings(
    max_examples=300,
    deadline=timedelta(seconds=2),  # linear walk: a few ms; a backtracking regex takes seconds
    suppress_health_check=[HealthCheck.too_slow],
)
@given(SCRIPTS)
def test_any_script_segments_into_one_place_per_character(text: str) -> None:
    seg = segment(text, EXAM, identity=("s1", "Ada Lovelace"))
    _check_pieces(seg, text)
    _check_answers(seg, text)
    decided = {a.flag for a in seg.answers("s1") if not a.text} == {NOT_ANSWERED}
    assert not decided or not seg.unplaced()  # "not answered" only when nothing is unplaced
