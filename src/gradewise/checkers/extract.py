"""Reading numbers out of student text (typed or OCR'd Markdown + LaTeX); where the final
answer is, `locate`; named components ("w1 = 1, w2 = 3"), `named`.

What values does the text hold? `scan` returns every `Reading`: a value with its (start,
end) span. The reader understands scalars (`-3`, `0.714`, `.5`, `1e-3`, `1\\times10^{-3}`,
`2^{10}`, `10/14`, `\\frac{5}{7}`, `\\dfrac`, `\\sqrt{2}`, `75%`; as typed: `π/2`, `2\\pi`,
`pi/2`, `√2`, `sqrt(2)`, `½`, `2¾`, `10⁻³`), products (`7 × 3 × 5`,
`32 x 128`, `12 * 5`), vectors (`[32, 128, 26, 26]`, `(-72, -72)`, `[1 \\ 0.1 \\ 0.01]`,
`10, 24, 32, 32`), matrices (nested lists, `[1 2; 3 4]`, `\\begin{bmatrix}` / pmatrix /
matrix / array) and a scalar times a matrix (`\\frac{1}{3}\\begin{bmatrix}...`).

Rules worth knowing (the tests pin each one):
- Numbers written with finite digits are exact (`Fraction`): `0.714` is 714/1000, not 5/7.
  Only `\\sqrt` of a non-square gives a float.
- A reading may have several values (`Reading.values`, most likely first): a product
  `7 × 3 × 5` is both 105 and the shape [7, 3, 5]; `75%` is both 0.75 and 75. The checker keeps
  the value whose shape fits the key.
- "1,000" (no space, groups of three, outside brackets) is one thousand, and so are `1{,}000`,
  `1\\,000`, "1'000" and digits grouped by a thin space; "1, 000", "1,5" and any commas inside
  brackets separate elements; "1 000" is two numbers (the numeric checker's second look).
- "5 percent" is 5%, as "5%" and `5\\%` are.
- `± 0.1`, `\\pm 0.1`, `+/- 0.1` after a value is its stated error, never a value of its own.
- π before a variable, a subscript or a bracket (`π r^2`, `2πr`, `\\pi_1`, `π(a|s)`) is part of
  a formula or a name, not a value.
- A parenthesised pair `(1, 2)` is a vector, never an interval; `(5)` is the scalar 5.
- Digits glued to letters or written as sub/superscripts (`Q3`, `x_1`, `\\theta_{t+1}`, `x^2`,
  `conv2d`), inside `\\textcircled{...}`, `\\tag{...}` and the like, and a line-leading label such
  as `(2) ...` or `3. ...` are not values. A number glued to a following letter (`2x`, `5th`) is
  not a value either, except `32x128` style products.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeAlias

from gradewise.checkers.unicode_math import SUPER_EXPONENT, VULGAR, exponent
from gradewise.errors import KeyParamsError
from gradewise.model import Key, Outcome, Status

Value: TypeAlias = Fraction | float | tuple["Value", ...]
Scalar: TypeAlias = Fraction | float

# Largest power of ten (or other base) we agree to expand exactly; beyond it the text is noise.
_MAX_EXPONENT = 400
# Limits that keep runaway input (thousands of unclosed brackets) linear: no real value is
# nested deeper or written across a longer group.
_MAX_DEPTH = 12
_GROUP_LIMIT = 2000

_DIGITS = "0123456789"
_NUM = re.compile(r"(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?")
# Between groups of three digits: a comma, LaTeX's "{,}" or thin space "\,", a thin or no-break
# space, an apostrophe. A plain space is not one: "64 128" is as likely two numbers.
_GROUP_SEP = r"(?:,|\{,\}|\\,|[\u2009\u202f\u00a0'])"
_THOUSANDS = re.compile(rf"\d{{1,3}}(?:{_GROUP_SEP}\d{{3}})+(?:\.\d+)?(?!{_GROUP_SEP}?\d)")
_GROUP_SEPS = re.compile(_GROUP_SEP)
_CMD = re.compile(r"\\([A-Za-z]+)")
_SPACE = re.compile(r"(?:\s|\\[,;:! ]|\\q?quad\b|~|\\hspace\{[^}]*\})*")
# `10^{-3}`; as typed, `10^-3` and `10^23` (never 10² then a 3).
_EXPONENT = re.compile(r"\^\s*(?:\{\s*([-−+]?\s*\d+)\s*\}|([-−]?\d+)(?![.\d]))")
# A quotient's operator: `5/7`, `5 ÷ 7`, `5 \div 7`.
_DIVIDE = re.compile(r"/|÷|\\div(?![A-Za-z])")
_PRODUCT_OP = re.compile(r"\\times(?![A-Za-z])|×|\\cdot(?![A-Za-z])|·|\*|[xX](?=\s*[-−]?[\d.\\])")
_MATRIX_ENV = re.compile(r"\\begin\{((?:[pbB]|small)?matrix\*?|array)\}")
# Commands whose brace argument is never a value (labels, colours, environment names).
_SKIP_GROUP_CMDS = frozenset(
    {
        "textcircled",
        "circled",
        "tag",
        "label",
        "ref",
        "eqref",
        "hspace",
        "vspace",
        "color",
        "textcolor",
        "end",
        "begin",
        "includegraphics",
        "url",
        "href",
        "cite",
    }
)
_VALUE_CMDS = frozenset(["frac", "dfrac", "tfrac", "cfrac", "sqrt", "begin", "left"])
_FRAC_CMDS = frozenset(["frac", "dfrac", "tfrac", "cfrac"])
_LABEL = re.compile(r"[ \t>*#-]*(?:\(\d{1,2}\)|\d{1,2}[.)])[ \t]+\S")
_WORD_BEFORE = re.compile(r"(?<![\\A-Za-z])([A-Za-z]+)$")
_PERCENT = re.compile(r"\s*(?:\\?%|per\s?cent(?![A-Za-z]))")
_OPENER = re.compile(r"(\\left\s*)?(\\lbrack|\[|\()")
_CLOSERS = {c: re.compile(r"(\\right\s*)?" + re.escape(c)) for c in (")", "]", "\\rbrack")}
_SCALE_OP = re.compile(r"\s*(?:\\cdot|\\times|\*|×)?\s*")
_LEFT_BRACKET = re.compile(r"\\left\s*\[|\[")
_BINARY_OP = re.compile(r"\+|[-−]\s")
_GLUED_X = re.compile(r"[xX]\d")
_COMMA = re.compile(r"\s*,\s*")
_WORD = re.compile(r"\w+")
_DIGIT_RUN = re.compile(r"[\d.,]+")
# π as a number: 'π', '\pi', the word 'pi'; a root: '√2', '√(2)', 'sqrt(2)'.
_PI = re.compile(r"π|\\pi(?![A-Za-z])|(?<![A-Za-z])pi(?![A-Za-z])")
_VARIABLE_AFTER = re.compile(r"(?:\s|\\[,;:! ])*(?:[A-Za-z_(]|\\[A-Za-z])")
_ROOT = re.compile(r"√|(?<![A-Za-z\\])sqrt(?=\s*\()")
# '± 0.1', '\pm 0.1', '+/- 0.1' after a value: its stated error, not another value.
_PLUS_MINUS = re.compile(r"±|∓|\+/-|\+-(?=\s*\d)")
_SIGNED = re.compile(r"\s*[-−+]?\s*\d+")
_PM_COMMAND = re.compile(r"\\(?:pm|mp)(?![A-Za-z])")


@dataclass(frozen=True)
class Reading:
    """A value read from the text: `values` are its readings (most likely first), `parts`
    the readings of its elements (vector items, matrix rows), with their own spans, and
    `names` the names written before them when the value is named components."""

    start: int
    end: int
    values: tuple[Value, ...]
    parts: tuple[Reading, ...] = ()
    names: tuple[str, ...] = ()  # named components ("w1 = 1, w2 = 3"): the parts' names

    @property
    def value(self) -> Value:
        return self.values[0]


# ---------------------------------------------------------------- small helpers


def _exact(s: str) -> Fraction:
    return Fraction(_GROUP_SEPS.sub("", s))


def _pow(base: Fraction | float, exp: int) -> Fraction | float | None:
    if abs(exp) > _MAX_EXPONENT or (base == 0 and exp < 0):
        return None
    return base**exp


def _sqrt(x: Fraction | float) -> Fraction | float | None:
    if x < 0:
        return None
    if isinstance(x, Fraction):
        n, d = math.isqrt(x.numerator), math.isqrt(x.denominator)
        if n * n == x.numerator and d * d == x.denominator:
            return Fraction(n, d)
    return math.sqrt(x)


def close_brace(text: str, i: int, limit: int | None = None) -> int | None:
    """Index of the brace closing the one at `i` (looking at most `limit` ahead), or None."""
    depth = 0
    for j in range(i, len(text) if limit is None else min(len(text), i + limit)):
        if text[j] == "{" and (j == 0 or text[j - 1] != "\\"):
            depth += 1
        elif text[j] == "}" and text[j - 1] != "\\":
            depth -= 1
            if depth == 0:
                return j
    return None


def _split_top(text: str, sep: str) -> list[tuple[int, int]]:
    """Spans of `text` split at `sep` outside braces and brackets."""
    spans, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c in "{[(":
            depth += 1
        elif c in "}])":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            spans.append((start, i))
            start = i = i + len(sep)
            continue
        i += 1
    spans.append((start, len(text)))
    return spans


# ---------------------------------------------------------------- the parser


class _Parser:
    """Recursive descent over the original text, so every reading keeps its true span."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.depth = 0

    def ws(self, i: int) -> int:
        return _SPACE.match(self.text, i).end()  # type: ignore[union-attr]

    # ---- scalars

    def number(self, i: int, top: bool) -> tuple[Fraction, int] | None:
        """A plain number; thousands separators only outside brackets (`top`)."""
        m = (_THOUSANDS.match(self.text, i) if top else None) or _NUM.match(self.text, i)
        if not m:
            return None
        end = m.end()
        if self.text[end : end + 1] in VULGAR and "." not in m.group():
            return _exact(m.group()) + VULGAR[self.text[end]], end + 1  # '2½'
        if (pi := _PI.match(self.text, end)) is not None:
            if _VARIABLE_AFTER.match(self.text, pi.end()):
                return None  # '2πr': a formula, not a value
            return _exact(m.group()) * math.pi, pi.end()  # type: ignore[return-value]  # '2π''
        if end < len(self.text) and self.text[end].isalpha() and not _GLUED_X.match(self.text, end):
            return None  # "2x", "5th", "3rd": not a value
        return _exact(m.group()), end

    def atom(self, i: int, top: bool = False) -> tuple[Fraction | float, int] | None:
        """A signed number, fraction, root or group, with an optional integer exponent."""
        i = self.ws(i)
        sign = 1
        if i < len(self.text) and self.text[i] in "-−+":
            sign = -1 if self.text[i] != "+" else 1
            i = self.ws(i + 1)
        got = self.unsigned(i, top)
        got = self.power(*got) if got is not None else None
        return (sign * got[0], got[1]) if got is not None else None

    def unsigned(self, i: int, top: bool) -> tuple[Fraction | float, int] | None:
        c = self.text[i : i + 1]
        if not c:
            return None
        if c in _DIGITS or c == ".":
            return self.number(i, top)
        if c in VULGAR:
            return VULGAR[c], i + 1
        if (pi := _PI.match(self.text, i)) is not None:
            if _VARIABLE_AFTER.match(self.text, pi.end()):
                return None  # 'π r^2': a formula, not a value
            return math.pi, pi.end()
        if (radical := _ROOT.match(self.text, i)) is not None:
            under = self.unsigned(self.ws(radical.end()), top)
            value = _sqrt(under[0]) if under else None
            return (value, under[1]) if under and value is not None else None
        if c == "{":
            return self.group_scalar(i)
        if c == "(":
            close = self.text.find(")", i, i + _GROUP_LIMIT)
            return self.full_scalar(i + 1, close, close + 1) if close > 0 else None
        m = _CMD.match(self.text, i)
        if m and m.group(1) in _FRAC_CMDS:
            return self.frac(m.end())
        if m and m.group(1) == "sqrt":
            got = self.group_scalar(self.ws(m.end()))
            root = _sqrt(got[0]) if got else None
            return (root, got[1]) if got and root is not None else None
        return None

    def power(self, x: Fraction | float, i: int) -> tuple[Fraction | float, int] | None:
        if (sup := SUPER_EXPONENT.match(self.text, i)) is not None:
            y = _pow(x, int(exponent(sup.group())))  # '10⁻³', '2¹⁰'
            return (y, sup.end()) if y is not None else None
        m = _EXPONENT.match(self.text, i)
        if not m:
            return None if self.text.startswith("^", i) else (x, i)
        exp = int((m.group(1) or m.group(2)).replace("−", "-").replace(" ", ""))
        y = _pow(x, exp)
        return (y, m.end()) if y is not None else None

    def group_scalar(self, i: int) -> tuple[Fraction | float, int] | None:
        if not self.text.startswith("{", i):
            return None
        close = close_brace(self.text, i, _GROUP_LIMIT)
        return self.full_scalar(i + 1, close, close + 1) if close else None

    def full_scalar(self, lo: int, hi: int, after: int) -> tuple[Fraction | float, int] | None:
        """The text in [lo, hi) is exactly one scalar (products allowed); returns it and `after`."""
        if self.depth > _MAX_DEPTH:
            return None
        self.depth += 1
        try:
            got = self.product(lo)
        finally:
            self.depth -= 1
        if got is None or self.ws(got[1]) != hi or isinstance(got[0][0], tuple):
            return None
        return got[0][0], after

    def frac(self, i: int) -> tuple[Fraction | float, int] | None:
        i = self.ws(i)
        if self.text.startswith("{", i):
            num = self.group_scalar(i)
            den = self.group_scalar(self.ws(num[1])) if num else None
        else:  # \frac12
            digits = self.text[i : i + 2]
            ok = len(digits) == 2 and all(d in _DIGITS for d in digits)
            num = (Fraction(digits[0]), i + 1) if ok else None
            den = (Fraction(digits[1]), i + 2) if ok else None
        if num is None or den is None or den[0] == 0:
            return None
        return num[0] / den[0], den[1]

    def quotient(self, i: int, top: bool) -> tuple[Fraction | float, int] | None:
        got = self.atom(i, top)
        if got is None:
            return None
        j = self.ws(got[1])
        over = _DIVIDE.match(self.text, j)
        if over is not None and not self.text.startswith("//", j):
            den = self.atom(self.ws(over.end()), top)
            if den is not None and den[0] != 0:
                return got[0] / den[0], den[1]
        return got

    def product(self, i: int, top: bool = False) -> tuple[tuple[Value, ...], int] | None:
        """A quotient, or factors joined by × / \\times / \\cdot / * / x: (product, shape)."""
        first = self.quotient(i, top)
        if first is None:
            return None
        factors, spans, end = [first[0]], [(i, first[1])], first[1]
        while True:
            m = _PRODUCT_OP.match(self.text, self.ws(end))
            nxt = self.quotient(m.end(), top) if m else None
            if m is None or nxt is None:
                break
            factors.append(nxt[0])
            spans.append((m.end(), nxt[1]))
            end = nxt[1]
        return self.product_values(factors, spans), end

    def product_values(
        self, factors: list[Fraction | float], spans: list[tuple[int, int]]
    ) -> tuple[Value, ...]:
        total: Fraction | float = Fraction(1)
        for f in factors:
            total *= f
        if len(factors) == 1:
            return (total,)
        last = self.text[slice(*spans[-1])].strip()
        if len(factors) == 2 and re.fullmatch(r"10\s*\^.*", last):
            return (total,)  # scientific notation, not a shape
        return (total, tuple(factors))

    def scalar(self, i: int, top: bool) -> tuple[tuple[Value, ...], int] | None:
        """A product, with percent readings (`75%` is 0.75 and 75)."""
        got = self.product(i, top)
        if got is None:
            return None
        values, end = got
        pct = _PERCENT.match(self.text, end)
        if pct and len(values) == 1 and not isinstance(values[0], tuple):
            return (values[0] / 100, values[0]), pct.end()
        return values, end

    # ---- vectors and matrices

    def value(self, i: int, top: bool = False) -> Reading | None:
        """The longest value starting at `i`."""
        if self.depth > _MAX_DEPTH:
            return None  # nothing a student writes nests this deep; stop runaway input early
        self.depth += 1
        try:
            return self._value(self.ws(i), top)
        finally:
            self.depth -= 1

    def _value(self, i: int, top: bool) -> Reading | None:
        for reader in (self.matrix_env, self.bracket, self.scaled):
            got = reader(i)
            if got is not None:
                return got
        got_scalar = self.scalar(i, top)
        if got_scalar is None:
            return None
        return Reading(i, got_scalar[1], got_scalar[0])

    def matrix_env(self, i: int) -> Reading | None:
        m = _MATRIX_ENV.match(self.text, i)
        if not m:
            return None
        body = m.end()
        if m.group(1) == "array" and self.text.startswith("{", body):
            close = close_brace(self.text, body, _GROUP_LIMIT)
            body = close + 1 if close else body
        end = self.text.find("\\end{" + m.group(1) + "}", body)
        if end < 0:
            return None
        rows = self.rows(body, end, r"\\", "&")
        if rows is None:
            return None
        return Reading(i, end + len(m.group(1)) + 6, (tuple(r.value for r in rows),), tuple(rows))

    def rows(self, lo: int, hi: int, row_sep: str, cell_sep: str) -> list[Reading] | None:
        chunk = self.text[lo:hi]
        rows: list[Reading] = []
        for a, b in _split_top(chunk, row_sep):
            if not chunk[a:b].strip():
                continue  # a trailing "\\" leaves an empty row
            cells = [self.cell(lo + a + c, lo + a + d) for c, d in _split_top(chunk[a:b], cell_sep)]
            if any(c is None for c in cells):
                return None
            row = tuple(c for c in cells if c is not None)
            rows.append(Reading(row[0].start, row[-1].end, (tuple(c.value for c in row),), row))
        return rows or None

    def cell(self, lo: int, hi: int) -> Reading | None:
        got = self.value(self.ws(lo))
        if got is None or self.ws(got.end) < hi:
            return None
        return got

    def bracket(self, i: int) -> Reading | None:
        """`[...]`, `(...)`, `\\left[...\\right]`: items split by commas, semicolons or spaces."""
        m = _OPENER.match(self.text, i)
        if not m:
            return None
        closer = {"(": ")", "[": "]", "\\lbrack": "\\rbrack"}[m.group(2)]
        items, rows, j = self.items(m.end(), closer)
        if items is None:
            return None
        end = _CLOSERS[closer].match(self.text, j)
        if not end:
            return None
        return self.bracket_reading(i, end.end(), items, rows)

    def items(self, j: int, closer: str) -> tuple[list[Reading] | None, list[int], int]:
        """Items up to the closer; `rows` are the item counts where a `;` ends a row."""
        items: list[Reading] = []
        rows: list[int] = []
        while True:
            item = self.value(j)
            if item is None:
                return None, rows, j
            items.append(item)
            j = self.ws(item.end)
            if _CLOSERS[closer].match(self.text, j):
                return items, rows, j
            if self.text.startswith(";", j):
                rows.append(len(items))
            if self.text[j : j + 1] in (",", ";"):
                j += 1
            elif j == item.end or _BINARY_OP.match(self.text, j):
                return None, rows, j  # "[1 + 0.1^2]" is a sum, not the list [1, 0.01]

    def bracket_reading(self, i: int, end: int, items: list[Reading], rows: list[int]) -> Reading:
        if len(items) == 1 and not rows:
            return Reading(i, end, items[0].values, items[0].parts)
        if rows:
            bounds = [0, *rows, len(items)]
            groups = [items[a:b] for a, b in itertools.pairwise(bounds) if b > a]
            row_readings = tuple(
                Reading(g[0].start, g[-1].end, (tuple(r.value for r in g),), tuple(g))
                for g in groups
            )
            return Reading(i, end, (tuple(r.value for r in row_readings),), row_readings)
        return Reading(i, end, (tuple(r.value for r in items),), tuple(items))

    def scaled(self, i: int) -> Reading | None:
        """A scalar times a matrix or bracketed vector: `\\frac{1}{3}\\begin{bmatrix}...`."""
        got = self.product(i)
        if got is None or isinstance(got[0][0], tuple):
            return None
        m = _SCALE_OP.match(self.text, got[1])
        j = m.end() if m else got[1]
        if not (_MATRIX_ENV.match(self.text, j) or _LEFT_BRACKET.match(self.text, j)):
            return None
        inner = self.matrix_env(j) or self.bracket(j)
        if inner is None or not isinstance(inner.value, tuple):
            return None
        k = got[0][0]
        assert not isinstance(k, tuple)
        return Reading(i, inner.end, (_scale(k, inner.value),), inner.parts)

    # ---- top level: comma lists without brackets

    def top_value(self, i: int) -> Reading | None:
        """A value at top level; plain scalars joined by ", " form a vector (`10, 24, 32`)."""
        first = self.value(i, top=True)
        if first is None or not _plain(first):
            return first
        items = [first]
        while True:
            m = _COMMA.match(self.text, items[-1].end)
            nxt = self.value(m.end(), top=True) if m else None
            if m is None or nxt is None or not _plain(nxt):
                break
            items.append(nxt)
        if len(items) == 1:
            return first
        return Reading(first.start, items[-1].end, (tuple(r.value for r in items),), tuple(items))


