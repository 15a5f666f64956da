"""Small things an outside check of the whole flow found in the CLI's output."""

from __future__ import annotations

from pathlib import Path

from test_cli import run, ws  # noqa: F401  (the fixture)


def test_grade_piped_prints_no_blank_line_first(ws: Path) -> None:  # noqa: F811
    # the progress bar (on a terminal only) left an empty line in a log or a pipe
    for _ in range(2):  # graded, then nothing changed
        assert run(ws, "grade").output.startswith("Graded ")
