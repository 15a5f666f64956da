"""Scans aligned to the blank paper and cut by part: a synthetic scan (the blank page written
on, shifted, scaled, turned 2 degrees, noisy) gives back the regions within a few pixels;
a blank page or a page of another paper is refused with a one-line reason; through
`scripts add`, each part's box becomes its answer and what cannot be cut goes to a human."""

from __future__ import annotations

import io
import json
import math
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw, ImageFont

from conftest import missing_system_package
from gradewise.cli import cli
from gradewise.exam import load_exam_text
from gradewise.model import Region
from gradewise.scripts import ocr
from gradewise.scripts.align import align, cut, written
from gradewise.scripts.template import find_regions, paper_images, read_paper
from test_template import EXAM, STYLES, blank_paper

# What the student writes in each part's box (None: left blank).
WRITTEN = {"I.1.a": "w1 = 3.8", "I.1.b": None, "I.2": "overfitting memorises noise"}


@pytest.fixture
def tesseract() -> None:
    if shutil.which("tesseract") is None:
        missing_system_package("Tesseract", ocr.TESSERACT_INSTALL)


def _paper(tmp_path: Path) -> tuple[Path, Image.Image, dict[str, tuple[Region, ...]]]:
    blank = blank_paper(tmp_path / "blank.pdf", STYLES["numbers and brackets"])
    image = Image.open(io.BytesIO(paper_images(blank)[0].png)).convert("L")
    placed = find_regions(read_paper(blank), load_exam_text(EXAM)).placed
    return blank, image, {p.address: p.regions for p in placed}


def _filled(page: Image.Image, regions: dict[str, tuple[Region, ...]]) -> Image.Image:
    """The blank page with each answer written near the top left of its box."""
    out = page.copy()
    draw = ImageDraw.Draw(out)
    font = ImageFont.load_default(size=44)
    for address, text in WRITTEN.items():
        if text:
            x0, y0, _, _ = regions[address][0].box
            draw.text((x0 * out.width + 40, y0 * out.height + 40), text, fill=0, font=font)
    return out


SHIFT = (35.0, -25.0)  # pixels
SCALE = 0.95
TURN = 2.0  # degrees


def _scanned(page: Image.Image, seed: int = 0) -> tuple[Image.Image, np.ndarray]:
    """The page as a scanner gives it back: moved, scaled, turned, noisy; and the 3x3 matrix
    that took the page's pixels to the scan's."""
    import cv2

    c, s = SCALE * math.cos(math.radians(TURN)), SCALE * math.sin(math.radians(TURN))
    matrix = np.array([[c, -s, SHIFT[0]], [s, c, SHIFT[1]], [0, 0, 1]])
    moved = cv2.warpAffine(np.asarray(page), matrix[:2], page.size, borderValue=255)
    noise = np.random.default_rng(seed).normal(0, 12, moved.shape)
    return Image.fromarray(np.clip(moved + noise, 0, 255).astype(np.uint8)), matrix


def test_a_scan_is_aligned_to_the_paper_within_a_few_pixels(tmp_path: Path, pango: None) -> None:
    _, page, regions = _paper(tmp_path)
    scan, moved = _scanned(_filled(page, regions))
    found = align(scan, page)
    assert found.error == "" and found.matrix is not None
    back = np.vstack([np.array(found.matrix), [0, 0, 1]]) @ moved  # page → scan → page
    for region in (r for rs in regions.values() for r in rs):
        x0, y0, x1, y1 = region.box
        for x, y in ((x0, y0), (x1, y1), (x0, y1), (x1, y0)):
            corner = np.array([x * page.width, y * page.height, 1])
            assert np.abs(back @ corner - corner)[:2].max() < 3  # pixels, at 200 DPI
    for address, text in WRITTEN.items():  # each box holds its own writing, and only that
        box = regions[address][0]
        assert written(cut(found.image, box), cut(page, box)) == bool(text), address


