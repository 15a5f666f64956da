"""'Q1.' opens question 1; a wrapped line of working that happens to start 'q1. For q in Q1 ...'
(a state's name) does not: the question it sits in keeps its parts, and no question 1 is drafted
twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions


def _paper(first: str, wrapped: str) -> str:
    second = "Q2." if first.startswith("Q") else "2."
    return (
        f"{first} (5 pts) Name an automaton.\n"
        f"{second} (10 pts) Consider two languages.\n"
        "(a) (6 pts) Construct a PDA.\n"
        "Sol. The states are those of M1 and M2. The initial state is\n"
        f"{wrapped} For each state and symbol, M moves as M1 does.\n"
        "(b) (4 pts) Give an example.\n"
        "Sol. Take L1 = a*.\n"
    )


@pytest.mark.parametrize(
    "first, wrapped, layout",
    [
        ("1.", "q1.", {"1": [], "2": ["a", "b"]}),
        ("Q1.", "q1.", {"1": [], "2": ["a", "b"]}),
        ("1.", "q0, and", {"1": [], "2": ["a", "b"]}),
    ],
)
def test_lowercase_q_in_working(
    tmp_path: Path, first: str, wrapped: str, layout: dict[str, list[str]]
) -> None:
    questions = drafted_questions(tmp_path, _paper(first, wrapped), "paper.txt")
    assert {qid: [str(p["id"]) for p in q.get("parts", [])] for qid, q in questions.items()} == (
        layout
    )


def test_capital_q_still_opens_a_question(tmp_path: Path) -> None:
    paper = "Q1. (5 pts) Name an automaton.\nQ2. (10 pts) Name a grammar.\n"
    assert list(drafted_questions(tmp_path, paper, "paper.txt")) == ["1", "2"]
