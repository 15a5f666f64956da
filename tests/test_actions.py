"""The actions layer's rules, against the actions themselves: marks by rubric items (scores,
clamping, exclusive groups, refusals that write nothing), versions and conflicts, accepting the
machine's proposal, and rubric edits moving hand marks. The CLI and the review app only parse
and render; their tests check that, not these rules.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from gradewise import actions
from gradewise.actions import Target, mark_answers, plain
from gradewise.actions import rubric as rubric_actions
from gradewise.errors import BadInput, ConflictError, NotFound
from gradewise.exam.edit import RubricChange
from gradewise.model import Criterion, ManualMark, Part, PartGrade, Status, Verdict
from gradewise.scoring import score_part
from gradewise.store import migrations, open_store
from gradewise.workspace import DB_FILE, Workspace, open_workspace

WHO = "ta-tester"
S1, S2 = "s2024001", "s2024002"


def set_mark(ws: Workspace, address: str, mark: ManualMark | None, **kw: Any) -> Any:
    target = Target(kw.pop("student", S1), kw.pop("version", None))
    return mark_answers(ws, address, [(target, mark)], who=WHO, why=kw.pop("why", "test"))


# scores -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address, mark, score",
    [
        ("II.7.a", ManualMark(), 0),  # no items: nothing earned
        ("II.7.a", ManualMark(("grad", "w1")), 2),  # items add their marks
        ("II.7.a", ManualMark(("grad", "w1", "w2", "w3"), 1, "neat"), 5),  # clamped to the marks
        ("II.7.a", ManualMark(("grad",), -2, "sign slip"), 0),  # clamped to 0
        ("II.7.a", ManualMark(("w3",), -0.5, "units missing"), 1.5),  # adjustment with a reason
        ("II.8.a", ManualMark(("size", "flipped")), 3),  # one item of an exclusive group
        ("II.9.a", ManualMark(("scores", "unnormalised")), 0),  # a deduction item
        ("II.9.a", ManualMark(("scores", "scaled", "weights", "unnormalised")), 4),  # 5 - 1
        ("I.1", ManualMark(("key",)), 2),  # a keyed part's one item: the key, full marks
        ("I.1", ManualMark(adjustment=1.5), 1.5),  # a plain number is an adjustment
        ("I.1", ManualMark(adjustment=0), 0),  # a plain zero is a mark too
        ("II.10.d", ManualMark(("shift",), comment="well put"), 2),  # a comment changes nothing
    ],
)
def test_item_marks_score(ws: Workspace, address: str, mark: ManualMark, score: float) -> None:
    (done,) = set_mark(ws, address, mark)
    assert done.manual_score == score and done.mark == mark and done.old is None
    (grade,) = ws.grades(S1, address)
    assert (grade.manual_score, grade.mark, grade.score) == (score, mark, score)


def test_plain_number_is_stored_as_an_adjustment(ws: Workspace) -> None:
    set_mark(ws, "II.7.a", plain(3, comment="see the margin"))
    assert ws.store.marks(S1, "II.7.a")[(S1, "II.7.a")] == ManualMark((), 3.0, "", "see the margin")
    set_mark(ws, "II.7.a", plain(None), version=None)  # None: back to the automatic score
    assert ws.store.marks(S1) == {} and ws.grades(S1, "II.7.a")[0].manual_score is None


def test_texts_are_kept_stripped(ws: Workspace) -> None:
    (done,) = set_mark(ws, "II.7.a", ManualMark(("grad",), -1, "  slip \n", " note "), why=" a ")
    assert (done.mark.reason, done.mark.comment) == ("slip", "note")
    assert ws.store.events(S1, "II.7.a")[0].why == "a"


# refusals -----------------------------------------------------------------------------------

LONG = "x" * 5_000_000  # a pasted file, not a comment


@pytest.mark.parametrize(
    "address, student, mark, why, error, says",
    [
        ("II.7.a", S1, ManualMark(("zz",)), "t", BadInput, "'zz' is not an item of II.7.a"),
        ("II.7.a", S1, ManualMark(("size",)), "t", BadInput, "'size' is an item of II.8.a"),
        ("II.7.a", S1, ManualMark(("w1", "w1")), "t", BadInput, "named twice"),
        ("II.8.a", S1, ManualMark(("exact", "flipped")), "t", BadInput, "exclusive group 'output'"),
        ("II.7.a", S1, ManualMark(("w1",), -1), "t", BadInput, "needs a reason"),  # no reason
        ("II.7.a", S1, ManualMark(("w1",), 6, "x"), "t", BadInput, "more than II.7.a's 5"),
        ("II.7.a", S1, ManualMark((), 9), "t", BadInput, "outside 0..5"),  # plain, too high
        ("II.7.a", S1, ManualMark((), -1), "t", BadInput, "outside 0..5"),  # plain, negative
        ("II.7.a", S1, ManualMark((), math.nan), "t", BadInput, "not a number"),
        ("II.7.a", S1, ManualMark(("w1",), math.inf, "x"), "t", BadInput, "not a number"),
        ("II.7.a", S1, ManualMark(("w1",)), "  ", BadInput, "the why is empty"),
        ("II.7.a", S1, ManualMark(("w1",), comment=LONG), "t", BadInput, "over the limit"),
        ("II.7.a", S1, ManualMark(("w1",), 1, LONG), "t", BadInput, "over the limit"),
        ("II.7.a", S1, ManualMark(("w1",)), LONG, BadInput, "over the limit"),
        ("IX.1", S1, ManualMark(), "t", NotFound, "no part 'IX.1'"),
        ("II.7.a", "nobody", ManualMark(), "t", NotFound, "no script for student 'nobody'"),
        ("I.1", S1, ManualMark(("grad",)), "t", BadInput, "'grad' is an item of II.7.a"),
        ("II.10.a", S1, ManualMark(("key",)), "t", BadInput, "use one of: l1, l2"),
    ],
)
def test_bad_marks_write_nothing(
    ws: Workspace,
    address: str,
    student: str,
    mark: ManualMark,
    why: str,
    error: type[Exception],
    says: str,
) -> None:
    with pytest.raises(error, match=None) as caught:
        set_mark(ws, address, mark, student=student, why=why)
    assert says in str(caught.value) and "\n" not in str(caught.value)
    assert len(str(caught.value)) < 300  # one line, not the input echoed back
    assert ws.store.marks() == {} and ws.store.events() == []


# versions -----------------------------------------------------------------------------------


def test_a_stale_version_is_a_conflict_and_a_group_is_all_or_nothing(ws: Workspace) -> None:
    (first,) = set_mark(ws, "II.7.a", ManualMark(("w1",)), version=0)
    both = [(Target(S2, 0), ManualMark(("w2",))), (Target(S1, 0), ManualMark(("w3",)))]
    with pytest.raises(ConflictError, match=rf"{S1} II\.7\.a was changed by {WHO}") as caught:
        mark_answers(ws, "II.7.a", both, who="ta2", why="group")
    assert (caught.value.student, caught.value.address) == (S1, "II.7.a")
    assert ws.store.marks(S2) == {} and ws.store.events(S2) == []  # nothing half-written
    fresh = [(Target(S2, 0), ManualMark(("w2",))), (Target(S1, first.version), ManualMark())]
    assert [m.old for m in mark_answers(ws, "II.7.a", fresh, who="ta2", why="group")] == [
        None,
        ManualMark(("w1",)),
    ]


def test_two_graders_marking_one_answer_at_once(ws: Workspace) -> None:
    # Both read version 0; the first to save wins, the other is told and saves nothing.
    other = open_workspace(ws.root)
    set_mark(ws, "II.7.a", ManualMark(("w1",)), version=0)
    with pytest.raises(ConflictError, match="reload"):
        set_mark(other, "II.7.a", ManualMark(("w2", "w3")), version=0)
    assert other.grades(S1, "II.7.a")[0].mark == ManualMark(("w1",))
    other.store.close()


def test_an_answer_named_twice_is_refused(ws: Workspace) -> None:
    twice = [(Target(S1), ManualMark()), (Target(S1), ManualMark(("w1",)))]
    with pytest.raises(BadInput, match="named twice"):
        mark_answers(ws, "II.7.a", twice, who=WHO, why="t")
    assert ws.store.events() == []


# the machine's proposal ---------------------------------------------------------------------


def test_accepting_the_proposal_records_its_items(ws: Workspace) -> None:
    grades = ws.grades(address="II.7.a")
    targets = [Target(g.student, 0) for g in grades]
    done = actions.accept(ws, "II.7.a", targets, who=WHO, why="as proposed")
    for grade, marked in zip(grades, done, strict=True):
        met = {v.criterion for v in grade.verdicts if v.status == "met"}
        assert marked.mark is not None and set(marked.mark.items) == met
        assert marked.manual_score == pytest.approx(grade.auto_score)  # the proposal's score


def test_proposal_in_items_keeps_partial_credit_as_an_adjustment() -> None:
    part = Part("Q", "Q", "", 4, rubric=(Criterion("a", "a", 2), Criterion("b", "b", 2)))
    verdicts = (Verdict("a", Status.MET, 1.0, ""), Verdict("b", Status.PARTIAL, 0.5, ""))
    mark = actions.proposal(part, PartGrade("s", "Q", 3.0, verdicts, False))
    assert (mark.items, mark.adjustment) == (("a",), 1.0) and mark.reason
    assert mark.score(part) == 3.0


# a: 2 marks; b and c: 1 each, exclusive (group g); d: a deduction of 1.
PROPOSING = Part(
    "Q",
    "Q",
    "",
    4,
    rubric=(
        Criterion("a", "a", 2),
        Criterion("b", "b", 1, group="g"),
        Criterion("c", "c", 1, group="g"),
        Criterion("d", "d", -1),
    ),
)
MET, PARTIAL, NOT_MET = Status.MET, Status.PARTIAL, Status.NOT_MET
REVIEW, ERROR = Status.NEEDS_REVIEW, Status.ERROR


@pytest.mark.parametrize(
    "verdicts, items",
    [
        ({"a": (MET, 1.0)}, ("a",)),  # met: the item
        ({"a": (MET, 0.0)}, ("a",)),  # met with no fraction counts in full
        ({"a": (REVIEW, 1.0)}, ("a",)),  # a review verdict proposing all of it (a prose choice)
        ({"a": (REVIEW, 0.0)}, ()),  # a review verdict proposing nothing
        ({"a": (REVIEW, 0.5)}, ()),  # half of it proposed: an adjustment, not the item
        ({"a": (PARTIAL, 0.5)}, ()),  # partial credit: an adjustment too
        ({"a": (NOT_MET, 0.0)}, ()),  # not met
        ({"a": (ERROR, 1.0)}, ()),  # an error proposes nothing, whatever its fraction
        ({"b": (MET, 1.0), "c": (MET, 1.0)}, ("b",)),  # an exclusive group: its first item
        ({"b": (REVIEW, 0.0), "c": (MET, 1.0)}, ("c",)),  # proposing nothing takes no group
        ({"b": (REVIEW, 1.0), "c": (MET, 1.0)}, ("b",)),  # a proposal takes its group
        ({"b": (PARTIAL, 0.5), "c": (MET, 1.0)}, ()),  # partial credit takes it too, as scored
        ({"a": (REVIEW, 1.0), "d": (MET, 1.0)}, ("a", "d")),  # a deduction met
    ],
)
def test_the_proposal_in_items(
    verdicts: dict[str, tuple[Status, float]], items: tuple[str, ...]
) -> None:
    given = tuple(Verdict(c, status, fraction, "") for c, (status, fraction) in verdicts.items())
    auto, review = score_part(PROPOSING, given)
    grade = PartGrade("s", "Q", auto, given, review)
    assert actions.proposed_items(PROPOSING, grade) == items
    mark = actions.proposal(PROPOSING, grade)
    assert mark.items == items and mark.score(PROPOSING) == pytest.approx(auto)


# rubric edits move hand marks ---------------------------------------------------------------


def _version(ws: Workspace, address: str) -> str:
    return rubric_actions.rubric_version(ws.exam.part(address))


def test_an_item_change_moves_every_hand_mark_applying_it(ws: Workspace) -> None:
    set_mark(ws, "II.7.a", ManualMark(("grad", "w3")))  # 1 + 2
    set_mark(ws, "II.7.a", ManualMark(("grad",)), student=S2)  # w3 not applied: stays
    change = RubricChange("edit", "w3", marks=1)
    impact = rubric_actions.preview(ws, "II.7.a", change, version=_version(ws, "II.7.a"))
    assert impact.manual >= 1 and "hand-marked" in impact.message
    rubric_actions.apply(
        ws, "II.7.a", change, version=_version(ws, "II.7.a"), who=WHO, why="w3 is worth less"
    )
    now = open_workspace(ws.root)
    assert now.grades(S1, "II.7.a")[0].manual_score == 2
    assert now.grades(S2, "II.7.a")[0].manual_score == 1
    moved = [e for e in now.store.events(S1, "II.7.a") if e.kind == "rubric.rescore"]
    assert [(e.old, e.new) for e in moved] == [("3", "2")]  # its version moved on
    assert {r.student: r.parts["II.7.a"] for r in now.results()}[S1] == 2


def test_a_grouping_edit_counts_one_item_of_the_group_in_hand_marks(ws: Workspace) -> None:
    # exam.yaml edited by hand: w1 and w2 made exclusive after a grader applied both. The hand
    # mark follows the rubric as it is now (the first of the group, as the machine's scoring
    # counts it), not the sum of two items only one of which may apply.
    set_mark(ws, "II.7.a", ManualMark(("grad", "w1", "w2")))  # 1 + 1 + 1
    text = ws.exam_path.read_text(encoding="utf-8")
    for item in ("w1", "w2"):
        text = text.replace(f"{{id: {item}, ", f"{{id: {item}, group: steps, ", 1)
    ws.exam_path.write_text(text, encoding="utf-8")
    now = open_workspace(ws.root)
    assert now.exam.part("II.7.a").criteria[1].group == "steps"
    assert now.grades(S1, "II.7.a")[0].manual_score == 2


def test_grouping_items_re_scores_hand_marks_and_proposals(ws: Workspace) -> None:
    # w1 and w2 made exclusive: a hand mark applying both counts w1 only, and so does the
    # machine's score of an answer that got both steps right.
    set_mark(ws, "II.7.a", ManualMark(("grad", "w1", "w2")))  # 3
    auto = ws.grades(S2, "II.7.a")[0].auto_score
    for item in ("w1", "w2"):
        ws = open_workspace(ws.root)  # the exam as the last change left it
        change = RubricChange("edit", item, group="steps")
        impact = rubric_actions.preview(ws, "II.7.a", change, version=_version(ws, "II.7.a"))
        rubric_actions.apply(
            ws, "II.7.a", change, version=_version(ws, "II.7.a"), who=WHO, why="one step counts"
        )
    assert f"Puts {item!r} in group 'steps'" in impact.message and "hand-marked" in impact.message
    now = open_workspace(ws.root)
    assert [c.group for c in now.exam.part("II.7.a").rubric] == [None, "steps", "steps", None]
    assert now.grades(S1, "II.7.a")[0].manual_score == 2
    assert now.grades(S2, "II.7.a")[0].auto_score == auto - 1  # s2024002 met both steps
    change = RubricChange("edit", "w2", group="")
    impact = rubric_actions.preview(now, "II.7.a", change, version=_version(now, "II.7.a"))
    assert "Takes 'w2' out of its group" in impact.message


def test_a_deleted_item_no_longer_counts_in_hand_marks(ws: Workspace) -> None:
    set_mark(ws, "II.7.a", ManualMark(("grad", "w1")))
    change = RubricChange("delete", "grad")
    rubric_actions.apply(ws, "II.7.a", change, version=_version(ws, "II.7.a"), who=WHO, why="x")
    assert open_workspace(ws.root).grades(S1, "II.7.a")[0].manual_score == 1


@pytest.mark.parametrize(
    "change, error, says",
    [
        (RubricChange("edit", "zz", marks=1), NotFound, "no criterion 'zz'"),  # unknown item
        (RubricChange("rename", "w3"), BadInput, "no rubric operation"),  # no such operation
        (RubricChange("edit", " ", marks=1), BadInput, "no criterion id"),
        (RubricChange("edit", "w3", marks=0), BadInput, "other than 0"),  # worth nothing
        (RubricChange("edit", "w3", marks=math.nan), BadInput, "other than 0"),
        (RubricChange("edit", "w3", text=" "), BadInput, "some words"),
        (RubricChange("edit", "w3"), BadInput, "nothing to change"),
        (RubricChange("add", "w3", text="t", marks=1), BadInput, "already has"),  # id taken
        (RubricChange("add", "new", marks=1), BadInput, "text and marks"),
        (RubricChange("edit", "w3", text="bell\x07"), BadInput, "refused"),  # would not load
    ],
)
def test_bad_rubric_changes_write_nothing(
    ws: Workspace, change: RubricChange, error: type[Exception], says: str
) -> None:
    before = ws.exam_path.read_text()
    version = _version(ws, "II.7.a")
    with pytest.raises(error) as caught:
        rubric_actions.apply(ws, "II.7.a", change, version=version, who=WHO, why="t")
    assert says in str(caught.value)
    assert ws.exam_path.read_text() == before and ws.store.events() == []


def test_a_rubric_edit_from_a_stale_read_is_a_conflict(ws: Workspace) -> None:
    seen = _version(ws, "II.7.a")
    rubric_actions.apply(
        ws, "II.7.a", RubricChange("edit", "w3", marks=1), version=seen, who=WHO, why="first"
    )
    after = ws.exam_path.read_text()
    with pytest.raises(ConflictError, match=f"changed by {WHO}"):
        rubric_actions.apply(
            ws, "II.7.a", RubricChange("edit", "w3", marks=3), version=seen, who="ta2", why="second"
        )
    assert ws.exam_path.read_text() == after


def test_a_rubric_edit_needs_a_why(ws: Workspace) -> None:
    change = RubricChange("edit", "w3", marks=1)
    with pytest.raises(BadInput, match="why is empty"):
        rubric_actions.apply(ws, "II.7.a", change, version=_version(ws, "II.7.a"), who=WHO, why="")
    assert ws.store.events() == []


# piece moves --------------------------------------------------------------------------------


def test_a_move_from_a_stale_read_moves_nothing(ws: Workspace) -> None:
    pieces = ws.segmentation(S1).pieces
    first = next(p for p in pieces if p.address)
    other = next(p.address for p in pieces if p.address and p.address != first.address)
    assert other is not None
    moved = actions.move_piece(ws, S1, first.start, other, who=WHO, why="t", expect=0)
    assert moved.version > 0 and first.address in moved.regraded
    with pytest.raises(ConflictError):
        actions.move_piece(ws, S1, first.start, first.address or "", who=WHO, why="t", expect=0)
    with pytest.raises(BadInput, match="why is empty"):
        actions.move_piece(ws, S1, first.start, first.address or "", who=WHO, why=" ")
    with pytest.raises(BadInput, match=r"pieces 1\.\."):
        actions.piece_start(ws, S1, 999)


# the migration ------------------------------------------------------------------------------


def test_manual_scores_become_adjustments_with_their_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A workspace of the schema before marks by items: a manual score and its event.
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:3])
    open_store(tmp_path / DB_FILE).close()
    db = sqlite3.connect(tmp_path / DB_FILE)
    db.execute("INSERT INTO scripts VALUES ('s1', '', '', 's1.md', 'x', 'h', 't')")
    for address, manual in (("I.1", 1.5), ("I.2", None)):
        db.execute("INSERT INTO grades VALUES ('s1', ?, 0.5, 1, 'h', 't', ?)", (address, manual))
    for new, why in (("2", "first look"), ("1.5", "method right")):
        db.execute(
            "INSERT INTO events (at, who, kind, student, address, old, new, why)"
            " VALUES ('t', 'ta', 'grade.set', 's1', 'I.1', NULL, ?, ?)",
            (new, why),
        )
    db.commit()
    db.close()
    monkeypatch.undo()
    store = open_store(tmp_path / DB_FILE)
    assert store.marks() == {("s1", "I.1"): ManualMark((), 1.5, "method right", "")}
    assert [e.new for e in store.events("s1")] == ["2", "1.5"]  # the history is kept
    columns = [r[1] for r in store.db.execute("PRAGMA table_info(grades)")]
    assert "manual_score" not in columns


def test_marks_with_items_become_marks_by_items_on_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A workspace of the schema before `by_items` (m001–m008): a mark by items and a plain one.
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:8])
    open_store(tmp_path / DB_FILE).close()
    db = sqlite3.connect(tmp_path / DB_FILE)
    db.execute("INSERT INTO scripts VALUES ('s1', '', '', 's1.md', 'x', 'h', 't')")
    for address in ("I.1", "I.2"):
        db.execute("INSERT INTO grades VALUES ('s1', ?, 0.5, 1, 'h', 't')", (address,))
    db.execute("INSERT INTO marks (student, address, items) VALUES ('s1', 'I.1', '[\"a\"]')")
    db.execute("INSERT INTO marks (student, address, adjustment) VALUES ('s1', 'I.2', 0)")
    db.commit()
    db.close()
    monkeypatch.undo()
    marks = open_store(tmp_path / DB_FILE).marks()
    assert marks[("s1", "I.1")] == ManualMark(("a",), by_items=True)
    assert marks[("s1", "I.2")] == ManualMark() and not marks[("s1", "I.2")].by_items