def _photographed(page: Image.Image, narrower: float) -> tuple[Image.Image, np.ndarray]:
    """The page as a phone held at an angle over it sees it: its top `narrower` of the width
    narrower at each side (and a corner a little lower), noisy; and the 3x3 matrix that took
    the page's pixels to the photo's."""
    import cv2

    w, h = page.size
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    seen = np.float32([[w * narrower, h * 0.02], [w * (1 - narrower), 0], [w, h], [0, h * 0.98]])
    matrix = cv2.getPerspectiveTransform(corners, seen)
    moved = cv2.warpPerspective(np.asarray(page), matrix, page.size, borderValue=255)
    noise = np.random.default_rng(0).normal(0, 12, moved.shape)
    return Image.fromarray(np.clip(moved + noise, 0, 255).astype(np.uint8)), matrix


@pytest.mark.parametrize(
    "narrower",
    [
        0.02,  # a little off from above: a similarity fit cuts boxes ~100 pixels off
        0.04,
        0.08,  # a similarity fit refuses it: 49% of the print lines up
    ],
)
def test_a_photo_at_an_angle_is_aligned_by_its_perspective(
    tmp_path: Path, pango: None, narrower: float
) -> None:
    _, page, regions = _paper(tmp_path)
    photo, moved = _photographed(_filled(page, regions), narrower)
    found = align(photo, page)
    assert found.error == "" and found.matrix is not None and len(found.matrix) == 3
    back = np.array(found.matrix) @ moved  # page → photo → page
    for region in (r for rs in regions.values() for r in rs):
        x0, y0, x1, y1 = region.box
        for x, y in ((x0, y0), (x1, y1), (x0, y1), (x1, y0)):
            corner = np.array([x * page.width, y * page.height, 1])
            there = back @ corner
            assert np.abs(there / there[2] - corner)[:2].max() < 6  # pixels at 200 DPI: < 1 mm
    for address, text in WRITTEN.items():
        box = regions[address][0]
        assert written(cut(found.image, box), cut(page, box)) == bool(text), address


def test_a_photo_at_too_steep_an_angle_is_refused(tmp_path: Path, pango: None) -> None:
    _, page, regions = _paper(tmp_path)
    photo, _ = _photographed(_filled(page, regions), 0.12)
    found = align(photo, page)
    assert found.image is None and "(another paper?)" in found.error


def _other_paper(tmp_path: Path) -> Image.Image:
    labels = ("Exercise 7", "(x)", "(y)", "Exercise 8")
    other = blank_paper(tmp_path / "other.pdf", labels, space=300)
    return Image.open(io.BytesIO(paper_images(other)[0].png)).convert("L")


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda tmp, page: Image.new("L", page.size, 255), "a blank page?"),  # nothing on it
        (lambda tmp, page: _other_paper(tmp), "another paper?"),  # printed, not this paper
        (  # this paper upside down: turned far more than a scan is
            lambda tmp, page: page.rotate(180, fillcolor=255),
            "another paper?",
        ),
    ],
)
def test_a_page_that_is_not_this_paper_is_refused_with_a_reason(
    tmp_path: Path, pango: None, make: Any, reason: str
) -> None:
    _, page, _ = _paper(tmp_path)
    found = align(make(tmp_path, page), page)
    assert found.image is None and reason in found.error and "\n" not in found.error


# --- through `scripts add` ---------------------------------------------------------------------


@pytest.fixture
def ws(tmp_path: Path, pango: None) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    blank = blank_paper(tmp_path / "blank.pdf", STYLES["numbers and brackets"])
    done = CliRunner().invoke(cli, ["-w", str(root), "exam", "template", str(blank)])
    assert done.exit_code == 0, done.output
    return root


def _answers(ws: Path) -> dict[str, dict[str, Any]]:
    from gradewise.workspace import open_workspace

    found = open_workspace(ws).store.answers()
    return {a.address: {"text": a.text, "flag": a.flag} for a in found}


