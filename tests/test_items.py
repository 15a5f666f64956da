"""Rubric items learn too: every item-marked answer labels each of its part's items (applied or
not), and with enough labels a classifier of the item proposes it for the unmarked answers, with
its evidence, its confidence fitted on its own held-out labels, the part's score following."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from gradewise import actions, grading
from gradewise.actions import Target, mark_answers
from gradewise.actions import rubric as rubric_actions
from gradewise.checkers.registry import registry
from gradewise.exam.edit import RubricChange
from gradewise.grading import label_key
from gradewise.judges import _items
from gradewise.judges._items import ItemMark, item_labels
from gradewise.judges.learned import LearnedJudge, ShotFit
from gradewise.judges.registry import Example, JudgeItem
from gradewise.model import Answer, Criterion, ManualMark, Part, Status
from gradewise.workspace import Workspace
from test_part import CONCEPTS, FILLER, QUESTION, REFERENCE

JUDGE = LearnedJudge()
RUBRIC = (
    Criterion("a", "tunes the hyperparameters", 1.0),
    Criterion("b", "estimates how well the model generalises", 1.0),
    Criterion("c", "detects overfitting", 1.0),
    Criterion("full", "all of it", 2.0, group="level"),
    Criterion("half", "half of it", 1.0, group="level"),
)
PART = Part("I.1", "1", QUESTION, 5.0, rubric=RUBRIC, reference=REFERENCE)


def _labels(marks: list[ItemMark]) -> dict[str, list[tuple[str, float]]]:
    found = item_labels(PART, marks)
    return {item: [(e.answer, e.fraction) for e in labels] for item, labels in found.items()}


ALL = ("a", "b", "c", "full", "half")


@pytest.mark.parametrize(
    "marks, expected",
    [
        # items applied: 1 for each, 0 for every other item of the part
        (
            [ItemMark("x", ManualMark(("a", "full")))],
            {i: [("x", float(i in ("a", "full")))] for i in ALL},
        ),
        # a plain number says nothing about items, however high or low
        ([ItemMark("x", ManualMark(adjustment=5.0))], {}),
        ([ItemMark("x", ManualMark(adjustment=0.0))], {}),
        # an adjustment beside the items changes no label
        (
            [ItemMark("x", ManualMark(("b",), -1.0, "sloppy"))],
            {i: [("x", float(i == "b"))] for i in ALL},
        ),
        # the grader removed 'a' (proposed by the machine, or applied before): 'a' is labelled 0
        (
            [ItemMark("x", ManualMark(("c",)))],
            {i: [("x", float(i == "c"))] for i in ALL},
        ),
        # an item since deleted from the rubric labels nothing; the others are read as usual
        (
            [ItemMark("x", ManualMark(("gone", "a")))],
            {i: [("x", float(i == "a"))] for i in ALL},
        ),
        # items added to the rubric after the mark: the grader never saw them, no label
        (
            [ItemMark("x", ManualMark(("a",)), unseen=frozenset({"c", "half"}))],
            {"a": [("x", 1.0)], "b": [("x", 0.0)], "full": [("x", 0.0)]},
        ),
        # marked by items, none applied ("earns no item"): every item of the part labelled 0
        (
            [ItemMark("x", ManualMark(by_items=True))],
            {i: [("x", 0.0)] for i in ALL},
        ),
        # a blank answer teaches nothing
        ([ItemMark("  ", ManualMark(("a",)))], {}),
        # plain and item marks mixed: only the item mark labels
        (
            [ItemMark("x", ManualMark(adjustment=3.0)), ItemMark("y", ManualMark(("half",)))],
            {i: [("y", float(i == "half"))] for i in ALL},
        ),
        # the same text marked both ways: both labels are kept (the classifier weighs them)
        (
            [ItemMark("x", ManualMark(("a",))), ItemMark("x", ManualMark(("b",)))],
            {i: sorted([("x", float(i == "a")), ("x", float(i == "b"))]) for i in ALL},
        ),
    ],
)
def test_labels_from_marks(marks: list[ItemMark], expected: dict[str, list]) -> None:
    assert _labels(marks) == expected


def test_a_label_key_is_the_judged_criterions_group() -> None:
    assert label_key("II.4.a", "step") == "II.4.a#step"


@pytest.mark.parametrize(
    "sure, proposed, forest, forest_sure, expected",
    [
        (0.9, 1.0, 0.8, 0.95, 0.9),  # both apply it: the less sure of the two
        (0.97, 0.0, 0.1, 0.85, 0.85),  # both leave it out: the forest is less sure
        (0.95, 1.0, 0.2, 0.9, 0.1),  # the forest, sure, leaves it out: as sure as it is wrong
        (0.95, 0.0, 0.6, 0.5, 0.5),  # the forest, unsure, applies it: a coin
    ],
)
def test_an_items_confidence_is_checked_by_the_forest(
    sure: float, proposed: float, forest: float, forest_sure: float, expected: float
) -> None:
    got = _items.checked([sure], [proposed], np.array([forest]), np.array([forest_sure]))
    assert got == pytest.approx([expected])


# a part whose items are decided by phrases -------------------------------------------------

ITEM_TEXTS = [c.text for c in RUBRIC[:3]]


def item_class(n: int, seed: int = 0) -> list[tuple[str, tuple[bool, ...]]]:
    """n answers of several sentences, each concept of tests/test_part.py stated in a sentence
    of its own or not; with which items (one per concept) each answer earns."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        said = [rng.choice(c) for c in CONCEPTS if rng.random() < 0.5]
        said += rng.sample(FILLER, rng.randint(1, 2))
        rng.shuffle(said)
        text = " ".join(s[0].upper() + s[1:] + "." for s in said)
        out.append((text, tuple(any(p in text.lower() for p in c) for c in CONCEPTS)))
    return out


