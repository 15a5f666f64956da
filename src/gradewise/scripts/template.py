"""Answer regions from the blank paper: where each part's answer space is, read off its text.

`gradewise exam template BLANK.pdf` reads the blank exam's text layer (PDFium's text page),
finds the label the paper prints for each part of exam.yaml and takes the space after it:

- Labels are read at the start of a printed line, as papers print them: `1.`, `2)`,
  `Question 3`, `Q4`, `Problem 5:` name a question; `(a)`, `b)`, `c.`, `(iv)`, `Part (b)` a part
  of the current question; `2(c)`, `2 (c)`, `3a)`, `Question 1 (a)` both. A label counts only
  where it names the exam's next question (or a part of the current one not found yet), so a
  numbered list inside a prompt is no label. `Question 9` where the exam has none still ends
  the answer space before it.
- A part's answer space starts below its prompt (the label's paragraph: lines that follow
  each other without a gap) and runs down to the next label, or to the end of the paper; on
  each page it takes the text column's full width and stops at the running header and footer
  (text in the top and bottom `_BAND` of the page) or at the page's margin. A part whose space
  runs over a page break has one region per page.
- A part whose label is not on the paper gets no region: it is listed, never guessed.

Regions are written in fractions of the page (see `model.Region`), so they hold for a scan at
any resolution once it is aligned to the paper (`scripts.align`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradewise import pdf
from gradewise.errors import ExamError
from gradewise.model import Exam, Region
from gradewise.scripts.pages import RENDER_DPI, PageImage, stored_image

_BAND = 0.08  # top and bottom share of a page where a running header or footer is printed
_MARGIN = 0.04  # the page's margin, where there is no header or footer
_PAD = 3.0  # points between the answer space and the text around it
_MIN_HEIGHT = 14.0  # points: less space than a line of writing is no answer space
_INDENT = 6.0  # points: a bare `3.` further in than the text's left edge is a list item
_GAP = 0.8  # a gap over this many line heights ends a prompt's paragraph
_RULE = re.compile(r"[\s._\-–—…]*")  # a line of dots or underscores to write on
_QUESTION_WORD = re.compile(  # `Question 2`, `Q2.`, `Problem-3:`, `2.1 Question 4` (numbered)
    r"(?:\d+(?:\.\d+)*\s+)?(?:question|problem|exercise|task|q)[\s.\-–]*(?P<q>\d{1,3})"
    r"(?![\d.]\d)\s*[.:)]?",
    re.I,
)
_QUESTION_BARE = re.compile(r"(?P<q>\d{1,3})(?:[.):](?!\d)|(?=\s*\(?[a-z]{1,4}\)))", re.I)
_PART = re.compile(
    r"(?:part\s*)?(?:\((?P<a>[a-z]{1,4})\)|(?P<b>[a-z]{1,4})\)|(?P<c>[a-z])\.(?=\s|$))", re.I
)


@dataclass(frozen=True)
class Line:
    """A printed line: its text and box in points, from the page's top left."""

    page: int
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class Paper:
    """The blank paper's printed lines in reading order, and each page's size in points."""

    source: str
    sizes: tuple[tuple[float, float], ...]
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Placed:
    """A part found on the paper: its label as printed and its answer regions."""

    address: str
    label: str
    regions: tuple[Region, ...]


@dataclass(frozen=True)
class Found:
    """What `find_regions` placed, and each part it could not place with the reason."""

    placed: tuple[Placed, ...]
    missing: tuple[tuple[str, str], ...]


def read_paper(path: Path) -> Paper:
    """The printed lines of a PDF; ExamError when it cannot be read or has no text layer."""

    document = _document(path)
    try:
        sizes = tuple(page.get_size() for page in document)
        lines = tuple(
            line for number, page in enumerate(document, 1) for line in _lines(page, number)
        )
    finally:
        document.close()
    if not any(line.text.strip() for line in lines):
        raise ExamError(
            "has no text layer (a scan of the paper?)",
            file=str(path),
            fix="give the PDF the paper was printed from (exported by Word or LaTeX), not a scan",
        )
    return Paper(str(path), sizes, lines)


