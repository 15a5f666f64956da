"""The expression comparison that runs inside worker processes (SymPy is slow and may hang).

LaTeX is read by latex2sympy2_extended (the parser under math-verify) with our conventions
instead of math-verify's: symbols keep their case, upper-case and bold symbols are
non-commutative matrices, `\\log` is natural unless the key says base 10, a bracket with commas
is a vector (an interval only when closed by another kind: `[0, 1)`), and text around the
expression was cut away before we get it. Sums, products and cases: `_expr_indexed`.

Equivalence: a numeric test at seeded random points first (a point where the two differ proves
them different; agreement at every point is near-proof), then SymPy to confirm symbolically
under a soft time budget. Matrix expressions are compared in the free algebra (expand, order
kept). Every answer is `(code, detail)`; code is one of equal, equal_numeric, equal_if (equal
under a reading a human confirms), different, unknown, bad_answer, bad_key.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import random
import re
import signal
import sys
import threading
import zlib
from collections.abc import Callable, Iterator
from fractions import Fraction
from multiprocessing.connection import Connection
from typing import Any

import sympy
from latex2sympy2_extended import latex2sympy2 as _l2s
from latex2sympy2_extended.math_normalization import NormalizationConfig, normalize_latex
from sympy.core.function import AppliedUndef
from sympy.tensor.indexed import IndexedBase

from gradewise.checkers import _expr_indexed as indexed
from gradewise.checkers import greek, unicode_math

Tree = Any  # a sympy expression, or a list of Trees (vector / matrix rows)

POINTS = 4  # random points for the numeric test
REL_TOL = 1e-9
_SEED = 20240917  # fixed: the same answer always gets the same verdict


# ---------------------------------------------------------------- conventions while parsing


class _Matrices(threading.local):
    names: frozenset[str] = frozenset()  # bases (before `_`) of non-commutative symbols
    scalars: frozenset[str] = frozenset()  # names forced commutative


_MATRICES = _Matrices()
_ORIGINAL_GET_SYMBOL = _l2s.get_symbol


def _is_matrix(name: str) -> bool:
    base = name.lstrip("\\").split("_")[0]
    if base in _MATRICES.scalars or name in _MATRICES.scalars:
        return False
    return base in _MATRICES.names or (base[:1].isascii() and base[:1].isupper())


def _as_matrix(value: Any) -> Any:
    if isinstance(value, sympy.Symbol) and value.is_commutative and _is_matrix(value.name):
        return sympy.Symbol(value.name, commutative=False)
    return value


def _get_symbol(
    latex_str: str, is_real: bool | None = True, lowercase_symbols: bool = False
) -> Any:
    return _as_matrix(_ORIGINAL_GET_SYMBOL(latex_str, is_real, lowercase_symbols))


class _Converter(_l2s._Latex2Sympy):
    """latex2sympy's converter, but matrix symbols come out non-commutative."""

    def create_symbol(self, text: str, enforce_case: bool = False) -> Any:
        return _as_matrix(super().create_symbol(text, enforce_case))


def install() -> None:
    """Route latex2sympy's symbol factory through ours (only ever done in worker processes)."""
    _l2s.get_symbol = _get_symbol


_CONFIG = _l2s.ConversionConfig(lowercase_symbols=False)
_NORMALIZE = NormalizationConfig(basic_latex=True, units=False, malformed_operators=True)


# ---------------------------------------------------------------- text to LaTeX we can parse

_BOLD = re.compile(r"\\(?:mathbf|boldsymbol|bm|vec|mathbfit|pmb)\s*\{\s*(\\?[A-Za-z]+)\s*\}")
_TRANSPOSE = re.compile(
    r"\^\s*(?:\{\s*(?:\\top|\\intercal|\\mathsf\{T\}|\\mathrm\{T\}|T|⊤)\s*\}|\\top|\\intercal|⊤)"
)
_REPLACEMENTS = (
    ("−", "-"),
    ("∞", r"\infty "),
    ("×", r"\times "),
    ("·", r"\cdot "),
    ("√", r"\sqrt"),
    ("**", "^"),
    (r"\tfrac", r"\frac"),
    (r"\dfrac", r"\frac"),
    (r"\mathrm{e}", "e"),
    (r"\displaystyle", " "),
)
_PLAIN_FUNCS = re.compile(r"(?<![\\A-Za-z])(exp|log|ln|sin|cos|tan|tanh)\s*\(")
# A function's power as typed: `sin^2(x)`, `tanh^2 x` are (sin x)^2, never s·i·n^2·x.
_PLAIN_FUNC_POWER = re.compile(
    r"(?<![\\A-Za-z])(exp|log|ln|sin|cos|tanh|tan)\s*\^\s*(?:\{([^{}]*)\}|(\d+))"
    r"(\s*\(|[ \t]+(?=[A-Za-z0-9\\]))"
)


def _frac(top: str, bottom: str) -> str:
    return "{\\frac{" + top + "}{" + bottom + "}}"


def _power(m: re.Match[str]) -> str:
    return "\\" + m.group(1) + "^{" + (m.group(2) or m.group(3)) + "}" + m.group(4)


def _unicode_math(s: str) -> str:
    """Unicode as typed: superscript exponents (`x²`, `e⁻ˣ` aside), fractions (`½x`), π."""
    s = unicode_math.SUPER_EXPONENT.sub(lambda m: "^{" + unicode_math.exponent(m.group()) + "}", s)
    s = unicode_math.VULGAR_CHAR.sub(lambda m: _vulgar(unicode_math.VULGAR[m.group()]), s)
    return s.replace("π", "\\pi ")


def _vulgar(value: Fraction) -> str:
    return _frac(str(value.numerator), str(value.denominator))