def test_a_scan_of_the_paper_is_cut_into_its_parts(
    ws: Path, tmp_path: Path, tesseract: None
) -> None:
    _, page, regions = _paper(tmp_path)
    scan, _ = _scanned(_filled(page, regions))
    scan.save(tmp_path / "s1.pdf", resolution=200)
    runner = CliRunner()
    added = runner.invoke(cli, ["-w", str(ws), "scripts", "add", str(tmp_path / "s1.pdf")])
    assert added.exit_code == 0, added.output
    answers = _answers(ws)
    assert "3.8" in answers["I.1.a"]["text"] and "(a)" not in answers["I.1.a"]["text"]
    assert "overfitting" in answers["I.2"]["text"]
    assert answers["I.1.b"] == {"text": "", "flag": "not answered"}  # an empty box
    shown = json.loads(
        runner.invoke(cli, ["-w", str(ws), "scripts", "show", "s1", "--json"]).output
    )
    assert [(p["part"], p["how"]) for p in shown] == [("I.1.a", "region"), ("I.2", "region")]
    moved = ["scripts", "assign", "s1", "2", "I.1.b", "--why", "b's answer written in 2's box"]
    assert runner.invoke(cli, ["-w", str(ws), *moved]).exit_code == 0  # a human moves a box
    assert "overfitting" in _answers(ws)["I.1.b"]["text"]


def test_a_page_of_another_paper_goes_to_a_human_with_the_reason(
    ws: Path, tmp_path: Path, tesseract: None
) -> None:
    page = _other_paper(tmp_path)
    ImageDraw.Draw(page).text(
        (200, 700), "1. (a) 3.8", fill=0, font=ImageFont.load_default(size=44)
    )
    page.save(tmp_path / "s2.pdf", resolution=200)
    added = CliRunner().invoke(cli, ["-w", str(ws), "scripts", "add", str(tmp_path / "s2.pdf")])
    assert added.exit_code == 1  # stored, with a page that could not be cut
    assert "does not line up with the paper's page 1" in added.output
    flags = {a["flag"] for a in _answers(ws).values()}
    assert all("does not line up" in flag for flag in flags), flags


def test_a_drawing_the_reader_cannot_read_goes_to_a_human(
    ws: Path, tmp_path: Path, tesseract: None
) -> None:
    _, page, regions = _paper(tmp_path)
    filled = _filled(page, regions)
    x0, y0, _, _ = regions["I.1.b"][0].box  # b's answer is a sketch: ink, no letters
    left, top = x0 * page.width + 300, y0 * page.height + 80
    ImageDraw.Draw(filled).ellipse((left, top, left + 200, top + 200), outline=0, width=8)
    scan, _ = _scanned(filled, seed=1)
    scan.save(tmp_path / "s3.pdf", resolution=200)
    CliRunner().invoke(cli, ["-w", str(ws), "scripts", "add", str(tmp_path / "s3.pdf")])
    assert _answers(ws)["I.1.b"] == {
        "text": "",
        "flag": "its answer box holds writing that could not be read: check the scan",
    }


def test_with_transcribe_each_written_box_is_sent_alone(
    ws: Path, tmp_path: Path, endpoint: Any
) -> None:
    from test_llm import Served, completion
    from test_transcribe import sent_image

    table = f'[transcribe]\nbase_url = "{endpoint.url}"\nmodel = "vision-test"\nmax_retries = 0\n'
    (ws / "gradewise.toml").write_text(table, encoding="utf-8")
    _, page, regions = _paper(tmp_path)
    scan, _ = _scanned(_filled(page, regions))
    scan.save(tmp_path / "s2024017_lovelace.pdf", resolution=200)

    def respond(body: dict[str, Any]) -> Any:  # I.2's box is the taller one
        tall = sent_image(body).height > 0.3 * page.height
        return Served(payload=completion("overfitting" if tall else "$w_1 = 3.8$"))

    endpoint.responder = respond
    files = [str(tmp_path / "s2024017_lovelace.pdf"), "--transcribe"]
    added = CliRunner().invoke(cli, ["-w", str(ws), "scripts", "add", *files])
    assert added.exit_code == 0, added.output
    assert len(endpoint.bodies) == 2  # the two boxes written in; the blank one is not sent
    for raw in endpoint.raw:
        assert b"s2024017" not in raw and b"lovelace" not in raw.lower()
    answers = _answers(ws)
    assert answers["I.1.a"]["text"] == "$w_1 = 3.8$" and answers["I.2"]["text"] == "overfitting"