def _items_judged(
    labelled: int, n: int = 150, seed: int = 3
) -> tuple[list[list[JudgeItem]], list[tuple[str, tuple[bool, ...]]]]:
    answers = item_class(n, seed)
    per_item = []
    for k, text in enumerate(ITEM_TEXTS):
        labels = tuple(Example(t, float(has[k])) for t, has in answers[:labelled])
        per_item.append(
            [
                JudgeItem(QUESTION, REFERENCE, t, criterion=text, examples=labels, group=f"v#{k}")
                for t, _ in answers[labelled:]
            ]
        )
    return per_item, answers[labelled:]


def test_items_decided_by_a_phrase_are_proposed_with_their_sentence() -> None:
    per_item, rest = _items_judged(30)  # fewer than a part model needs
    for k, items in enumerate(per_item):
        fit = JUDGE.lesson(items)
        assert isinstance(fit, ShotFit) and fit.part is not None  # the item's own classifier
        judged = JUDGE.judge_many(items)
        truth = np.array([has[k] for _, has in rest])
        proposed = np.array([j.fraction == 1.0 for j in judged])
        assert {j.fraction for j in judged} <= {0.0, 1.0}  # an item applies or not
        assert (proposed == truth).mean() >= 0.9
        found = 0
        for (text, _), j in zip(rest, judged, strict=True):
            assert j.evidence is not None
            start, end = j.evidence
            assert 0 <= start < end <= len(text)  # inside the answer
            found += j.fraction == 1.0 and any(p in text[start:end].lower() for p in CONCEPTS[k])
        assert found >= 0.8 * proposed.sum()  # the sentence that states the concept


