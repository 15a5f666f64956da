"""Pages of a scanned script as images: rendered, upright, and named by their content.

- Every page of a PDF is rendered by PDFium (pypdfium2) at `RENDER_DPI`, vector ink included,
  so a tablet-written PDF is as readable as a scan. Its text layer is kept as the page's text
  when the page holds only text (a rule or a box aside); a page with images or handwriting on
  it (a scan, a tablet's ink, a printed paper written on) is read from its image instead.
- A photo or scan is turned upright by its EXIF orientation, then by its lines of writing
  when they show which way is up (`evident_turn`), else by Tesseract's orientation detection
  (OSD) when Tesseract is installed, then straightened (`skew`, a few degrees at
  most): the same upright image goes to the OCR engine, the vision model and the grader's
  screen. Vector ink is upright as drawn (no OSD, which costs most of a page's time).
- Pages larger than `MAX_SIDE` pixels (a 40-megapixel photo) are scaled down first: the
  writing stays legible and a page costs megabytes, not tens of them.
- A page image is stored as PNG named by its SHA-256 (`PageImage`): the same page added twice
  is stored once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math
import os
import warnings
from collections import deque
from collections.abc import Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
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
MAX_PIXELS = 200_000_000  # in an image file: a 40-megapixel photo is a page, 5 times that is not
MAX_SKEW = 5.0  # degrees a scan or photo is straightened by, at most
_SKEW_STEPS = 20  # angles tried on each side of level (0.25° apart)
_SKEW_GAIN = 1.2  # how much sharper the rows must be than as scanned, to turn the page
_LINE_GAPS = 0.2  # share of blank rows among a page's lines of writing, at least
_MIN_LINES = 3  # lines of writing a page needs for its orientation to be evident
_MIN_LINE = 6  # pixels high (on the 1600-pixel copy): lower is a speck or a rule, not a line
_ASCENDERS = 2.0  # how much more ink above the x-height band than below, for "evidently up"
_PAPER = 200  # grey level: lighter is paper, darker is writing (faint pencil included)
_SPECKS = 0.0002  # share of a page's pixels darker than paper that is still blank (dust)
_WORKERS = 4  # threads turning scans upright, at most (OSD runs a process per page)
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
    return list(iter_pages(path))


def iter_pages(path: Path) -> Iterator[Page]:
    """The pages of `render_pages` one at a time, in order: a 300-page PDF never has more than
    a few pages' images in memory. Scanned pages are turned upright on a small pool of threads
    while the next pages are drawn (PDFium itself is used from this thread only)."""
    data = read_bytes(path)
    if path.suffix.lower() in PDF_SUFFIXES:
        drawn = _pdf_pages(data, str(path))
    else:
        drawn = _image_pages(data, path)
    workers = min(_WORKERS, os.cpu_count() or 1)
    pool = ThreadPoolExecutor(workers, thread_name_prefix="gradewise-pages")
    waiting: deque[Future[Page]] = deque()
    try:
        for page, scan in drawn:
            waiting.append(pool.submit(_upright_page, page) if scan else _done(page))
            if len(waiting) > 2 * workers:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        drawn.close()


def _upright_page(page: Page) -> Page:
    return dataclasses.replace(page, image=upright(page.image, page.source))


def _done(page: Page) -> Future[Page]:
    done: Future[Page] = Future()
    done.set_result(page)
    return done


def upright(image: Any, source: str) -> Any:
    """The page scaled to at most MAX_SIDE, turned upright, and straightened (`skew`).

    Which way is up is read from the page's lines of writing when it is evident
    (`evident_turn`, a few hundredths of a second); otherwise Tesseract's OSD decides (about a
    second: a process and its model), and the page is left as it is when Tesseract is not
    installed or cannot tell."""
    image = _bounded(image)
    angle = skew(image)  # lines level upside down are level upright: the angle holds for both
    turn = evident_turn(image, angle)
    if turn is None:
        turn = ocr.rotation(image, source)
        if turn % 180:
            image = image.rotate(-turn, expand=True, fillcolor=_white(image))
            angle, turn = skew(image), 0
    if turn:  # a half turn keeps the lines' slope: the same angle levels them
        image = image.rotate(-turn, expand=True, fillcolor=_white(image))
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

    ink = Image.fromarray(_ink(image, 800).astype(np.uint8) * 255)
    scores = {}
    for step in range(-_SKEW_STEPS, _SKEW_STEPS + 1):
        angle = step * MAX_SKEW / _SKEW_STEPS
        turned = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST))
        scores[angle] = float(np.sum(np.diff(turned.sum(axis=1, dtype=np.float64)) ** 2))
    best = max(scores, key=lambda angle: (scores[angle], -abs(angle)))
    level = scores[0.0]
    return best if level > 0 and scores[best] > _SKEW_GAIN * level else 0.0


def evident_turn(image: Any, angle: float = 0.0) -> int | None:
    """0 when the page, straightened by `angle`, is evidently upright, 180 when it is evidently
    upside down, None when its lines of writing do not tell (sideways, too few lines, a
    drawing, a blank or noisy page): then OSD must decide.

    Evident means all of: the ink lies in horizontal lines (many blank rows between them, next
    to no blank columns), at least `_MIN_LINES` of them; in each line more ink above its
    x-height band than below it (ascenders and capitals outweigh descenders, by
    `_ASCENDERS`), or the reverse for 180; and the lines' left edges aligned better than their
    right edges (or the reverse)."""
    import numpy as np
    from PIL import Image

    ink = _ink(image, 1600)
    if angle:
        turned = Image.fromarray(ink.astype(np.uint8) * 255).rotate(angle)
        ink = np.asarray(turned) > 0
    rows, columns = ink.sum(axis=1), ink.sum(axis=0)
    if _blank_share(rows) < _LINE_GAPS or _blank_share(columns) > _blank_share(rows) / 4:
        return None
    above = below = 0.0
    lefts, rights = [], []
    for top, bottom in _lines(rows):
        line = rows[top:bottom]
        band = np.nonzero(line >= line.max() / 2)[0]
        above += float(line[: band[0]].sum())
        below += float(line[band[-1] + 1 :].sum())
        inked = np.nonzero(ink[top:bottom].any(axis=0))[0]
        lefts.append(inked[0])
        rights.append(inked[-1])
    if len(lefts) < _MIN_LINES:
        return None
    ragged_right = float(np.std(rights)) - float(np.std(lefts))
    if above > _ASCENDERS * below and ragged_right > 0:
        return 0
    if below > _ASCENDERS * above and ragged_right < 0:
        return 180
    return None


def blank(image: Any) -> bool:
    """Whether a page is blank paper: next to no pixel darker than light grey (faint pencil
    is darker) on a copy about 1600 pixels a side, where a scanner's specks are averaged away."""
    return float((_grey(image, 1600) < _PAPER).mean()) < _SPECKS


