"""Scans of the exam's own paper, cut by its template: each part's answer box read on its own.

When exam.yaml has a `template:` (written by `gradewise exam template`), every page of a scan
is aligned to the paper's page of the same number, or to the one it lines up with when sheets
were scanned out of order (`align`), and each part's regions are cut from it. A box holding
writing is read (OCR, or the vision model with `--transcribe`); its crop is kept for the
grader and its text is the part's answer. The script's text is the answers page by page (a
part on the page where its box starts), so spans and pages mean what they mean for any
scan, and a human can still move a piece to another part.

A PDF whose every page is text (typed, not written on the paper) is read by its labels, as
without a template. Nothing is cut blind:
- a page that does not line up with the paper (a blank page, a page of another paper, an
  extra sheet, or a scan short of pages) is an error on that page, and the whole scan is
  then read as a scan without a template (its answers found by their labels), every answer
  going to a human with the reason;
- a box with writing that reads as nothing, or whose reading failed, goes to a human;
- a part the template has no region for goes to a human (its answer may be anywhere);
- a box with no writing beyond the paper's print is a part left unanswered.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from gradewise.errors import ScriptError, WorkspaceError
from gradewise.model import Answer, Exam, Region, Script, Template
from gradewise.scripts.align import Aligned, Sheet, align, cut, sheet, written
from gradewise.scripts.ingest import Roster
from gradewise.scripts.pages import Page, PageImage, render_pages, stored_image
from gradewise.scripts.scans import PAGE_BREAK, script_of
from gradewise.scripts.segment import Piece, Segmentation

UNREAD_BOX = "its answer box holds writing that could not be read: check the scan"
NO_REGION = "the template has no region for this part: find its answer on the scan"
TEMPLATE_FIX = "run 'gradewise exam template BLANK.pdf' again in this workspace"


@dataclass(frozen=True)
class Reading:
    """What a reader made of one image: its text, or why there is none."""

    text: str = ""
    error: str = ""


# Reads images (True: a script's first page, whose name band a vision model must not see).
Reader = Callable[[Sequence[tuple[Any, bool]]], Sequence[Reading]]


@dataclass(frozen=True)
class Paper:
    """The blank paper scans are aligned to: the template, and its pages' images read from
    the workspace's `pages_dir` when a scan first needs them."""

    template: Template
    pages_dir: Path

    @cached_property
    def images(self) -> tuple[Any, ...]:
        """The paper's page images (grey); WorkspaceError when one is missing."""
        from PIL import Image

        images = []
        for sha in self.template.pages:
            path = self.pages_dir / f"{sha}.png"
            try:
                images.append(Image.open(io.BytesIO(path.read_bytes())).convert("L"))
            except OSError:
                raise WorkspaceError(
                    f"the template's page image {path.name} is not in {self.pages_dir}",
                    fix=TEMPLATE_FIX,
                ) from None
        return tuple(images)

    @cached_property
    def sheets(self) -> tuple[Sheet, ...]:
        """The pages made ready to align scans to (once for all the scans of a run)."""
        return tuple(sheet(image) for image in self.images)


@dataclass(frozen=True)
class Box:
    """A part's answer cut from a scan: its text's span in the script (start == end: none),
    its crop and why a human must look ("" when nothing needs one)."""

    address: str
    start: int
    end: int
    image: PageImage | None
    flag: str = ""


@dataclass(frozen=True)
class Cut:
    """A scan read through the template: its script, page images and boxes (none when it
    was read by its labels instead)."""

    script: Script
    pages: tuple[PageImage, ...]
    boxes: tuple[Box, ...] = ()


@dataclass(frozen=True)
class TemplateCheck:
    """What `exam check` says of the exam's template: its paper, the parts with an answer box
    and those without, and what is wrong, each with its fix (`errors`: no scan can be cut)."""

    source: str
    pages: int
    boxed: tuple[str, ...]
    unboxed: tuple[str, ...]
    errors: tuple[str, ...] = ()
    warnings: tuple[tuple[str, str], ...] = ()  # (a part's address, or "template"; message)

    @property
    def summary(self) -> str:
        """'template blank.pdf: 2 pages, 5 of 6 parts have an answer box'."""
        parts = len(self.boxed) + len(self.unboxed)
        return (
            f"template {self.source or '(no source)'}: {_pages(self.pages)}, {len(self.boxed)}"
            f" of {parts} parts have an answer box"
        )


