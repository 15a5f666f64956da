"""Scripts as PDFs: a text layer read page by page, scanned pages OCR'd, pages kept on spans,
through `gradewise scripts add` and `scripts show`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import missing_system_package
from gradewise.cli import cli
from gradewise.errors import ScriptError
from gradewise.scripts import ocr
from gradewise.scripts.scans import page_of, read_scan
from gradewise.workspace import init_workspace
from test_ocr import PAGE, page_image

EXAM = """\
schema_version: 1
exam: {id: t, title: "Tiny exam"}
sections:
  - id: I
    title: Short
    questions:
      - {id: "1", marks: 2, prompt: "Which saturate?", key: {kind: choice, correct: [b, c]}}
      - {id: "2", marks: 3, prompt: "Output shape?", key: {kind: numeric, value: [32, 128, 26, 26]}}
"""


def text_pdf(path: Path, pages: list[str], pango: None) -> Path:
    """A PDF with a text layer, one HTML section per page (WeasyPrint)."""
    import weasyprint

    paras = ["".join(f"<p>{x}</p>" for x in page.splitlines()) for page in pages]
    body = "".join(f'<div style="page-break-after: always">{p}</div>' for p in paras)
    weasyprint.HTML(string=f"<html><body>{body}</body></html>").write_pdf(path)
    return path


def test_text_layer_pages_are_kept(tmp_path: Path, pango: None) -> None:
    pdf = text_pdf(tmp_path / "s1.pdf", ["Q1 tanh and sigmoid", "Q2 [32, 128, 26, 26]"], pango)
    script = read_scan(pdf, engine="none-needed")  # a text layer needs no OCR engine
    assert script.text.count("\f") == 1
    assert page_of(script.text, script.text.index("Q1")) == 1
    assert page_of(script.text, script.text.index("Q2")) == 2


@pytest.fixture
def tesseract() -> None:
    if shutil.which("tesseract") is None:
        missing_system_package("Tesseract", ocr.TESSERACT_INSTALL)


def test_scanned_pdf_is_ocrd(tmp_path: Path, tesseract: None) -> None:
    pdf = tmp_path / "s2.pdf"
    # OSD needs a few lines of text to tell a page's orientation: page 2 is upside down
    page_image(["Q1 tanh and sigmoid"]).save(
        pdf, save_all=True, append_images=[page_image(PAGE[3:] * 2, angle=180)]
    )
    text = read_scan(pdf).text
    assert "tanh" in text and page_of(text, text.index("3584")) == 2


def _locked(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    writer.write(str(path))
    return path


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: _locked(d / "s1.pdf"), "is an encrypted PDF"),
        (lambda d: (d / "s1.pdf").write_bytes(b"%PDF-1.4 junk") and d / "s1.pdf", "not a readable"),
    ],
)
def test_bad_pdfs(tmp_path: Path, make: object, message: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(ScriptError, match=message) as caught:
        read_scan(path)
    assert str(path) in str(caught.value) and " — " in str(caught.value)


def test_scripts_add_pdf_and_show_pages(tmp_path: Path, pango: None) -> None:
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    text_pdf(root / "scripts" / "s1.pdf", ["Q1 tanh and sigmoid", "Q2 [32, 128, 26, 26]"], pango)
    (root / "scripts" / "broken.pdf").write_bytes(b"%PDF-1.4 junk")
    run = CliRunner().invoke
    added = run(cli, ["-w", str(root), "scripts", "add", str(root / "scripts")])
    assert added.exit_code == 1 and "broken.pdf: is not a readable PDF" in added.output
    assert "1 added" in added.output and "Traceback" not in added.output
    shown = run(cli, ["-w", str(root), "scripts", "show", "s1", "--json"])
    pages = {row["part"]: row["page"] for row in json.loads(shown.output)}
    assert pages == {"I.1": 1, "I.2": 2}  # the reviewer sees the page of each answer
