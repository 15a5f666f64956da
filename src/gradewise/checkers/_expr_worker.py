"""The expression comparison that runs inside worker processes (SymPy is slow and may hang).

LaTeX is read by latex2sympy2_extended (the parser under math-verify) with our conventions
instead of math-verify's: symbols keep their case, upper-case and bold symbols are
non-commutative matrices, `\\log` is natural unless the key says base 10, a bracket with commas
is a vector (never an interval), and text around the expression was cut away before we get it.

Equivalence: a numeric test at seeded random points first (a point where the two differ proves
them different; agreement at every point is near-proof), then SymPy to confirm symbolically
under a soft time budget. Matrix expressions are compared in the free algebra (expand, order
kept). Every answer is `(code, detail)`; code is one of equal, equal_numeric, different,
unknown, bad_answer, bad_key.
"""

from __future__ import annotations

import contextlib
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
    parts = split_vector(latex)
    if parts is not None:
        return _parse_nested(parts, log_base, matrices, scalars)
    _MATRICES.names, _MATRICES.scalars = matrices, scalars
    rows = indexed.cases_rows(latex)
    if rows is not None:
        values = [(_canonical(_convert(value)), condition) for value, condition in rows]
        return indexed.piecewise(values, _convert)
    return _canonical(_convert(latex))


def _convert(latex: str) -> Any:
    """latex2sympy's reading of LaTeX; raises ValueError saying what failed."""
    try:
        return _Converter(None, None, False, config=_CONFIG).parse(
            normalize_latex(latex, _NORMALIZE)
        )
    except Exception as exc:  # the parser raises bare Exceptions with a caret diagram
        raise ValueError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc


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
    if isinstance(key, list) or isinstance(answer, list):
        return _compare_vectors(key, answer, budget)
    if not key.is_commutative or not answer.is_commutative:
        return _compare_matrix_exprs(key, answer, budget)
    return _compare_scalars(key, answer, budget)


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
            diff = sympy.expand(_inverse_products(key - answer))
            if diff == 0:
                return "equal", "equal as matrix expressions"
            if _is_free_polynomial(diff):
                return "different", "differ as matrix expressions (factor order matters)"
            if sympy.simplify(diff) == 0:
                return "equal", "SymPy: the difference simplifies to 0"
    except (_SoftTimeout, Exception):
        pass
    return "unknown", "SymPy could not decide for these matrix expressions"


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


def _inverse_products(expr: Any) -> Any:
    """(AB)^-1 → B^-1 A^-1, which SymPy does not do for non-commutative symbols."""

    def flip(power: Any) -> Any:
        factors = sympy.Mul.make_args(power.base)
        inverted = [sympy.Pow(f, -1) for f in reversed(factors)]
        return sympy.Pow(sympy.Mul(*inverted), -power.exp)

    return expr.replace(
        lambda e: (
            isinstance(e, sympy.Pow)
            and e.exp.is_Integer
            and e.exp < 0
            and isinstance(e.base, sympy.Mul)
            and not e.base.is_commutative
        ),
        flip,
    )


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
    if isinstance(key, list) or isinstance(answer, list):
        return None
    if indexed.uses_unwritten(key) != indexed.uses_unwritten(answer):
        whose = "the key" if indexed.uses_unwritten(answer) else "the answer"
        return "unknown", f"only {whose} writes the range of its sum, so they cannot be compared"
    if why := _constant_apart(key, answer):
        return "unknown", why
    imaginary = sympy.Symbol("i")
    if imaginary in answer.free_symbols and imaginary not in key.free_symbols:
        code, detail = compare_trees(key, answer.xreplace({imaginary: sympy.I}), budget)
        if code in ("equal", "equal_numeric"):  # e^{iπ}: the key has no i to mean otherwise
            return code, f"with i the imaginary unit, {detail}"
    return None


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


# A bracket transposed in the answer, `(Xw - y)^T X`: it may be written in the other layout.
_BRACKET_T = re.compile(r"\)\s*\^\s*(?:\{\s*(?:T|\\top)\s*\}|T|\\top|⊤)")


def _is_transpose(key: Tree, answer: Tree) -> bool:
    if isinstance(key, list) or isinstance(answer, list) or key.is_commutative:
        return False
    try:
        return bool(sympy.expand(_inverse_products(key - _transposed(answer))) == 0)
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


# What students write most, read once at start: its first reading is the slow one.
_WARM_UP = (
    ("x", r"\frac{x}{2}"),
    (r"\sum_{i=1}^n x_i", r"\prod_{i=1}^n \theta^{x_i}(1-\theta)^{1-x_i}"),
    (r"\frac{e^{z_i}}{\sum_j e^{z_j}}", r"\theta^{\sum_i x_i}(1-\theta)^{n-\sum_i x_i}"),
)


def serve(conn: Any) -> None:
    """Worker loop: warm up, say ready, then answer batches until told to stop."""
    install()
    _limit_memory()
    for key, answer in _WARM_UP:  # build the ANTLR parser's tables once, before any time limit
        safe_run_task((key, answer, "e", (), (), 1.0))
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
