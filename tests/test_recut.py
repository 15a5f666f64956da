"""A scan cut by the template again (`scripts add` once more: a rescan, a changed template):
the script's boxes are replaced wholesale in one transaction, none of the last cut left
behind, and a box a human moved to another part stays moved (by its part, wherever its text
now lies), or, when its box holds nothing this time, the move is dropped and said. Through
`Workspace.store_scripts` with the boxes a cut gives (the cutting itself: test_align.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from gradewise import actions
from gradewise.model import Script
from gradewise.review.scan import answer_image
from gradewise.scripts.gather import Gathered
from gradewise.scripts.pages import PageImage, stored_image
from gradewise.scripts.templated import Box
from gradewise.store.db import MOVE_DROPPED
from gradewise.workspace import AddReport, Workspace, open_workspace
from test_template import EXAM

PARTS = ("I.1.a", "I.1.b", "I.2")
FIRST = {"I.1.a": "w1 = 3.8", "I.2": "overfitting memorises noise"}


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    (tmp_path / "exam.yaml").write_text(EXAM, encoding="utf-8")
    return open_workspace(tmp_path)


# Each part's box crop: a grey of its own, as tall as its number (the image served tells which).
CROPS = {"I.1.a": (40, 10), "I.1.b": (40, 20), "I.2": (40, 30)}


def crop(address: str) -> PageImage:
    return stored_image(Image.new("L", CROPS[address], 100 + 20 * PARTS.index(address)))


def cut(
    ws: Workspace, written: dict[str, str], parts: tuple[str, ...] = PARTS, who: str = ""
) -> AddReport:
    """s1's scan cut into the boxes of `parts`: each part's writing, blank-line apart."""
    text, boxes = "", []
    for address in parts:
        words = written.get(address, "")
        if text and words:
            text += "\n\n"
        start = len(text)
        text += words
        boxes.append(Box(address, start, len(text), crop(address)))
    found = Gathered(scripts=[Script("s1", "", "s1.pdf", text)], boxes={"s1.pdf": tuple(boxes)})
    [report] = ws.store_scripts(found, who=who)
    return report


def answers(ws: Workspace) -> dict[str, str]:
    return {a.address: a.text for a in ws.store.answers(student="s1")}


def moved(ws: Workspace) -> None:
    """A human moves I.2's box to I.1.b (the student wrote b's answer in 2's box)."""
    start = next(r.start for r in ws.store.regions("s1") if r.address == "I.2")
    actions.move_piece(ws, "s1", start, "I.1.b", who="ada", why="b written in 2's box")
    assert answers(ws)["I.1.b"] == "overfitting memorises noise"


@pytest.mark.parametrize(
    "again, parts, expected, note",
    [
        (  # the same scan again: nothing changes
            FIRST,
            PARTS,
            {"I.1.a": "w1 = 3.8", "I.1.b": "overfitting memorises noise", "I.2": ""},
            "",
        ),
        (  # a rescan read differently: the moved box's text lies elsewhere, still moved
            {"I.1.a": "w1 = 3.85, so w2 = 3.4", "I.2": "overfitting memorises the noise"},
            PARTS,
            {
                "I.1.a": "w1 = 3.85, so w2 = 3.4",
                "I.1.b": "overfitting memorises the noise",
                "I.2": "",
            },
            "kept 1 box a human moved: I.2 → I.1.b",
        ),
        (  # the moved box holds nothing this time: the move is dropped, and said
            {"I.1.a": "w1 = 3.85"},
            PARTS,
            {"I.1.a": "w1 = 3.85", "I.1.b": "", "I.2": ""},
            "dropped 1 box a human moved, its box empty or not cut this time: I.2 → I.1.b",
        ),
        (  # the template no longer has I.2's box: the move goes with the box
            {"I.1.a": "w1 = 3.85", "I.1.b": "0.1"},
            ("I.1.a", "I.1.b"),
            {"I.1.a": "w1 = 3.85", "I.1.b": "0.1"},
            "dropped 1 box a human moved, its box empty or not cut this time: I.2 → I.1.b",
        ),
    ],
)
def test_a_recut_keeps_the_moves_of_boxes_it_cuts_again(
    ws: Workspace,
    again: dict[str, str],
    parts: tuple[str, ...],
    expected: dict[str, str],
    note: str,
) -> None:
    cut(ws, FIRST)
    moved(ws)
    report = cut(ws, again, parts)
    assert report.note == note
    found = answers(ws)
    assert {a: found.get(a, "") for a in expected} == expected


def dropped_events(ws: Workspace) -> list[tuple[str, str, str | None, str | None, str]]:
    return [
        (e.who, e.address, e.old, e.new, e.why)
        for e in ws.store.events(student="s1")
        if e.kind == MOVE_DROPPED
    ]


