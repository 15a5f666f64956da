"""Feedback with scans (`export feedback --with-scans`): under each answer, the student's own
page as the review page shows it, inside the file (a data: URL), never another student's."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from gradewise.cli import cli
from gradewise.reports import feedback
from gradewise.scoring import results
from gradewise.workspace import Workspace, init_workspace, open_workspace
from test_align import _filled, _paper, _scanned
from test_feedback import ANSWERS, EXAM, GRADES, SCRIPTS
from test_ocr import tesseract  # noqa: F401  (a fixture)
from test_pdf_scripts import EXAM as TINY_EXAM
from test_pdf_scripts import text_pdf
from test_template import EXAM as TEMPLATED_EXAM

GOLDEN = Path(__file__).parent / "golden" / "exports"
# Two tiny real PNGs (4×3 light grey, 3×4 dark grey): fixed bytes, so the golden page is stable.
MINE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAAAAACRn/EaAAAAEElEQVR4nGM8wcDAwMQAIwALLADOy6VigwAAAABJRU5ErkJggg=="
)
THEIRS = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAMAAAAECAAAAABuRtrbAAAAD0lEQVR4nGO0YWBgYkBgAAPUAETXtRNpAAAAAElFTkSuQmCC"
)


def b64(png: bytes) -> str:
    return base64.b64encode(png).decode("ascii")


def built(student: str) -> feedback.StudentFeedback:
    scans = {("s1", "I.1"): MINE, ("s2", "I.1"): THEIRS, ("s2", "I.2"): THEIRS}
    [result] = [r for r in results(EXAM, GRADES, SCRIPTS) if r.student == student]
    return feedback.build(EXAM, result, GRADES, ANSWERS, (), scans)


def test_page_with_scans_matches_golden(request: pytest.FixtureRequest) -> None:
    page = feedback.render(built("s1"))
    golden = GOLDEN / "feedback-scans.html"
    if request.config.getoption("--update-goldens"):
        golden.write_text(page, encoding="utf-8")
    assert page == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "student, own, other",
    [
        ("s1", MINE, THEIRS),  # s1's I.1 page shown; s2's pages, given too, never placed
        ("s2", THEIRS, MINE),  # and the other way round
    ],
)
def test_only_the_student_s_own_images_are_placed(student: str, own: bytes, other: bytes) -> None:
    page = feedback.render(built(student))
    assert f"data:image/png;base64,{b64(own)}" in page
    assert b64(other) not in page


def test_without_scans_no_image_is_placed() -> None:
    [result] = [r for r in results(EXAM, GRADES, SCRIPTS) if r.student == "s1"]
    page = feedback.render(feedback.build(EXAM, result, GRADES, ANSWERS))
    assert "data:image/png" not in page and 'class="scan"' not in page


@pytest.fixture
def scanned(tmp_path: Path, pango: None) -> Workspace:
    """s1 and s2 each wrote a two-page PDF (I.1 on page 1, I.2 on page 2); s3 typed."""
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(TINY_EXAM, encoding="utf-8")
    scripts = root / "scripts"
    text_pdf(scripts / "s1.pdf", ["Name: Ada\nQ1 b, c", "Q2 [32, 128, 26, 26]"], pango)
    text_pdf(scripts / "s2.pdf", ["Name: Grace\nQ1 a", "Q2 [1, 2, 3]"], pango)
    (scripts / "s3.md").write_text("Q1 b, c\n\nQ2 [32, 128, 26, 26]\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["-w", str(root), "scripts", "add", str(scripts)]).exit_code == 0
    workspace = open_workspace(root)
    workspace.grade()
    return workspace


def export(ws: Workspace, *args: str) -> Path:
    folder = ws.root / "fb"
    command = ["-w", str(ws.root), "export", "feedback", "--allow-incomplete", "-o", str(folder)]
    out = CliRunner().invoke(cli, [*command, *args])
    assert out.exit_code == 0, out.output
    return folder


def stored_pages(ws: Workspace, student: str) -> list[bytes]:
    return [ws.page_path(p.image).read_bytes() for p in ws.store.pages(student)]


def test_each_student_s_feedback_holds_their_own_pages_only(scanned: Workspace) -> None:
    folder = export(scanned, "--with-scans")
    for student, other in (("s1", "s2"), ("s2", "s1")):
        page = (folder / f"{student}.html").read_text(encoding="utf-8")
        own = stored_pages(scanned, student)
        assert len(own) == 2 and all(b64(png) in page for png in own)  # I.1: page 1, I.2: 2
        assert not any(b64(png) in page for png in stored_pages(scanned, other))
        assert page.count('<img src="data:image/png;base64,') == 2
    typed = (folder / "s3.html").read_text(encoding="utf-8")
    assert "data:image/png" not in typed  # a typed script has no page to show


def test_scans_are_left_out_unless_asked(scanned: Workspace) -> None:
    page = (export(scanned) / "s1.html").read_text(encoding="utf-8")
    assert "data:image/png" not in page


def test_feedback_pdf_carries_the_page_images(scanned: Workspace) -> None:
    folder = export(scanned, "--with-scans", "--pdf", "--student", "s1")
    reader = PdfReader(io.BytesIO((folder / "s1.pdf").read_bytes()))
    # WeasyPrint lists every image in each page's resources: count them once, by name
    drawn = {image.name: image.image.size for page in reader.pages for image in page.images}
    assert sorted(drawn.values()) == [(1654, 2339)] * 2  # one per answer, A4 at 200 DPI
    assert not (folder / "s2.pdf").exists()


def test_a_missing_page_file_is_a_one_line_error(scanned: Workspace) -> None:
    scanned.page_path(scanned.store.pages("s1")[0].image).unlink()
    out = CliRunner().invoke(
        cli,
        ["-w", str(scanned.root), "export", "feedback", "--with-scans", "--allow-incomplete"],
    )
    assert out.exit_code == 1 and "is missing from the workspace's pages/" in out.output
    assert "Traceback" not in out.output


@pytest.mark.usefixtures("tesseract")
def test_a_templated_scan_shows_each_answer_s_own_box(tmp_path: Path, pango: None) -> None:
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(TEMPLATED_EXAM, encoding="utf-8")
    blank, page, regions = _paper(tmp_path)
    run = CliRunner().invoke
    assert run(cli, ["-w", str(root), "exam", "template", str(blank)]).exit_code == 0
    scan, _ = _scanned(_filled(page, regions))
    scan.save(tmp_path / "s1.pdf", resolution=200)
    assert run(cli, ["-w", str(root), "scripts", "add", str(tmp_path / "s1.pdf")]).exit_code == 0
    workspace = open_workspace(root)
    workspace.grade()
    html = (export(workspace, "--with-scans") / "s1.html").read_text(encoding="utf-8")
    boxes = {r.address: r.image for r in workspace.store.regions("s1") if r.image}
    assert {"I.1.a", "I.2"} <= set(boxes)
    for image in boxes.values():  # the answer's box, as the review page shows it
        assert b64(workspace.page_path(image).read_bytes()) in html
    assert not any(b64(png) in html for png in stored_pages(workspace, "s1"))  # not the page
