"""Fuzz tests (Hypothesis) for reading numbers and expressions out of what students write.

Any text: the checker never raises, never fails inside (an `error` outcome from a numeric
reading is a bug the guard hid), returns (a hang guard: Hypothesis' deadline; the expression
worker's own time limit), and the part's score stays within [0, marks]. And a metamorphic
property: an answer that states the key's exact value in a standard form is met.
"""

from __future__ import annotations

import time
from datetime import timedelta
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradewise.checkers.expression import ExpressionChecker
from gradewise.checkers.extract import scan
from gradewise.checkers.locate import final_readings
from gradewise.checkers.named import named_runs
from gradewise.checkers.numeric import NumericChecker
from gradewise.model import Key, Outcome, Part, Status, Verdict
from gradewise.scoring import score_part

NUMERIC = NumericChecker()
MARKS = 4.0
# Pieces students (and OCR) write around numbers: digits, signs, brackets, LaTeX, names, words.
TOKENS = [
    *"0123456789",
    ".",
    ",",
    " ",
    "\n",
    "-",
    "+",
    "=",
    "/",
    "%",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "^",
    "_",
    "&",
    ";",
    "$",
    "'",
    "x",
    "e",
    "w",
    "×",
    "≈",
    "−",
    "\u2009",
    r"\frac",
    r"\sqrt",
    r"\times",
    r"\cdot",
    r"\\",
    r"\,",
    "{,}",
    r"\;",
    r"\quad",
    r"\begin{bmatrix}",
    r"\end{bmatrix}",
    r"\left[",
    r"\right]",
    r"\boxed{",
    r"\text{",
    "Ans: ",
    "Final answer: ",
    "check: ",
    "w_1",
    "w^{(2)}",
    " and ",
    " so ",
    " not ",
    " percent",
]
SOUP = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=200), SOUP)
# A hang guard, not a speed target: reading one answer takes milliseconds.
HANG = timedelta(seconds=20)


def numeric_key(value: Any, where: str = "final", **params: Any) -> Key:
    return Key("numeric", NUMERIC.validate({"value": value, **params}), where)


KEYS = [
    numeric_key(3.8),
    numeric_key("5/7", tol={"abs": 0.001}),
    numeric_key([1, 3]),
    numeric_key([1, 3], variables=["w_1", "w_2"]),
    numeric_key([[1, 2], [3, 4]]),
    numeric_key([32, 128, 26, 26], where="anywhere"),
    numeric_key(0.75, tol={"rel": 0.01}),
]


def part_score(outcome: Outcome) -> tuple[float, bool]:
    """The part's score when this outcome is its one criterion's verdict."""
    part = Part("I.1", "1", "", MARKS, key=Key("numeric", {"value": 1}))
    verdict = Verdict("key", outcome.status, outcome.fraction, outcome.reason)
    return score_part(part, [verdict])


# ---------------------------------------------------------------- numeric: any text


@settings(max_examples=300, deadline=HANG, suppress_health_check=[HealthCheck.too_slow])
@given(text=ANY_TEXT, key=st.sampled_from(KEYS))
def test_numeric_reading_of_any_text_is_an_outcome_within_the_marks(text: str, key: Key) -> None:
    outcome = NUMERIC.check(text, key)
    assert outcome.status is not Status.ERROR, outcome.reason  # a reading bug, hidden by guard
    assert 0.0 <= outcome.fraction <= 1.0
    if outcome.status is Status.NOT_MET:
        assert outcome.fraction == 0.0
    score, review = part_score(outcome)
    assert 0.0 <= score <= MARKS
    assert review == (not outcome.status.decided or outcome.confidence < 0.8)


@settings(max_examples=300, deadline=HANG)
@given(text=ANY_TEXT)
def test_extract_reads_any_text_with_spans_inside_it(text: str) -> None:
    for reading in [*scan(text), *named_runs(text), *final_readings(text).readings]:
        assert 0 <= reading.start <= reading.end <= len(text)


# ---------------------------------------------------------------- numeric: the key, stated


def _decimal(value: Fraction) -> str | None:
    """The exact decimal digits of a value whose denominator is 2^a 5^b, else None."""
    for places in range(0, 7):
        scaled = value * 10**places
        if scaled.denominator == 1:
            digits = str(abs(scaled.numerator)).rjust(places + 1, "0")
            body = digits if not places else digits[:-places] + "." + digits[-places:]
            return ("-" if value < 0 else "") + body
    return None