# ... and without brackets, as typed: `log p`, `ln 2`, `exp x` (never `logp`: one name?)
_PLAIN_FUNCS_BARE = re.compile(
    r"(?<![\\A-Za-z])(exp|log|ln|sin|cos|tanh|tan)(?:[ \t]+(?=[A-Za-z0-9\\|])|(?=\|))"
)
# `p(x|θ)`, `p(x \mid θ)`: a function of x given θ, one call of two arguments (never |θ)|).
_GIVEN = re.compile(r"(?<=[A-Za-z])\(([^()|]*?)\s*(?:\||\\mid(?![A-Za-z]))\s*([^()|]*)\)")
_SIGMOID = re.compile(r"(?<![A-Za-z])(?:\\(?:text|mathrm|operatorname)\{sigmoid\}|sigmoid)\s*\(")
# A function named by a word and applied: `relu(x)`, `\text{softmax}(z)`, `max(0, x)` — one
# function each (never r·e·l·u·x, nor the bare x that dropping `\text{...}` leaves).
_NAMED_CALL = re.compile(
    r"\\(?:text|mathrm|operatorname|textrm|mathit)\s*\{\s*([A-Za-z][A-Za-z0-9]+)\s*\}\s*\("
)
_PLAIN_CALL = re.compile(r"(?<![\\A-Za-z{_^])([A-Za-z]{3,})\s*\(")
_LEFT_AS_WRITTEN = frozenset({"sqrt", "sigmoid", *(n.lower() for n in greek.NAMES)})
_COMMAND_CALLS = greek.FUNCTIONS - _LEFT_AS_WRITTEN


def _call(m: re.Match[str]) -> str:
    name = m.group(1)
    if name.lower() in _COMMAND_CALLS:
        return "\\" + name.lower() + "("
    if name.lower() in _LEFT_AS_WRITTEN:
        return m.group(0)  # read by the rules for them
    return "\\mathit{" + name + "}("


_BARE_NEGATIVE_POWER = re.compile(r"\^\s*-\s*([A-Za-z0-9.]+)")
# `sin2x` as typed: sin(2x), never s·i·n·2·x.
_GLUED_ARGUMENT = re.compile(r"(?<![\\A-Za-z])(sin|cos|tan)(\d+(?:\.\d+)?[A-Za-z])(?![A-Za-z(^])")
_PLAIN_LOG_BASE = re.compile(r"(?<![\\A-Za-z])log(\d+)\s*\(")  # `log2(n)`: never l·o·g·2·n
_SIGMA_FN = re.compile(r"(?:\\sigma|σ)\s*\(")
_TEXT = re.compile(r"\\(?:text|mathrm|textrm|mbox)\s*\{[^{}]*\}")
_SPACING = re.compile(r"(?<!\\)\\[,;:! ]|\\q?quad")  # never the `\\` ending a row
_PRIME = re.compile(r"(\\?[A-Za-z]+|σ)'")
# An accent on one letter without braces, `\hat y`, as `\hat{y}` (the parser needs them).
_BARE_ACCENT = re.compile(r"\\(hat|bar|tilde|check|breve|dot|ddot|widehat|overline)\s+([A-Za-z])")
_LATEX_PRIME = re.compile(r"\^\s*(?:\{\s*\\prime\s*\}|\\prime(?![A-Za-z]))")
# A prime on a matrix's name or on a bracket holding one is its transpose (X'X, (y - Xb)'):
_MATRIX_PRIME = re.compile(r"(?<![\\A-Za-z])([A-Z])'|\)'")
_NORM = re.compile(r"\\\|(.+?)\\\||‖(.+?)‖|\|\|(.+?)\|\|")


def bold_names(text: str) -> set[str]:
    """Names written in bold (`\\mathbf{w}`): vectors and matrices, so non-commutative."""
    return {m.group(1).lstrip("\\") for m in _BOLD.finditer(text)}


def to_latex(text: str, log_base: str, matrices: frozenset[str] = frozenset()) -> str:
    """Rewrite an answer's expression into LaTeX that latex2sympy reads with our conventions."""
    s = _unicode_math(text.strip().strip("$").strip())
    s = _primes_transposed(_LATEX_PRIME.sub("'", s), matrices)
    s = _BARE_ACCENT.sub(r"\\\1{\2}", s)
    for old, new in _REPLACEMENTS:
        s = s.replace(old, new)
    s = _PLAIN_FUNC_POWER.sub(_power, s)
    s = _BOLD.sub(lambda m: m.group(1) + " ", s)
    s = _TRANSPOSE.sub("^{T}", s)
    s = _BARE_NEGATIVE_POWER.sub(r"^{-\1}", s)  # 'e^-x' as typed: e^{-x}
    s = _NORM.sub(lambda m: r"\text{norm}(" + next(g for g in m.groups() if g) + ")", s)
    s = _GIVEN.sub(r"(\1, \2)", s)
    s = _PRIME.sub(lambda m: m.group(1).lstrip("\\") + "prime", s)
    s = _GLUED_ARGUMENT.sub(r"\\\1(\2)", s)
    s = _PLAIN_LOG_BASE.sub(r"\\log_{\1}(", s)
    s = _SIGMOID.sub(r"\\sigma(", s)
    s = _NAMED_CALL.sub(_call, _PLAIN_CALL.sub(_call, s))  # relu(x), \text{softmax}(z)
    s = greek.as_latex(s)  # `sigma(z)`, `lambda x`: one symbol each, never s·i·g·m·a
    s = _SIGMA_FN.sub(r"\\sigma(", s)
    s = _TEXT.sub(" ", s)
    s = _SPACING.sub(" ", s)
    s = _PLAIN_FUNCS.sub(lambda m: "\\" + m.group(1) + "(", s)
    s = _PLAIN_FUNCS_BARE.sub(lambda m: "\\" + m.group(1) + " ", s)
    s = _sqrt_parens(s)
    s = indexed.rewrite_sums(s)
    if log_base != "10":
        # ML convention: \log is the natural log unless the exam says otherwise.
        s = re.sub(r"\\log(?![A-Za-z_])", r"\\ln", s)
    return s.strip().rstrip(".,;")


