"""`rubric add` on a part with no rubric says why and what to write (an outside check read
"(its key gives the marks)" for a free-text part, which has no key)."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_cli import run, ws  # noqa: F401  (the fixture)


@pytest.mark.parametrize(
    "part, says",
    [
        ("1", "part I.1 has no rubric to edit (its key gives the marks)"),  # a keyed part
        ("3", "part I.3 has no rubric to edit (it is marked whole)"),  # free text, no rubric
    ],
)
def test_rubric_add_without_a_rubric_says_why_and_the_fix(
    ws: Path,  # noqa: F811
    part: str,
    says: str,
) -> None:
    result = run(ws, "rubric", "add", part, "units", "--marks", "1", "--text", "t", "--yes")
    assert result.exit_code == 1
    assert says in result.output and "write a 'rubric:' under" in result.output