NO_BOX = "no answer box on the paper: on a scan its answer goes to a human"
ORPHANS = (
    "{n} have an answer box cut for this part, no longer in the exam (not graded)"
    " — add the scans again (gradewise scripts add) to cut them by the template as it is now"
)


def check_template(exam: Exam, pages_dir: Path, cut: Mapping[str, int]) -> TemplateCheck | None:
    """The exam's template checked against the workspace: its page images in `pages_dir`, and
    `cut` (how many scripts have a box cut, by part address); None when there is no template."""
    template = exam.template
    if template is None:
        return None
    addresses = _addresses(exam)
    boxed = tuple(a for a in addresses if a in template.regions)
    unboxed = tuple(a for a in addresses if a not in template.regions)
    errors = tuple(
        f"the paper's page {n} image ({sha[:12]}…) is not in the workspace's pages/"
        f" — {TEMPLATE_FIX}"
        for n, sha in enumerate(template.pages, 1)
        if not (pages_dir / f"{sha}.png").is_file()
    )
    warnings = [
        (a, f"{NO_BOX} — {TEMPLATE_FIX}, or write its regions: in exam.yaml") for a in unboxed
    ]
    if not template.pages:
        what = "parts have answer boxes but the template has" if boxed else "the template has"
        said = f"{what} no pages: scans are read by their labels — {TEMPLATE_FIX}"
        warnings = [("template", said)]
    warnings += [
        (a, ORPHANS.format(n=f"{n} script{'s' if n != 1 else ''}"))
        for a, n in sorted(cut.items())
        if a not in addresses
    ]
    return TemplateCheck(
        template.source, len(template.pages), boxed, unboxed, errors, tuple(warnings)
    )


def load_paper(exam: Exam, pages_dir: Path) -> Paper | None:
    """The exam's blank paper, its page images in `pages_dir`; None when the exam has no
    template to cut scans by."""
    template = exam.template
    if template is None or not template.pages or not template.regions:
        return None
    return Paper(template, pages_dir)


def read_templated(
    path: Path, paper: Paper, exam: Exam, reader: Reader, *, roster: Roster | None = None
) -> Cut:
    """Read the scan at `path` through `paper` (see the module docstring)."""
    pages = render_pages(path)
    if all(page.text is not None for page in pages):  # typed, not written on the paper
        return _by_labels(path, pages, [Aligned()] * len(pages), reader, roster)
    aligned, scan_of = _matched(pages, paper)
    if any(a.error for a in aligned):
        return _by_labels(path, pages, aligned, reader, roster)
    images = [aligned[scan_of[number] - 1].image for number in range(1, len(paper.images) + 1)]
    answered = _boxes(exam, paper, images, reader)
    texts, boxes = _composed(answered, len(pages), scan_of)
    script = script_of(path, texts, roster=roster)
    return Cut(script, tuple(stored_image(page.image) for page in pages), tuple(boxes))


def _matched(pages: list[Page], paper: Paper) -> tuple[list[Aligned], dict[int, int]]:
    """Each scan page aligned to the paper's page of the same number, or else to a page of the
    paper no other scan page lines up with (sheets scanned out of order); and the scan page
    (from 1) of each page of the paper. A scan page matching none keeps why; a page of the
    paper no scan page matches is an error on the scan's last page."""
    aligned = [_aligned(page, number, paper) for number, page in enumerate(pages)]
    scan_of = {n + 1: n + 1 for n, found in enumerate(aligned) if not found.error}
    for number, page in enumerate(pages):
        left = [n for n in range(len(paper.images)) if n + 1 not in scan_of and n != number]
        for other in left if aligned[number].error else []:
            found = align(page.image, paper.sheets[other])
            if not found.error:
                aligned[number], scan_of[other + 1] = found, number + 1
                break
    missing = [n for n in range(1, len(paper.images) + 1) if n not in scan_of]
    if missing and not any(a.error for a in aligned):
        aligned[-1] = Aligned(error=f"the paper's page {missing[0]} is not in the scan")
    return aligned, scan_of


def _aligned(page: Page, number: int, paper: Paper) -> Aligned:
    if number >= len(paper.images):
        return Aligned(error=f"the paper has {_pages(len(paper.images))} (an extra sheet?)")
    found = align(page.image, paper.sheets[number])
    if found.error:
        return Aligned(error=f"does not line up with the paper's page {number + 1}: {found.error}")
    return found