def _primes_transposed(s: str, matrices: frozenset[str]) -> str:
    """`X'` and `(Xw - y)'` as transposes where X is a matrix; `F'(x)`, with F used nowhere
    else, stays the derivative of a function."""

    def prime(m: re.Match[str]) -> str:
        if m.group(1) is None:  # a bracket: a transpose when a matrix is inside
            open_at = _opening(s, m.start())
            inside = s[open_at + 1 : m.start()] if open_at >= 0 else ""
            matrix = any(_is_matrix_name(c, matrices) for c in re.findall(r"[A-Za-z]", inside))
            return ")^{T}" if matrix else m.group()
        name = m.group(1)
        if not _is_matrix_name(name, matrices):
            return m.group()
        called = s[m.end() :].lstrip().startswith("(")
        elsewhere = re.search(rf"(?<![\\A-Za-z]){name}(?!')", s)
        return m.group() if called and elsewhere is None else name + "^{T}"

    return _MATRIX_PRIME.sub(prime, s)


def _is_matrix_name(name: str, matrices: frozenset[str]) -> bool:
    return name in matrices or (name.isupper() and name not in _MATRICES.scalars)


def _opening(s: str, close: int) -> int:
    """Index of the bracket opening the `)` at `close`, or -1."""
    depth = 0
    for i in range(close, -1, -1):
        if s[i] == ")":
            depth += 1
        elif s[i] == "(":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _sqrt_parens(s: str) -> str:
    """`sqrt(x+1)` → `\\sqrt{x+1}` (latex2sympy reads plain `sqrt` as s·q·r·t)."""
    out, i = [], 0
    for m in re.finditer(r"(?<![\\A-Za-z])sqrt\s*\(", s):
        if m.start() < i:
            continue
        close = _matching(s, m.end() - 1)
        if close < 0:
            break
        out.append(s[i : m.start()] + r"\sqrt{" + s[m.end() : close] + "}")
        i = close + 1
    return "".join(out) + s[i:]


_OPEN = {"(": ")", "[": "]", "{": "}"}


def _matching(s: str, start: int) -> int:
    """Index of the bracket closing the one at `start`, or -1."""
    depth = 0
    for i in range(start, len(s)):
        if s[i] in _OPEN:
            depth += 1
        elif s[i] in _OPEN.values():
            depth -= 1
            if depth == 0:
                return i
    return -1


def _split_top(s: str, sep: str) -> list[str]:
    parts, depth, last, i = [], 0, 0, 0
    while i < len(s):
        c = s[i]
        if c in _OPEN:
            depth += 1
        elif c in _OPEN.values():
            depth -= 1
        elif depth == 0 and s.startswith(sep, i):
            parts.append(s[last:i])
            last = i + len(sep)
            i = last
            continue
        i += 1
    return [*parts, s[last:]]


_ENV = re.compile(r"^\\begin\{([pbvBV]?matrix|array)\}(?:\{[^{}]*\})?(.*)\\end\{\1\}$", re.S)
_TRAILING_T = re.compile(r"\s*\^\s*(?:\{T\}|T)\s*$")


def split_vector(s: str) -> list[Any] | None:
    """Elements of a vector or matrix written as a bracket with commas or a LaTeX matrix.

    `(1, 2)` is a vector here, never an interval; `[1, 2]^T` is the same vector.
    """
    s = _TRAILING_T.sub("", s.strip())
    s = re.sub(r"\\left\s*([(\[])", r"\1", s)
    s = re.sub(r"\\right\s*([)\]])", r"\1", s).strip()
    env = _ENV.match(s)
    if env:
        rows = [r for r in _split_top(env.group(2), r"\\") if r.strip()]
        cells = [[c.strip() for c in _split_top(r, "&")] for r in rows]
        return [c[0] for c in cells] if all(len(c) == 1 for c in cells) else cells
    if len(s) < 2 or s[0] not in "([" or _matching(s, 0) != len(s) - 1:
        return None
    items = _split_top(s[1:-1], ",")
    if len(items) < 2:
        return None
    return [split_vector(item) or item.strip() for item in items]


# ---------------------------------------------------------------- parsing


def parse(text: str, log_base: str, matrices: frozenset[str], scalars: frozenset[str]) -> Tree:
    """Parse one expression (or vector of them); raises ValueError saying what failed."""
    return _parse_cached(text, log_base, matrices, scalars)


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str, log_base: str, matrices: frozenset[str], scalars: frozenset) -> Tree:
    _MATRICES.names, _MATRICES.scalars = matrices, scalars
    latex = to_latex(text, log_base, matrices)
    if not latex:
        raise ValueError("empty expression")
    interval = _INTERVAL.match(re.sub(r"\\(?:left|right)\s*(?=[\[\]()])", "", latex))
    if interval is not None:
        lo_open, hi_open = interval["open"] != "[", interval["close"] != "]"
        if lo_open != hi_open or "]" in interval["open"]:
            ends = [_parse_cached(interval[n], log_base, matrices, scalars) for n in ("lo", "hi")]
            return Interval(lo_open, ends[0], ends[1], hi_open)
    parts = split_vector(latex)
    if parts is not None:
        return _parse_nested(parts, log_base, matrices, scalars)
    _MATRICES.names, _MATRICES.scalars = matrices, scalars
    rows = indexed.cases_rows(latex)
    if rows is not None:
        values = [(_read(value), condition) for value, condition in rows]
        return indexed.piecewise(values, _convert)
    return _read(latex)


