"""The numeric checker: scalars, vectors, matrices and shapes, exact or within a tolerance.

Key (exam file)::

    key: {kind: numeric, value: [32, 128, 26, 26]}              # exact
    key: {kind: numeric, value: 0.7142857, tol: {abs: 0.001}}   # or tol: {rel: 0.01}, or both
    key: {kind: numeric, value: "5/7"}                          # also "\\frac{5}{7}", "1e-3"
    key: {kind: numeric, value: [[-72, -72], [72, 72]], where: anywhere}
    key: {kind: numeric, value: [3.8, 2.84], variables: [w_1, w_2]}   # named components

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
- A factor written before a vector or matrix that the reading did not take in ('(1/det) *
  [[4, -2], [-3, 1]]', '\\frac{1}{\\det A}\\begin{bmatrix}...', 'k * [1, 2]') makes the value
  a product nobody worked out: needs_review, never the bare values compared.
- A key that is a size (positive whole numbers) is also read from sizes joined by 'by'
  ("3 by 3", "a 50 by 3 matrix"), as from '3 x 3'.

Where the answer is (where: final) follows `locate.final_readings`: boxed, then after an
answer marker, then named components, then right of the last "=" on the last line with a
value, then the last value. Named components ("w1 = 1, w2 = 3", "x = 2 and y = -1", one per
line) are one vector in the order written; when the key names its components (`variables`),
in the key's order, picked by name (`w_1`, `w_{1}`, `w1` are one name). More named values
than the key has, and a key that names none: the last ones count (iterates `w_1, w_2, w_3`
for the key w_3). Several different values there, one of them right, is a hedge:
needs_review. For where: anywhere, any value of the key's shape anywhere in the text that
equals the key is met. A key that is a matrix may also be matched by its rows written as
separate vectors in order ("y_1 = [-72, -72]; then y_2 = [72, 72]"), and a vector key by its
elements written as a list in prose ("the eigenvalues are 2 and 5", "λ1 = 2, λ2 = 5 > 0"; for
where: final when that list ends the final answer and holds every value read there). Every
element of a vector key read as a number of its own, but not as that list ("5 and 2"), is
needs_review, never not_met.

Nothing readable is needs_review, never not_met. A final answer whose shape differs from the
key's (a scalar for a vector, three sizes for four, other matrix dimensions, other names) is
needs_review with the reason, never not_met. A value read but different is not_met, unless
the same text read another plain way equals the key (`second_look`: digits grouped by spaces,
a decimal comma, a percentage without %, `2 1/2` as a mixed number): then needs_review, with
full marks proposed in the verdict's fraction. For where: anywhere, an answer whose values
were read but none has the key's shape is not_met (key [3, 3] "states the size 3 × 3",
answer only a 3 × 3 matrix): the value the criterion asks for is not in the working.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gradewise.checkers.extract import (
    Reading,
    Scalar,
    Value,
    flatten,
    guarded,
    parse_value,
    scan,
    shape,
    show,
    squeeze,
    walk,
)
from gradewise.checkers.locate import FinalAnswer, final_readings
from gradewise.checkers.named import is_name, named_runs, norm_name
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
    variables: list[str] | None = None


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
    _check_tol_form(params.get("tol"))
    try:
        model = _NumericParams.model_validate(dict(params))
    except ValidationError as exc:
        field = _pydantic_field(exc)
        raise KeyParamsError(
            f"bad numeric key field {field}: {exc.errors()[0]['msg']}",
            field=field,
            fix="use value: ... and optionally tol: {abs: 0.001} or tol: {rel: 0.01}",
        ) from None
    value = squeeze(key_value(model.value))
    out: dict[str, Any] = {"value": model.value}
    if model.tol is not None:
        if model.tol.abs is None and model.tol.rel is None:
            raise KeyParamsError(
                "tol is empty", field="tol", fix="write tol: {abs: 0.001} or tol: {rel: 0.01}"
            )
        out["tol"] = model.tol.model_dump(exclude_none=True)
    if model.variables is not None:
        _check_variables(model.variables, value)
        out["variables"] = model.variables
    return out


def _check_tol_form(tol: Any) -> None:
    """`tol: 0.01` (a bare number) says neither absolute nor relative: the exam says which."""
    if tol is None or isinstance(tol, Mapping):
        return
    if isinstance(tol, int | float) and not isinstance(tol, bool):
        raise KeyParamsError(
            f"tol is the bare number {tol}: say whether it is absolute or relative",
            field="tol",
            fix=f"write tol: {{abs: {tol}}} (or tol: {{rel: {tol}}} for a share of the value)",
        )
    raise KeyParamsError(
        f"tol must be a mapping, not {tol!r}",
        field="tol",
        fix="write tol: {abs: 0.01} or tol: {rel: 0.01}",
    )


def _check_variables(variables: list[str], value: Value) -> None:
    """One name per component (per row for a matrix, one for a scalar), each a name, no two
    alike once written the same way (`w_1` and `w1` are one name)."""
    size = len(value) if isinstance(value, tuple) else 1
    fix = "name each component once, e.g. variables: [w_1, w_2]"
    bad = [v for v in variables if not is_name(v)]
    if bad:
        raise KeyParamsError(f"variables: {bad[0]!r} is not a name", field="variables", fix=fix)
    if len(variables) != size:
        raise KeyParamsError(
            f"variables gives {len(variables)} name(s) for the {size} component(s) of the value",
            field="variables",
            fix=fix,
        )
    if len({norm_name(v) for v in variables}) != len(variables):
        raise KeyParamsError("variables names a component twice", field="variables", fix=fix)


def key_target(params: Mapping[str, Any]) -> Target:
    """What validated params ask for, ready to compare."""
    names = tuple(norm_name(v) for v in params.get("variables") or ())
    return Target(squeeze(key_value(params["value"])), tolerance(params), names)


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


@dataclass(frozen=True)
class Target:
    """What a key asks for: its value (sizes of one dropped), the slack, and the names of its
    components when the key gives them (`variables`), normalised by `named.norm_name`."""

    value: Value
    tol: Tolerance = Tolerance()
    names: tuple[str, ...] = ()

    @property
    def shape(self) -> tuple[int, ...]:
        return shape(self.value) or ()

    def equals(self, got: Value) -> bool:
        return not differing(self.value, got, self.tol)


def fitting(reading: Reading, shp: tuple[int, ...]) -> list[Value]:
    """The reading's values that have the key's shape (after dropping sizes of one)."""
    values = (squeeze(v) for v in reading.values)
    return [v for v in values if shape(v) == shp]


def values_for(reading: Reading, target: Target) -> list[Value]:
    """The reading's values of the key's shape; named components in the key's order of names."""
    if not (reading.names and target.names):
        return fitting(reading, target.shape)
    by_name = dict(zip(reading.names, (p.value for p in reading.parts), strict=True))
    if any(n not in by_name for n in target.names):
        return []
    picked = squeeze(tuple(by_name[n] for n in target.names))
    return [picked] if shape(picked) == target.shape else []


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