def _document(path: Path) -> Any:
    """The PDF opened by PDFium; ExamError when it cannot be read, is locked or is broken."""
    import pypdfium2

    data = _read(path)
    pdf.open_pdf(data, str(path), error=ExamError, then="use that")
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise ExamError(
            f"is not a PDF that can be drawn ({exc})",
            file=str(path),
            fix="open it in a PDF viewer and save or print it to a new PDF",
        ) from None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ExamError(
            f"cannot be read ({exc.strerror or exc})",
            file=str(path),
            fix="give the path of the blank exam's PDF",
        ) from None


def _lines(page: Any, number: int) -> Iterator[Line]:
    """The page's text runs joined into lines (runs whose heights overlap), top to bottom."""
    height = page.get_size()[1]
    text = page.get_textpage()
    runs = []
    for index in range(text.count_rects()):
        left, bottom, right, top = text.get_rect(index)
        words = text.get_text_bounded(left, bottom, right, top).strip()
        if words:
            runs.append(Line(number, words, left, height - top, right, height - bottom))
    text.close()
    runs.sort(key=lambda r: (r.top, r.x0))
    line: list[Line] = []
    for run in runs:
        if line and run.top >= min(r.bottom for r in line) - 0.3 * (run.bottom - run.top):
            yield _joined(line)
            line = []
        line.append(run)
    if line:
        yield _joined(line)


def _joined(runs: list[Line]) -> Line:
    runs = sorted(runs, key=lambda r: r.x0)
    return Line(
        runs[0].page,
        " ".join(r.text for r in runs),
        runs[0].x0,
        min(r.top for r in runs),
        max(r.x1 for r in runs),
        max(r.bottom for r in runs),
    )


# --- labels ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """A label read at the start of a line: the question and/or part it names (lower case);
    `explicit`: written out (`Question 2`), so it ends the space before it even unplaced."""

    question: str | None
    part: str | None
    explicit: bool
    text: str


def label_of(text: str) -> Label | None:
    """The label a printed line starts with, if any (see the module docstring)."""
    text = text.strip()
    word = _QUESTION_WORD.match(text)
    question = word or _QUESTION_BARE.match(text)
    at = question.end() if question else 0
    while at < len(text) and text[at] in " .":
        at += 1
    part = _PART.match(text, at)
    if question is None and part is None:
        return None
    letters = next((g for g in part.group("a", "b", "c") if g), None) if part else None
    return Label(
        question["q"].lower() if question else None,
        letters.lower() if letters else None,
        word is not None,
        text[: part.end() if part else at].strip(),
    )


# --- placing the exam's parts -------------------------------------------------------------------


@dataclass(frozen=True)
class _Question:
    address: str
    id: str
    parts: tuple[str, ...]  # part ids, lower case; () for a question that is its own part


def _questions(exam: Exam) -> list[_Question]:
    out = []
    for section in exam.sections:
        for question in section.questions:
            address = f"{section.id}.{question.id}"
            ids = tuple(p.address.removeprefix(address + ".").lower() for p in question.parts)
            own = len(question.parts) == 1 and question.parts[0].address == address
            out.append(_Question(address, question.id.lower(), () if own else ids))
    return out


def _labelled(paper: Paper, exam: Exam) -> tuple[dict[str, tuple[Line, str]], list[Line]]:
    """Each part's label line (with the label as printed), and every line that ends an answer
    space (the labels placed, the questions' labels, and explicit question labels that name
    no question of the exam)."""
    questions = _questions(exam)
    left = min(line.x0 for line in paper.lines) + _INDENT
    at = -1
    placed: dict[str, tuple[Line, str]] = {}
    bounds: list[Line] = []
    for line in paper.lines:
        label = label_of(line.text)
        if label is None or (label.part is None and not label.explicit and line.x0 > left):
            continue  # an indented `3.` is an item of a list in a prompt
        address, moved = _place(label, questions, at, placed)
        if address is not None:
            placed[address] = (line, label.text)
        if address is not None or moved != at or (label.explicit and label.part is None):
            bounds.append(line)  # a new question's prompt is no answer to the part before
        at = moved
    return placed, bounds


def _place(
    label: Label, questions: list[_Question], at: int, placed: dict[str, Any]
) -> tuple[str | None, int]:
    """The part `label` names from question index `at` on (None: no part), and where it leaves
    the walk. A question label must name the current or a later question."""
    if label.question is not None:
        later = [i for i in range(max(at, 0), len(questions)) if questions[i].id == label.question]
        if not later:
            return None, at
        again = later[0] == at and label.part is None  # `2.` again: another section's 2
        at = later[1] if again and len(later) > 1 else later[0]
        question = questions[at]
        if label.part is None:
            return (None if question.parts or question.address in placed else question.address), at
    if at < 0 or label.part is None:
        return None, at
    question = questions[at]
    if label.part not in question.parts:
        return None, at
    address = f"{question.address}.{label.part}"  # the exam's spelling: see find_regions
    return (None if address in placed else address), at


def find_regions(paper: Paper, exam: Exam) -> Found:
    """Every part's answer regions on `paper` (see the module docstring)."""
    spelled = {p.address.lower(): p.address for p in exam.parts()}
    placed, bounds = _labelled(paper, exam)
    placed = {spelled.get(a.lower(), a): found for a, found in placed.items()}
    column = _column(paper)
    found, missing = [], []
    for part in exam.parts():
        if part.address not in placed:
            missing.append((part.address, "its label is not printed on the paper"))
            continue
        line, label = placed[part.address]
        regions = tuple(_regions(paper, line, _next_bound(bounds, line), column))
        if regions:
            found.append(Placed(part.address, label, regions))
        else:
            missing.append((part.address, f"no space to write after its label {label!r}"))
    return Found(tuple(found), tuple(missing))