# A function applied by name, `\sigma(w^Tx)`, `\mathit{relu}(x+1)`: the parser reads a call
# only of one symbol (else σ·(wᵀx)), so each argument is read apart and put back.
_NAMED_APPLIED = re.compile(r"\\mathit\{[A-Za-z][A-Za-z0-9]*\}\s*\(|\\sigma\s*\(")
_ARGUMENT = "callarg"


def _read(latex: str) -> Any:
    """The canonical tree of LaTeX, functions applied by name read with their arguments."""
    lifted, arguments = _lift_calls(latex)
    expr = _canonical(_convert(lifted))
    if not arguments:
        return expr
    return expr.xreplace(
        {sympy.Symbol(f"{_ARGUMENT}{k}"): _read(arg) for k, arg in enumerate(arguments)}
    )


def _lift_calls(latex: str) -> tuple[str, list[str]]:
    out: list[str] = []
    arguments: list[str] = []
    i = 0
    for m in _NAMED_APPLIED.finditer(latex):
        if m.start() < i:
            continue
        close = _matching(latex, m.end() - 1)
        inside = latex[m.end() : close] if close > 0 else ""
        if not inside.strip() or len(_split_top(inside, ",")) > 1:
            continue  # `max(0, x)`-like calls of several arguments are read as they are
        out.append(latex[i : m.end()] + r"\mathit{" + f"{_ARGUMENT}{len(arguments)}" + "})")
        arguments.append(inside)
        i = close + 1
    return "".join(out) + latex[i:], arguments


def _convert(latex: str) -> Any:
    """latex2sympy's reading of LaTeX; raises ValueError saying what failed."""
    try:
        return _Converter(None, None, False, config=_CONFIG).parse(
            normalize_latex(latex, _NORMALIZE)
        )
    except Exception as exc:  # the parser raises bare Exceptions with a caret diagram
        raise ValueError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc


# A bracket closed by another kind, `[0, 1)`, `(0, 1]`, `]0, 1[`: an interval (`(0, 1)` and
# `[0, 1]` stay vectors, by convention).
_INTERVAL = re.compile(
    r"^(?P<open>[\[(\]])(?P<lo>[^,\[\]()]+),(?P<hi>[^,\[\]()]+)(?P<close>[)\]\[])$"
)


@dataclasses.dataclass(frozen=True)
class Interval:
    """An interval of the real line: its ends and whether each is left out."""

    lo_open: bool
    lo: Any
    hi: Any
    hi_open: bool


def _parse_nested(parts: list[Any], log_base: str, matrices: frozenset, scalars: frozenset) -> Tree:
    return [
        _parse_nested(p, log_base, matrices, scalars)
        if isinstance(p, list)
        else _parse_cached(p, log_base, matrices, scalars)
        for p in parts
    ]


def _canonical(expr: Any) -> Any:
    """Equations give their right-hand side; function names lose `\\`, spaces and `\\text{}`."""
    if isinstance(expr, sympy.And) and all(isinstance(a, sympy.Eq) for a in expr.args):
        expr = expr.args[-1]
    if isinstance(expr, sympy.Eq):
        expr = expr.rhs
    if isinstance(expr, sympy.MatrixBase):
        return [_canonical(e) for e in expr] if 1 in expr.shape else expr.tolist()
    if not isinstance(expr, sympy.Basic):
        raise ValueError(f"not an expression: {type(expr).__name__}")
    return expr.replace(lambda e: isinstance(e, AppliedUndef), _rename_function)


def _rename_function(call: Any) -> Any:
    name = re.sub(r"\\text\{(.*)\}", r"\1", call.func.__name__).replace("\\", "").strip()
    name = _l2s.GREEK_LETTER_MAP.get(name, name)
    if name == "sigmoid":  # ML convention: σ is the sigmoid
        name = "sigma"
    if name.lower() == "abs":
        return sympy.Abs(*call.args)
    if len(name) > 1 and name not in greek.NAMES:
        name = name.lower()  # ReLU, Relu and relu: one function
    return sympy.Function(name)(*call.args)


# ---------------------------------------------------------------- comparing


class _SoftTimeout(Exception):
    pass


