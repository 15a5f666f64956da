"""The page of the student's scan an answer is on, for the review pages.

Served per answer (`/answer/{student}/{address}/scan`), not per page file: the TA rules that
guard an answer's URL (its part must be theirs) guard its image too, and the URL can reach no
page but the one the answer starts on. When names are hidden (anonymous grading, or a TA
under `anonymous_for_ta`) the first page's name band is blanked, as for the vision model.
"""

from __future__ import annotations

import io
from pathlib import Path

from gradewise.errors import WorkspaceError
from gradewise.review.errors import NotFound
from gradewise.review.identity import Identities
from gradewise.review.pages import find_part, find_student
from gradewise.scripts.scans import page_of
from gradewise.scripts.transcribe import TranscribeSettings, load_settings, masked
from gradewise.workspace import Workspace

DEFAULT_MASK = TranscribeSettings.model_fields["mask_top"].default


def answer_page(ws: Workspace, ids: Identities, key: str, address: str, *, hide: bool) -> bytes:
    """The PNG of `answer_image` for `key`'s answer to `address`; NotFound when there is none
    (a typed script, no answer). `hide`: blank the name band of a first page."""
    address = find_part(ws, address).address
    student = find_student(ws, ids, key)
    png = answer_image(ws, student, address, hide=hide)
    if png is None:
        raise NotFound(f"no page image for {key}'s answer to {address}")
    return png


def answer_image(ws: Workspace, student: str, address: str, *, hide: bool) -> bytes | None:
    """The PNG shown beside `student`'s answer to `address`, on the review pages and in their
    feedback (`export feedback --with-scans`): its answer box when the scan was cut by the
    exam's template (the box its answer is in now, when a human moved one), else the page of
    their own scan the answer starts on; None when there is none (a typed script, no answer).
    Only `student`'s own images are read. NotFound when the stored page's file is missing from
    the workspace. `hide`: blank the name band of a first page."""
    box = _box(ws, student, address)
    if box is not None:
        return box
    script, found = ws.store.script(student), ws.store.answers(student=student, address=address)
    stored = ws.store.pages(student)
    if script is None or not found or not found[0].spans or not stored:
        return None
    number = page_of(script.text, min(start for start, _ in found[0].spans))
    path = ws.page_path(stored[min(number, len(stored)) - 1].image)
    if not path.is_file():
        raise NotFound(f"the page image {path.name} is missing from the workspace's pages/")
    if not (hide and number == 1):
        return path.read_bytes()
    return _masked_png(path, _mask(ws))


def _box(ws: Workspace, student: str, address: str) -> bytes | None:
    """The crop of the part's answer boxes (no name band is in them), if the scan was cut:
    the boxes whose pieces are the part's now, a box a human moved included (one under the
    other when there are several), else its own box when nothing is written in it."""
    regions = [r for r in ws.store.regions(student) if r.image]
    if not regions:
        return None
    mine = {p.start for p in ws.segmentation(student).pieces if p.address == address}
    boxes = [r for r in regions if r.end > r.start and r.start in mine]
    boxes = boxes or [r for r in regions if r.address == address and r.end == r.start]
    paths = [ws.page_path(r.image) for r in boxes]
    if not paths or not all(path.is_file() for path in paths):
        return None
    if len(paths) == 1:
        return paths[0].read_bytes()
    from PIL import Image

    from gradewise.scripts.templated import stacked

    return stacked([Image.open(path) for path in paths]).png


def _mask(ws: Workspace) -> float:
    """The name band's height: [transcribe] mask_top where it is set, else the default."""
    try:
        return load_settings(ws.root)[0].mask_top
    except WorkspaceError:
        return float(DEFAULT_MASK)


def _masked_png(path: Path, fraction: float) -> bytes:
    from PIL import Image

    with Image.open(path) as image:
        out = io.BytesIO()
        masked(image, fraction).save(out, format="PNG")
    return out.getvalue()
