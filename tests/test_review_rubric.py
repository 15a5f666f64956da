"""Rubric editing in place: the exam file written back (gradewise.exam.edit), and the review
app's preview and save, by DESIGN.md's contract (marks re-score, text is feedback only,
delete re-scores without it, add flags old gradings as affected), version-checked and audited.
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from typing import Any

import pytest
from starlette.testclient import TestClient

from gradewise.errors import ExamError
from gradewise.exam import load_exam_text
from gradewise.exam.edit import RubricChange, edit_rubric, indentation
from gradewise.model import Status
from gradewise.review import rubric
from gradewise.review.pages import queue_view
from gradewise.scoring import score_part
from gradewise.workspace import Workspace, open_workspace
from test_review_app import cards

PART = "II.7.a"  # grad 1, w1 1, w2 1, w3 2 (final answer); five marks

FLOW = """\
schema_version: 1
exam: {id: t, title: T}
sections:
  - id: I
    title: One
    questions:
      - id: "1"
        marks: 4
        prompt: p
        # the rubric, as the author wrote it
        rubric:
          - {id: a, text: "first idea", marks: 1}   # easy
          - {id: b, text: 'the $\\frac{1}{2}$ step', marks: 3,
             check: {kind: numeric, value: 0.5, where: anywhere}}
      - id: "2"
        marks: 1
        prompt: q
        key: {kind: truefalse, value: true}
"""

BLOCK = """\
schema_version: 1
exam:
  id: t
  title: T
sections:
- id: I
  title: One
  questions:
  - id: "1"
    parts:
    - id: a
      marks: 2
      rubric:
      - id: x
        text: plain words
        marks: 2
