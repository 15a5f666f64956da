"""What every action checks first: the part, the student, the why, the length of free text."""

from __future__ import annotations

from gradewise.errors import BadInput, NotFound
from gradewise.model import Part
from gradewise.scripts.segment import part_named
from gradewise.workspace import Workspace

# Free text a human types (a why, a reason, a comment to the student) is kept in the audit log
# and shown on pages: a few paragraphs at most, never a pasted file.
TEXT_LIMIT = 2000
COMMENT_LIMIT = 4000


def find_part(ws: Workspace, label: str) -> Part:
    """The part `label` names: an address, or a label as students write it (`7a`, `Q7 (b)`);
    NotFound or BadInput (a question with several parts) naming the parts there are."""
    return ws.exam.part(part_named(ws.exam, label))


def find_student(ws: Workspace, student: str) -> str:
    """`student` when the workspace has their script, or NotFound."""
    if ws.store.script(student) is None:
        raise NotFound(f"no script for student {student!r}", fix="see 'gradewise scripts list'")
    return student


def why_given(why: str) -> str:
    """The why of a change, stripped: required, and it must say something."""
    return bounded(why, "the why", TEXT_LIMIT, required=True)


def bounded(text: str, name: str, limit: int, *, required: bool = False) -> str:
    """`text` stripped, refused when empty (if `required`) or longer than `limit` characters."""
    text = text.strip()
    if required and not text:
        raise BadInput(f"{name} is empty", fix="say in a few words why the change is made")
    if len(text) > limit:
        raise BadInput(
            f"{name} is {len(text):,} characters long, over the limit of {limit:,}",
            fix="shorten it to a few sentences",
        )
    return text
