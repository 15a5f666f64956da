"""Rubric edits written back into the exam file, which stays the source of truth.

An edit changes one criterion of one part in the round-trip tree (ruamel keeps comments, key
order, quoting and flow style), the tree is written out with the file's own indentation, and
the result is loaded again with the project's loader: an edit whose result would not load
raises that loader's ExamError, and the caller writes nothing.

Only the lines of the changed criterion are taken from that output and spliced into the file:
every other line stays byte for byte as written (ruamel would join criteria an author split
over lines, all over the file). The spliced file must load as the same exam as ruamel's whole
output, or that output is written instead. The changed criterion itself comes back on one line.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from gradewise.errors import ExamError
from gradewise.exam.load import load_exam_text
from gradewise.model import Criterion, Exam, Region, Template

Op = Literal["edit", "add", "delete"]
# Wide enough that ruamel never folds a line the author wrote on one.
_WIDTH = 4096


@dataclass(frozen=True)
class RubricChange:
    """One change to one criterion: `edit` sets text, marks and/or exclusive group ("": out of
    its group), `add` appends, `delete`."""

    op: Op
    criterion: str
    text: str | None = None
    marks: float | None = None
    group: str | None = None


@dataclass(frozen=True)
class Edited:
    """The exam file's new text, the exam it loads as, and the criterion before and after."""

    text: str
    exam: Exam
    old: Criterion | None
    new: Criterion | None


def edit_rubric(
    text: str, address: str, change: RubricChange, *, source: str, before: Exam | None = None
) -> Edited:
    """Apply `change` to the rubric of part `address` in exam file `text`.

    Raises ExamError when the part has no rubric, the criterion is not there (or, to add, is
    there already), or the changed file would not load (the loader's message, with its line).
    `before`: the exam `text` loads as, when the caller has it already.
    """
    before = before or load_exam_text(text, source)
    yaml = _yaml(text)
    tree = yaml.load(text)
    rubric = _rubric(tree, address, source)
    index = _index(rubric, change.criterion)
    lines = text.splitlines(keepends=True)
    # The original lines the change replaces, found before it moves the nodes.
    at = len(rubric) - 1 if index is None else index
    span = _span(lines, rubric, at)
    old = span if index is not None else range(span.stop, span.stop)
    if change.op == "add":
        if index is not None:
            raise ExamError(
                f"part {address} already has a criterion {change.criterion!r}",
                file=source,
                fix="choose another id",
            )
        rubric.append(_new_item(rubric, change))
    elif index is None:
        raise ExamError(
            f"part {address} has no criterion {change.criterion!r}",
            file=source,
            fix="reload the page to see the current rubric",
        )
    elif change.op == "delete":
        del rubric[index]
    else:
        _set(rubric[index], change)
    out = io.StringIO()
    yaml.dump(tree, out)
    after = load_exam_text(out.getvalue(), source)
    new_index = None if change.op == "delete" else (index if index is not None else len(rubric) - 1)
    written = _spliced(lines, old, _column(lines, span.start), out.getvalue(), address, new_index)
    return Edited(
        written if _loads_as(written, after, source) else out.getvalue(),
        after,
        _criterion(before, address, change.criterion),
        _criterion(after, address, change.criterion),
    )


def _span(lines: list[str], rubric: CommentedSeq, index: int) -> range:
    """The lines of rubric item `index`: its first, and each after it indented deeper."""
    start = rubric.lc.item(index)[0]
    dash = _column(lines, start)
    stop = start + 1
    while stop < len(lines) and lines[stop].strip() and _column(lines, stop) > dash:
        stop += 1
    return range(start, stop)


def _column(lines: list[str], line: int) -> int:
    return len(lines[line]) - len(lines[line].lstrip(" "))