def _pages(count: int) -> str:
    return f"{count} page" if count == 1 else f"{count} pages"


def _by_labels(
    path: Path, pages: list[Page], aligned: list[Aligned], reader: Reader, roster: Roster | None
) -> Cut:
    """The scan read whole, as without a template (a page's text layer where it has one);
    each page that did not line up keeps why."""
    asked = [(page.image, number == 0) for number, page in enumerate(pages) if page.text is None]
    answers = iter(reader(asked))
    reads = [next(answers) if page.text is None else Reading(page.text) for page in pages]
    script = script_of(path, [read.text for read in reads], roster=roster)
    images = tuple(
        dataclasses.replace(stored_image(page.image), error=found.error or read.error)
        for page, found, read in zip(pages, aligned, reads, strict=True)
    )
    return Cut(script, images)


@dataclass(frozen=True)
class _Cropped:
    address: str
    page: int  # where its first box is, from 1
    crops: tuple[Any, ...]
    written: bool


@dataclass(frozen=True)
class _Answered:
    """A part's box read: the page it starts on (0: none), its text, crop and flag."""

    address: str
    page: int
    text: str
    image: PageImage | None
    flag: str = ""


def _boxes(exam: Exam, paper: Paper, images: list[Any], reader: Reader) -> list[_Answered]:
    """Each part's box cut from the aligned pages, read where it holds writing; in the order
    the paper prints them, then the parts with no region."""
    regions = paper.template.regions
    cropped = [_cropped(a, regions[a], paper, images) for a in _addresses(exam) if a in regions]
    cropped.sort(key=lambda c: (c.page, regions[c.address][0].box[1]))
    asked = [(crop, False) for c in cropped if c.written for crop in c.crops]
    answers = iter(reader(asked))
    found = [_answered(c, [next(answers) for _ in c.crops] if c.written else []) for c in cropped]
    missing = [a for a in _addresses(exam) if a not in regions]
    return found + [_Answered(a, 0, "", None, NO_REGION) for a in missing]


def _addresses(exam: Exam) -> list[str]:
    return [part.address for part in exam.parts()]


def _cropped(
    address: str, regions: tuple[Region, ...], paper: Paper, images: list[Any]
) -> _Cropped:
    crops = tuple(cut(images[r.page - 1], r) for r in regions)
    blanks = [cut(paper.images[r.page - 1], r) for r in regions]
    ink = any(written(crop, blank) for crop, blank in zip(crops, blanks, strict=True))
    return _Cropped(address, regions[0].page, crops, ink)


def _answered(cropped: _Cropped, reads: list[Reading]) -> _Answered:
    text = "\n\n".join(read.text.strip() for read in reads if read.text.strip())
    error = next((read.error for read in reads if read.error), "")
    flag = error or (UNREAD_BOX if cropped.written and not text else "")
    return _Answered(cropped.address, cropped.page, text, stacked(cropped.crops), flag)


def stacked(crops: Sequence[Any]) -> PageImage:
    """One image of a part's crops (PIL images), one under the other (a part over a page
    break, or a box a human moved to a part that has one)."""
    from PIL import Image

    width = max(c.width for c in crops)
    out = Image.new("L", (width, sum(c.height for c in crops)), 255)
    top = 0
    for crop in crops:
        out.paste(crop.convert("L"), (0, top))
        top += crop.height
    return stored_image(out)


def _composed(
    answered: list[_Answered], pages: int, scan_of: dict[int, int]
) -> tuple[list[str], list[Box]]:
    """Each scan page's text (its parts' answers, blank-line apart) and each part's box with
    its span in the script `scans.script_of` joins those pages into; `scan_of`: the scan page
    of each page of the paper."""
    texts: list[str] = []
    boxes: list[Box] = []
    for number in range(1, pages + 1):
        offset = sum(len(t) for t in texts) + len(PAGE_BREAK) * len(texts)
        page = ""
        for answer in (a for a in answered if a.page and scan_of[a.page] == number):
            if answer.text and page:
                page += "\n\n"
            start = offset + len(page)
            page += answer.text
            boxes.append(Box(answer.address, start, offset + len(page), answer.image, answer.flag))
        texts.append(page)
    boxes += [Box(a.address, 0, 0, a.image, a.flag) for a in answered if a.page == 0]
    return texts, boxes


