"""Pages of scanned scripts as images: PDFs rendered (vector ink too), photos turned upright and
scaled, each page stored once by content hash and linked to the script's pieces."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from gradewise.cli import cli
from gradewise.scripts import pages
from gradewise.scripts.pages import MAX_SIDE, render_pages
from gradewise.scripts.scans import page_of, read_scan, read_scan_pages
from gradewise.store import open_store
from gradewise.workspace import init_workspace
from test_ocr import PAGE, page_image, tesseract  # noqa: F401  (a fixture)
from test_pdf_scripts import EXAM, text_pdf


def ink_pdf(path: Path, pages_lines: list[list[str]]) -> Path:
    """A tablet-written PDF: every letter drawn as a vector path, no text layer at all."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import PathPatch
    from matplotlib.textpath import TextPath

    font = FontProperties(family="DejaVu Sans")
    with PdfPages(path) as out:
        for lines in pages_lines:
            figure = Figure(figsize=(8.27, 11.69))
            axes = figure.add_axes((0, 0, 1, 1))
            axes.set_xlim(0, 827)
            axes.set_ylim(0, 1169)
            axes.axis("off")
            for row, line in enumerate(lines):
                glyphs = TextPath((60, 1080 - 60 * row), line, size=28, prop=font)
                axes.add_patch(PathPatch(glyphs, color="black", lw=0))
            out.savefig(figure)
    return path


@pytest.mark.usefixtures("tesseract")
def test_vector_ink_pdf_has_no_text_layer_but_is_read(tmp_path: Path) -> None:
    pdf = ink_pdf(tmp_path / "s7.pdf", [PAGE[3:4], PAGE[4:]])
    from pypdf import PdfReader

    assert not "".join(p.extract_text() or "" for p in PdfReader(pdf).pages).strip()
    script, images = read_scan_pages(pdf)
    assert "tanh and sigmoid" in script.text  # read from the rendered ink, not "nothing found"
    assert page_of(script.text, script.text.index("3584")) == 2
    assert len(images) == 2 and images[0].sha256 != images[1].sha256


def test_every_pdf_page_is_rendered_text_layer_kept(tmp_path: Path, pango: None) -> None:
    pdf = text_pdf(tmp_path / "s1.pdf", ["Q1 tanh and sigmoid", ""], pango)
    found = render_pages(pdf)
    assert [p.text.strip() if p.text is not None else None for p in found] == [
        "Q1 tanh and sigmoid",  # a text-only page keeps its exact text layer
        "",  # a blank page: nothing to read, but still an image
    ]
    first = found[0].image
    assert first.width > 1500 and first.getextrema()[0] < 128  # drawn at 200 DPI, ink on it


@pytest.mark.parametrize(
    "size",
    [
        (1400, 900),  # an ordinary scan: kept as it is
        (7800, 5200),  # a 40-megapixel photo: scaled to MAX_SIDE on its long side
    ],
)
def test_photos_are_bounded(tmp_path: Path, size: tuple[int, int]) -> None:
    path = tmp_path / "s3.jpg"
    Image.new("RGB", size, "white").save(path)
    (page,) = render_pages(path)
    assert max(page.image.size) == min(max(size), MAX_SIDE)
    assert page.image.size[0] > page.image.size[1]  # the shape is kept


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    path = tmp_path / "s4.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # a phone held upright: the pixels are stored turned 90°
    Image.new("L", (300, 200), 255).save(path, exif=exif)
    (page,) = render_pages(path)
    assert page.image.size == (200, 300)


@pytest.mark.usefixtures("tesseract")
def test_upside_down_scan_is_stored_upright(tmp_path: Path) -> None:
    path = tmp_path / "s5.png"
    page_image(angle=180).save(path)
    (page,) = render_pages(path)
    assert page.image.size == page_image().size
    # The top rows of the upright page hold the first line, as in the unturned original.
    top = page.image.crop((0, 0, page.image.width, 130)).getextrema()[0]
    assert top < 128


def test_scripts_add_stores_each_page_once_and_show_links_it(tmp_path: Path, pango: None) -> None:
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    text_pdf(root / "scripts" / "s1.pdf", ["Q1 tanh and sigmoid", "Q2 [32, 128, 26, 26]"], pango)
    run = CliRunner().invoke
    for _ in range(2):  # added twice: the same files, no second copy
        added = run(cli, ["-w", str(root), "scripts", "add", str(root / "scripts")])
        assert added.exit_code == 0, added.output
    stored = sorted((root / "pages").iterdir())
    assert len(stored) == 2 and all(p.suffix == ".png" for p in stored)
    for path in stored:  # named by content
        assert path.stem == hashlib.sha256(path.read_bytes()).hexdigest()
    shown = json.loads(run(cli, ["-w", str(root), "scripts", "show", "s1", "--json"]).output)
    links = {row["part"]: (row["page"], Path(row["image"])) for row in shown}
    assert links["I.1"][0] == 1 and links["I.2"][0] == 2
    assert links["I.1"][1] != links["I.2"][1] and {links["I.1"][1], links["I.2"][1]} == set(stored)
    assert "Page images:" in run(cli, ["-w", str(root), "scripts", "show", "s1"]).output