def _spliced(
    lines: list[str], old: range, dash: int, dumped: str, address: str, index: int | None
) -> str:
    """The file's lines with `old` replaced by item `index`'s lines of `dumped` (None: by
    nothing, a deletion), indented as the file's own items are."""
    new: list[str] = []
    if index is not None:
        out = dumped.splitlines(keepends=True)
        rubric = _rubric(_yaml(dumped).load(dumped), address, "")
        span = _span(out, rubric, index)
        shift = dash - _column(out, span.start)
        new = [
            (" " * shift + line) if shift >= 0 else line[-shift:]
            for line in out[span.start : span.stop]
        ]
    head = lines[: old.start]
    if head and not head[-1].endswith("\n"):
        head[-1] += "\n"
    return "".join([*head, *new, *lines[old.stop :]])


def _loads_as(text: str, exam: Exam, source: str) -> bool:
    try:
        return load_exam_text(text, source) == exam
    except ExamError:
        return False


def _yaml(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = _WIDTH
    mapping, sequence, offset = indentation(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def indentation(text: str) -> tuple[int, int, int]:
    """The file's (mapping, sequence, offset) indents, read off its first block sequence item.

    `sections:` then `  - id: I` is (2, 4, 2); `sections:` then `- id: I` is (2, 2, 0).
    """
    lines = text.splitlines()
    for key_line, following in itertools.pairwise(lines):
        stripped = following.lstrip(" ")
        if key_line.rstrip().endswith(":") and stripped.startswith("- "):
            parent = len(key_line) - len(key_line.lstrip(" "))
            offset = max(0, len(following) - len(stripped) - parent)
            return 2, offset + 2, offset
    return 2, 4, 2


def _rubric(tree: CommentedMap, address: str, source: str) -> CommentedSeq:
    part = _find_part(tree, address)
    if part is None:
        raise ExamError(f"no part {address!r} in the exam", file=source)
    rubric = part.get("rubric")
    if not isinstance(rubric, CommentedSeq) or not rubric:
        raise ExamError(
            f"part {address} has no rubric to edit",
            file=source,
            fix="write a 'rubric:' for it in the exam file first",
        )
    return rubric


def _find_part(tree: CommentedMap, address: str) -> CommentedMap | None:
    """The mapping that defines part `address` (a question without parts is its own part)."""
    for section in tree.get("sections") or ():
        for question in section.get("questions") or ():
            here = f"{section.get('id')}.{question.get('id')}"
            parts = question.get("parts")
            if parts is None and here == address:
                return question
            for part in parts or ():
                if f"{here}.{part.get('id')}" == address:
                    return part
    return None


def _index(rubric: CommentedSeq, criterion: str) -> int | None:
    ids = [str(item.get("id")) if isinstance(item, dict) else None for item in rubric]
    return ids.index(criterion) if criterion in ids else None


def _new_item(rubric: CommentedSeq, change: RubricChange) -> CommentedMap:
    item = CommentedMap([("id", change.criterion), ("text", _quoted(change.text or "", None))])
    item["marks"] = _number(change.marks)
    if change.group:
        item["group"] = change.group
    last = rubric[-1]
    if isinstance(last, CommentedMap) and last.fa.flow_style():
        item.fa.set_flow_style()  # written like its neighbours: `- {id: ..., text: ...}`
    return item


def _set(item: CommentedMap, change: RubricChange) -> None:
    if change.text is not None:
        item["text"] = _quoted(change.text, item.get("text"))
    if change.marks is not None:
        item["marks"] = _number(change.marks)
    if change.group:
        item["group"] = change.group
    elif change.group is not None:
        item.pop("group", None)


def _quoted(text: str, old: Any) -> str:
    """LaTeX in single quotes (in double quotes YAML reads \\f as an escape); else the old style."""
    if "\\" in text:
        return SingleQuotedScalarString(text)
    if isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(text)
    return text


def _number(value: float | None) -> Any:
    """Marks as a person writes them: 2, not 2.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _criterion(exam: Exam, address: str, criterion: str) -> Criterion | None:
    return next((c for c in exam.part(address).rubric if c.id == criterion), None)


# --- regions from the blank paper ----------------------------------------------------------------


def write_template(text: str, template: Template, *, source: str) -> str:
    """The exam file `text` with `template`'s source and pages as its top-level `template:`
    and each of its parts' `regions:` set; every other line stays as written.

    As for rubric edits: the tree is changed and written by ruamel, and only the lines of the
    parts changed (and the `template:` block) are taken from that output; when the spliced
    file would not load as the same exam, ruamel's whole output is returned instead. Raises
    ExamError when a part is not in the exam or the result would not load."""
    yaml = _yaml(text)
    tree = yaml.load(text)
    lines = text.splitlines(keepends=True)
    old = {a: _item_span(lines, *_item(tree, a, source)) for a in template.regions}
    at = _key_span(lines, tree, "template") if "template" in tree else _before(lines, tree)
    for address, regions in template.regions.items():
        seq, index = _item(tree, address, source)
        seq[index]["regions"] = _regions_node(regions)
    head = CommentedMap([("source", template.source), ("pages", CommentedSeq(template.pages))])
    tree["template"] = head
    out = io.StringIO()
    yaml.dump(tree, out)
    dumped = out.getvalue()
    after = load_exam_text(dumped, source)
    new_tree, new_lines = _yaml(dumped).load(dumped), dumped.splitlines(keepends=True)
    swaps = [
        (old[a], new_lines[_item_span(new_lines, *_item(new_tree, a, source)).as_slice()])
        for a in template.regions
    ]
    block = new_lines[_key_span(new_lines, new_tree, "template").as_slice()]
    written = _swap(lines, [*swaps, (at, block)])
    return written if _loads_as(written, after, source) else dumped


@dataclass(frozen=True)
class _Lines:
    start: int
    stop: int

    def as_slice(self) -> slice:
        return slice(self.start, self.stop)


def _item(tree: CommentedMap, address: str, source: str) -> tuple[CommentedSeq, int]:
    """The sequence that holds part `address`'s mapping, and its index there."""
    for section in tree.get("sections") or ():
        questions: CommentedSeq = section.get("questions") or CommentedSeq()
        for q_index, question in enumerate(questions):
            here = f"{section.get('id')}.{question.get('id')}"
            parts = question.get("parts")
            if parts is None and here == address:
                return questions, q_index
            for p_index, part in enumerate(parts or ()):
                if f"{here}.{part.get('id')}" == address:
                    return parts, p_index
    raise ExamError(f"no part {address!r} in the exam", file=source)


def _item_span(lines: list[str], seq: CommentedSeq, index: int) -> _Lines:
    """The lines of item `index`: its dash line and every line after it indented deeper
    (blank lines inside it too), trailing blank lines left out."""
    start = seq.lc.item(index)[0]
    return _block(lines, start, _column(lines, start))


def _key_span(lines: list[str], tree: CommentedMap, key: str) -> _Lines:
    start = tree.lc.key(key)[0]
    return _block(lines, start, _column(lines, start))


def _before(lines: list[str], tree: CommentedMap) -> _Lines:
    """No lines, just above `sections:`: where a new top-level block goes."""
    start = tree.lc.key("sections")[0]
    return _Lines(start, start)


def _block(lines: list[str], start: int, column: int) -> _Lines:
    stop = last = start + 1
    while stop < len(lines):
        if lines[stop].strip():
            if _column(lines, stop) <= column:
                break
            last = stop + 1
        stop += 1
    return _Lines(start, last)


def _swap(lines: list[str], swaps: list[tuple[_Lines, list[str]]]) -> str:
    """`lines` with each span replaced by its new lines, from the bottom up."""
    out = list(lines)
    if out and not out[-1].endswith("\n"):
        out[-1] += "\n"
    for span, new in sorted(swaps, key=lambda swap: swap[0].start, reverse=True):
        out[span.start : span.stop] = new
    return "".join(out)


def _regions_node(regions: tuple[Region, ...]) -> CommentedSeq:
    """`- {page: 1, box: [x0, y0, x1, y1]}` per region: one line each."""
    items = CommentedSeq()
    for region in regions:
        box = CommentedSeq(region.box)
        box.fa.set_flow_style()
        item = CommentedMap([("page", region.page), ("box", box)])
        item.fa.set_flow_style()
        items.append(item)
    return items
