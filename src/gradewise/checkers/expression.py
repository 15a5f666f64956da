"""The expression checker: symbolic equivalence with machine-learning conventions.

Conventions (see `_expr_worker`): `\\log` is natural unless the key says `log_base: 10`;
upper-case and bold symbols are non-commutative matrices (`AB` ≠ `BA`, case is kept);
`^T`/`^\\top` transpose; a bracket with commas is a vector compared element-wise; `x = 5`
counts as `5`. Three outcomes: equivalent → met, different → not_met, undecided (parse failure,
time limit, SymPy cannot tell) → needs_review with the reason.

SymPy runs in worker processes with a hard time limit per comparison; results are cached by
(key, expression read), so the same expression from many students costs one comparison.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version
from typing import Any

from gradewise.checkers._expr_pool import TaskResult, WorkerPool
from gradewise.checkers.extract import boxed_span, marker_span
from gradewise.errors import KeyParamsError
from gradewise.hookspecs import hookimpl
from gradewise.model import Key, Outcome, Status

Span = tuple[int, int]


def _versions() -> str:
    found = []
    for dist in ("latex2sympy2_extended", "sympy"):
        try:
            found.append(f"{dist} {_dist_version(dist)}")
        except PackageNotFoundError:
            found.append(f"{dist} ?")
    return ", ".join(found)


VERSION = f"1 ({_versions()})"
LOG_BASES = {"e": "e", "10": "10"}


# ---------------------------------------------------------------- finding the expression

_MATH = re.compile(
    r"\$\$(?P<a>.+?)\$\$|\\\[(?P<b>.+?)\\\]|\\\((?P<c>.+?)\\\)|(?<!\\)\$(?P<d>[^$]+?)(?<!\\)\$",
    re.S,
)
_WORD = re.compile(r"^[A-Za-z]{2,}[.,:;!?]*$")
_MATH_WORDS = {"sqrt", "log", "ln", "exp", "sin", "cos", "tan", "tanh", "sigmoid", "max", "min"}
_EQ_SPLIT = re.compile(r"(?<![<>!=\\])=(?!=)|\\(?:Rightarrow|implies|to)\b|⇒")
_TRIM = " \t\r\n.,;:"


def _segments(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Spans of the math segments (`$…$`, `$$…$$`, `\\[…\\]`, `\\(…\\)`) in text[start:end]."""
    end = len(text) if end is None else end
    spans = []
    for m in _MATH.finditer(text, start, end):
        group = next(g for g in "abcd" if m.group(g) is not None)
        spans.append(m.span(group))
    return spans


def _strip(text: str, span: Span) -> Span:
    start, end = span
    while start < end and text[start] in _TRIM + "$":
        start += 1
    while end > start and text[end - 1] in _TRIM + "$":
        end -= 1
    return start, end


def _last_side(text: str, span: Span) -> Span:
    """The right-hand side of the last `=` (or ⇒) at bracket depth 0 in the span."""
    start, end = span
    depth, cut = 0, start
    i = start
    while i < end:
        c = text[i]
        depth += 1 if c in "([{" else -1 if c in ")]}" else 0
        if depth == 0:
            m = _EQ_SPLIT.match(text, i, end)
            if m:
                cut, i = m.end(), m.end()
                continue
        i += 1
    return _strip(text, (cut, end))


def _math_run(text: str, span: Span) -> Span:
    """In plain text, the longest run of tokens that are not English words."""
    runs: list[Span] = []
    current: Span | None = None
    for m in re.finditer(r"\S+", text[span[0] : span[1]]):
        token = m.group()
        at = (span[0] + m.start(), span[0] + m.end())
        if _WORD.match(token) and token.rstrip(".,:;!?").lower() not in _MATH_WORDS:
            current = None
            continue
        current = (current[0], at[1]) if current else at
        if runs and runs[-1][0] == current[0]:
            runs[-1] = current
        else:
            runs.append(current)
    if not runs:
        return span
    return max(reversed(runs), key=lambda r: r[1] - r[0])


def final_expression(text: str) -> Span | None:
    """Where the final expression is: boxed, after the last 'Ans:', the last math, last line."""
    box = boxed_span(text)
    if box:
        return _last_side(text, _strip(text, box))
    # The same answer markers as numeric answers ("Ans:", "Final answer", ...).
    region = marker_span(text) or (0, len(text))
    math = _segments(text, *region)
    if math:
        return _last_side(text, _strip(text, math[-1]))
    lines = [m.span() for m in re.finditer(r"[^\n]*\S[^\n]*", text[region[0] : region[1]])]
    if not lines:
        return None
    line = (region[0] + lines[-1][0], region[0] + lines[-1][1])
    return _last_side(text, _strip(text, _math_run(text, line)))


