"""Keys checked against the worked solution written beside them.

A drafted part may carry both a key ("Answer: 12") and a worked solution that computes it. The
solution is read the way a student's answer would be: the checker of the key's kind finds its
final value and compares. Where they clearly differ, the instructor is asked to look — a key
that sums where the working takes a mean is the kind of slip this catches. A solution with no
readable final value says nothing, so it is never flagged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gradewise.checkers.registry import registry
from gradewise.errors import KeyParamsError
from gradewise.model import Key, Status

# Keys on papers are rounded ("0.71" for 5/7): half a unit of the key's last decimal is
# agreement, and half a percent for whole numbers and vectors.
_ROUNDING = {"rel": 0.005}
_CHECKED = ("numeric", "truefalse")  # choice: worked solutions discuss every option


def disagreement(key: Mapping[str, Any], solution: str) -> str | None:
    """What the solution's final value is when it is not the key's, else None."""
    kind = key.get("kind")
    if kind not in _CHECKED or not solution.strip():
        return None
    params = {name: value for name, value in key.items() if name != "kind"}
    if kind == "numeric":
        params.setdefault("tol", _rounding(params.get("value")))
    checker = registry().get(kind)
    if checker is None:
        return None
    outcome = checker.check(solution, Key(kind, checker.validate(params)))
    if outcome.status is not Status.NOT_MET or not outcome.found:
        return None
    return f"the key is {_shown(key)} but the worked solution ends with {outcome.found}"


def checkable(kind: str, value: Any) -> bool:
    """Whether the checker of `kind` reads this key's value (a key drafted from working that
    `exam check` would refuse is left out: the reference stays)."""
    checker = registry().get(kind)
    if checker is None:
        return False
    try:
        checker.validate({"value": value})
    except KeyParamsError:
        return False
    return True


def _shown(key: Mapping[str, Any]) -> str:
    value = key.get("value")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _rounding(value: Any) -> dict[str, float]:
    if not isinstance(value, float):
        return _ROUNDING
    decimals = len(repr(value).partition(".")[2]) if "e" not in repr(value) else 0
    # a hair over half a unit: 0.715 - 0.71 is 0.00500000000000001 in floating point
    return {"abs": 0.5 * 10**-decimals * 1.000001} if decimals else _ROUNDING


_VALUED = ("numeric", "expression")  # kinds whose value is read by their checker


def same_key(expected: Mapping[str, Any], got: Mapping[str, Any] | None) -> bool:
    """Whether two keys ask for the same answer: the same kind and fields, and for a number or
    an expression a value the kind's own checker reads as meeting the other exactly, with no
    tolerance (0.25 and '1/4', 'x(x+2)' and 'x^2+2x'), not the same text."""
    if got is None or got.get("kind") != expected.get("kind"):
        return False
    kind = expected["kind"]
    for name, value in expected.items():
        if name == "kind" or got.get(name) == value:
            continue
        if name != "value" or kind not in _VALUED or got.get(name) is None:
            return False
        checker = registry().get(kind)
        if checker is None:
            return False
        try:
            key = Key(kind, checker.validate({"value": value}))  # exactly: no tol
        except KeyParamsError:  # a value the checker cannot read as a key matches nothing
            return False
        if checker.check(_as_answer(got[name]), key).status is not Status.MET:
            return False
    return True


def _as_answer(value: Any) -> str:
    """A key's value written as a student would write it: '[1, 2]', '0.25', 'x^2'."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(map(_as_answer, value)) + "]"
    return str(value)
