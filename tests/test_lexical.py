"""The lexical judge on hand-written questions: right > partial ≥ wrong; bad input never scores."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from gradewise.judges.lexical import LexicalJudge, stem, terms
from gradewise.judges.registry import Example, JudgeItem, judges
from gradewise.model import Status

# (question, reference, right answer in the student's words, partial answer, wrong answer on topic)
QUESTIONS = [
    (q["question"], q["reference"], q["right"], q["partial"], q["wrong"])
    for q in YAML(typ="safe").load(
        (Path(__file__).parent / "fixtures" / "freetext" / "questions.yaml").read_text()
    )
]

JUDGE = LexicalJudge()


def fraction(question: str, reference: str, answer: str, **kw: object) -> float:
    [j] = JUDGE.judge_many([JudgeItem(question, reference, answer, **kw)])  # type: ignore[arg-type]
    return j.fraction


@pytest.mark.parametrize("question, reference, right, partial, wrong", QUESTIONS)
def test_right_beats_partial_beats_wrong(
    question: str, reference: str, right: str, partial: str, wrong: str
) -> None:
    f_right, f_partial, f_wrong = (
        fraction(question, reference, a) for a in (right, partial, wrong)
    )
    assert f_right > f_partial >= f_wrong
    assert f_right >= 0.5 and f_wrong < 0.5


@pytest.mark.parametrize(
    "answer, at_most, status",
    [
        ("", 0.0, Status.NOT_MET),  # empty: nothing, surely
        ("   \n ", 0.0, Status.NOT_MET),  # whitespace only
        ("xkcdqrt zzkj bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb qwrtp", 0.0, Status.NOT_MET),  # gibberish
        ("Why use dropout?", 0.25, None),  # only repeats the question: never full marks
        (
            "Dropout verhindert Überanpassung, indem Aktivierungen zufällig genullt werden.",
            0.5,
            None,
        ),  # German
        ("$$\\frac{\\partial L}{\\partial w} = 0$$", 0.5, None),  # only a formula
    ],
)
def test_bad_input_never_earns(answer: str, at_most: float, status: Status | None) -> None:
    question, reference = QUESTIONS[1][:2]
    [j] = JUDGE.judge_many([JudgeItem(question, reference, answer)])
    assert j.fraction <= at_most
    if status is not None:
        assert j.status is status and j.confidence >= 0.9


def test_a_10000_word_answer_is_judged_quickly_and_not_rewarded_for_length() -> None:
    question, reference = QUESTIONS[1][:2]
    padding = " ".join(["the network has many weights and layers"] * 1250)
    [j] = JUDGE.judge_many([JudgeItem(question, reference, padding)])
    assert j.fraction < 0.5


def test_examples_calibrate_to_the_graders_scale() -> None:
    question, reference, _, partial, wrong = QUESTIONS[0]
    generous = tuple(Example(a, 1.0) for a in (partial, wrong, "It is a setting."))
    assert fraction(
        question, reference, "It is about descent.", examples=generous, group="g"
    ) > fraction(question, reference, "It is about descent.")


def test_evidence_quotes_the_answer() -> None:
    question, reference, right = QUESTIONS[1][:3]
    answer = "First some words. " + right
    [j] = JUDGE.judge_many([JudgeItem(question, reference, answer)])
    assert (
        j.evidence is not None
        and "zeroes some activations" in answer[j.evidence[0] : j.evidence[1]]
    )


def test_stemming_and_registration() -> None:
    assert stem("computing") == stem("computes") == "comput"
    assert terms("The gradients vanish") == frozenset({"gradient", "vanish"})
    assert judges().get("lexical") is not None
