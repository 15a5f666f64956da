"""The metadata block that may open a Markdown file: one reader for answer scripts, drafted
exam documents and Quarto/R Markdown papers.

A block opens the file with `---` (YAML-like) or `+++` (TOML-like) alone on the first line and
closes with the same fence (or `...` after `---`) within `REACH` lines. Its lines are
`key: value` (or `key = value`); the lines indented under a key with no value on its line
(a nested block) and list items (`- x`) are kept out of `fields`; blank lines and `#`
comments are skipped. The first other line is `stray`: each caller decides what that means
(a script's front matter with a wrong line is an error; in an exam document it shows that the
`---` was a rule, not metadata).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

REACH = 60  # a metadata block is a few lines; a `---` further on is a Markdown rule

_FIELD = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*[:=][ \t]*(?P<value>.*?)[ \t]*$")


@dataclass(frozen=True)
class Field:
    key: str  # lower-cased
    value: str  # quotes around it dropped
    line: int  # index into the lines given


@dataclass(frozen=True)
class FrontMatter:
    end: int  # index of the first line after the closing fence
    fields: tuple[Field, ...]
    stray: int | None  # index of the first line that is not metadata; None when every one is

    def get(self, key: str) -> Field | None:
        """The first field named `key` (lower case)."""
        return next((f for f in self.fields if f.key == key), None)

    def values(self) -> dict[str, str]:
        """Key → value; a key given twice keeps its last value."""
        return {f.key: f.value for f in self.fields}


def opening(lines: Sequence[str], *, reach: int = REACH) -> FrontMatter | None:
    """The metadata block opening `lines` and closed within `reach` lines, or None."""
    if not lines:
        return None
    fence = lines[0].strip()
    if fence not in ("---", "+++") or lines[0][:1].isspace():
        return None
    closers = ("---", "...") if fence == "---" else ("+++",)
    fields: list[Field] = []
    stray: int | None = None
    nesting: int | None = None  # the indent of a key whose value is the block under it
    for index in range(1, min(len(lines), reach)):
        line = lines[index]
        text = line.strip()
        if text in closers and not line[:1].isspace():
            return FrontMatter(end=index + 1, fields=tuple(fields), stray=stray)
        if not text or text.startswith("#") or text.startswith("- "):
            continue
        indent = len(line) - len(line.lstrip())
        if nesting is not None and indent > nesting:
            continue  # inside the key above, whose value is the lines under it
        field = _FIELD.match(text)
        if field is not None:
            fields.append(Field(field["key"].lower(), _unquote(field["value"]), index))
            nesting = indent if not field["value"] else None
        elif stray is None:
            stray = index
    return None


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value
