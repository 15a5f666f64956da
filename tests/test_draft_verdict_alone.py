"""A part whose only words are a verdict ('(d) False', 'b) T.') asks nothing: it answers. On an
answer sheet that lists a true/false question's answers, the verdict is the part's key and its
prompt is left to fill in; a part that states something and then its verdict is read as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions


@pytest.mark.parametrize(
    "written, key, prompt",
    [
        ("True", True, None),
        ("False", False, None),
        ("False.", False, None),
        ("T", True, None),
        ("F.", False, None),
        ("TRUE", True, None),
        # words beyond the verdict: a statement, not an answer alone
        ("True love is rare.", None, "True love is rare."),
        ("Finally, add them.", None, "Finally, add them."),
    ],
)
def test_verdict_alone(tmp_path: Path, written: str, key: bool | None, prompt: str | None) -> None:
    paper = f"1. Decide each.\n(a) {written}\n(b) Name a heap operation.\n2. Sort the list.\n"
    part = drafted_questions(tmp_path, paper, "answers.txt")["1"]["parts"][0]
    assert part.get("key") == (None if key is None else {"kind": "truefalse", "value": key})
    assert part.get("prompt") == prompt