def test_a_transcription_replacing_a_scan_drops_its_pages(tmp_path: Path, pango: None) -> None:
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    text_pdf(root / "scripts" / "s1.pdf", ["Q1 tanh and sigmoid", "Q2 [32, 128, 26, 26]"], pango)
    run = CliRunner().invoke
    run(cli, ["-w", str(root), "scripts", "add", str(root / "scripts")])
    assert len(open_store(root / "gradewise.db").pages("s1")) == 2
    (root / "scripts" / "s1.md").write_text("Q1 b, c\n\nQ2 [32, 128, 26, 26]\n", encoding="utf-8")
    added = run(cli, ["-w", str(root), "scripts", "add", str(root / "scripts")])
    assert "1 updated" in added.output
    assert open_store(root / "gradewise.db").pages("s1") == []  # its pages no longer match


def test_text_script_has_no_pages(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    (root / "scripts" / "s2.md").write_text("Q1 b, c\nQ2 [32, 128, 26, 26]\n", encoding="utf-8")
    CliRunner().invoke(cli, ["-w", str(root), "scripts", "add", str(root / "scripts")])
    shown = json.loads(
        CliRunner().invoke(cli, ["-w", str(root), "scripts", "show", "s2", "--json"]).output
    )
    assert {row["image"] for row in shown} == {""}
    assert open_store(root / "gradewise.db").pages("s2") == []


def test_a_pdf_pdfium_cannot_draw_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pango: None
) -> None:
    import pypdfium2

    pdf = text_pdf(tmp_path / "s1.pdf", ["Q1 tanh"], pango)

    def refuse(*args: object, **kwargs: object) -> None:
        raise pypdfium2.PdfiumError("Failed to load document (PDFium: Data format error).")

    monkeypatch.setattr(pypdfium2, "PdfDocument", refuse)
    with pytest.raises(pages.ScriptError, match="is not a PDF that can be drawn") as caught:
        read_scan(pdf)
    assert str(pdf) in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "angle, turned",
    [
        (0.0, False),  # level: left exactly as scanned
        (3.0, True),  # fed in crooked by 3°: straightened
        (-4.5, True),  # the other way
        (None, False),  # a blank page: no angle stands out
    ],
)
def test_crooked_scans_are_straightened(angle: float | None, turned: bool) -> None:
    page = Image.new("L", (1240, 1754), 255)
    if angle is not None:
        page = page_image(PAGE * 4).rotate(angle, expand=True, fillcolor=255)
    found = pages.skew(page)
    if not turned:
        assert found == 0.0
        return
    assert abs(found + angle) <= 0.5  # the rotation that undoes it, within two steps
    assert abs(pages.skew(page.rotate(found, fillcolor=255))) <= 0.5  # then level


@pytest.mark.parametrize(
    "make, turn",
    [
        (lambda: page_image(PAGE * 3), 0),  # typed lines, left-aligned: evidently upright
        (lambda: page_image(PAGE * 3, angle=180), 180),  # evidently upside down
        (lambda: page_image(PAGE * 3, angle=90), None),  # sideways: OSD decides
        (lambda: page_image(PAGE * 3, angle=270), None),  # the other way
        (lambda: page_image(PAGE * 3).rotate(3, expand=True, fillcolor=255), 0),  # crooked by 3°
        (
            lambda: page_image(PAGE * 3).rotate(183, expand=True, fillcolor=255),
            180,
        ),  # and upside down
        (lambda: page_image(["Q1 tanh"]), None),  # one line: too little to tell
        (lambda: Image.new("L", (1240, 1754), 255), None),  # blank
        (lambda: Image.new("L", (1240, 1754), 0), None),  # all ink (a black scan)
    ],
)
def test_evident_orientation(make: object, turn: int | None) -> None:
    image = make()  # type: ignore[operator]
    assert pages.evident_turn(image, pages.skew(image)) == turn


@pytest.mark.parametrize(
    "angle, osd",
    [
        (0, False),  # upright: no OSD process at all
        (180, False),  # upside down, evidently: turned without OSD
        (90, True),  # sideways: OSD turns it
        (270, True),  # the other way
    ],
)
@pytest.mark.usefixtures("tesseract")
def test_pages_are_turned_upright_with_osd_only_when_needed(
    monkeypatch: pytest.MonkeyPatch, angle: int, osd: bool
) -> None:
    asked: list[str] = []
    real = pages.ocr.rotation

    def counted(image: Image.Image, source: str) -> int:
        asked.append(source)
        return real(image, source)

    monkeypatch.setattr(pages.ocr, "rotation", counted)
    original = page_image(PAGE * 3)
    found = pages.upright(original.rotate(angle, expand=True, fillcolor=255), "s1.png")
    assert bool(asked) == osd
    assert found.size == original.size
    assert apart(found, original) < apart(found.rotate(180), original) / 2  # as written


def apart(one: Image.Image, other: Image.Image) -> float:
    """How different two page images are: the mean absolute difference of their pixels."""
    import numpy as np

    return float(np.mean(np.abs(np.asarray(one, float) - np.asarray(other, float))))


@pytest.mark.parametrize(
    "angle",
    [
        3,  # crooked
        183,  # crooked and upside down
        -176,  # the other way
    ],
)
def test_crooked_pages_come_out_upright_and_level(angle: int) -> None:
    found = pages.upright(page_image(PAGE * 3).rotate(angle, expand=True, fillcolor=255), "s.png")
    assert pages.skew(found) == 0.0 and pages.evident_turn(found) == 0
