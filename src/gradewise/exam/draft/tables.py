"""Questions written as the rows of a table ('| No. | Question | Marks |', Word papers often are):
each row written out as the numbered question (or lettered part) the drafter reads, its marks
and its answer (where the table has an answer column) on lines of their own."""

from __future__ import annotations

import re

from gradewise.exam.draft.documents import Line
from gradewise.exam.draft.patterns import is_separator_row, table_cells

_NUMBER = re.compile(
    r"^(?:q(?:uestion)?\.?\s*(?:no\.?|nr\.?|number|#)?|no\.?|nr\.?|#|s\.?\s*no\.?|number|item)$"
)
_TEXT = re.compile(r"^(?:questions?|tasks?|problems?|prompts?|items?|description)$")
_MARKS = re.compile(
    r"^(?:marks?|points?|pts\.?|score|max(?:imum|\.)?(?:\s+(?:marks?|points?|score))?|weight)$"
)
_ANSWER = re.compile(r"^(?:answers?|keys?|solutions?|correct(?:\s+answers?)?|answer\s+key)$")
# '1', 'Q2', '3.', '1(a)', '1a', '1.b', '(c)', 'd': a question's number, with its part
_ROW_ID = re.compile(
    r"^(?:q\s*)?(?P<q>\d{1,3})?\.?\s*(?:\(?(?P<part>[a-h]|[ivx]{1,4})\)?)?\.?$", re.IGNORECASE
)
_MARKS_CELL = re.compile(r"^\[?\(?(?P<n>\d{1,3}(?:\.\d+)?)\s*(?:marks?|points?|pts?\.?|p)?\)?\]?$")


def _plain(cell: str) -> str:
    return cell.strip().strip("*_`").strip().lower()


def _columns(cells: list[str]) -> dict[str, int] | None:
    """The header row's number, text, marks (and answer) columns; None for any other row."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        plain = _plain(cell)
        for name, pattern in (
            ("number", _NUMBER),
            ("text", _TEXT),
            ("marks", _MARKS),
            ("answer", _ANSWER),
        ):
            if name not in found and pattern.match(plain):
                found[name] = index
                break
    if {"number", "text", "marks"} <= found.keys():
        return found
    return None


def _row(cells: list[str], columns: dict[str, int]) -> tuple[str | None, str | None, str, str, str]:
    """(question number, part label, text, marks, answer) of a body row, as written."""

    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    m = _ROW_ID.match(_plain(cell("number")))
    if m is None or not (m["q"] or m["part"]):
        return None, None, "", "", ""
    part = m["part"].lower() if m["part"] else None
    return m["q"], part, cell("text"), cell("marks"), cell("answer")


def question_tables(lines: list[Line]) -> list[Line]:
    """Tables whose header names a number, a question and a marks column, written out as
    'Question N: text (M marks)' (or '(a) text' under 'Question N'), 'Answer: ...' after each
    row with an answer; other tables (a totals table of numbers, a rubric) and lines stay as
    they are."""
    out: list[Line] = []
    at = 0
    while at < len(lines):
        cells = table_cells(lines[at].text)
        columns = _columns(cells) if cells and lines[at].text.lstrip().startswith("|") else None
        if columns is None:
            out.append(lines[at])
            at += 1
            continue
        end = at + 1
        while end < len(lines) and table_cells(lines[end].text) is not None:
            end += 1
        rows = [table_cells(line.text) or [] for line in lines[at + 1 : end]]
        written = _written_out(rows, lines[at + 1 : end], columns)
        if written is None:
            out.extend(lines[at:end])
        else:
            out.extend(written)
        at = end
    return out


def _written_out(
    rows: list[list[str]], lines: list[Line], columns: dict[str, int]
) -> list[Line] | None:
    """The rows as the drafter's lines; None unless at least two rows ask a question in words
    (a table of numbers only is a totals table)."""
    out: list[Line] = []
    asked = 0
    question: str | None = None
    for cells, line in zip(rows, lines, strict=True):
        if is_separator_row(cells):
            continue
        number, part, text, marks, answer = _row(cells, columns)
        if not text or not re.search(r"[A-Za-z]{2}", text):
            continue
        asked += 1
        said = f" ({m['n']} marks)" if (m := _MARKS_CELL.match(_plain(marks))) else ""
        if part is None and number is not None:
            out.append(Line(f"Question {number}: {text}{said}", line.loc))
            question = number
        elif part is not None:
            if number is not None and number != question:
                out.append(Line(f"Question {number}", line.loc))
                question = number
            out.append(Line(f"({part}) {text}{said}", line.loc))
        else:
            continue
        if answer:
            out.append(Line(f"Answer: {answer}", line.loc))
        out.append(Line("", line.loc))
    return out if asked >= 2 else None
