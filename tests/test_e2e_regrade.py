"""`regrade import` on a form's export whose headers are the form's questions (an outside
check: a Google Form's "Why do you think the mark is wrong?" column was refused as no why
column). A header holding a known name among its words is that column, when only one does."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradewise.workspace import Workspace
from test_regrade_import import S1, csv_file, open_requests, run


@pytest.mark.parametrize(
    "header, row",
    [
        ("student,part,why", f"{S1},7a,w"),  # gradewise's own names
        (
            "Timestamp,Student ID,Which question?,Why do you think the mark is wrong?",
            f"t,{S1},7a,w",
        ),
        ("Your student id,Question number,Reason for the request", f"{S1},7a,w"),  # words inside
        ("Why?,Student,Part", f"w,{S1},7a"),  # in any order, punctuation aside
    ],
)
def test_a_forms_questions_name_its_columns(
    ws: Workspace, tmp_path: Path, header: str, row: str
) -> None:
    out = run(ws, str(csv_file(tmp_path, f"{header}\n{row}\n")))
    assert out.exit_code == 0, out.output
    assert open_requests(ws) == [(S1, "II.7.a", "w")]


@pytest.mark.parametrize(
    "header, says",
    [
        ("Student,Part,Comments", "no why column (columns: 'Student', 'Part', 'Comments')"),
        (
            "Student,Part,Why the mark,Why else",  # two headers could be the why: never guessed
            "two columns could be the why (columns: 'Why the mark', 'Why else')",
        ),
    ],
)
def test_no_or_two_candidate_columns_are_refused(
    ws: Workspace, tmp_path: Path, header: str, says: str
) -> None:
    row = ",".join([S1, "7a", "w", "x"][: header.count(",") + 1])
    out = run(ws, str(csv_file(tmp_path, f"{header}\n{row}\n")))
    assert out.exit_code == 1 and says in out.output
    assert open_requests(ws) == []
