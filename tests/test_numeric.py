"""Truth table for the numeric checker: (answer, key value, options, where) -> status."""

from __future__ import annotations

from typing import Any

import pytest

from gradewise.checkers.numeric import NumericChecker
from gradewise.checkers.registry import registry
from gradewise.errors import KeyParamsError
from gradewise.model import Key, Status

MET, NOT, REVIEW, ERROR = Status.MET, Status.NOT_MET, Status.NEEDS_REVIEW, Status.ERROR
CHECKER = NumericChecker()


def key(value: Any, where: str = "final", **params: Any) -> Key:
    return Key("numeric", {"value": value, **params}, where)


def k(value: Any, abs: float | None = None, rel: float | None = None) -> Key:
    """A final-answer key, with a tolerance when abs or rel is given."""
    tol = {name: x for name, x in (("abs", abs), ("rel", rel)) if x is not None}
    return key(value, **({"tol": tol} if tol else {}))


def named(value: Any, variables: list[str]) -> Key:
    """A final-answer key whose components the exam names."""
    return key(value, variables=variables)


def anywhere(value: Any) -> Key:
    return key(value, "anywhere")


BMATRIX = r"\begin{bmatrix} 1 & 1 \\ 0 & 0 \end{bmatrix}"
PMATRIX = r"\begin{pmatrix} 0 & 1 \\ -1 & 0 \end{pmatrix}"
COLUMN = r"\begin{bmatrix} 1 \\ 0.1 \\ 0.01 \end{bmatrix}"
SCALED = r"final answer $\Rightarrow \frac{1}{3} \begin{bmatrix} 1 \\ 100 \\ 1000 \end{bmatrix}$"
THIRDS = ["1/3", "100/3", "1000/3"]
HEADS = "y1 = [-72,-72], y2 = [72,72], y3 = [0, 0]"
Y_ONLY = "Y = [[0, -1, -1], [-1, 1, 3], [2, 0, -2]]"