@contextlib.contextmanager
def _budget(seconds: float) -> Iterator[None]:
    """Interrupt Python-level SymPy work after `seconds` (main thread only; else no limit)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, frame: Any) -> None:
        raise _SoftTimeout

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def compare_trees(key: Tree, answer: Tree, budget: float) -> tuple[str, str]:
    """Compare two parsed trees: vectors element-wise, scalars symbolically."""
    if isinstance(key, Interval) or isinstance(answer, Interval):
        return _compare_intervals(key, answer, budget)
    if isinstance(key, list) or isinstance(answer, list):
        return _compare_vectors(key, answer, budget)
    if not key.is_commutative or not answer.is_commutative:
        return _compare_matrix_exprs(key, answer, budget)
    return _compare_scalars(key, answer, budget)


def _compare_intervals(key: Tree, answer: Tree, budget: float) -> tuple[str, str]:
    if not (isinstance(key, Interval) and isinstance(answer, Interval)):
        return "unknown", "one is an interval and the other is not (a vector?)"
    if (key.lo_open, key.hi_open) != (answer.lo_open, answer.hi_open):
        return "different", "the interval's ends are not included alike"
    verdicts = [compare_trees(k, a, budget) for k, a in ((key.lo, answer.lo), (key.hi, answer.hi))]
    for code, detail in verdicts:
        if code != "equal" and code != "equal_numeric":
            return code, f"an end of the interval: {detail}"
    return verdicts[-1][0], "the same interval"


def _flat(tree: Tree) -> list[Any]:
    if isinstance(tree, list):
        return [leaf for item in tree for leaf in _flat(item)]
    return [tree]


def _shape(tree: Tree) -> tuple[int, ...]:
    if not isinstance(tree, list):
        return ()
    inner = _shape(tree[0]) if tree else ()
    # A row or column vector written as a one-row/one-column matrix is still a vector.
    return (len(tree),) if inner in ((), (1,)) else (len(tree), *inner)


def _compare_vectors(key: Tree, answer: Tree, budget: float) -> tuple[str, str]:
    ks, ans = _shape(key), _shape(answer)
    if ks != ans and sorted(ks) != sorted(ans):
        return "different", f"shape {_fmt_shape(ans)} where the key has {_fmt_shape(ks)}"
    verdicts = [compare_trees(k, a, budget) for k, a in zip(_flat(key), _flat(answer), strict=True)]
    for index, (code, detail) in enumerate(verdicts):
        if code in ("different", "unknown"):
            return code, f"element {index + 1}: {detail}"
    numeric = [c for c, _ in verdicts if c == "equal_numeric"]
    return ("equal_numeric" if numeric else "equal"), "all elements equal"


def _fmt_shape(shape: tuple[int, ...]) -> str:
    return "scalar" if not shape else "×".join(str(n) for n in shape)


def _compare_scalars(key: Any, answer: Any, budget: float) -> tuple[str, str]:
    if key.has(sympy.oo, sympy.zoo) and key == answer:  # ∞ - ∞ is no number to test
        return "equal", "the same expression"
    numeric = _numeric_test(key, answer)
    if numeric[0] == "different":
        return numeric
    if _symbolic_zero(key - answer, budget):
        return "equal", "SymPy: the difference simplifies to 0"
    if numeric[0] == "equal":
        return "equal_numeric", numeric[1] + "; SymPy did not confirm in time"
    if numeric[1] != _UNEVALUATED:
        return "unknown", f"{numeric[1]}, and SymPy could not decide"
    return "unknown", "SymPy could not decide and the numeric test could not evaluate both"


def _symbolic_zero(diff: Any, budget: float) -> bool:
    try:
        with _budget(budget):
            if diff == 0 or sympy.expand(diff) == 0:
                return True
            return bool(sympy.simplify(diff.doit()) == 0)
    except (_SoftTimeout, Exception):
        return False


# Functions that are not analytic: two expressions equal at positive points may differ at
# negative ones (`max(0, x)` and `x`), so they are also compared at points of mixed signs.
_KINKED = (
    sympy.Piecewise,
    sympy.Max,
    sympy.Min,
    sympy.Abs,
    sympy.Heaviside,
    sympy.sign,
    sympy.floor,
    sympy.ceiling,
)
# The signs at those points: all negative, alternating one way, the other way.
_SIGNS: tuple[Callable[[int], float], ...] = (
    lambda j: -1.0,
    lambda j: -1.0 if j % 2 == 0 else 1.0,
    lambda j: 1.0 if j % 2 == 0 else -1.0,
)


_UNEVALUATED = "could not evaluate"


def _numeric_test(key: Any, answer: Any) -> tuple[str, str]:
    """Evaluate both at seeded random points: 'different' is proof, 'equal' near-proof."""
    space = _Space(key, answer)
    rng = random.Random(_SEED)
    agreed = 0
    for number in range(POINTS):
        point = space.point(rng, lambda j: 1.0)
        k, a = _evaluate(key, point, number), _evaluate(answer, point, number)
        if k is None or a is None:
            continue
        if abs(k - a) > REL_TOL * max(1.0, abs(k), abs(a)):
            return "different", _where(point, k, a)
        agreed += 1
    one_real = False  # `ln(x)` for `ln|x|`: equal for positive x only
    if key.has(*_KINKED) or answer.has(*_KINKED):
        for number, sign in enumerate(_SIGNS, start=POINTS):
            point = space.point(rng, sign)
            k, a = _evaluate(key, point, number, sign), _evaluate(answer, point, number, sign)
            if k is None or a is None or abs(k.imag) > 1e-12 or abs(a.imag) > 1e-12:
                one_real |= (
                    k is not None
                    and a is not None
                    and (abs(k.imag) > 1e-12) != (abs(a.imag) > 1e-12)
                )
                continue  # compared where both are real: `log(ab)` has branches below 0
            if abs(k - a) > REL_TOL * max(1.0, abs(k), abs(a)):
                return "different", _where(point, k, a)
    if one_real and agreed:
        return "unknown", "equal at positive values; at negative ones only one of them is real"
    if agreed >= min(3, POINTS):
        return "equal", f"equal at {agreed} random points"
    return "unknown", _UNEVALUATED


class _Space:
    """The symbols of two expressions and the values they may take: whole numbers for the
    ends of sums' ranges (2 to 5) and for free indices (1 or 2), else real numbers."""

    def __init__(self, key: Any, answer: Any) -> None:
        ends, indices = (
            a | b
            for a, b in zip(
                indexed.whole_number_symbols(key), indexed.whole_number_symbols(answer), strict=True
            )
        )
        labels = {base.label for tree in (key, answer) for base in tree.atoms(IndexedBase)}
        free = key.free_symbols | answer.free_symbols
        self.symbols = sorted(
            (s for s in free if isinstance(s, sympy.Symbol) and s not in labels), key=str
        )
        self.ends, self.indices = ends, indices

    def point(self, rng: random.Random, sign: Callable[[int], float]) -> dict[Any, Any]:
        point: dict[Any, Any] = {}
        for j, s in enumerate(self.symbols):
            if s in self.ends:
                point[s] = sympy.Integer(rng.randint(2, 5))
            elif s in self.indices:
                point[s] = sympy.Integer(rng.randint(1, 2))
            else:
                point[s] = sympy.Float(sign(j) * rng.uniform(0.1, 1.9), 30)
        return point