# ---------------------------------------------------------------- a factor left out

_TIMES = r"(?:\*|\\cdot(?![A-Za-z])|\\times(?![A-Za-z])|×|·)"
# A factor written just before a vector or matrix that the reading did not take in: a
# bracket with a fraction or power ('(1/det) *', '(1/2) *'), one raised to -1 ('(ad - bc)^{-1}'),
# a \frac ('\frac{1}{\det A}'), a division by a name ('1/det(A)'), anything then '*' or '\cdot'.
_FACTOR_BEFORE = re.compile(
    r"(?:\([^()\n]*[/^][^()\n]*\)\s*" + _TIMES + r"?"
    r"|\([^()\n]*\)\s*\^\s*\{?\s*-\s*1\s*\}?\s*" + _TIMES + r"?"
    r"|\\frac\s*\{[^{}\n]*\}\s*\{[^{}\n]*\}\s*" + _TIMES + r"?"
    r"|/\s*\\?[A-Za-z]+(?:\s*\([^()\n]*\))?"
    r"|[\w)}]\s*" + _TIMES + r")\s*$"
)


def factor_before(text: str, reading: Reading) -> str:
    """The factor multiplying a vector or matrix reading that the reading left out
    ('(1/det) * [[4, -2], [-3, 1]]'), or ''. Comparing the bare matrix would be wrong."""
    if shape(squeeze(reading.value)) == ():
        return ""
    line_start = text.rfind("\n", 0, reading.start) + 1
    m = _FACTOR_BEFORE.search(text[line_start : reading.start])
    return m.group().strip() if m else ""


