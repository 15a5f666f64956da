"""Jupyter notebooks (.ipynb) as the Markdown the drafter reads, cell by cell.

Notebooks are how many machine-learning and data-science courses set exams and assignments,
mostly with one of two autograding tools whose marks live outside the text:
- nbgrader: a cell's metadata `nbgrader` says `points`, whether it is a `solution` (the model
  answer, code between `### BEGIN SOLUTION` / `### END SOLUTION`), a `task` or a `grade` cell
  (tests that award the points);
- Otter-Grader: raw cells `# BEGIN QUESTION` (a YAML block: `name`, `points`) ... `# END
  QUESTION` around a question, `# BEGIN SOLUTION` / `# END SOLUTION` and `# BEGIN TESTS` /
  `# END TESTS` around cells, and `... # SOLUTION` on single lines.

What comes out: Markdown cells as written; a question's points (summed over its graded cells)
at the end of its prompt's first line, `[N points]`, unless the prompt states its marks; the
model answer as `Solution:` over a fenced code block (the solution lines only); tests and the
release's placeholders ('YOUR CODE HERE', 'YOUR ANSWER HERE') left out; other code as fenced
code in the prompt. Each line keeps its place: cell N, line M.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from gradewise.exam.draft import patterns as p
from gradewise.exam.draft.documents import DocumentError, Line, Loc, Note

# Otter-Grader's markers in raw (or code/markdown) cells and on code lines.
_OTTER = re.compile(
    r"^\s*(?:#|<!--)\s*(?P<end>BEGIN|END)\s+(?P<what>QUESTION|SOLUTION|TESTS|PROMPT)\b(?P<rest>.*)$",
    re.I,
)
_NB_SOLUTION = re.compile(r"^\s*#{2,3}\s*(?P<end>BEGIN|END)\s+SOLUTION\b", re.I)
_NB_HIDDEN = re.compile(r"^\s*#{2,3}\s*(?:BEGIN|END)\s+HIDDEN\s+TESTS\b", re.I)
_SOLUTION_LINE = re.compile(r"\s*#\s*SOLUTION\s*(?:NO\s+PROMPT)?\s*$", re.I)
_PLACEHOLDER = re.compile(
    r"(?i)^\s*(?:#\s*)?(?:your (?:code|answer) here|raise NotImplementedError\(\)|\.\.\.)\s*$"
)
_POINTS = re.compile(r"(?im)^\s*points\s*:\s*(?P<points>\d+(?:\.\d+)?)")


@dataclass
class _Question:
    """Where a question's prompt went in the output, and the points its cells carry."""

    first: int  # index of its prompt's first line in the output
    points: float = 0.0
    stated: bool = False  # the prompt writes its marks itself


