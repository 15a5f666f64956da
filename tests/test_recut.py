"""A scan cut by the template again (`scripts add` once more: a rescan, a changed template):
the script's boxes are replaced wholesale in one transaction, none of the last cut left
behind, and a box a human moved to another part stays moved (by its part, wherever its text
now lies), or, when its box holds nothing this time, the move is dropped and said. Through
`Workspace.store_scripts` with the boxes a cut gives (the cutting itself: test_align.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradewise import actions
from gradewise.model import Script
from gradewise.scripts.gather import Gathered
from gradewise.scripts.templated import Box
from gradewise.workspace import AddReport, Workspace, open_workspace
from test_template import EXAM

PARTS = ("I.1.a", "I.1.b", "I.2")
FIRST = {"I.1.a": "w1 = 3.8", "I.2": "overfitting memorises noise"}


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    (tmp_path / "exam.yaml").write_text(EXAM, encoding="utf-8")
    return open_workspace(tmp_path)


def cut(ws: Workspace, written: dict[str, str], parts: tuple[str, ...] = PARTS) -> AddReport:
    """s1's scan cut into the boxes of `parts`: each part's writing, blank-line apart."""
    text, boxes = "", []
    for address in parts:
        words = written.get(address, "")
        if text and words:
            text += "\n\n"
        start = len(text)
        text += words
        boxes.append(Box(address, start, len(text), None))
    found = Gathered(scripts=[Script("s1", "", "s1.pdf", text)], boxes={"s1.pdf": tuple(boxes)})
    [report] = ws.store_scripts(found)
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
