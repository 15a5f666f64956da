"""How many more marks would let the judge take over a part: measured on the part's own marks,
held out, and never projected past what they support."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradewise.cli import cli
from gradewise.judges import outlook as outlook_module
from gradewise.judges.learned import LearnedJudge
from gradewise.judges.outlook import Outlook, Point, coverage, fit_curve, outlook, reach
from gradewise.judges.registry import Example, Forecaster, JudgeItem
from gradewise.review.pages import queue_view
from gradewise.workspace import init_workspace, open_workspace
from test_part import QUESTION, REFERENCE, synthetic_part
from test_review_app import client_for

JUDGE = LearnedJudge()
TEMPLATE = JudgeItem(QUESTION, REFERENCE, "", max_marks=3, group="II.1.a")


def _marks(n: int, seed: int = 0) -> list[Example]:
    return [Example(text, grade / 3) for text, grade in synthetic_part(n, seed)]


@pytest.mark.parametrize(
    "points, rising",
    [
        ([(10, 40, 0.1), (20, 40, 0.3), (32, 40, 0.5)], True),  # coverage grows with marks
        ([(10, 40, 0.5), (20, 40, 0.3), (32, 40, 0.1)], False),  # it falls: never promised to rise
        ([(32, 40, 0.4)], False),  # one point: no slope to read
    ],
)
def test_fit_curve(points: list[tuple[int, int, float]], rising: bool) -> None:
    slope, intercept = fit_curve([Point(m, h, c, 0.9) for m, h, c in points])
    assert (slope > 0) is rising
    if not rising:  # flat at the points' mean
        assert intercept == pytest.approx(sum(c for *_, c in points) / len(points))


@pytest.mark.parametrize(
    "slope, base, marks, gain, expected",
    [
        (0.2, 16, 20, 0.15, 15),  # 0.2 · ln(35 / 16) = 0.157: 15 more rise by 0.15
        (0.2, 16, 20, 0.2, None),  # it would take 25 more: past twice the marks there are
        (0.0, 16, 20, 0.1, None),  # a flat curve rises by nothing
        (0.5, 80, 100, 0.1, 5),  # from 80 marks, 105 is a rise of 0.136 already
        (0.05, 80, 100, 0.1, None),  # a gentle slope: 0.05 · ln(200 / 80) = 0.046 at most
    ],
)
def test_reach(slope: float, base: int, marks: int, gain: float, expected: int | None) -> None:
    assert reach(slope, base, marks, gain) == expected


@pytest.mark.parametrize(
    "agree, confidence, expected",
    [
        ([True] * 19 + [False], [1.0] * 19 + [0.1], 1.0),  # 19/20 agree: all of it at 95%
        ([False] + [True] * 9, [0.9] + [0.5] * 9, 0.0),  # the surest is wrong: nothing accepted
        ([True, True, False, False], [0.9, 0.8, 0.7, 0.6], 0.5),  # the surest half agrees
        ([], [], math.nan),  # nothing to measure
    ],
)
def test_coverage(agree: list[bool], confidence: list[float], expected: float) -> None:
    got = coverage(agree, confidence)
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)


@pytest.mark.parametrize(
    "view, says",
    [
        (Outlook(8, 100, note="mark 12 more"), "mark 12 more"),  # too few marks: the note alone
        (Outlook(40, 100, now=0.45, more=10, then=0.58), "mark 10 more to auto-accept ~58%"),
        (Outlook(40, 100, now=0.45), "more marks are not projected to raise it soon"),
        (Outlook(40, 100, now=0.96), "could auto-accept ~96% of the rest"),  # nothing to gain
        (Outlook(40, 100), ""),  # nothing could be measured
    ],
)
def test_sentence(view: Outlook, says: str) -> None:
    assert says in view.sentence() and ("~" in view.sentence() or not view.now)


def test_the_learned_judge_forecasts() -> None:
    assert isinstance(JUDGE, Forecaster)


def test_too_few_marks_measure_nothing() -> None:
    view = outlook(JUDGE, TEMPLATE, _marks(12), waiting=200)
    assert view.now is None and view.more is None
    assert view.sentence().startswith("mark 8 more for a first estimate")


def test_marks_of_one_grade_measure_nothing() -> None:
    # Forty answers all marked 0: coverage of such a part would be "all of it", on no evidence.
    view = outlook(JUDGE, TEMPLATE, [Example(e.answer, 0.0) for e in _marks(40)], waiting=500)
    assert view.now is None and "same grade" in view.sentence()


def test_held_out_points_and_a_projection_within_the_horizon() -> None:
    marks = _marks(60, seed=4)
    view = outlook(JUDGE, TEMPLATE, marks, waiting=300)
    assert [p.marks for p in view.points] == [15, 30, 48]  # a quarter, a half, four fifths
    # Each quarter judges the other three: every mark is held out three times, then once.
    assert [p.held_out for p in view.points] == [180, 60, 60]
    assert view.now == view.points[-1].coverage
    if view.more is not None:
        assert view.more <= 60 and view.then is not None and view.then >= view.now + 0.1
    assert "~" in view.sentence() and "60 marks" in view.sentence()


@pytest.mark.parametrize(
    "permute",
    [
        lambda marks: marks[::-1],  # marked last to first
        lambda marks: marks[1::2] + marks[::2],  # every other answer first
        lambda marks: marks[17:] + marks[:17],  # marking began partway through the pile
    ],
)
def test_the_order_marks_were_made_in_changes_nothing(
    permute: Callable[[list[Example]], list[Example]],
) -> None:
    marks = _marks(40, seed=7)
    first = outlook(JUDGE, TEMPLATE, marks, waiting=100)
    outlook_module._measured.cache_clear()  # measured afresh, not read back
    again = outlook(JUDGE, TEMPLATE, permute(marks), waiting=100)
    outlook_module._measured.cache_clear()
    assert again == first and first.now is not None


def test_contradicting_marks_promise_nothing() -> None:
    # The same answers marked 0 and full in turn: no judge can agree with this grader.
    marks = [Example(e.answer, float(i % 2)) for i, e in enumerate(_marks(30, seed=5))]
    marks += [Example(e.answer, 1.0 - e.fraction) for e in marks]
    view = outlook(JUDGE, TEMPLATE, marks, waiting=100)
    assert view.now is not None and view.now < 0.5
    assert view.then is None or view.then < 0.6


def test_the_measurement_is_kept_until_a_new_mark(monkeypatch: pytest.MonkeyPatch) -> None:
    marks = _marks(20, seed=6)
    outlook(JUDGE, TEMPLATE, marks, waiting=10)
    calls = []
    monkeypatch.setattr(JUDGE, "judge_many", lambda items: calls.append(items) or [])
    outlook(JUDGE, TEMPLATE, marks, waiting=9)  # the same marks: measured already
    assert not calls
    outlook_module._measured.cache_clear()


EXAM = f"""\
schema_version: 1
exam: {{id: t, title: "One text part"}}
sections:
  - id: I
    title: Short
    questions:
      - id: "1"
        marks: 3
        prompt: "{QUESTION}"
        kind: text
        reference: "{REFERENCE}"
