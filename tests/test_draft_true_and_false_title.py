"""A question titled only 'True and False' (or 'True & False') over statements (a), (b), ...
asks for verdicts as 'True or false?' does: each part's answer opening 'True.' / 'False.' gives
its key. A question that merely mentions true and false values asks no verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions


def _paper(title: str, verdicts: list[str]) -> str:
    statements = "".join(
        f"({chr(97 + i)}) If X and Y share statement {i}, they agree.\n"
        for i in range(len(verdicts))
    )
    answers = "".join(
        f"({chr(97 + i)}) {v}. Consider a counterexample.\n" for i, v in enumerate(verdicts)
    )
    return f"1. {title}\n{statements}Solution\n{answers}2. Name a distribution.\n"


@pytest.mark.parametrize(
    "title, verdicts, keys",
    [
        ("True and False", ["True", "False", "False"], [True, False, False]),
        ("True & False", ["False", "True"], [False, True]),
        ("TRUE AND FALSE:", ["True", "True"], [True, True]),
        # a question about boolean values asks for no verdicts
        ("Explain how the values true and false are stored.", ["True", "False"], [None, None]),
    ],
)
def test_true_and_false_title(
    tmp_path: Path, title: str, verdicts: list[str], keys: list[bool | None]
) -> None:
    question = drafted_questions(tmp_path, _paper(title, verdicts), "paper.txt")["1"]
    found = [part.get("key") for part in question["parts"]]
    assert found == [None if k is None else {"kind": "truefalse", "value": k} for k in keys]
