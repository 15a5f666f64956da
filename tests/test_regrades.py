"""Regrade requests: one open per answer, resolved with an answer the student reads and, when
given, a new mark in the same transaction (a refused mark leaves the request open); every step
audited. The CLI through click's CliRunner: parsing and one-line errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gradewise import actions
from gradewise.actions import Target, plain
from gradewise.cli import cli
from gradewise.errors import BadInput, ConflictError, GradewiseError, NotFound
from gradewise.store.regrades import Regrades
from gradewise.workspace import Workspace

WHO = "ada"
S1 = "s2024001"


def kinds(ws: Workspace) -> list[str]:
    return [e.kind for e in ws.store.events(S1, "II.7.a")]


def test_ask_then_resolve_without_a_new_mark(ws: Workspace) -> None:
    asked = actions.ask_regrade(ws, S1, "II.7.a", " w2 is right ", who=S1)
    assert (asked.why, asked.open) == ("w2 is right", True)
    assert actions.regrades(ws, open_only=True) == [asked]
    done, marked = actions.resolve_regrade(ws, S1, "II.7.a", "checked: the mark stands", who=WHO)
    assert marked is None and not done.open and done.answered_by == WHO
    assert actions.regrades(ws, open_only=True) == []
    assert actions.regrades(ws) == [done]
    assert kinds(ws) == ["regrade.add", "regrade.resolve"]
    assert ws.grades(S1, "II.7.a")[0].mark is None  # the mark stays


def test_resolve_with_a_new_mark_in_one_transaction(ws: Workspace) -> None:
    actions.ask_regrade(ws, S1, "II.7.a", "w2 is right", who=S1)

    def remark(why: str) -> list[actions.Marked]:
        return actions.mark_answers(ws, "II.7.a", [(Target(S1), plain(4))], who=WHO, why=why)

    done, marked = actions.resolve_regrade(ws, S1, "II.7.a", "agreed", who=WHO, remark=remark)
    assert marked is not None and marked.manual_score == 4 and done.answer == "agreed"
    events = ws.store.events(S1, "II.7.a")
    assert [(e.kind, e.why) for e in events][1:] == [
        ("grade.set", "regrade: agreed"),
        ("regrade.resolve", "agreed"),
    ]


def test_a_refused_mark_leaves_the_request_open(ws: Workspace) -> None:
    actions.ask_regrade(ws, S1, "II.7.a", "w2 is right", who=S1)

    def stale(why: str) -> list[actions.Marked]:  # a version seen before the request
        return actions.mark_answers(ws, "II.7.a", [(Target(S1, 0), plain(4))], who=WHO, why=why)

    with pytest.raises(ConflictError):
        actions.resolve_regrade(ws, S1, "II.7.a", "agreed", who=WHO, remark=stale)
    assert [r.open for r in actions.regrades(ws)] == [True]
    assert kinds(ws) == ["regrade.add"]


@pytest.mark.parametrize(
    "student, part, why, error, says",
    [
        (S1, "II.7.a", "again", BadInput, "has a regrade request open already"),  # one at a time
        (S1, "II.7.a", "   ", BadInput, "the request is empty"),  # nothing asked
        (S1, "IX.1", "w", NotFound, "no part 'IX.1'"),  # no such part
        ("nobody", "II.7.a", "w", NotFound, "no script for student 'nobody'"),  # no such student
        (S1, "II.7.a", "x" * 3000, BadInput, "over the limit"),  # an essay
    ],
)
def test_asking_refused(
    ws: Workspace, student: str, part: str, why: str, error: type[GradewiseError], says: str
) -> None:
    actions.ask_regrade(ws, S1, "II.7.a", "first", who=S1)
    with pytest.raises(error, match=says):
        actions.ask_regrade(ws, student, part, why, who=S1)
    assert len(actions.regrades(ws)) == 1


def test_resolving_needs_an_open_request(ws: Workspace) -> None:
    with pytest.raises(BadInput, match="has no open regrade request"):
        actions.resolve_regrade(ws, S1, "II.7.a", "fine", who=WHO)
    assert kinds(ws) == []


# a part deleted from the exam since the request was asked --------------------------------------

GONE = "II.99.z"
CLOSED = "closed: part no longer in the exam"


def asked_on_gone(ws: Workspace) -> None:
    Regrades(ws.store).add(S1, GONE, "about a part deleted since", who=S1)


def test_a_request_on_a_part_no_longer_in_the_exam_is_closed(ws: Workspace) -> None:
    asked_on_gone(ws)
    done, marked = actions.resolve_regrade(ws, S1, GONE, " that question was dropped ", who=WHO)
    assert marked is None and not done.open
    assert (done.answer, done.answered_by) == ("that question was dropped", WHO)
    assert actions.regrades(ws, open_only=True) == []
    [asked, closed] = ws.store.events(S1, GONE)
    assert (asked.kind, closed.kind) == ("regrade.add", "regrade.close")
    assert (closed.who, closed.new, closed.why) == (WHO, "that question was dropped", CLOSED)


@pytest.mark.parametrize(
    "address, answer, remark, error, says",
    [
        (GONE, "x", True, BadInput, "II.99.z is no longer in the exam"),  # no mark to set
        (GONE, "  ", False, BadInput, "the answer is empty"),  # the student must be told why
        ("II.98", "x", False, NotFound, "no part 'II.98'"),  # gone, but nothing asked on it
    ],
)
def test_closing_refused(
    ws: Workspace,
    address: str,
    answer: str,
    remark: bool,
    error: type[GradewiseError],
    says: str,
) -> None:
    asked_on_gone(ws)

    def mark(why: str) -> list[actions.Marked]:
        return actions.mark_answers(ws, "II.7.a", [(Target(S1), plain(4))], who=WHO, why=why)

    with pytest.raises(error, match=says):
        actions.resolve_regrade(ws, S1, address, answer, who=WHO, remark=mark if remark else None)
    assert [r.open for r in actions.regrades(ws)] == [True]
    assert ws.grades(S1, "II.7.a")[0].mark is None  # nothing half-written


# the command line ------------------------------------------------------------------------------


def run(ws: Workspace, *args: str) -> Result:
    return CliRunner().invoke(cli, ["-w", str(ws.root), "regrade", *args])


def test_cli_add_list_resolve(ws: Workspace) -> None:
    out = run(ws, "add", S1, "II.7.a", "--why", "w2 is right")
    assert out.exit_code == 0 and "regrade request opened" in out.output
    [row] = json.loads(run(ws, "list", "--json").output)
    assert (row["student"], row["address"], row["open"]) == (S1, "II.7.a", True)
    out = run(ws, "resolve", S1, "II.7.a", "--items", "grad,w1,w2", "--why", "w2 was right")
    assert out.exit_code == 0, out.output
    assert "resolved (w2 was right)" in out.output and "items grad, w1, w2" in out.output
    assert json.loads(run(ws, "list", "--json").output) == []  # none open
    [row] = json.loads(run(ws, "list", "--all", "--json").output)
    assert (row["answer"], row["open"]) == ("w2 was right", False)
    assert ws.grades(S1, "II.7.a")[0].mark is not None


@pytest.mark.parametrize(
    "args, says",
    [
        (("resolve", S1, "II.7.a", "--why", "x"), "has no open regrade request"),
        (("resolve", S1, "II.7.a", "3", "--accept", "--why", "x"), "at most one of"),
        (("add", S1, "IX.1", "--why", "x"), "no part 'IX.1'"),
        (("add", S1, "II.7.a"), "Missing option '--why'"),
    ],
)
def test_cli_errors_are_one_line(ws: Workspace, args: tuple[str, ...], says: str) -> None:
    out = run(ws, *args)
    assert out.exit_code != 0 and says in out.output and "Traceback" not in out.output


def test_cli_lists_and_closes_a_request_on_a_part_no_longer_in_the_exam(ws: Workspace) -> None:
    asked_on_gone(ws)
    [row] = json.loads(run(ws, "list", "--json").output)
    assert (row["address"], row["open"], row["gone"]) == (GONE, True, True)
    assert "part no longer in the exam" in run(ws, "list").output
    out = run(ws, "resolve", S1, GONE, "--why", "question dropped, marks rescaled")
    assert out.exit_code == 0, out.output
    assert f"{S1} {GONE}: regrade request {CLOSED} (question dropped" in out.output
    out = run(ws, "resolve", S1, GONE, "--why", "again")
    assert out.exit_code == 1 and "no part 'II.99.z'" in out.output


def test_exports_after_a_regrade_carry_the_new_mark(ws: Workspace, tmp_path: Path) -> None:
    def wide() -> dict[str, str]:
        path = tmp_path / "wide.csv"
        out = CliRunner().invoke(
            cli, ["-w", str(ws.root), "export", "csv", "--allow-incomplete", "-o", str(path)]
        )
        assert out.exit_code == 0, out.output
        return next(r for r in csv.DictReader(path.open(encoding="utf-8")) if r["student"] == S1)

    before = wide()
    assert before["II.7.a"] == "5"
    run(ws, "add", S1, "II.7.a", "--why", "w3 was a slip, w2 right")
    out = run(ws, "resolve", S1, "II.7.a", "--items", "grad,w1,w2", "--why", "w3 is wrong")
    assert out.exit_code == 0, out.output
    after = wide()
    assert after["II.7.a"] == "3" and float(after["total"]) == float(before["total"]) - 2
