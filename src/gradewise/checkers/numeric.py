"""The numeric checker: scalars, vectors, matrices and shapes, exact or within a tolerance.

Key (exam file)::

    key: {kind: numeric, value: [32, 128, 26, 26]}              # exact
    key: {kind: numeric, value: 0.7142857, tol: {abs: 0.001}}   # or tol: {rel: 0.01}, or both
    key: {kind: numeric, value: "5/7"}                          # also "\\frac{5}{7}", "1e-3"
    key: {kind: numeric, value: [[-72, -72], [72, 72]], where: anywhere}

Equality rules:
- Without `tol`, equality is exact on the numbers as written: every number written with finite
  digits is the exact decimal it shows (key 0.7142857 is 7142857/10^7), and fractions are exact.
  So key 0.7142857 and answer 5/7 differ, key 5/7 and answer 0.714 differ: an instructor who
  accepts rounding writes a `tol`. Only irrational readings (`\\sqrt{2}`) are floats; they equal
  the key when within a relative 1e-9.
- With `tol`, an element passes when |answer - key| <= abs, or <= rel * |key|; with both given,
  either one is enough.
- Shapes are compared after dropping sizes of one: a column vector `\\begin{bmatrix}1\\\\2
  \\end{bmatrix}`, the row `[[1, 2]]` and the vector `[1, 2]` are the same; `[5]` is 5.
  A product `7 × 3 × 5` is read both as 105 and as the shape [7, 3, 5]; the key's shape picks.
- Vectors are all or nothing; `reason` names the elements that differ.

Where the answer is (where: final) follows `extract.final_readings`: boxed, then after an
answer marker, then right of the last "=" on the last line with a value, then the last value.
Several different values there, one of them right, is a hedge: needs_review. For where:
anywhere, any value of the key's shape anywhere in the text that equals the key is met. A key
that is a matrix may also be matched by its rows written as separate vectors in order
("y_1 = [-72, -72], y_2 = [72, 72]").

Nothing readable is needs_review, never not_met; a value read but different is not_met. So is,
for where: anywhere, an answer whose values were read but none has the key's shape (key [3, 3]
"states the size 3 × 3", answer only a 3 × 3 matrix): the value the criterion asks for is not
in the working.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gradewise.checkers.extract import (
    FinalAnswer,
    Reading,
    Scalar,
    Value,
    final_readings,
    flatten,
    guarded,
    parse_value,
    scan,
    shape,
    show,
    squeeze,
    walk,
)
from gradewise.checkers.registry import SimpleChecker
from gradewise.errors import KeyParamsError
from gradewise.hookspecs import hookimpl
from gradewise.model import Key, Outcome, Status

WHERES = ("final", "anywhere")
# Float readings (roots) cannot be exact; this is the slack "exact" allows them.
_FLOAT_REL = 1e-9
# Near misses within this relative distance get a hint that the key may need a tol.
_HINT_REL = 1e-4
_NOTHING = {
    "boxed": "the boxed answer holds no number that could be read",
    "marker": "no number could be read after the answer marker",
    "none": "no number found in the answer",
}


class _TolParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    abs: float | None = Field(default=None, ge=0)
    rel: float | None = Field(default=None, ge=0)


class _NumericParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: Any
    tol: _TolParams | None = None


@dataclass(frozen=True)
class Tolerance:
    """Absolute and/or relative slack; both None means exact."""

    abs: Fraction | None = None
    rel: Fraction | None = None

    @property
    def exact(self) -> bool:
        return self.abs is None and self.rel is None


@dataclass(frozen=True)
class _Candidate:
    """A value of the key's shape read from the answer, with where it was read."""

    span: tuple[int, int]
    value: Value
    note: str = ""


# ---------------------------------------------------------------- key params


