"""The exam file's JSON Schema: the committed file is the generated one, and it says what the
loader says about real exam files (the bundled example passes, broken ones fail)."""

from __future__ import annotations

import copy
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from gradewise.cli import cli
from gradewise.errors import ExamError
from gradewise.exam import load_exam_text
from gradewise.exam.schema import schema_text

COMMITTED = Path(__file__).parents[1] / "schema" / "exam.schema.json"
SCHEMA = json.loads(schema_text())
# The keywords pydantic writes, which `problems` below understands; any other would go unchecked.
KNOWN = {
    "$schema",
    "$defs",
    "$ref",
    "title",
    "description",
    "default",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "anyOf",
    "enum",
    "const",
    "not",
    "minLength",
    "minItems",
    "maxItems",
    "prefixItems",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
}
TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "number": (int, float),
    "integer": int,
    "boolean": bool,
    "null": type(None),
}


def problems(value: Any, schema: dict[str, Any], at: str = "") -> list[str]:
    """Where `value` breaks `schema` (the keywords in KNOWN), as 'path: reason' lines."""
    if "$ref" in schema:
        return problems(value, SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[1]], at)
    if "anyOf" in schema:
        tries = [problems(value, option, at) for option in schema["anyOf"]]
        return [] if any(not t for t in tries) else [f"{at}: matches no option"]
    found = _type_problems(value, schema, at)
    if "not" in schema and not problems(value, schema["not"], at):
        found.append(f"{at}: must not be {value!r}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{at}: not one of {schema['enum']}")
    if isinstance(value, dict):
        found += _object_problems(value, schema, at)
    if isinstance(value, list):
        first = schema.get("prefixItems", [])  # a tuple: one schema per place
        found += [
            p for item, one in zip(value, first, strict=False) for p in problems(item, one, at)
        ]
        rest = value[len(first) :]
        found += [p for item in rest for p in problems(item, schema.get("items", {}), at)]
    return found


def _type_problems(value: Any, schema: dict[str, Any], at: str) -> list[str]:
    found = []
    if "const" in schema and value != schema["const"]:
        found.append(f"{at}: not {schema['const']!r}")
    types = schema.get("type")
    names = [types] if isinstance(types, str) else types or []
    # JSON's true is no number, though Python's bool is an int
    fits = [n for n in names if isinstance(value, TYPES[n]) and (n == "boolean") == _bool(value)]
    if names and not fits:
        found.append(f"{at}: not {'/'.join(names)}")
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        found.append(f"{at}: too short")
    if isinstance(value, str) and not re.search(schema.get("pattern", ""), value):
        found.append(f"{at}: not in the form {schema['pattern']}")
    if isinstance(value, list) and len(value) < schema.get("minItems", 0):
        found.append(f"{at}: too few items")
    if isinstance(value, list) and len(value) > schema.get("maxItems", len(value)):
        found.append(f"{at}: too many items")
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        found.append(f"{at}: not above {schema['exclusiveMinimum']}")
    if number and not schema.get("minimum", value) <= value <= schema.get("maximum", value):
        found.append(f"{at}: out of range")
    return found


def _bool(value: Any) -> bool:
    return isinstance(value, bool)


def _object_problems(value: dict[str, Any], schema: dict[str, Any], at: str) -> list[str]:
    properties = schema.get("properties", {})
    found = [
        f"{at}: {name} is required" for name in schema.get("required", []) if name not in value
    ]
    for name, item in value.items():
        if name in properties:
            found += problems(item, properties[name], f"{at}.{name}")
        elif schema.get("additionalProperties") is False:
            found.append(f"{at}: {name} is not a field")
    return found


def keywords(schema: Any) -> set[str]:
    if isinstance(schema, list):
        return set().union(*map(keywords, schema)) if schema else set()
    if not isinstance(schema, dict):
        return set()
    inner = [v for k, v in schema.items() if k not in ("properties", "$defs", "default")]
    nested = [*schema.get("properties", {}).values(), *schema.get("$defs", {}).values()]
    return set(schema) | keywords(inner) | keywords(nested)


def example() -> Any:
    text = (resources.files("gradewise") / "example" / "exam.yaml").read_text(encoding="utf-8")
    return YAML(typ="safe").load(text)


def test_committed_schema_is_the_generated_one() -> None:
    # `gradewise exam schema -o schema/exam.schema.json` writes it after a model change
    assert COMMITTED.read_text(encoding="utf-8") == schema_text()


def test_command_writes_it(tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["exam", "schema", "-o", str(tmp_path / "s.json")])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == schema_text()


def test_schema_uses_only_checked_keywords() -> None:
    assert keywords(SCHEMA) <= KNOWN, keywords(SCHEMA) - KNOWN


def test_bundled_example_validates() -> None:
    assert problems(example(), SCHEMA) == []


def _set(data: Any, path: str, value: Any) -> Any:
    changed = copy.deepcopy(data)
    *steps, last = [int(s) if s.isdigit() else s for s in path.split(".")]
    target = changed
    for step in steps:
        target = target[step]
    if value is None:
        del target[last]
    else:
        target[last] = value
    return changed


@pytest.mark.parametrize(
    "path, value, problem",
    [
        ("exam.title", None, "title is required"),  # a required field left out
        ("exam.tilte", "x", "tilte is not a field"),  # a misspelt field
        ("sections.0.questions.0.marks", "5", "marks: matches no option"),  # marks as text
        ("sections.0.questions.0.marks", 0, "marks: matches no option"),  # no marks
        ("sections.0.questions.0.review_below", 2, "out of range"),  # confidence above 1
        ("sections.0.questions.0.key", {"where": "final"}, "matches no option"),  # no kind
        ("sections.0.questions.0.key", {"kind": "numeric", "where": "end"}, "matches no option"),
        ("sections.1.rule", {"best": 0}, "matches no option"),  # best of none
        ("sections", [], "too few items"),  # an exam without sections
        (
            "conventions",
            {"log_base": 3},
            "log_base: matches no option",
        ),  # a log base no convention has
        ("template", {"pages": ["not-a-hash"]}, "template: matches no option"),  # no SHA-256
        (
            "sections.0.questions.0.regions",
            [{"page": 1, "box": [0.1, 0.1, 0.9, 0.5, 0.7]}],
            "too many items",
        ),  # a box of five numbers
        (
            "sections.0.questions.0.regions",
            [{"page": 1, "box": [0.1, 0.1, 1.9, 0.5]}],
            "out of range",
        ),  # a box beyond the page
    ],
)
def test_schema_refuses_what_the_loader_refuses(path: str, value: Any, problem: str) -> None:
    broken = _set(example(), path, value)
    found = problems(broken, SCHEMA)
    assert any(problem in p for p in found), found
    with pytest.raises(ExamError):  # the loader agrees
        load_exam_text(_dump(broken), source="exam.yaml")


def test_numbers_as_ids_pass_both() -> None:
    changed = _set(example(), "sections.0.questions.0.id", 7)
    assert problems(changed, SCHEMA) == []
    load_exam_text(_dump(changed), source="exam.yaml")


def _dump(data: Any) -> str:
    return json.dumps(data)  # JSON is YAML
