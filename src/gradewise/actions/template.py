"""The blank paper as the exam's template: its answer regions written into exam.yaml.

`set_template` reads the paper (`scripts.template`), keeps its page images in the workspace
(by content hash, for scans to be aligned to) and writes `template:` and each part's
`regions:` into the exam file round-trip, with an audit event (who, the paper before and
after, the parts placed and the regions written), the file last so that a failure writes
nothing. A dry run reads and places, and writes nothing at all.

Regions a human edited in exam.yaml since the last run (they differ from what that run wrote,
as its audit event recorded) are kept, and said (`Templated.kept`), unless `replace_edited`:
running the command again never undoes a hand correction without a word.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradewise.actions.rubric import write_atomically
from gradewise.exam import load_exam_text
from gradewise.exam.edit import write_template
from gradewise.model import Region, Template
from gradewise.scripts.template import Found, find_regions, paper_images, read_paper
from gradewise.workspace import Workspace


@dataclass(frozen=True)
class Templated:
    """What the paper gave: the parts placed and not, its pages, and whether it was written."""

    found: Found
    pages: tuple[str, ...]
    written: bool
    kept: tuple[str, ...] = ()  # parts whose regions were edited by hand and kept


TEMPLATE_SET = "template set"


def set_template(
    ws: Workspace, blank: Path, *, who: str, dry_run: bool = False, replace_edited: bool = False
) -> Templated:
    """Find every part's answer regions on the blank paper `blank` and, unless `dry_run`,
    write them into the workspace's exam.yaml (ExamError, nothing written, when they would
    not load); regions edited by hand since the last run are kept unless `replace_edited`."""
    paper = read_paper(blank)
    found = find_regions(paper, ws.exam)
    images = paper_images(blank)
    pages = tuple(image.sha256 for image in images)
    old = ws.exam.template
    current = dict(old.regions) if old is not None else {}
    last = _last_written(ws)
    edited = {
        address
        for address in current
        if last is None or _as_json(current[address]) != last.get(address)
    }
    regions = {placed.address: placed.regions for placed in found.placed}
    kept = () if replace_edited else tuple(sorted(edited & set(regions)))
    if dry_run:
        return Templated(found, pages, written=False, kept=kept)
    for address in kept:
        regions[address] = current[address]
    text = ws.exam_path.read_bytes().decode("utf-8-sig")
    written = write_template(text, Template(blank.name, pages, regions), source=ws.exam_path.name)
    ws.save_pages(images)
    # What this run wrote, for the next run to tell hand edits from it: a kept region is
    # recorded as the tool last wrote it, so that it stays a hand edit.
    back = load_exam_text(written, ws.exam_path.name).template
    assert back is not None  # write_template wrote it
    recorded = {a: _as_json(back.regions[a]) for a in regions if a not in kept}
    recorded.update({a: last[a] for a in kept if last is not None and a in last})
    with ws.store.transaction():
        ws.store.record(
            TEMPLATE_SET,
            who=who,
            old=json.dumps({"source": old.source, "parts": sorted(old.regions)}) if old else None,
            new=json.dumps({"source": blank.name, "parts": sorted(regions), "regions": recorded}),
            why=f"answer regions found on {blank.name}"
            + (f"; kept the regions edited by hand of {', '.join(kept)}" if kept else ""),
        )
        write_atomically(ws.exam_path, written)
    return Templated(found, pages, written=True, kept=kept)


def _last_written(ws: Workspace) -> dict[str, Any] | None:
    """The regions the last run wrote, by part (None: no run recorded them)."""
    for event in reversed(ws.store.events()):
        if event.kind == TEMPLATE_SET:
            recorded = json.loads(event.new or "{}").get("regions")
            return recorded if isinstance(recorded, dict) else None
    return None


def _as_json(regions: tuple[Region, ...]) -> list[list[float]]:
    return [[region.page, *region.box] for region in regions]
