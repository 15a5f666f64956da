"""A review sheet whose problems are headed by topics, not numbers ('Counting', 'Min and Max'):
each topic over a setup and parts (a), (b), ... then perhaps 'Solutions' and the answers
labelled again. Where the paper numbers no question at all, each run of parts starting at (a)
outside a solution is a problem, headed by the last topic line before it; the problems are
numbered in reading order. A paper that numbers its questions is read as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions, drafted_tree

_PROBLEMS = {
    "Counting": ["How many hands are there?", "How many with two aces?"],
    "Conditional Probability": ["Find P(A|B).", "Are A and B independent?", "Find P(B)."],
    "Min and Max!": ["Find E(V) + E(W).", "Show that E|X - Y| = E(W) - E(V)."],
}


def _sheet(solutions: str, between: str = "") -> str:
    out = ["Probability 110: Midterm Review, Fall", "Practice Problems", ""]
    for topic, asks in _PROBLEMS.items():
        out += [topic, "A deck of cards is dealt to seven players. Consider the", "following:"]
        out += [f"({chr(97 + i)}) {ask}" for i, ask in enumerate(asks)]
        if solutions:
            out.append(solutions)
            out += [f"({chr(97 + i)}) E[X] = {i + 1} by linearity." for i in range(len(asks))]
        out += [between, "2"] if between else ["2"]
    return "\n".join(out) + "\n"


@pytest.mark.parametrize(
    "solutions, between",
    [
        ("Solutions", ""),
        ("Solution", ""),
        ("", ""),
        # a short line of working between problems is no topic: it has math in it
        ("Solutions", "Var(X) = n/4"),
    ],
)
def test_topics_head_problems(tmp_path: Path, solutions: str, between: str) -> None:
    questions = drafted_questions(tmp_path, _sheet(solutions, between), "review.txt")
    assert list(questions) == ["1", "2", "3"]
    for question, (topic, asks) in zip(questions.values(), _PROBLEMS.items(), strict=True):
        assert topic in question["prompt"]
        assert [part["id"] for part in question["parts"]] == [chr(97 + i) for i in range(len(asks))]


def test_numbered_papers_are_read_as_before(tmp_path: Path) -> None:
    paper = "1. Counting\n(a) How many?\n(b) How many more?\n2. Min and Max\n(a) Find it.\n"
    questions = drafted_questions(tmp_path, paper, "paper.txt")
    assert list(questions) == ["1", "2"]
    assert questions["1"]["prompt"].startswith("Counting")


def test_one_topic_alone_heads_nothing(tmp_path: Path) -> None:
    paper = "Counting\nA deck is dealt.\n(a) How many?\n(b) How many more?\n"
    tree = drafted_tree(tmp_path, paper, "paper.txt")
    assert not any(section.get("questions") for section in tree.get("sections") or [])


@pytest.mark.parametrize("before", ["w", "ix"])
def test_part_x_after_w_is_no_ticked_box(tmp_path: Path, before: str) -> None:
    labels = [chr(c) for c in range(ord("a"), ord("z") + 1)] if before == "w" else None
    labels = labels or ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi"]
    parts = "".join(f"({label}) Say what kind of thing item {label} is.\n" for label in labels)
    paper = f"1. Characterize each of the following.\n{parts}2. Name a distribution.\n"
    question = drafted_questions(tmp_path, paper, "paper.txt")["1"]
    assert [str(part["id"]) for part in question["parts"]] == labels
