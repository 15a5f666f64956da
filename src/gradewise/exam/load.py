"""Read an exam file into an `Exam`: parse, upgrade, validate, build.

Every error is one `ExamError` naming the file, the line and what to write instead. The YAML
is loaded round-trip (ruamel) so every mapping and sequence knows its line; the pydantic
models in `schema.py` check the shape, and the checks here need more than one field at a
time (duplicate ids, marks that must add up, kinds the checker registry knows).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from gradewise.checkers.registry import registry
from gradewise.errors import ExamError, KeyParamsError
from gradewise.exam import schema
from gradewise.exam.schema import CURRENT_VERSION, ExamFile, KeyModel, PartFields
from gradewise.model import (
    Criterion,
    Exam,
    Key,
    Part,
    Question,
    Region,
    Rule,
    Section,
    Template,
)

Path_ = tuple[str | int, ...]

# Step-by-step upgrades: UPGRADES[v] turns a version-v tree into a version-(v+1) tree.
# It receives and returns the round-trip tree, so lines survive for later errors.
UPGRADES: dict[int, Callable[[CommentedMap], CommentedMap]] = {}

LATEX_FIX = "write LaTeX in single quotes ('\\frac{1}{2}') or after '|' on its own lines"


def load_exam(path: Path) -> Exam:
    """Read and validate the exam file at `path`; raise ExamError (file, line, fix) if wrong."""
    return load_exam_text(_read(path), source=str(path))


def load_exam_text(text: str, source: str = "exam.yaml") -> Exam:
    """Validate exam file text; `source` names the file in error messages."""
    tree = _parse(text, source)
    tree = upgrade(tree, source)
    lines = Lines(tree, source)
    _reject_escaped_latex(tree, lines)
    data = _plain(tree)
    try:
        model = ExamFile.model_validate(data)
    except ValidationError as exc:
        raise _shape_error(exc, data, lines) from None
    return _Builder(lines, model).exam()


# --- reading and parsing -------------------------------------------------------------------


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ExamError(
            "exam file not found", file=str(path), fix="check the path, or run 'gradewise init DIR'"
        ) from None
    except IsADirectoryError:
        raise ExamError(
            "is a folder, not an exam file", file=str(path), fix="give the path of the exam.yaml"
        ) from None
    except OSError as exc:
        raise ExamError(f"cannot read the exam file: {exc.strerror}", file=str(path)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExamError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x})",
            file=str(path),
            line=raw[: exc.start].count(b"\n") + 1,
            fix="save the file with the UTF-8 encoding",
        ) from None


# What to write instead, by a piece of ruamel's description of the problem.
_YAML_FIXES = (
    ("duplicate key", "a key may appear once in a mapping: remove or rename the repeated one"),
    ("a key that is a list", "write a key as a plain name; put text starting with '[' in quotes"),
    ("'\\t'", "indent with spaces, not tabs"),
    ("mapping values are not allowed", 'put text that contains ": " in quotes: "Ans: A"'),
    ("unknown escape", LATEX_FIX),
    ("another document", "remove the '---' line: an exam file holds one document"),
    ("undefined alias", "put text that starts with '*' in quotes"),
    ("expected ',' or ']'", "close the '[' with ']' (or quote the text)"),
    ("expected ',' or '}'", "close the '{' with '}' (or quote the text)"),
    ("block end", "line up items of the same level at the same indentation"),
    ("levels deep", "close the brackets sooner, or write the value flat"),
    (
        "the aliases would",
        "write the repeated part out, or alias it fewer times "
        "(an alias of a node holding aliases multiplies them)",
    ),
    (
        "inside the node it names",
        "write the value out, or put the anchor ('&name') on another node",
    ),
)


def _parse(text: str, source: str) -> CommentedMap:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True  # to tell double-quoted text, where backslashes are escapes
    yaml.Composer = _Composer
    yaml.Constructor = _Constructor
    try:
        tree = yaml.load(text)
    except YAMLError as exc:
        raise _yaml_error(exc, source, text) from None
    if tree is None:
        raise ExamError(
            "the exam file is empty",
            file=source,
            fix="start with 'schema_version: 1', 'exam: {id: ..., title: ...}' and 'sections:'",
        )
    if not isinstance(tree, CommentedMap):
        raise ExamError(
            f"the exam file must be a mapping (schema_version, exam, sections), not {_noun(tree)}",
            file=source,
            line=1,
            fix="start with 'schema_version: 1' at the left margin",
        )
    return tree


def _yaml_error(exc: YAMLError, source: str, text: str) -> ExamError:
    if isinstance(exc, ReaderError):  # a character YAML does not allow, e.g. a control character
        return ExamError(
            f"invalid YAML: the character #x{exc.character:04x} is not allowed",
            file=source,
            line=text[: exc.position].count("\n") + 1,
            fix="remove it, or write it as an escape in double quotes",
        )
    if not isinstance(exc, MarkedYAMLError):
        return ExamError(f"invalid YAML: {' '.join(str(exc).split())}", file=source)
    mark = exc.problem_mark or exc.context_mark
    what = " ".join(str(exc.problem or exc.context).split())
    what = re.sub(r'(found duplicate key "[^"]*") with value.*', r"\1", what, flags=re.DOTALL)
    if exc.problem and exc.context:
        what += f" ({exc.context})"
    fix = next((f for piece, f in _YAML_FIXES if piece in what), None)
    return ExamError(
        f"invalid YAML: {what}",
        file=source,
        line=mark.line + 1 if mark else None,
        fix=fix or "check the quoting and indentation on this line",
    )


class _Constructor(RoundTripConstructor):
    """ruamel's round-trip constructor, with a value it cannot build (a date with month 13, an
    integer too long for Python, `!!bool maybe`) reported as a YAML error at its line."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except YAMLError:
            raise
        except Exception as exc:  # any: whatever the text, the user gets the line, not a crash
            value = node.value if isinstance(node.value, str) else ""
            shown = value if len(value) <= 20 else value[:20] + "..."
            tag = str(node.tag).rsplit(":", 1)[-1]
            why = str(exc).split(";")[0]
            raise ConstructorError(
                problem=f"cannot read {shown!r} as {tag} ({why})", problem_mark=node.start_mark
            ) from None

    def check_mapping_key(
        self, node: Any, key_node: Any, mapping: Any, key: Any, value: Any
    ) -> bool:
        """A key written as a list or a mapping (`[a]: 1`, `? {x: 1}`) is an error at its line."""
        _hashable(key, key_node)
        return bool(super().check_mapping_key(node, key_node, mapping, key, value))

    def check_set_key(self, node: Any, key_node: Any, setting: Any, key: Any) -> None:
        _hashable(key, key_node)
        super().check_set_key(node, key_node, setting, key)


