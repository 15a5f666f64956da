"""OCR of scanned pages: generated page images (upright and rotated), the engine interface,
transcriptions that win over OCR, and unreadable images."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

from conftest import missing_system_package
from gradewise.errors import ScriptError
from gradewise.scripts import ocr
from gradewise.scripts.scans import find_scans, read_scan

PAGE = [
    "Name: Ada Lovelace",
    "Student ID: s2024017",
    "",
    "Q1 The answer is tanh and sigmoid.",
    "Q2 (a) The output shape is 32 x 128 x 26 x 26.",
    "(b) There are 3584 parameters in the layer.",
]


@pytest.fixture(scope="module")
def tesseract() -> None:
    if shutil.which("tesseract") is None:
        missing_system_package("Tesseract", ocr.TESSERACT_INSTALL)


def page_image(lines: list[str] = PAGE, angle: int = 0) -> Image.Image:
    """A scanned page: black text on white, turned `angle` degrees counter-clockwise."""
    font = ImageFont.load_default(size=36)
    image = Image.new("L", (1400, 120 + 60 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for row, text in enumerate(lines):
        draw.text((60, 60 + row * 60), text, fill=0, font=font)
    return image.rotate(angle, expand=True, fillcolor=255)


@pytest.mark.parametrize(
    "angle",
    [
        0,  # upright
        90,  # a page scanned sideways
        180,  # upside down
    ],
)
def test_ocr_reads_rotated_pages(tmp_path: Path, tesseract: None, angle: int) -> None:
    path = tmp_path / "s2024017.png"
    page_image(angle=angle).save(path)
    script = read_scan(path)
    assert script.student == "s2024017"  # from the file name
    assert "tanh and sigmoid" in script.text and "3584" in script.text
    assert script.text.index("Q1") < script.text.index("Q2")


def test_multipage_tiff_keeps_pages(tmp_path: Path, tesseract: None) -> None:
    path = tmp_path / "s9.tiff"
    first, second = page_image(PAGE[:4]), page_image(["Q3 Dropout zeroes activations."])
    first.save(path, save_all=True, append_images=[second])
    text = read_scan(path).text
    assert text.count("\f") == 1  # one page break, between the two pages
    assert text.index("Q3") > text.index("\f") > text.index("Q1")


class Upper:
    """A stand-in engine: what a plugged-in engine has to provide."""

    id = "fake"

    def missing(self) -> str | None:
        return None

    def version(self) -> str:
        return "fake 1"

    def read(self, image: Any, *, source: str, block: bool = False) -> str:
        return f"Q1 read {image.width}x{image.height}"


def box_image(text: str, size: int = 40) -> Image.Image:
    """An answer box as cut from a scan: one short answer written near its top left."""
    image = Image.new("L", (1300, 350), 255)
    ImageDraw.Draw(image).text((60, 30), text, fill=0, font=ImageFont.load_default(size=size))
    return image


@pytest.mark.parametrize(
    "text, size, read",
    [
        ("B", 40, "B"),  # a choice's letter alone: read as a page, Tesseract finds no text
        ("f'(5) = 10", 40, "f'(5) = 10"),  # a short formula: the same
        ("overfitting memorises noise", 40, "overfitting memorises noise"),  # read either way
        ("f'(5) = 10", 32, ""),  # small: "f'(5)" doubted (57), so read as a page: to a human
    ],
)
def test_an_answer_box_is_read_as_one_block(
    tesseract: None, text: str, size: int, read: str
) -> None:
    from gradewise.scripts.templated import reader_of

    [reading] = reader_of("tesseract")([(box_image(text, size), False)])
    assert " ".join(reading.text.split()) == read and reading.error == ""


@pytest.mark.parametrize(
    "draw",
    [
        lambda pen: pen.ellipse((300, 80, 500, 280), outline=0, width=8),  # a sketch: "O)"
        lambda pen: pen.line((100, 100, 900, 200), fill=0, width=6),  # a stroke: "ee"
        lambda pen: pen.text((60, 30), "x", fill=0, font=ImageFont.load_default(size=40)),  # "Xx"
    ],
)
def test_what_a_block_reading_doubts_is_not_taken(tesseract: None, draw: Any) -> None:
    image = Image.new("L", (1300, 350), 255)
    draw(ImageDraw.Draw(image))
    assert ocr.Tesseract().read(image, source="a box", block=True).strip() == ""


def test_engine_interface_and_registry(tmp_path: Path) -> None:
    assert isinstance(ocr.Tesseract(), ocr.OcrEngine)
    ocr.register_engine(Upper())
    page_image(["x"]).save(tmp_path / "s1.png")
    assert read_scan(tmp_path / "s1.png", engine="fake").text.startswith("Q1 read 1400x")
    with pytest.raises(ScriptError, match="no OCR engine 'nope'"):
        read_scan(tmp_path / "s1.png", engine="nope")


def test_transcription_beside_the_scan_wins(tmp_path: Path) -> None:
    page_image().save(tmp_path / "s1.png")
    (tmp_path / "s1.md").write_text("Q1 tanh, sigmoid\n", encoding="utf-8")
    page_image().save(tmp_path / "s2.jpg")
    read, skipped = find_scans([tmp_path])
    assert read == [tmp_path / "s2.jpg"] and skipped == [tmp_path / "s1.png"]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("s1.png", b"\x89PNG\r\n\x1a\nbroken", "is not a readable image"),  # truncated
        ("s1.jpg", b"not an image at all", "is not a readable image"),
    ],
)
def test_unreadable_images(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ScriptError, match=message) as caught:
        read_scan(path, engine="fake")
    assert str(path) in str(caught.value) and " — " in str(caught.value)  # the file and a fix


def test_missing_tesseract_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ScriptError, match="apt-get install tesseract-ocr"):
        ocr.engine("tesseract")


def test_ocr_failure_is_one_line(tmp_path: Path, tesseract: None) -> None:
    engine = ocr.Tesseract(language="xx-no-such-language")
    with pytest.raises(ScriptError, match="OCR failed") as caught:
        engine.read(page_image(["x"]), source=str(tmp_path / "s1.png"))
    assert "\n" not in str(caught.value)
