"""Draft an exam file from the documents instructors already have.

`draft_exam(paths)` reads a paper (and, optionally, its solutions in further documents) as
Markdown, LaTeX (.tex), plain text, a PDF with a text layer, a .docx or a notebook (or a
Moodle question bank: XML, `moodle.py`; GIFT and Aiken, `banks.py`), and returns a `Draft`;
`render(draft)` writes it as exam YAML where every value says where it came from and what
could not be placed is listed at the top. Two passes: `collect` walks the lines once,
`resolve` decides what they mean once paper and solutions are both read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from gradewise.exam.draft.banks import aiken_questions, gift_questions
from gradewise.exam.draft.collect import Val, collect
from gradewise.exam.draft.documents import DocumentError, Line, Note, read_document
from gradewise.exam.draft.render import render
from gradewise.exam.draft.resolve import Draft, resolve
from gradewise.exam.draft.tables import question_tables
from gradewise.exam.draft.topics import topic_headed
from gradewise.exam.draft.unplaced import unplaced

__all__ = ["DocumentError", "Draft", "draft_exam", "draft_lines", "render"]


def draft_exam(paths: Sequence[Path]) -> Draft:
    """Read the documents in order (paper, then solutions) and draft one exam from them."""
    if not paths:
        raise DocumentError("no document given", fix="give the exam paper, e.g. paper.md")
    if any(path.suffix.lower() == ".xml" for path in paths):
        return _draft_bank(paths)
    lines: list[Line] = []
    notes: list[Note] = []
    for path in paths:
        read, noted = read_document(path)
        if path.suffix.lower() in (".gift", ".txt"):
            read = gift_questions(read)  # Moodle's GIFT question bank
        lines.extend(question_tables(aiken_questions(read)))
        notes.extend(noted)
    return draft_lines(lines, exam_id=_slug(paths[0].stem), notes=notes)


def draft_lines(lines: list[Line], *, exam_id: str = "exam", notes: Sequence[Note] = ()) -> Draft:
    """Draft from lines already read (each knows its file and place)."""
    sources = tuple(dict.fromkeys(line.loc.source for line in lines))
    collected = collect(lines)
    if not any(s.questions for s in collected.sections.values()):
        headed = topic_headed(lines)  # problems headed 'Counting', 'Min and Max': no numbers
        if headed is not None:
            collected = collect(headed)
    collected.notes[:0] = [Val(note.text, note.loc) for note in notes]
    draft = resolve(collected, exam_id, sources)
    draft.notes.extend(unplaced(lines, draft))
    return draft


def _draft_bank(paths: Sequence[Path]) -> Draft:
    """A Moodle XML question bank: a whole exam by itself, never mixed with a paper."""
    from gradewise.exam.draft.documents import read_bytes
    from gradewise.exam.draft.moodle import draft_moodle

    if len(paths) > 1:
        raise DocumentError(
            "a Moodle XML question bank is drafted on its own",
            file=str(paths[0]),
            fix="give the .xml file alone (export one bank holding every category)",
        )
    return draft_moodle(read_bytes(paths[0]), str(paths[0]), _slug(paths[0].stem))


def _slug(stem: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "exam"
