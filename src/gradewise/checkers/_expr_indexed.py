"""Sums, products and cases in expressions (worker side; imports SymPy).

A sum is read over its index as written (`\\sum_{i=1}^n x_i`: `x_i` is the i-th element of x,
never one symbol, so the sum is not `n x_i`). A sum with no range (`\\sum_i`, `\\sum_{ij}`, or a
bare `\\sum x_i` whose body uses one index) runs to an unwritten end, one for every such sum, so
two answers that both leave the range out compare; against a written range the verdict is left
to a human. A term after the sum that uses its index (`\\sum_i y_i \\log p_i + (1-y_i)\\log(1-p_i)`)
is part of its body: the index means nothing outside. `x^{(i)}` is `x_i`. `\\begin{cases}` is a
piecewise expression, each condition a comparison or 'otherwise'.

For the numeric test the ends of ranges and free indices (`z_i` in a softmax) are small whole
numbers and each element (`x_3`) a fixed random number, the same on both sides.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable, Iterable
from typing import Any

import sympy
from sympy.tensor.indexed import Indexed, IndexedBase

UNWRITTEN = "unwrittenend"  # the end of a range the writer left out (`\sum_i`)
_UNWRITTEN_TEX = r"\mathit{" + UNWRITTEN + "}"
WRITE_INSTEAD = r"write the index and its range, e.g. \sum_{i=1}^{n} x_i"

# ---------------------------------------------------------------- text

_HEAD = re.compile(r"\\(sum|prod)(?![A-Za-z])(?:\s*\\(?:no)?limits)?")
_GROUP = re.compile(r"\s*([_^])\s*(?:\{((?:[^{}]|\{[^{}]*\})*)\}|(\\?[A-Za-z0-9]))")
_UPPER_INDEX = re.compile(
    r"(?<![_\w{}])((?:\\[A-Za-z]+\s*\{[A-Za-z]\}|[A-Za-z]))\^\{\s*\(\s*([a-z])\s*\)\s*\}"
)
_SUBSCRIPT = re.compile(r"_(?:\{([^{}]*)\}|([A-Za-z0-9]))")
_STOP = re.compile(r"[=,&<>]|\\\\|\\right|\\end|\\[lg]eq?(?![A-Za-z])|\\neq|\\approx")


def rewrite_sums(s: str) -> str:
    """Every `\\sum`/`\\prod` given its range and its body in brackets (see module docstring);
    raises ValueError naming what to write where the index cannot be found."""
    s = s.replace("∑", r"\sum ").replace("Σ", r"\sum ").replace("∏", r"\prod ")
    s = _UPPER_INDEX.sub(r"\1_{\2}", s)  # x^{(i)}: the i-th x, never a power
    return _rewrite_from(s, 0)


def _rewrite_from(s: str, start: int) -> str:
    m = _HEAD.search(s, start)
    if m is None:
        return s
    at, groups = m.end(), {}
    for _ in range(2):
        g = _GROUP.match(s, at)
        if g is None or g.group(1) in groups:
            break
        groups[g.group(1)] = (g.group(2) if g.group(2) is not None else g.group(3)).strip()
        at = g.end()
    body_end = _body_end(s, at, _letters_of(groups.get("_"), s, at))
    head = _range(m.group(1), groups, s[at:body_end])
    body = _rewrite_from(s[at:body_end], 0)  # sums inside the body
    out = s[: m.start()] + head + "(" + body + ")"
    return _rewrite_from(out + s[body_end:], len(out))


def _letters_of(sub: str | None, s: str, at: int) -> list[str]:
    if sub is None:  # `\sum x_i`: the one index its body uses
        used = {x for x in _subscript_letters(s[at : _body_end(s, at, [])])}
        return sorted(used) if len(used) == 1 else []
    index = sub.split("=", 1)[0].strip()
    return (
        re.findall(r"[A-Za-z]", index)
        if re.fullmatch(r"[A-Za-z](?:\s*,?\s*[A-Za-z])*", index)
        else []
    )


def _range(kind: str, groups: dict[str, str], body: str) -> str:
    sub, sup = groups.get("_"), groups.get("^")
    command = "\\" + kind
    if sub is None:
        letters = sorted(set(_subscript_letters(body)))
        if len(letters) != 1:
            raise ValueError(f"a {_NAMES[kind]} without its index: {WRITE_INSTEAD}")
        sub = letters[0]
    index, _, low = sub.partition("=")
    names = re.findall(r"[A-Za-z]", index)
    if not re.fullmatch(r"\s*[A-Za-z](?:\s*,?\s*[A-Za-z])*\s*", index) or (low and len(names) > 1):
        raise ValueError(f"a {_NAMES[kind]} over {sub!r} cannot be read: {WRITE_INSTEAD}")
    top = sup or _UNWRITTEN_TEX
    start = low.strip() if low else "1"
    return "".join(f"{command}_{{{n}={start}}}^{{{top}}}" for n in names)


_NAMES = {"sum": "sum", "prod": "product"}


_INNER_HEAD = re.compile(r"\\(?:sum|prod)\s*_(?:\{[^{}]*\}|\S)")


def _subscript_letters(text: str) -> list[str]:
    """The letters in the subscripts of a text (an inner sum's own index left out)."""
    text = _INNER_HEAD.sub(" ", text)
    return [c for m in _SUBSCRIPT.finditer(text) for c in (m.group(1) or m.group(2)) if c.isalpha()]


def _body_end(s: str, start: int, letters: Iterable[str]) -> int:
    """Where a sum's body ends: a closing bracket or separator, or a `+`/`-` before a term that
    does not use the sum's index."""
    wanted = set(letters)
    end = _term_end(s, start)  # the first term, whatever it holds
    while end < len(s) and s[end] in "+-":
        after = _term_end(s, end + 1)
        term = s[end + 1 : after]
        if _HEAD.search(term) or not wanted & set(_subscript_letters(term)):
            return end  # a term without the index, or a sum of its own: `\sum_i a_i + \sum_i b_i`
        end = after
    return end


def _term_end(s: str, start: int) -> int:
    """Where the term from `start` ends: a closing bracket or separator, or a `+`/`-` after
    some of it."""
    depth, i = 0, start
    while i < len(s):
        c = s[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return i
            depth -= 1
        elif depth == 0 and (_STOP.match(s, i) or (c in "+-" and s[start:i].strip())):
            return i
        i += 1
    return len(s)


# ---------------------------------------------------------------- cases

_CASES = re.compile(r"^\s*\\begin\{cases\}(.*)\\end\{cases\}\s*$", re.S)
_OTHERWISE = re.compile(r"(?i)^\s*(?:otherwise|else|sonst|sinon|elsewhere|sino)?\s*\.?\s*$")
_IF = re.compile(r"(?i)^\s*(?:if|for|when|falls|si|wenn)\b|^[\s,;]+")


def cases_rows(latex: str) -> list[tuple[str, str]] | None:
    """The (value, condition) rows of an expression that is one `\\begin{cases}`, else None."""
    m = _CASES.match(latex)
    if m is None:
        return None
    rows = []
    for row in re.split(r"\\\\", m.group(1)):
        if not row.strip():
            continue
        value, _, condition = row.partition("&")
        value = value.strip().rstrip(",;").strip()  # `1, & x \geq 0`
        rows.append((value, _IF.sub("", condition.strip()).strip()))
    return rows


def piecewise(rows: list[tuple[Any, str]], parse_condition: Callable[[str], Any]) -> Any:
    """A SymPy Piecewise of parsed values and their conditions ('otherwise' for the rest)."""
    pieces = []
    for value, condition in rows:
        if _OTHERWISE.match(condition):
            pieces.append((value, sympy.true))
            continue
        parsed = parse_condition(condition)
        if not isinstance(parsed, sympy.logic.boolalg.Boolean):
            raise ValueError(
                f"the case condition {condition!r} cannot be read: write a comparison such as "
                "x > 0, or 'otherwise'"
            )
        pieces.append((value, parsed))
    return sympy.Piecewise(*pieces)


# ---------------------------------------------------------------- trees

_NAME = re.compile(r"^(?P<base>.+?)_(?:\{(?P<braced>.*)\}|(?P<plain>[^{}_]+))$")
_BOUND = (sympy.Sum, sympy.Product)


def _split_name(name: str) -> tuple[str, list[Any]] | None:
    """'x_i' → ('x', [i]); 'w_{ij}' → ('w', [i, j]); 'x_{i+1}' → ('x', [i + 1]); else None."""
    m = _NAME.match(name)
    if m is None:
        return None
    sub = (m.group("braced") if m.group("braced") is not None else m.group("plain")).strip()
    if "," in sub:
        parts = [p.strip() for p in sub.split(",")]
    else:  # `w_{ij}`: one index a letter; `x_{i+1}`, `x_{12}`: one index
        parts = list(sub) if re.fullmatch(r"[a-z]{1,3}", sub) else [sub]
    indices = []
    for part in parts:
        if re.fullmatch(r"\d+", part):
            indices.append(sympy.Integer(int(part)))
        elif t := re.fullmatch(r"([a-z])\s*([+-])\s*(\d+)", part):
            step = int(t.group(3)) * (1 if t.group(2) == "+" else -1)
            indices.append(sympy.Symbol(t.group(1)) + step)
        elif re.fullmatch(r"[a-z]", part):
            indices.append(sympy.Symbol(part))
        else:
            return None
    return m.group("base"), indices


def indexed_bases(tree: Any) -> set[str]:
    """The names used with a sum's or product's index as subscript (x in `\\sum_i x_i`)."""
    found: set[str] = set()

    def walk(e: Any, bound: frozenset[Any]) -> None:
        if isinstance(e, _BOUND):
            inner = bound | {limit[0] for limit in e.limits}
            walk(e.function, inner)
            for limit in e.limits:
                for part in limit[1:]:
                    walk(part, bound)
            return
        if isinstance(e, sympy.Symbol) and e.is_commutative and (split := _split_name(e.name)):
            free = set().union(*(i.free_symbols for i in split[1]))
            if free and free <= bound:
                found.add(split[0])
        for arg in e.args:
            walk(arg, bound)

    if isinstance(tree, sympy.Basic):
        walk(tree, frozenset())
    return found


def with_indices(tree: Any, bases: set[str]) -> Any:
    """Every `base_sub` symbol of an indexed base as an element `base[sub]`; bound indices
    renamed by depth, so `\\sum_i x_i` and `\\sum_j x_j` are one tree."""
    if not bases or not isinstance(tree, sympy.Basic):
        return tree

    def element(symbol: Any) -> Any:
        split = _split_name(symbol.name)
        if split is None or split[0] not in bases or not symbol.is_commutative:
            return symbol
        # real=True: a label apart from a plain symbol of the same name (`\\sum_i x_i - x`)
        return IndexedBase(sympy.Symbol(split[0], real=True))[tuple(split[1])]

    replaced = tree.xreplace({s: element(s) for s in tree.atoms(sympy.Symbol)})
    return _renamed(replaced, 0)


def _renamed(e: Any, depth: int) -> Any:
    if isinstance(e, _BOUND):
        mapping: dict[Any, Any] = {}
        limits: list[Any] = []
        for k, (var, low, high) in enumerate(reversed(e.limits)):
            new = sympy.Symbol(f"idx{depth + k}")
            mapping[var] = new
            limits.insert(0, (new, _renamed(low, depth), _renamed(high, depth)))
        body = _renamed(e.function.xreplace(mapping), depth + len(e.limits))
        return type(e)(body, *limits)
    if not e.args:
        return e
    return e.func(*(_renamed(a, depth) for a in e.args))


# ---------------------------------------------------------------- numbers for the numeric test


def whole_number_symbols(tree: Any) -> tuple[set[Any], set[Any]]:
    """(the free symbols in ranges' ends, the free indices of elements): whole numbers both."""
    ends: set[Any] = set()
    indices: set[Any] = set()
    for node in sympy.preorder_traversal(tree):
        if isinstance(node, _BOUND):
            for limit in node.limits:
                ends |= limit[1].free_symbols | limit[2].free_symbols
        elif isinstance(node, Indexed):
            for index in node.indices:
                indices |= index.free_symbols
    bound = {
        limit[0]
        for node in sympy.preorder_traversal(tree)
        if isinstance(node, _BOUND)
        for limit in node.limits
    }
    return ends - bound, indices - bound - ends


def uses_unwritten(tree: Any) -> bool:
    return isinstance(tree, sympy.Basic) and any(
        s.name == UNWRITTEN for s in tree.free_symbols if isinstance(s, sympy.Symbol)
    )


def elements_valued(expr: Any, point_no: int, sign: Callable[[str], float]) -> Any:
    """Each element `x[3]` as a fixed random number (the same for key and answer)."""

    def value(element: Any) -> Any:
        if any(not i.is_Integer for i in element.indices):
            raise ValueError("an element with an index that is not a whole number")
        name = f"{element.base.label}{tuple(element.indices)}"
        rng = random.Random(zlib.crc32(f"{name}|{point_no}".encode()))
        return sympy.Float(sign(name) * rng.uniform(0.1, 1.9), 30)

    return expr.replace(lambda e: isinstance(e, Indexed), value)


def unrolled(expr: Any) -> Any:
    """Sums and products over whole-number ranges written out term by term (faster than
    SymPy's `doit`, which looks for closed forms first)."""

    def unroll(node: Any) -> Any:
        body = node.function
        for var, low, high in node.limits:  # the innermost first
            if not (low.is_Integer and high.is_Integer) or int(high) - int(low) > 50:
                return node
            terms = [body.xreplace({var: sympy.Integer(k)}) for k in range(int(low), int(high) + 1)]
            body = sympy.Add(*terms) if isinstance(node, sympy.Sum) else sympy.Mul(*terms)
        return body

    return expr.replace(lambda e: isinstance(e, _BOUND), unroll)