def all_expressions(text: str) -> list[Span]:
    """Every candidate for where=anywhere: each side of each `=` chain, in math and in lines."""
    pieces = _segments(text)
    plain = _MATH.sub(lambda x: " " * len(x.group()), text)  # math blanked out, offsets kept
    for m in re.finditer(r"[^\n]*\S[^\n]*", plain):
        pieces.append(_math_run(plain, m.span()))
    spans: list[Span] = []
    for piece in pieces:
        spans.extend(_sides(text, piece))
    unique = dict.fromkeys(s for s in spans if s[1] > s[0])
    return list(unique)


def _sides(text: str, span: Span) -> list[Span]:
    sides, depth, last = [], 0, span[0]
    i = span[0]
    while i < span[1]:
        c = text[i]
        depth += 1 if c in "([{" else -1 if c in ")]}" else 0
        m = _EQ_SPLIT.match(text, i, span[1]) if depth == 0 else None
        if m:
            sides.append(_strip(text, (last, i)))
            last = i = m.end()
            continue
        i += 1
    return [*sides, _strip(text, (last, span[1]))]


# ---------------------------------------------------------------- the checker


@dataclass(frozen=True)
class _Verdict:
    """What the worker said for one (key, expression) pair."""

    code: str
    detail: str


class _Cache:
    """A thread-safe LRU of verdicts by (key fingerprint, expression)."""

    def __init__(self, size: int = 50_000) -> None:
        self._data: OrderedDict[tuple[Any, str], _Verdict] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: tuple[Any, str]) -> _Verdict | None:
        with self._lock:
            found = self._data.get(key)
            if found is not None:
                self._data.move_to_end(key)
            return found

    def put(self, key: tuple[Any, str], verdict: _Verdict) -> None:
        with self._lock:
            self._data[key] = verdict
            if len(self._data) > self._size:
                self._data.popitem(last=False)


def _norm(expression: str) -> str:
    return " ".join(expression.split())


