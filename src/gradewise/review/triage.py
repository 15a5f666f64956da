"""Which answers a grader should look at first, and the part page's filters.

The order is by expected gain, the workspace's own (`Workspace.queue`, `gradewise.gain`: marks
at stake × how unsure × answers like it waiting). Confidence, for the filter, is the least
confident verdict's, where a verdict that decided nothing (needs review, error) counts 0.

Disagreement between checkers is what no single confidence shows:
- two criteria of one exclusive group both met (only one of them can apply);
- the final answer read as right by a positive check and as wrong by a deduction check;
- the checkers and a judge pointing opposite ways: the final-answer checks all met while the
  judge gives less than half on its criteria, or a final check not met while it gives half or
  more.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from gradewise.model import NO_ANSWER_SOURCE, Criterion, Part, PartGrade, Status, Verdict
from gradewise.review.errors import BadInput

STATUSES = ("all", "review", "decided", "marked", "affected", "ungraded")
ORDERS = ("size", "gain")
Order = Literal["size", "gain"]
# produced_by of verdicts no checker or judge made (grading.NO_CHECK, segmentation).
_NOBODY = ("none", NO_ANSWER_SOURCE)


def confidence(grade: PartGrade | None) -> float | None:
    """The least confidence among the verdicts; one that decided nothing counts 0."""
    if grade is None or not grade.verdicts:
        return None
    return min(v.confidence if v.status.decided else 0.0 for v in grade.verdicts)


def missing(part: Part, grade: PartGrade | None) -> tuple[str, ...]:
    """Criteria a graded answer has no verdict for: added to the rubric since it was graded."""
    if grade is None or grade.unanswered or not grade.verdicts:
        return ()
    decided = {v.criterion for v in grade.verdicts}
    return tuple(c.id for c in part.rubric if c.id not in decided)


def disagreements(part: Part, grade: PartGrade | None) -> tuple[str, ...]:
    """Why the verdicts of one answer contradict each other (empty: they do not)."""
    if grade is None:
        return ()
    by_id = {v.criterion: v for v in grade.verdicts if v.status.decided}
    criteria = [(c, by_id[c.id]) for c in part.criteria if c.id in by_id]
    found = [*_group_conflicts(criteria), *_final_conflicts(criteria)]
    judged = _judge_conflict(criteria)
    return (*found, judged) if judged else tuple(found)


def _met(verdict: Verdict) -> bool:
    return verdict.status is Status.MET or (
        verdict.status is Status.PARTIAL and verdict.fraction > 0
    )


def _group_conflicts(criteria: list[tuple[Criterion, Verdict]]) -> list[str]:
    groups: dict[str, list[str]] = {}
    for c, v in criteria:
        if c.group is not None and _met(v):
            groups.setdefault(c.group, []).append(c.id)
    return [
        f"{' and '.join(repr(i) for i in ids)} all met, but only one of group {g!r} applies"
        for g, ids in groups.items()
        if len(ids) > 1
    ]


def _final(c: Criterion) -> bool:
    return c.check is not None and c.check.where == "final"


def _final_conflicts(criteria: list[tuple[Criterion, Verdict]]) -> list[str]:
    right = [c.id for c, v in criteria if _final(c) and c.marks > 0 and _met(v)]
    wrong = [c.id for c, v in criteria if _final(c) and c.marks < 0 and _met(v)]
    if right and wrong:
        return [f"the final answer is read as right ({right[0]!r}) and as wrong ({wrong[0]!r})"]
    return []


def _judge_conflict(criteria: list[tuple[Criterion, Verdict]]) -> str | None:
    finals = [_met(v) for c, v in criteria if _final(c) and c.marks > 0 and _checked(v)]
    judged = [_share(v) for _, v in criteria if _judge(v)]
    if not finals or not judged:
        return None
    checker_right, judge_right = all(finals), sum(judged) / len(judged) >= 0.5
    if checker_right == judge_right:
        return None
    if checker_right:
        return "the checkers find the final answer right, the judge gives less than half"
    return "a checker finds the final answer wrong, the judge gives half or more"


def _share(verdict: Verdict) -> float:
    """The share of the marks a verdict gives (met with no fraction: all, as scoring counts)."""
    return 1.0 if verdict.status is Status.MET and verdict.fraction == 0 else verdict.fraction


def _checked(verdict: Verdict) -> bool:
    # A checker's produced_by is kind@version#options (grading.produced_by).
    return "#" in verdict.produced_by


def _judge(verdict: Verdict) -> bool:
    return not _checked(verdict) and verdict.produced_by not in _NOBODY


@dataclass(frozen=True)
class Filters:
    """What the part page shows: answers of a status, a score range, at most a confidence,
    only disagreements; and in which order."""

    status: str = "all"
    low: float | None = None
    high: float | None = None
    confidence: float | None = None
    disagree: bool = False
    order: Order = "size"

    @property
    def active(self) -> bool:
        """True when some answers may be hidden."""
        return self != Filters(order=self.order)


def parse_filters(query: Mapping[str, str]) -> Filters:
    """Filters from a URL's query (?status=review&min=1&max=3&confidence=0.8&disagree=1)."""
    status = query.get("status") or "all"
    order = query.get("order") or "size"
    if status not in STATUSES:
        raise BadInput(f"no status {status!r}", fix=f"use one of: {', '.join(STATUSES)}")
    if order not in ORDERS:
        raise BadInput(f"no order {order!r}", fix=f"use one of: {', '.join(ORDERS)}")
    return Filters(
        status=status,
        low=_number(query, "min"),
        high=_number(query, "max"),
        confidence=_number(query, "confidence"),
        disagree=query.get("disagree", "") not in ("", "0", "false"),
        order="gain" if order == "gain" else "size",
    )


def _number(query: Mapping[str, str], name: str) -> float | None:
    text = query.get(name, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise BadInput(f"{name}={text!r} is not a number", fix=f"write e.g. {name}=1.5")
    return value


def status_of(grade: PartGrade | None, part: Part, *, waiting: bool | None = None) -> str:
    """The status a filter matches: ungraded, affected, marked, review or decided.

    `waiting`: whether the answer is in the workspace's queue (a part of an optional question
    rightly left out is flagged but waits for nobody: decided); None goes by the flag.
    """
    if grade is None:
        return "ungraded"
    if missing(part, grade) and grade.manual_score is None:
        return "affected"
    if grade.manual_score is not None:
        return "marked"
    return "review" if (grade.needs_review if waiting is None else waiting) else "decided"


def keep(filters: Filters, part: Part, grade: PartGrade | None, *, waiting: bool) -> bool:
    """Whether an answer passes the filters; `waiting`: it is in the workspace's queue."""
    status = status_of(grade, part, waiting=waiting)
    wanted = filters.status
    if wanted != "all" and status != wanted and not (wanted == "review" and status == "affected"):
        return False
    score = grade.score if grade else 0.0
    if filters.low is not None and score < filters.low - 1e-9:
        return False
    if filters.high is not None and score > filters.high + 1e-9:
        return False
    sure = confidence(grade)
    if filters.confidence is not None and (sure is None or sure > filters.confidence):
        return False
    return not filters.disagree or bool(disagreements(part, grade))