@dataclass
class _Reader:
    source: str
    out: list[Line] = field(default_factory=list)
    question: _Question | None = None
    questions: list[_Question] = field(default_factory=list)
    otter_points: float | None = None  # from '# BEGIN QUESTION ... points: N', until its prompt
    in_solution: bool = False  # between Otter's BEGIN and END SOLUTION cells
    in_tests: bool = False

    def emit(self, text: str, cell: int, line: int) -> None:
        self.out.append(Line(text, Loc(self.source, line, page=cell, page_unit="cell")))

    def prompt(self, lines: list[str], cell: int) -> None:
        """A Markdown cell: a new question's (or part's) prompt when it opens with a label or
        a heading, or when the one before already has its points; else more of its text."""
        if not any(text.strip() for text in lines):
            return
        opening = next(text for text in lines if text.strip())
        if self.question is None or self.question.points > 0 or _labelled(opening):
            self.question = _Question(first=len(self.out))
            self.questions.append(self.question)
            if self.otter_points is not None:
                self.question.points += self.otter_points
                self.otter_points = None
        self.question.stated |= any(p.marks_one(text) is not None for text in lines)
        for number, text in enumerate(lines, 1):
            self.emit(text, cell, number)
        self.emit("", cell, len(lines))

    def solution(self, lines: list[tuple[int, str]], cell: int, *, fenced: bool) -> None:
        """The model answer: 'Solution:' over its lines (placeholders and markers dropped)."""
        kept = [(n, t) for n, t in lines if not _PLACEHOLDER.match(t)]
        if not any(t.strip() for _, t in kept):
            return
        self.emit("Solution:", cell, kept[0][0])
        if fenced:
            self.emit("```", cell, kept[0][0])
        for number, text in kept:
            self.emit(text, cell, number)
        if fenced:
            self.emit("```", cell, kept[-1][0])
        self.emit("", cell, kept[-1][0])

    def code(self, lines: list[str], cell: int) -> None:
        """Code given with the question (data loading, a function to complete): fenced."""
        if not any(t.strip() for t in lines):
            return
        self.emit("```", cell, 1)
        for number, text in enumerate(lines, 1):
            self.emit(text, cell, number)
        self.emit("```", cell, len(lines))
        self.emit("", cell, len(lines))

    def points(self, value: float) -> None:
        if self.question is not None:
            self.question.points += value

    def finish(self) -> list[Line]:
        """The points of each question written on its prompt's first line."""
        for question in self.questions:
            if question.points <= 0 or question.stated:
                continue
            first = self.out[question.first]
            points = f"{question.points:g}"
            word = "point" if points == "1" else "points"
            self.out[question.first] = Line(f"{first.text.rstrip()} [{points} {word}]", first.loc)
        return self.out


def notebook_lines(data: bytes, source: str) -> tuple[list[Line], list[Note]]:
    """The notebook's cells as Markdown lines (see the module docstring)."""
    cells = _cells(data, source)
    reader = _Reader(source)
    for number, cell in enumerate(cells, 1):
        _read_cell(reader, cell, number)
    notes = []
    if not reader.out:
        notes.append(Note("the notebook has no Markdown or code cells", Loc(source, 1)))
    return reader.finish(), notes


def _cells(data: bytes, source: str) -> list[dict[str, Any]]:
    """The notebook's cells: format 4's `cells`, or format 3's `worksheets` (code in
    `input`); DocumentError otherwise. The format is JSON, read with the standard library
    (nbformat would add six packages to read the same two fields)."""
    try:
        notebook = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(
            f"is not a readable Jupyter notebook ({type(exc).__name__})",
            file=source,
            fix="open it in Jupyter and save it again, or export it as Markdown (.md) or PDF",
        ) from None
    cells: Any = notebook.get("cells") if isinstance(notebook, dict) else None
    if cells is None and isinstance(notebook, dict):
        sheets = notebook.get("worksheets") or [{}]
        cells = [
            {**c, "source": c.get("source", c.get("input", ""))}
            for sheet in sheets
            if isinstance(sheet, dict)
            for c in sheet.get("cells") or []
            if isinstance(c, dict)
        ] or None
    if not isinstance(cells, list):
        raise DocumentError(
            "is a Jupyter notebook without cells",
            file=source,
            fix="open it in Jupyter and save it again",
        )
    return [c for c in cells if isinstance(c, dict)]


def _source(cell: dict[str, Any]) -> list[str]:
    text = cell.get("source", "")
    if isinstance(text, list):
        text = "".join(str(t) for t in text)
    return str(text).splitlines()


