"""Pages as images: how fast PDF pages are drawn and kept, on this machine (issue 16's target:
at least 5 pages/s on 2 cores).

Generates three PDFs of `--pages` A4 pages each: one typed (a text layer only: drawn, its text
kept) and one tablet-written (every letter a vector path, no text layer), and that one again
as a scan (page images, each turned upright as `scripts add` does before OCR: by its lines of
writing where they tell, by Tesseract's orientation detection where not). Measures the
drawing and the PNG that is stored (`render_pages` + `stored_image`), not the OCR itself,
whose time is Tesseract's. Then the typed PDF is taken as a blank paper (`exam template`)
and each of its pages, moved, scaled, turned and made noisy as a scanner would, is aligned
to it and cut into its answer boxes (`align` + `cut` + `written`), as `scripts add` does for
scans of a templated paper. Prints Markdown tables for BENCHMARKS.md.

    nice -n 10 .venv/bin/python benchmarks/bench_pages.py [--pages 40]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from gradewise.scripts.pages import render_pages, stored_image

LINES = [
    "Q1 The answer is tanh and sigmoid, both saturate.",
    "Q2 (a) The output shape is 32 x 128 x 26 x 26.",
    "(b) There are 3584 parameters in the layer: 128 (3 x 3 x 3 + 1).",
]


def make_pdf(path: Path, pages: int, *, ink: bool) -> Path:
    """`pages` A4 pages of text, as text (typed) or as vector paths (tablet ink)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch
    from matplotlib.textpath import TextPath

    with PdfPages(path) as out:
        for _ in range(pages):
            figure = Figure(figsize=(8.27, 11.69))
            axes = figure.add_axes((0, 0, 1, 1))
            axes.set_xlim(0, 827)
            axes.set_ylim(0, 1169)
            axes.axis("off")
            for row, line in enumerate(LINES * 6):
                y = 1080 - 55 * row
                if ink:
                    axes.add_patch(PathPatch(TextPath((60, y), line, size=24), color="k", lw=0))
                else:
                    axes.text(60, y, line, fontsize=17)
            out.savefig(figure)
    return path


def scanned_pdf(path: Path, ink_pdf: Path) -> Path:
    """The tablet PDF printed and scanned: each page an image at 200 DPI (Pillow's PDF)."""
    pages = [page.image for page in render_pages(ink_pdf)]
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=200)
    return path


def measure(path: Path) -> tuple[float, float, int]:
    """Seconds to draw and encode every page, the CPU seconds that took (this process's
    threads and its Tesseract processes: the figure a busy machine does not change), and the
    bytes stored."""
    started, cpu = time.perf_counter(), _cpu()
    stored = [stored_image(page.image) for page in render_pages(path)]
    return time.perf_counter() - started, _cpu() - cpu, sum(len(s.png) for s in stored)


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


EXAM = """\
schema_version: 1
exam: {id: bench, title: Bench}
sections:
  - id: I
    title: All
    questions:
      - {id: "1", marks: 1}
      - id: "2"
        parts: [{id: a, marks: 1}, {id: b, marks: 1}]
"""


def scanned_pages(paper: Any, pages: int) -> list[Any]:
    """The blank page as `pages` scans: each shifted, scaled, turned and noisy its own way."""
    import cv2
    import numpy as np
    from PIL import Image

    random = np.random.default_rng(0)
    out = []
    for _ in range(pages):
        turn, scale = random.uniform(-2, 2), random.uniform(0.95, 1.05)
        matrix = cv2.getRotationMatrix2D((paper.width / 2, paper.height / 2), turn, scale)
        matrix[:, 2] += random.uniform(-40, 40, 2)
        moved = cv2.warpAffine(np.asarray(paper), matrix, paper.size, borderValue=255)
        noisy = np.clip(moved + random.normal(0, 10, moved.shape), 0, 255).astype(np.uint8)
        out.append(Image.fromarray(noisy))
    return out


def measure_alignment(blank: Path, pages: int) -> tuple[float, int, int]:
    """Seconds to align `pages` scans to the blank paper and cut each part's box; the boxes
    cut; the pages refused."""
    import io

    from PIL import Image

    from gradewise.exam import load_exam_text
    from gradewise.scripts.align import align, cut, sheet, written
    from gradewise.scripts.template import find_regions, paper_images, read_paper

    regions = [
        r for p in find_regions(read_paper(blank), load_exam_text(EXAM)).placed for r in p.regions
    ]
    paper = Image.open(io.BytesIO(paper_images(blank)[0].png)).convert("L")
    scans = scanned_pages(paper, pages)
    started = time.perf_counter()
    ready = sheet(paper)  # once per page of the paper, as `scripts add` does
    boxes = refused = 0
    for scan in scans:
        found = align(scan, ready)
        refused += bool(found.error)
        for region in regions if found.image is not None else []:
            written(cut(found.image, region), cut(paper, region))
            boxes += 1
    return time.perf_counter() - started, boxes, refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40)
    args = parser.parse_args()
    print("| PDF | pages | seconds | pages/s | CPU s per page | stored per page |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        typed = make_pdf(Path(folder) / "typed.pdf", args.pages, ink=False)
        ink = make_pdf(Path(folder) / "ink.pdf", args.pages, ink=True)
        scan = scanned_pdf(Path(folder) / "scan.pdf", ink)
        for name, pdf in (
            ("typed (text layer)", typed),
            ("tablet ink (vector paths)", ink),
            ("scanned (page images; OSD only where the lines do not tell)", scan),
        ):
            seconds, cpu, size = measure(pdf)
            rate, per_page = args.pages / seconds, cpu / args.pages
            kb = size / args.pages / 1024
            row = f"{args.pages} | {seconds:.1f} | {rate:.1f} | {per_page:.2f} | {kb:.0f} KB"
            print(f"| {name} | {row} |")
        seconds, boxes, refused = measure_alignment(typed, args.pages)
        rate = args.pages / seconds
        print()
        print("| scans of a templated paper | pages | seconds | pages/s | boxes cut | refused |")
        print("|---|---|---|---|---|---|")
        row = f"{args.pages} | {seconds:.1f} | {rate:.1f} | {boxes} | {refused}"
        print(f"| aligned to the paper, cut, ink checked | {row} |")


if __name__ == "__main__":
    main()