def _where(point: dict[Any, Any], key: complex, answer: complex) -> str:
    at = ", ".join(f"{s}={float(v):.3g}" for s, v in list(point.items())[:3])
    return f"differs{' at ' + at if at else ''}: {_num(answer)} vs key {_num(key)}"


def _num(value: complex) -> str:
    return f"{value.real:.6g}" if abs(value.imag) < 1e-12 else f"{value:.4g}"


def _evaluate(
    expr: Any, point: dict[Any, Any], number: int = 0, sign: Callable[[int], float] | None = None
) -> complex | None:
    def element_sign(name: str) -> float:
        return sign(zlib.crc32(name.encode())) if sign else 1.0

    try:
        concrete = expr.xreplace(point).replace(
            lambda e: isinstance(e, AppliedUndef), _random_function
        )
        concrete = indexed.unrolled(concrete)
        concrete = indexed.elements_valued(concrete.doit(), number, element_sign)
        value = complex(sympy.N(concrete, 30))
    except Exception:  # a pole, a branch SymPy cannot evaluate, an overflow: skip this point
        return None
    if value != value or abs(value) == float("inf"):
        return None
    return value


def _random_function(call: Any) -> Any:
    """A fixed smooth function per name, so σ(z) on both sides gets the same value."""
    rng = random.Random(zlib.crc32(call.func.__name__.encode()))
    inner = sum(rng.uniform(0.5, 1.5) * arg for arg in call.args)
    return sympy.sin(inner + rng.uniform(0, 1)) + rng.uniform(1, 2)


# ---------------------------------------------------------------- matrix expressions

_FREE_NODES = (sympy.Add, sympy.Mul, sympy.Symbol, sympy.Number)


def _compare_matrix_exprs(key: Any, answer: Any, budget: float) -> tuple[str, str]:
    """Compare in the free algebra: expand keeps factor order, so AB and BA stay apart."""
    try:
        with _budget(budget):
            diff = _expand(key - answer)
            if diff == 0:
                return "equal", "equal as matrix expressions"
            if _expand(_inverse_products(key - answer)) == 0:
                return "unknown", _split_inverse_reason(key, answer)
            if _is_free_polynomial(diff):
                return "different", "differ as matrix expressions (factor order matters)"
            if not _has_inverse_product(diff) and sympy.simplify(diff) == 0:
                return "equal", "SymPy: the difference simplifies to 0"
    except (_SoftTimeout, Exception):
        pass
    return "unknown", "SymPy could not decide for these matrix expressions"


def _expand(expr: Any) -> Any:
    """Expand keeping factor order and every inverse of a product whole: SymPy's default
    (power_base) splits (X^T X)^{-1} into X^{-1} X^{-T}, true for square X only."""
    return sympy.expand(expr, power_base=False)


def _has_inverse_product(expr: Any) -> bool:
    return any(_is_inverse_product(e) for e in sympy.preorder_traversal(expr))


def _transposed(expr: Any) -> Any:
    """The transpose of a matrix expression: (AB)^T = B^T A^T, (A^T)^T = A, scalars kept."""
    if expr.is_commutative:
        return expr
    if isinstance(expr, sympy.Add):
        return sympy.Add(*(_transposed(a) for a in expr.args))
    if isinstance(expr, sympy.Mul):
        scalars, factors = expr.args_cnc()
        flipped = [_transposed(f) for f in reversed(factors)]
        return sympy.Mul(*scalars) * sympy.Mul(*flipped)
    if isinstance(expr, sympy.Pow):
        return sympy.Pow(_transposed(expr.base), expr.exp)
    if isinstance(expr, sympy.Symbol):
        return sympy.transpose(expr)
    if isinstance(expr, sympy.Transpose | sympy.transpose):
        return expr.args[0]
    return sympy.transpose(expr)


def _split_inverse_reason(key: Any, answer: Any) -> str:
    """Why two matrix expressions equal only once an inverse of a product is split."""
    products = {
        _show_inverse(e)
        for side in (key, answer)
        for e in sympy.preorder_traversal(side)
        if _is_inverse_product(e)
    }
    return (
        f"equal only if {', '.join(sorted(products))} is split as (AB)^{{-1}} = B^{{-1}}A^{{-1}},"
        " which holds for square invertible factors only (X in X^T X is often not square)"
    )


def _show_inverse(power: Any) -> str:
    """(X^T X)^{-1} as a student writes it, not SymPy's `transpose(X)`."""
    factors = []
    for f in sympy.Mul.make_args(power.base):
        if isinstance(f, sympy.Transpose | sympy.transpose) and isinstance(f.args[0], sympy.Symbol):
            factors.append(f"{f.args[0].name}^T")
        else:
            factors.append(sympy.latex(f))
    return f"({' '.join(factors)})^{{{sympy.latex(power.exp)}}}"


def _is_inverse_product(e: Any) -> bool:
    return (
        isinstance(e, sympy.Pow)
        and e.exp.is_Integer
        and e.exp < 0
        and isinstance(e.base, sympy.Mul)
        and not e.base.is_commutative
    )


def _inverse_products(expr: Any) -> Any:
    """(AB)^-1 → B^-1 A^-1, which SymPy does not do for non-commutative symbols. It holds for
    square invertible factors only, which the symbols do not say: never used to decide
    'equal' (X^{-1} y is not (X^T X)^{-1} X^T y for a tall X)."""

    def flip(power: Any) -> Any:
        factors = sympy.Mul.make_args(power.base)
        inverted = [sympy.Pow(f, -1) for f in reversed(factors)]
        return sympy.Pow(sympy.Mul(*inverted), -power.exp)

    return expr.replace(_is_inverse_product, flip)


