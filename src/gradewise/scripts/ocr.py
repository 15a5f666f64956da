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

    def read(self, image: Any, *, source: str) -> str:
        """The text of one upright page (a PIL image); ScriptError on failure."""
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

    def read(self, image: Any, *, source: str) -> str:
        with tempfile.TemporaryDirectory(prefix="gradewise-ocr-") as folder:
            path = Path(folder) / "page.png"
            image.convert("L").save(path)
            return self._run([str(path), "stdout", "-l", self.language, "--psm", "3"], source)

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