def _hashable(key: Any, key_node: Any) -> None:
    try:
        hash(key)
    except TypeError:
        raise ConstructorError(
            problem="a key that is a list or a mapping", problem_mark=key_node.start_mark
        ) from None


# Aliases let a small file describe a huge tree ("billion laughs"): nine lines of nine aliases
# each are 387 million values. What aliases add to the tree, counted in values and characters of
# text, must stay below this; a ten-criterion rubric aliased into forty parts adds about 60,000.
ALIAS_BUDGET = 250_000
# Deeper than any exam needs (a matrix in a criterion's check is about 12 levels down) and well
# short of where the composer, which recurses, would run out of Python's stack.
MAX_DEPTH = 50


class _Composer(Composer):
    """ruamel's composer, refusing as it goes what would be too deep or expand too far."""

    def compose_document(self: Any) -> Any:
        self.depth = 0
        self.sizes: dict[int, int] = {}  # id(node) -> its size, aliases in it expanded
        self.added = 0
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            self._count_alias(event)
            return super().compose_node(parent, index)
        if self.depth >= MAX_DEPTH:
            raise ComposerError(
                problem=f"values nested more than {MAX_DEPTH} levels deep",
                problem_mark=event.start_mark,
            )
        self.depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        self.sizes[id(node)] = _node_size(node, self.sizes)
        return node

    def _count_alias(self, event: AliasEvent) -> None:
        node = self.anchors.get(event.anchor)
        if node is None:
            return  # an undefined alias: the composer says so next
        if id(node) not in self.sizes:  # not finished: the alias is inside it
            raise ComposerError(
                problem=f"the alias '*{event.anchor}' is inside the node it names",
                problem_mark=event.start_mark,
            )
        self.added += self.sizes[id(node)]
        if self.added > ALIAS_BUDGET:
            raise ComposerError(
                problem=f"the aliases would make the file over {ALIAS_BUDGET:,} values and "
                f"characters long (here at '*{event.anchor}')",
                problem_mark=event.start_mark,
            )