def _is_free_polynomial(expr: Any) -> bool:
    """Only sums, products, integer powers, symbols, numbers and transposes of symbols."""
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Pow):
            if not node.exp.is_Integer:
                return False
        elif isinstance(node, sympy.Transpose | sympy.transpose):
            if not isinstance(node.args[0], sympy.Symbol):
                return False
        elif not isinstance(node, _FREE_NODES):
            return False
    return True


# ---------------------------------------------------------------- the task and the worker loop


def run_task(task: tuple[Any, ...]) -> tuple[str, str]:
    """One comparison: (key text, answer text, log base, matrices, scalars, budget s)."""
    key_text, answer_text, log_base, matrices, scalars, budget = task
    names = frozenset(matrices) | bold_names(key_text) | bold_names(answer_text)
    scalars = frozenset(scalars)
    for _ in range(2):  # once more when capitals turn out to be numbers (`+ C`, `\sum^K`)
        try:
            key = parse(key_text, log_base, names, scalars)
        except (ValueError, RecursionError) as exc:
            return "bad_key", str(exc)
        try:
            answer = parse(answer_text, log_base, names, scalars)
        except (ValueError, RecursionError) as exc:
            return "bad_answer", str(exc)
        found = _scalar_names(key) | _scalar_names(answer)
        if found <= scalars:
            break
        scalars |= found
    bases = set().union(*(indexed.indexed_bases(t) for t in (*_flat(key), *_flat(answer))))
    key, answer = _with_indices(key, bases), _with_indices(answer, bases)
    verdict = compare_trees(key, answer, budget)
    if verdict[0] != "different":
        return verdict
    return _second_reading(key, answer, answer_text, budget) or verdict


def _second_reading(key: Tree, answer: Tree, answer_text: str, budget: float) -> Any:
    """For an answer read as different: a verdict where it may have been read otherwise."""
    if _BRACKET_T.search(answer_text) and _is_transpose(key, answer):
        # 2(Xw-y)^T X for 2X^T(Xw-y): the other layout convention, which a human accepts or not
        return "unknown", "the answer is the key transposed (a layout convention?)"
    if not isinstance(key, sympy.Basic) or not isinstance(answer, sympy.Basic):
        return None
    if indexed.uses_unwritten(key) != indexed.uses_unwritten(answer):
        whose = "the key" if indexed.uses_unwritten(answer) else "the answer"
        return "unknown", f"only {whose} writes the range of its sum, so they cannot be compared"
    if why := _constant_apart(key, answer) or _rounded(key, answer_text):
        return "unknown", why
    if _has_sigma(key) or _has_sigma(answer):  # σ(z) written out: 1/(1+e^{-z})
        code, detail = compare_trees(_logistic(key), _logistic(answer), budget)
        if code in ("equal", "equal_numeric"):
            return code, f"with σ the logistic function, {detail}"
    if _applied(key) != _applied(answer) and (read := _one_side_applies(key, answer, budget)):
        return read
    imaginary = sympy.Symbol("i")
    if imaginary in answer.free_symbols and imaginary not in key.free_symbols:
        code, detail = compare_trees(key, answer.xreplace({imaginary: sympy.I}), budget)
        if code in ("equal", "equal_numeric"):  # e^{iπ}: the key has no i to mean otherwise
            return code, f"with i the imaginary unit, {detail}"
    return None


_DECIMAL = re.compile(r"^\s*(?:≈|~|\\approx)?\s*[-−]?\d*\.(\d+)\s*$")


def _rounded(key: Any, answer_text: str) -> str:
    """A decimal answer that is a number key rounded (`0.1667` for 1/6), or ''."""
    m = _DECIMAL.match(answer_text)
    if m is None or key.free_symbols:
        return ""
    try:
        exact = complex(sympy.N(key, 30))
    except (TypeError, ValueError):
        return ""
    written = float(answer_text.strip().lstrip("≈~").replace("\\approx", "").replace("−", "-"))
    places = len(m.group(1))
    if abs(exact.imag) > 1e-12 or abs(exact.real - written) > 0.5 * 10.0**-places * (1 + 1e-9):
        return ""
    return f"the answer is the key rounded to {places} decimal places; the key has no tolerance"


def _has_sigma(tree: Any) -> bool:
    return any(f.func.__name__ == "sigma" for f in tree.atoms(AppliedUndef))


def _logistic(tree: Any) -> Any:
    return tree.replace(
        lambda e: isinstance(e, AppliedUndef) and e.func.__name__ == "sigma" and len(e.args) == 1,
        lambda e: 1 / (1 + sympy.exp(-e.args[0])),
    )


def _constant_apart(key: Any, answer: Any) -> str:
    """Why key and answer differ only by constants each has alone (`+ C` of an antiderivative
    left out, or named K), or ''."""
    try:
        diff = sympy.expand(key - answer)
    except Exception:  # SymPy cannot subtract them: nothing to say
        return ""
    own_key = diff.free_symbols & key.free_symbols - answer.free_symbols
    own_answer = diff.free_symbols & answer.free_symbols - key.free_symbols
    if not diff.is_commutative or len(own_key) > 1 or len(own_answer) > 1:
        return ""
    constants = own_key | own_answer
    if not constants or diff.free_symbols != constants:
        return ""
    linear = sum((diff.coeff(c) * c for c in constants), sympy.Integer(0))
    if any(not diff.coeff(c).is_Number for c in constants) or not (diff - linear).is_Number:
        return ""
    rest = sympy.expand(key).xreplace({c: 0 for c in constants})
    if not rest.free_symbols:  # `x = 1` for `2x - 2`: a value, no function plus a constant
        return ""
    if own_key and own_answer:
        return f"the answer's constant {next(iter(own_answer))} for the key's {next(iter(own_key))}"
    if own_key:
        return f"the answer leaves out the key's constant {next(iter(own_key))} (of integration?)"
    return f"the answer adds a constant {next(iter(own_answer))} the key does not have"


