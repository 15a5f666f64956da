"""Compute blocks: run isolated with limits, compared with their keys, never crashing.

The blocks here are this file's own, so they run trusted: in the sandbox where there is one
(test_compute_sandbox.py tests what it contains), as the user where there is none.
"""

from __future__ import annotations

import textwrap

import pytest

from gradewise.checkers.registry import Registry, SimpleChecker
from gradewise.exam import (
    ComputeStatus,
    check_exam,
    check_part,
    load_exam_text,
    run_compute,
)
from gradewise.exam import compute as compute_module
from gradewise.model import Key, Outcome, Part, Status

OK, MISMATCH, FAILED, UNCHECKED = (
    ComputeStatus.OK,
    ComputeStatus.MISMATCH,
    ComputeStatus.FAILED,
    ComputeStatus.UNCHECKED,
)


@pytest.mark.parametrize(
    "source,result",
    [
        # a number
        ("result = 2 + 3", 5),
        # a loop building a list, as in the design's gradient-descent example
        (
            "w = 5.0; out = []\nfor _ in range(2):\n"
            "    w -= 0.1 * (2 * w + 2); out.append(w)\nresult = out",
            [3.8, 2.84],
        ),
        # print() output does not get mixed into the result
        ("print('working...'); result = [1, 2]", [1, 2]),
        # tuples come back as lists; nested lists keep their shape
        ("result = ((1, 2), (3, 4))", [[1, 2], [3, 4]]),
        # text and booleans
        ("result = 'b'", "b"),
        ("result = False", False),
        # exact numbers from the standard library become floats
        ("from fractions import Fraction\nresult = Fraction(1, 4)", 0.25),
        # standard-library imports work in the isolated interpreter
        ("import math\nresult = math.factorial(5)", 120),
    ],
)
def test_run_compute_results(source, result):
    run = run_compute(source, time_limit=10, trust=True)
    assert run.error is None
    assert run.result == result


@pytest.mark.parametrize(
    "source,limits,fragment",
    [
        # an exception: its type and message, as a traceback's last line
        ("result = 1 / 0", {}, "ZeroDivisionError: division by zero"),
        # a syntax error in the block
        ("result = (", {}, "SyntaxError"),
        # a block that never ends
        ("while True:\n    pass", {"time_limit": 1}, "timed out after 1 s"),
        # a block that asks for more memory than allowed
        (
            "x = bytearray(2 * 1024 ** 3)\nresult = 1",
            {"memory_mb": 256},
            "ran out of memory (limit 256 MB)",
        ),
        # memory eaten a little at a time
        (
            "x = []\nwhile True:\n    x.append(' ' * 10 ** 6)",
            {"memory_mb": 256},
            "ran out of memory",
        ),
        # no result set
        ("x = 1", {}, "sets no 'result'"),
        # a result JSON cannot carry
        ("result = object()", {}, "set it to numbers"),
        # exiting the interpreter is reported, not obeyed silently
        ("import sys\nsys.exit(3)", {}, "SystemExit: 3"),
        # a block that writes to the real stdout itself, spoiling the answer
        ("import sys\nsys.__stdout__.write('hello'); result = 1", {}, "ended without a result"),
        # a block that kills its own process
        ("import os, signal\nos.kill(os.getpid(), signal.SIGTERM)", {}, "signal 15"),
    ],
)
def test_run_compute_failures(source, limits, fragment):
    run = run_compute(source, **{"time_limit": 10, "trust": True, **limits})
    assert run.result is None
    assert run.error is not None and fragment in run.error


def test_blocks_cannot_see_the_callers_environment(monkeypatch):
    # -I: PYTHONPATH and friends do not reach the block
    monkeypatch.setenv("PYTHONPATH", "/nowhere")
    run = run_compute(
        "import sys\nresult = [p for p in sys.path if p == '/nowhere']", time_limit=10, trust=True
    )
    assert run.result == []


def numeric(value, **tol):
    return Key("numeric", {"value": value, **({"tol": tol} if tol else {})})


