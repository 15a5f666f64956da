"""Every human change to a workspace, once: marks, comments, regrades, piece moves, rubric edits.

Each action is one function: it checks its input against the exam (a clear BadInput or
NotFound when refused), checks the version the human saw (ConflictError when someone changed
it since), writes in one transaction with its audit event (who, when, old, new, why), and
re-scores what the change affects. `cli/` and `review/` only parse input, call an action and
render what it returns; tests of the rules are written against these functions.
"""

from gradewise.actions.comments import (
    add_comment,
    comments,
    find_comment,
    give_comment,
    with_comment,
)
from gradewise.actions.common import COMMENT_LIMIT, TEXT_LIMIT, find_part, find_student, why_given
from gradewise.actions.marks import (
    Marked,
    Target,
    accept,
    check_mark,
    mark_answers,
    parse_items,
    parse_number,
    plain,
    proposal,
    proposed_items,
)
from gradewise.actions.pieces import Moved, move_piece, move_version, piece_start
from gradewise.actions.regrades import (
    CLOSED,
    BadRow,
    Imported,
    RequestRow,
    ask_regrade,
    gone,
    import_regrades,
    regrades,
    resolve_regrade,
)

__all__ = [
    "CLOSED",
    "COMMENT_LIMIT",
    "TEXT_LIMIT",
    "BadRow",
    "Imported",
    "Marked",
    "Moved",
    "RequestRow",
    "Target",
    "accept",
    "add_comment",
    "ask_regrade",
    "check_mark",
    "comments",
    "find_comment",
    "find_part",
    "find_student",
    "give_comment",
    "gone",
    "import_regrades",
    "mark_answers",
    "move_piece",
    "move_version",
    "parse_items",
    "parse_number",
    "piece_start",
    "plain",
    "proposal",
    "proposed_items",
    "regrades",
    "resolve_regrade",
    "why_given",
    "with_comment",
]
