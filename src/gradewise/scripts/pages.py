"""Pages of a scanned script as images: rendered, upright, and named by their content.

- Every page of a PDF is rendered by PDFium (pypdfium2) at `RENDER_DPI`, vector ink included,
  so a tablet-written PDF is as readable as a scan. Its text layer is kept as the page's text
  when the page holds only text (a rule or a box aside); a page with images or handwriting on
  it (a scan, a tablet's ink, a printed paper written on) is read from its image instead.
- A photo or scan is turned upright by its EXIF orientation, then by Tesseract's orientation
  detection (OSD) when Tesseract is installed, then straightened (`skew`, a few degrees at
  most): the same upright image goes to the OCR engine, the vision model and the grader's
  screen. Vector ink is upright as drawn (no OSD, which costs most of a page's time).
- Pages larger than `MAX_SIDE` pixels (a 40-megapixel photo) are scaled down first: the
  writing stays legible and a page costs megabytes, not tens of them.
- A page image is stored as PNG named by its SHA-256 (`PageImage`): the same page added twice
  is stored once.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gradewise import pdf
from gradewise.errors import ScriptError
from gradewise.scripts import ocr
from gradewise.scripts.ingest import read_bytes

PDF_SUFFIXES = (".pdf",)
RENDER_DPI = 200  # Tesseract reads best from 200-300 DPI; 200 keeps a page near 1 MB
MAX_SIDE = 3000  # pixels on a page's long side, at most
MAX_SKEW = 5.0  # degrees a scan or photo is straightened by, at most
_SKEW_STEPS = 20  # angles tried on each side of level (0.25° apart)
_SKEW_GAIN = 1.2  # how much sharper the rows must be than as scanned, to turn the page
_BICUBIC = 3  # PIL's Image.Resampling.BICUBIC, without importing PIL at import time
_MIN_TEXT_LAYER = 20  # characters: fewer, beside drawn paths, means the writing is the ink
_INK_PATHS = 10  # drawn paths on a page, at least, that mean handwriting (a rule or box is fewer)


@dataclass(frozen=True)
class Page:
    """One page of a scan: its upright image and its text layer (None: read it from the image)."""

    image: Any = field(repr=False, compare=False)  # a PIL image
    source: str  # "s1.pdf page 2": where errors point
    text: str | None = None


@dataclass(frozen=True)
class PageImage:
    """A page image as stored: PNG bytes named by their SHA-256; `error` says why the page's
    text could not be read (the page is then kept, its text empty)."""

    sha256: str
    png: bytes = field(repr=False, compare=False)
    error: str = ""


def stored_image(image: Any) -> PageImage:
    """The PNG of a page image and its content hash."""
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    png = out.getvalue()
    return PageImage(hashlib.sha256(png).hexdigest(), png)


def render_pages(path: Path) -> list[Page]:
    """Every page of a PDF or image file, upright, with the PDF's text layer where it is all
    there is on the page."""
    data = read_bytes(path)
    if path.suffix.lower() in PDF_SUFFIXES:
        return list(_pdf_pages(data, str(path)))
    frames = list(_images(data, path))
    many = len(frames) > 1
    return [
        Page(upright(frame, where), where)
        for number, frame in enumerate(frames, 1)
        for where in [f"{path} page {number}" if many else str(path)]
    ]


def upright(image: Any, source: str) -> Any:
    """The page scaled to at most MAX_SIDE, turned upright by Tesseract's OSD (as it is when
    Tesseract is not installed or cannot tell), and straightened (`skew`)."""
    image = _bounded(image)
    turn = ocr.rotation(image, source)
    if turn:
        image = image.rotate(-turn, expand=True, fillcolor=_white(image))
    angle = skew(image)
    if not angle:
        return image
    return image.rotate(angle, resample=_BICUBIC, fillcolor=_white(image))


def skew(image: Any) -> float:
    """Degrees (counter-clockwise, at most MAX_SKEW) that make the page's lines of writing
    level; 0 when no angle stands out (a blank page, a drawing).

    The angle whose rotation gives the sharpest rows of ink (the largest sum of squared
    differences between neighbouring rows' ink counts), tried on a copy at most 800 pixels a
    side: about 0.1 s a page."""
    import numpy as np
    from PIL import Image

    small = image.convert("L")
    small.thumbnail((800, 800))
    ink = Image.fromarray(((np.asarray(small) < 128) * 255).astype(np.uint8))
    scores = {}
    for step in range(-_SKEW_STEPS, _SKEW_STEPS + 1):
        angle = step * MAX_SKEW / _SKEW_STEPS
        turned = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST))
        scores[angle] = float(np.sum(np.diff(turned.sum(axis=1, dtype=np.float64)) ** 2))
    best = max(scores, key=lambda angle: (scores[angle], -abs(angle)))
    level = scores[0.0]
    return best if level > 0 and scores[best] > _SKEW_GAIN * level else 0.0


def _bounded(image: Any) -> Any:
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    longest = max(image.size)
    if longest <= MAX_SIDE:
        return image
    scale = MAX_SIDE / longest
    return image.resize((round(image.width * scale), round(image.height * scale)))


def _white(image: Any) -> Any:
    return 255 if image.mode == "L" else (255, 255, 255)


def _images(data: bytes, path: Path) -> Iterator[Any]:
    """Each frame of an image file (a multi-page TIFF has several), upright by its EXIF."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = 200_000_000  # a 40-megapixel photo is a page, not an attack
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ScriptError(
            f"is not a readable image ({type(exc).__name__})",
            file=str(path),
            fix="export the scan again as PNG, JPEG or PDF",
        ) from None
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        yield ImageOps.exif_transpose(image.copy())


def _pdf_pages(data: bytes, source: str) -> Iterator[Page]:
    import pypdfium2

    reader = pdf.open_pdf(data, source, error=ScriptError, then="add that")
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise ScriptError(
            f"is not a PDF that can be drawn ({exc})",
            file=source,
            fix="open it in a PDF viewer and save or print it to a new PDF",
        ) from None
    try:
        for number, (page, drawn) in enumerate(zip(reader.pages, document, strict=True), 1):
            yield _pdf_page(page, drawn, f"{source} page {number}")
    finally:
        document.close()


def _pdf_page(page: Any, drawn: Any, where: str) -> Page:
    """A page holding only text keeps its text layer; a scanned page (an image on it) is
    turned upright; a page written in vector ink is upright as drawn (the PDF's own page
    rotation is applied by PDFium)."""
    image = _bounded(drawn.render(scale=RENDER_DPI / 72, grayscale=True).to_pil())
    text = _page_text(page)
    kind = _content(drawn, text)
    if kind == "text":
        return Page(image, where, text)
    return Page(upright(image, where) if kind == "scan" else image, where)


def _content(page: Any, text: str) -> str:
    """What is on the page: "scan" (an image), "ink" (many drawn paths, or any drawn path on a
    page with next to no text layer) or "text" (text, a rule or a box at most)."""
    import pypdfium2.raw as pdfium_c

    if next(iter(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))), None) is not None:
        return "scan"
    paths = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,))
    drawn = sum(1 for _ in zip(paths, range(_INK_PATHS), strict=False))
    if drawn >= _INK_PATHS or (drawn > 0 and len("".join(text.split())) < _MIN_TEXT_LAYER):
        return "ink"
    return "text"


def _page_text(page: Any) -> str:
    try:
        return page.extract_text() or ""
    except Exception:  # pypdf raises many kinds on odd content streams: treat as no text
        return ""