def _thousands(value: Fraction, sep: str) -> str | None:
    """An integer of four or more digits with its groups of three separated by `sep`."""
    if value.denominator != 1 or abs(value) < 1000:
        return None
    digits = f"{abs(value.numerator):,}".replace(",", sep)
    return ("-" if value < 0 else "") + digits


def scalar_forms(value: Fraction) -> list[str]:
    """Standard ways of writing one exact scalar."""
    sign, size = ("-" if value < 0 else ""), abs(value)
    forms = [
        f"{sign}{size.numerator}/{size.denominator}",
        rf"{sign}\frac{{{size.numerator}}}{{{size.denominator}}}",
    ]
    decimal = _decimal(value)
    if decimal is not None:
        forms.append(decimal)
        if value > 0:
            forms.append(f"{_decimal(value * 100)}%")
    for sep in (",", "{,}", r"\,"):
        grouped = _thousands(value, sep)
        if grouped is not None:
            forms.append(grouped)
    return forms


SCALARS = st.one_of(
    st.integers(-(10**7), 10**7).map(Fraction),
    st.builds(Fraction, st.integers(-(10**4), 10**4), st.sampled_from([2, 4, 5, 8, 10, 100, 1000])),
    st.builds(Fraction, st.integers(-200, 200), st.integers(1, 97)),
)
WRAPPERS = [
    "{}",
    "Ans: {}",
    r"$\boxed{{{}}}$",
    "x = {}",
    "The answer is {}.",
    "so the value is ${}$",
    "Final answer: {}",
    "w = 5 - 1.2 = {}",
    "We get\n\n$${}$$",
]


def _key_value(value: Fraction) -> Any:
    return int(value) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


@settings(max_examples=300, deadline=HANG)
@given(value=SCALARS, data=st.data())
def test_a_scalar_key_stated_in_a_standard_form_is_met(value: Fraction, data: Any) -> None:
    form = data.draw(st.sampled_from(scalar_forms(value)), label="form")
    answer = data.draw(st.sampled_from(WRAPPERS), label="wrapper").format(form)
    outcome = NUMERIC.check(answer, numeric_key(_key_value(value)))
    assert outcome.status is Status.MET, (answer, outcome.reason)


def vector_forms(items: list[str], names: list[str]) -> list[str]:
    """Standard ways of writing a vector whose elements are already written."""
    column = r" \\ ".join(items)
    named = ", ".join(f"{n} = {v}" for n, v in zip(names, items, strict=True))
    return [
        "[" + ", ".join(items) + "]",
        "(" + ", ".join(items) + ")",
        rf"\begin{{bmatrix}} {column} \end{{bmatrix}}",
        rf"\begin{{pmatrix}} {' & '.join(items)} \end{{pmatrix}}",
        named,
        "\n".join(f"{n} = {v}" for n, v in zip(names, items, strict=True)),
    ]


@settings(max_examples=200, deadline=HANG)
@given(values=st.lists(SCALARS, min_size=2, max_size=5), data=st.data())
def test_a_vector_key_stated_in_a_standard_form_is_met(values: list[Fraction], data: Any) -> None:
    items = [data.draw(st.sampled_from(scalar_forms(v)[:3])) for v in values]  # no % or 1,000
    names = [f"w_{i + 1}" for i in range(len(values))]
    form = data.draw(st.sampled_from(vector_forms(items, names)), label="form")
    answer = data.draw(st.sampled_from(["{}", "Ans: {}", "so $${}$$", "hence\n{}"])).format(form)
    outcome = NUMERIC.check(answer, numeric_key([_key_value(v) for v in values]))
    assert outcome.status is Status.MET, (answer, outcome.reason)


