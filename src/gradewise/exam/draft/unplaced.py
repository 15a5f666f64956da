"""The last check of a draft: no question of the document is left out without a word.

The drafter's rules place what they recognise; a layout they do not know can make a question
vanish from the draft (a heading style, an environment, a list nested one level deeper). Here
every line of the documents that looks like the start of a question (`Question 4`, `Problem 2:`,
`7. ...`, a line with its points, an instruction such as "Prove that ..." or a sentence asking
something) is looked for in what was drafted: its words in some prompt, solution, key, rubric or
title, or, for a bare `Problem 4`, a drafted question 4. What is found nowhere is listed at the
top of the draft ("Could not place"), so the instructor adds it by hand instead of grading an
exam with a question missing. A line that starts a question beyond doubt (its number not among
the draft's questions, a numbered or heading line with its points, `\\problem`) is listed even
when its words are in the draft: then it was swallowed by the question before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from gradewise.exam.draft import patterns as p
from gradewise.exam.draft.collect import Val
from gradewise.exam.draft.documents import Line
from gradewise.exam.draft.resolve import Draft, PartDraft

# Words that open a question by name, and the number after them ('Question 3', 'Q3', 'Ex. 2.1').
_NAMED = re.compile(
    rf"^(?:question|problem|exercise|task|ex|q|prob|{p.OTHER_QUESTION_WORDS})\.?\s*"
    r"(\d+(?:\.\d+)*)(?![\d.]*\s*%)",
    re.I,
)
# 'Question 3 is a bonus ...': a sentence about a question, not its start.
_SAYS = re.compile(r"^\s*(?:is|are|was|has|have|will|counts?|carries|gives|may|can|must)\b", re.I)
# A question named inside a line: 'Marking rubric for Question 2', 'Solution to Problem 3'.
_MENTION = re.compile(r"\b(?:question|problem|exercise|task|q)\.?\s*(\d+(?:\.\d+)*)", re.I)
# What the draft keeps apart from a prompt: a leading number ('1.2', 'B1.', 'Q.3'), a total,
# bare marks '(2)', and a key after the prompt.
_NUMBER = re.compile(r"^\s*(?:q\.?\s*)?\(?[a-z]?\d+(?:\.\d+)*[.):]?\s+", re.I)
_TOTAL = re.compile(r"[(\[]\s*total\b[^)\]]*[)\]]", re.I)
_BARE = re.compile(r"[(\[]\s*\d+(?:\.\d+)?\s*[)\]]")
_INLINE_KEY = re.compile(r"\*{0,2}\b(?:answer|ans|solution|key)\s*:", re.I)
# Lines that speak about a question rather than ask one.
_ABOUT = re.compile(
    r"^(?:ans(?:wer)?s?|sol(?:ution)?s?|rubric|marking|mark scheme|key|hint|note|remark|step|"
    r"why|because|explanation|proof|therefore|hence|thus)\b",
    re.I,
)
# A numbered item: '7.', '7)', '(7)'.
_NUMBERED = re.compile(r"^\(?(\d{1,2})[.)]\s")
# Points that are a sum, not a question's own: 'out of 100 points', '30 marks total'.
_SUM = re.compile(r"\b(?:total|out of|worth|sum|each|earn|per|bonus|all)\b", re.I)
# A lettered or roman item label: '(a)', 'b)', 'iv.'.
_LABEL = re.compile(r"^\(?(?:[a-z]|[ivx]{1,4})[.)]\s+", re.I)
# An instruction that sets a task, at the start of a sentence (not how to write answers down).
_TASK = re.compile(
    r"(?:^|[.:!?]\s+)(?!show (?:all|your)|explain your|justify your"
    r"|\w+ (?:the following|all|each|every|any)\b)"  # 'Solve the following problems.'
    r"(?:prove|show|compute|calculate|find|determine|derive|explain|evaluate|solve|"
    r"give an? |provide an? |state and prove|sketch|verify)\b"
    r"(?=\s+[A-Za-z$\\])",  # then words, never code ('find :: Foldable t => ...')
    re.I,
)
# A question's own macro left as written (its definition not found): `\problem{3}{...}`.
_MACRO = re.compile(r"^\\(?:problem|question|exercise|task)s?\b", re.I)
_BULLET = re.compile(r"^\s*[-*+•]\s")
# Markup before the text of a line: headings, quotes, bullets, emphasis.
_LEAD = re.compile(r"^[\s#>*_+\-|]*")
_WORD = re.compile(r"[a-z0-9]+")
# How many of a line's first words must appear together in the draft for it to count as placed.
_RUN = 6


_NOWHERE = "in no drafted question"
_INSIDE = "drafted inside another question's text, not as a question of its own"


def says_missed(note: str) -> bool:
    """Whether a note of the draft is one of `unplaced`'s: a question it may have missed."""
    return _NOWHERE in note or _INSIDE in note


