"""Answers × parts → verdicts → part grades: incremental, batched, resumable.

`plan` decides what must be (re)graded from content hashes (the part's definition, the answer
text, the versions of the checkers it uses, and for free text the judge and the human marks it
learns from); `run` grades those jobs in chunks, so the caller can store each chunk as it comes
and a killed run loses nothing already stored. Keyed criteria go to checkers, batched by kind;
free text goes to one judge call per chunk; without a judge, free text waits for a human.
A judge gets each answer scrubbed of its writer's name, id and email (gradewise.privacy), and
its evidence is carried back to the answer as written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass

from gradewise.checkers.registry import Registry, registry
from gradewise.judges.registry import Example, Judge, JudgeItem, Judgement
from gradewise.model import (
    ILLEGIBLE,
    NO_ANSWER_SOURCE,
    NOT_ANSWERED,
    UNREAD_PAGE,
    UNSURE_PLACE,
    Answer,
    Criterion,
    Exam,
    Key,
    Outcome,
    Part,
    PartGrade,
    Status,
    Verdict,
)
from gradewise.privacy import Identity, Scrubbed, part_words, scrub
from gradewise.scoring import score_part

# Bump when the way verdicts become scores changes, so stored grades are redone.
GRADING_VERSION = "1"

NO_ANSWER = "no answer found for this part: check the segmentation, or set the mark by hand"
NO_CHECK = "free text and no judge configured: a human decides"

Examples = Mapping[str, tuple[Example, ...]]
People = Mapping[str, Identity]  # by student id: whose names, ids and emails judges never see
# A slot is (job index, criterion index); criterion index -1 is the whole part (no rubric).
Slot = tuple[int, int]


@dataclass(frozen=True)
class Job:
    answer: Answer
    part: Part
    input_hash: str


def plan(
    exam: Exam,
    answers: Sequence[Answer],
    previous: Mapping[tuple[str, str], str] | None = None,
    *,
    reg: Registry | None = None,
    judge: Judge | None = None,
    examples: Examples | None = None,
) -> list[Job]:
    """The answers whose grade is missing or out of date."""
    reg = reg or registry()
    examples = examples or {}
    parts = {p.address: p for p in exam.parts()}
    part_hashes = {a: _part_hash(p, reg, judge, _lessons(p, examples)) for a, p in parts.items()}
    jobs = []
    for answer in answers:
        part = parts.get(answer.address)
        if part is None:
            continue
        digest = _hash(part_hashes[answer.address], answer.text, answer.flag)
        if (previous or {}).get((answer.student, answer.address)) != digest:
            jobs.append(Job(answer, part, digest))
    return jobs


def run(
    jobs: Sequence[Job],
    *,
    reg: Registry | None = None,
    judge: Judge | None = None,
    examples: Examples | None = None,
    identities: People | None = None,
    chunk_size: int = 500,
) -> Iterator[list[tuple[PartGrade, str]]]:
    """Grade the jobs chunk by chunk; each chunk is a list of (grade, input hash)."""
    reg = reg or registry()
    for start in range(0, len(jobs), chunk_size):
        chunk = jobs[start : start + chunk_size]
        yield grade_chunk(chunk, reg, judge, examples or {}, identities or {})


def grade_chunk(
    jobs: Sequence[Job],
    reg: Registry,
    judge: Judge | None = None,
    examples: Examples | None = None,
    identities: People | None = None,
) -> list[tuple[PartGrade, str]]:
    """Grade a chunk: checked criteria batched by checker kind, free text in one judge call."""
    requests: dict[str, list[tuple[int, int, str, Key]]] = {}
    to_judge: list[Slot] = []
    rows: list[dict[int, Verdict]] = []
    for j, job in enumerate(jobs):
        row: dict[int, Verdict] = {}
        for c, criterion in _slots(job.part):
            verdict = _undecidable(job.answer, criterion, judge)
            if verdict is not None:
                row[c] = verdict
            elif criterion is not None and criterion.check is not None:
                key = criterion.check
                requests.setdefault(key.kind, []).append((j, c, job.answer.text, key))
            else:
                to_judge.append((j, c))
        rows.append(row)
    for kind, items in requests.items():
        for (j, c, text, key), outcome in zip(items, _check_kind(reg, kind, items), strict=True):
            rows[j][c] = _verdict(jobs[j].part.criteria[c], text, key, outcome, reg)
    if judge is not None and to_judge:
        judged = _judge(judge, jobs, to_judge, examples or {}, identities or {})
        for (j, c), verdict in zip(to_judge, judged, strict=True):
            rows[j][c] = verdict
    return [
        _grade(job, tuple(row[c] for c in sorted(row))) for job, row in zip(jobs, rows, strict=True)
    ]


def _slots(part: Part) -> list[tuple[int, Criterion | None]]:
    if not part.criteria:
        return [(-1, None)]
    return list(enumerate(part.criteria))


def _undecidable(
    answer: Answer, criterion: Criterion | None, judge: Judge | None
) -> Verdict | None:
    """A verdict when nothing automatic should run: no answer (not answered: 0, decided;
    maybe missed by segmentation: review), or free text and no judge."""
    cid = criterion.id if criterion else "part"
    if _not_answered(answer):
        return Verdict(cid, Status.NOT_MET, 0.0, NOT_ANSWERED, produced_by=NO_ANSWER_SOURCE)
    if not answer.text.strip():
        reason = answer.flag or NO_ANSWER
        return Verdict(cid, Status.NEEDS_REVIEW, 0.0, reason, produced_by=NO_ANSWER_SOURCE)
    if (criterion is None or criterion.check is None) and judge is None:
        return Verdict(cid, Status.NEEDS_REVIEW, 0.0, NO_CHECK, produced_by="none")
    return None


def _judge(
    judge: Judge,
    jobs: Sequence[Job],
    slots: Sequence[Slot],
    examples: Examples,
    identities: People,
) -> list[Verdict]:
    texts = {j: _scrubbed(jobs[j], identities) for j, _ in slots}
    items = [_judge_item(jobs[j], c, examples, texts[j].text) for j, c in slots]
    try:
        judgements = judge.judge_many(items)
        if len(judgements) != len(items):
            raise ValueError("the judge returned a wrong number of judgements")
    except Exception as exc:  # a judge failure must not cost a student marks
        judgements = [Judgement(Status.ERROR, 0.0, 0.0, f"{judge.id} judge failed: {exc!r}")] * len(
            items
        )
    by = f"{judge.id}@{judge.version}"
    return [
        _judged(jobs[j], c, jm, by, texts[j]) for (j, c), jm in zip(slots, judgements, strict=True)
    ]


def _scrubbed(job: Job, identities: People) -> Scrubbed:
    student = job.answer.student
    who = identities.get(student) or Identity(student)
    return scrub(job.answer.text, who, keep=part_words(job.part))


def _judge_item(job: Job, c: int, examples: Examples, text: str) -> JudgeItem:
    part = job.part
    criterion = part.criteria[c] if c >= 0 else None
    lessons = examples.get(part.address, ())
    return JudgeItem(
        question=part.prompt,
        reference=part.reference,
        answer=text,
        criterion=criterion.text if criterion else "",
        max_marks=abs(criterion.marks) if criterion else part.marks,
        examples=criterion_lessons(part, criterion, examples) if criterion else lessons,
        group=label_key(part.address, criterion.id) if criterion else part.address,
        guidance=part.guidance,
        review_below=part.review_below,
    )


def label_key(address: str, criterion: str) -> str:
    """A judged criterion's group, under which its labels are kept among the lessons."""
    return f"{address}#{criterion}"


