"""The expression comparison that runs inside worker processes (SymPy is slow and may hang).

LaTeX is read by latex2sympy2_extended (the parser under math-verify) with our conventions
instead of math-verify's: symbols keep their case, upper-case and bold symbols are
non-commutative matrices, `\\log` is natural unless the key says base 10, a bracket with commas
is a vector (never an interval), and text around the expression was cut away before we get it.

Equivalence: a numeric test at seeded random points first (a point where the two differ proves
them different; agreement at every point is near-proof), then SymPy to confirm symbolically
under a soft time budget. Matrix expressions are compared in the free algebra (expand, order
kept). Every answer is `(code, detail)`; code is one of equal, equal_numeric, equal_if (equal
under a reading a human confirms), different, unknown, bad_answer, bad_key.
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
from collections.abc import Iterator
from fractions import Fraction
from multiprocessing.connection import Connection
from typing import Any

import sympy
from latex2sympy2_extended import latex2sympy2 as _l2s
from latex2sympy2_extended.math_normalization import NormalizationConfig, normalize_latex
from sympy.core.function import AppliedUndef

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
    r"(?<![\\A-Za-z])(exp|log|ln|sin|cos|tanh|tan)[ \t]+(?=[A-Za-z0-9\\])"
)
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
_SPACING = re.compile(r"\\[,;:! ]|\\q?quad")
_PRIME = re.compile(r"(\\?[A-Za-z]+|σ)'")
_NORM = re.compile(r"\\\|(.+?)\\\||‖(.+?)‖|\|\|(.+?)\|\|")


def bold_names(text: str) -> set[str]:
    """Names written in bold (`\\mathbf{w}`): vectors and matrices, so non-commutative."""
    return {m.group(1).lstrip("\\") for m in _BOLD.finditer(text)}


def to_latex(text: str, log_base: str) -> str:
    """Rewrite an answer's expression into LaTeX that latex2sympy reads with our conventions."""
    s = _unicode_math(text.strip().strip("$").strip())
    for old, new in _REPLACEMENTS:
        s = s.replace(old, new)
    s = _PLAIN_FUNC_POWER.sub(_power, s)
    s = _BOLD.sub(lambda m: m.group(1) + " ", s)
    s = _TRANSPOSE.sub("^{T}", s)
    s = _BARE_NEGATIVE_POWER.sub(r"^{-\1}", s)  # 'e^-x' as typed: e^{-x}
    s = _NORM.sub(lambda m: r"\text{norm}(" + next(g for g in m.groups() if g) + ")", s)
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
    if log_base != "10":
        # ML convention: \log is the natural log unless the exam says otherwise.
        s = re.sub(r"\\log(?![A-Za-z_])", r"\\ln", s)
    return s.strip().rstrip(".,;")


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
    latex = to_latex(text, log_base)
    if not latex:
        raise ValueError("empty expression")
    parts = split_vector(latex)
    if parts is not None:
        return _parse_nested(parts, log_base, matrices, scalars)
    _MATRICES.names, _MATRICES.scalars = matrices, scalars
    try:
        expr = _Converter(None, None, False, config=_CONFIG).parse(
            normalize_latex(latex, _NORMALIZE)
        )
    except Exception as exc:  # the parser raises bare Exceptions with a caret diagram
        raise ValueError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
    return _canonical(expr)


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
    return "unknown", "SymPy could not decide and the numeric test could not evaluate both"


def _symbolic_zero(diff: Any, budget: float) -> bool:
    try:
        with _budget(budget):
            if diff == 0 or sympy.expand(diff) == 0:
                return True
            return bool(sympy.simplify(diff.doit()) == 0)
    except (_SoftTimeout, Exception):
        return False