@pytest.mark.parametrize(
    ("answer", "k", "status"),
    [
        # --- numbers as students type them: π, roots, Unicode fractions and exponents, ±
        ("π/2", k(1.5708, abs=1e-4), MET),  # was read 2: a right answer marked wrong
        ("pi/2", k(1.5708, abs=1e-4), MET),
        ("A = 4π", k(12.566, abs=0.001), MET),
        (r"\frac{\pi}{2}", k(r"\frac{\pi}{2}"), MET),
        ("A = π r^2", k(12.566, abs=0.001), REVIEW),  # a formula: no number, a human looks
        ("sqrt(6.25)", k(2.5), MET),  # was read 6.25
        ("√6.25", k(2.5), MET),
        ("√2", k(1.41421, abs=1e-5), MET),
        ("2.5 x 10⁻³", k(0.0025), MET),  # was read 25
        ("10³", k(1000), MET),
        ("2½", k(2.5), MET),  # was read 2
        ("½", k(0.5), MET),
        ("2.5 ± 0.1", k(2.5), MET),  # was read 0.1: the error is not the value
        (r"$0.3 \pm 0.05$", k(0.3), MET),
        ("2 1/2", k(2.5), REVIEW),  # a mixed number, or 2 × 1/2: a human decides
        # --- rounding and exactness
        ("0.714", k("5/7"), NOT),  # a rounded decimal is not 5/7 without tol
        # how it was rounded, said beside it, is no value of the answer
        ("0.714 (3 s.f.)", k("5/7", abs=0.001), MET),
        ("0.71 (to 2 decimal places)", k("5/7", abs=0.01), MET),
        ("x = 0.7143, correct to 4 significant figures", k("5/7", abs=0.0001), MET),
        ("0.714 (3 sf)", k("3"), NOT),  # the 3 of '3 sf' never the answer
        # two values offered at the end: a human decides which counts
        ("0.714 or 0.8", k("5/7", abs=0.001), REVIEW),
        ("0.6 or 0.8", k("5/7", abs=0.001), NOT),  # neither is right
        ("0.714 or so", k("5/7", abs=0.001), MET),
        # a raised decimal point ('0·714'), read as one on a second look: to review
        ("0·714", k("5/7", abs=0.001), REVIEW),
        ("2·3", k("6"), MET),  # a product where it equals the key
        ("0.714", k("5/7", abs=0.001), MET),  # ... and is within abs 0.001
        ("0.71", k("5/7", abs=0.001), NOT),  # off by 0.004: outside abs 0.001
        ("5/7", k(0.7142857), NOT),  # key with finite digits is that exact decimal
        ("5/7", k(0.7142857, abs=0.001), MET),  # with tol they agree
        ("10/14", k("5/7"), MET),  # an unreduced fraction is the same number
        (r"\frac{5}{7}", k("5/7"), MET),  # LaTeX fraction
        (r"$\dfrac{10}{14}$", k(r"\frac{5}{7}"), MET),  # \dfrac, key written in LaTeX
        ("0.7142857", k(0.7142857), MET),  # same digits: exact match
        ("0.72", k(0.7142857, rel=0.01), MET),  # within 1% relative
        ("0.73", k(0.7142857, rel=0.01), NOT),  # 2.2% off: outside rel 0.01
        ("0.7", k(0.7142857, abs=1e-6, rel=0.05), MET),  # abs fails, rel passes: either is enough
        # --- scalars in their many spellings
        ("40", k(40), MET),  # plain integer
        ("-3.5", k(-3.5), MET),  # negative decimal
        ("The answer is -1.", k(-1), MET),  # a minus after a word is a sign (fuzz tests)
        ("$-\\frac{1}{2}$", k(-0.5), MET),  # signed LaTeX fraction
        ("1e-3", k(0.001), MET),  # scientific notation
        (r"$1 \times 10^{-3}$", k("1e-3"), MET),  # LaTeX scientific notation
        ("2^{10}", k(1024), MET),  # integer power
        ("75%", k(0.75), MET),  # a percentage read as a share
        ("75%", k(75), MET),  # ... or as the number of percent
        ("1,000", k(1000), MET),  # thousands separator without space
        (r"\sqrt{2}", k(1.41421356237, abs=1e-6), MET),  # a root, with tol
        (r"\sqrt{4}", k(2), MET),  # a perfect square root stays exact
        ("7 × 3 × 5", k(105), MET),  # a product is its value for a scalar key
        # --- shapes, vectors, matrices
        ("7 × 3 × 5", k([7, 3, 5]), MET),  # ... and a shape for a vector key
        (r"$7 \times 3 \times 5$", k([7, 3, 5]), MET),  # LaTeX product as a shape
        ("32 x 128 x 26 x 26", k([32, 128, 26, 26]), MET),  # shape written with x
        ("output shape would be $[32, 128, 26, 26]$", k([32, 128, 26, 26]), MET),  # list in prose
        ("[32, 128, 14, 14]", k([32, 128, 26, 26]), NOT),  # two elements differ
        ("[32, 128, 26]", k([32, 128, 26, 26]), REVIEW),  # wrong length: a human decides
        ("(-72, -72)", k([-72, -72]), MET),  # parenthesised pair is a vector
        ("(1, 2)", k([1, 2]), MET),  # (1, 2) is a vector, not an interval
        ("f) $10, 24, 32, 32$", k([10, 24, 32, 32]), MET),  # bare comma list
        ("1, 000", k([1, 0]), MET),  # comma then space: a list, not a thousand
        (r"$[1 \ 0.1 \ 0.01]$", k([1, 0.1, 0.01]), MET),  # space-separated LaTeX row
        (BMATRIX, k([[1, 1], [0, 0]]), MET),  # bmatrix equals the nested list
        (PMATRIX, k([[0, 1], [1, 0]]), NOT),  # one sign differs
        ("[[1, 2], [3, 4]]", k([[1, 2], [3, 4]]), MET),  # nested list
        ("[1 2; 3 4]", k([[1, 2], [3, 4]]), MET),  # MATLAB-style rows
        (COLUMN, k([1, 0.1, 0.01]), MET),  # a column vector equals the flat key
        (SCALED, k(THIRDS), MET),  # a scalar times a matrix
        ("y_1 = [-72, -72]\n\ny_2 = [72, 72]", k([[-72, -72], [72, 72]]), MET),  # rows apart
        # --- where is the final answer
        (r"so $w = \boxed{2.84}$ and then 3.8", k(2.84), MET),  # boxed wins
        ("w1 = 3.8, w2 = 2.84\n\nAns: 2.84", k(2.84), MET),  # after the marker
        ("floor((28 - 3)/1) + 1 = 26", k(26), MET),  # right of the last '='
        ("= 26\nso it is larger than 20", k(26), NOT),  # the last value is 20
        ("Ans: 3 or 4", k(4), REVIEW),  # a hedge between two values: a human decides
        (r"\boxed{A = L^\top L}", k(3), REVIEW),  # boxed but no number
        # --- anywhere
        ("Head 1 gives [12, 12] then y = [-72, -72]", anywhere([12, 12]), MET),  # intermediate
        ("Head 1 gives [12, 13]", anywhere([12, 12]), NOT),  # a vector read, different
        ("we get 26 then [32, 128, 26, 26]", anywhere([32, 128, 26, 26]), MET),  # among others
        ("[32, 128, 14, 14]", anywhere(14), MET),  # a scalar inside a vector counts
        (HEADS, anywhere([[72, 72], [0, 0]]), MET),  # matrix key from consecutive rows
        # values read, none of the key's shape: the value is absent, so not_met (a human sees
        # what was read in the reason); needs_review stays for answers with nothing readable
        ("only the number 5 here", anywhere([[1, 2], [3, 4]]), NOT),  # no 2x2 at all
        (Y_ONLY, anywhere([3, 3]), NOT),  # size criterion: only the 3x3 matrix, no "3 x 3"
        (Y_ONLY + r" of size $3 \times 3$", anywhere([3, 3]), MET),  # the size is stated
        ("Y is 3x3: " + Y_ONLY, anywhere([3, 3]), MET),  # a glued product read as a shape
        ("I don't know the size", anywhere([3, 3]), REVIEW),  # words only: nothing readable
        ("1.08", anywhere([2, 1, 0]), NOT),  # a scalar where a vector was asked
        # --- nothing readable
        ("I could not finish this part", k(3), REVIEW),  # no number: never not_met
        ("", k(3), REVIEW),  # empty answer
        ("   \n ", anywhere([1, 2]), REVIEW),  # blank answer, anywhere
        ("Q3 x_1 conv2d", k(3), REVIEW),  # digits glued to names are not values
        ("3.8m", k(3.8), REVIEW),  # a unit glued to the number: not read, so never not_met
        # --- named components are a vector answer (issue 13, item 11)
        ("gradient is zero at w1 = 1, w2 = 3", k([1, 3]), MET),  # the answer
        ("w1 = 1, w2 = 3", k([1, 3]), MET),  # bare
        ("x = 2, y = -1", k([2, -1]), MET),  # other names
        ("x = -1, y = 2", k([2, -1]), NOT),  # in the order written: a different vector
        ("w_1=1 and w_2=3", k([1, 3]), MET),  # "and" between
        (r"$w_1 = 1,\; w_2 = 3$", k([1, 3]), MET),  # LaTeX spacing between
        ("w1 = 1\nw2 = 3", k([1, 3]), MET),  # one per line
        ("c_1 = [1, 2], c_2 = [3, 4]", k([[1, 2], [3, 4]]), MET),  # named rows
        ("w1 = 5 - 0.1(12) = 3.8\nw2 = 3.8 - 0.1(9.6) = 2.84", k([3.8, 2.84]), MET),  # worked
        ("Ans: w1 = 3.8, w2 = 2.84", k([3.8, 2.84]), MET),  # after a marker
        ("w2 = 3, w1 = 1", named([1, 3], ["w1", "w2"]), MET),  # the key's names give the order
        ("w2 = 1, w1 = 3", named([1, 3], ["w1", "w2"]), NOT),  # ... and catch a swap
        ("w0 = 5, w1 = 3.8, w2 = 2.84", named([3.8, 2.84], ["w_1", "w_2"]), MET),  # names pick
        ("at x = 2, y = 4", named(4, ["y"]), MET),  # a scalar key picks its name
        ("a = 1, b = 3", named([1, 3], ["w1", "w2"]), REVIEW),  # other names: a human decides
        ("w = 3.8, then w = 2.84", k(2.84), MET),  # one name twice: the last value counts
        ("gradient is zero at w1 = 1, w2 = 3", anywhere([1, 3]), MET),  # anywhere too
        # --- the key's shape and the answer's differ: a human decides, never 0
        ("3", k([1, 3]), REVIEW),  # a scalar for a vector key
        ("[1, 3]", k(1), REVIEW),  # a vector for a scalar key
        ("[[1, 2], [3, 4]]", k([[1, 2, 3], [4, 5, 6]]), REVIEW),  # matrix dimensions differ
        ("at x = 2, y = 4", k(4), MET),  # the last named value for an unnamed scalar key
        ("at x = 4, y = 2", k(4), NOT),  # ... which differs: the key must name x to pick it
        ("at x = 4, y = 2", named(4, ["x"]), MET),  # ... as here
        ("w0 = 5, w1 = 3.8, w2 = 2.84", k([3.8, 2.84]), MET),  # iterates: the last two count
        ("w0 = 5, w1 = 3.8, w2 = 2.84", k(2.84), MET),  # ... or the last one
        ("w0 = 5, w1 = 2.84, w2 = 2.27", k(2.84), NOT),  # one step too far: the last counts
        ("w1 = -0.6, w2 = -1.32, w3 = -2.184", k(1.464), NOT),  # wrong iterates, none the key
        ("a = 1, b = [1, 2]", k([1, 2]), MET),  # mixed shapes are not one value: the last counts
        ("12,5", k(12.5), REVIEW),  # a decimal comma reads as a list
        ("w = [3, 4], ||w|| = 5", k([3, 4]), REVIEW),  # the vector, then its norm
        ("w = [3, 4], ||w|| = 5", k(5), MET),  # ... which is right when the norm is asked
        # --- other ways a reading could go silently wrong
        ("1{,}000", k(1000), MET),  # LaTeX thousands separator
        (r"$1\,000\,000$", k(1_000_000), MET),  # thin spaces between groups
        ("1 000 000", k(1_000_000), REVIEW),  # plain spaces: one number or three? a human
        ("3{,}5", k(3.5), REVIEW),  # a LaTeX decimal comma
        ("5 ÷ 7", k("5/7"), MET),  # the division sign
        (r"$5 \div 7$", k("5/7"), MET),  # ... in LaTeX
        ("0.5, i.e. 50%", k(0.7142857, 0.001), NOT),  # restated, but neither is the key
        ("0.714, then 0.9", k(0.7142857, 0.001), NOT),  # not a rounding: the last one counts
        ("w = 3\ncheck: f'(3) = 2*3 - 6 = 0", k(3), MET),  # a check line after the answer
        ("the weight is 2.84 (I checked: 2.84 - 2.84 = 0)", k(2.84), MET),  # a check remark
        ("w2 ≈ 2.84", k(2.84), MET),  # approximately equal
        ("w_2 = 2.84 (after two steps)", k(2.84), MET),  # a remark without numbers
        ("answer: 3 (not 4)", k(3), REVIEW),  # a remark naming another value: a human reads it
        ("3.8 m", k(3.8), MET),  # a unit after the number
        ("75", k(0.75), REVIEW),  # a percentage written without %
        ("0.75", k(75), REVIEW),  # a share where the key is in percent
        ("error 5 percent", k(0.05), MET),  # the word percent
        # --- exponents as typed, and values that are not the answer as written
        ("6.02 × 10^23", k(6.02e23, rel=0.01), MET),  # was read 3: a bare two-digit exponent
        ("6*10^10", k(6e10), MET),  # was read 0
        ("5 m s^-1", k(5), MET),  # was read 1: a unit's exponent is no value
        ("p < 0.05", k(0.05), REVIEW),  # a bound, not the value (was met)
        ("1:4", k(0.25), REVIEW),  # a ratio (odds 1:4 is 0.2): was read 4, not_met
        ("x = 2 or x = -2", k(2), REVIEW),  # alternatives offered (was not_met on -2)
        ("x = -2 or x = 2", k(2), REVIEW),  # ... either way round (was met)
        ("x = 3 or x = -2", k(2), NOT),  # neither is the key
    ],
)
def test_numeric(answer: str, k: Key, status: Status) -> None:
    outcome = CHECKER.check(answer, k)
    assert outcome.status is status, outcome.reason
    if status is not REVIEW:  # a review's fraction is a proposal (tested below)
        assert outcome.fraction == (1.0 if status is MET else 0.0)