def _scaled_review(reading: Reading, factor: str, confidence: float) -> Outcome:
    got = squeeze(reading.value)
    reason = (
        f"'{factor}' multiplies {show(got)}: the value is that product, which was not worked "
        "out, so the bare values are not compared with the key (a human decides; no marks "
        "proposed)"
    )
    span = (reading.start, reading.end)
    return Outcome(Status.NEEDS_REVIEW, 0.0, reason, span, show(got), confidence)


# ---------------------------------------------------------------- where: final

_CONFIDENCE = {"boxed": 1.0, "marker": 1.0, "named": 0.95, "relation": 0.95, "last": 0.9}


def check_final(text: str, target: Target) -> Outcome:
    """The final answer (module rules) against the key."""
    fa = final_readings(text)
    if not fa.readings:
        return Outcome(Status.NEEDS_REVIEW, reason=_NOTHING.get(fa.rule, _NOTHING["none"]))
    cands = [_Candidate((r.start, r.end), v) for r in fa.readings for v in values_for(r, target)]
    if not cands:
        tail = _named_tail(fa.readings[-1], target)
        if tail is None:
            return _final_misfit(text, fa, target)
        cands = [tail]
    scaled = [(r, f) for r in fa.readings if (f := factor_before(text, r))]
    if scaled:
        return _scaled_review(scaled[-1][0], scaled[-1][1], _CONFIDENCE[fa.rule])
    outcome = _judge_final(cands, target, _CONFIDENCE[fa.rule])
    if outcome.status is Status.NOT_MET:
        return second_look(text, fa, target, outcome)
    if outcome.status is Status.MET and (bound := _bound(text, fa.readings[0])):
        return _propose(outcome, 1.0, f"written as a bound ({bound}), not as the value")
    if outcome.status is Status.MET and (why := _percent_points(fa.readings[0], target)):
        return _propose(outcome, 1.0, why)
    other = _offered(text, fa.readings[0]) if outcome.status is Status.MET else None
    if other is not None and not any(target.equals(v) for v in fitting(other, ())):
        return _propose(outcome, 0.0, f"the answer offers alternatives ({_from(text, other)})")
    return outcome


# A value after `<`, `≤`, `>`, `≥` ('p < 0.05') is a bound on the answer, not the answer.
_BOUND_BEFORE = re.compile(
    r"(?:<=?|>=?|[≤≥≪≫]|\\(?:[lg]eq?|[lg]t|leqslant|geqslant)(?![A-Za-z]))\s*\$?\s*$"
)
# `1:4`: the final value is the second term of a ratio.
_RATIO_BEFORE = re.compile(r"(?<![\d.:])(\d+(?:\.\d+)?)\s*:\s*$")
_OR_BETWEEN = re.compile(r"(?i)(?<![A-Za-z])(?:or|oder|ou)(?![A-Za-z])")