def unplaced(lines: Sequence[Line], draft: Draft) -> list[Val[str]]:
    """Notes for the lines that look like a question's start and are nowhere in the draft, or
    only inside another question's text."""
    placed = " " + " | ".join(_words(text) for text in _drafted_texts(draft)) + " "
    numbers = _drafted_numbers(draft)
    headers = _headers(draft)
    marked = _marks_lines(draft)
    notes: list[Val[str]] = []
    fenced = False
    listed: tuple[int, int] = (-9, -9)  # (number, index) of the last numbered line of a list
    for index, line in enumerate(lines):
        if line.text.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        header = (line.loc.source, line.loc.line) in headers
        number = _NUMBERED.match(_LEAD.sub("", line.text).strip())
        in_list = False
        if number is not None:
            n = int(number.group(1))
            # '5) Push' right after '4) Commit' (no question of the draft): a list's next step
            in_list = listed[0] == n - 1 and index - listed[1] <= 3
            listed = (n, index) if not header else (-9, -9)
        if fenced or header or in_list:
            continue
        found = _missing(line.text, placed, numbers)
        if found is None:
            continue
        reason, inside = found
        if reason == _POINTS_HEADING and _heads(lines, index, headers, marked):
            continue
        shown = " ".join(line.text.split())
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        where = _INSIDE if inside else _NOWHERE
        fix = "split it off by hand" if inside else "add it by hand"
        notes.append(Val(f"{reason}, {where}: '{shown}' ({fix})", line.loc))
    return notes


def _missing(text: str, placed: str, numbers: set[str]) -> tuple[str, bool] | None:
    """Why the line looks like a question that the draft lacks, and whether its words are in
    the draft (inside another question), or None."""
    body = _LEAD.sub("", text).strip()
    if not body:
        return None
    named = _NAMED.match(body)
    if named is not None and _SAYS.match(body[named.end() :]):
        named = None  # 'Question 3 is a bonus and worth nothing.'
    numbered = _NUMBERED.match(body)
    heading = text.lstrip().startswith("#")
    # A question's start beyond doubt: by its number, a numbered or heading line with its
    # points, its own macro. Not one of the draft's questions, wherever its words went.
    strong = None
    if named is not None:
        strong = None if named.group(1) in numbers else "a question by its number"
        if strong is None:
            return None
    elif numbered is not None and numbered.group(1) not in numbers and _own_points(body):
        strong = "a numbered question with its points"
    elif heading and _own_points(body) and not _part_label(body):
        strong = _POINTS_HEADING
    elif _MACRO.match(body):
        strong = "a question's macro"
    if strong is not None:
        rest = _content(_LABEL.sub("", body[named.end() :] if named else body))
        return strong, len(rest) >= 2 and _found(rest, placed)
    if numbered is not None:
        rest = _content(body[numbered.end() :])
        if numbered.group(1) in numbers or len(rest) < 3 or _found(rest, placed):
            return None
        return "a numbered item", False
    body = _LABEL.sub("", body)
    if _ABOUT.match(body):
        return None  # an answer, a rubric line, a hint: about a question, not one
    mention = _MENTION.search(body)
    if mention is not None and mention.group(1) in numbers:
        return None  # 'Rubric for Question 2 (10 marks)': about a question the draft has
    words = _content(body)
    if len(words) < 3 or _found(words, placed):
        return None
    if _own_points(body):
        return "a line with points", False
    if _BULLET.match(text):
        return None  # a list's item: a step of some answer, not a question of its own
    if _TASK.search(body) or (body.endswith("?") and len(words) >= 5):
        return "a task or a question", False
    return None