@pytest.mark.parametrize(
    ("answer", "value", "evidence", "found"),
    [
        (
            "The shape is $[32, 128, 26, 26]$.",
            [32, 128, 26, 26],
            "[32, 128, 26, 26]",
            "[32, 128, 26, 26]",
        ),  # list
        ("Ans: 0.714 (rounded)", "5/7", "0.714", "0.714"),  # the read decimal, even when wrong
        ("= 7 × 3 × 5", [7, 3, 5], "7 × 3 × 5", "[7, 3, 5]"),  # the product's text, shown as shape
        (r"$\frac{1}{3}$", "1/3", r"\frac{1}{3}", "1/3"),  # a fraction is shown as one
    ],
)
def test_evidence_points_at_the_read_text(
    answer: str, value: Any, evidence: str, found: str
) -> None:
    outcome = CHECKER.check(answer, key(value))
    assert outcome.evidence is not None
    assert answer[slice(*outcome.evidence)] == evidence
    assert outcome.found == found


@pytest.mark.parametrize(
    ("answer", "value", "phrase"),
    [
        (
            "[32, 128, 14, 14]",
            [32, 128, 26, 26],
            "[2]: 14 (key 26), [3]: 14 (key 26)",
        ),  # which elements
        ("[[1, 0], [0, 2]]", [[1, 0], [0, 1]], "[1][1]: 2 (key 1)"),  # matrix index
        ("0.71428", "5/7", "equal up to rounding"),  # hint that the key may need a tol
    ],
)
def test_reason_says_what_differs(answer: str, value: Any, phrase: str) -> None:
    outcome = CHECKER.check(answer, key(value))
    assert outcome.status is NOT
    assert phrase in outcome.reason