# --- segmentation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionSegmentation(Segmentation):
    """A templated scan's pieces: one per part's box (moved by a human where they said), and
    the boxes' flags on the parts' answers."""

    flags: Mapping[str, str] = field(default_factory=dict, hash=False)

    def answers(self, student: str) -> tuple[Answer, ...]:
        found = super().answers(student)
        return tuple(
            replace(a, flag=self.flags[a.address]) if self.flags.get(a.address) else a
            for a in found
        )


# (address, start, end) of a part's box: as stored (the last cut), or as cut now
Spot = tuple[str, int, int]


@dataclass(frozen=True)
class Carried:
    """A script's human moves across a re-cut: those kept (the box's start now → the part it
    was moved to), each as (from, to), and those dropped (the box empty or not cut this time)."""

    kept: Mapping[int, str]
    moves: tuple[tuple[str, str], ...] = ()
    dropped: tuple[tuple[str, str], ...] = ()

    @property
    def note(self) -> str:
        """What became of the moves, for the report ("" when there were none)."""
        said = []
        if self.moves:
            said.append(f"kept {_boxes_moved(self.moves)}")
        if self.dropped:
            said.append(
                f"dropped {_boxes_moved(self.dropped)}, its box empty or not cut this time"
                f": {_arrows(self.dropped)}"
            )
        if self.moves and not self.dropped:
            said[0] += f": {_arrows(self.moves)}"
        return "; ".join(said)


def _boxes_moved(moves: tuple[tuple[str, str], ...]) -> str:
    return f"{len(moves)} box{'es' if len(moves) > 1 else ''} a human moved"


def _arrows(moves: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{a} → {b}" for a, b in moves)


def carried_moves(old: Sequence[Spot], new: Sequence[Spot], moves: Mapping[int, str]) -> Carried:
    """The human moves (`moves`: a box's start in the last cut → the part it went to) carried
    to the boxes cut now, by the part each box was cut for: its text may lie elsewhere in the
    new script (a rescan read differently), and a box with nothing in it moves nothing."""
    was = {start: address for address, start, end in old if end > start}
    now = {address: start for address, start, end in new if end > start}
    kept: dict[int, str] = {}
    carried, dropped = [], []
    for start, target in sorted(moves.items()):
        source = was.get(start)
        if source is None:
            continue  # not on a box of the last cut: it moved nothing there
        if source in now:
            kept[now[source]] = target
            carried.append((source, target))
        else:
            dropped.append((source, target))
    return Carried(kept, tuple(carried), tuple(dropped))


# (address, start, end, flag) of a part's box, as stored
Span = tuple[str, int, int, str]


def by_regions(
    text: str,
    exam: Exam,
    boxes: Sequence[Span],
    *,
    overrides: Mapping[int, str] | None = None,
    identity: tuple[str, ...] = (),
) -> RegionSegmentation:
    """The pieces of a script cut by the template: each box with text is a piece of its part
    (or of the part a human moved it to: `overrides`, by start offset)."""
    overrides = overrides or {}
    addresses = tuple(_addresses(exam))
    pieces = []
    for address, start, end, _ in sorted(boxes, key=lambda box: box[1]):
        if end <= start or address not in addresses:
            continue
        moved = overrides.get(start)
        if moved in addresses and moved != address:
            pieces.append(Piece(start, end, "", moved, "override"))
        else:
            pieces.append(Piece(start, end, "", address, "region"))
    flags = {address: flag for address, _, _, flag in boxes if flag}
    return RegionSegmentation(tuple(pieces), text, addresses, identity, flags)


def reader_of(engine: str, transcriber: Any = None) -> Reader:
    """The reader of answer boxes: the vision model when there is one, else the OCR engine
    (looked up when an image is first read: a scan with a text layer needs none)."""
    if transcriber is not None:
        return lambda images: [Reading(r.text, r.error) for r in transcriber.read(images)]
    from gradewise.scripts import ocr

    def read(images: Sequence[tuple[Any, bool]]) -> list[Reading]:
        out = []
        for image, _ in images:
            try:
                found = ocr.engine(engine).read(image, source="an answer box", block=True)
                out.append(Reading(found))
            except ScriptError as exc:
                out.append(Reading(error=str(exc)))
        return out

    return read