def _next_bound(bounds: Sequence[Line], line: Line) -> Line | None:
    return next((b for b in bounds if (b.page, b.top) > (line.page, line.top)), None)


def _column(paper: Paper) -> tuple[float, float]:
    """The text column's left and right edges, in points: its right margin as wide as its
    left one, where no line reaches that far (answer space spans the printable width)."""
    left = min(line.x0 for line in paper.lines)
    right = max(line.x1 for line in paper.lines)
    width = min(size[0] for size in paper.sizes)
    return left - _PAD, max(right, width - left) + _PAD


def _regions(
    paper: Paper, label: Line, until: Line | None, column: tuple[float, float]
) -> Iterator[Region]:
    """The answer space from below `label`'s paragraph to `until` (None: the paper's end)."""
    start = _prompt_end(paper, label, until) + _PAD
    last = until.page if until else len(paper.sizes)
    for page in range(label.page, last + 1):
        width, height = paper.sizes[page - 1]
        top, bottom = _content(paper, page)
        if page == label.page:
            top = max(top, start)
        if until is not None and page == until.page:
            bottom = min(bottom, until.top - _PAD)
        if bottom - top >= _MIN_HEIGHT:
            x0, x1 = max(0.0, column[0]), min(width, column[1])
            yield Region(page, _fractions((x0, top, x1, bottom), width, height))


def _prompt_end(paper: Paper, label: Line, until: Line | None) -> float:
    """The bottom of the label's paragraph: the lines after it with no gap between them."""
    bottom = label.bottom
    following = [
        line
        for line in paper.lines
        if line.page == label.page
        and line.top > label.top
        and (until is None or (line.page, line.top) < (until.page, until.top))
    ]
    for line in following:
        height = max(1.0, line.bottom - line.top)
        if _RULE.fullmatch(line.text) or line.top - bottom > _GAP * height:
            break
        bottom = line.bottom
    return bottom


def _content(paper: Paper, page: int) -> tuple[float, float]:
    """The top and bottom of a page's body: below its running header, above its footer."""
    _, height = paper.sizes[page - 1]
    lines = [line for line in paper.lines if line.page == page]
    header = [line.bottom for line in lines if line.bottom < _BAND * height]
    footer = [line.top for line in lines if line.top > (1 - _BAND) * height]
    top = max(header) + _PAD if header else _MARGIN * height
    bottom = min(footer) - _PAD if footer else (1 - _MARGIN) * height
    return top, bottom


def _fractions(
    box: tuple[float, float, float, float], width: float, height: float
) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    return (
        round(x0 / width, 4),
        round(y0 / height, 4),
        round(x1 / width, 4),
        round(y1 / height, 4),
    )


# --- the paper's page images -------------------------------------------------------------------


def paper_images(path: Path) -> list[PageImage]:
    """Each page of the blank paper drawn as scans are (`pages.RENDER_DPI`, grey), to align
    scans to."""
    document = _document(path)
    try:
        return [
            stored_image(page.render(scale=RENDER_DPI / 72, grayscale=True).to_pil())
            for page in document
        ]
    finally:
        document.close()