def _percent_points(final: Reading, target: Target) -> str:
    """A percentage equal to the key only as its number of percent ('0.95%' for 0.95) where
    the key may be a share (at most 1): '', unless a human should decide which was meant."""
    values = fitting(final, ())
    if len(values) != 2 or target.shape or values[0] * 100 != values[1]:
        return ""  # not a percentage: its share, then its number of percent (extract)
    share, points = values
    if target.equals(share) or not target.equals(points) or abs(float(points)) > 1:  # type: ignore[arg-type]
        return ""
    return f"{show(points)}% is {show(share)} as a share; the key may be a share"


def _bound(text: str, final: Reading) -> str:
    m = _BOUND_BEFORE.search(text, max(0, final.start - 12), final.start)
    return "" if m is None else f"{m.group().strip(' $')} {text[final.start : final.end]}"


def _written_otherwise(text: str, fa: FinalAnswer, target: Target) -> tuple[float, str] | None:
    """A final value read as wrong that is the end of a ratio (`1:4`) or one of alternatives
    (`x = 2 or x = -2`): (marks proposed, why) for a human, or None."""
    final = fa.readings[0]
    if target.shape:
        return None
    ratio = _RATIO_BEFORE.search(text, max(0, final.start - 20), final.start)
    if ratio is not None:
        first, second = Fraction(ratio.group(1)), [v for v in fitting(final, ())]
        whole = any(v and target.equals(first / v) for v in second)  # type: ignore[operator]
        return (1.0 if whole else 0.0), f"written as the ratio {ratio.group(1)}:{show(final.value)}"
    other = _offered(text, final)
    if other is not None and any(target.equals(v) for v in fitting(other, ())):
        return 0.0, f"the answer offers alternatives ({_from(text, other)}), one equal to the key"
    return None


def _offered(text: str, final: Reading) -> Reading | None:
    """The value offered beside the final one ('x = 2 or x = -2'), on its line, or None."""
    line_start = text.rfind("\n", 0, final.start) + 1
    before = [r for r in scan(text, line_start, final.start) if r.end <= final.start]
    if before and _OR_BETWEEN.search(text, before[-1].end, final.start):
        return before[-1]
    return None


def _from(text: str, reading: Reading) -> str:
    """The text from a reading to the end of its line."""
    end = text.find("\n", reading.start)
    return text[reading.start : end if end >= 0 else len(text)].strip()


def _judge_final(cands: list[_Candidate], target: Target, conf: float) -> Outcome:
    by_span: dict[tuple[int, int], list[_Candidate]] = {}
    for c in cands:
        by_span.setdefault(c.span, []).append(c)
    right = [next((c for c in cs if target.equals(c.value)), None) for cs in by_span.values()]
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
    reason = difference_reason(target.value, cands[0].value, target.tol)
    return _outcome(Status.NOT_MET, cands[0], reason, conf)


def _named_tail(reading: Reading, target: Target) -> _Candidate | None:
    """More named components than the key has (iterates "w_1 = ..., w_2 = ..., w_3 = 1.464"
    for the key w_3): the last ones, as many as the key has, when the key names none."""
    if not reading.names or target.names:
        return None
    shp = target.shape
    count, element = (shp[0], shp[1:]) if shp else (1, ())
    parts = reading.parts[-count:]
    if len(reading.parts) <= count or any(shape(squeeze(p.value)) != element for p in parts):
        return None
    value = squeeze(tuple(p.value for p in parts))
    return _Candidate((parts[0].start, parts[-1].end), value)


def _final_misfit(text: str, fa: FinalAnswer, target: Target) -> Outcome:
    """No value of the key's shape in the final answer: rows written apart, or a shape that
    differs from the key's, which a human decides (a misread must never cost marks)."""
    shp = target.shape
    listed = _final_list(text, fa, target)
    if listed is not None:
        return listed
    stacks = row_stacks(scan(text), shp)
    if stacks:
        last = stacks[-1]
        if target.equals(last.value):
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
    if r.names and target.names:
        reason = f"read {show(got)} for names {', '.join(r.names)}; "
        reason += f"the key names {', '.join(target.names)}"
    base = Outcome(
        Status.NEEDS_REVIEW, 0.0, reason, (r.start, r.end), show(got), _CONFIDENCE[fa.rule]
    )
    return second_look(text, fa, target, base)


