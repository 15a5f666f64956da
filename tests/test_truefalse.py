"""Truth table for the truefalse checker."""

from __future__ import annotations

from typing import Any

import pytest

from gradewise.checkers.registry import registry
from gradewise.checkers.truefalse import TrueFalseChecker
from gradewise.errors import KeyParamsError
from gradewise.model import Key, Status

MET, NOT, REVIEW, ERROR = Status.MET, Status.NOT_MET, Status.NEEDS_REVIEW, Status.ERROR
CHECKER = TrueFalseChecker()
FALSE = Key("truefalse", {"value": False})
TRUE = Key("truefalse", {"value": True})


@pytest.mark.parametrize(
    ("answer", "k", "status", "found"),
    [
        ("False", FALSE, MET, "false"),  # the plain word
        ("FALSE, because the ReLU is not differentiable at 0", FALSE, MET, "false"),  # justified
        ("False. SGD is cheaper, so it is true that", FALSE, MET, "false"),  # a later "true"
        ("F", FALSE, MET, "false"),  # a lone letter
        ("Ans: F", FALSE, MET, "false"),  # after a marker
        (r"$\text{True}$", FALSE, NOT, "true"),  # inside LaTeX text, and wrong
        ("**False**", FALSE, MET, "false"),  # bold Markdown
        ("(a) False", FALSE, MET, "false"),  # a leading label is skipped
        ("~~True~~ False", FALSE, MET, "false"),  # the crossed-out word is not the answer
        (r"\sout{True} False", FALSE, MET, "false"),
        ("True? No, false", FALSE, REVIEW, ""),  # the answer goes back on itself
        ("true (a trick) - actually false", FALSE, REVIEW, ""),
        ("True, sorry: F", FALSE, REVIEW, ""),
        ("False, because the layer has no trainable weights", FALSE, MET, "false"),
        ("No.", FALSE, MET, "false"),  # no = false
        ("Yes, it always converges", TRUE, MET, "true"),  # yes = true
        ("Correct", TRUE, MET, "true"),  # correct = true
        ("Wrong: the bound is 2d", FALSE, MET, "false"),  # wrong = false
        ("Incorrect; the objective is non-convex", FALSE, MET, "false"),  # incorrect = false
        ("✗", FALSE, MET, "false"),  # a cross mark
        ("✓", TRUE, MET, "true"),  # a tick mark
        ("true", FALSE, NOT, "true"),  # read fine, wrong
        ("The statement is false", FALSE, MET, "false"),  # not first word, still one polarity
        ("not true", FALSE, MET, "false"),  # a resolvable negation
        ("Solution: True. G is convex in w", TRUE, MET, "true"),  # official-solution style
        ("TRUE FALSE", FALSE, REVIEW, ""),  # both printed words, nothing marked
        ("true/false", FALSE, REVIEW, ""),  # both written
        ("It is not always true", FALSE, REVIEW, ""),  # negation we do not resolve
        ("f(x) is convex in w", FALSE, REVIEW, ""),  # "f" of a function is not F
        ("I don't know", FALSE, REVIEW, ""),  # no true/false word
        ("", FALSE, REVIEW, ""),  # empty answer
        ("Because the gradient vanishes, it is false", FALSE, REVIEW, ""),  # decisive word too late
        # "//" (OCR of a handwritten slash or end mark) and a spaced "/" end the clause
        ("F // pooling has a kernel", TRUE, NOT, "false"),  # the lone F before "//" decides
        ("T //", TRUE, MET, "true"),  # a trailing end mark
        ("False //", FALSE, MET, "false"),  # a word before a trailing end mark
        ("F// no weights to learn", TRUE, NOT, "false"),  # "//" glued to the letter
        ("F / it only takes a max", TRUE, NOT, "false"),  # a spaced single slash
        ("T // F", TRUE, REVIEW, ""),  # a true/false word after "//": both written
        ("T / F", TRUE, REVIEW, ""),  # the printed options copied: both written
        ("yes / no", TRUE, REVIEW, ""),  # both words around a slash
        ("F ✓", FALSE, REVIEW, ""),  # a letter and an opposite mark: both written
        ("f(x) / 2 is convex", FALSE, REVIEW, ""),  # a slash does not make "f" a letter answer
        # punctuation and markers around a letter
        ("F. because it has gamma", FALSE, MET, "false"),  # full stop then a justification
        ("F, since gamma is learnt", FALSE, MET, "false"),  # comma then a justification
        ("(F)", FALSE, MET, "false"),  # a letter in parentheses
        # sub-answer labels written with a full stop, any case
        ("i. False", FALSE, MET, "false"),  # roman label with a full stop
        ("ii. T", TRUE, MET, "true"),  # the letter after a roman label
        ("II) True", TRUE, MET, "true"),  # upper-case roman label
        ("b. F", FALSE, MET, "false"),  # letter label with a full stop
        # "no", "right", "wrong", "correct" as words of a sentence, not the answer (issue 13)
        ("No gradient flows through a ReLU for x<0, so true", TRUE, REVIEW, ""),  # determiner
        ("No matter the step size, it converges: true", TRUE, REVIEW, ""),  # "no matter"
        ("Right-hand side is larger, so false", FALSE, REVIEW, ""),  # "right-hand"
        ("Wrong sign convention aside, this is true", TRUE, REVIEW, ""),  # an adjective
        ("Correct gradients need the chain rule, false", FALSE, REVIEW, ""),
        # a question mark, a hedge, or a statement judged after the word: the student's doubt
        ("true?", TRUE, REVIEW, ""),  # was read as true
        ("True?", FALSE, REVIEW, ""),  # was read as true, and marked wrong
        ("False??", FALSE, REVIEW, ""),
        ("Probably true", TRUE, REVIEW, ""),  # a hedge before the word
        ("true (I guess)", TRUE, REVIEW, ""),  # ... or after it
        ("Mostly false", FALSE, REVIEW, ""),
        ("It is false that SGD always converges", FALSE, REVIEW, ""),  # which statement?
        ("I think true", TRUE, MET, "true"),  # an opinion is no hedge
        # tick boxes, a "T/F:" label, blank lines and bullets before the answer
        ("[x] True [ ] False", TRUE, MET, "true"),  # was review: both words
        ("[ ] True\n[x] False", TRUE, NOT, "false"),
        ("- [ ] True\n- [x] False", FALSE, MET, "false"),
        ("☐ True ☒ False", FALSE, MET, "false"),
        ("[ ] True\n[ ] False", TRUE, REVIEW, ""),  # nothing ticked: was read as true
        ("T/F: F", FALSE, MET, "false"),  # was review: both letters
        ("\nTrue", TRUE, MET, "true"),  # was review: the blank line ended the answer
        ("- False", FALSE, MET, "false"),
        # a doubt or a retraction right after the word, or the other word alone on a later line
        ("true, I guess", TRUE, REVIEW, ""),  # was met
        ("True. Wait, no", TRUE, REVIEW, ""),  # was met
        ("true.\nfalse", TRUE, REVIEW, ""),  # was met
        ("True\n\nFalse positives are rare here", TRUE, MET, "true"),  # a sentence, not a word
        ("True, actually it always holds", TRUE, MET, "true"),  # ... another
        ("Yes it is", TRUE, MET, "true"),  # yes/no then a pronoun still answers
        ("It is correct.", TRUE, MET, "true"),  # the word ending the clause answers
        ("It's wrong since the bound is 2d", FALSE, MET, "false"),  # ... before a justification
        # a true/false with a condition attached: a human reads the condition
        ("True only if the data are separable", FALSE, REVIEW, ""),  # "only if"
        ("True if the step is small enough", FALSE, REVIEW, ""),  # "if"
        ("true for convex f, false otherwise", FALSE, REVIEW, ""),  # "for ..."
        ("False in general", FALSE, REVIEW, ""),  # "in general": qualified
        ("False unless the loss is convex", TRUE, REVIEW, ""),  # "unless"
        ("true (if n > 30)", FALSE, REVIEW, ""),  # the condition in brackets
        ("True — only for large n", FALSE, REVIEW, ""),  # after a dash
        ("False: only if separable", FALSE, MET, "false"),  # after a colon: the reason
        # the words of the languages a course may be taught in
        ("Wahr", TRUE, MET, "true"),
        ("falsch", TRUE, NOT, "false"),
        ("Faux, car la moyenne varie", FALSE, MET, "false"),
        ("Vrai", FALSE, NOT, "true"),
    ],
)
def test_truefalse(answer: str, k: Key, status: Status, found: str) -> None:
    outcome = CHECKER.check(answer, k)
    assert outcome.status is status, outcome.reason
    assert outcome.found == found
    assert outcome.fraction == (1.0 if status is MET else 0.0)


