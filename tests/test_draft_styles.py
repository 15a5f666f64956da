"""Papers in styles beyond the first fixtures, each drafted whole: every part with its marks,
the keys of the kinds the paper states, and its marking scheme as rubric criteria (papers of
our own, written the way such exams are: bold 'Problem N:' headings with a marks table and
'---' rules, a quiz with 'Correct answer:' lines, marking schemes as bullets, a table and a
sentence, enumitem labels with a points macro, an R Markdown quiz with code chunks, the exam
class with blanks and bonus parts, a nested numbered list of parts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.draft.unplaced import says_missed

DOCS = Path(__file__).parent / "fixtures" / "documents"

# (paper, marks by address, key kinds by address, rubric criteria by address)
STYLES = [
    (
        "prelim-bold-problems.md",
        {"1.a": 4, "1.b": 4, "1.c": 4, "2": 8, "3.i": 10, "3.ii": 10},
        {},
        {},
    ),
    (
        "quiz-correct-answer-lines.md",
        {"1": 2, "2": 2, "3": 2, "4": 2},
        {"1": "choice", "2": "choice", "3": "numeric", "4": "truefalse"},
        {},
    ),
    (
        "marking-schemes.md",
        {"1": 6, "2": 4, "3": 5, "4": 5},
        {"2": "expression"},
        {"1": 3, "2": 2, "3": 2, "4": 2},
    ),
    (
        "enumitem-points-macro.tex",
        {"1": 5, "2.a": 4, "2.b": 6, "3": 5, "4": 5},
        {"3": "numeric"},
        {},
    ),
    ("rmarkdown-quiz.Rmd", {"1": 3, "2": 4, "3": 3}, {"3": "numeric"}, {}),
    (
        "exam-class-blanks-bonus.tex",
        {"1": 4, "2": 6, "3.a": 3, "3.b": 2, "3.c": 1, "4": 5, "5.i": 5, "5.ii": 5},
        {"3.a": "truefalse", "3.b": "choice"},
        {},
    ),
    ("nested-numbered-parts.md", {"1": 4, "2.a": 3, "2.b": 5, "3": 8}, {}, {}),
]


def _drafted(name: str) -> tuple[dict[str, Any], list[str]]:
    draft = draft_exam([DOCS / name])
    tree: dict[str, Any] = YAML(typ="safe").load(render(draft))
    parts: dict[str, Any] = {}
    for section in tree["sections"]:
        for question in section["questions"]:
            for part in question.get("parts") or [question]:
                address = str(question["id"]) + ("" if part is question else f".{part['id']}")
                parts[address] = part
    return parts, [n.value for n in draft.notes]


@pytest.mark.parametrize("name, marks, kinds, rubric", STYLES)
def test_papers_in_other_styles_are_drafted_whole(
    name: str, marks: dict[str, float], kinds: dict[str, str], rubric: dict[str, int]
) -> None:
    parts, notes = _drafted(name)
    assert {a: p.get("marks") for a, p in parts.items()} == marks
    assert {a: p["key"]["kind"] for a, p in parts.items() if "key" in p} == kinds
    assert {a: len(p["rubric"]) for a, p in parts.items() if p.get("rubric")} == rubric
    assert not [n for n in notes if says_missed(n)]
    for part in parts.values():  # no marking scheme, solution or rule left in a prompt
        prompt = part.get("prompt", "")
        assert not any(w in prompt for w in ("Solution", "Award", "---", "Correct answer"))