def _numeric_test(key: Any, answer: Any) -> tuple[str, str]:
    """Evaluate both at seeded random points: 'different' is proof, 'equal' near-proof."""
    symbols = sorted(key.free_symbols | answer.free_symbols, key=str)
    rng = random.Random(_SEED)
    agreed = 0
    for _ in range(POINTS):
        point = {s: sympy.Float(rng.uniform(0.1, 1.9), 30) for s in symbols}
        k, a = _evaluate(key, point), _evaluate(answer, point)
        if k is None or a is None:
            continue
        if abs(k - a) > REL_TOL * max(1.0, abs(k), abs(a)):
            return "different", _where(point, k, a)
        agreed += 1
    if agreed >= min(3, POINTS):
        return "equal", f"equal at {agreed} random points"
    return "unknown", "could not evaluate"


def _where(point: dict[Any, Any], key: complex, answer: complex) -> str:
    at = ", ".join(f"{s}={float(v):.3g}" for s, v in list(point.items())[:3])
    return f"differs{' at ' + at if at else ''}: {_num(answer)} vs key {_num(key)}"


def _num(value: complex) -> str:
    return f"{value.real:.6g}" if abs(value.imag) < 1e-12 else f"{value:.4g}"


def _evaluate(expr: Any, point: dict[Any, Any]) -> complex | None:
    try:
        concrete = expr.xreplace(point).replace(
            lambda e: isinstance(e, AppliedUndef), _random_function
        )
        value = complex(sympy.N(concrete.doit(), 30))
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
    try:
        key = parse(key_text, log_base, names, frozenset(scalars))
    except (ValueError, RecursionError) as exc:
        return "bad_key", str(exc)
    try:
        answer = parse(answer_text, log_base, names, frozenset(scalars))
    except (ValueError, RecursionError) as exc:
        return "bad_answer", str(exc)
    verdict = compare_trees(key, answer, budget)
    if verdict[0] == "different" and _applied(key) != _applied(answer):
        verdict = _one_side_applies(key, answer, verdict, budget)
    if verdict[0] == "different" and _BRACKET_T.search(answer_text) and _is_transpose(key, answer):
        # 2(Xw-y)^T X for 2X^T(Xw-y): the other layout convention, which a human accepts or not
        return "unknown", "the answer is the key transposed (a layout convention?)"
    return verdict


def _applied(tree: Tree) -> frozenset[str]:
    """The names of the functions a tree applies without defining them (σ, f, relu)."""
    return frozenset(
        call.func.__name__ for leaf in _flat(tree) for call in leaf.atoms(AppliedUndef)
    )


def _mentioned(tree: Tree) -> frozenset[str]:
    """The functions a tree applies or applies the derivative of (σ' is read `sigmaprime`)."""
    return frozenset(re.sub(r"(?:prime)+$", "", name) for name in _applied(tree))


def _one_side_applies(
    key: Tree, answer: Tree, verdict: tuple[str, str], budget: float
) -> tuple[str, str]:
    """One side applies a function the other does not (the key's σ(z)(1-σ(z)), the answer's
    e^{-z}/(1+e^{-z})^2): a random stand-in for it proves nothing. σ (and σ') is compared
    again as the logistic sigmoid, what σ means in ML but not what the symbol says, so equal
    there is 'equal_if' (a human confirms). A function only the key applies leaves the
    comparison undecided, never different; one only the answer applies stays different (the
    checker's second look reads it), and so does one whose name says what it computes (relu,
    the norm)."""
    key_only = {n for n in _mentioned(key) - _mentioned(answer) if _unstated(n)}
    if "sigma" in _mentioned(key) | _mentioned(answer):
        code, detail = compare_trees(_as_logistic(key), _as_logistic(answer), budget)
        if code in ("equal", "equal_numeric"):
            return "equal_if", "equal when σ is the logistic sigmoid 1/(1+e^{-z})"
        verdict = (code, f"{detail} (σ read as the logistic sigmoid)")
    if key_only and verdict[0] == "different":
        names = ", ".join(sorted("σ" if n == "sigma" else n for n in key_only))
        why = verdict[1] if "sigma" in key_only else "a random stand-in for it proves nothing"
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