"""


def test_review_list_and_the_queue_page_say_what_more_marks_would_buy(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM)
    answers = synthetic_part(40, seed=10)
    for i, (text, _) in enumerate(answers):
        (root / "scripts" / f"s{i:03}.md").write_text(f"Q1 {text}\n")
    run = CliRunner().invoke
    assert run(cli, ["-w", str(root), "scripts", "add", str(root / "scripts")]).exit_code == 0
    assert run(cli, ["-w", str(root), "grade", "--judge", "learned"]).exit_code == 0
    for i, (_, grade) in enumerate(answers[:24]):
        marked = run(
            cli,
            ["-w", str(root), "grades", "set", f"s{i:03}", "I.1", str(grade), "--why", "marked"],
        )
        assert marked.exit_code == 0, marked.output
    listed = run(cli, ["-w", str(root), "review", "list"])
    [line] = [s for s in listed.output.splitlines() if s.startswith("I.1: ")]
    assert "at 95% agreement" in line and "24 marks, held out" in line
    rows = json.loads(run(cli, ["-w", str(root), "review", "list", "--json"]).output)
    assert rows and all(r["outlook"] == line.removeprefix("I.1: ") for r in rows)
    ws = open_workspace(root)
    [part] = queue_view(ws).parts
    assert part.outlook == line.removeprefix("I.1: ")
    with client_for(ws) as client:
        assert f'<p class="outlook">{line}</p>' in html.unescape(client.get("/").text)
