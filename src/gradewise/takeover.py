"""How much of each part its judge could take over with more marks (`review list`, the queue
page): the workspace's side — which judge graded the part, its marks, its answers left — of
judges/outlook.py, which measures it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from gradewise.judges._embed import keeping
from gradewise.judges.outlook import Outlook
from gradewise.judges.registry import Forecaster, JudgeItem, judges
from gradewise.model import Part, PartGrade
from gradewise.workspace import Workspace


def outlooks(ws: Workspace, addresses: Sequence[str]) -> dict[str, Outlook]:
    """Each of these parts that a forecasting judge graded as a whole and whose answers are
    not all marked → its outlook."""
    parts = {p.address: p for p in ws.exam.parts()}
    examples = ws.examples()
    found = {}
    for address in dict.fromkeys(addresses):
        part = parts.get(address)
        grades = ws.grades(address=address)
        judge = _judge_of(grades)
        waiting = sum(1 for g in grades if g.manual_score is None)
        if part is None or judge is None or not waiting:
            continue
        with keeping(ws.store):  # the answers' vectors, computed when they were graded
            found[address] = judge.outlook(_template(part), examples.get(address, ()), waiting)
    return found


def _judge_of(grades: Sequence[PartGrade]) -> Forecaster | None:
    """The judge that judged most of the part's answers as a whole, if it can forecast."""
    ids = Counter(v.produced_by.split("@")[0] for g in grades for v in g.verdicts
                  if v.criterion == "part" and v.produced_by)  # fmt: skip
    for judge_id, _ in ids.most_common(1):
        found = judges().get(judge_id)
        if isinstance(found, Forecaster):
            return found
    return None


def _template(part: Part) -> JudgeItem:
    return JudgeItem(question=part.prompt, reference=part.reference, answer="",
                     max_marks=part.marks, group=part.address, guidance=part.guidance,
                     review_below=part.review_below)  # fmt: skip