def _ink(image: Any, side: int) -> Any:
    """Where the ink is (a boolean array) on a grey copy about `side` pixels a side at most."""
    return _grey(image, side) < 128


def _grey(image: Any, side: int) -> Any:
    """A grey copy (an array) about `side` pixels a side at most: reduced by a whole factor
    (block means), several times cheaper than resampling."""
    import numpy as np

    grey = image.convert("L")
    return np.asarray(grey.reduce(math.ceil(max(grey.size) / side)))


def _blank_share(counts: Any) -> float:
    """The share of rows (or columns) with no ink between the first and the last inked one."""
    inked = counts.nonzero()[0]
    if not len(inked):
        return 0.0
    return float((counts[inked[0] : inked[-1] + 1] == 0).mean())


def _lines(rows: Any) -> Iterator[tuple[int, int]]:
    """(first row, row after the last) of each run of inked rows at least `_MIN_LINE` high."""
    top = None
    for number, count in enumerate([*rows.tolist(), 0]):
        if count and top is None:
            top = number
        elif not count and top is not None:
            if number - top >= _MIN_LINE:
                yield top, number
            top = None


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


def _image_pages(data: bytes, path: Path) -> Generator[tuple[Page, bool], None, None]:
    """Each frame of an image file (a multi-page TIFF has several), upright by its EXIF, as a
    page still to be turned upright by its writing."""
    from PIL import ImageOps

    image = _opened(data, path)
    count = getattr(image, "n_frames", 1)
    for index in range(count):
        image.seek(index)
        where = f"{path} page {index + 1}" if count > 1 else str(path)
        yield Page(ImageOps.exif_transpose(image.copy()), where), True


def _opened(data: bytes, path: Path) -> Any:
    """The image, a large JPEG decoded at a reduced scale (no larger than needed for
    MAX_SIDE, which costs a fraction of the memory and time of a full decode); a clear error
    for an image that is not one, or has more than MAX_PIXELS."""
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow warns above it: an error here, said plainly
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError(f"{image.width}x{image.height}")
            _draft(image)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ScriptError(
            f"is too large an image (over {MAX_PIXELS // 1_000_000} megapixels)",
            file=str(path),
            fix=f"scale it down (a page needs at most {MAX_SIDE} pixels a side) and add it again",
        ) from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ScriptError(
            f"is not a readable image ({type(exc).__name__})",
            file=str(path),
            fix="export the scan again as PNG, JPEG or PDF",
        ) from None
    return image


def _draft(image: Any) -> None:
    """Ask a JPEG to decode at the smallest scale that still gives MAX_SIDE on its long side
    (a no-op for other formats)."""
    scale = min(1.0, MAX_SIDE / max(image.size))
    image.draft(image.mode, (math.ceil(image.width * scale), math.ceil(image.height * scale)))


def _pdf_pages(data: bytes, source: str) -> Generator[tuple[Page, bool], None, None]:
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
        for number, page in enumerate(reader.pages, 1):
            yield _drawn_page(page, document, number, source)
    finally:
        document.close()


def _drawn_page(page: Any, document: Any, number: int, source: str) -> tuple[Page, bool]:
    """`_pdf_page` for page `number`; a page PDFium cannot load or draw is a ScriptError that
    names it (the file's pages already read are dropped with it: nothing half-stored)."""
    import pypdfium2

    try:
        return _pdf_page(page, document[number - 1], f"{source} page {number}")
    except (pypdfium2.PdfiumError, IndexError) as exc:  # IndexError: PDFium sees fewer pages
        raise ScriptError(
            f"page {number} cannot be drawn ({exc or type(exc).__name__})",
            file=source,
            fix="open it in a PDF viewer and save or print it to a new PDF",
        ) from None


def _pdf_page(page: Any, drawn: Any, where: str) -> tuple[Page, bool]:
    """The page as drawn, and whether it is a scan still to be turned upright (an image on
    it). A page holding only text keeps its text layer; a page written in vector ink is
    upright as drawn (the PDF's own page rotation is applied by PDFium)."""
    image = _bounded(drawn.render(scale=RENDER_DPI / 72, grayscale=True).to_pil())
    text = _page_text(page)
    kind = _content(drawn, text)
    return Page(image, where, text if kind == "text" else None), kind == "scan"


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
