"""The blank paper as the exam's template: its answer regions written into exam.yaml.

`set_template` reads the paper (`scripts.template`), keeps its page images in the workspace
(by content hash, for scans to be aligned to) and writes `template:` and each part's
`regions:` into the exam file round-trip, with an audit event (who, the paper before and
after, the parts placed), the file last so that a failure writes nothing. A dry run reads
and places, and writes nothing at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from gradewise.actions.rubric import write_atomically
from gradewise.exam.edit import write_template
from gradewise.model import Template
from gradewise.scripts.template import Found, find_regions, paper_images, read_paper
from gradewise.workspace import Workspace


@dataclass(frozen=True)
class Templated:
    """What the paper gave: the parts placed and not, its pages, and whether it was written."""

    found: Found
    pages: tuple[str, ...]
    written: bool


TEMPLATE_SET = "template set"


def set_template(ws: Workspace, blank: Path, *, who: str, dry_run: bool = False) -> Templated:
    """Find every part's answer regions on the blank paper `blank` and, unless `dry_run`,
    write them into the workspace's exam.yaml (ExamError, nothing written, when they would
    not load)."""
    paper = read_paper(blank)
    found = find_regions(paper, ws.exam)
    images = paper_images(blank)
    pages = tuple(image.sha256 for image in images)
    if dry_run:
        return Templated(found, pages, written=False)
    regions = {placed.address: placed.regions for placed in found.placed}
    text = ws.exam_path.read_bytes().decode("utf-8-sig")
    written = write_template(text, Template(blank.name, pages, regions), source=ws.exam_path.name)
    ws.save_pages(images)
    old = ws.exam.template
    with ws.store.transaction():
        ws.store.record(
            TEMPLATE_SET,
            who=who,
            old=json.dumps({"source": old.source, "parts": sorted(old.regions)}) if old else None,
            new=json.dumps({"source": blank.name, "parts": sorted(regions)}),
            why=f"answer regions found on {blank.name}",
        )
        write_atomically(ws.exam_path, written)
    return Templated(found, pages, written=True)
