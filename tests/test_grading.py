"""Grading: batching by checker, failures become review (never marks lost), incremental plans."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from gradewise import grading
from gradewise.checkers.registry import Registry, SimpleChecker
from gradewise.judges.registry import Example, JudgeItem, Judgement
from gradewise.model import (
    NOT_ANSWERED,
    UNSURE_PLACE,
    Answer,
    Criterion,
    Exam,
    Key,
    Outcome,
    Part,
    Question,
    Section,
    Status,
)
from gradewise.privacy import Identity
from gradewise.scripts.segment import NO_ANSWER


class Exact(SimpleChecker):
    """Met when the answer, stripped, equals params['value']."""

    kind = "exact"
    version = "7"

    def __init__(self) -> None:
        self.calls = 0

    def check(self, answer: str, key: Key) -> Outcome:
        read = answer.strip()
        status = Status.MET if read == key.params["value"] else Status.NOT_MET
        return Outcome(
            status, 1.0 if status is Status.MET else 0.0, evidence=(0, len(answer)), found=read
        )

    def check_many(self, items: Sequence[tuple[str, Key]]) -> list[Outcome]:
        self.calls += 1
        return super().check_many(items)


class Broken(SimpleChecker):
    kind = "broken"

    def check(self, answer: str, key: Key) -> Outcome:
        raise RuntimeError("boom")


class Short(SimpleChecker):
    kind = "short"

    def check_many(self, items: Sequence[tuple[str, Key]]) -> list[Outcome]:
        return []


def _registry() -> tuple[Registry, Exact]:
    reg = Registry()
    exact = Exact()
    for checker in (exact, Broken(), Short()):
        reg.register(checker)
    return reg, exact


def _exam(kind: str = "exact") -> Exam:
    key = Key(kind, {"value": "42"})
    parts = (
        Part("I.1", "1", "", 2, key=key),
        Part("I.2", "2", "", 3, rubric=(Criterion("c", "explains", 3),)),
        Part("I.3", "3", "", 4, key=key),
        Part("I.4", "4", "", 5, rubric=(Criterion("sign", "sign slip", -1),)),  # deductions
    )
    return Exam("e", "E", (Section("I", "", tuple(Question(p.label, "", (p,)) for p in parts)),))


def _answers(*texts: str) -> list[Answer]:
    return [Answer("s1", f"I.{i}", t) for i, t in enumerate(texts, 1)]


def _grade(
    exam: Exam, answers: list[Answer], reg: Registry
) -> dict[str, tuple[float, bool, Status]]:
    out = {}
    for chunk in grading.run(grading.plan(exam, answers, reg=reg), reg=reg):
        for grade, _ in chunk:
            out[grade.address] = (grade.auto_score, grade.needs_review, grade.verdicts[0].status)
    return out


def test_batches_one_call_per_kind_and_scores() -> None:
    reg, exact = _registry()
    got = _grade(_exam(), _answers("42", "because...", " 41 "), reg)
    assert got == {
        "I.1": (2, False, Status.MET),  # keyed, right
        "I.2": (0, True, Status.NEEDS_REVIEW),  # free text without a judge: a human decides
        "I.3": (0, False, Status.NOT_MET),  # keyed, read and different
    }
    assert exact.calls == 1


@pytest.mark.parametrize(
    "kind, reason",
    [
        ("broken", "checker failed"),  # a checker that raises
        ("short", "wrong number of results"),  # a checker that returns too few outcomes
        ("nosuch", "no checker installed"),  # a kind whose plugin is not installed
    ],
)
def test_checker_failures_go_to_review_not_zero(kind: str, reason: str) -> None:
    reg, _ = _registry()
    exam = _exam(kind)
    chunks = list(grading.run(grading.plan(exam, _answers("42", "x", "42"), reg=reg), reg=reg))
    grade = next(g for g, _ in chunks[0] if g.address == "I.1")
    assert grade.needs_review and grade.verdicts[0].status is Status.ERROR
    assert reason in grade.verdicts[0].reason


@pytest.mark.parametrize(
    "address, flag, expected",
    [
        ("I.1", NO_ANSWER, (0, True, Status.NEEDS_REVIEW)),  # text left unplaced: a human looks
        ("I.2", NO_ANSWER, (0, True, Status.NEEDS_REVIEW)),  # the same for free text
        ("I.1", NOT_ANSWERED, (0, False, Status.NOT_MET)),  # all placed elsewhere: 0, decided
        ("I.2", NOT_ANSWERED, (0, False, Status.NOT_MET)),  # free text too, no judge needed
        ("I.4", NOT_ANSWERED, (0, False, Status.NOT_MET)),  # a deduction rubric gives 0, not 5
    ],
)
def test_empty_answer(address: str, flag: str, expected: tuple[float, bool, Status]) -> None:
    reg, exact = _registry()
    got = _grade(_exam(), [Answer("s1", address, "", flag=flag)], reg)
    assert got[address] == expected
    assert exact.calls == 0


@pytest.mark.parametrize(
    "flag, review",
    [
        ("", False),  # placed with no doubt: the check decides
        ("joined from 2 places in the script", False),  # two attempts at one part: still its own
        (f"{UNSURE_PLACE} I.2: check where the script's text went", True),  # may hold 2's answer
    ],
)
def test_an_answer_that_may_hold_another_part_s_goes_to_review(flag: str, review: bool) -> None:
    reg, _ = _registry()
    got = _grade(_exam(), [Answer("s1", "I.1", "42", flag=flag)], reg)
    assert got["I.1"] == (2, review, Status.MET)  # the check's mark stays as the proposal


def test_not_answered_says_so() -> None:
    reg, _ = _registry()
    [[(grade, _)]] = list(
        grading.run(
            grading.plan(_exam(), [Answer("s1", "I.1", "", flag=NOT_ANSWERED)], reg=reg), reg=reg
        )
    )
    assert grade.unanswered and not grade.pending
    assert grade.verdicts[0].reason.startswith("not answered")


def test_plan_is_incremental() -> None:
    reg, _ = _registry()
    exam = _exam()
    answers = _answers("42", "x", "7")
    first = grading.plan(exam, answers, reg=reg)
    previous = {(j.answer.student, j.answer.address): j.input_hash for j in first}
    assert grading.plan(exam, answers, previous, reg=reg) == []  # nothing changed
    changed = _answers("42", "x", "8")
    assert [j.answer.address for j in grading.plan(exam, changed, previous, reg=reg)] == ["I.3"]
    exact_v8 = Registry()
    newer = Exact()
    newer.version = "8"
    exact_v8.register(newer)
    # A new checker version re-grades the parts that use it, not the free-text part.
    assert {j.answer.address for j in grading.plan(exam, answers, previous, reg=exact_v8)} == {
        "I.1",
        "I.3",
    }


def test_verdict_records_evidence_and_producer() -> None:
    reg, _ = _registry()
    [[(grade, _), *_]] = list(
        grading.run(grading.plan(_exam(), _answers("42", "", ""), reg=reg), reg=reg)
    )
    verdict = grade.verdicts[0]
    assert verdict.evidence == "42" and verdict.span == (0, 2)
    assert verdict.produced_by.startswith("exact@7#")


class Echo:
    """A judge that reads its decision from the answer: 'good' met, 'half' partial, 'meh' unsure."""

    id = "echo"
    version = "1"

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.seen: list[JudgeItem] = []

    def judge_many(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        if self.fail:
            raise RuntimeError("model crashed")
        self.seen.extend(items)
        return [self._one(item) for item in items]

    @staticmethod
    def _one(item: JudgeItem) -> Judgement:
        if "good" in item.answer:
            return Judgement(Status.MET, 1.0, 0.95, "matches the reference", (0, 4))
        if "half" in item.answer:
            return Judgement(Status.PARTIAL, 0.5, 0.9, "half of it")
        return Judgement(Status.NOT_MET, 0.0, 0.4, "unsure")


def _text_exam() -> Exam:
    parts = (
        Part("I.1", "1", "Explain dropout.", 4, rubric=(Criterion("idea", "random zeroing", 4),)),
        Part("I.2", "2", "Why ReLU?", 2, reference="No saturation for positive inputs."),
    )
    return Exam("e", "E", (Section("I", "", tuple(Question(p.label, "", (p,)) for p in parts)),))


def _judged(judge: Echo, *texts: str, examples=None):  # type: ignore[no-untyped-def]
    reg, _ = _registry()
    jobs = grading.plan(_text_exam(), _answers(*texts), reg=reg, judge=judge, examples=examples)
    [chunk] = list(grading.run(jobs, reg=reg, judge=judge, examples=examples))
    return {g.address: g for g, _ in chunk}


@pytest.mark.parametrize(
    "texts, expected",
    [
        (("good", "good"), {"I.1": (4, False), "I.2": (2, False)}),  # sure and right: no human
        (
            ("half", "half"),
            {"I.1": (2, False), "I.2": (1, False)},
        ),  # partial credit, whole part too
        (("meh", "good"), {"I.1": (0, True), "I.2": (2, False)}),  # unsure: review, proposal kept
    ],
)
def test_judge_decides_free_text(
    texts: tuple[str, str], expected: dict[str, tuple[float, bool]]
) -> None:
    got = _judged(Echo(), *texts)
    assert {a: (g.auto_score, g.needs_review) for a, g in got.items()} == expected
    assert got["I.1"].verdicts[0].produced_by == "echo@1"


def test_judge_failure_goes_to_review() -> None:
    got = _judged(Echo(fail=True), "good", "good")
    assert all(g.needs_review and g.auto_score == 0 for g in got.values())
    assert "model crashed" in got["I.1"].verdicts[0].reason


def test_human_marks_reach_the_whole_part_judge_and_trigger_regrading() -> None:
    judge = Echo()
    examples = {"I.2": (Example("no saturation", 1.0),)}
    _judged(judge, "good", "good", examples=examples)
    by_part = {i.group: i for i in judge.seen}
    assert by_part["I.2"].examples == examples["I.2"]
    assert by_part["I.1#idea"].examples == ()  # no marks for I.1 yet
    reg, _ = _registry()
    exam, answers = _text_exam(), _answers("good", "good")
    first = grading.plan(exam, answers, reg=reg, judge=judge)
    previous = {(j.answer.student, j.answer.address): j.input_hash for j in first}
    again = grading.plan(exam, answers, previous, reg=reg, judge=judge, examples=examples)
    assert [j.answer.address for j in again] == ["I.2"]  # a new human mark re-grades that part only


POSITIVE, DEDUCTION = Criterion("c", "says why", 2), Criterion("u", "units missing", -1)
ALTERNATIVE = Criterion("a", "one of two ways", 2, group="way")


@pytest.mark.parametrize(
    "criterion, part_fraction, expected",
    [
        (POSITIVE, 1.0, (1.0,)),  # full marks: every criterion that adds marks was met
        (POSITIVE, 0.0, (0.0,)),  # no marks: none was
        (POSITIVE, 0.5, ()),  # in between: says nothing about one criterion
        (DEDUCTION, 1.0, (0.0,)),  # full marks: no deduction applied
        (DEDUCTION, 0.0, ()),  # no marks: a deduction may or may not have applied
        (ALTERNATIVE, 1.0, ()),  # full marks may have come from the other way
        (ALTERNATIVE, 0.0, (0.0,)),
    ],
)
def test_part_marks_teach_a_criterion_only_at_the_ends_of_the_scale(
    criterion: Criterion, part_fraction: float, expected: tuple[float, ...]
) -> None:
    got = grading.criterion_examples(criterion, (Example("an answer", part_fraction),))
    assert tuple(e.fraction for e in got) == expected


def test_full_and_zero_marks_reach_the_rubric_criterion_judge() -> None:
    judge = Echo()
    marked = (
        Example("random zeroing of units", 1.0),
        Example("faster GPUs", 0.0),
        Example("zeroing", 0.5),
    )
    _judged(judge, "good", "good", examples={"I.1": marked})
    [item] = [i for i in judge.seen if i.group == "I.1#idea"]
    assert item.examples == (Example("random zeroing of units", 1.0), Example("faster GPUs", 0.0))


def test_judges_read_answers_without_their_writers_identity() -> None:
    # Adam Smith (s1) signs his answer and names the Adam optimiser, which the exam's prompt
    # names too: his name goes, the optimiser stays; the judge's evidence is his own words.
    part = Part("I.1", "1", "Why does Adam converge here?", 2, reference="Adaptive steps.")
    exam = Exam("e", "E", (Section("I", "", (Question("1", "", (part,)),)),))
    answers = [Answer("s1", "I.1", "Adam Smith, s1@uni.test: good, Adam adapts its steps")]
    judge = Echo()
    people = {"s1": Identity("s1", "Adam Smith", "s1@uni.test")}
    [chunk] = list(grading.run(grading.plan(exam, answers), judge=judge, identities=people))
    [item] = judge.seen
    assert item.answer == "[name], [email]: good, Adam adapts its steps"
    [(grade, _)] = chunk
    # Echo quotes the first four characters it read, "[nam": the whole name they stand for.
    assert [v.evidence for v in grade.verdicts] == ["Adam Smith"]
