"""Every command that takes a part from a human reads it the way `regrade import` does: an
address, or a label as students write it (`7a`, `Q7 (b)`, `Question 7, part (c)`), through the
one resolver `scripts.segment.part_named`; a question named without its part is refused when it
has several, naming them. Through click's CliRunner: the address the command acted on, or the
one-line error."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from gradewise import actions
from gradewise.cli import cli
from gradewise.errors import BadInput, NotFound
from gradewise.scripts.segment import part_named
from gradewise.workspace import Workspace

S1 = "s2024001"


def run(ws: Workspace, *args: str) -> Result:
    return CliRunner().invoke(cli, ["-w", str(ws.root), *args])


@pytest.mark.parametrize(
    "label, address",
    [
        ("II.7.a", "II.7.a"),  # the address itself
        ("ii.7.A", "II.7.a"),  # the address in another case
        ("7a", "II.7.a"),  # glued, as on a script
        ("Q7 (b)", "II.7.b"),  # as students label answers
        ("Question 7, part (c)", "II.7.c"),  # a form's spelled-out part
        ("7.c", "II.7.c"),  # dotted
        ("1", "I.1"),  # a question without parts is its part
    ],
)
def test_regrade_add_takes_labels(ws: Workspace, label: str, address: str) -> None:
    out = run(ws, "regrade", "add", S1, label, "--why", "w2 is right")
    assert out.exit_code == 0, out.output
    assert f"{S1} {address}: regrade request opened" in out.output
    [asked] = actions.regrades(ws)
    assert asked.address == address


@pytest.mark.parametrize(
    "args",
    [
        ("regrade", "add", S1, "{}", "--why", "w"),  # asking for a regrade
        ("grades", "set", S1, "{}", "3", "--why", "w"),  # marking by hand
        ("grades", "show", S1, "--part", "{}"),  # looking at a mark
        ("rubric", "list", "{}"),  # a part's rubric
        ("comments", "add", "{}", "show the working"),  # the comment library
        ("comments", "list", "{}"),
        ("review", "list", "--part", "{}"),  # the review queue of a part
        ("review", "next", "{}", "--judge", "none"),  # what to mark next
    ],
)
def test_every_command_resolves_and_refuses_alike(ws: Workspace, args: tuple[str, ...]) -> None:
    labelled = [a.replace("{}", "Q7 (a)") for a in args]
    out = run(ws, *labelled)
    assert out.exit_code == 0, out.output
    assert "no part" not in out.output
    # A bare question with several parts: which part? Every command says the same.
    out = run(ws, *[a.replace("{}", "7") for a in args])
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "'7' names 3 parts (II.7.a, II.7.b, II.7.c)" in out.output


def test_grades_set_by_label_marks_the_part(ws: Workspace) -> None:
    out = run(ws, "grades", "set", S1, "7a", "4", "--why", "second look")
    assert out.exit_code == 0, out.output
    assert out.output.startswith(f"{S1} II.7.a: ")
    [grade] = ws.grades(S1, "II.7.a")
    assert grade.manual_score == 4
    shown = json.loads(run(ws, "grades", "show", S1, "--part", "7a", "--json").output)
    assert [r["part"] for r in shown] == ["II.7.a"]


def test_rubric_set_by_label_edits_the_part(ws: Workspace) -> None:
    out = run(ws, "rubric", "set", "7a", "w3", "--marks", "1.5", "--why", "t", "--yes")
    assert out.exit_code == 0, out.output
    assert "w3" in (ws.root / "exam.yaml").read_text(encoding="utf-8")
    [w3] = [c for c in ws.exam.part("II.7.a").criteria if c.id == "w3"]
    assert w3.marks == 1.5


@pytest.mark.parametrize(
    "label, error, says",
    [
        ("7", BadInput, "'7' names 3 parts (II.7.a, II.7.b, II.7.c)"),  # which part of 7?
        ("9z", NotFound, "no part '9z' in the exam"),  # no such part
        ("   ", BadInput, "no part given"),  # nothing written
        ("7a and 7b", NotFound, "no part '7a and 7b' in the exam"),  # two parts in one label
    ],
)
def test_the_one_resolver_refuses(
    ws: Workspace, label: str, error: type[Exception], says: str
) -> None:
    with pytest.raises(error) as caught:
        part_named(ws.exam, label)
    assert says in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(error):  # the actions layer asks the same resolver
        actions.find_part(ws, label)