def _read_cell(reader: _Reader, cell: dict[str, Any], number: int) -> None:
    lines = _source(cell)
    kind = cell.get("cell_type")
    if kind == "raw" or (kind == "markdown" and lines and _OTTER.match(lines[0])):
        # Otter's markers: a raw cell of them (with a question's YAML), or HTML comments
        # around a Markdown prompt ('<!-- BEGIN QUESTION -->')
        while lines and (lines[0].strip() == "" or _OTTER.match(lines[0])):
            marker = _OTTER.match(lines[0])
            if marker is not None:
                _otter_marker(reader, marker, lines)
            lines = lines[1:]
        if kind == "raw":
            return
    if kind == "code" and len(lines) == 1 and (marker := _OTTER.match(lines[0])) is not None:
        _otter_marker(reader, marker, lines)
        return
    trailing = [m for t in lines if kind == "markdown" and (m := _OTTER.match(t)) is not None]
    lines = [t for t in lines if kind != "markdown" or not _OTTER.match(t)]
    meta = (cell.get("metadata") or {}).get("nbgrader") or {}
    points = _number(meta.get("points")) if meta.get("grade") or meta.get("task") else 0.0
    if reader.in_tests or (kind == "code" and meta.get("grade") and not meta.get("solution")):
        reader.points(points)  # tests: the points count, the code does not
    elif kind == "markdown":
        if meta.get("solution") or reader.in_solution:
            reader.solution(list(enumerate(lines, 1)), number, fenced=False)
        else:
            reader.prompt(lines, number)
        reader.points(points)
    elif kind == "code":
        _code_cell(reader, lines, number, solution=bool(meta.get("solution")))
        reader.points(points)
    for marker in trailing:
        _otter_marker(reader, marker, [])


def _code_cell(reader: _Reader, lines: list[str], number: int, *, solution: bool) -> None:
    """A code cell: the model answer where nbgrader or Otter marks it, the rest given code."""
    marked = _solution_lines(lines)
    if any(_PLACEHOLDER.match(text) for text in lines) and not marked:
        reader.code([t for t in lines if not _PLACEHOLDER.match(t)], number)  # the release
    elif solution or reader.in_solution:
        reader.solution(marked or list(enumerate(lines, 1)), number, fenced=True)
    elif marked:
        taken = {n for n, _ in marked}
        given = [
            t
            for n, t in enumerate(lines, 1)
            if n not in taken and not _NB_SOLUTION.match(t) and not _OTTER.match(t)
        ]
        reader.code(given, number)
        reader.solution(marked, number, fenced=True)
    else:
        reader.code(lines, number)


def _otter_marker(reader: _Reader, marker: re.Match[str], lines: list[str]) -> None:
    """'# BEGIN QUESTION' (its YAML: points), '# BEGIN/END SOLUTION', '# BEGIN/END TESTS'."""
    begin = marker["end"].upper() == "BEGIN"
    what = marker["what"].upper()
    if what == "QUESTION":
        reader.question = None
        if begin:
            found = _POINTS.search("\n".join([marker["rest"], *lines[1:]]))
            reader.otter_points = _number(found["points"]) if found else None
    elif what == "SOLUTION":
        reader.in_solution = begin
    elif what == "TESTS":
        reader.in_tests = begin


def _solution_lines(lines: list[str]) -> list[tuple[int, str]]:
    """The lines between '### BEGIN SOLUTION' and '### END SOLUTION', and those ending
    '# SOLUTION' (that comment dropped); [] when the cell marks none."""
    out: list[tuple[int, str]] = []
    inside = False
    for number, text in enumerate(lines, 1):
        marker = _NB_SOLUTION.match(text) or _OTTER.match(text)
        if marker is not None and (
            _NB_SOLUTION.match(text) or marker.groupdict().get("what", "").upper() == "SOLUTION"
        ):
            inside = marker["end"].upper() == "BEGIN"
            continue
        if inside and not _NB_HIDDEN.match(text):
            out.append((number, text))
        elif _SOLUTION_LINE.search(text):
            out.append((number, _SOLUTION_LINE.sub("", text)))
    return out


def _labelled(text: str) -> bool:
    """A line opening a question or a part: '## Question 2', '**1.**', '(b)', 'Q3'."""
    return (
        p.heading_level(text) is not None
        or p.question_header(text) is not None
        or p.numbered_item(text) is not None
        or p.lettered_item(text) is not None
    )


def _number(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if number > 0 else 0.0
