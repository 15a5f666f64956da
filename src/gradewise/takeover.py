"""How much of each part its judge could take over with more marks (`review list`, the queue
page): the workspace's side — which judge graded the part, its marks, its answers left — of
judges/outlook.py, which measures it. The judges (and numpy) are loaded only for a part a
judge graded: `review list` on a keyed exam stays a read-only command that starts fast."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from gradewise.judges.outlook import Outlook
from gradewise.judges.registry import Example, Forecaster, JudgeItem
from gradewise.model import NO_ANSWER_SOURCE, Part, PartGrade
from gradewise.workspace import Workspace

# Not judges: free text left to a human ("none"), the segmenter's "no answer found".
NOT_JUDGES = ("", "none", NO_ANSWER_SOURCE)


def outlooks(ws: Workspace, addresses: Sequence[str]) -> dict[str, Outlook]:
    """Each of these parts that a forecasting judge graded as a whole and whose answers are
    not all marked → its outlook."""
    parts = {p.address: p for p in ws.exam.parts()}
    examples: dict[str, tuple[Example, ...]] | None = None
    found = {}
    for address in dict.fromkeys(addresses):
        part = parts.get(address)
        grades = ws.grades(address=address)
        judge = _judge_of(grades) if part is not None and part.kind == "text" else None
        waiting = sum(1 for g in grades if g.manual_score is None)
        if part is None or judge is None or not waiting:
            continue
        from gradewise.judges._embed import keeping  # a judge is loaded: numpy is already

        examples = ws.examples() if examples is None else examples
        with keeping(ws.store):  # the answers' vectors, computed when they were graded
            found[address] = judge.outlook(_template(part), examples.get(address, ()), waiting)
    return found


def _judge_of(grades: Sequence[PartGrade]) -> Forecaster | None:
    """The judge that judged most of the part's answers as a whole, if it can forecast."""
    ids = Counter(
        v.produced_by.split("@")[0]
        for g in grades
        for v in g.verdicts
        if v.criterion == "part" and v.produced_by not in NOT_JUDGES
    )
    for judge_id, _ in ids.most_common(1):
        from gradewise.judges.registry import judges  # loads every judge: only when one graded

        found = judges().get(judge_id)
        if isinstance(found, Forecaster):
            return found
    return None


def _template(part: Part) -> JudgeItem:
    return JudgeItem(
        question=part.prompt,
        reference=part.reference,
        answer="",
        max_marks=part.marks,
        group=part.address,
        guidance=part.guidance,
        review_below=part.review_below,
    )