@pytest.mark.parametrize(
    "computed,key,status",
    [
        # exact keys still allow floating-point noise
        (0.1 + 0.2, numeric(0.3), OK),
        (0.0, numeric(0), OK),
        # ... but not a real difference
        (0.3001, numeric(0.3), MISMATCH),
        # absolute and relative tolerances
        ([3.8, 2.8400000000000003], numeric([3.8, 2.85], abs=0.01), OK),
        ([3.8, 2.83], numeric([3.8, 2.85], abs=0.01), MISMATCH),
        (101.0, numeric(100, rel=0.02), OK),
        (103.0, numeric(100, rel=0.02), MISMATCH),
        # shapes must match: vector vs scalar, wrong length, matrix vs vector
        ([40], numeric(40), MISMATCH),
        ([12, 5], numeric([12, 5, 100]), MISMATCH),
        ([[1, 2], [3, 4]], numeric([1, 2, 3, 4]), MISMATCH),
        # matrices element-wise
        ([[12, 12], [-12, -12]], numeric([[12, 12], [-12, -12]]), OK),
        # ragged lists compare by structure
        ([[1], [2, 3]], numeric([[1], [2, 3]]), OK),
        ([[1, 2], [3]], numeric([[1], [2, 3]]), MISMATCH),
        # a key written as a fraction
        (5 / 7, numeric("5/7"), OK),
        # a computed text that is not a number: a mismatch with both values shown
        ("forty", numeric(40), MISMATCH),
        # a key the runner cannot read as numbers is not blamed
        (1.0, numeric("\\frac{1}{3}"), UNCHECKED),
        # choice: the set of options, in any order and case
        (["c", "b"], Key("choice", {"correct": ["b", "c"]}), OK),
        ("B, C", Key("choice", {"correct": ["b", "c"]}), OK),
        (["b"], Key("choice", {"correct": ["b", "c"]}), MISMATCH),
        # truefalse
        (False, Key("truefalse", {"value": False}), OK),
        (True, Key("truefalse", {"value": False}), MISMATCH),
        # expressions equal up to spaces need no checker
        ("2 - 2x", Key("expression", {"value": "2-2x"}), OK),
        # a key with nothing to compare with
        (1, Key("numeric", {}), UNCHECKED),
    ],
)
def test_compare(computed, key, status):
    got, message = compute_module.compare(computed, key)
    assert got == status, message


class _FixedChecker(SimpleChecker):
    kind = "expression"

    def __init__(self, status: Status) -> None:
        self.status = status

    def check(self, answer: str, key: Key) -> Outcome:
        if self.status is Status.ERROR:
            raise RuntimeError("broken checker")
        return Outcome(self.status, reason="fixed")


@pytest.mark.parametrize(
    "checker_says,status",
    [
        # the checker finds the texts equivalent
        (Status.MET, OK),
        # the checker finds them different: a probable key error
        (Status.NOT_MET, MISMATCH),
        # the checker cannot decide: nobody is blamed
        (Status.NEEDS_REVIEW, UNCHECKED),
        # a checker that raises does not stop the report
        (Status.ERROR, UNCHECKED),
    ],
)
def test_expressions_that_differ_as_text_ask_the_checker(monkeypatch, checker_says, status):
    reg = Registry()
    reg.register(_FixedChecker(checker_says))
    monkeypatch.setattr(compute_module, "registry", lambda: reg)
    got, _ = compute_module.compare("x*(2-x)", Key("expression", {"value": "2x - x^2"}))
    assert got == status


def _part(compute: str, key: Key | None = None) -> Part:
    return Part(address="I.1", label="1", prompt="", marks=1, key=key, compute=compute)


@pytest.mark.parametrize(
    "part,status,fragment",
    [
        # agrees with the key
        (_part("result = 40", numeric(40)), OK, "matches"),
        # disagrees: both values are in the message and the result
        (_part("result = 41", numeric(40)), MISMATCH, "computed 41 but the key says 40"),
        # raises
        (_part("raise ValueError('bad step')", numeric(40)), FAILED, "ValueError: bad step"),
        # a part with no key: the result is shown, nothing is compared
        (_part("result = 3", None), UNCHECKED, "no key"),
    ],
)
def test_check_part(part, status, fragment):
    report = check_part(part, time_limit=10, trust=True)
    assert report.status == status
    assert fragment in report.message


EXAM = """
schema_version: 1
exam: {id: e, title: E}
sections:
  - id: I
    title: Short
    questions:
      - id: "1"
        marks: 2
        key: {kind: numeric, value: [3.8, 2.84], tol: {abs: 0.01}}
        compute: |
          w = 5.0; out = []
          for _ in range(2):
              w -= 0.1 * (2 * w + 2); out.append(w)
          result = out
      - id: "2"
        marks: 1
        key: {kind: numeric, value: 40}
        compute: "result = 5 * 7 + 5 - 1"
      - id: "3"
        marks: 1
        key: {kind: numeric, value: 1}
        compute: "while True: pass"
      - id: "4"
        marks: 3
        rubric: [{id: a, text: a, marks: 1}]
"""


def test_check_exam_reports_every_block_and_warnings():
    exam = load_exam_text(textwrap.dedent(EXAM))
    report = check_exam(exam, time_limit=1, trust_compute=True)
    assert [(c.address, c.status) for c in report.computes] == [
        ("I.1", OK),
        ("I.2", MISMATCH),
        ("I.3", FAILED),
    ]
    assert (report.computes[1].expected, report.computes[1].computed) == (40, 39)
    assert report.computes[2].message == "timed out after 1 s"
    assert not report.ok
    assert [w.address for w in report.warnings] == ["I.4"]


def test_check_exam_without_running_blocks():
    exam = load_exam_text(textwrap.dedent(EXAM))
    report = check_exam(exam, run_compute=False)
    assert report.computes == ()
    assert report.ok
