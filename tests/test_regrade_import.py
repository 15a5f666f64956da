"""Importing the regrade requests a course collected (a form's CSV export): every row checked
before anything is written, one transaction for the rest, a refused row named by its line. The
rules against `actions.import_regrades`; the CLI for reading the file and rendering only."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gradewise import actions
from gradewise.actions import RequestRow
from gradewise.cli import cli
from gradewise.errors import BadInput
from gradewise.model import Regrade
from gradewise.workspace import Workspace

WHO = "ada"
S1, S2 = "s2024001", "s2024002"


def imported(ws: Workspace, *rows: tuple[str, str, str], **options: bool) -> actions.Imported:
    table = [RequestRow(n, *row) for n, row in enumerate(rows, start=2)]
    given = {"skip_bad": False, "dry_run": False, **options}
    return actions.import_regrades(ws, table, who=WHO, **given)


def open_requests(ws: Workspace) -> list[tuple[str, str, str]]:
    return [(r.student, r.address, r.why) for r in actions.regrades(ws, open_only=True)]


@pytest.mark.parametrize(
    "row, expected",
    [
        ((S1, "II.7.a", "w2 is right"), (S1, "II.7.a", "w2 is right")),  # an address as written
        ((S1, "7a", "w2 is right"), (S1, "II.7.a", "w2 is right")),  # a label glued
        ((S1, "Q7 (b)", "why"), (S1, "II.7.b", "why")),  # as students write labels
        ((S1, "Question 7 part c", "why"), (S1, "II.7.c", "why")),  # a form's spelled-out part
        ((S1, "1", "why"), (S1, "I.1", "why")),  # a question without parts is its part
        ((S1.upper(), "7a", "why"), (S1, "II.7.a", "why")),  # the id typed in capitals
        (("Ben.Okafor@example.edu", "7a", "why"), (S2, "II.7.a", "why")),  # an email on the roster
        ((f" {S1} ", "7a", "  why  "), (S1, "II.7.a", "why")),  # spaces a spreadsheet kept
    ],
)
def test_a_good_row_opens_its_request(
    ws: Workspace, row: tuple[str, str, str], expected: tuple[str, str, str]
) -> None:
    done = imported(ws, row)
    assert done.written and done.bad == ()
    assert open_requests(ws) == [expected]
    assert [e.who for e in ws.store.events(expected[0], expected[1])] == [WHO]


@pytest.mark.parametrize(
    "row, says",
    [
        (("nobody", "7a", "why"), "no script for student 'nobody'"),  # not in the workspace
        (("", "7a", "why"), "no student id"),  # the cell left empty
        ((S1, "9z", "why"), "no part '9z' in the exam"),  # no such part
        ((S1, "", "why"), "no part"),  # the cell left empty
        ((S1, "7", "why"), "'7' names 3 parts (II.7.a, II.7.b, II.7.c)"),  # which part of 7?
        ((S1, "7a and 7b", "why"), "no part '7a and 7b'"),  # two parts in one cell
        ((S1, "7a", "   "), "the request is empty"),  # nothing asked
        ((S1, "7a", "x" * 3000), "over the limit"),  # an essay
    ],
)
def test_a_bad_row_refuses_the_whole_table(
    ws: Workspace, row: tuple[str, str, str], says: str
) -> None:
    done = imported(ws, (S2, "7a", "fine"), row)
    assert not done.written and open_requests(ws) == [] and ws.store.events(S2) == []
    [bad] = done.bad
    assert bad.line == 3 and says in bad.reason and bad.fix
    assert [r.student for r in done.asked] == [S2]  # the good row reported, not written


def test_skip_bad_opens_the_good_rows(ws: Workspace) -> None:
    done = imported(ws, ("nobody", "7a", "why"), (S2, "7a", "fine"), skip_bad=True)
    assert done.written and [b.line for b in done.bad] == [2]
    assert open_requests(ws) == [(S2, "II.7.a", "fine")]


def test_dry_run_writes_nothing(ws: Workspace) -> None:
    done = imported(ws, (S1, "7a", "why"), (S2, "7b", "why"), dry_run=True)
    assert not done.written and len(done.asked) == 2 and open_requests(ws) == []


@pytest.mark.parametrize(
    "rows, line, says",
    [
        # the same answer twice in the file (two labels for one part)
        (((S1, "7a", "one"), (S1, "II.7.a", "two")), 3, "asked for on line 2 already"),
        # the same student in other case asking again
        (((S1, "7a", "one"), (S1.upper(), "7a", "two")), 3, "asked for on line 2 already"),
    ],
)
def test_one_request_per_answer_in_the_file(
    ws: Workspace, rows: tuple[tuple[str, str, str], ...], line: int, says: str
) -> None:
    done = imported(ws, *rows)
    assert [(b.line, says in b.reason) for b in done.bad] == [(line, True)]
    assert open_requests(ws) == []


def test_an_answer_with_a_request_open_already_is_refused(ws: Workspace) -> None:
    actions.ask_regrade(ws, S1, "II.7.a", "first", who=S1)
    done = imported(ws, (S1, "7a", "again"), (S1, "7b", "other"), skip_bad=True)
    assert [b.reason for b in done.bad] == ["s2024001 II.7.a has a regrade request open already"]
    assert open_requests(ws) == [(S1, "II.7.a", "first"), (S1, "II.7.b", "other")]


def test_a_resolved_request_may_be_asked_again(ws: Workspace) -> None:
    actions.ask_regrade(ws, S1, "II.7.a", "first", who=S1)
    actions.resolve_regrade(ws, S1, "II.7.a", "the mark stands", who=WHO)
    assert imported(ws, (S1, "7a", "but look again")).written


def test_all_or_nothing_when_the_store_refuses_midway(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A request opened by someone else between the check and the write: nothing is kept.
    module = sys.modules["gradewise.actions.regrades"]
    real = module.regrades

    def racing(*args: Any, **kwargs: Any) -> list[Regrade]:
        found = real(*args, **kwargs)
        actions.ask_regrade(ws, S2, "II.7.b", "meanwhile", who=S2)
        return found

    monkeypatch.setattr(module, "regrades", racing)
    with pytest.raises(BadInput, match="open already"):
        imported(ws, (S1, "7a", "one"), (S2, "7b", "two"))
    assert open_requests(ws) == [(S2, "II.7.b", "meanwhile")]


# the command line: reading the file, rendering the outcome ----------------------------------


def run(ws: Workspace, *args: str) -> Result:
    return CliRunner().invoke(cli, ["-w", str(ws.root), "regrade", "import", *args])


def csv_file(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "requests.csv"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    "text, encoding",
    [
        ("student,part,why\ns2024001,7a,w2 is right\n", "utf-8"),  # the header as documented
        ("Timestamp,Student ID,Question,Reason\n1/2,s2024001,7a,w2 is right\n", "utf-8"),  # form
        ("SIS User ID;Label;Request\ns2024001;7a;w2 is right\n", "utf-8"),  # semicolons
        ("\ufeffID,Part,Why\ns2024001,7a,w2 is right\n", "utf-8"),  # a BOM from Excel
        ("id\tpart\twhy\ns2024001\t7a\tw2 is right\n", "utf-16"),  # Excel's "Unicode text"
        ("Email Address,Part,Why\naisha.rahman@example.edu,7a,w2 is right\n", "utf-8"),  # email
    ],
)
def test_cli_reads_the_tables_courses_export(
    ws: Workspace, tmp_path: Path, text: str, encoding: str
) -> None:
    out = run(ws, str(csv_file(tmp_path, text, encoding)))
    assert out.exit_code == 0, out.output
    assert "1 regrade requests opened" in out.output
    assert open_requests(ws) == [(S1, "II.7.a", "w2 is right")]


BAD = "student,part,why\ns2024001,7a,fine\nnobody,7a,why\ns2024002,7,why\n"


def test_cli_a_bad_row_refuses_the_file_naming_each_line(ws: Workspace, tmp_path: Path) -> None:
    path = csv_file(tmp_path, BAD)
    out = run(ws, str(path))
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert f"{path}:3: no script for student 'nobody' — " in out.stderr
    assert f"{path}:4: '7' names 3 parts (II.7.a, II.7.b, II.7.c) — " in out.stderr
    assert "nothing imported, 2 of 3 rows refused" in out.stderr
    assert open_requests(ws) == []


def test_cli_skip_bad_and_dry_run(ws: Workspace, tmp_path: Path) -> None:
    path = str(csv_file(tmp_path, BAD))
    out = run(ws, path, "--skip-bad", "--dry-run")
    assert out.exit_code == 0 and "1 regrade requests would open, 2 rows skipped" in out.output
    assert open_requests(ws) == []
    out = run(ws, path, "--skip-bad", "--json")
    assert out.exit_code == 0
    done = json.loads(out.stdout)
    assert done["written"] and [r["address"] for r in done["asked"]] == ["II.7.a"]
    assert [b["line"] for b in done["bad"]] == [3, 4]
    assert open_requests(ws) == [(S1, "II.7.a", "fine")]


@pytest.mark.parametrize(
    "text, says",
    [
        ("student,why\ns2024001,x\n", "requests.csv:1: no part column"),  # no part column
        ("name,part,why\nAda,7a,x\n", "requests.csv:1: no student column"),  # names only
        ("student,part,why\ns1,7a,x,extra\n", "requests.csv:2: this row has 4 fields"),  # a comma
        ('student,part,why\ns1,7a,"never closed\n', "not valid CSV"),  # a quote left open
    ],
)
def test_cli_file_errors_are_one_line(ws: Workspace, tmp_path: Path, text: str, says: str) -> None:
    out = run(ws, str(csv_file(tmp_path, text)))
    assert out.exit_code == 1 and says in out.output and "Traceback" not in out.output
    assert len(out.output.strip().splitlines()) == 1