def _plain(r: Reading) -> bool:
    return len(r.values) == 1 and not isinstance(r.value, tuple)


def _scale(k: Scalar, v: Value) -> Value:
    if isinstance(v, tuple):
        return tuple(_scale(k, x) for x in v)
    return k * v


# ---------------------------------------------------------------- scanning


def scan(text: str, start: int = 0, end: int | None = None) -> list[Reading]:
    """Every top-level value in text[start:end], in order, with spans into `text`."""
    end = len(text) if end is None else end
    parser = _Parser(text[:end])
    out: list[Reading] = []
    i = start
    while i < end:
        reading, i = _step(parser, text, i)
        if reading is not None and not _is_label(text, reading):
            out.append(reading)
    return out


def _step(parser: _Parser, text: str, i: int) -> tuple[Reading | None, int]:
    """Read a value at `i` or skip what cannot start one; returns the reading and where next."""
    c = text[i]
    if (pm := _PLUS_MINUS.match(text, i) or _PM_COMMAND.match(text, i)) is not None:
        error = _try(parser, pm.end())  # '2.5 ± 0.1': 0.1 is the value's error, not a value
        return None, error.end if error is not None else pm.end()
    if c in VULGAR or c == "π" or _PI.match(text, i) or _ROOT.match(text, i):
        got = _try(parser, i)
        if got is not None:
            return got, got.end
    if c == "\\":
        m = _CMD.match(text, i)
        if not m:
            return None, i + 2
        if m.group(1) in _VALUE_CMDS and not (
            m.group(1) == "begin" and not _MATRIX_ENV.match(text, i)
        ):
            got = _try(parser, i)
            if got is not None:
                return got, got.end
        if m.group(1) in _SKIP_GROUP_CMDS:
            return None, _skip_group(text, m.end())
        return None, m.end()
    if c in "_^":  # an index or an exponent, `s^-1` in a unit too, is no value
        sign = _SIGNED.match(text, i + 1)
        return None, sign.end() if sign else _skip_group(text, i + 1)
    if c.isalpha():
        return None, _WORD.match(text, i).end()  # type: ignore[union-attr]
    if c in _DIGITS or c in ".[(" or (c in "-−" and _is_sign(text, i)):
        got = _try(parser, i)
        if got is not None:
            return got, got.end
        if c in _DIGITS:
            return None, _DIGIT_RUN.match(text, i).end()  # type: ignore[union-attr]
    return None, i + 1


