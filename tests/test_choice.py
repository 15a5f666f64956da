"""Truth table for the choice checker: reading picks from free text, and the three policies."""

from __future__ import annotations

from typing import Any

import pytest

from gradewise import grading
from gradewise.checkers.choice import ChoiceChecker
from gradewise.checkers.registry import registry
from gradewise.errors import KeyParamsError
from gradewise.model import Answer, Exam, Key, Part, Question, Section, Status

MET, NOT, PARTIAL, REVIEW, ERROR = (
    Status.MET,
    Status.NOT_MET,
    Status.PARTIAL,
    Status.NEEDS_REVIEW,
    Status.ERROR,
)
CHECKER = ChoiceChecker()
ACTIVATIONS = {"a": "ReLU", "b": "tanh", "c": "sigmoid", "d": "Leaky ReLU"}
BC = Key("choice", {"options": ACTIVATIONS, "correct": ["b", "c"]})
ACD = Key("choice", {"correct": "ACD"})  # letters only, no option texts
D = Key("choice", {"correct": "d"})
LEAKY = Key("choice", {"options": ACTIVATIONS, "correct": ["d"]})
BC_VALID = Key("choice", CHECKER.validate(BC.params))
NONE_OPTION = Key(
    "choice", {"options": {**ACTIVATIONS, "e": "None of the above"}, "correct": ["b"]}
)
NUMBERED = Key("choice", {"options": ["1", "2", "3", "4"], "correct": ["2", "3"]})


@pytest.mark.parametrize(
    ("answer", "k", "status", "found"),
    [
        ("Ans: b, c", BC, MET, "{b, c}"),  # marker then a comma list
        ("a? b, c", BC, REVIEW, "{b, c}"),  # a question mark after an option: not sure of it
        ("None", NONE_OPTION, REVIEW, "{}"),  # 'none' beside an option 'None of the above'
        ("None", BC, NOT, "{}"),  # no such option: answered none
        ("b?", BC, REVIEW, "{b}"),
        ("(b)? (c)", BC, REVIEW, "{c}"),
        ("B,C //", BC, MET, "{b, c}"),  # upper case, OCR slashes after
        ("b) and c)", BC, MET, "{b, c}"),  # half-parenthesis marks
        ("(b) (c)", BC, MET, "{b, c}"),  # parenthesised marks
        ("tanh and sigmoid", BC, MET, "{b, c}"),  # option texts instead of letters
        ("Sigmoid, TANH", BC, MET, "{b, c}"),  # option texts in any case and order
        (r"$\textcircled{b}$ $\textcircled{c}$", BC, MET, "{b, c}"),  # LaTeX circled letters
        ("ⓑ ⓒ", BC, MET, "{b, c}"),  # unicode circled letters
        (r"$\text{B, C}$", BC, MET, "{b, c}"),  # letters inside \text{}
        ("**Answer:** (b), (c)\n\nBecause tanh is zero-centred.", BC, MET, "{b, c}"),  # then prose
        ("(c)", BC, NOT, "{c}"),  # a subset is wrong under all-or-nothing
        ("a, b, c", BC, NOT, "{a, b, c}"),  # a superset is wrong too
        ("Leaky ReLU", BC, NOT, "{d}"),  # the longer option text wins over "ReLU"
        ("ACD", ACD, MET, "{a, c, d}"),  # letters run together
        ("Ans: ACD", ACD, MET, "{a, c, d}"),  # ... after a marker
        ("acd", ACD, MET, "{a, c, d}"),  # ... in lower case
        ("Solution: C and D", ACD, NOT, "{c, d}"),  # the example script's style; a is missing
        ("A, C and D are correct", ACD, MET, "{a, c, d}"),  # filler words around the picks
        # an "x)" that closes an aside is no option mark (was read as a pick, silently)
        ("B (I first thought A)", BC, REVIEW, "{b}"),  # was not_met, picked {a}; b proposed
        ("b, c (not sure about c)", BC, REVIEW, "{b, c}"),  # was not_met, picked {c}
        ("(B, A)", ACD, NOT, "{a, b}"),  # a list in parentheses still picks both
        # a bracket naming no option is the student's gloss (e2e C5: "no option letter found")
        ("B (tanh-like)", D, NOT, "{b}"),  # was review
        ("D (the leaky one)", LEAKY, MET, "{d}"),  # was review
        ("D (a small slope) because it keeps gradients", LEAKY, MET, "{d}"),  # then a reason
        ("D (or maybe A)", LEAKY, REVIEW, "{d}"),  # the bracket names another option
        ("(the leaky one)", LEAKY, REVIEW, ""),  # a gloss alone picks nothing
        # the pick changed right after it: a human reads the final one
        ("A, no wait, B", D, REVIEW, ""),  # was not_met, picked {a}
        ("D - actually C", D, REVIEW, ""),
        # tick boxes: only the ticked options are picked
        ("[ ] a\n[x] b\n[x] c\n[ ] d", BC, MET, "{b, c}"),  # was review
        ("- [x] A\n- [ ] B", ACD, NOT, "{a}"),
        ("☐ A ☑ D", D, MET, "{d}"),
        ("[ ] A\n[ ] B\n[ ] C", BC, REVIEW, ""),  # nothing ticked: was met as {a, b, c}
        ("I think B and C", BC, MET, "{b, c}"),  # was review
        ("The correct one is D", D, MET, "{d}"),  # was review
        ("(a) is wrong, (c) is right", D, REVIEW, "{c}"),  # was not_met, picked {a, c}
        ("(b) is right, (a) is not", BC, REVIEW, "{b}"),
        ("A is correct because the gradient of a ReLU is constant", D, NOT, "{a}"),  # leading pick
        ("D, since the learning rate is too high", D, MET, "{d}"),  # leading pick then prose
        ("I pick option d because a large step overshoots", D, MET, "{d}"),  # "option d" in prose
        ("The answer is (d) since a is too slow", D, MET, "{d}"),  # explicit mark in prose
        ("Options 2 and 3", NUMBERED, MET, "{2, 3}"),  # numbered options
        ("②, ③", NUMBERED, MET, "{2, 3}"),  # circled digits for numbered options
        ("b or c", BC, REVIEW, ""),  # a hedge is not guessed
        ("a is a good choice here but maybe not", ACD, REVIEW, ""),  # article "a" in prose
        ("tanh, because sigmoid saturates", BC, REVIEW, "{b}"),  # option texts inside prose
        ("I am not sure", BC, REVIEW, ""),  # no letters at all
        ("", BC, REVIEW, ""),  # empty answer
        ("(f)", BC, REVIEW, "{f}"),  # a pick that is not an option
        ("Ans: ___", BC, REVIEW, ""),  # blank line after the marker
        ("none", Key("choice", {"correct": []}), MET, "{}"),  # "none" when no option is correct
        ("b, c because they saturate", BC, MET, "{b, c}"),  # a leading list, then "because"
        ("B and C since they saturate", BC, MET, "{b, c}"),  # ... "and", then "since"
        ("tanh and sigmoid, because they saturate", BC, REVIEW, "{b, c}"),  # texts in prose
    ],
)
def test_reading_picks(answer: str, k: Key, status: Status, found: str) -> None:
    outcome = CHECKER.check(answer, k)
    assert outcome.status is status, outcome.reason
    assert outcome.found == found