_POINTS_HEADING = "a heading with points"


def _part_label(body: str) -> bool:
    """'(a) (5 points)', 'Part (b): ... [4 marks]': a part's heading, not a question's."""
    return p.part_heading(body) is not None or p.lettered_item(body) is not None


def _heads(
    lines: Sequence[Line], index: int, headers: set[tuple[str, int]], marked: set[tuple[str, int]]
) -> bool:
    """Whether a heading with points is drafted all the same: the marks of the question
    under it ('## (10 points)' under 'Question 1'), or the title of a group whose next line
    with words starts a drafted question ('## Calculus (20 points)' over '1. ... [10 marks]')."""
    loc = lines[index].loc
    if (loc.source, loc.line) in marked:
        return True
    for line in lines[index + 1 :]:
        if _WORD.search(_LEAD.sub("", line.text).lower()):
            return (line.loc.source, line.loc.line) in headers
    return False


def _own_points(body: str) -> bool:
    """Marks as the drafter reads them on a question's line ('(3 pts)', '[4 marks]', '/4'),
    not a sum ('out of 100 points')."""
    return p.marks_one(body) is not None and not _SUM.search(body)


def _headers(draft: Draft) -> set[tuple[str, int]]:
    """The lines the draft's sections, questions and parts start on."""
    out: set[tuple[str, int]] = set()
    for section in draft.sections:
        out.add((section.loc.source, section.loc.line))
        for question in section.questions:
            for loc in (question.loc, question.own.loc, *(part.loc for part in question.parts)):
                out.add((loc.source, loc.line))
    return out


def _marks_lines(draft: Draft) -> set[tuple[str, int]]:
    """The lines the draft's marks were read from."""
    out: set[tuple[str, int]] = set()
    for section in draft.sections:
        for question in section.questions:
            for part in (question.own, *question.parts):
                if part.marks is not None:
                    out.add((part.marks.loc.source, part.marks.loc.line))
    return out


def _content(text: str) -> list[str]:
    """The line's words as the draft keeps them: without its number, its points, and a key
    written after the prompt on the same line ('What is 2+3? Answer: 5')."""
    text = _INLINE_KEY.split(text, maxsplit=1)[0]
    text = _NUMBER.sub("", p.strip_marks(_TOTAL.sub(" ", text)).lower().lstrip())
    return _WORD.findall(_BARE.sub(" ", text))


def _found(words: list[str], placed: str) -> bool:
    """Whether the line's first words, or most of its three-word runs, are in the draft."""
    if f" {' '.join(words[:_RUN])} " in placed:
        return True
    runs = [" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))]
    return sum(f" {run} " in placed for run in runs) >= 0.6 * len(runs)


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _drafted_texts(draft: Draft) -> Iterator[str]:
    if draft.title is not None:
        yield draft.title.value
    for val in (*draft.notes, *draft.todo):
        yield val.value
    for section in draft.sections:
        if section.title is not None:
            yield section.title.value
        for question in section.questions:
            for part in (question.own, *question.parts):
                yield from _part_texts(part)


def _part_texts(part: PartDraft) -> Iterator[str]:
    for val in (part.prompt, part.reference, part.guidance):
        if val is not None:
            yield val.value
    if part.key is not None:
        yield from _strings(part.key.value)
    for criterion in part.rubric:
        yield criterion.text


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _drafted_numbers(draft: Draft) -> set[str]:
    """'3', '3.1' and '3.a' for question 3 and its parts: what a bare 'Problem 3' may name."""
    numbers: set[str] = set()
    for section in draft.sections:
        for question in section.questions:
            qid = question.id.lstrip("Qq")
            numbers.add(qid)
            numbers.update(f"{qid}.{part.id}" for part in question.parts)
    return numbers