def test_evidence_points_at_the_word() -> None:
    answer = "Ans: **False**, because ..."
    outcome = CHECKER.check(answer, FALSE)
    assert outcome.evidence is not None
    assert answer[slice(*outcome.evidence)] == "False"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (True, True),  # a YAML boolean
        ("F", False),  # a letter
        ("yes", True),  # a word
    ],
)
def test_key_values(raw: Any, value: bool) -> None:
    assert CHECKER.validate({"value": raw}) == {"value": value}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "value"),  # missing value
        ({"value": "maybe"}, "value"),  # not true or false
        ({"value": 1}, "value"),  # a number is not a boolean
        ({"value": True, "options": ["T", "F"]}, "options"),  # unknown field
    ],
)
def test_bad_key_params_name_the_field(params: dict[str, Any], field: str) -> None:
    with pytest.raises(KeyParamsError) as info:
        CHECKER.validate(params)
    assert info.value.field == field


def test_bad_key_at_check_time_is_an_error_outcome() -> None:
    assert CHECKER.check("True", Key("truefalse", {"value": "maybe"})).status is ERROR


def test_check_many_and_registry() -> None:
    outcomes = CHECKER.check_many([("False", FALSE), ("True", FALSE), ("?", FALSE)])
    assert [o.status for o in outcomes] == [MET, NOT, REVIEW]
    assert isinstance(registry().get("truefalse"), TrueFalseChecker)
