"""Rubric edits from the part page: the request read into `gradewise.actions.rubric`'s
arguments (its rules, preview and save are the actions layer's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gradewise.actions import rubric as rubric_actions
from gradewise.actions.marks import parse_number
from gradewise.actions.rubric import Impact, rubric_version
from gradewise.exam.edit import RubricChange
from gradewise.review.errors import BadInput
from gradewise.workspace import Workspace

DEFAULT_WHY = "rubric edited on the review page"

__all__ = ["DEFAULT_WHY", "Impact", "apply", "parse_change", "preview", "rubric_version"]


def preview(ws: Workspace, address: str, payload: Mapping[str, Any]) -> Impact:
    """What the change in `payload` would do; nothing is written."""
    change, version = parse_change(payload.get("change")), _version(payload.get("version"))
    return rubric_actions.preview(ws, address, change, version=version)


def apply(ws: Workspace, address: str, payload: Mapping[str, Any], *, who: str) -> Impact:
    """Make the change in `payload` (exam file, re-scored grades, audit events)."""
    change, version = parse_change(payload.get("change")), _version(payload.get("version"))
    why = _text(payload.get("why")) or DEFAULT_WHY
    return rubric_actions.apply(ws, address, change, version=version, who=who, why=why)


def parse_change(value: Any) -> RubricChange:
    """A change from a request: {"op": "edit"|"add"|"delete", "criterion", "text", "marks"}."""
    if not isinstance(value, dict):
        raise BadInput("no change named", fix='send "change": {"op": "edit", "criterion": ...}')
    op, text = value.get("op"), value.get("text")
    if not isinstance(op, str):
        raise BadInput(f"no rubric operation {op!r}", fix="use op edit, add or delete")
    if text is not None and not isinstance(text, str):
        raise BadInput("a criterion's text must be some words", fix="write what earns the marks")
    marks = value.get("marks")
    number = None if marks is None or marks == "" else parse_number(marks, "marks")
    criterion = _text(value.get("criterion"))
    return RubricChange(op, criterion, None if text is None else text.strip(), number)  # type: ignore[arg-type]


def _version(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
