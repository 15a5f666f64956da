"""The one CSV writer every export uses: text a spreadsheet cannot run, numbers kept as numbers.

A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` as a formula, and a leading tab
or carriage return can hide one (OWASP's CSV injection guidance). Exports carry text that
students and others wrote (ids, names, emails, answers, the exam title), so a text cell that
begins with one of these gets a leading `'`, which spreadsheets show as text rather than run.

The cell's Python type decides, never its look: an `int` or `float` is a number and is written
as one (a deduction of -1 stays -1), while a `str` is always text, so a student's answer "-1" is
written `'-1`. A text that already begins with quotes before such a character gets one quote
more, so `restore` gives back exactly what was written when gradewise reads its own file.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

Cell = str | int | float

_FORMULA = re.compile(r"'*[=+\-@\t\r]")  # what cell() quotes
_QUOTED = re.compile(r"'+[=+\-@\t\r]")  # what cell() wrote for it


def number(value: float) -> str:
    """A number as the exports write it: at most 4 decimals, no trailing zeros."""
    return f"{round(value, 4):g}"


def cell(value: Cell) -> str:
    """One cell's text: numbers as numbers, text neutralised where it would start a formula."""
    if isinstance(value, bool | int):
        return str(int(value))
    if isinstance(value, float):
        return number(value)
    return "'" + value if _FORMULA.match(value) else value


def restore(text: str) -> str:
    """Undo `cell` on a text cell read back from a gradewise export."""
    return text[1:] if _QUOTED.match(text) else text


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    """Write a table as UTF-8 CSV, every cell (the header too) through `cell`."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([cell(c) for c in header])
        writer.writerows([cell(c) for c in row] for row in rows)