def _try(parser: _Parser, i: int) -> Reading | None:
    try:
        return parser.top_value(i)
    except (ArithmeticError, ValueError, RecursionError):
        return None


def _skip_group(text: str, i: int) -> int:
    """Past a `{...}` group (or one character, or one command) starting at `i`."""
    j = _SPACE.match(text, i).end()  # type: ignore[union-attr]
    if text.startswith("{", j):
        close = close_brace(text, j, _GROUP_LIMIT)
        return close + 1 if close is not None else j + 1
    m = _CMD.match(text, j)
    return m.end() if m else j + 1


def _is_sign(text: str, i: int) -> bool:
    """A minus is a sign unless it follows an operand (`a - 3`, `\\pi - 3` are differences); a
    word is no operand ("the answer is -3")."""
    j = i - 1
    while j >= 0 and text[j].isspace():
        j -= 1
    if j < 0 or not (text[j].isalnum() or text[j] in ")]}"):
        return True
    word = _WORD_BEFORE.search(text, max(0, j - 40), j + 1)
    return word is not None and len(word.group(1)) > 1


def _is_label(text: str, r: Reading) -> bool:
    """A line-leading `(2) ...` or `3. ...` numbers a sub-answer; it is not a value."""
    line_start = text.rfind("\n", 0, r.start) + 1
    if text[line_start : r.start].strip(" \t>*#-"):
        return False
    m = _LABEL.match(text, line_start)
    return m is not None and m.end() - 1 >= r.end


