"""The expression checker: symbolic equivalence with machine-learning conventions.

Conventions (see `_expr_worker`): `\\log` is natural unless the key says `log_base: 10`;
upper-case and bold symbols are non-commutative matrices (`AB` ≠ `BA`, case is kept);
`^T`/`^\\top` transpose; a bracket with commas is a vector compared element-wise; `x = 5`
counts as `5`. Three outcomes: equivalent → met, different → not_met, undecided (parse failure,
time limit, SymPy cannot tell) → needs_review with the reason.

Undecided too, never not_met: an inverse of a product stays whole, so `X^{-1} y` for the key
`(X^T X)^{-1} X^T y` (equal only for square X), like `B^{-1}A^{-1}` for `(AB)^{-1}`, goes to a
human; so does a function only the key applies (`f(z)`). σ applied on one side only
(`\\sigma(z)(1-\\sigma(z))` against `e^{-z}/(1+e^{-z})^2`) is compared as the logistic
sigmoid: equal there is needs_review with full marks proposed.

For a vector key, named components ending the answer ("∂f/∂x = 2x, ∂f/∂y = 2y", one equation
per math segment) are one vector of their right-hand sides. A final expression of another
shape than the key's is needs_review, never not_met; so is one with none of the key's
variables ("x = 1" after "f'(x) = 2x - 2 = 0") when another expression in the answer is
equivalent to the key, which is then proposed for full marks (the verdict's fraction).

Read as typed: `sin^2(x)` is (sin x)^2; Unicode superscripts, fractions and π (`x²`, `½x`,
`πr²`); Markdown around the expression (`**2x**`, `` `2*x` ``) and crossed-out tries
(`~~2x+1~~`) are no part of it. A final expression read as different whose plain text a human
may read otherwise (`1/2x`, `e^2x`, `x2`) or that is offered as one of alternatives
(`2x or x^2`) is needs_review, never not_met; so is the key transposed when the answer
transposes a bracket (`2(Xw-y)^T X` for `2X^T(Xw-y)`: the other layout convention).

Sums and products over an index (`\\sum_{i=1}^n x_i`: x_i is the i-th x), `\\begin{cases}`,
intervals (a bracket closed by another kind, `[0, 1)`) and functions applied by name
(`relu(x+1)`, `σ(wᵀx)`) are read as written (`_expr_indexed`, `_expr_worker`). Also to a
human, never not_met: an answer that differs from the key by a constant of integration, a
decimal that is a number key rounded, one that is equal only for positive values (`ln x` for
`ln|x|`), and a sloppy `/` equal to the key with brackets added (`1/1+e^-x`); never met: a
ratio (`5:36`, odds?) or `1/2x` equal to the key only on the parser's reading.

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

from gradewise.checkers import greek
from gradewise.checkers._expr_pool import TaskResult, WorkerPool
from gradewise.checkers.locate import boxed_span, marker_span, without_struck
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


VERSION = f"5 ({_versions()})"
LOG_BASES = {"e": "e", "10": "10"}


# ---------------------------------------------------------------- finding the expression

_MATH = re.compile(
    r"\$\$(?P<a>.+?)\$\$|\\\[(?P<b>.+?)\\\]|\\\((?P<c>.+?)\\\)|(?<!\\)\$(?P<d>[^$]+?)(?<!\\)\$",
    re.S,
)
_WORD = re.compile(r"^[A-Za-z]{2,}[.,:;!?]*$")
_FUNCTION_WORDS = greek.FUNCTIONS
_MATH_WORDS = (
    greek.FUNCTIONS | {name.lower() for name in greek.NAMES} | {"lg"}
)  # 'lambda x', 'lg n'
_EQ_SPLIT = re.compile(r"(?<![<>!=\\])=(?!=)|\\(?:Rightarrow|implies|to|approx)\b|[⇒≈]")
_TRIM = " \t\r\n.,;:`*"  # and Markdown around it: **2x**, `2*x`


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
    # a function's name alone ('... is the sigmoid') is no expression
    runs = [r for r in runs if text[r[0] : r[1]].strip(".,:;!?").lower() not in _FUNCTION_WORDS]
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


_PIECE_SEP = re.compile(
    r",|;|\\[;,:]|\\q?quad(?![A-Za-z])|\\text\s*\{\s*and\s*\}|(?<![A-Za-z\\])and(?![A-Za-z])"
)
_SEGMENT_GAP = re.compile(r"[\s$,;.]*(?:and[\s$,;.]*)?")
_VECTOR_KEY = re.compile(r"^\s*(?:\\left\s*)?[\[(].*,.*[\])]\s*$|\\begin\{[pbBvV]?matrix\}", re.S)


def named_vector(text: str) -> tuple[Span, str] | None:
    """Named components ending the answer ("∂f/∂x = 2x, ∂f/∂y = 2y", or one equation per math
    segment, "and" or commas between): the vector of their right-hand sides, as an expression."""
    region = marker_span(text) or (0, len(text))
    run = _trailing_math(text, region)
    pieces = [p for seg in run for p in _pieces(text, seg)]
    sides = []
    for piece in pieces:
        side = _last_side(text, piece)
        if side[0] == _strip(text, piece)[0] or side[1] <= side[0]:
            return None  # a piece without an `=`: not named components
        sides.append(text[side[0] : side[1]])
    if len(sides) < 2:
        return None
    return (run[0][0], run[-1][1]), "[" + ", ".join(sides) + "]"


def _trailing_math(text: str, region: Span) -> list[Span]:
    """The math segments (else the last line) ending the region, with only separators between."""
    segments = _segments(text, *region)
    if not segments:
        lines = [m.span() for m in re.finditer(r"[^\n]*\S[^\n]*", text[region[0] : region[1]])]
        return [(region[0] + lines[-1][0], region[0] + lines[-1][1])] if lines else []
    run = [segments[-1]]
    for seg in reversed(segments[:-1]):
        gap = text[seg[1] : run[0][0]]
        if _SEGMENT_GAP.fullmatch(gap) is None:
            break
        run.insert(0, seg)
    return run


def _pieces(text: str, span: Span) -> list[Span]:
    """The span split at separators (",", ";", "and", LaTeX spaces) outside brackets."""
    pieces, depth, last, i = [], 0, span[0], span[0]
    while i < span[1]:
        c = text[i]
        depth += 1 if c in "([{" else -1 if c in ")]}" else 0
        m = _PIECE_SEP.match(text, i, span[1]) if depth == 0 else None
        if m:
            pieces.append((last, i))
            last = i = m.end()
            continue
        i += 1
    return [p for p in (*pieces, (last, span[1])) if text[p[0] : p[1]].strip()]


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
            verdicts = self._verdicts(plans)
            outcomes = [
                plan.outcome(answer, verdicts)
                for plan, (answer, _) in zip(plans, items, strict=True)
            ]
            return self._second_looks(items, plans, verdicts, outcomes)
        except Exception as exc:  # a broken pool must not fail the grading run
            reason = f"expression check failed: {type(exc).__name__}: {exc}"
            return [Outcome(Status.NEEDS_REVIEW, reason=reason) for _ in items]

    def _verdicts(self, plans: Sequence[_Plan]) -> dict[tuple[Any, str], tuple[str, str]]:
        needed = list({pair for plan in plans for pair in plan.pairs})
        return dict(zip(needed, self._run(needed), strict=True))

    def _second_looks(
        self,
        items: Sequence[tuple[str, Key]],
        plans: Sequence[_Plan],
        verdicts: Mapping[tuple[Any, str], tuple[str, str]],
        outcomes: list[Outcome],
    ) -> list[Outcome]:
        """A final expression read as wrong that has another shape than the key, or none of
        its variables ("x = 1" after "f'(x) = 2x - 2 = 0"): every other expression in the
        answer is compared too; one equivalent to the key sends it to a human with full marks
        proposed. Another shape goes to a human in any case."""
        doubts = {
            i: why
            for i, (plan, (answer, key), outcome) in enumerate(
                zip(plans, items, outcomes, strict=True)
            )
            if outcome.status is Status.NOT_MET and (why := _doubt(plan, key, verdicts))
        }
        looks = {i: _plan_all(items[i][0], plans[i]) for i in doubts}
        more = self._verdicts(list(looks.values())) if looks else {}
        for i, why in doubts.items():
            found = looks[i].first_equal(items[i][0], more)
            outcomes[i] = _reconsidered(outcomes[i], why, found)
        return self._unbracketed(plans, outcomes)

    def _unbracketed(self, plans: Sequence[_Plan], outcomes: list[Outcome]) -> list[Outcome]:
        """A final expression read as wrong that is equivalent to the key with the brackets
        a sloppy `/` leaves out (`1/1+e^-x` for 1/(1+e^-x)) goes to a human, full marks proposed."""
        readings = {
            i: (plan, other)
            for i, (plan, outcome) in enumerate(zip(plans, outcomes, strict=True))
            if outcome.status is Status.NOT_MET and plan.expressions
            for other in rebracketed(plan.expressions[-1])
        }
        if not readings:
            return outcomes
        verdicts = self._verdicts([_Plan(p.fingerprint, (), (o,)) for p, o in readings.values()])
        for i, (plan, other) in readings.items():
            if outcomes[i].status is Status.NOT_MET and verdicts[(plan.fingerprint, other)][0] in (
                "equal",
                "equal_numeric",
            ):
                outcomes[i] = Outcome(
                    Status.NEEDS_REVIEW,
                    1.0,
                    f"{outcomes[i].reason}; read as {other} (brackets the writer may have left "
                    "out) it is equivalent to the key (a human decides; full marks proposed)",
                    outcomes[i].evidence,
                    outcomes[i].found,
                    0.5,
                )
        return outcomes

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

    def first_equal(
        self, answer: str, verdicts: Mapping[tuple[Any, str], tuple[str, str]]
    ) -> Outcome | None:
        """The first expression judged equivalent to the key, as a met outcome, or None."""
        for span, pair in zip(self.spans, self.pairs, strict=True):
            code, detail = verdicts[pair]
            if code in ("equal", "equal_numeric"):
                return _met(answer, span, detail, code)
        return None

    def outcome(self, answer: str, verdicts: Mapping[tuple[Any, str], tuple[str, str]]) -> Outcome:
        if self.problem:
            return Outcome(Status.NEEDS_REVIEW, reason=self.problem)
        results = [verdicts[pair] for pair in self.pairs]
        for wanted in ("equal", "equal_numeric"):
            for span, (code, detail) in zip(self.spans, results, strict=True):
                if code == wanted:
                    return _met(answer, span, detail, code)
        for span, (code, detail) in zip(self.spans, results, strict=True):
            if code == "equal_if":
                return _equal_if(answer, span, detail)
        undecided = [
            (s, r) for s, r in zip(self.spans, results, strict=True) if r[0] != "different"
        ]
        if undecided:
            span, (code, detail) = undecided[-1]
            return _review(answer, span, code, detail)
        span, (_, detail) = self.spans[-1], results[-1]
        if why := _ambiguous(answer, span):
            reason = f"read as not equivalent to the key ({detail}), but {why}: a human decides"
            return _at(answer, span, Status.NEEDS_REVIEW, 0.0, reason, 0.5)
        return _at(answer, span, Status.NOT_MET, 0.0, f"not equivalent to the key: {detail}", 1.0)


# Plain text a human may read otherwise than its precedence says: '1/2x', 'x/2y' (x/2 or
# 1/(2x)), 'e^2x' (e^{2x} or e^2·x), 'e^-x^2' (e^{-x²} or (e^{-x})²), 'x2' (x², x_2 or
# 2x). In LaTeX (`\frac`, braces) nothing is unclear.
_UNCLEAR = re.compile(
    r"/\s*\d+(?:\.\d+)?\s*(?:[^\W\d_]|\\[A-Za-z]|\(|√)"
    r"|(?<![A-Za-z\\])lg(?![A-Za-z])"  # log base 2 or base 10
    r"|\^\s*-?\d+(?:\.\d+)?[A-Za-z]"
    r"|\^\s*-?[a-z0-9.]+\s*\^"  # never a transpose: 'B^TA^T'
    r"|(?<![\\A-Za-z_^{])[A-Za-z]\d+(?![\d.]|\s*\()"
)
# Two answers offered: '2x or x^2', '$2x$ or $x^2$'.
_OFFERED = re.compile(r"(?i)(?<![A-Za-z])(?:or|oder|ou)[\s$]*$")


def rebracketed(expression: str) -> list[str]:
    """Readings of plain `a + b/c + d` with the brackets a writer may have left out: the
    denominator to the end (`1/1+e^-x` as 1/(1+e^-x)), the numerator from the start, both."""
    if "\\frac" in expression:
        return []
    slashes = _top_level(expression, "/")
    if len(slashes) != 1:
        return []
    left, right = expression[: slashes[0]].strip(), expression[slashes[0] + 1 :].strip()
    wide_left = _top_level(left, "+-", leading=False)
    wide_right = _top_level(right, "+-", leading=False)
    readings = []
    if wide_right:
        readings.append(f"{left}/({right})")
    if wide_left:
        readings.append(f"({left})/{right}")
    if wide_left and wide_right:
        readings.append(f"({left})/({right})")
    return readings


def _top_level(text: str, chars: str, leading: bool = True) -> list[int]:
    """Where `chars` occur outside brackets (a sign leading the text or after `^` left out
    unless `leading`)."""
    found, depth = [], 0
    for i, c in enumerate(text):
        depth += 1 if c in "([{" else -1 if c in ")]}" else 0
        if depth == 0 and c in chars:
            before = text[:i].rstrip()
            if leading or (before and before[-1] not in "^(*/+-eE"):
                found.append(i)
    return found


def _ambiguous(answer: str, span: Span) -> str:
    """Why a final expression read as wrong may have been misread, or ''."""
    m = _UNCLEAR.search(answer, *span)
    if m:
        return f"{m.group().strip()!r} can be read more than one way"
    if _OFFERED.search(answer, 0, span[0]):
        return "the answer offers it as one of alternatives ('... or ...')"
    return ""


# `_expr_worker._compare_vectors` starts its detail so when the shapes differ.
_SHAPE_DIFFERS = "shape "
_COMMAND = re.compile(r"\\[A-Za-z]+")
_EULER = frozenset("e")


_TRANSPOSED = re.compile(r"\^\s*\{?\s*(?:T|\\top|\\intercal|\\mathsf\{T\})\s*\}?")
_FUNCTIONS = re.compile(
    r"(?<![A-Za-z\\])(?:exp|log|ln|sin|cos|tanh|tan|sqrt|sigmoid)(?![A-Za-z])"
    r"|(?<![A-Za-z\\])[A-Za-z]{3,}(?=\s*\()"  # a function named by a word: 'relu(x)', 'max(0, x)'
)
_INNER = re.compile(r"\^\s*\{?\s*(?:T|\\top)|\\cdot|·")  # `w^T w`, `w·w`: a norm squared?
# What `_doubt` says when the key takes a norm the answer writes as a product (`w^T w`).
_OTHERWISE = "which the answer writes otherwise"
# What `_doubt` says of an answer using letters the key does not: read as variables, they make
# it "wrong" when the student may have written a name the reading split (`log p` as l·o·g·p).
_STRANGERS = "which the key does not use"


# `\bar{x}`, `\hat y`: a name of its own (the mean is not x), never the letter x.
_ACCENTED = re.compile(
    r"\\(hat|bar|tilde|widehat|overline|dot|ddot)\s*(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))"
)


def _letters(expression: str) -> frozenset[str]:
    """The single letters an expression uses as variables (LaTeX commands, function names,
    the transpose's T and e left out), and its accented letters ('bar x')."""
    accented = {f"{m[1]} {m[2] or m[3]}" for m in _ACCENTED.finditer(expression)}
    plain = _ACCENTED.sub(" ", expression)
    plain = _ENVIRONMENT.sub(" ", _NAMED_GROUP.sub(" ", _TRANSPOSED.sub(" ", plain)))
    plain = _COMMAND.sub(" ", greek.as_latex(plain))
    plain = _FUNCTIONS.sub(" ", plain)
    return frozenset(re.findall(r"[A-Za-z]", plain)) - _EULER | accented


# Functions an expression applies by name (`relu(x)`, `\\text{softmax}(z)`) and norms.
_CALL = re.compile(r"\\?([A-Za-z]{2,})\s*\}?\s*\(")
_NORM_BARS = re.compile(r"\\\||‖|\|\|")
_PLAIN_MATH = greek.FUNCTIONS | frozenset(
    "sigma text mathrm mathit operatorname textrm left right frac".split()
)


_ENVIRONMENT = re.compile(r"\\(?:begin|end)\s*\{[A-Za-z*]+\}")
_NAMED_GROUP = re.compile(r"\\(?:text|mathrm|mathit|operatorname|textrm)\s*\{[^{}]*\}")
_WORD_RUN = re.compile(r"(?<![A-Za-z\\])[A-Za-z]{3,}(?![A-Za-z])(?!\s*\()")


def split_words(value: str) -> list[str]:
    """The words of an expression key that are read as letters multiplied ('cost x' as
    c·o·s·t·x): not a function applied by name, a Greek letter, or a LaTeX command."""
    plain = _COMMAND.sub(" ", _NAMED_GROUP.sub(" ", value))
    known = _PLAIN_MATH | {name.lower() for name in greek.NAMES}
    return [w for w in dict.fromkeys(_WORD_RUN.findall(plain)) if w.lower() not in known]


_TEXT_NAME = re.compile(r"\\(?:text|mathrm|textrm)\s*\{\s*([A-Za-z]{2,})\s*\}(?!\s*\()")


def dropped_words(value: str) -> list[str]:
    """The words of an expression key written as text ('\\text{loss} + x'): read as no
    part of the expression (text in answers is words, not symbols)."""
    return list(dict.fromkeys(_TEXT_NAME.findall(value)))


def _calls(expression: str) -> frozenset[str]:
    """The functions an expression applies by name, and 'a norm' where it takes one."""
    named = {m.group(1).lower() for m in _CALL.finditer(expression)} - _PLAIN_MATH
    return frozenset(named | ({"a norm"} if _NORM_BARS.search(expression) else set()))


def _doubt(
    plan: _Plan, key: Key, verdicts: Mapping[tuple[Any, str], tuple[str, str]]
) -> str | None:
    """Why a final expression read as different may not be the answer at all, or None."""
    if key.where == "anywhere" or not plan.pairs:
        return None
    _, detail = verdicts[plan.pairs[-1]]
    if detail.startswith(_SHAPE_DIFFERS):
        return "its shape differs from the key's"
    names = frozenset(key.params.get("variables") or ()) or _letters(str(key.params["value"]))
    read = plan.expressions[-1]
    if unknown := _calls(read) - _calls(str(key.params["value"])):
        return f"{read} uses {', '.join(sorted(unknown))}, {_STRANGERS}"
    if "a norm" in _calls(str(key.params["value"])) - _calls(read) and _INNER.search(read):
        return f"the key takes a norm, {_OTHERWISE} ({read})"
    strangers = _letters(read) - names - {name.swapcase() for name in names}  # X for x: a matrix
    if names and strangers:
        listed = ", ".join(sorted(strangers))
        return f"{read} uses {listed}, {_STRANGERS} ({', '.join(sorted(names))})"
    if names and not (_letters(read) & names):
        return f"{read} has none of the key's variables ({', '.join(sorted(names))})"
    return None


def _plan_all(answer: str, plan: _Plan) -> _Plan:
    """Every other expression of the answer, for a second look."""
    spans = tuple(
        s for s in all_expressions(answer) if _norm(answer[s[0] : s[1]]) not in plan.expressions
    )
    return _Plan(plan.fingerprint, spans, tuple(_norm(answer[a:b]) for a, b in spans))


def _reconsidered(outcome: Outcome, why: str, found: Outcome | None) -> Outcome:
    if found is not None:
        reason = (
            f"{outcome.reason}; {why}, and {found.found}, written in the answer, is equivalent "
            "to the key (a human decides; full marks proposed)"
        )
        return Outcome(Status.NEEDS_REVIEW, 1.0, reason, found.evidence, found.found, 0.5)
    if why.startswith("its shape") or _STRANGERS in why or _OTHERWISE in why:
        reason = f"{outcome.reason}; {why} (a human decides; no marks proposed)"
        return Outcome(Status.NEEDS_REVIEW, 0.0, reason, outcome.evidence, outcome.found, 0.5)
    return outcome


# `5:36`: a ratio, which may be 5/36 or, as odds, 5/41.
_RATIO = re.compile(r"\d\s*:\s*\d")
# `1/2x`, `1/2√x`: read as 1/(2x), but (1/2)·x by precedence.
_SLASH_UNCLEAR = re.compile(r"/\s*\d+(?:\.\d+)?\s*(?:[^\W\d_]|\\[A-Za-z]|\(|√)")


def _met(answer: str, span: Span, detail: str, code: str) -> Outcome:
    why = ""
    if _RATIO.search(answer, *span):
        why = "it is written as a ratio, which may be odds"
    elif m := _SLASH_UNCLEAR.search(answer, *span):
        why = f"{m.group().strip()!r} can be read more than one way"
    if why:
        reason = (
            f"equivalent to the key as read ({detail}), but {why} (a human decides; full "
            "marks proposed)"
        )
        return _at(answer, span, Status.NEEDS_REVIEW, 1.0, reason, 0.5)
    confidence = 1.0 if code == "equal" else 0.97
    return _at(answer, span, Status.MET, 1.0, f"equivalent to the key ({detail})", confidence)


def _equal_if(answer: str, span: Span, detail: str) -> Outcome:
    """Equal under a reading the key does not state (σ as the logistic sigmoid): a human
    confirms, with full marks proposed."""
    reason = f"{detail} (a human decides; full marks proposed)"
    return _at(answer, span, Status.NEEDS_REVIEW, 1.0, reason, 0.5)


def _review(answer: str, span: Span, code: str, detail: str) -> Outcome:
    if code == "bad_key":
        reason = f"the key's expression cannot be read: {detail}"
    elif code == "bad_answer":
        reason = f"could not read the expression ({detail})"
    else:
        reason = f"could not decide: {detail}"
    return _at(answer, span, Status.NEEDS_REVIEW, 0.0, reason, 0.0)


def _at(
    answer: str, span: Span, status: Status, fraction: float, reason: str, confidence: float
) -> Outcome:
    """An outcome read at `span` of the answer: its place and the text found there."""
    return Outcome(
        status,
        fraction,
        reason=reason,
        evidence=span,
        found=answer[span[0] : span[1]],
        confidence=confidence,
    )


def _plan(answer: str, key: Key) -> _Plan:
    fingerprint = _fingerprint(key.params)
    answer = without_struck(answer)  # `~~2x+1~~ 2x`: crossed out is no answer; offsets kept
    if not answer or not answer.strip():
        return _Plan(fingerprint, (), (), problem="empty answer")
    if key.where == "anywhere":
        spans = tuple(all_expressions(answer))
    else:
        found = final_expression(answer)
        spans = (found,) if found and found[1] > found[0] else ()
        if spans and (where := _where_substituted(answer, spans[0])) is not None:
            return _Plan(fingerprint, (where[0],), (_norm(where[1]),))
    if not spans:
        return _Plan(fingerprint, (), (), problem="no expression found in the answer")
    named = _named_for_vector_key(answer, key, spans)
    if named is not None:
        return _Plan(fingerprint, (named[0],), (_norm(named[1]),))
    expressions = tuple(_norm(answer[s:e]) for s, e in spans)
    return _Plan(fingerprint, spans, expressions)


# 's(1-s) where s = \\sigma(z)': the answer ends defining a name its expression uses.
_WHERE = re.compile(
    r"[,;]?[ \t]*\$*[ \t]*\b(?:where|with)[ \t]+\$*[ \t]*"
    r"(?P<name>\\?[A-Za-z]+(?:_\{?[A-Za-z0-9]+\}?)?)[ \t]*=[ \t]*"
    r"(?P<def>[^$\n=]+?)[ \t]*\$*[ \t]*\.?[ \t]*$"
)


def _where_substituted(answer: str, final: Span) -> tuple[Span, str] | None:
    """When the final expression is a definition after the answer ('... where s = σ(z)'),
    the expression before it with the name replaced by its definition, and where both are."""
    m = _WHERE.search(answer)
    if m is None:
        return None
    if m.start("def") <= final[0] < m.end("def") + 1:
        main = final_expression(answer[: m.start()])
    else:  # the answer's own expression was read, before its 'where'
        main = final if final[1] <= m.start() else None
    if main is None or main[1] <= main[0]:
        return None
    name = re.compile(rf"(?<![A-Za-z\\]){re.escape(m['name'])}(?![A-Za-z])")
    text = answer[main[0] : main[1]]
    if name.search(text) is None:
        return None
    return (main[0], m.end("def")), name.sub(lambda _: f"({m['def'].strip()})", text)


def _named_for_vector_key(
    answer: str, key: Key, spans: tuple[Span, ...]
) -> tuple[Span, str] | None:
    """For a vector key and a final answer that is not one bracket: named components, if any."""
    if key.where == "anywhere" or not _VECTOR_KEY.search(str(key.params.get("value", ""))):
        return None
    if answer[spans[-1][0] : spans[-1][1]].lstrip().startswith(("[", "(", "\\left", "\\begin")):
        return None
    return named_vector(answer)


CHECKER = ExpressionChecker()


@hookimpl
def register_checkers(register: Callable[..., None]) -> None:
    register(CHECKER)
