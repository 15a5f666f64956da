"""A part label written twice in a row ('(a) ... (b) ... (b) ...'): the paper's slip for the
next part. The second is drafted as the next letter, and a note at the top says so, rather than
the two being merged into one part without a word (nothing written is lost: a later part the slip
lands on moves on too). Labels written again under 'Solution' are the answers: nothing changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_tree


def _paper(labels: list[str], after: str = "") -> str:
    parts = "".join(f"({label}) Find the value number {i}.\n\n" for i, label in enumerate(labels))
    return f"# Quiz\n\n1. Work with the matrix A.\n\n{parts}{after}2. Name a basis.\n"


@pytest.mark.parametrize(
    "labels, after, parts, noted",
    [
        (["a", "b", "b"], "", ["a", "b", "c"], "part (b) is labelled twice"),
        (["a", "a"], "", ["a", "b"], "part (a) is labelled twice"),
        (["a", "b", "c", "c", "e"], "", ["a", "b", "c", "d", "e"], "part (c) is labelled twice"),
        # the next letter written after it: every part kept, each moved on once
        (["a", "b", "b", "c"], "", ["a", "b", "c", "d"], "part (b) is labelled twice"),
        # labels again under 'Solution' are the answers to the parts
        (["a", "b"], "Solution:\n\n(a) 5\n\n(b) 7\n\n", ["a", "b"], None),
    ],
)
def test_label_written_twice(
    tmp_path: Path, labels: list[str], after: str, parts: list[str], noted: str | None
) -> None:
    from gradewise.exam.draft import draft_exam

    tree = drafted_tree(tmp_path, _paper(labels, after))
    first = tree["sections"][0]["questions"][0]
    assert [str(part["id"]) for part in first.get("parts", [])] == parts
    notes = [n.value for n in draft_exam([tmp_path / "paper.md"]).notes]
    assert any(noted in n for n in notes) if noted else not any("twice" in n for n in notes)