def criterion_lessons(part: Part, criterion: Criterion, examples: Examples) -> tuple[Example, ...]:
    """What a criterion learns from: its own labels where graders marked the part by rubric
    items (kept under `address#id`, see judges/_items.py), else what the part's marks say."""
    labelled = examples.get(label_key(part.address, criterion.id))
    if labelled is not None:
        return labelled
    return criterion_examples(criterion, examples.get(part.address, ()))


def criterion_examples(criterion: Criterion, marked: Sequence[Example]) -> tuple[Example, ...]:
    """What the human's part marks say about one criterion. Marks are per part, so only the
    ends of the scale speak for a criterion: full marks mean every criterion that adds marks was
    met (unless it is one of a group of alternatives) and no deduction applied; no marks mean no
    criterion that adds marks was met. Marks in between say nothing about any one criterion."""
    found = []
    for e in marked:
        if e.fraction >= 1.0 and criterion.marks < 0:
            found.append(Example(e.answer, 0.0))
        elif e.fraction >= 1.0 and criterion.group is None:
            found.append(Example(e.answer, 1.0))
        elif e.fraction <= 0.0 and criterion.marks > 0:
            found.append(Example(e.answer, 0.0))
    return tuple(found)


def judge_items(
    jobs: Sequence[Job],
    judge: Judge,
    examples: Examples | None = None,
    identities: People | None = None,
) -> list[JudgeItem]:
    """The free-text items grading these jobs would give the judge, in order (for a dry run)."""
    return [
        _judge_item(job, c, examples or {}, _scrubbed(job, identities or {}).text)
        for job in jobs
        for c, criterion in _slots(job.part)
        if _undecidable(job.answer, criterion, judge) is None
        and (criterion is None or criterion.check is None)
    ]