def test_the_parts_score_follows_from_the_proposed_items() -> None:
    answers = item_class(120, seed=4)
    part = replace(PART, rubric=RUBRIC[:3], marks=3.0)
    examples = {
        label_key(part.address, c.id): tuple(Example(t, float(has[k])) for t, has in answers[:60])
        for k, c in enumerate(part.rubric)
    }
    rest = enumerate(answers[60:])
    jobs = [grading.Job(Answer(f"s{i}", part.address, t), part, "") for i, (t, _) in rest]
    graded = grading.grade_chunk(jobs, registry(), JUDGE, examples)
    right = 0
    for (grade, _), (_, has) in zip(graded, answers[60:], strict=True):
        items = actions.proposed_items(part, grade)
        assert grade.auto_score == len(items)  # one mark per item proposed
        sure = all(v.confidence >= part.review_below for v in grade.verdicts)
        assert grade.needs_review is not sure  # auto-accepted only when every item is sure
        right += items == tuple(c.id for c, h in zip(part.rubric, has, strict=True) if h)
    assert right >= 0.75 * len(graded)


def test_examples_without_item_labels_keep_the_part_marks_reading() -> None:
    part = replace(PART, rubric=RUBRIC[:1], marks=1.0)
    lessons = {part.address: (Example("to tune the hyperparameters", 1.0),)}
    job = grading.Job(Answer("s", part.address, "hyperparameter tuning"), part, "")
    (item,) = grading.judge_items([job], JUDGE, lessons)
    assert item.examples == (Example("to tune the hyperparameters", 1.0),)  # full marks: met
    labelled = {**lessons, label_key(part.address, "a"): (Example("other", 0.0),)}
    (item,) = grading.judge_items([job], JUDGE, labelled)
    assert item.examples == (Example("other", 0.0),)  # the item's own labels win


# bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label, n",
    [
        (0.0, 10),  # ten answers, the item never applied: too few to accept anything
        (1.0, 10),  # ten answers, always applied: likewise
        (0.0, 60),  # sixty, never applied: "not applied" at most as sure as the rule of three
        (1.0, 60),  # sixty, always applied: likewise, and "not applied" never accepted
    ],
)
def test_labels_of_one_class_only_teach_no_classifier(label: float, n: int) -> None:
    answers = item_class(n + 30, seed=5)
    labels = tuple(Example(t, label) for t, _ in answers[:n])
    items = [
        JudgeItem(QUESTION, REFERENCE, t, criterion=ITEM_TEXTS[0], examples=labels, group="v#0")
        for t, _ in answers[n:]
    ]
    fit = JUDGE.lesson(items)
    assert isinstance(fit, ShotFit) and fit.part is None  # no classifier from one class
    judged = JUDGE.judge_many(items)
    assert max(j.confidence for j in judged) <= 1 - 3 / (n + 1) + 1e-4  # (rounded)
    other = [j for j in judged if abs(j.fraction - label) > 0.1]
    assert all(j.confidence < items[0].review_below for j in other)