@settings(max_examples=100, deadline=HANG)
@given(rows=st.integers(2, 3), cols=st.integers(2, 3), data=st.data())
def test_a_matrix_key_stated_in_a_standard_form_is_met(rows: int, cols: int, data: Any) -> None:
    values = [[data.draw(st.integers(-99, 99)) for _ in range(cols)] for _ in range(rows)]
    text = [[str(v) for v in row] for row in values]
    forms = [
        "[" + ", ".join("[" + ", ".join(r) + "]" for r in text) + "]",
        "[" + "; ".join(" ".join(r) for r in text) + "]",
        r"\begin{bmatrix} " + r" \\ ".join(" & ".join(r) for r in text) + r" \end{bmatrix}",
        ", ".join(f"c_{i + 1} = [{', '.join(r)}]" for i, r in enumerate(text)),
    ]
    answer = "Ans: " + data.draw(st.sampled_from(forms), label="form")
    assert NUMERIC.check(answer, numeric_key(values)).status is Status.MET, answer


# ---------------------------------------------------------------- expressions

EXPRESSION_TIMEOUT = 3.0


@pytest.fixture(scope="module")
def expressions() -> Any:
    checker = ExpressionChecker(timeout=EXPRESSION_TIMEOUT, workers=1)
    yield checker
    checker.close()


def expression_key(checker: ExpressionChecker, value: str, where: str = "final") -> Key:
    return Key("expression", checker.validate({"value": value, "variables": ["x"]}), where)


EXPRESSION_TOKENS = [
    *TOKENS,
    "x",
    "y",
    "^{",
    "2",
    r"\sigma(",
    r"\log",
    r"\exp(",
    "e^{",
    "A",
    "B",
    "^T",
    "!",
    r"\sum",
    r"\int",
    "**",
    "sqrt(",
    "2^{2^{2^{2}}}",
]
EXPRESSION_TEXT = st.one_of(
    st.text(max_size=80), st.lists(st.sampled_from(EXPRESSION_TOKENS), max_size=30).map("".join)
)


@settings(
    max_examples=40,
    deadline=None,  # the worker's own limit bounds each comparison; see the assertion below
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=EXPRESSION_TEXT, where=st.sampled_from(["final", "anywhere"]))
def test_expression_reading_of_any_text_is_an_outcome_within_the_marks(
    expressions: ExpressionChecker, text: str, where: str
) -> None:
    key = expression_key(expressions, r"\frac{2-2x}{3-2x}", where)
    start = time.monotonic()
    outcome = expressions.check(text, key)
    # Bounded: each expression compared runs under the worker's time limit (a hung worker is
    # killed and replaced); an answer this short holds a few dozen at most.
    assert time.monotonic() - start < 60 * EXPRESSION_TIMEOUT
    assert isinstance(outcome.status, Status) and outcome.status is not Status.ERROR
    assert 0.0 <= outcome.fraction <= 1.0
    score, _ = part_score(outcome)
    assert 0.0 <= score <= MARKS


def _poly(coefficients: list[int]) -> str:
    """c_0 + c_1 x + c_2 x^2 ... written the usual way, highest power first."""
    terms = []
    for power in range(len(coefficients) - 1, -1, -1):
        c = coefficients[power]
        if c == 0:
            continue
        size = "" if abs(c) == 1 and power else str(abs(c))
        var = "" if power == 0 else ("x" if power == 1 else f"x^{{{power}}}")
        terms.append(("-" if c < 0 else "+") + size + var)
    text = "".join(terms).lstrip("+") or "0"
    return text


def _times(a: list[int], b: list[int]) -> list[int]:
    out = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] += x * y
    return out


LINEAR = st.tuples(st.integers(-5, 5), st.integers(1, 5)).map(list)  # b + a x, a != 0


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    f=LINEAR,
    g=LINEAR,
    shape=st.sampled_from(["product", "quotient"]),
    wrapper=st.sampled_from(["{}", "${}$", r"$f(x) = {}$", r"$$\boxed{{{}}}$$", "Ans: ${}$"]),
)
def test_an_expression_key_stated_in_an_equivalent_form_is_met(
    expressions: ExpressionChecker, f: list[int], g: list[int], shape: str, wrapper: str
) -> None:
    factored = f"({_poly(f)})({_poly(g)})"
    if shape == "product":
        key_text, answer = factored, _poly(_times(f, g))  # the key factored, the answer expanded
    else:
        key_text, answer = rf"\frac{{{_poly(f)}}}{{{_poly(g)}}}", f"({_poly(f)})/({_poly(g)})"
    outcome = expressions.check(wrapper.format(answer), expression_key(expressions, key_text))
    assert outcome.status is Status.MET, (key_text, answer, outcome.reason)
