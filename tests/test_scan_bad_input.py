"""Scans that go wrong: encrypted, corrupt and very long PDFs, a 40-megapixel photo, an image
too large to be a page, blank pages and pages the OCR engine reads nothing on. Each is a
one-line error or a review item; the rest of the batch goes on, the exit status says if
anything failed, and nothing of a failed file is stored."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from gradewise.cli import cli
from gradewise.errors import ScriptError
from gradewise.scripts import ocr, pages
from gradewise.scripts.scans import NOTHING_READ, page_of, read_scan_pages
from gradewise.workspace import init_workspace, open_workspace
from test_ocr import PAGE, page_image
from test_pdf_scripts import EXAM, _locked, text_pdf


def huge_png(path: Path, width: int, height: int) -> Path:
    """A PNG whose header says `width` × `height` (its pixels are never there)."""
    out = io.BytesIO()
    Image.new("L", (1, 1), 255).save(out, format="PNG")
    data = bytearray(out.getvalue())
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    path.write_bytes(bytes(data))
    return path


class Sparse:
    """An OCR engine (through the engine registry) that reads only the pages of a tall image
    and nothing on the rest, as Tesseract does on a page of drawings or faint writing."""

    id = "sparse"

    def missing(self) -> str | None:
        return None

    def version(self) -> str:
        return "sparse 1"

    def read(self, image: Any, *, source: str, block: bool = False) -> str:
        return "Q1 b, c\nQ2 [32, 128, 26, 26]" if image.height > 1000 else ""


ocr.register_engine(Sparse())


def pencil() -> Image.Image:
    """A page with a faint pencil sketch on it (grey 170: lighter than ink, darker than paper)."""
    image = Image.new("L", (1240, 800), 255)
    ImageDraw.Draw(image).line([(100, 100), (1100, 700)], fill=170, width=4)
    return image


def specks() -> Image.Image:
    """Blank paper as scanned: a few dark specks of dust."""
    image = Image.new("L", (1240, 800), 255)
    for x, y in [(40, 50), (900, 300), (600, 700)]:
        image.putpixel((x, y), 0)
    return image


@pytest.mark.parametrize(
    "make, empty",
    [
        (lambda: Image.new("L", (1240, 800), 255), True),  # white paper
        (specks, True),  # dust is not writing
        (pencil, False),  # faint pencil is
        (lambda: page_image(["Q1"]), False),  # one short line of ink
    ],
)
def test_blank_paper(make: Any, empty: bool) -> None:
    assert pages.blank(make()) is empty


@pytest.mark.parametrize(
    "second, error",
    [
        (lambda: Image.new("L", (1240, 800), 255), ""),  # the blank back of a sheet: no error
        (pencil, NOTHING_READ),  # writing read as nothing: an error, so the answers go to review
    ],
)
def test_a_page_read_as_nothing(tmp_path: Path, second: Any, error: str) -> None:
    path = tmp_path / "s1.tiff"
    page_image(PAGE * 3).save(path, save_all=True, append_images=[second()])
    script, images = read_scan_pages(path, engine="sparse")
    assert [image.error for image in images] == ["", error]
    assert page_of(script.text, len(script.text)) == 2  # both pages kept


def test_writing_read_as_nothing_sends_the_answers_to_review(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    page_image(PAGE * 3).save(root / "scripts" / "s1.tiff", save_all=True, append_images=[pencil()])
    out = CliRunner().invoke(
        cli, ["-w", str(root), "scripts", "add", str(root / "scripts"), "--ocr", "sparse"]
    )
    assert out.exit_code == 1 and f"page 2: {NOTHING_READ}" in out.output
    answers = open_workspace(root).store.answers(student="s1")
    assert answers and all("could not be read" in a.flag for a in answers)  # review, not blank


def test_an_image_too_large_to_be_a_page_is_one_line(tmp_path: Path) -> None:
    path = huge_png(tmp_path / "s1.png", 20_000, 20_000)  # 400 megapixels
    with pytest.raises(ScriptError, match="is too large an image") as caught:
        read_scan_pages(path, engine="sparse")
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_a_40_megapixel_photo_is_decoded_small(tmp_path: Path) -> None:
    path = tmp_path / "s1.jpg"
    Image.new("RGB", (7800, 5200), "white").save(path, quality=80)
    decoded = pages._opened(path.read_bytes(), path)
    assert decoded.size == (3900, 2600)  # JPEG's own half-scale decode: never 40 MP in memory
    (page,) = pages.render_pages(path)
    assert max(page.image.size) == pages.MAX_SIDE


def long_pdf(path: Path, count: int, pango: None) -> Path:
    """A PDF of `count` small pages, a text layer on each (page 1 answers Q1, the last Q2)."""
    lines = ["Q1 b, c", *[f"working, page {n}" for n in range(2, count)], "Q2 [32, 128, 26, 26]"]
    import weasyprint

    body = "".join(f'<p style="page-break-after: always">{line}</p>' for line in lines)
    style = "<style>@page { size: 60mm 30mm; margin: 2mm }</style>"
    weasyprint.HTML(string=f"<html>{style}<body>{body}</body></html>").write_pdf(path)
    return path


def test_a_300_page_pdf_is_read_page_by_page(
    tmp_path: Path, pango: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = long_pdf(tmp_path / "s1.pdf", 300, pango)
    drawn: list[str] = []
    real = pages._pdf_page

    def counted(page: Any, document_page: Any, where: str) -> tuple[pages.Page, bool]:
        drawn.append(where)
        return real(page, document_page, where)

    monkeypatch.setattr(pages, "_pdf_page", counted)
    stream = pages.iter_pages(pdf)
    next(stream)
    assert len(drawn) <= 2 * pages._WORKERS + 2  # a few pages ahead, not the whole file
    stream.close()
    script, images = read_scan_pages(pdf, engine="sparse")
    assert len(images) == 300 and page_of(script.text, script.text.index("Q2")) == 300


def test_a_page_pdfium_cannot_draw_names_the_page(
    tmp_path: Path, pango: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pypdfium2

    pdf = text_pdf(tmp_path / "s1.pdf", ["Q1 b, c", "Q2 [1, 2]", "Q3"], pango)
    real = pypdfium2.PdfDocument.__getitem__

    def broken(document: Any, index: int) -> Any:
        if index == 1:
            raise pypdfium2.PdfiumError("Failed to load page.")
        return real(document, index)

    monkeypatch.setattr(pypdfium2.PdfDocument, "__getitem__", broken)
    with pytest.raises(ScriptError, match="page 2 cannot be drawn") as caught:
        read_scan_pages(pdf)
    assert str(pdf) in str(caught.value) and "\n" not in str(caught.value)


def test_a_batch_with_bad_scans_goes_on(tmp_path: Path, pango: None) -> None:
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    scripts = root / "scripts"
    text_pdf(scripts / "s1.pdf", ["Q1 b, c", "Q2 [32, 128, 26, 26]"], pango)
    _locked(scripts / "s2.pdf")
    whole = text_pdf(tmp_path / "whole.pdf", ["Q1 a", "Q2 [1]"], pango).read_bytes()
    (scripts / "s3.pdf").write_bytes(whole[: len(whole) // 3])  # cut off in transfer
    huge_png(scripts / "s4.png", 20_000, 20_000)
    out = CliRunner().invoke(cli, ["-w", str(root), "scripts", "add", str(scripts)])
    assert out.exit_code == 1 and "Traceback" not in out.output
    for name, why in [
        ("s2.pdf", "is an encrypted PDF"),
        ("s3.pdf", "is not a readable PDF"),
        ("s4.png", "is too large an image"),
    ]:
        assert f"{name}: {why}" in out.output
    assert "1 added" in out.output
    ws = open_workspace(root)
    assert [s.student for s in ws.store.scripts()] == ["s1"]  # nothing of a failed file
    kept = {p.image for p in ws.store.pages("s1")}
    assert {p.stem for p in (root / "pages").iterdir()} == kept  # no stray or partial images


def test_progress_counts_every_file_read_or_refused(tmp_path: Path, pango: None) -> None:
    # what `scripts add` shows on a terminal: the files to read, then each one, bad ones too
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    scripts = root / "scripts"
    text_pdf(scripts / "s1.pdf", ["Q1 b, c", "Q2 [32, 128, 26, 26]"], pango)
    _locked(scripts / "s2.pdf")
    (scripts / "s3.md").write_text("Q1 a\n\nQ2 [1]\n", encoding="utf-8")
    totals: list[int] = []
    seen: list[str] = []
    found = open_workspace(root).gather_scripts(
        [scripts], on_start=totals.append, on_file=lambda p: seen.append(p.name)
    )
    assert totals == [3] and sorted(seen) == ["s1.pdf", "s2.pdf", "s3.md"]
    assert [Path(source).name for source, _ in found.errors] == ["s2.pdf"]


def test_no_progress_is_written_off_a_terminal(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    (root / "scripts" / "s3.md").write_text("Q1 a\n\nQ2 [1]\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["-w", str(root), "scripts", "add", str(root / "scripts")])
    assert out.exit_code == 0 and "reading" not in out.output


def test_the_progress_bar_on_a_terminal_takes_the_counts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from gradewise.cli.scripts import _reading

    with _reading(show=True) as (on_start, on_file):
        assert on_start is not None and on_file is not None
        on_start(2)
        on_file(Path("s1.pdf"))
        on_file(Path("s2.pdf"))
    assert capsys.readouterr().out == ""  # the bar is on stderr, never among the results