def test_contradicting_labels_on_the_same_text_are_never_sure() -> None:
    answers = item_class(40, seed=6)
    labels = tuple(Example(answers[i // 2][0], float(i % 2)) for i in range(60))
    items = [
        JudgeItem(QUESTION, REFERENCE, t, criterion=ITEM_TEXTS[1], examples=labels, group="v#1")
        for t, _ in answers
    ]
    assert max(j.confidence for j in JUDGE.judge_many(items)) < 0.8


def test_two_labels_and_two_thousand_answers_are_never_auto_accepted() -> None:
    answers = item_class(2002, seed=7)
    labels = (Example(answers[0][0], 1.0), Example(answers[1][0], 0.0))
    items = [
        JudgeItem(QUESTION, REFERENCE, t, criterion=ITEM_TEXTS[2], examples=labels, group="v#2")
        for t, _ in answers[2:]
    ]
    judged = JUDGE.judge_many(items)
    assert len(judged) == 2000 and max(j.confidence for j in judged) < items[0].review_below


def test_ten_thousand_word_answers_among_the_labelled_and_the_judged() -> None:
    per_item, _ = _items_judged(50, n=60)
    items = per_item[0]
    long = "Hyperparameter tuning matters. " + "overfitting and hyperparameters " * 5000
    labels = (Example(long, 1.0), *items[0].examples)
    items = [replace(i, examples=labels) for i in items] + [replace(items[0], answer=long)]
    judged = JUDGE.judge_many([replace(i, examples=labels) for i in items])
    assert all(j.fraction in (0.0, 1.0) for j in judged[:-1])
    assert judged[-1].status is Status.NEEDS_REVIEW  # too long to read whole: a human decides


def test_fewer_labels_than_the_minimum_leave_the_forest_alone() -> None:
    per_item, _ = _items_judged(_items.MIN_LABELS - 1, n=_items.MIN_LABELS + 20)
    fit = JUDGE.lesson(per_item[0])
    assert isinstance(fit, ShotFit) and fit.part is None


# the workspace: labels from the store --------------------------------------------------------

S1, S2 = "s2024002", "s2024003"  # both answered II.10.a


def _mark(ws: Workspace, student: str, items: tuple[str, ...]) -> None:
    mark = ManualMark(items, by_items=True)
    mark_answers(ws, "II.10.a", [(Target(student), mark)], who="ta", why="marked")


def test_the_workspace_gives_each_item_its_labels(ws: Workspace) -> None:
    _mark(ws, S1, ("l1",))
    mark_answers(ws, "II.10.a", [(Target(S2), actions.plain(2))], who="ta", why="a number")
    found = ws.examples()
    assert [e.fraction for e in found["II.10.a#l1"]] == [1.0]
    assert [e.fraction for e in found["II.10.a#l2"]] == [0.0]  # S2's plain mark: no label
    assert len(found["II.10.a"]) == 2  # both are marks of the part


def test_a_mark_by_items_with_none_applied_labels_every_item_0(ws: Workspace) -> None:
    _mark(ws, S1, ())  # the grader ticked no item: the answer earns none
    mark_answers(ws, "II.10.a", [(Target(S2), actions.plain(0))], who="ta", why="a number")
    now = Workspace(ws.root)  # read back from the store
    by_student = {g.student: g.mark for g in now.grades() if g.address == "II.10.a"}
    assert by_student[S1] is not None and by_student[S1].by_items
    assert by_student[S2] is not None and not by_student[S2].by_items
    found = now.examples()
    assert [e.fraction for e in found["II.10.a#l1"]] == [0.0]  # S1's only: S2's says nothing
    assert [e.fraction for e in found["II.10.a#l2"]] == [0.0]


def test_items_make_a_mark_by_items() -> None:
    assert ManualMark(("a",)).by_items and not ManualMark(adjustment=2.0).by_items


def test_an_item_added_after_a_mark_is_not_labelled_by_it(ws: Workspace) -> None:
    _mark(ws, S1, ("l1",))
    version = rubric_actions.rubric_version(ws.exam.part("II.10.a"))
    add = RubricChange("add", "sparse", text="says L1 gives sparse weights", marks=1)
    rubric_actions.apply(ws, "II.10.a", add, version=version, who="ta", why="a new item")
    now = Workspace(ws.root)
    assert "II.10.a#sparse" not in now.examples()  # S1's mark was made before it existed
    _mark(now, S2, ("l2",))
    found = now.examples()
    assert [e.fraction for e in found["II.10.a#sparse"]] == [0.0]  # S2's, made after it
    assert len(found["II.10.a#l1"]) == 2


def test_items_changed_at_the_same_score_regrade_the_part(ws: Workspace) -> None:
    _mark(ws, S1, ("l1",))  # 2 marks
    lessons = ws.examples()
    before = _hashes(ws)
    changed = ManualMark(("l2",), 1.0, "said it well")  # 1 + 1: the same 2 marks
    mark_answers(ws, "II.10.a", [(Target(S1), changed)], who="ta", why="other items")
    assert ws.examples()["II.10.a"] == lessons["II.10.a"]  # the part's mark did not move
    assert _hashes(ws) != before  # but its items did: the part is judged again


def _hashes(ws: Workspace) -> dict[str, str]:
    answers = ws.store.answers(address="II.10.a")
    jobs = grading.plan(ws.exam, answers, judge=JUDGE, examples=ws.examples())
    return {j.answer.student: j.input_hash for j in jobs}