def key_value(raw: Any, field: str = "value") -> Value:
    """A key's value from the exam file (number, string, nested lists) as an exact Value."""
    if isinstance(raw, bool) or raw is None:
        raise KeyParamsError(
            f"{field} must be a number or a list of numbers, not {raw!r}",
            field=field,
            fix="write e.g. value: 0.5 or value: [32, 128]",
        )
    if isinstance(raw, int | Fraction):
        return Fraction(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise KeyParamsError(f"{field} must be finite, not {raw}", field=field)
        return Fraction(repr(raw))
    if isinstance(raw, str):
        return _key_string(raw, field)
    if isinstance(raw, list | tuple):
        return _key_list(raw, field)
    raise KeyParamsError(
        f"{field} has an unsupported type {type(raw).__name__}",
        field=field,
        fix="write a number, a string like '5/7', or a list",
    )


def _key_string(raw: str, field: str) -> Value:
    value = parse_value(raw)
    if value is None:
        raise KeyParamsError(
            f"{field} {raw!r} is not a number that could be read",
            field=field,
            fix="write e.g. 0.5, '5/7', '\\frac{5}{7}' or '1e-3'",
        )
    return value


def _key_list(raw: Sequence[Any], field: str) -> Value:
    if not raw:
        raise KeyParamsError(
            f"{field} is an empty list", field=field, fix="list at least one number"
        )
    value = tuple(key_value(x, field) for x in raw)
    if shape(value) is None:
        raise KeyParamsError(
            f"{field} is ragged: its rows have different lengths",
            field=field,
            fix="give every row the same number of elements",
        )
    return value


def _pydantic_field(exc: ValidationError) -> str:
    loc = exc.errors()[0].get("loc", ())
    return ".".join(str(p) for p in loc) or "value"


def validate_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Check a numeric key's params; returns {"value": ..., "tol": {...}} (tol only if given)."""
    try:
        model = _NumericParams.model_validate(dict(params))
    except ValidationError as exc:
        field = _pydantic_field(exc)
        raise KeyParamsError(
            f"bad numeric key field {field}: {exc.errors()[0]['msg']}",
            field=field,
            fix="use value: ... and optionally tol: {abs: 0.001} or tol: {rel: 0.01}",
        ) from None
    key_value(model.value)
    out: dict[str, Any] = {"value": model.value}
    if model.tol is not None:
        if model.tol.abs is None and model.tol.rel is None:
            raise KeyParamsError(
                "tol is empty", field="tol", fix="write tol: {abs: 0.001} or tol: {rel: 0.01}"
            )
        out["tol"] = model.tol.model_dump(exclude_none=True)
    return out


def tolerance(params: Mapping[str, Any]) -> Tolerance:
    """The key's tol as exact fractions (0.001 means exactly 1/1000)."""
    tol = params.get("tol") or {}
    return Tolerance(abs=_frac_or_none(tol.get("abs")), rel=_frac_or_none(tol.get("rel")))


def _frac_or_none(x: float | None) -> Fraction | None:
    return Fraction(repr(float(x))) if x is not None else None


# ---------------------------------------------------------------- comparison


def close(key: Scalar, got: Scalar, tol: Tolerance) -> bool:
    """One element: exact (floats within 1e-9 relative) or within the tolerance."""
    if tol.exact:
        if isinstance(key, Fraction) and isinstance(got, Fraction):
            return key == got
        return math.isclose(float(got), float(key), rel_tol=_FLOAT_REL, abs_tol=1e-12)
    if isinstance(key, Fraction) and isinstance(got, Fraction):
        return _within(abs(got - key), abs(key), tol)
    return _within(abs(float(got) - float(key)), abs(float(key)), tol)


def _within(diff: Fraction | float, size: Fraction | float, tol: Tolerance) -> bool:
    if tol.abs is not None and diff <= tol.abs:
        return True
    return tol.rel is not None and diff <= tol.rel * size


def differing(key: Value, got: Value, tol: Tolerance) -> list[int]:
    """Flat indices of the elements that differ (same shape assumed)."""
    pairs = zip(flatten(key), flatten(got), strict=True)
    return [i for i, (k, g) in enumerate(pairs) if not close(k, g, tol)]


def _index(i: int, shp: tuple[int, ...]) -> str:
    idx = []
    for size in reversed(shp):
        idx.append(i % size)
        i //= size
    return "[" + "][".join(str(x) for x in reversed(idx)) + "]"


def difference_reason(key: Value, got: Value, tol: Tolerance) -> str:
    """Why `got` is not the key: which elements differ, and a hint when it is a rounding."""
    bad = differing(key, got, tol)
    shp = shape(key) or ()
    if not shp:
        reason = f"read {show(got)}, the key is {show(key)}"
    else:
        ks, gs = flatten(key), flatten(got)
        listed = ", ".join(f"{_index(i, shp)}: {show(gs[i])} (key {show(ks[i])})" for i in bad[:5])
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        reason = f"read {show(got)}; elements differ at {listed}{more}"
    hint = tol.exact and all(_near(k, g) for k, g in zip(flatten(key), flatten(got), strict=True))
    return reason + ("; equal up to rounding: the key has no tol" if hint else "")


def _near(k: Scalar, g: Scalar) -> bool:
    return math.isclose(float(g), float(k), rel_tol=_HINT_REL, abs_tol=1e-12)


# ---------------------------------------------------------------- candidates


def fitting(reading: Reading, shp: tuple[int, ...]) -> list[Value]:
    """The reading's values that have the key's shape (after dropping sizes of one)."""
    values = (squeeze(v) for v in reading.values)
    return [v for v in values if shape(v) == shp]


def row_stacks(readings: Iterable[Reading], shp: tuple[int, ...]) -> list[_Candidate]:
    """Matrix keys: every run of len(rows) consecutive vectors of the row's shape, stacked."""
    if len(shp) != 2:
        return []
    rows = [(r, v[0]) for r in readings if (v := fitting(r, shp[1:]))]
    out = []
    for i in range(len(rows) - shp[0] + 1):
        window = rows[i : i + shp[0]]
        span = (window[0][0].start, window[-1][0].end)
        out.append(_Candidate(span, tuple(v for _, v in window), "rows read from separate vectors"))
    return out


def _outcome(status: Status, cand: _Candidate, reason: str, confidence: float = 1.0) -> Outcome:
    fraction = 1.0 if status is Status.MET else 0.0
    return Outcome(status, fraction, reason, cand.span, show(cand.value), confidence)


# ---------------------------------------------------------------- where: final

_CONFIDENCE = {"boxed": 1.0, "marker": 1.0, "relation": 0.95, "last": 0.9}


def check_final(text: str, target: Value, tol: Tolerance) -> Outcome:
    """The final answer (module rules) against the key."""
    fa = final_readings(text)
    if not fa.readings:
        return Outcome(Status.NEEDS_REVIEW, reason=_NOTHING.get(fa.rule, _NOTHING["none"]))
    shp = shape(target) or ()
    cands = [_Candidate((r.start, r.end), v) for r in fa.readings for v in fitting(r, shp)]
    if not cands:
        return _final_misfit(text, fa, target, tol)
    return _judge_final(cands, target, tol, _CONFIDENCE[fa.rule])


def _judge_final(cands: list[_Candidate], target: Value, tol: Tolerance, conf: float) -> Outcome:
    by_span: dict[tuple[int, int], list[_Candidate]] = {}
    for c in cands:
        by_span.setdefault(c.span, []).append(c)
    right = [
        next((c for c in cs if not differing(target, c.value, tol)), None)
        for cs in by_span.values()
    ]
    if all(right):
        first = right[0]
        assert first is not None
        return _outcome(Status.MET, first, f"read {show(first.value)}, equal to the key", conf)
    if any(right):
        shown = ", ".join(show(cs[0].value) for cs in by_span.values())
        return _outcome(
            Status.NEEDS_REVIEW,
            cands[0],
            f"several values in the final answer ({shown}); "
            "one equals the key: a human decides which counts",
            conf,
        )
    return _outcome(Status.NOT_MET, cands[0], difference_reason(target, cands[0].value, tol), conf)


def _final_misfit(text: str, fa: FinalAnswer, target: Value, tol: Tolerance) -> Outcome:
    """No value of the key's shape in the final answer: rows written apart, or a wrong shape."""
    shp = shape(target) or ()
    stacks = row_stacks(scan(text), shp)
    if stacks:
        last = stacks[-1]
        if not differing(target, last.value, tol):
            return _outcome(
                Status.MET, last, f"read {show(last.value)} ({last.note}), equal to the key", 0.85
            )
        return _outcome(
            Status.NEEDS_REVIEW,
            last,
            f"no {_shape_name(shp)} in the final answer; "
            f"the last rows written apart read {show(last.value)}",
            0.5,
        )
    r = fa.readings[-1]
    got = squeeze(r.value)
    reason = f"read {show(got)} ({_shape_name(shape(got))}), the key is a {_shape_name(shp)}"
    return Outcome(Status.NOT_MET, 0.0, reason, (r.start, r.end), show(got), _CONFIDENCE[fa.rule])


def _shape_name(shp: tuple[int, ...] | None) -> str:
    if shp is None:
        return "ragged list"
    if not shp:
        return "scalar"
    if len(shp) == 1:
        return f"vector of {shp[0]}"
    return " x ".join(str(n) for n in shp) + " array"


# ---------------------------------------------------------------- where: anywhere


def check_anywhere(text: str, target: Value, tol: Tolerance) -> Outcome:
    """Met when any value of the key's shape anywhere in the text equals the key."""
    top = scan(text)
    if not top:
        return Outcome(Status.NEEDS_REVIEW, reason=_NOTHING["none"])
    shp = shape(target) or ()
    cands = [_Candidate((r.start, r.end), v) for r in walk(top) for v in fitting(r, shp)]
    cands += row_stacks(top, shp)
    for c in cands:
        if not differing(target, c.value, tol):
            note = f" ({c.note})" if c.note else ""
            return _outcome(Status.MET, c, f"found {show(c.value)}{note}, equal to the key")
    if not cands:
        return _anywhere_absent(top, shp)
    shown = ", ".join(show(c.value) for c in cands[:5]) + (", ..." if len(cands) > 5 else "")
    reason = f"no {_shape_name(shp)} in the answer equals the key {show(target)}; read {shown}"
    return _outcome(Status.NOT_MET, cands[0], reason, 0.9)


def _anywhere_absent(top: list[Reading], shp: tuple[int, ...]) -> Outcome:
    """Values were read but none has the key's shape: the value is not there, so not_met.

    The answer was readable (unlike an empty or garbled one, which stays needs_review); the
    reason lists what was read so a reviewer sees at once what the student wrote instead.
    """
    read = [squeeze(r.value) for r in top]
    shown = ", ".join(_described(v) for v in read[:5]) + (", ..." if len(read) > 5 else "")
    reason = f"no {_shape_name(shp)} in the answer; read {shown}"
    return Outcome(Status.NOT_MET, 0.0, reason, confidence=0.8)


def _described(v: Value) -> str:
    """A value with its shape when it is not a scalar: "[1, 2] (vector of 2)"."""
    shp = shape(v)
    return show(v) if shp == () else f"{show(v)} ({_shape_name(shp)})"


# ---------------------------------------------------------------- the checker


class NumericChecker(SimpleChecker):
    """Numbers, vectors, matrices and shapes, exact or within tol."""

    kind = "numeric"
    version = "1"

    def validate(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return validate_params(params)

    def check(self, answer: str, key: Key) -> Outcome:
        """Decide one answer; never raises (a failure is an `error` outcome)."""
        return guarded(self._check, answer, key, "numeric")

    def _check(self, answer: str, key: Key) -> Outcome:
        if key.where not in WHERES:
            return Outcome(
                Status.ERROR, reason=f"bad key: where must be one of {', '.join(WHERES)}"
            )
        params = validate_params(key.params)
        target, tol = squeeze(key_value(params["value"])), tolerance(params)
        if not answer.strip():
            return Outcome(Status.NEEDS_REVIEW, reason="empty answer")
        if key.where == "anywhere":
            return check_anywhere(answer, target, tol)
        return check_final(answer, target, tol)


@hookimpl
def register_checkers(register: Callable[..., None]) -> None:
    register(NumericChecker())
