"""The review page in a real browser, driven with the keyboard only, against a real server.

`gradewise review serve` runs as a subprocess on a free loopback port (real HTTP); Chromium
(Debian's, through Playwright) opens a part, moves between answers with j/k, composes a mark
from rubric criteria with digits, saves it with Enter, undoes it with u, and opens the key help
with ?; then edits a rubric item's marks (preview, save) and checks the re-scored proposals,
and moves a piece of a script to another part on the student page. Each step is checked in the
workspace's database (and exam.yaml), which the server writes. Screenshots go to the test's
folder (`GRADEWISE_SCREENSHOTS` to keep them).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import review_server
from gradewise import actions
from gradewise.workspace import open_workspace

PART = "II.7.a"  # four criteria: 1 + 1 + 1 + 2 marks


@pytest.fixture(scope="module")
def server(example: Path) -> Iterator[str]:
    with review_server(example, "--who", "ta1") as (_, address):
        yield address


def manual(root: Path, student: str) -> float | None:
    [grade] = open_workspace(root).grades(student, PART)
    return grade.manual_score


def test_grade_a_part_with_the_keyboard(
    example: Path, server: str, page: Any, tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + f"part/{PART}")
    cards = page.locator("article[data-answer]")
    assert cards.count() >= 2
    first = page.locator("article[data-answer].current").get_attribute("data-answer")
    page.keyboard.press("j")
    second = page.locator("article[data-answer].current").get_attribute("data-answer")
    assert second != first
    page.keyboard.press("k")
    assert page.locator("article[data-answer].current").get_attribute("data-answer") == first

    student = str(first)
    before = manual(example, student)
    card = page.locator(f'article[data-answer="{student}"]')
    on = card.locator('button.criterion[aria-pressed="true"]')
    was_on = {on.nth(i).get_attribute("data-index") for i in range(on.count())}
    page.keyboard.press("1")  # gradient at the start: 1 mark
    page.keyboard.press("4")  # final answer: 2 marks
    now_on = was_on ^ {"1", "4"}  # a digit toggles its criterion from the proposal shown
    score = sum({"1": 1, "2": 1, "3": 1, "4": 2}[str(i)] for i in now_on)
    assert on.count() == len(now_on)
    assert card.locator("input.score").input_value() == f"{score:g}"
    page.keyboard.press("Enter")
    expect(card.locator("b.manual-score")).to_have_text(f"{score:g}")
    assert manual(example, student) == score  # saved, by the server, in the workspace
    page.screenshot(path=str(_shots(tmp_path) / "review-marked.png"), full_page=True)

    page.keyboard.press("u")  # undo: back to what it was
    expect(card.locator("b.manual-score")).to_have_text("—")
    assert manual(example, student) == before
    events = [e for e in open_workspace(example).store.events(student, PART) if e.who == "ta1"]
    ids = ["grad", "w1", "w2", "w3"]
    items = [ids[int(i) - 1] for i in sorted(now_on)]  # the items on, in rubric order
    assert [e.new for e in events] == [
        json.dumps({"items": items} if items else {"adjustment": 0}),
        None,
    ]

    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    page.screenshot(path=str(_shots(tmp_path) / "review-help.png"))
    page.keyboard.press("Escape")
    assert not page.locator("#help").is_visible()
    assert not errors, errors
    assert all(u.startswith(server) for u in page.requested), page.requested  # nothing else


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GRADEWISE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_edit_a_rubric_item_and_see_the_totals_rescored(
    example: Path, server: str, page: Any, tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    before = {g.student: g for g in open_workspace(example).grades(address=PART)}
    page.goto(server + f"part/{PART}")
    page.locator("#rubric-editor > summary").click()
    row = page.locator('tr.rubric-row[data-criterion="w3"]')
    row.locator("input.rubric-marks").fill("1")  # the final answer: 2 marks → 1
    page.locator("#rubric-why").fill("final answer over-weighted")
    page.locator("#rubric-preview").click()
    expect(page.locator("#rubric-impact")).to_contain_text("Re-scores 9 answers that used 'w3'")
    page.screenshot(path=str(_shots(tmp_path) / "review-rubric-preview.png"), full_page=True)
    page.locator("#rubric-save").click()
    expect(page.locator("#status")).to_contain_text("Saved.")  # the page reloaded, re-scored
    after = {g.student: g for g in open_workspace(example).grades(address=PART)}
    for student, grade in after.items():
        w3 = next(v for v in grade.verdicts if v.criterion == "w3")
        assert before[student].auto_score - grade.auto_score == (w3.status == "met")
        card = page.locator(f'article[data-answer="{student}"]')
        assert float(card.get_attribute("data-proposal")) == grade.auto_score
    assert (
        page.locator('tr.rubric-row[data-criterion="w3"] input.rubric-marks').input_value() == "1"
    )
    assert "marks: 1, check" in (example / "exam.yaml").read_text()
    page.screenshot(path=str(_shots(tmp_path) / "review-rubric-saved.png"), full_page=True)
    assert not errors, errors


def test_move_a_span_on_the_student_page(
    example: Path, server: str, page: Any, tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    student = "s2024001"
    piece = page.locator('article.piece[data-part="II.7.b"]').first
    page.goto(server + f"student/{student}")
    assert page.locator("#legend li").count() > 10
    start = int(piece.get_attribute("data-piece"))
    page.screenshot(path=str(_shots(tmp_path) / "review-student.png"), full_page=True)
    piece.locator("select.move-to").select_option("II.7.c")
    piece.locator("input.why").fill("7c written under 7b")
    piece.locator("button.move-button").click()
    expect(page.locator("#status")).to_contain_text("Moved from II.7.b to II.7.c")
    moved = page.locator(f'article.piece[data-piece="{start}"]')
    assert moved.get_attribute("data-part") == "II.7.c"
    assert "hue-" in (moved.get_attribute("class") or "")
    ws = open_workspace(example)
    assert ws.store.overrides(student) == {start: "II.7.c"}
    assert any(e.kind == "segment.assign" and e.who == "ta1" for e in ws.store.events(student))
    page.screenshot(path=str(_shots(tmp_path) / "review-student-moved.png"), full_page=True)
    assert not errors, errors


def test_mark_by_item_keys_then_an_item_change_moves_the_hand_marks(
    example: Path, server: str, page: Any, tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + f"part/{PART}")
    applied: dict[str, list[str]] = {}
    for _ in range(3):  # three answers, marked with item keys only
        student = str(page.locator("article[data-answer].current").get_attribute("data-answer"))
        card = page.locator(f'article[data-answer="{student}"]')
        page.keyboard.press("2")  # w1, on or off
        page.keyboard.press("3")  # w2, on or off
        on = card.locator('button.criterion[aria-pressed="true"]')
        applied[student] = [
            str(on.nth(i).get_attribute("data-criterion")) for i in range(on.count())
        ]
        page.keyboard.press("Enter")
        expect(card.locator(".state")).to_have_text("marked")
    marks = {g.student: g.mark for g in open_workspace(example).grades(address=PART)}
    assert {s: list(marks[s].items) for s in applied} == applied  # type: ignore[union-attr]

    page.locator("#rubric-editor > summary").click()
    page.locator('tr.rubric-row[data-criterion="w1"] input.rubric-marks').fill("2")
    page.locator("#rubric-why").fill("the first step is worth more")
    page.locator("#rubric-preview").click()
    expect(page.locator("#rubric-impact")).to_contain_text("hand-marked")
    page.locator("#rubric-save").click()
    expect(page.locator("#status")).to_contain_text("Saved.")
    part = open_workspace(example).exam.part(PART)
    worth = {c.id: c.marks for c in part.rubric}
    for student, items in applied.items():
        total = min(part.marks, sum(worth[i] for i in items))
        assert manual(example, student) == total  # hand marks follow the item's new marks
        card = page.locator(f'article[data-answer="{student}"]')
        expect(card.locator("b.manual-score")).to_have_text(f"{total:g}")
    page.screenshot(path=str(_shots(tmp_path) / "review-items-moved.png"), full_page=True)
    assert not errors, errors


def test_give_a_comment_from_the_library_with_c(example: Path, server: str, page: Any) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    ws = open_workspace(example)
    actions.add_comment(ws, PART, "write each step's value", who="ta1")
    number = actions.comments(ws, PART)[-1].number
    page.goto(server + f"part/{PART}")
    student = str(page.locator("article[data-answer].current").get_attribute("data-answer"))
    card = page.locator(f'article[data-answer="{student}"]')
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept(str(number))

    page.once("dialog", answer)
    page.keyboard.press("c")
    expect(card.locator(".state")).to_have_text("marked")
    assert f"{number}: write each step's value" in asked[0]  # the library, numbered
    expect(card.locator("input.comment")).to_have_value(re.compile("write each step's value"))
    [grade] = open_workspace(example).grades(student, PART)
    assert grade.mark is not None and "write each step's value" in grade.mark.comment
    page.keyboard.press("u")  # a comment is a mark: undone like one
    expect(page.locator("#status")).to_contain_text("Undone")
    assert not errors, errors


def _tab_to(page: Any, selector: str, most: int = 40) -> None:
    """Press Tab until the element `selector` names has the focus (the keyboard only)."""
    for _ in range(most):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_answer_a_regrade_request_with_the_keyboard(
    example: Path, server: str, page: Any, tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    address, student = "II.9.a", "s2024003"
    ws = open_workspace(example)
    actions.ask_regrade(ws, student, address, "my weights are right", who=student)
    page.goto(server + "regrades")
    section = f'section.regrade[data-answer="{student}"][data-part="{address}"]'
    expect(page.locator(section + " blockquote.why")).to_have_text("my weights are right")
    _tab_to(page, section + ' input[value="keep"]')
    page.keyboard.press("ArrowDown")  # the proposal
    page.keyboard.press("ArrowDown")  # rubric items
    assert page.locator(section + ' input[value="items"]').is_checked()
    _tab_to(page, section + ' input.item[value="scaled"]')
    page.keyboard.press("Space")  # the scaled scores, on or off
    boxes = page.locator(section + " input.item:checked")
    items = [str(boxes.nth(i).get_attribute("value")) for i in range(boxes.count())]
    _tab_to(page, section + " textarea.reply")
    page.keyboard.type("looked again: the scaling step counts as marked")
    page.screenshot(path=str(_shots(tmp_path) / "review-regrade-form.png"), full_page=True)
    page.keyboard.press("Control+Enter")
    expect(page.locator(section + " p.answered")).to_contain_text("Regrade request answered")
    [grade] = open_workspace(example).grades(student, address)
    assert grade.mark is not None and list(grade.mark.items) == items
    expect(page.locator(section + " p.now")).to_have_text(
        f"The mark now: {grade.score:g} of 5, by hand."
    )
    [request] = [r for r in actions.regrades(open_workspace(example)) if r.student == student]
    assert request.answer == "looked again: the scaling step counts as marked"
    page.screenshot(path=str(_shots(tmp_path) / "review-regrade-answered.png"), full_page=True)
    assert not errors, errors


def test_put_an_item_in_an_exclusive_group_on_the_page(
    example: Path, server: str, page: Any
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    address = "II.10.a"  # l1 (2 marks), l2 (1 mark): made exclusive, at most one applies
    page.goto(server + f"part/{address}")
    page.locator("#rubric-editor > summary").click()
    for item in ("l1", "l2"):
        page.locator(f'tr.rubric-row[data-criterion="{item}"] input.rubric-group').fill("why")
        page.locator("#rubric-why").fill("one explanation is enough")
        page.locator("#rubric-preview").click()
        expect(page.locator("#rubric-impact")).to_contain_text(f"Puts '{item}' in group 'why'")
        page.locator("#rubric-save").click()
        expect(page.locator("#status")).to_contain_text("Saved.")
        page.locator("#rubric-editor > summary").click()
    groups = [c.group for c in open_workspace(example).exam.part(address).rubric]
    assert groups == ["why", "why"]
    assert "group: why" in (example / "exam.yaml").read_text()
    assert not errors, errors
