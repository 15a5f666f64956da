"""OCR engines: turn one page image into text. Tesseract (Debian's package) is built in.

An engine is anything with the `OcrEngine` shape; `register_engine` adds one (a better
handwriting model, a remote service the instructor chose) and `engine(id)` finds it. The
built-in calls the `tesseract` binary through subprocess rather than pytesseract: that wrapper
does the same (a subprocess and temporary files) but hides the time limit and the orientation
step, which we need, and adds a dependency for no gain.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from gradewise.errors import ScriptError

TESSERACT_INSTALL = "apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd"


@runtime_checkable
class OcrEngine(Protocol):
    """Reads the text of one page image."""

    id: str

    def missing(self) -> str | None:
        """Why the engine cannot run here, with the install command; None when it can."""
        ...

    def version(self) -> str:
        """The engine and model version, kept with what it read."""
        ...

    def read(self, image: Any, *, source: str, block: bool = False) -> str:
        """The text of one upright page (a PIL image), or with `block` of one answer box cut
        from a page (a single block of text); ScriptError on failure."""
        ...


_ENGINES: dict[str, OcrEngine] = {}


def register_engine(found: OcrEngine) -> None:
    """Make an engine available by its id (a later one with the same id replaces it)."""
    _ENGINES[found.id] = found


def engine(engine_id: str = "tesseract") -> OcrEngine:
    """The engine by id; ScriptError naming the known ones, or how to install it."""
    found = _ENGINES.get(engine_id)
    if found is None:
        raise ScriptError(
            f"no OCR engine {engine_id!r}", fix=f"use one of: {', '.join(sorted(_ENGINES))}"
        )
    why = found.missing()
    if why is not None:
        raise ScriptError(why, fix="or drop a Markdown transcription (same name, .md) beside it")
    return found


# Tesseract's confidence (0-100) below which a word of an answer box read as a block is
# doubted: sketches read as letters scored 27-45, a lone "x" read "Xx" 57; written words ~90.
BLOCK_SURE = 60.0


class Tesseract:
    """Tesseract 4/5 from the system: the text of an upright page, and which way is up (OSD)."""

    id = "tesseract"

    def __init__(self, language: str = "eng", time_limit: float = 120.0) -> None:
        self.language = language
        self.time_limit = time_limit

    def missing(self) -> str | None:
        if shutil.which("tesseract") is None:
            return f"Tesseract OCR is not installed: {TESSERACT_INSTALL}"
        return None

    def version(self) -> str:
        out = self._run(["--version"], source="tesseract")
        return out.splitlines()[0].strip() if out else "tesseract"

    def read(self, image: Any, *, source: str, block: bool = False) -> str:
        with tempfile.TemporaryDirectory(prefix="gradewise-ocr-") as folder:
            path = Path(folder) / "page.png"
            image.convert("L").save(path)
            if block:
                return self._block(path, source)
            return self._page(path, source)

    def _page(self, path: Path, source: str) -> str:
        """A page, laid out (--psm 3: columns, paragraphs)."""
        return self._run([str(path), "stdout", "-l", self.language, "--psm", "3"], source)

    def _block(self, path: Path, source: str) -> str:
        """An answer box, one block of text (--psm 6): read as a page, a short answer ("B",
        "f'(5) = 10") is often not found at all. But a sketch read as a block comes out as
        letters Tesseract doubts ("O)", "ee"): a word read with less confidence than
        BLOCK_SURE sends the box back to the page reading, which finds no text in a drawing
        (the box then goes to a human). Measured: README, "Answer regions"."""
        base = path.with_name("block")
        self._run([str(path), str(base), "-l", self.language, "--psm", "6", "txt", "tsv"], source)
        words = base.with_suffix(".tsv").read_text(encoding="utf-8").splitlines()[1:]
        sure = [float(row.split("\t")[10]) for row in words if row.split("\t")[-1].strip()]
        if sure and min(sure) < BLOCK_SURE:
            return self._page(path, source)
        return base.with_suffix(".txt").read_text(encoding="utf-8")

    def rotation(self, image: Any, *, source: str) -> int:
        """Degrees clockwise that make the page upright (0 when OSD cannot tell)."""
        with tempfile.TemporaryDirectory(prefix="gradewise-osd-") as folder:
            path = Path(folder) / "page.png"
            image.convert("L").save(path)
            try:
                out = self._run([str(path), "stdout", "--psm", "0"], source)
            except ScriptError:
                return 0  # too little text to tell the orientation: read it as it is
        found = re.search(r"Rotate:\s*(\d+)", out)
        return int(found[1]) % 360 if found else 0

    def _run(self, args: list[str], source: str) -> str:
        try:
            done = subprocess.run(
                ["tesseract", *args],
                capture_output=True,
                text=True,
                timeout=self.time_limit,
                check=False,
            )
        except FileNotFoundError:
            raise ScriptError(
                f"Tesseract OCR is not installed: {TESSERACT_INSTALL}", file=source
            ) from None
        except subprocess.TimeoutExpired:
            raise ScriptError(
                f"OCR took longer than {self.time_limit:g} s",
                file=source,
                fix="scan at a lower resolution, or add a Markdown transcription beside it",
            ) from None
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise ScriptError(
                f"OCR failed ({last})",
                file=source,
                fix="check the image opens, or add a Markdown transcription (same name, .md)",
            )
        return done.stdout


_TESSERACT = Tesseract()
register_engine(_TESSERACT)


def rotation(image: Any, source: str) -> int:
    """Degrees clockwise that make a page image upright, by Tesseract's orientation detection;
    0 when Tesseract is not installed (a page read by a vision model needs no OCR engine)."""
    if _TESSERACT.missing() is not None:
        return 0
    return _TESSERACT.rotation(image, source=source)