@pytest.mark.parametrize(
    ("answer", "k", "proposed", "phrase"),
    [
        ("[1, 2, 3]", k([1, 2]), 0.0, "read [1, 2, 3] (vector of 3), the key is a vector of 2"),
        ("3", k([1, 3]), 0.0, "read 3 (scalar), the key is a vector of 2"),  # shape named
        ("a = 1, b = 3", named([1, 3], ["w1", "w2"]), 0.0, "names a, b; the key names w1, w2"),
        ("w = [3, 4], ||w|| = 5", k([3, 4]), 1.0, "[3, 4] in the answer equals the key"),
        ("[4, 2]", k(4), 0.0, "read [4, 2] (vector of 2), the key is a scalar"),  # not a name
        ("1 000 000", k(1_000_000), 1.0, "digits grouped by spaces"),  # one number: right
        ("12,5", k(12.5), 1.0, "decimal comma"),  # read with a decimal comma: right
        ("3{,}5", k(3.5), 1.0, "decimal comma"),  # LaTeX decimal comma
        ("75", k(0.75), 1.0, "as a percentage"),  # 75 % = 0.75
        ("0.75", k(75), 1.0, "as a percentage"),  # 0.75 = 75 %
        ("0.714, i.e. 71%", k(0.7142857, 0.001), 1.0, "written just before it, equals the key"),
        ("P = 5/7 ≈ 0.7", k(0.7142857, 0.001), 1.0, "restates it rounded"),
    ],
)
def test_review_names_why_and_proposes_a_mark(
    answer: str, k: Key, proposed: float, phrase: str
) -> None:
    # The proposal is the mark under the reading the reason names; a human confirms it.
    outcome = CHECKER.check(answer, k)
    assert outcome.status is REVIEW
    assert outcome.fraction == proposed
    assert phrase in outcome.reason


