"""The exam report and a feedback page in a real browser: plots and math must render.

What only a browser shows: the inline SVG plots take up space and draw their bars; MathML is
laid out as math (a superscript sits above its base's baseline, a fraction's numerator above its
denominator), not as a run of plain letters; and nothing is fetched from anywhere. Screenshots
go to the test's temporary folder (`GRADEWISE_SCREENSHOTS` to keep them elsewhere).
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from gradewise.cli import cli
from gradewise.model import (
    Answer,
    Exam,
    Part,
    PartGrade,
    Question,
    Script,
    Section,
    Status,
    Verdict,
)
from gradewise.reports import feedback
from gradewise.scoring import results

PLOT_COLOURS = {(0x4A, 0x6F, 0xA5), (0x2E, 0x8B, 0x57)}  # the histogram's and criteria's bars


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GRADEWISE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def colours(png: bytes) -> set[tuple[int, int, int]]:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return {rgb for _, rgb in image.getcolors(maxcolors=1 << 20) or []}


def only_local(requested: list[str]) -> bool:
    return all(url.startswith(("file://", "data:", "about:")) for url in requested)


def test_report_plots_render(example: Path, page: Any, tmp_path: Path) -> None:
    path = example / "report.html"
    out = CliRunner().invoke(cli, ["-w", str(example), "report", "-o", str(path)])
    assert out.exit_code == 0, out.output
    page.goto(path.as_uri())
    figures = page.locator("figure svg")
    assert figures.count() == 3  # histogram, parts, criteria
    for i in range(3):
        box = figures.nth(i).bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 150
    drawn = colours(figures.nth(0).screenshot()) | colours(figures.nth(2).screenshot())
    assert drawn >= PLOT_COLOURS  # bars are painted, not just present in the DOM
    page.screenshot(path=str(shots(tmp_path) / "report.png"), full_page=True)
    assert only_local(page.requested), page.requested


def test_feedback_math_renders(example: Path, page: Any, tmp_path: Path) -> None:
    folder = example / "feedback"
    args = ["-w", str(example), "export", "feedback", "--allow-incomplete", "-o", str(folder)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    page.goto((folder / "s2024003.html").as_uri())
    # a superscript (q K^T) is raised: its box ends above its base's bottom
    raised = page.evaluate(
        """[...document.querySelectorAll('msup')].map(m => {
             const base = m.children[0].getBoundingClientRect();
             const sup = m.children[1].getBoundingClientRect();
             return sup.width > 0 && sup.bottom < base.bottom && sup.top < base.top; })"""
    )
    assert raised and all(raised)
    page.screenshot(path=str(shots(tmp_path) / "feedback-s2024003.png"), full_page=True)
    assert only_local(page.requested), page.requested


FRACTION = Exam(
    "f", "Fractions", (Section("I", "All", (Question("1", "", (Part("I.1", "1", "", 2),)),)),)
)


def test_fraction_is_stacked(page: Any) -> None:
    # A hand-made page: the student's $\frac{a+b}{2}$ must be drawn as a fraction.
    grade = PartGrade(
        "s1", "I.1", 2, (Verdict("part", Status.MET, 1.0, "", produced_by="x"),), False
    )
    [result] = results(FRACTION, [grade], [Script("s1", "Ada", "", "")])
    answers = [Answer("s1", "I.1", "so $\\frac{a+b}{2}$ is the mean")]
    fb = feedback.build(FRACTION, result, [grade], answers)
    page.set_content(feedback.render(fb))
    num, den = page.evaluate(
        """(() => { const f = document.querySelector('mfrac');
                    return [...f.children].map(c => c.getBoundingClientRect().toJSON()); })()"""
    )
    assert num["bottom"] <= den["top"] + 1  # numerator above the denominator
    assert abs(num["left"] + num["width"] / 2 - (den["left"] + den["width"] / 2)) < 2  # centred


def test_print_page_formulas_are_valid_images(page: Any) -> None:
    # The PDF's formulas are SVG images: each must decode and draw (naturalWidth > 0).
    grade = PartGrade(
        "s1", "I.1", 2, (Verdict("part", Status.MET, 1.0, "", produced_by="x"),), False
    )
    [result] = results(FRACTION, [grade], [Script("s1", "Ada", "", "")])
    text = "so $\\frac{a+b}{2}$ is the mean, and $\\sigma(z)^2 \\le 1$"
    fb = feedback.build(FRACTION, result, [grade], [Answer("s1", "I.1", text)])
    page.set_content(feedback.print_page(fb))
    sizes = page.evaluate(
        "[...document.querySelectorAll('img.formula')].map(i => [i.complete, i.naturalWidth])"
    )
    assert len(sizes) == 2 and all(done and width > 0 for done, width in sizes)