_BY_NOTE = "a size written with 'by'"


def _final_list(text: str, fa: FinalAnswer, target: Target) -> Outcome | None:
    """A vector key's elements written as a list that ends the final answer and holds every
    value read there ("The eigenvalues are 2 and 5.", "Ans: 2 and 5", "3 by 3"): met when
    that list equals the key. A size written with 'by' that differs is not_met, as '3 x 4'
    is; any other list stays a case for review (see `_final_misfit`)."""
    spans = {(r.start, r.end) for r in fa.readings}
    for cand in listed_runs(text, scan(text), target):
        inside = {s for s in spans if cand.span[0] <= s[0] and s[1] <= cand.span[1]}
        if cand.span[1] != fa.readings[-1].end or inside != spans:
            continue
        if target.equals(cand.value):
            reason = f"read {show(cand.value)} ({cand.note}), equal to the key"
            return _outcome(Status.MET, cand, reason, 0.85)
        if cand.note == _BY_NOTE:
            reason = difference_reason(target.value, cand.value, target.tol)
            return _outcome(Status.NOT_MET, cand, f"{reason} ({cand.note})", 0.85)
    return None


def _shape_name(shp: tuple[int, ...] | None) -> str:
    if shp is None:
        return "ragged list"
    if not shp:
        return "scalar"
    if len(shp) == 1:
        return f"vector of {shp[0]}"
    return " x ".join(str(n) for n in shp) + " array"


# ---------------------------------------------------------------- a second look


def _mixed(m: re.Match[str]) -> str:
    """'2 1/2' as the one number it means as a mixed number: '5/2'."""
    value = Fraction(int(m[1])) + Fraction(int(m[2]), int(m[3]))
    return f"{value.numerator}/{value.denominator}"


# Other plain ways to read the same digits: (what the reading is, what it matches, replacement).
_REREADINGS = (
    ("read with digits grouped by spaces as one number", re.compile(r"(?<=\d) (?=\d{3}\b)"), ""),
    ("read with a decimal comma", re.compile(r"(?<=\d)(?:,|\{,\})(?=\d)"), "."),
    ("read with a raised decimal point", re.compile(r"(?<=\d)·(?=\d)"), "."),  # '0·714'
    ("read as a mixed number", re.compile(r"(?<![\d.,/])(\d+) (\d+)/([1-9]\d*)(?![\d/])"), _mixed),
)


def second_look(text: str, fa: FinalAnswer, target: Target, base: Outcome) -> Outcome:
    """A final answer read as wrong (not_met) or of another shape (needs_review) looked at
    again. When the same text read another plain way equals the key (digits grouped by
    spaces, a decimal comma, a percentage without %, the key's value elsewhere when the final
    one has another shape), a human decides, with full marks proposed.

    A key's value merely written earlier in the working does not make a wrong final answer
    a case for review: intermediate results are what deduction criteria test against
    ("final [7.39, 2.72, 1]: exponentials not normalised"), and every full working has them.
    """
    found = _reread(text, fa, target) or _restated(text, fa, target)
    if (
        base.status is Status.NOT_MET
        and found is None
        and (other := _written_otherwise(text, fa, target))
    ):
        return _propose(base, *other)
    if base.status is Status.NEEDS_REVIEW and found is None:
        found = _elsewhere(text, target, fa.readings[-1])
    if found is not None:
        return _propose(base, 1.0, found)
    if base.status is Status.NEEDS_REVIEW:
        return _propose(base, 0.0, "")
    return base


def _reread(text: str, fa: FinalAnswer, target: Target) -> str | None:
    for why, pattern, replacement in _REREADINGS:
        other = pattern.sub(replacement, text)
        if other != text and _meets(other, target):
            return why
    if target.shape:
        return None
    for r in fa.readings:
        for v in fitting(r, ()):
            assert not isinstance(v, tuple)
            if target.equals(v / 100):
                return f"read as a percentage ({show(v)}% = {show(v / 100)})"
            if target.equals(v * 100):
                return f"read as a percentage ({show(v)} = {show(v * 100)}%)"
    return None