@pytest.fixture
def endpoint() -> Any:
    from test_llm import serving

    with serving() as ep:
        yield ep


def test_a_template_whose_pages_are_gone_stops_scans_not_typed_scripts(
    ws: Path, tmp_path: Path
) -> None:
    shutil.rmtree(ws / "pages")
    (tmp_path / "s9.md").write_text("1. (a) 3.8\n", encoding="utf-8")
    runner = CliRunner()
    typed = runner.invoke(cli, ["-w", str(ws), "scripts", "add", str(tmp_path / "s9.md")])
    assert typed.exit_code == 0, typed.output
    Image.new("L", (800, 1100), 255).save(tmp_path / "s8.png")
    scanned = runner.invoke(cli, ["-w", str(ws), "scripts", "add", str(tmp_path / "s8.png")])
    assert (
        scanned.exit_code != 0 and "run 'gradewise exam template BLANK.pdf' again" in scanned.output
    )
    assert "Traceback" not in scanned.output


def test_the_review_page_shows_the_answer_box_not_the_page(
    ws: Path, tmp_path: Path, tesseract: None
) -> None:
    from starlette.testclient import TestClient

    from gradewise.review import create_app
    from gradewise.workspace import open_workspace

    _, page, regions = _paper(tmp_path)
    scan, _ = _scanned(_filled(page, regions))
    scan.save(tmp_path / "s1.pdf", resolution=200)
    assert CliRunner().invoke(cli, ["-w", str(ws), "scripts", "add", str(tmp_path / "s1.pdf")])
    workspace = open_workspace(ws)
    with TestClient(create_app(workspace, who="t"), base_url="http://127.0.0.1") as client:
        reply = client.get("/answer/s1/I.1.a/scan")
    assert reply.status_code == 200
    box = Image.open(io.BytesIO(reply.content))
    x0, y0, x1, y1 = regions["I.1.a"][0].box
    assert box.size == (
        round(x1 * page.width) - round(x0 * page.width),
        round(y1 * page.height) - round(y0 * page.height),
    )


def _box_with(draw: Any = None, *, shift: int = 0, noise: float = 0.0) -> Image.Image:
    """An answer box (a dotted rule printed at its foot), `shift` pixels off, written on."""
    image = Image.new("L", (1300, 400), 255)
    pen = ImageDraw.Draw(image)
    for x in range(20, 1280, 12):
        pen.ellipse((x + shift, 360 + shift, x + 3 + shift, 363 + shift), fill=0)
    if draw is not None:
        draw(pen)
    pixels = np.asarray(image, dtype=float)
    pixels += np.random.default_rng(2).normal(0, noise, pixels.shape) if noise else 0
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _digit(pen: Any) -> None:
    pen.text((100, 100), "5", fill=0, font=ImageFont.load_default(size=40))


def _tick(pen: Any) -> None:
    pen.line((100, 200, 120, 230, 170, 150), fill=0, width=4)


def _dust(pen: Any) -> None:
    for x, y in ((300, 80), (700, 200), (1000, 50)):
        pen.point((x, y), fill=0)