def value_reader(text: str) -> Callable[[int], Reading | None]:
    """Reads the value starting at an index of `text` (as `scan` would), None when none does."""
    parser = _Parser(text)
    return lambda i: _try(parser, i)


def walk(readings: list[Reading] | tuple[Reading, ...]) -> Iterator[Reading]:
    """Every reading and, recursively, the readings of its elements."""
    for r in readings:
        yield r
        yield from walk(r.parts)


def parse_value(text: str) -> Value | None:
    """The one value `text` holds entirely (e.g. a key written "5/7"), else None."""
    stripped = text.strip().strip("$").strip()
    if not stripped:
        return None
    parser = _Parser(stripped)
    try:
        got = parser.top_value(0)
    except (ArithmeticError, ValueError, RecursionError):
        return None
    if got is None or parser.ws(got.end) != len(stripped):
        return None
    return got.value


# ---------------------------------------------------------------- shapes and display


def squeeze(v: Value) -> Value:
    """Drop dimensions of size one: [[1], [2]], [[1, 2]] and [1, 2] are the same vector."""
    if not isinstance(v, tuple):
        return v
    if len(v) == 1:
        return squeeze(v[0])
    return tuple(squeeze(x) for x in v)


def shape(v: Value) -> tuple[int, ...] | None:
    """The shape of a value (() for a scalar), None when ragged."""
    if not isinstance(v, tuple):
        return ()
    shapes = {shape(x) for x in v}
    if len(shapes) != 1 or None in shapes:
        return None
    inner = shapes.pop()
    assert inner is not None
    return (len(v), *inner)