# How far a final value may lie from the one just before it and still restate it rounded
# ("0.714, i.e. 71%"), and how near it must follow (characters, on the same line).
_RESTATED_REL = 0.05
_RESTATED_GAP = 30


def _restated(text: str, fa: FinalAnswer, target: Target) -> str | None:
    """The value just before the final one equals the key, and the final one is that value
    rounded ("0.714, i.e. 71%", "5/7 ≈ 0.7"): the student's answer may be either."""
    if target.shape:
        return None
    final = fa.readings[0]
    before = [r for r in scan(text, 0, final.start) if r.end <= final.start]
    if not before or "\n" in text[before[-1].end : final.start]:
        return None
    previous = before[-1]
    if final.start - previous.end > _RESTATED_GAP:
        return None
    right = [v for v in fitting(previous, ()) if target.equals(v)]
    if not right:
        return None
    key = float(right[0])  # type: ignore[arg-type]
    for value in fitting(final, ()):
        if key and abs(float(value) - key) <= _RESTATED_REL * abs(key):  # type: ignore[arg-type]
            return (
                f"{show(right[0])}, written just before it, equals the key; the final value"
                " restates it rounded"
            )
    return None


def _meets(text: str, target: Target) -> bool:
    fa = final_readings(text)
    values = [v for r in fa.readings for v in values_for(r, target)]
    return bool(values) and all(target.equals(v) for v in values)


def _elsewhere(text: str, target: Target, final: Reading) -> str | None:
    """A value equal to the key outside the final reading ("w = [3, 4], ||w|| = 5" for the key
    [3, 4]), which a human may take as the answer."""
    for r in [*walk(scan(text)), *named_runs(text)]:
        if final.start <= r.start and r.end <= final.end:
            continue
        right = [v for v in values_for(r, target) if target.equals(v)]
        if right:
            return f"{show(right[0])} in the answer equals the key"
    return None


def _propose(base: Outcome, fraction: float, note: str) -> Outcome:
    proposal = "full marks proposed" if fraction >= 1 else "no marks proposed"
    reason = f"{base.reason}; {note}" if note else base.reason
    return Outcome(
        Status.NEEDS_REVIEW,
        fraction,
        f"{reason} (a human decides; {proposal})",
        base.evidence,
        base.found,
        base.confidence,
    )


# ---------------------------------------------------------------- where: anywhere


def check_anywhere(text: str, target: Target) -> Outcome:
    """Met when any value of the key's shape anywhere in the text equals the key."""
    top = scan(text)
    if not top:
        return Outcome(Status.NEEDS_REVIEW, reason=_NOTHING["none"])
    shp = target.shape
    scaled = [(r, f) for r in walk(top) if (f := factor_before(text, r))]
    readings = [*walk(top), *named_runs(text)]
    readings = [r for r in readings if not any(_inside(r, s) for s, _ in scaled)]
    cands = [_Candidate((r.start, r.end), v) for r in readings for v in values_for(r, target)]
    cands += row_stacks(top, shp)
    listed = listed_runs(text, top, target)
    for c in [*cands, *listed]:
        if target.equals(c.value):
            note = f" ({c.note})" if c.note else ""
            return _outcome(Status.MET, c, f"found {show(c.value)}{note}, equal to the key")
    if scaled:
        return _scaled_review(scaled[0][0], scaled[0][1], 0.5)
    if not cands:
        return _elements_apart(top, target) or _anywhere_absent(top, shp)
    shown = ", ".join(show(c.value) for c in cands[:5]) + (", ..." if len(cands) > 5 else "")
    reason = f"no {_shape_name(shp)} in the answer equals the key {show(target.value)}"
    reason += f"; read {shown}"
    return _outcome(Status.NOT_MET, cands[0], reason, 0.9)