@pytest.mark.parametrize(
    ("answer", "value", "evidence", "found"),
    [
        ("so w1 = 1, w2 = 3", [1, 3], "w1 = 1, w2 = 3", "[1, 3]"),  # the named components
    ],
)
def test_named_evidence(answer: str, value: Any, evidence: str, found: str) -> None:
    outcome = CHECKER.check(answer, key(value))
    assert outcome.evidence is not None
    assert answer[slice(*outcome.evidence)] == evidence
    assert outcome.found == found


@pytest.mark.parametrize(
    ("answer", "value", "phrase"),
    [
        (Y_ONLY, [3, 3], "no vector of 2 in the answer; read [[0, -1, -1]"),  # what was read
        (Y_ONLY, [3, 3], "(3 x 3 array)"),  # with its shape
        ("w = 1.08 then 4", [2, 1, 0], "read 1.08, 4"),  # scalars shown bare
    ],
)
def test_anywhere_absent_reason_lists_the_readings(answer: str, value: Any, phrase: str) -> None:
    outcome = CHECKER.check(answer, anywhere(value))
    assert outcome.status is NOT
    assert phrase in outcome.reason


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "value"),  # value missing
        ({"value": "abc"}, "value"),  # not a number
        ({"value": True}, "value"),  # a boolean is not a number
        ({"value": []}, "value"),  # empty list
        ({"value": [[1, 2], [3]]}, "value"),  # ragged rows
        ({"value": 1, "tol": {"abs": -1}}, "tol.abs"),  # negative tolerance
        ({"value": 1, "tol": {"absolute": 0.1}}, "tol.absolute"),  # misspelt tolerance kind
        ({"value": 1, "tol": {}}, "tol"),  # empty tolerance
        ({"value": 1, "tolerance": 0.1}, "tolerance"),  # unknown field
        ({"value": float("nan")}, "value"),  # not finite
        ({"value": [1, 2], "variables": ["w1"]}, "variables"),  # one name for two components
        ({"value": [1, 2], "variables": ["w1", "w_1"]}, "variables"),  # the same name twice
        ({"value": [1, 2], "variables": "w1 w2"}, "variables"),  # not a list
        ({"value": 1, "variables": ["2x"]}, "variables"),  # not a name
    ],
)
def test_bad_key_params_name_the_field(params: dict[str, Any], field: str) -> None:
    with pytest.raises(KeyParamsError) as info:
        CHECKER.validate(params)
    assert info.value.field == field