def flatten(v: Value) -> list[Fraction | float]:
    """The scalars of a value in row-major order."""
    if not isinstance(v, tuple):
        return [v]
    return [x for item in v for x in flatten(item)]


def show(v: Value) -> str:
    """A short normalised display: 26, 5/7, 0.714, 1.41421, [32, 128], [[1, 0], [0, 1]]."""
    if isinstance(v, tuple):
        return "[" + ", ".join(show(x) for x in v) + "]"
    if isinstance(v, float):
        return f"{v:.6g}"
    places = _decimal_places(v.denominator)
    if places is None:
        return f"{v.numerator}/{v.denominator}"
    if not places:
        return str(v.numerator)
    digits = str(abs(v.numerator * 10**places // v.denominator)).rjust(places + 1, "0")
    return ("-" if v < 0 else "") + digits[:-places] + "." + digits[-places:]


def _decimal_places(d: int) -> int | None:
    """Digits after the point that write 1/d exactly (d = 2^a 5^b), None if it cannot be."""
    counts = []
    for p in (2, 5):
        n = 0
        while d % p == 0:
            d //= p
            n += 1
        counts.append(n)
    return max(counts) if d == 1 and max(counts) <= 30 else None


def guarded(fn: Callable[[str, Key], Outcome], answer: str, key: Key, kind: str) -> Outcome:
    """Run a check; a bad key or a bug becomes an `error` outcome instead of an exception."""
    try:
        return fn(answer, key)
    except KeyParamsError as exc:
        return Outcome(Status.ERROR, reason=f"bad {kind} key: {exc}")
    except Exception as exc:  # a checker bug must never cost a student marks
        return Outcome(Status.ERROR, reason=f"{kind} checker failed: {exc!r}")
