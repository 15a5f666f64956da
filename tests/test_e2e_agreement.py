"""`evaluate --human` with a second grader's file that marks one answer on two rows (an outside
check: a pasted row was compared, and counted, twice without a word)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gradewise.measure import agreement
from gradewise.model import GradedAnswer
from test_agreement import row


@pytest.mark.parametrize(
    "rows, twice",
    [
        ([row("s1", "I.1", 1, 1), row("s2", "I.1", 0, 1)], []),  # one row per answer
        ([row("s1", "I.1", 1, 1), row("s1", "I.1", 0, 1)], ["s1:I.1"]),  # a row pasted twice
        ([row("s1", "I.1", 1, 1), row("s1", "I.2", 1, 1)], []),  # one student, two parts
        (
            [row("s1", "I.1", 1, 1), row("s2", "I.2", 1, 1), row("s2", "I.2", 1, 1)] * 2,
            ["s1:I.1", "s2:I.2"],
        ),  # each named once, in file order
    ],
)
def test_repeated_answers_are_found(rows: list[GradedAnswer], twice: list[str]) -> None:
    assert agreement.repeated(rows) == twice


def test_cli_refuses_a_second_marking_with_a_repeated_answer(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from gradewise.cli import cli
    from gradewise.workspace import init_workspace, open_workspace

    root = init_workspace(tmp_path / "ws", example=True)
    ws = open_workspace(root)
    ws.add_scripts([root / "scripts"], root / "roster.csv")
    ws.grade()
    second = root / "second.csv"
    CliRunner().invoke(cli, ["-w", str(root), "export", "graded", "--all", "-o", str(second)])
    with second.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with second.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([*rows, rows[0]])  # the first answer's row pasted again at the end
    out = CliRunner().invoke(cli, ["-w", str(root), "evaluate", "--human", str(second)])
    said = rows[0]["answer_id"]
    assert out.exit_code == 1 and f"1 answers are marked on more than one row: {said}" in out.output