def _judged(job: Job, c: int, judgement: Judgement, by: str, seen: Scrubbed) -> Verdict:
    # The judge's span is in the scrubbed text it read: carried back to the answer as written.
    span = seen.original(judgement.evidence) if judgement.evidence else None
    return Verdict(
        criterion=job.part.criteria[c].id if c >= 0 else "part",
        status=judgement.status,
        fraction=judgement.fraction,
        reason=judgement.reason,
        evidence=job.answer.text[span[0] : span[1]] if span else "",
        span=span,
        confidence=judgement.confidence,
        produced_by=by,
    )


def _lessons(part: Part, examples: Examples) -> tuple[Example, ...]:
    """Every lesson a part's judging reads: its marks, and its items' labels."""
    labels = (examples.get(label_key(part.address, c.id), ()) for c in part.criteria)
    return examples.get(part.address, ()) + tuple(e for found in labels for e in found)


def _check_kind(
    reg: Registry, kind: str, items: Sequence[tuple[int, int, str, Key]]
) -> list[Outcome]:
    checker = reg.get(kind)
    if checker is None:
        reason = f"no checker installed for kind {kind!r} (installed: {', '.join(reg.kinds())})"
        return [Outcome(Status.ERROR, reason=reason)] * len(items)
    try:
        outcomes = checker.check_many([(text, key) for _, _, text, key in items])
    except Exception as exc:  # a checker bug must not cost a student marks
        return [Outcome(Status.ERROR, reason=f"{kind} checker failed: {exc!r}")] * len(items)
    if len(outcomes) != len(items):
        return [
            Outcome(Status.ERROR, reason=f"{kind} checker returned a wrong number of results")
        ] * len(items)
    return outcomes


def _verdict(criterion: Criterion, text: str, key: Key, outcome: Outcome, reg: Registry) -> Verdict:
    span = outcome.evidence
    evidence = text[span[0] : span[1]] if span else ""
    reason = outcome.reason or (f"read {outcome.found}" if outcome.found else "")
    return Verdict(
        criterion=criterion.id,
        status=outcome.status,
        fraction=outcome.fraction,
        reason=reason,
        evidence=evidence,
        span=span,
        confidence=outcome.confidence,
        produced_by=produced_by(key, reg),
    )


def produced_by(key: Key, reg: Registry) -> str:
    """checker kind, version and a hash of its options: enough to reproduce the verdict."""
    checker = reg.get(key.kind)
    version = checker.version if checker else "missing"
    return f"{key.kind}@{version}#{_key_hash(key)[:10]}"


def _not_answered(answer: Answer) -> bool:
    return answer.flag == NOT_ANSWERED and not answer.text.strip()


def _grade(job: Job, verdicts: tuple[Verdict, ...]) -> tuple[PartGrade, str]:
    score, needs_review = score_part(job.part, verdicts)
    # Words nobody could read, or a page of the scan that could not be read: a human decides.
    needs_review = needs_review or ILLEGIBLE in job.answer.text or UNREAD_PAGE in job.answer.flag
    # ... and so does an answer whose text may hold another part's answer (segmentation unsure)
    needs_review = needs_review or UNSURE_PLACE in job.answer.flag
    if _not_answered(job.answer):
        score = 0.0  # a deduction rubric starts from full marks for an answer, not for none
    grade = PartGrade(job.answer.student, job.answer.address, score, verdicts, needs_review)
    return grade, job.input_hash


def _key_hash(key: Key) -> str:
    payload = {"kind": key.kind, "params": dict(key.params), "where": key.where}
    return _hash(json.dumps(payload, sort_keys=True, default=str))


def _part_hash(
    part: Part, reg: Registry, judge: Judge | None, examples: tuple[Example, ...]
) -> str:
    versions = {}
    judged = not part.criteria
    for criterion in part.criteria:
        if criterion.check is not None:
            checker = reg.get(criterion.check.kind)
            versions[criterion.check.kind] = checker.version if checker else "missing"
        else:
            judged = True
    if judged:
        versions["judge"] = f"{judge.id}@{judge.version}" if judge else "none"
        versions["examples"] = _hash(*(f"{e.fraction:.6g}:{e.answer}" for e in examples))
    definition = json.dumps(asdict(part), sort_keys=True, default=str)
    return _hash(GRADING_VERSION, definition, json.dumps(versions, sort_keys=True))


def _hash(*pieces: str) -> str:
    digest = hashlib.sha256()
    for piece in pieces:
        digest.update(piece.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()