PER = {
    "options": {"a": "", "b": "", "c": "", "d": ""},
    "correct": ["b", "c"],
    "policy": "per-option",
}
PER_TEXTS = Key("choice", {**PER, "options": ACTIVATIONS})
NEG = {"correct": ["b", "c"], "policy": "negative"}


@pytest.mark.parametrize(
    ("answer", "params", "status", "fraction"),
    [
        ("b, c", PER, MET, 1.0),  # all four options classified right
        ("b", PER, PARTIAL, 0.75),  # c missed: 3 of 4
        ("a, b", PER, PARTIAL, 0.5),  # a wrongly picked, c missed: 2 of 4
        ("a, d", PER, NOT, 0.0),  # everything wrong
        ("b, c", NEG, MET, 1.0),  # both right picks
        ("b", NEG, PARTIAL, 0.5),  # one right pick of two
        ("b, d", NEG, NOT, 0.0),  # +1/2 - 1/2 = 0
        ("a, d", NEG, NOT, 0.0),  # -1 clamped at the default floor 0
        ("a, d", {**NEG, "floor": -1}, NOT, -1.0),  # a lower floor lets marks go negative
        ("b, a", {**NEG, "penalty": 0.25}, PARTIAL, 0.25),  # a custom penalty
    ],
)
def test_policies(answer: str, params: dict[str, Any], status: Status, fraction: float) -> None:
    outcome = CHECKER.check(answer, Key("choice", params))
    assert outcome.status is status, outcome.reason
    assert outcome.fraction == pytest.approx(fraction)