@pytest.mark.parametrize(
    "scan, expected",
    [
        (_box_with(), False),  # left blank
        (_box_with(shift=2), False),  # blank, the print two pixels off after alignment
        (_box_with(noise=15), False),  # blank, scanner noise
        (_box_with(_dust), False),  # blank, a few specks of dust
        (_box_with(_digit), True),  # a single digit: an answer
        (_box_with(_tick), True),  # a tick
        (_box_with(_digit, shift=2, noise=15), True),  # a digit on a noisy, shifted scan
    ],
)
def test_a_box_is_written_in_when_it_holds_ink_the_paper_does_not(
    scan: Image.Image, expected: bool
) -> None:
    assert written(scan, _box_with()) is expected


def test_a_blank_page_in_a_scan_goes_to_a_human_with_the_reason(
    tmp_path: Path, pango: None, tesseract: None
) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    blank = blank_paper(tmp_path / "blank.pdf", STYLES["compound"], space=600)  # two pages
    assert CliRunner().invoke(cli, ["-w", str(root), "exam", "template", str(blank)]).exit_code == 0
    first, second = (Image.open(io.BytesIO(p.png)).convert("L") for p in paper_images(blank))
    ImageDraw.Draw(first).text((300, 700), "1(a) 3.8", fill=0, font=ImageFont.load_default(size=44))
    scanned = [_scanned(first)[0], Image.new("L", second.size, 255)]  # page 2 left out: blank
    scanned[0].save(tmp_path / "s5.pdf", save_all=True, append_images=scanned[1:], resolution=200)
    added = CliRunner().invoke(cli, ["-w", str(root), "scripts", "add", str(tmp_path / "s5.pdf")])
    assert added.exit_code == 1
    (line,) = [x for x in added.output.splitlines() if "page 2" in x]
    assert "does not line up with the paper's page 2: no print found on it" in line
    assert "a blank page?" in line
    flags = {a["flag"] for a in _answers(root).values()}
    assert flags and all("page 2 of the scan" in flag for flag in flags), flags


def test_a_typed_pdf_for_a_templated_exam_is_read_by_its_labels(ws: Path, tmp_path: Path) -> None:
    from test_pdf_scripts import text_pdf

    typed = text_pdf(tmp_path / "s6.pdf", ["1 (a) 3.8", "(b) 0.5", "2. overfitting"], None)
    runner = CliRunner()
    args = ["-w", str(ws), "scripts", "add", str(typed), "--ocr", "none-needed"]
    added = runner.invoke(cli, args)  # its text layer is read: no OCR engine is needed
    assert added.exit_code == 0, added.output
    answers = _answers(ws)
    assert answers["I.1.a"] == {"text": "3.8", "flag": ""}
    assert "overfitting" in answers["I.2"]["text"]


def test_sheets_scanned_out_of_order_are_each_cut_by_their_own_page(
    tmp_path: Path, pango: None, tesseract: None
) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    blank = blank_paper(tmp_path / "blank.pdf", STYLES["compound"], space=600)  # two pages
    assert CliRunner().invoke(cli, ["-w", str(root), "exam", "template", str(blank)]).exit_code == 0
    paper = [Image.open(io.BytesIO(p.png)).convert("L") for p in paper_images(blank)]
    placed = find_regions(read_paper(blank), load_exam_text(EXAM)).placed
    regions = {p.address: p.regions for p in placed}
    font = ImageFont.load_default(size=44)
    for address, text in (("I.1.a", "w1 = 3.8"), ("I.2", "overfitting")):
        region = regions[address][-1]  # I.2 starts on page 2; a's box is on page 1
        page = paper[region.page - 1]
        at = (region.box[0] * page.width + 40, region.box[1] * page.height + 40)
        ImageDraw.Draw(page).text(at, text, fill=0, font=font)
    second, first = (_scanned(page)[0] for page in reversed(paper))  # page 2 scanned first
    second.save(tmp_path / "s7.pdf", save_all=True, append_images=[first], resolution=200)
    added = CliRunner().invoke(cli, ["-w", str(root), "scripts", "add", str(tmp_path / "s7.pdf")])
    assert added.exit_code == 0, added.output
    answers = _answers(root)
    assert "3.8" in answers["I.1.a"]["text"] and "overfitting" in answers["I.2"]["text"]