class ExpressionChecker:
    """Symbolic equivalence of an answer's expression with the key's (see module docstring)."""

    kind = "expression"
    version = VERSION

    def __init__(self, *, timeout: float = 5.0, workers: int = 2, budget: float = 0.5) -> None:
        self.timeout, self.budget = timeout, budget
        self._workers = workers
        self._pool: WorkerPool | None = None
        self._pool_lock = threading.Lock()
        self.cache = _Cache()

    def validate(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Check value, variables, log_base, noncommutative/commutative; the value must parse."""
        out = dict(params)
        value = out.get("value")
        if not isinstance(value, str | int | float) or not str(value).strip():
            raise KeyParamsError(
                "expression key needs a value",
                field="value",
                fix="write e.g. value: '\\frac{1}{2}x'",
            )
        out["value"] = str(value)
        for name in ("variables", "noncommutative", "commutative"):
            out[name] = _name_list(out.get(name, []), name)
        out["log_base"] = _log_base(out.get("log_base", "e"))
        code, detail = self._run([(_fingerprint(out), out["value"])])[0]
        if code in ("bad_key", "bad_answer"):
            raise KeyParamsError(
                f"expression value {out['value']!r} cannot be read: {detail}",
                field="value",
                fix="write it as LaTeX, e.g. '\\frac{2-2x}{3-2x}'",
            )
        return out

    def check(self, answer: str, key: Key) -> Outcome:
        """Decide one answer; never raises."""
        return self.check_many([(answer, key)])[0]

    def check_many(self, items: Sequence[tuple[str, Key]]) -> list[Outcome]:
        """Decide many answers in one batch over the worker pool; repeated expressions are free."""
        try:
            plans = [_plan(answer, key) for answer, key in items]
            needed = {pair for plan in plans for pair in plan.pairs}
            verdicts = dict(zip(needed, self._run(list(needed)), strict=True))
            return [
                plan.outcome(answer, verdicts)
                for plan, (answer, _) in zip(plans, items, strict=True)
            ]
        except Exception as exc:  # a broken pool must not fail the grading run
            reason = f"expression check failed: {type(exc).__name__}: {exc}"
            return [Outcome(Status.NEEDS_REVIEW, reason=reason) for _ in items]

    def _run(self, pairs: list[tuple[Any, str]]) -> list[tuple[str, str]]:
        """Verdicts for (fingerprint, expression) pairs: from the cache, else from the workers."""
        found = {pair: self.cache.get(pair) for pair in pairs}
        todo = [pair for pair, v in found.items() if v is None]
        if todo:
            tasks = [(*fp[:1], expr, *fp[1:], self.budget) for fp, expr in todo]
            for pair, result in zip(todo, self.pool().run_many(tasks), strict=True):
                # Time-outs are cached too: a hanging expression copied by many students
                # must cost one time limit, not one each.
                verdict = _from_result(result)
                self.cache.put(pair, verdict)
                found[pair] = verdict
        return [(v.code, v.detail) for v in (found[p] for p in pairs) if v is not None]

    def pool(self) -> WorkerPool:
        """The worker pool, started on first use."""
        with self._pool_lock:
            if self._pool is None:
                self._pool = WorkerPool(
                    "gradewise.checkers._expr_worker", size=self._workers, timeout=self.timeout
                )
            return self._pool

    def close(self) -> None:
        """Stop the worker processes (they also stop at interpreter exit)."""
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None


def _from_result(result: TaskResult) -> _Verdict:
    if result.ok:
        code, detail = result.value
        return _Verdict(code, detail)
    return _Verdict("unknown", str(result.value))


def _name_list(value: Any, field: str) -> list[str]:
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        raise KeyParamsError(
            f"{field} must be a list of names", field=field, fix=f"{field}: [x, y]"
        )
    return [v.lstrip("\\") for v in value]


def _log_base(value: Any) -> str:
    text = str(value).strip().lower()
    if text not in LOG_BASES:
        raise KeyParamsError(
            f"log_base {value!r} is not supported", field="log_base", fix="write log_base: e or 10"
        )
    return LOG_BASES[text]


def _fingerprint(params: Mapping[str, Any]) -> tuple[Any, ...]:
    """(key value, log base, matrix names, scalar names): everything a comparison depends on."""
    return (
        str(params.get("value", "")),
        _log_base(params.get("log_base", "e")),
        tuple(sorted(_name_list(params.get("noncommutative", []), "noncommutative"))),
        tuple(sorted(_name_list(params.get("commutative", []), "commutative"))),
    )


# ---------------------------------------------------------------- from verdicts to an outcome


@dataclass(frozen=True)
class _Plan:
    """The expressions read from one answer and how their verdicts combine."""

    fingerprint: tuple[Any, ...]
    spans: tuple[Span, ...]
    expressions: tuple[str, ...]
    problem: str = ""

    @property
    def pairs(self) -> list[tuple[Any, str]]:
        return [(self.fingerprint, e) for e in self.expressions]

    def outcome(self, answer: str, verdicts: Mapping[tuple[Any, str], tuple[str, str]]) -> Outcome:
        if self.problem:
            return Outcome(Status.NEEDS_REVIEW, reason=self.problem)
        results = [verdicts[pair] for pair in self.pairs]
        for wanted in ("equal", "equal_numeric"):
            for span, (code, detail) in zip(self.spans, results, strict=True):
                if code == wanted:
                    return _met(answer, span, detail, code)
        undecided = [
            (s, r) for s, r in zip(self.spans, results, strict=True) if r[0] != "different"
        ]
        if undecided:
            span, (code, detail) = undecided[-1]
            return _review(answer, span, code, detail)
        span, (_, detail) = self.spans[-1], results[-1]
        return Outcome(
            Status.NOT_MET,
            0.0,
            reason=f"not equivalent to the key: {detail}",
            evidence=span,
            found=answer[span[0] : span[1]],
        )


def _met(answer: str, span: Span, detail: str, code: str) -> Outcome:
    confidence = 1.0 if code == "equal" else 0.97
    return Outcome(
        Status.MET,
        1.0,
        reason=f"equivalent to the key ({detail})",
        evidence=span,
        found=answer[span[0] : span[1]],
        confidence=confidence,
    )


def _review(answer: str, span: Span, code: str, detail: str) -> Outcome:
    if code == "bad_key":
        reason = f"the key's expression cannot be read: {detail}"
    elif code == "bad_answer":
        reason = f"could not read the expression ({detail})"
    else:
        reason = f"could not decide: {detail}"
    return Outcome(
        Status.NEEDS_REVIEW,
        reason=reason,
        evidence=span,
        found=answer[span[0] : span[1]],
        confidence=0.0,
    )


def _plan(answer: str, key: Key) -> _Plan:
    fingerprint = _fingerprint(key.params)
    if not answer or not answer.strip():
        return _Plan(fingerprint, (), (), problem="empty answer")
    if key.where == "anywhere":
        spans = tuple(all_expressions(answer))
    else:
        found = final_expression(answer)
        spans = (found,) if found and found[1] > found[0] else ()
    if not spans:
        return _Plan(fingerprint, (), (), problem="no expression found in the answer")
    expressions = tuple(_norm(answer[s:e]) for s, e in spans)
    return _Plan(fingerprint, spans, expressions)


CHECKER = ExpressionChecker()


@hookimpl
def register_checkers(register: Callable[..., None]) -> None:
    register(CHECKER)
