"""Opening PDFs (exam papers and answer scripts) with pypdf, failures as one-line errors."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

from gradewise.errors import GradewiseError


def open_pdf(data: bytes, source: str, *, error: type[GradewiseError], then: str) -> Any:
    """A pypdf reader, decrypted if it only has an empty password; `error` otherwise, whose fix
    ends with `then` (what to do with the repaired copy: "use that", "add that")."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not for instructors
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise error(
                "is an encrypted PDF",
                file=source,
                fix=f"save an unprotected copy (open it and print to PDF) and {then}",
            )
        len(reader.pages)  # a broken page tree only shows here
    except GradewiseError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, NotImplementedError) as exc:
        raise error(
            f"is not a readable PDF ({type(exc).__name__})",
            file=source,
            fix="open it in a PDF viewer and save or print it to a new PDF",
        ) from None
    return reader


# --- running headers and footers ------------------------------------------------------------

EDGE = 3  # lines with text at the top and at the bottom of a page where running headers sit


def _shape(text: str) -> str:
    """A line as a running header repeats it: its numbers (the page's) and spacing left out."""
    return " ".join(re.sub(r"\d+", "#", text).lower().split())


def _edges(lines: Sequence[str]) -> set[int]:
    """The indexes of the first and last few lines with text of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return set(filled[:EDGE]) | set(filled[-EDGE:])


def running_lines(
    pages: Sequence[Sequence[str]], opens: Callable[[str], bool] = lambda _: False
) -> list[set[int]]:
    """For each page, the indexes of its running header and footer lines: a line at its top or
    bottom that half the pages or more repeat (numbers aside), on 2 pages at least ('MATH 2040
    Final — Fall 2026', 'Quiz 3 — Ana Lima (s9)'). A line that `opens` something (a question,
    a label: 'Question 2' atop each page) never runs."""
    if len(pages) < 2:
        return [set() for _ in pages]
    seen: dict[str, int] = {}
    for lines in pages:
        shapes = {_shape(lines[i]) for i in _edges(lines) if not opens(lines[i])}
        for shape in shapes - {""}:
            seen[shape] = seen.get(shape, 0) + 1
    running = {shape for shape, count in seen.items() if count >= max(2, (len(pages) + 1) // 2)}
    return [
        {i for i in _edges(lines) if _shape(lines[i]) in running and not opens(lines[i])}
        for lines in pages
    ]
