"""Small things an outside check of the whole flow found in the CLI's output."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_cli import run, ws  # noqa: F401  (the fixture)


def test_grade_piped_prints_no_blank_line_first(ws: Path) -> None:  # noqa: F811
    # the progress bar (on a terminal only) left an empty line in a log or a pipe
    for _ in range(2):  # graded, then nothing changed
        assert run(ws, "grade").output.startswith("Graded ")


@pytest.mark.parametrize(
    "hand, says",
    [
        (False, "I.2: automatic score changed on 2 answers (s001 3→0, s002 0→3)."),
        (True, "(s001 3→0, s002 0→3); 1 of them hand-marked: the hand mark stands."),
    ],
)
def test_grade_says_which_scores_a_key_fix_moved(ws: Path, hand: bool, says: str) -> None:  # noqa: F811
    assert "changed on" not in run(ws, "grade").output  # the first run moves nothing
    if hand:
        assert run(ws, "grades", "set", "s001", "2", "3", "--why", "seen").exit_code == 0
    exam = ws / "exam.yaml"
    exam.write_text(exam.read_text().replace("[32, 128, 26, 26]", "[32, 128, 24, 24]"))
    out = run(ws, "grade").output
    assert says in out and out.count("changed on") == 1
    assert "changed on" not in run(ws, "grade").output  # nothing changed since


def test_review_next_with_nothing_left_says_so(ws: Path) -> None:  # noqa: F811
    assert run(ws, "grade").exit_code == 0
    for student in ("s001", "s002"):
        assert run(ws, "grades", "set", student, "3", "1", "--why", "read").exit_code == 0
    out = run(ws, "review", "next", "3", "--judge", "lexical").output
    assert "Nothing to suggest for I.3: its answers are marked" in out