@pytest.mark.parametrize(
    ("answer", "k", "found", "proposed"),
    [
        ("tanh and sigmoid, because they saturate", BC, "{b, c}", 1.0),  # the answer
        ("tanh, because sigmoid saturates", BC, "{b}", 0.0),  # the first clause names the pick
        ("Not ReLU but tanh and sigmoid: they saturate", BC, "{b, c}", 1.0),  # "not" rules out
        ("ReLU, since it does not saturate", BC, "{a}", 0.0),  # the wrong option named
        ("Leaky ReLU because it never dies", LEAKY, "{d}", 1.0),  # longest option text wins
        ("b, c (not a)", BC, "{b, c}", 1.0),  # a mark ruled out: never read as a pick
        ("(b) and (c), not (a)", BC, "{b, c}", 1.0),
        ("I pick (b) and (c) since (a) saturates on one side only", BC, "{b, c}", 1.0),
        ("(a) since (b) and (c) saturate", BC, "{a}", 0.0),  # what comes first is proposed
        (
            "tanh, since it is zero-centred",
            Key("choice", {**PER, "options": ACTIVATIONS}),
            "{b}",
            0.75,
        ),
    ],
)
def test_prose_naming_options_goes_to_review_with_its_mark_proposed(
    answer: str, k: Key, found: str, proposed: float
) -> None:
    # A human decides, but sees the mark the named options earn (issue 13): never a bare 0.
    outcome = CHECKER.check(answer, k)
    assert outcome.status is REVIEW, outcome.reason
    assert outcome.found == found
    assert outcome.fraction == pytest.approx(proposed)
    assert "proposed" in outcome.reason


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        ("~~a~~ b, c", "{b, c}"),  # crossed out in Markdown
        (r"\sout{a} b, c", "{b, c}"),  # ... and in LaTeX
        (r"b, \cancel{d} c", "{b, c}"),
    ],
)
def test_crossed_out_options_are_not_picked(answer: str, found: str) -> None:
    outcome = CHECKER.check(answer, BC)
    assert outcome.status is MET, outcome.reason
    assert found in outcome.reason


def test_prose_proposal_is_the_part_s_proposed_mark() -> None:
    # Through grading and scoring: the part waits for review with the named options' marks as
    # its auto score, which the review page shows as "proposed" and Enter accepts.
    part = Part("I.1", "1", "", 2, key=BC_VALID)
    exam = Exam("x", "X", (Section("I", "", (Question("1", "", (part,)),)),))
    answers = [Answer("s1", "I.1", "tanh and sigmoid, because they saturate")]
    [[(grade, _)]] = list(grading.run(grading.plan(exam, answers)))
    assert (grade.auto_score, grade.needs_review) == (2.0, True)
    assert grade.verdicts[0].status is REVIEW


def test_evidence_points_at_the_picks() -> None:
    answer = "Solution: C and D\n"
    outcome = CHECKER.check(answer, ACD)
    assert outcome.evidence is not None
    assert answer[slice(*outcome.evidence)] == "C and D"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"options": ACTIVATIONS}, "correct"),  # correct missing
        ({"options": ACTIVATIONS, "correct": ["e"]}, "correct"),  # not among the options
        ({"correct": ["b"], "policy": "sometimes"}, "policy"),  # unknown policy
        ({"correct": ["b"], "policy": "per-option"}, "options"),  # per-option without options
        ({"correct": ["b"], "penalty": 0.5}, "penalty"),  # penalty without negative policy
        ({"correct": ["b"], "policy": "negative", "penalty": -1}, "penalty"),  # negative penalty
        ({"correct": ["b"], "choices": ["a", "b"]}, "choices"),  # unknown field
        ({"correct": ["b", "b"]}, "correct"),  # duplicate option
        ({"correct": ["a", "1"]}, "correct"),  # letters mixed with numbers
        ({"options": {"a": "x", "long id": "y"}, "correct": ["a"]}, "options"),  # bad option id
    ],
)
def test_bad_key_params_name_the_field(params: dict[str, Any], field: str) -> None:
    with pytest.raises(KeyParamsError) as info:
        CHECKER.validate(params)
    assert info.value.field == field


def test_validate_normalises() -> None:
    got = CHECKER.validate(
        {"options": {"A": "ReLU", "B": "tanh"}, "correct": "B", "policy": "negative"}
    )
    assert got == {
        "correct": ["b"],
        "policy": "negative",
        "options": {"a": "ReLU", "b": "tanh"},
        "penalty": 1.0,
        "floor": 0.0,
    }
    assert CHECKER.validate(got) == got


def test_bad_key_at_check_time_is_an_error_outcome() -> None:
    outcome = CHECKER.check("b", Key("choice", {"correct": ["b"], "policy": "sometimes"}))
    assert outcome.status is ERROR


def test_check_many_and_registry() -> None:
    outcomes = CHECKER.check_many([("b, c", BC), ("b", BC), ("?", BC)])
    assert [o.status for o in outcomes] == [MET, NOT, REVIEW]
    assert isinstance(registry().get("choice"), ChoiceChecker)
