"""Named components: "w1 = 1, w2 = 3" is one answer, the vector [1, 3], not two numbers.

Students write a vector answer by naming its components: "w1 = 3.8, w2 = 2.84", "x = 2 and
y = -1", `w_1 = 1,\\; w_2 = 3`, one per line, each in its own math, `c_1 = [1, 2], c_2 = [3, 4]`
for rows, and often with the working in between (`w_1 = 5 - 0.1(12) = 3.8`). `named_runs`
reads such runs: two or more distinct names, each followed by `=` (`≈`, `:=`, `&=`), working
without words or commas, and a value, with only separators ("," ";" "and", LaTeX spacing,
line breaks, `$`) and remarks in parentheses between them. The same name twice ("w = 3.8, then
w = 2.84") is a sequence, not a vector. `norm_name` writes a name one way: `w_1`, `w_{1}`,
`w^{(1)}` and `w1` are one name; case is kept (`W` is not `w`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from gradewise.checkers.extract import Reading, shape, value_reader

# A name (`w1`, `w_1`, `w_{1}`, `w^{(1)}`, `\theta_1`, `\mathbf{w}_1`, `x'`), then `=`, `≈`,
# `:=` or `&=`.
_DECORATION = r"\\(?:mathbf|boldsymbol|bm|vec|mathrm|mathit|hat|bar|tilde)\s*"
_NAME_WRAP = re.compile(_DECORATION + r"\{([^{}]*)\}")
_NAME = (
    r"(?:" + _DECORATION + r"\{\s*\\?[A-Za-z]+\s*\}"
    r"|\\?[A-Za-z]+)"
    r"(?:\d+|_\{[^{}]{1,12}\}|_[A-Za-z0-9]|\^\{\(?[^{}()]{1,8}\)?\}|\^\(\d+\)|\^\*|\*|')*"
)
_NAME_ONLY = re.compile(_NAME)
_ASSIGN_REL = re.compile(r"&?\s*(?::=|(?<![<>!=])=(?!=)|≈|\\approx(?![A-Za-z]))")
_ASSIGN = re.compile(r"(?<![\w\\^_{|])(?P<name>" + _NAME + r")\s*" + _ASSIGN_REL.pattern)
_CHAIN_STOP = re.compile(r"[,;\n]|(?<![\\A-Za-z])[A-Za-z]{2,}")
_NAMED_SEP = re.compile(
    r"(?:\s|[,;.$&]|\\\\|\\[,;:! ]|\\q?quad(?![A-Za-z])|(?<![A-Za-z])and(?![A-Za-z])"
    r"|\\text\s*\{\s*(?:and|,)?\s*\}|\\(?:begin|end)\{[A-Za-z*]+\})*"
)
_REMARK = re.compile(r"\([^()\n]*\)")


def is_name(written: str) -> bool:
    """Whether `written` is a name as named components are read (`w1`, `w_{1}`, `\\theta_1`)."""
    return _NAME_ONLY.fullmatch(written.strip()) is not None


def norm_name(written: str) -> str:
    """A written name in one form: `w_1`, `w_{1}`, `w^{(1)}`, `\\mathbf{w}_1` are all `w1`."""
    bare = _NAME_WRAP.sub(r"\1", written).replace("\\", "")
    return re.sub(r"[\s_^{}()]", "", bare)


@dataclass(frozen=True)
class _Assignment:
    name: str
    start: int
    value: Reading


def named_runs(text: str, start: int = 0, end: int | None = None) -> list[Reading]:
    """Named components written one after another ("w1 = 1, w2 = 3", "x = 2 and y = -1", one
    per line, each in its own math): one reading each, its value the vector (or the rows) of
    the components in the order written, its `names` theirs. Two or more distinct names."""
    end = len(text) if end is None else end
    hits = list(_ASSIGN.finditer(text, start, end))
    read = value_reader(text[:end])
    found: list[_Assignment | None] = []
    for i, m in enumerate(hits):
        last = i + 1 == len(hits)
        stop = _line_end(text, m.end(), end) if last else hits[i + 1].start()
        found.append(_assignment(text, read, m, stop, last))
    runs: list[list[_Assignment]] = [[]]
    for a in found:
        if a is None:
            runs.append([])
        else:
            runs[-1].append(a)
    return [r for run in runs if (r := _run_reading(run)) is not None]


def _line_end(text: str, i: int, end: int) -> int:
    j = text.find("\n", i, end)
    return end if j < 0 else j


def _assignment(
    text: str, read: Callable[[int], Reading | None], m: re.Match[str], stop: int, last: bool
) -> _Assignment | None:
    """`name = value` (or `name = working = value`) filling text up to `stop` but separators;
    after the last one of a region, prose may follow the value."""
    value = read(_chain_end(text, m.end(), stop))
    if value is None or value.end > stop or not _tail_ok(text[value.end : stop], last):
        return None
    return _Assignment(norm_name(m.group("name")), m.start(), value)


def _chain_end(text: str, i: int, stop: int) -> int:
    """Past the last relation of `= 5 - 0.1(12) = 3.8`: working in symbols, no words or commas."""
    depth, cut, j = 0, i, i
    while j < stop:
        c = text[j]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth <= 0 and _CHAIN_STOP.match(text, j):
            break
        elif depth <= 0 and (rel := _ASSIGN_REL.match(text, j)):
            cut = j = rel.end()
            continue
        j += 1
    return cut


def _tail_ok(rest: str, last: bool) -> bool:
    """Only separators and remarks in parentheses after a value; prose too after the last."""
    j = 0
    while True:
        j = _NAMED_SEP.match(rest, j).end()  # type: ignore[union-attr]
        remark = _REMARK.match(rest, j)
        if remark is None:
            break
        j = remark.end()
    if j == len(rest):
        return True
    return last and j > 0 and rest[j - 1].isspace() and rest[j].isalpha()


def _run_reading(run: list[_Assignment]) -> Reading | None:
    names = tuple(a.name for a in run)
    if len(run) < 2 or len(set(names)) < len(names):
        return None  # "w = 3.8, then w = 2.84" is a sequence, not a vector
    value = tuple(a.value.value for a in run)
    if shape(value) is None:
        return None
    parts = tuple(a.value for a in run)
    return Reading(run[0].start, run[-1].value.end, (value,), parts, names)