def _node_size(node: Node, sizes: dict[int, int]) -> int:
    """1 for the node, and its text's length or its children's sizes (known: composed first)."""
    if isinstance(node, ScalarNode):
        return 1 + len(node.value)
    if isinstance(node, MappingNode):
        return 1 + sum(sizes[id(key)] + sizes[id(value)] for key, value in node.value)
    return 1 + sum(sizes[id(item)] for item in node.value)


def _noun(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    return f"the value {value!r}" if len(repr(value)) < 40 else "a single value"


# --- upgrading -----------------------------------------------------------------------------


def upgrade(tree: CommentedMap, source: str = "exam.yaml") -> CommentedMap:
    """Bring a parsed exam tree from its `schema_version` to the current one, step by step."""
    version = _version(tree, source)
    while version < CURRENT_VERSION:
        step = UPGRADES.get(version)
        if step is None:
            raise ExamError(
                f"schema_version {version} is not supported",
                file=source,
                line=_key_line(tree, "schema_version"),
                fix=f"write the exam in the current format, schema_version: {CURRENT_VERSION}",
            )
        tree = step(tree)
        version += 1
        tree["schema_version"] = version
    return tree


def _version(tree: CommentedMap, source: str) -> int:
    if "schema_version" not in tree:
        raise ExamError(
            "no schema_version",
            file=source,
            line=1,
            fix=f"add 'schema_version: {CURRENT_VERSION}' as the first line",
        )
    version = tree["schema_version"]
    line = _key_line(tree, "schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ExamError(
            f"schema_version must be a whole number, not {version!r}",
            file=source,
            line=line,
            fix=f"write 'schema_version: {CURRENT_VERSION}'",
        )
    if version > CURRENT_VERSION:
        raise ExamError(
            f"schema_version {version} was written by a newer gradewise "
            f"(this one reads up to {CURRENT_VERSION})",
            file=source,
            line=line,
            fix="upgrade gradewise: pip install -U gradewise",
        )
    return int(version)


# --- lines ---------------------------------------------------------------------------------


def _key_line(node: CommentedMap, key: Any) -> int | None:
    try:
        return int(node.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return None  # a key added by an upgrade has no line


def _item_line(node: CommentedSeq, index: int) -> int | None:
    try:
        return int(node.lc.item(index)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class Lines:
    """Finds the line of a field or list item in the round-trip tree, by its path."""

    tree: CommentedMap
    source: str

    def line(self, path: Iterable[str | int]) -> int:
        """The line of the deepest step of `path` that exists (1 for the root)."""
        node: Any = self.tree
        line = 1
        for step in path:
            if isinstance(node, CommentedMap) and not isinstance(step, int) and step in node:
                line, node = _key_line(node, step) or line, node[step]
            elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
                line, node = _item_line(node, step) or line, node[step]
            else:
                break
        return line

    def error(self, path: Iterable[str | int], message: str, fix: str) -> ExamError:
        """An ExamError at the line of `path`, on one line whatever names and ids it quotes."""
        return ExamError(
            _one_line(message), file=self.source, line=self.line(path), fix=_one_line(fix)
        )


# Characters that would break an error message over lines, or move the terminal's cursor.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    """`text` with line breaks and control characters written as escapes (a field named "\n")."""
    return _UNPRINTABLE.sub(lambda found: repr(found.group())[1:-1], text)


# --- before the models: plain values, LaTeX read as escapes --------------------------------


def _plain(node: Any) -> Any:
    """The tree as plain dicts, lists, str, int, float (pydantic strict mode wants these)."""
    if isinstance(node, dict):
        return {_plain(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    for kind in (int, float, str):
        if isinstance(node, kind):
            return kind(node)
    return node


# In double quotes YAML reads \f, \b, \a, \v, \e, \t, \n as escapes: "\frac" becomes a form feed
# and "rac", silently. In double-quoted text a control character is that mistake; so is a tab
# or newline right before the rest of a common LaTeX command (except in code, where "\nu = 1"
# may be meant).
_CONTROL = re.compile(r"[\x00\x07\x08\x0b\x0c\x1b]")
_LATEX_AFTER_ESCAPE = re.compile(
    r"\t(?:au|heta|imes|ext|op|anh|ilde|riangle|frac)\b|\n(?:abla|eq|u|ot|eg|ewline)\b"
)


def _double_quoted(node: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _double_quoted(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _double_quoted(value, (*path, index))
    elif isinstance(node, DoubleQuotedScalarString):
        yield path, node


def _reject_escaped_latex(tree: CommentedMap, lines: Lines) -> None:
    for path, text in _double_quoted(tree):
        found = _CONTROL.search(text)
        if not found and path[-1] != "compute":
            found = _LATEX_AFTER_ESCAPE.search(text)
        if found:
            raise lines.error(
                path,
                f"'{path[-1]}' has a backslash read as a YAML escape "
                f"(near {text[max(found.start() - 10, 0) : found.end() + 10]!r})",
                LATEX_FIX,
            )


# --- shape errors from pydantic ------------------------------------------------------------

_EXAMPLES = {
    "schema_version": f"schema_version: {CURRENT_VERSION}",
    "exam": 'exam: {id: ml-final, title: "Machine Learning — Final"}',
    "sections": "sections: (a list of sections)",
    "questions": "questions: (a list of questions)",
    "id": 'id: "1"',
    "title": 'title: "Short questions"',
    "text": 'text: "what earns these marks"',
    "marks": "marks: 5",
    "kind": "kind: numeric",
}


def _shape_error(exc: ValidationError, data: Any, lines: Lines) -> ExamError:
    """The first problem: unknown names before missing ones (a typo explains both)."""
    issues = exc.errors()
    first = min(
        range(len(issues)),
        key=lambda i: (issues[i]["type"] == "missing", lines.line(issues[i]["loc"]), i),
    )
    issue = issues[first]
    message, fix = _describe(issue, _where(data, issue["loc"]))
    return lines.error(issue["loc"], message, fix)


_NUMBER = ("'{name}' in {where} must be a number, not {given!r}", "write e.g. '{name}: 2'")
_WHOLE = ("'{name}' in {where} must be a whole number, not {given!r}", "write e.g. '{name}: 2'")
_MAPPING = (
    "'{name}' in {where} must be a mapping",
    "write '{name}:' then indented 'field: value' lines",
)

# Message and fix for each kind of pydantic error, filled in by `_describe`.
_TEMPLATES: dict[str, tuple[str, str]] = {
    "missing": ("{where} has no '{name}'", "add '{example}'"),
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "int_type": _WHOLE,
    "int_parsing": _WHOLE,
    "int_from_float": _WHOLE,
    "model_type": _MAPPING,
    "dict_type": _MAPPING,
    "model_attributes_type": _MAPPING,
    "list_type": (
        "'{name}' in {where} must be a list",
        "write each item on its own line after '- '",
    ),
    "too_short": ("'{name}' in {where} is empty", "add at least one item under '{name}:'"),
    "string_too_short": ("'{name}' in {where} is empty", "write e.g. '{example}'"),
    "string_type": ("'{name}' in {where} must be text, not {given!r}", "write e.g. '{example}'"),
    "literal_error": ("'{name}' in {where} must be {expected}, not {given!r}", "write {expected}"),
    "greater_than_equal": (
        "'{name}' in {where} must be at least {ge}",
        "write e.g. '{name}: {ge}'",
    ),
    "less_than_equal": ("'{name}' in {where} must be at most {le}", "write e.g. '{name}: {le}'"),
    "greater_than": (
        "'{name}' in {where} must be more than {gt}, not {given!r}",
        "write e.g. '{name}: 2'",
    ),
}


def _describe(issue: Any, where: str) -> tuple[str, str]:
    loc, kind = issue["loc"], issue["type"]
    name = str(loc[-1]) if loc and isinstance(loc[-1], str) else _item_name(loc)
    if kind == "extra_forbidden":
        return f"unknown field '{name}' in {where}", _did_you_mean(name, _fields_at(loc[:-1]))
    if name == "marks" and kind == "greater_than":
        return (
            f"'marks' in {where} must be more than 0, not {issue['input']!r}",
            "give the marks the part is worth; deduct with a rubric criterion's negative marks",
        )
    if name == "marks" and kind == "value_error":
        return (
            f"'marks' in {where} must not be zero",
            "give marks to award (positive) or to deduct (negative), or remove the criterion",
        )
    if kind in _TEMPLATES:
        fields = {**(issue.get("ctx") or {}), "name": name, "where": where}
        fields.update(given=issue.get("input"), example=_EXAMPLES.get(name, f"{name}: ..."))
        message, fix = _TEMPLATES[kind]
        return message.format(**fields), fix.format(**fields)
    return f"'{name}' in {where}: {issue['msg']}", "see 'Exam file' in the gradewise docs"


def _item_name(loc: Sequence[str | int]) -> str:
    parents = [step for step in loc if isinstance(step, str)]
    return f"an item of '{parents[-1]}'" if parents else "the file"


def _fields_at(loc: Sequence[str | int]) -> list[str]:
    parents = [step for step in loc if isinstance(step, str) and step in schema.MODEL_OF_FIELD]
    model: type[BaseModel] = schema.MODEL_OF_FIELD[parents[-1]] if parents else ExamFile
    return list(model.model_fields)


def _did_you_mean(name: str, valid: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"the fields here are: {', '.join(valid)}"


def _id_of(node: Any, index: int) -> str:
    """A mapping's id as written ("?" when empty); an item without ids (a region) by its number."""
    if isinstance(node, dict) and "id" not in node and "page" in node:
        return str(index + 1)
    return (str(node.get("id", "")) if isinstance(node, dict) else "") or "?"


def _where(data: Any, loc: Sequence[str | int]) -> str:
    """Names the mapping that holds the last step of `loc`, e.g. "part II.4.a"."""
    ids: list[str] = []
    noun, node = "the exam file", data
    for index, step in enumerate(loc[:-1]):
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        parent = loc[index - 1] if index else None
        if isinstance(step, int) and isinstance(parent, str) and parent in schema.NOUN_OF_FIELD:
            noun = schema.NOUN_OF_FIELD[parent]
            ids.append(_id_of(node, step))
        elif isinstance(step, str) and step in schema.NOUN_OF_FIELD:
            noun = schema.NOUN_OF_FIELD[step]
    if noun == "criterion":
        return f"criterion '{ids[-1]}' of part {'.'.join(ids[:-1])}"
    if noun == "rule":
        return f"the rule of section {ids[0] if ids else '?'}"
    if noun in ("key", "check"):
        return f"the {noun} of {'.'.join(ids) or 'the exam'}"
    return f"{noun} {'.'.join(ids)}".strip()


# --- building the Exam ---------------------------------------------------------------------

# Fields a question with `parts` must leave to its parts.
_PART_ONLY = (
    "kind",
    "key",
    "rubric",
    "reference",
    "guidance",
    "compute",
    "review_below",
    "regions",
)


def _fmt(value: float) -> str:
    return f"{value:g}"


class _Builder:
    """Checks what needs more than one field and builds the domain values."""

    def __init__(self, lines: Lines, model: ExamFile) -> None:
        self.lines = lines
        self.model = model
        self.conventions = model.conventions.model_dump(exclude_none=True)
        self.regions: dict[str, tuple[Region, ...]] = {}  # filled as the parts are built

    def exam(self) -> Exam:
        sections = self.model.sections
        self._unique([s.id for s in sections], ("sections",), "section", "in the exam")
        built = tuple(self._section(("sections", i), s) for i, s in enumerate(sections))
        return Exam(
            id=self.model.exam.id,
            title=self.model.exam.title,
            sections=built,
            schema_version=self.model.schema_version,
            conventions=self.conventions,
            template=self._template(),  # after the parts: they gathered the regions
        )

    def _template(self) -> Template | None:
        """The blank paper and every part's regions (None when there is neither)."""
        written = self.model.template
        if written is None and not self.regions:
            return None
        if written is None:
            return Template(regions=self.regions)
        return Template(written.source, tuple(written.pages), self.regions)

    def _regions(self, path: Path_, address: str, fields: PartFields) -> None:
        """Keep the part's regions; one on a page the template does not have is an error."""
        pages = len(self.model.template.pages) if self.model.template else 0
        for index, region in enumerate(fields.regions):
            if pages and region.page > pages:
                raise self.lines.error(
                    (*path, "regions", index, "page"),
                    f"a region of {address} is on page {region.page}; the paper has {pages}",
                    f"write a page from 1 to {pages}, or run 'gradewise exam template' again",
                )
        if fields.regions:
            self.regions[address] = tuple(Region(r.page, r.box) for r in fields.regions)

    def _section(self, path: Path_, section: schema.SectionModel) -> Section:
        questions = section.questions
        self._unique(
            [q.id for q in questions], (*path, "questions"), "question", f"in section {section.id}"
        )
        best = section.rule.best if section.rule else None
        if best is not None and best > len(questions):
            raise self.lines.error(
                (*path, "rule", "best"),
                f"section {section.id} counts the best {best} questions but has {len(questions)}",
                f"write 'best: {len(questions)}' or less, or add questions",
            )
        return Section(
            id=section.id,
            title=section.title,
            questions=tuple(
                self._question((*path, "questions", i), section.id, q)
                for i, q in enumerate(questions)
            ),
            rule=Rule(best=best),
        )

    def _question(self, path: Path_, section_id: str, question: schema.QuestionModel) -> Question:
        address = f"{section_id}.{question.id}"
        if question.parts is None:
            if question.marks is None:
                raise self.lines.error(
                    path,
                    f"question {address} has no marks",
                    "add 'marks: N' (or list its 'parts:')",
                )
            part = self._part(path, address, question.id, question, question.marks)
            return Question(id=question.id, prompt=question.prompt, parts=(part,))
        for name in _PART_ONLY:
            if name in question.model_fields_set:
                raise self.lines.error(
                    (*path, name),
                    f"question {address} has parts, so its '{name}' belongs to one of them",
                    "move it under the part it is about",
                )
        self._unique(
            [p.id for p in question.parts], (*path, "parts"), "part", f"in question {address}"
        )
        parts = tuple(
            self._part((*path, "parts", i), f"{address}.{p.id}", p.id, p, p.marks)
            for i, p in enumerate(question.parts)
        )
        self._check_total(path, address, question.marks, parts)
        return Question(id=question.id, prompt=question.prompt, parts=parts)

    def _check_total(
        self, path: Path_, address: str, marks: float | None, parts: Sequence[Part]
    ) -> None:
        total = sum(p.marks for p in parts)
        if marks is not None and abs(marks - total) > 1e-9:
            raise self.lines.error(
                (*path, "marks"),
                f"question {address} has marks: {_fmt(marks)} but its parts add up to "
                f"{_fmt(total)} ({' + '.join(_fmt(p.marks) for p in parts)})",
                f"write 'marks: {_fmt(total)}' or change the parts' marks",
            )

    def _part(
        self, path: Path_, address: str, label: str, fields: PartFields, marks: float
    ) -> Part:
        key = self._key((*path, "key"), fields.key, f"the key of {address}") if fields.key else None
        self._check_kind(path, address, fields.kind, key)
        rubric = fields.rubric
        self._unique([c.id for c in rubric], (*path, "rubric"), "criterion", f"in part {address}")
        self._regions(path, address, fields)
        return Part(
            address=address,
            label=label,
            prompt=fields.prompt,
            marks=marks,
            key=key,
            rubric=tuple(
                self._criterion((*path, "rubric", i), address, c) for i, c in enumerate(rubric)
            ),
            reference=fields.reference,
            guidance=fields.guidance,
            compute=fields.compute,
            review_below=fields.review_below,
        )

    def _check_kind(self, path: Path_, address: str, kind: str | None, key: Key | None) -> None:
        if kind is None or kind == "text" or (key is not None and kind == key.kind):
            return
        known = [*registry().kinds(), "text"]
        if kind not in known:
            raise self.lines.error(
                (*path, "kind"),
                f"unknown kind '{kind}' in part {address}",
                f"use one of: {', '.join(known)}",
            )
        if key is None:
            raise self.lines.error(
                (*path, "kind"),
                f"part {address} says kind: {kind} but has no key",
                f"add 'key: {{kind: {kind}, ...}}', or write 'kind: text'",
            )
        raise self.lines.error(
            (*path, "kind"),
            f"part {address} says kind: {kind} but its key is {key.kind}",
            f"write 'kind: {key.kind}' or leave 'kind' out",
        )

    def _criterion(self, path: Path_, address: str, criterion: schema.CriterionModel) -> Criterion:
        what = f"the check of criterion '{criterion.id}' in {address}"
        check = self._key((*path, "check"), criterion.check, what) if criterion.check else None
        return Criterion(
            id=criterion.id,
            text=criterion.text,
            marks=criterion.marks,
            check=check,
            group=criterion.group,
        )

    def _key(self, path: Path_, key: KeyModel, what: str) -> Key:
        checker = registry().get(key.kind)
        if checker is None:
            known = registry().kinds()
            close = difflib.get_close_matches(key.kind, known, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise self.lines.error(
                (*path, "kind"),
                f"unknown kind '{key.kind}' in {what}",
                f"{hint}use one of: {', '.join(known)}",
            )
        params = key.params()
        if key.kind == "expression" and "log_base" in self.conventions:
            params.setdefault("log_base", self.conventions["log_base"])
        try:
            params = checker.validate(params)
        except KeyParamsError as exc:
            raise self.lines.error(
                (*path, *_field_path(exc.field)),
                f"{what}: {exc.message}",
                exc.fix or _key_fix(key.kind),
            ) from None
        except (ValueError, TypeError) as exc:  # a checker that forgot KeyParamsError
            raise self.lines.error(path, f"{what}: {exc}", _key_fix(key.kind)) from None
        return Key(kind=key.kind, params=params, where=key.where)

    def _unique(self, ids: Sequence[str], path: Path_, noun: str, where: str) -> None:
        first: dict[str, int] = {}
        for index, id_ in enumerate(ids):
            if id_ in first:
                earlier = self.lines.line((*path, first[id_], "id"))
                raise self.lines.error(
                    (*path, index, "id"),
                    f"duplicate {noun} id '{id_}' {where} (first used on line {earlier})",
                    f"give each {noun} its own id",
                )
            first[id_] = index


def _field_path(field: str | None) -> Path_:
    if not field:
        return ()
    return tuple(int(step) if step.isdigit() else step for step in field.split("."))


def _key_fix(kind: str) -> str:
    return f"see the '{kind}' key form in the gradewise docs"


# --- warnings: legal, but probably not what was meant --------------------------------------


@dataclass(frozen=True)
class ExamWarning:
    """Something legal but probably unintended in the exam file."""

    address: str
    message: str


def exam_warnings(exam: Exam) -> tuple[ExamWarning, ...]:
    """Rubrics that cannot add up to their part's marks, parts with nothing to grade by, ..."""
    found: list[ExamWarning] = []
    for section in exam.sections:
        best = section.rule.best
        if best is not None and best == len(section.questions):
            found.append(
                ExamWarning(section.id, f"'best: {best}' counts every question; leave the rule out")
            )
    for part in exam.parts():
        found.extend(ExamWarning(part.address, message) for message in _part_warnings(part))
    return tuple(found)


def _part_warnings(part: Part) -> Iterator[str]:
    if part.key is None and not part.rubric and not part.reference:
        yield "a free-text part with no rubric and no reference: a judge has nothing to go by"
    if part.key is not None and part.key.kind == "expression":
        from gradewise.checkers.expression import dropped_words, split_words

        value = str(part.key.params.get("value", ""))
        for word in dropped_words(value):
            yield (
                f"the expression key's \\text{{{word}}} is read as words, not as a symbol;"
                f" write \\mathit{{{word}}}"
            )
        for word in split_words(value):
            yield (
                f"the expression key reads '{word}' as the letters {'·'.join(word)} multiplied;"
                f" if it is one name, write \\mathit{{{word}}} (or {word}(x) for a function)"
            )
    if not part.rubric:
        return
    most = _most_earned(part.rubric)
    if most < part.marks - 1e-9:
        yield f"the rubric can give at most {_fmt(most)} of the part's {_fmt(part.marks)} marks"
    elif most > part.marks + 1e-9:
        yield (
            f"the rubric's criteria add up to {_fmt(most)}, more than the part's "
            f"{_fmt(part.marks)} marks (scores are capped at {_fmt(part.marks)})"
        )


def _most_earned(rubric: Sequence[Criterion]) -> float:
    """The most the positive criteria can give; in a group only one applies."""
    free = sum(c.marks for c in rubric if c.marks > 0 and c.group is None)
    groups: dict[str, float] = {}
    for c in rubric:
        if c.marks > 0 and c.group is not None:
            groups[c.group] = max(groups.get(c.group, 0.0), c.marks)
    return free + sum(groups.values())