def _scalar_names(tree: Tree) -> frozenset[str]:
    """Capitals that are numbers, not matrices: a range's end (`\\sum_{k=1}^K`) and a lone term
    added to numbers (the `C` of `x^3/3 + C`)."""
    found: set[str] = set()
    for leaf in _flat(tree):
        for node in sympy.preorder_traversal(leaf):
            if isinstance(node, sympy.Sum | sympy.Product):
                ends = [e for limit in node.limits for e in limit[1:]]
                found |= {s.name for e in ends for s in e.free_symbols if not s.is_commutative}
            elif isinstance(node, sympy.Add) and any(a.is_commutative for a in node.args):
                found |= {
                    a.name
                    for a in node.args
                    if isinstance(a, sympy.Symbol) and not a.is_commutative
                }
    return frozenset(found)


def _with_indices(tree: Tree, bases: set[str]) -> Tree:
    if isinstance(tree, list):
        return [_with_indices(t, bases) for t in tree]
    return indexed.with_indices(tree, bases)


def _applied(tree: Tree) -> frozenset[str]:
    """The names of the functions a tree applies without defining them (σ, f, relu)."""
    return frozenset(
        call.func.__name__ for leaf in _flat(tree) for call in leaf.atoms(AppliedUndef)
    )


def _mentioned(tree: Tree) -> frozenset[str]:
    """The functions a tree applies or applies the derivative of (σ' is read `sigmaprime`)."""
    return frozenset(re.sub(r"(?:prime)+$", "", name) for name in _applied(tree))


def _one_side_applies(key: Tree, answer: Tree, budget: float) -> tuple[str, str] | None:
    """One side applies a function the other does not (the key's σ(z)(1-σ(z)), the answer's
    e^{-z}/(1+e^{-z})^2): a random stand-in for it proves nothing. σ (and σ') is compared
    again as the logistic sigmoid, what σ means in ML but not what the symbol says, so equal
    there is 'equal_if' (a human confirms). A function only the key applies leaves the
    comparison undecided, never different; one only the answer applies is left to the other
    readings (None; the checker's second look reads it), and so is one whose name says what it
    computes (relu, the norm)."""
    key_only = {n for n in _mentioned(key) - _mentioned(answer) if _unstated(n)}
    verdict = None
    if "sigma" in _mentioned(key) | _mentioned(answer):
        code, detail = compare_trees(_as_logistic(key), _as_logistic(answer), budget)
        if code in ("equal", "equal_numeric"):
            return "equal_if", "equal when σ is the logistic sigmoid 1/(1+e^{-z})"
        verdict = (code, f"{detail} (σ read as the logistic sigmoid)")
    if key_only and (verdict is None or verdict[0] == "different"):
        names = ", ".join(sorted("σ" if n == "sigma" else n for n in key_only))
        why = verdict[1] if verdict else "a random stand-in for it proves nothing"
        return "unknown", f"the key applies {names}, which the answer does not: {why}"
    return verdict


def _unstated(name: str) -> bool:
    """A function whose name does not say what it computes: one letter or a Greek letter
    (f, g, σ, φ), unlike relu, softmax or the norm."""
    return len(name) == 1 or name in greek.NAMES


def _as_logistic(tree: Tree) -> Tree:
    if isinstance(tree, list):
        return [_as_logistic(t) for t in tree]

    def logistic(call: Any) -> Any:
        s = 1 / (1 + sympy.exp(-call.args[0]))
        return s if call.func.__name__ == "sigma" else s * (1 - s)

    return tree.replace(
        lambda e: (
            isinstance(e, AppliedUndef)
            and e.func.__name__ in ("sigma", "sigmaprime")
            and len(e.args) == 1
        ),
        logistic,
    )


# A bracket transposed in the answer, `(Xw - y)^T X`: it may be written in the other layout.
_BRACKET_T = re.compile(r"\)\s*\^\s*(?:\{\s*(?:T|\\top)\s*\}|T|\\top|⊤)")


def _is_transpose(key: Tree, answer: Tree) -> bool:
    if isinstance(key, list) or isinstance(answer, list) or key.is_commutative:
        return False
    try:
        return bool(_expand(_inverse_products(key - _transposed(answer))) == 0)
    except Exception:  # SymPy cannot transpose it: the verdict read before it stands
        return False


def safe_run_task(task: tuple[Any, ...]) -> tuple[str, str]:
    """`run_task`, with any failure reported as unknown (never as different)."""
    try:
        return run_task(task)
    except MemoryError:
        return "unknown", "ran out of memory"
    except Exception as exc:
        return "unknown", f"{type(exc).__name__}: {exc}"[:200]


def _limit_memory(max_bytes: int = 4 << 30) -> None:
    # A runaway big-integer power should fail with MemoryError, not take the machine down.
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > max_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (max_bytes, hard))


def serve(conn: Any) -> None:
    """Worker loop: warm up, say ready, then answer batches until told to stop."""
    install()
    _limit_memory()
    safe_run_task(("x", r"\frac{x}{2}", "e", (), (), 1.0))  # build the ANTLR parser once
    conn.send("ready")
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        for index, task in batch:
            conn.send((index, safe_run_task(task)))


def main(argv: list[str]) -> None:
    """Entry point of a worker process: `python -m ... READ_FD WRITE_FD`."""
    reader = Connection(int(argv[0]), writable=False)
    writer = Connection(int(argv[1]), readable=False)
    serve(_Pair(reader, writer))


class _Pair:
    def __init__(self, reader: Connection, writer: Connection) -> None:
        self.recv, self.send = reader.recv, writer.send


if __name__ == "__main__":
    main(sys.argv[1:])