def test_validate_normalises_and_is_idempotent() -> None:
    once = CHECKER.validate({"value": [1, 2], "tol": {"abs": 0.5}})
    assert once == {"value": [1, 2], "tol": {"abs": 0.5}}
    assert CHECKER.validate(once) == once
    named_once = CHECKER.validate({"value": [1, 2], "variables": ["w_1", "w_2"]})
    assert named_once == {"value": [1, 2], "variables": ["w_1", "w_2"]}
    assert CHECKER.validate(named_once) == named_once


@pytest.mark.parametrize(
    ("k", "reason"),
    [
        (Key("numeric", {"value": "abc"}), "bad numeric key"),  # bad key at check time: error
        (Key("numeric", {"value": 1}, "somewhere"), "where"),  # unknown where
    ],
)
def test_bad_key_at_check_time_is_an_error_outcome(k: Key, reason: str) -> None:
    outcome = CHECKER.check("42", k)
    assert outcome.status is ERROR
    assert reason in outcome.reason


def test_internal_failure_becomes_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("gradewise.checkers.numeric.check_final", boom)
    outcome = CHECKER.check("42", key(42))
    assert outcome.status is ERROR
    assert "boom" in outcome.reason


def test_check_many_and_registry() -> None:
    outcomes = CHECKER.check_many([("40", key(40)), ("41", key(40)), ("", key(40))])
    assert [o.status for o in outcomes] == [MET, NOT, REVIEW]
    assert isinstance(registry().get("numeric"), NumericChecker)
