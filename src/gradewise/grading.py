"""Answers × parts → verdicts → part grades: incremental, batched by checker, resumable.

`plan` decides what must be (re)graded from content hashes (the part's definition, the answer
text, the versions of the checkers it uses); `run` grades those jobs in chunks, so the caller can
store each chunk as it comes and a killed run loses nothing already stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass

from gradewise.checkers.registry import Registry, registry
from gradewise.model import (
    NO_ANSWER_SOURCE,
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
from gradewise.scoring import score_part

# Bump when the way verdicts become scores changes, so stored grades are redone.
GRADING_VERSION = "1"

NO_ANSWER = "no answer found for this part: check the segmentation, or set the mark by hand"
NO_CHECK = "free-text criterion with no automatic check: a human decides"


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
) -> list[Job]:
    """The answers whose grade is missing or out of date."""
    reg = reg or registry()
    parts = {p.address: p for p in exam.parts()}
    part_hashes = {a: _part_hash(p, reg) for a, p in parts.items()}
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
    jobs: Sequence[Job], *, reg: Registry | None = None, chunk_size: int = 500
) -> Iterator[list[tuple[PartGrade, str]]]:
    """Grade the jobs chunk by chunk; each chunk is a list of (grade, input hash)."""
    reg = reg or registry()
    for start in range(0, len(jobs), chunk_size):
        yield grade_chunk(jobs[start : start + chunk_size], reg)


def grade_chunk(jobs: Sequence[Job], reg: Registry) -> list[tuple[PartGrade, str]]:
    """Grade a chunk, batching every checked criterion by checker kind."""
    requests: dict[str, list[tuple[int, int, str, Key]]] = {}
    verdicts: list[list[Verdict | None]] = []
    for j, job in enumerate(jobs):
        row: list[Verdict | None] = []
        if not job.part.criteria:
            row.append(_whole_part(job.answer))
        for c, criterion in enumerate(job.part.criteria):
            row.append(_undecidable(job.answer, criterion))
            if row[-1] is None and criterion.check is not None:
                key = criterion.check
                requests.setdefault(key.kind, []).append((j, c, job.answer.text, key))
        verdicts.append(row)
    for kind, items in requests.items():
        for (j, c, text, key), verdict in zip(items, _check_kind(reg, kind, items), strict=True):
            verdicts[j][c] = _verdict(jobs[j].part.criteria[c], text, key, verdict, reg)
    return [_grade(job, row) for job, row in zip(jobs, verdicts, strict=True)]


def _whole_part(answer: Answer) -> Verdict:
    """A part with neither key nor rubric: one verdict for the whole part, for a human."""
    if not answer.text.strip():
        return Verdict(
            "part", Status.NEEDS_REVIEW, 0.0, answer.flag or NO_ANSWER, produced_by=NO_ANSWER_SOURCE
        )
    return Verdict("part", Status.NEEDS_REVIEW, 0.0, NO_CHECK, produced_by="none")


def _undecidable(answer: Answer, criterion: Criterion) -> Verdict | None:
    """A verdict when no checker should run: empty answer, or no check for this criterion."""
    if not answer.text.strip():
        return Verdict(
            criterion.id,
            Status.NEEDS_REVIEW,
            0.0,
            answer.flag or NO_ANSWER,
            produced_by=NO_ANSWER_SOURCE,
        )
    if criterion.check is None:
        return Verdict(criterion.id, Status.NEEDS_REVIEW, 0.0, NO_CHECK, produced_by="none")
    return None


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


def _grade(job: Job, row: Sequence[Verdict | None]) -> tuple[PartGrade, str]:
    verdicts = tuple(v for v in row if v is not None)
    score, needs_review = score_part(job.part, verdicts)
    grade = PartGrade(job.answer.student, job.answer.address, score, verdicts, needs_review)
    return grade, job.input_hash


def _key_hash(key: Key) -> str:
    payload = {"kind": key.kind, "params": dict(key.params), "where": key.where}
    return _hash(json.dumps(payload, sort_keys=True, default=str))


def _part_hash(part: Part, reg: Registry) -> str:
    versions = {}
    for criterion in part.criteria:
        if criterion.check is not None:
            checker = reg.get(criterion.check.kind)
            versions[criterion.check.kind] = checker.version if checker else "missing"
    definition = json.dumps(asdict(part), sort_keys=True, default=str)
    return _hash(GRADING_VERSION, definition, json.dumps(versions, sort_keys=True))


def _hash(*pieces: str) -> str:
    digest = hashlib.sha256()
    for piece in pieces:
        digest.update(piece.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()
