"""Scripts that arrive as PDFs or photos: the text layer where there is one, else OCR.

- A PDF page with a text layer is read through pypdf; a page without one (a scan) is OCR'd
  from its largest image. Images (`.png`, `.jpg`, `.tif`, ...) are OCR'd, a photo's EXIF
  rotation applied first and the page orientation fixed by the engine.
- A transcription produced elsewhere wins: `s123.md` (or `.txt`) beside `s123.pdf` is read
  instead of the scan, which is then skipped.
- Pages are kept: the stored text joins pages with a form feed on its own line
  (`PAGE_BREAK`), so the page of any span is one plus the form feeds before it
  (`page_of`). A form feed is whitespace to every checker, so it never reads as an answer.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gradewise import pdf
from gradewise.errors import ScriptError
from gradewise.model import Script
from gradewise.scripts import ocr
from gradewise.scripts.ingest import (
    ID_KEYS,
    SCRIPT_SUFFIXES,
    Roster,
    front_matter,
    read_bytes,
    student_from_filename,
)

PDF_SUFFIXES = (".pdf",)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp")
SCAN_SUFFIXES = PDF_SUFFIXES + IMAGE_SUFFIXES
PAGE_BREAK = "\n\f\n"
_MIN_TEXT_LAYER = 20  # characters: fewer on a page means a scan with a stray header


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
    pages = scan_pages(path, engine=engine)
    text = PAGE_BREAK.join(page.strip("\n") for page in pages)
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


def scan_pages(path: Path, *, engine: str = "tesseract") -> list[str]:
    """The text of each page of a PDF or image file."""
    data = read_bytes(path)
    if path.suffix.lower() in PDF_SUFFIXES:
        return list(_pdf_pages(data, str(path), engine))
    return [ocr.engine(engine).read(image, source=str(path)) for image in _images(data, path)]


def _images(data: bytes, path: Path) -> Iterator[Any]:
    """Each frame of an image file (a multi-page TIFF has several), upright by its EXIF."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ScriptError(
            f"is not a readable image ({type(exc).__name__})",
            file=str(path),
            fix="export the scan again as PNG, JPEG or PDF",
        ) from None
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        yield ImageOps.exif_transpose(image.copy())


def _pdf_pages(data: bytes, source: str, engine: str) -> Iterator[str]:
    reader = _open_pdf(data, source)
    for number, page in enumerate(reader.pages, 1):
        text = _page_text(page)
        if len("".join(text.split())) >= _MIN_TEXT_LAYER:
            yield text
            continue
        image = _largest_image(page)
        if image is None:
            yield text  # a blank page (or a drawing): nothing to read
        else:
            yield ocr.engine(engine).read(image, source=f"{source} page {number}")


def _open_pdf(data: bytes, source: str) -> Any:
    return pdf.open_pdf(data, source, error=ScriptError, then="add that")


def _page_text(page: Any) -> str:
    try:
        return page.extract_text() or ""
    except Exception:  # pypdf raises many kinds on odd content streams: treat as no text
        return ""


def _largest_image(page: Any) -> Any:
    try:
        images = [found.image for found in page.images]
    except Exception:  # an image pypdf cannot decode: the page stays unread, not the script
        return None
    images = [image for image in images if image is not None]
    return max(images, key=lambda im: im.width * im.height, default=None)
