"""Rubric edits from the part page: the request's body (`RubricEdit`) turned into
`gradewise.actions.rubric`'s arguments (its rules, preview and save are the actions layer's)."""

from __future__ import annotations

from gradewise.actions import rubric as rubric_actions
from gradewise.actions.rubric import Impact, rubric_version
from gradewise.exam.edit import RubricChange
from gradewise.review.bodies import Change, RubricEdit
from gradewise.workspace import Workspace

DEFAULT_WHY = "rubric edited on the review page"

__all__ = ["DEFAULT_WHY", "Impact", "apply", "as_change", "preview", "rubric_version"]


def preview(ws: Workspace, address: str, body: RubricEdit) -> Impact:
    """What the change in `body` would do; nothing is written."""
    return rubric_actions.preview(ws, address, as_change(body.change), version=body.version)


def apply(ws: Workspace, address: str, body: RubricEdit, *, who: str) -> Impact:
    """Make the change in `body` (exam file, re-scored grades, audit events)."""
    why = body.why.strip() or DEFAULT_WHY
    change = as_change(body.change)
    return rubric_actions.apply(ws, address, change, version=body.version, who=who, why=why)


def as_change(value: Change) -> RubricChange:
    """The change a request names, its texts stripped (the action checks it against the part)."""
    text = None if value.text is None else value.text.strip()
    group = None if value.group is None else value.group.strip()
    return RubricChange(value.op, value.criterion.strip(), text, value.marks, group)
