"""Scripts that arrive as PDFs or photos: the text layer where there is one, else OCR.

- Every page is an image (`pages`): a PDF page holding only text is read from its text
  layer; any other page (a scan, a photo, handwriting in vector ink) is read from its upright
  image by the OCR engine, or by a vision model when asked (`transcribe`).
- A transcription produced elsewhere wins: `s123.md` (or `.txt`) beside `s123.pdf` is read
  instead of the scan, which is then skipped.
- Pages are kept: the stored text joins pages with a form feed on its own line
  (`PAGE_BREAK`), so the page of any span is one plus the form feeds before it
  (`page_of`). A form feed is whitespace to every checker, so it never reads as an answer.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gradewise.errors import ScriptError
from gradewise.model import Script
from gradewise.scripts import ocr
from gradewise.scripts.ingest import (
    ID_KEYS,
    SCRIPT_SUFFIXES,
    Roster,
    front_matter,
    student_from_filename,
)
from gradewise.scripts.pages import (
    PDF_SUFFIXES,
    Page,
    PageImage,
    blank,
    iter_pages,
    stored_image,
)

if TYPE_CHECKING:
    from gradewise.scripts.transcribe import Read

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp")
SCAN_SUFFIXES = PDF_SUFFIXES + IMAGE_SUFFIXES
PAGE_BREAK = "\n\f\n"
NOTHING_READ = "the OCR engine read no text in the writing on it"
TRANSCRIBE_FIX = (
    "check the [transcribe] endpoint and model in gradewise.toml and add the file again,"
    " or add a Markdown transcription beside it (same name, .md)"
)


def page_of(text: str, offset: int) -> int:
    """The page (from 1) of a character offset in a stored script's text."""
    return text.count("\f", 0, max(0, offset)) + 1


def page_count(text: str) -> int:
    return text.count("\f") + 1


# --- finding -------------------------------------------------------------------------------


def find_scans(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(scans to read, scans skipped because a transcription lies beside them), sorted."""
    found: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            found.update(_scans_in(path))
        elif path.is_file() and path.suffix.lower() in SCAN_SUFFIXES:
            found.add(path)
    read = sorted(p for p in found if transcription_of(p) is None)
    return read, sorted(found - set(read))


def _scans_in(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith((".", "~"))]
        for name in files:
            if not name.startswith((".", "~")) and Path(name).suffix.lower() in SCAN_SUFFIXES:
                yield Path(root) / name


def transcription_of(scan: Path) -> Path | None:
    """The Markdown or text file beside a scan with the same name, if there is one."""
    for suffix in SCRIPT_SUFFIXES:
        for candidate in (scan.with_suffix(suffix), scan.with_suffix(suffix.upper())):
            if candidate.is_file():
                return candidate
    return None


# --- reading -------------------------------------------------------------------------------


def read_scan(path: Path, *, roster: Roster | None = None, engine: str = "tesseract") -> Script:
    """Read a PDF or image script: pages joined by PAGE_BREAK, ids as for text scripts."""
    return read_scan_pages(path, roster=roster, engine=engine)[0]


def read_scan_pages(
    path: Path, *, roster: Roster | None = None, engine: str = "tesseract"
) -> tuple[Script, tuple[PageImage, ...]]:
    """The script of a PDF or image file and the image of each of its pages (upright).

    Page by page: each page's image is read and kept as PNG before the next is drawn, so a
    300-page PDF holds a few pages' images in memory, not all of them."""
    texts, images = [], []
    for page in iter_pages(path):
        texts.append(_text(page, engine))
        images.append(_kept(page, texts[-1]))
    return script_of(path, texts, roster=roster), tuple(images)


def _kept(page: Page, text: str) -> PageImage:
    """The page's image as stored; with an error (its script's answers go to review) when the
    OCR engine read nothing on a page that has writing on it, so that an answer written there
    is not taken for no answer. A blank sheet (the back of a page) is no error."""
    image = stored_image(page.image)
    if page.text is not None or text.strip() or blank(page.image):
        return image
    return dataclasses.replace(image, error=NOTHING_READ)


def transcribed(
    path: Path,
    pages: Sequence[Page],
    reads: Sequence[Read | None],
    *,
    roster: Roster | None = None,
) -> tuple[Script, tuple[PageImage, ...]]:
    """The script of a scan whose pages a vision model read (None: the page's text layer).

    A page the model could not read keeps its image and its error, its text empty; a scan
    none of whose pages could be read is an error (nothing is stored for it)."""
    failed = [read.error for read in reads if read is not None and read.error]
    if failed and len(failed) == len(pages):
        raise ScriptError(failed[0], file=str(path), fix=TRANSCRIBE_FIX)
    both = list(zip(pages, reads, strict=True))
    texts = [page.text or "" if read is None else read.text for page, read in both]
    script = script_of(path, texts, roster=roster)
    images = tuple(
        dataclasses.replace(stored_image(page.image), error=read.error if read else "")
        for page, read in both
    )
    return script, images


def _text(page: Page, engine: str) -> str:
    """The page's text layer, else what the OCR engine reads on its image."""
    if page.text is not None:
        return page.text
    return ocr.engine(engine).read(page.image, source=page.source)


def script_of(path: Path, texts: Sequence[str], *, roster: Roster | None = None) -> Script:
    """The script whose pages read `texts`; ScriptError when no page holds any text."""
    text = PAGE_BREAK.join(page.strip("\n") for page in texts)
    if not text.strip():
        raise ScriptError(
            "no text could be read from it (blank pages?)",
            file=str(path),
            fix="check the scan, or add a Markdown transcription beside it (same name, .md)",
        )
    fields, _ = front_matter(text, source=str(path))
    student = next((fields[k] for k in ID_KEYS if fields.get(k)), "") or student_from_filename(path)
    name = fields.get("name") or (roster.name(student) if roster else "")
    return Script(student=student, name=name, source=str(path), text=text)