# Between the elements of a vector written as a list in prose: a comma, ';', 'and', '&' or
# LaTeX spacing, and a name with '=' before the next one ("2 and 5", "λ1 = 2, λ2 = 5").
_LIST_NAME = r"\\?[^\W\d_]+(?:\d+|_\{[^{}]{1,12}\}|_\w)?"
_LIST_GAP = re.compile(
    r"[\s$]*(?:(?:,|;|&|(?<![^\W\d_])and(?![^\W\d_])|\\text\s*\{\s*and\s*\}|\\q?quad"
    r"|\\[,;])[\s$]*)?(?:" + _LIST_NAME + r"\s*(?:=|:|≈)[\s$]*)?"
)


# Between the sizes of a shape written in words: "3 by 3", "50 by 50 by 3".
_BY_GAP = re.compile(r"\s*(?<![^\W\d_])by(?![^\W\d_])\s*")


def listed_runs(text: str, top: list[Reading], target: Target) -> list[_Candidate]:
    """A vector key's elements written as separate numbers in a list ("the eigenvalues are 2
    and 5", "λ1 = 2, λ2 = 5 > 0"), or a size written with 'by' ("3 by 3") when the key is one:
    each whole run of scalars with only those words between them that has the key's length,
    as one vector in the order written."""
    shp = target.shape
    if len(shp) != 1:
        return []
    found = _runs(text, top, shp[0], _LIST_GAP, "elements written as a list")
    if _is_size(target.value):
        found += _runs(text, top, shp[0], _BY_GAP, _BY_NOTE)
    return found


def _is_size(value: Value) -> bool:
    """Whether a vector key could be a size: positive whole numbers only."""
    return all(isinstance(x, Fraction) and x.denominator == 1 and x > 0 for x in flatten(value))


def _runs(
    text: str, top: list[Reading], length: int, gap: re.Pattern[str], note: str
) -> list[_Candidate]:
    runs: list[list[Reading]] = []
    for r in top:
        if shape(squeeze(r.value)) != ():
            runs.append([])
            continue
        prev = runs[-1][-1] if runs and runs[-1] else None
        if prev is not None and gap.fullmatch(text, prev.end, r.start):
            runs[-1].append(r)
        else:
            runs.append([r])
    return [
        _Candidate((run[0].start, run[-1].end), tuple(squeeze(r.value) for r in run), note)
        for run in runs
        if len(run) == length
    ]


def _elements_apart(top: list[Reading], target: Target) -> Outcome | None:
    """Every element of a vector key read as a number of its own, but not as one list in the
    key's order ("5 and 2", "2 ... later 5"): a human decides, never not_met."""
    if len(target.shape) != 1:
        return None
    read = [v for r in top if not isinstance(v := squeeze(r.value), tuple)]
    left = list(read)
    for k in flatten(target.value):
        hit = next((i for i, v in enumerate(left) if close(k, v, target.tol)), None)
        if hit is None:
            return None
        del left[hit]
    shown = ", ".join(show(v) for v in read[:6]) + (", ..." if len(read) > 6 else "")
    reason = (
        f"every element of the key {show(target.value)} is in the answer, but not written as "
        f"one list in that order (read {shown})"
    )
    return _propose(Outcome(Status.NEEDS_REVIEW, 0.0, reason, confidence=0.5), 0.0, "")


def _inside(r: Reading, outer: Reading) -> bool:
    return outer.start <= r.start and r.end <= outer.end


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
    version = "5"

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
        target = key_target(validate_params(key.params))
        if not answer.strip():
            return Outcome(Status.NEEDS_REVIEW, reason="empty answer")
        if key.where == "anywhere":
            return check_anywhere(answer, target)
        return check_final(answer, target)


@hookimpl
def register_checkers(register: Callable[..., None]) -> None:
    register(NumericChecker())