"""


# the exam file ------------------------------------------------------------------------------


def test_marks_edit_keeps_comments_order_and_quotes() -> None:
    done = edit_rubric(FLOW, "I.1", RubricChange("edit", "a", marks=2), source="exam.yaml")
    assert "# the rubric, as the author wrote it" in done.text and "# easy" in done.text
    assert '- {id: a, text: "first idea", marks: 2}' in done.text  # flow style, double quotes
    assert "'the $\\frac{1}{2}$ step'" in done.text  # single quotes kept
    assert [c.marks for c in done.exam.part("I.1").rubric] == [2, 3]
    assert done.old is not None and done.new is not None
    assert (done.old.marks, done.new.marks) == (1, 2)
    assert done.text.index("id: a") < done.text.index("id: b") < done.text.index('id: "2"')


@pytest.mark.parametrize(
    "change, check",
    [
        # text with LaTeX goes in single quotes: in double quotes \f would be a form feed
        (RubricChange("edit", "a", text="uses $\\frac{a}{b}$"), "'uses $\\frac{a}{b}$'"),
        # an added criterion is written like its neighbours, in flow style, at the end
        (
            RubricChange("add", "c", text="a new idea", marks=1),
            "- {id: c, text: a new idea, marks: 1}",
        ),
        # marks as people write them: 1.5, not 1.50 or a string
        (RubricChange("edit", "b", marks=1.5), "marks: 1.5,"),
        # an item put in an exclusive group: the key written after its marks
        (
            RubricChange("edit", "a", group="final"),
            '- {id: a, text: "first idea", marks: 1, group: final}',
        ),
        # an item added straight into a group
        (
            RubricChange("add", "c", text="near miss", marks=1, group="final"),
            "- {id: c, text: near miss, marks: 1, group: final}",
        ),
    ],
)
def test_edits_are_written_as_an_author_would(change: RubricChange, check: str) -> None:
    done = edit_rubric(FLOW, "I.1", change, source="exam.yaml")
    assert check in done.text
    assert load_exam_text(done.text) == done.exam


@pytest.mark.parametrize(
    "change",
    [
        RubricChange("edit", "a", marks=2),  # marks of the item before one split over lines
        RubricChange("edit", "a", text="the first idea"),  # its text
        RubricChange("add", "c", text="units", marks=1),  # a new item after the split one
        RubricChange("delete", "a"),  # the item before it, gone
    ],
)
def test_other_lines_stay_as_written(change: RubricChange) -> None:
    # ruamel alone joins the split item onto one line; only the changed item's lines may move.
    done = edit_rubric(FLOW, "I.1", change, source="exam.yaml")
    kept = [line for line in FLOW.splitlines() if "id: a" not in line]
    assert [
        line for line in done.text.splitlines() if "id: a" not in line and "id: c" not in line
    ] == kept


def test_the_example_exam_changes_one_item_only() -> None:

    from gradewise.workspace import STARTER_EXAM  # noqa: F401 - the example ships in the package

    text = (resources.files("gradewise") / "example" / "exam.yaml").read_text(encoding="utf-8")
    done = edit_rubric(text, "II.7.a", RubricChange("edit", "w3", marks=1), source="exam.yaml")
    before, after = text.splitlines(), done.text.splitlines()
    gone = [line for line in before if line not in after]
    assert len(after) == len(before) - 1 and len(gone) == 2  # w3's two lines, now one
    assert all("w3" in line or "1.464" in line for line in gone)


def test_an_item_taken_out_of_its_group_loses_the_key() -> None:
    grouped = edit_rubric(FLOW, "I.1", RubricChange("edit", "a", group="g"), source="exam.yaml")
    done = edit_rubric(grouped.text, "I.1", RubricChange("edit", "a", group=""), source="x")
    assert "group" not in done.text and done.exam.part("I.1").rubric[0].group is None
    assert grouped.exam.part("I.1").rubric[0].group == "g"


def test_delete_removes_the_item_only() -> None:
    done = edit_rubric(FLOW, "I.1", RubricChange("delete", "b"), source="exam.yaml")
    assert [c.id for c in done.exam.part("I.1").rubric] == ["a"]
    assert done.new is None and done.old is not None and done.old.id == "b"
    assert done.exam.part("I.2") == load_exam_text(FLOW).part("I.2")


def test_block_style_file_keeps_its_indentation() -> None:
    assert indentation(BLOCK) == (2, 2, 0) and indentation(FLOW) == (2, 4, 2)
    done = edit_rubric(BLOCK, "I.1.a", RubricChange("edit", "x", marks=1.5), source="exam.yaml")
    assert done.text == BLOCK.replace("        marks: 2\n", "        marks: 1.5\n")


@pytest.mark.parametrize(
    "address, change, says",
    [
        ("I.9", RubricChange("edit", "a", marks=1), "no part 'I.9'"),  # no such part
        ("I.2", RubricChange("edit", "key", marks=1), "has no rubric"),  # keyed, no rubric
        ("I.1", RubricChange("edit", "zz", marks=1), "no criterion 'zz'"),  # no such criterion
        ("I.1", RubricChange("add", "a", text="t", marks=1), "already has"),  # id taken
        ("I.1", RubricChange("edit", "a", marks=0), "must not be zero"),  # the loader refuses
    ],
)
def test_edits_that_cannot_be_made(address: str, change: RubricChange, says: str) -> None:
    with pytest.raises(ExamError, match=says):
        edit_rubric(FLOW, address, change, source="exam.yaml")


# the app: preview and save -----------------------------------------------------------------


def rubric_version(client: TestClient, address: str = PART) -> str:
    page = client.get(f"/part/{address}").text
    found = re.search(r'id="rubric-editor" data-version="(\w+)"', page)
    assert found, "no rubric editor on the page"
    return found.group(1)


def change(client: TestClient, op: str, criterion: str, *, save: bool = True, **fields: Any) -> Any:
    url = f"/part/{PART}/rubric" + ("" if save else "/preview")
    body = {
        "version": rubric_version(client),
        "change": {"op": op, "criterion": criterion, **fields},
    }
    return client.post(url, json={**body, "why": "test"})


def fresh(ws: Workspace) -> Workspace:
    """The workspace as another process sees it now (exam.yaml read again)."""
    return open_workspace(ws.root)


def test_preview_counts_and_changes_nothing(client: TestClient, ws: Workspace) -> None:
    before = ws.exam_path.read_text()
    scores = {g.student: g.auto_score for g in ws.grades(address=PART)}
    met = sum(
        1
        for g in ws.grades(address=PART)
        for v in g.verdicts
        if v.criterion == "w3" and v.status is Status.MET
    )
    reply = change(client, "edit", "w3", marks=1, save=False)
    assert reply.status_code == 200, reply.text
    impact = reply.json()
    assert (impact["answers"], impact["used"], impact["changed"]) == (9, 9, met)
    assert f"{met} scores change" in impact["message"]
    assert ws.exam_path.read_text() == before
    assert {g.student: g.auto_score for g in ws.grades(address=PART)} == scores
    assert ws.store.events(student="") == []


def test_a_group_set_on_the_page_re_scores_the_part(client: TestClient, ws: Workspace) -> None:
    # the second step and the final answer made exclusive: of an answer with both, only the
    # first of the group in rubric order counts (w2's 1, not w3's 2), as scoring.counted says
    both = {g.student for g in ws.grades(address=PART) if g.auto_score == 5}
    assert change(client, "edit", "w2", group="end").status_code == 200
    reply = change(client, "edit", "w3", group="end", save=False).json()
    assert "Puts 'w3' in group 'end'" in reply["message"]
    assert change(client, "edit", "w3", group="end").status_code == 200
    now = fresh(ws)
    assert [c.group for c in now.exam.part(PART).rubric] == [None, None, "end", "end"]
    assert {g.student: g.auto_score for g in now.grades(address=PART) if g.student in both} == {
        s: 3 for s in both
    }
    assert 'data-group="end"' in client.get(f"/part/{PART}").text  # the editor shows it


def test_marks_change_rescores_from_stored_verdicts(client: TestClient, ws: Workspace) -> None:
    old = {g.student: g for g in ws.grades(address=PART)}
    reply = change(client, "edit", "w3", marks=1)
    assert reply.status_code == 200 and reply.json()["message"].startswith("Saved.")
    now = fresh(ws)
    part = now.exam.part(PART)
    assert [c.marks for c in part.rubric] == [1, 1, 1, 1]
    for grade in now.grades(address=PART):
        assert grade.verdicts == old[grade.student].verdicts  # no checker ran again
        assert grade.auto_score == score_part(part, grade.verdicts)[0]
        w3 = next(v for v in grade.verdicts if v.criterion == "w3")
        assert old[grade.student].auto_score - grade.auto_score == (w3.status is Status.MET)
    assert now.grade() == 0  # the stored grades are up to date with the edited exam
    (event,) = now.store.events(student="", address=PART)
    assert (event.kind, event.who, event.why) == ("rubric.edit", "ta-tester", "test")
    assert json.loads(event.old or "")["marks"] == 2 and json.loads(event.new or "")["marks"] == 1


def test_the_file_keeps_its_comments(client: TestClient, ws: Workspace) -> None:
    comments = [line for line in ws.exam_path.read_text().splitlines() if "#" in line]
    change(client, "edit", "w3", marks=1)
    after = ws.exam_path.read_text()
    assert all(line in after for line in comments if "rubric" not in line)


def test_results_follow_the_rescored_part(client: TestClient, ws: Workspace) -> None:
    totals = {r.student: r.parts[PART] for r in ws.results()}
    change(client, "edit", "w1", marks=0.5)
    after = {r.student: r.parts[PART] for r in fresh(ws).results()}
    assert any(after[s] == totals[s] - 0.5 for s in totals)


def test_text_change_is_feedback_only(client: TestClient, ws: Workspace) -> None:
    old = {g.student: (g.auto_score, g.needs_review) for g in ws.grades(address=PART)}
    reply = change(client, "edit", "w2", text="second step w_2 = 1.08 (shown)")
    assert reply.status_code == 200 and "no score changes" in reply.json()["message"]
    now = fresh(ws)
    assert {g.student: (g.auto_score, g.needs_review) for g in now.grades(address=PART)} == old
    assert now.grade() == 0  # not re-judged: the verdicts stand for the new wording
    assert "second step w_2 = 1.08 (shown)" in client.get(f"/part/{PART}").text


def test_delete_rescores_without_it(client: TestClient, ws: Workspace) -> None:
    reply = change(client, "delete", "grad")
    assert reply.status_code == 200 and "without it" in reply.json()["message"]
    now = fresh(ws)
    part = now.exam.part(PART)
    assert [c.id for c in part.rubric] == ["w1", "w2", "w3"]
    for grade in now.grades(address=PART):
        assert "grad" not in {v.criterion for v in grade.verdicts}
        assert grade.auto_score == score_part(part, grade.verdicts)[0]
    assert now.grade() == 0


def test_add_flags_old_gradings_as_affected(client: TestClient, ws: Workspace) -> None:
    old = {g.student: g.auto_score for g in ws.grades(address=PART)}
    answered = {g.student for g in ws.grades(address=PART) if not g.unanswered}
    reply = change(client, "add", "units", text="states the units", marks=1)
    assert reply.status_code == 200 and reply.json()["affected"] == len(answered) > 1
    now = fresh(ws)
    grades = now.grades(address=PART)
    assert {g.student: g.auto_score for g in grades} == old  # not silently re-scored
    # the answers are flagged; a part left blank (not answered) has nothing the new item marks
    assert {g.student for g in grades if g.needs_review} == answered
    page = client.get(f"/part/{PART}").text
    assert page.count("affected: units not decided") == len(answered)
    assert f"{len(answered)} affected by a rubric change" in page
    row = {p.address: p for p in queue_view(now).parts}[PART]
    assert row.affected == len(answered)
    affected = client.get(f"/part/{PART}?status=affected").text
    assert set(cards(affected)) == answered
    # A grader's mark confirms one; re-grading decides the new criterion for all (no judge
    # here: a human decides it, but the answer is no longer affected).
    first = sorted(answered)[0]
    seen = int(cards(affected)[first]["data-version"])  # moved on by the flag
    mark = {"answers": [{"student": first, "version": seen}], "score": 3}
    assert client.post(f"/part/{PART}/mark", json=mark).status_code == 200
    assert first not in cards(client.get(f"/part/{PART}?status=affected").text)
    assert now.grade() == 9
    assert all("units" in {v.criterion for v in g.verdicts} for g in now.grades(address=PART))
    assert "affected:" not in client.get(f"/part/{PART}").text


def test_two_graders_editing_one_rubric(client: TestClient, ws: Workspace) -> None:
    seen = rubric_version(client)
    first = change(client, "edit", "w3", marks=1)
    assert first.status_code == 200
    body = {"version": seen, "change": {"op": "edit", "criterion": "w3", "marks": 3}}
    second = client.post(f"/part/{PART}/rubric", json=body)
    assert second.status_code == 409
    message = second.json()["error"]
    assert (
        "changed by ta-tester" in message and "reload" in message and "nothing was saved" in message
    )
    assert [c.marks for c in fresh(ws).exam.part(PART).rubric][-1] == 1


def test_a_hand_edit_of_the_file_is_not_overwritten(client: TestClient, ws: Workspace) -> None:
    seen = rubric_version(client)
    text = ws.exam_path.read_text()
    ws.exam_path.write_text(text.replace("second step: w_2 = 1.08", "second step (by hand)"))
    body = {"version": seen, "change": {"op": "edit", "criterion": "w3", "marks": 1}}
    reply = client.post(f"/part/{PART}/rubric", json=body)
    assert reply.status_code == 409 and "exam.yaml was edited" in reply.json()["error"]
    assert "second step (by hand)" in ws.exam_path.read_text()
    assert "second step (by hand)" in client.get(f"/part/{PART}").text  # the page reads it again


@pytest.mark.parametrize(
    "address, body, status, says",
    [
        ("IX.1", {"change": {"op": "edit", "criterion": "w3", "marks": 1}}, 404, "no part 'IX.1'"),
        ("I.1", {"change": {"op": "edit", "criterion": "key", "marks": 1}}, 400, "has no rubric"),
        (PART, {"change": {"op": "edit", "criterion": "zz", "marks": 1}}, 404, "no criterion 'zz'"),
        (PART, {"change": {"op": "rename", "criterion": "w3"}}, 400, "'edit', 'add' or 'delete'"),
        (PART, {"change": {"op": "edit", "marks": 1}}, 400, "no criterion id"),
        (PART, {"change": "w3"}, 400, "change: must be an object"),
        (PART, {"change": {"op": "edit", "criterion": "w3", "marks": "abc"}}, 400, "not a number"),
        (PART, {"change": {"op": "edit", "criterion": "w3", "marks": True}}, 400, "not a number"),
        (PART, {"change": {"op": "edit", "criterion": "w3", "marks": 0}}, 400, "other than 0"),
        (PART, {"change": {"op": "edit", "criterion": "w3", "text": " "}}, 400, "some words"),
        (PART, {"change": {"op": "edit", "criterion": "w3"}}, 400, "nothing to change"),
        (
            PART,
            {"change": {"op": "add", "criterion": "w3", "text": "t", "marks": 1}},
            400,
            "already has",
        ),  # an id already taken
        (PART, {"change": {"op": "add", "criterion": "new", "marks": 1}}, 400, "text and marks"),
        ("II.10.d", {"change": {"op": "delete", "criterion": "shift"}}, 400, "only criterion"),
        # a text YAML cannot keep in double quotes: the reloaded file is refused
        (PART, {"change": {"op": "edit", "criterion": "w3", "text": "bell\x07"}}, 400, "refused"),
    ],
)
def test_bad_rubric_requests(
    client: TestClient, ws: Workspace, address: str, body: dict[str, Any], status: int, says: str
) -> None:
    before = ws.exam_path.read_text()
    part = fresh(ws).exam.part(address) if address != "IX.1" else None
    version = rubric.rubric_version(part) if part is not None else "x"
    for url in (f"/part/{address}/rubric/preview", f"/part/{address}/rubric"):
        reply = client.post(url, json={"version": version, **body})
        assert reply.status_code == status, reply.text
        assert says in html.unescape(reply.json()["error"])
    assert ws.exam_path.read_text() == before and ws.store.events(student="") == []


@pytest.mark.parametrize(
    "version, says",
    [
        (None, "version: None is not text"),  # null
        ("", "no rubric version"),  # empty
        (7, "version: 7 is not text"),  # a number
    ],
)
def test_rubric_change_needs_a_version(client: TestClient, version: Any, says: str) -> None:
    body = {"version": version, "change": {"op": "edit", "criterion": "w3", "marks": 1}}
    reply = client.post(f"/part/{PART}/rubric", json=body)
    assert reply.status_code == 400 and says in reply.json()["error"]


def test_rubric_change_comes_as_json_only(client: TestClient) -> None:
    assert client.post(f"/part/{PART}/rubric", data={"marks": "1"}).status_code == 415
    assert client.get(f"/part/{PART}/rubric").status_code == 405


def test_rubric_history_on_the_part_page(client: TestClient) -> None:
    change(client, "edit", "w3", marks=1)
    page = client.get(f"/part/{PART}").text
    assert 'id="rubric-history"' in page and "rubric.edit" in page


def test_no_editor_for_a_part_without_rubric(client: TestClient) -> None:
    page = client.get("/part/I.1").text
    assert 'id="rubric-editor"' not in page and 'id="no-rubric"' in page


def test_rescoring_reaches_the_part_page(client: TestClient, ws: Workspace) -> None:
    change(client, "edit", "w3", marks=1)
    proposals = {
        k: float(c["data-proposal"]) for k, c in cards(client.get(f"/part/{PART}").text).items()
    }
    assert proposals == {g.student: g.auto_score for g in fresh(ws).grades(address=PART)}


def test_a_page_loaded_before_a_rubric_change_cannot_save_its_old_proposal(
    client: TestClient, ws: Workspace
) -> None:
    shown = cards(client.get(f"/part/{PART}").text)  # a grader's page, before the change
    old = {g.student: g.auto_score for g in ws.grades(address=PART)}
    change(client, "edit", "w3", marks=1)
    moved = [g for g in fresh(ws).grades(address=PART) if g.auto_score != old[g.student]]
    assert moved  # the change re-scored some answers
    student = moved[0].student
    stale = {"student": student, "version": int(shown[student]["data-version"])}
    reply = client.post(f"/part/{PART}/mark", json={"answers": [stale], "score": old[student]})
    assert reply.status_code == 409 and "reload" in reply.json()["error"]
    (event,) = ws.store.events(student, PART)  # the answer's history says why it moved
    assert (event.kind, event.old, event.new) == (
        "rubric.rescore",
        f"{old[student]:g}",
        f"{moved[0].auto_score:g}",
    )
    unmoved = [s for s in old if s not in {g.student for g in moved}]
    assert all(not ws.store.events(s, PART) for s in unmoved)  # nothing moved, nothing logged