@pytest.mark.parametrize(
    "again, parts, events",
    [
        (FIRST, PARTS, []),  # the same scan: nothing dropped
        (  # the moved box read differently: kept, nothing dropped
            {"I.1.a": "w1 = 3.85", "I.2": "overfitting memorises the noise"},
            PARTS,
            [],
        ),
        (  # the moved box empty this time
            {"I.1.a": "w1 = 3.85"},
            PARTS,
            [
                (
                    "grace",
                    "I.1.b",
                    "the box of I.2 moved to I.1.b",
                    None,
                    "the re-cut scan has no text in that box",
                )
            ],
        ),
        (  # the template lost the box
            {"I.1.a": "w1 = 3.85", "I.1.b": "0.1"},
            ("I.1.a", "I.1.b"),
            [
                (
                    "grace",
                    "I.1.b",
                    "the box of I.2 moved to I.1.b",
                    None,
                    "the re-cut scan has no text in that box",
                )
            ],
        ),
    ],
)
def test_a_move_a_recut_drops_is_in_the_audit_log(
    ws: Workspace,
    again: dict[str, str],
    parts: tuple[str, ...],
    events: list[tuple[str, str, str | None, str | None, str]],
) -> None:
    cut(ws, FIRST)
    moved(ws)
    cut(ws, again, parts, who="grace")
    assert dropped_events(ws) == events


def test_a_changed_text_file_drops_its_moves_into_the_audit_log(tmp_path: Path) -> None:
    """A typed script added again with another text: its pieces are cut anew, and each move a
    human made on the old text is an audit event, not a silent loss."""
    (tmp_path / "exam.yaml").write_text(EXAM, encoding="utf-8")
    ws = open_workspace(tmp_path)
    first = "1(a) w1 = 3.8\n\n2. overfitting memorises noise\n"
    ws.store_scripts(Gathered(scripts=[Script("s1", "", "s1.md", first)]))
    piece = next(p for p in ws.segmentation("s1").pieces if p.address == "I.2")
    actions.move_piece(ws, "s1", piece.start, "I.1.b", who="ada", why="b written under 2")
    ws.store_scripts(Gathered(scripts=[Script("s1", "", "s1.md", first + "more\n")]), who="grace")
    assert dropped_events(ws) == [
        (
            "grace",
            "I.1.b",
            f"the piece at character {piece.start} moved to I.1.b",
            None,
            "the script's text changed, so its pieces were cut anew",
        )
    ]
    assert ws.store.overrides("s1") == {}


def test_a_recut_replaces_the_boxes_wholesale(ws: Workspace) -> None:
    cut(ws, FIRST)
    assert {r.address for r in ws.store.regions("s1")} == set(PARTS)
    cut(ws, {"I.1.a": "w1 = 3.9"}, ("I.1.a", "I.2"))  # the template lost I.1.b's box
    assert {r.address for r in ws.store.regions("s1")} == {"I.1.a", "I.2"}  # none left behind
    assert "I.1.b" not in ws.segmentation("s1").pieces[0].address


def test_scripts_add_says_what_became_of_the_moves(capsys: pytest.CaptureFixture[str]) -> None:
    from gradewise.cli.scripts import _summary

    note = "kept 1 box a human moved: I.2 → I.1.b"
    _summary([AddReport("s1", "s1.pdf", "updated", note=note), AddReport("s2", "s2.pdf", "added")])
    assert capsys.readouterr().out == f"s1.pdf: {note}\nScripts: 1 added, 1 updated.\n"


# --- the image beside the answer follows the move ------------------------------------------------


def shown(ws: Workspace, address: str) -> tuple[int, int] | None:
    """The size of the image shown beside s1's answer to `address` (None: no image)."""
    png = answer_image(ws, "s1", address, hide=False)
    return None if png is None else Image.open(io.BytesIO(png)).size


def test_the_image_shown_follows_a_moved_box(ws: Workspace) -> None:
    cut(ws, FIRST)
    before = {a: shown(ws, a) for a in PARTS}
    assert before == {"I.1.a": (40, 10), "I.1.b": (40, 20), "I.2": (40, 30)}  # each its own
    moved(ws)  # I.2's box now answers I.1.b
    assert shown(ws, "I.1.b") == (40, 30)  # the box moved there, not b's empty one
    assert shown(ws, "I.2") is None  # its box is gone from it: nothing to show


def test_a_part_given_a_second_box_shows_both(ws: Workspace) -> None:
    cut(ws, {"I.1.a": "w1 = 3.8", "I.1.b": "0.1", "I.2": "overfitting"})
    start = next(r.start for r in ws.store.regions("s1") if r.address == "I.1.b")
    actions.move_piece(ws, "s1", start, "I.2", who="ada", why="b's box holds 2's answer")
    assert shown(ws, "I.2") == (40, 50)  # its own box and the one moved to it, one under another
    assert shown(ws, "I.1.b") is None
