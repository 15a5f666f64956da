"""The review page's speed with 1,000 answers to one part, in-process (Starlette's TestClient).

A generated exam with a worked gradient-descent part (four numeric rubric criteria, as in the
bundled example) and a short keyed part; 1,000 scripts whose answers vary the way students'
do (right, one slip, a wrong last step, no working). Measures, on this machine:
- opening the part page (group, render Markdown and MathML, lay out 1,000 cards): first open
  and again (the renderer's cache warm);
- marking one answer: the POST's round trip, median and worst of 50 (by rubric items, or a
  plain score every other one);
- a rubric marks change on the part, with 300 more answers hand-marked by items applying the
  changed item: the preview (reads and writes exam.yaml in memory, loads it twice, re-scores
  1,000 answers from their stored verdicts and every hand mark from its items), the save that
  follows it (writes the file, 1,000 re-scored grades, the audit events of every answer that
  moved), and the save alone, cold;
  and that `gradewise grade` then re-grades nothing.
Prints a Markdown table for BENCHMARKS.md.

    .venv/bin/python benchmarks/bench_review.py [--students 1000] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from gradewise.actions import Target, mark_answers
from gradewise.model import ManualMark
from gradewise.review import create_app
from gradewise.review import rubric as rubric_edit
from gradewise.scripts.pages import stored_image
from gradewise.store import ScriptPage
from gradewise.workspace import Workspace, init_workspace, open_workspace

PART = "I.1.a"

EXAM = """\
schema_version: 1
exam: {id: bench-review, title: Bench review}
sections:
  - id: I
    title: One
    questions:
      - id: "1"
        prompt: Gradient descent on $f(w) = (w - 3)^2$ from $w_0 = 0$, $\\eta = 0.1$.
        parts:
          - id: a
            marks: 5
            prompt: Three steps; give $w_3$.
            # four criteria, the last one the final answer
            rubric:
              - {id: grad, text: "f'(w_0) = -6", marks: 1,
                 check: {kind: numeric, value: -6, where: anywhere}}
              - {id: w1, text: "w_1 = 0.6", marks: 1,
                 check: {kind: numeric, value: 0.6, tol: {abs: 0.001}, where: anywhere}}
              - {id: w2, text: "w_2 = 1.08", marks: 1,
                 check: {kind: numeric, value: 1.08, tol: {abs: 0.001}, where: anywhere}}
              - {id: w3, text: "w_3 = 1.464", marks: 2,
                 check: {kind: numeric, value: 1.464, tol: {abs: 0.001}, where: final}}
          - id: b
            marks: 1
            prompt: Does it converge?
            key: {kind: truefalse, value: true}
"""

ANSWERS = [
    "$f'(w) = 2(w-3)$, so $f'(0) = -6$.\nw1 = 0.6, w2 = 1.08\n**w3 = 1.464**",
    "grad -6; w1 = 0.6; w2 = 1.08; w3 = 1.464",
    "$f'(0) = -6$, $w_1 = 0.6$, $w_2 = 1.08$, $w_3 = 1.272$",
    "w1 = 0.6, w2 = 1.2, w3 = 1.56",
    "w3 = 1.464",
    "$w_{t+1} = w_t - 0.1 \\cdot 2(w_t - 3)$: 0.6, 1.08, then {last}",
]


def make_script(number: int, rng: random.Random) -> str:
    """One student's script: part a in one of the usual shapes, part b true or false."""
    answer = rng.choice(ANSWERS).replace("{last}", rng.choice(["1.464", "1.46", "1.5", "2"]))
    truth = rng.choice(["True", "False"])
    return f"---\nstudent: s{number:05d}\n---\nQ1 (a)\n{answer}\n\n(b) {truth}\n"


def build(root: Path, students: int, seed: int) -> Workspace:
    init_workspace(root)
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    rng = random.Random(seed)
    for n in range(students):
        (root / "scripts" / f"s{n:05d}.md").write_text(make_script(n, rng), encoding="utf-8")
    ws = open_workspace(root)
    ws.add_scripts([root / "scripts"])
    ws.grade()
    return ws


def link_pages(ws: Workspace) -> None:
    """Give every script a scanned page (one shared A4 image), as if read from scans: the part
    page then carries each answer's lazily loaded page image."""
    from PIL import Image

    image = stored_image(Image.new("L", (1654, 2339), 255))
    ws.page_path(image.sha256).parent.mkdir(parents=True, exist_ok=True)
    ws.page_path(image.sha256).write_bytes(image.png)
    for script in ws.store.scripts():
        ws.store.add_script(script, pages=[ScriptPage(image.sha256)])


def timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def version(page: str, student: str) -> int:
    found = re.search(rf'data-answer="{student}" data-version="(\d+)"', page)
    return int(found.group(1)) if found else 0


def marking(client: TestClient, page: str, students: list[str]) -> list[float]:
    times = []
    for i, student in enumerate(students):
        mark = (
            {"items": ["grad", "w3"], "adjust": -0.5, "reason": "slip"}
            if i % 2
            else {"score": i % 5}
        )
        body = {
            "answers": [{"student": student, "version": version(page, student)}],
            **mark,
            "why": "bench",
        }
        took, reply = timed(lambda body=body: client.post(f"/part/{PART}/mark", json=body))
        assert reply.status_code == 200, reply.text
        times.append(took)
    return times


def hand_marks(ws: Workspace, students: list[str]) -> None:
    """Hand marks by items that apply the item the rubric change moves."""
    mark = ManualMark(("grad", "w2", "w3"))
    mark_answers(ws, PART, [(Target(s), mark) for s in students], who="bench", why="bench")


def rubric_change(client: TestClient, ws: Workspace, marks: float) -> tuple[float, float, int]:
    part = open_workspace(ws.root).exam.part(PART)
    body = {
        "version": rubric_edit.rubric_version(part),
        "change": {"op": "edit", "criterion": "w3", "marks": marks},
        "why": "bench",
    }
    preview, reply = timed(lambda: client.post(f"/part/{PART}/rubric/preview", json=body))
    assert reply.status_code == 200, reply.text
    save, reply = timed(lambda: client.post(f"/part/{PART}/rubric", json=body))
    assert reply.status_code == 200, reply.text
    return preview, save, reply.json()["manual"]


def cold_save(client: TestClient, ws: Workspace, marks: float) -> tuple[float, int]:
    part = open_workspace(ws.root).exam.part(PART)
    body = {
        "version": rubric_edit.rubric_version(part),
        "change": {"op": "edit", "criterion": "w2", "marks": marks},
        "why": "bench",
    }
    save, reply = timed(lambda: client.post(f"/part/{PART}/rubric", json=body))
    assert reply.status_code == 200, reply.text
    return save, reply.json()["changed"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scans", action="store_true", help="answers come with page images")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ws = build(Path(folder) / "ws", args.students, args.seed)
        if args.scans:
            link_pages(ws)
        with TestClient(create_app(ws, who="bench"), base_url="http://127.0.0.1") as client:
            first, page = timed(lambda: client.get(f"/part/{PART}"))
            again, page = timed(lambda: client.get(f"/part/{PART}"))
            groups = page.text.count('class="group"')
            images = page.text.count('<img loading="lazy"')
            students = sorted(re.findall(r'data-answer="(s\d+)"', page.text))[:50]
            marks = marking(client, page.text, students)
            everyone = sorted(re.findall(r'data-answer="(s\d+)"', page.text))
            hand_marks(open_workspace(ws.root), everyone[50:350])
            preview, save, moved = rubric_change(client, ws, 1)
            alone, changed = cold_save(client, ws, 2)
        regraded = open_workspace(ws.root).grade()
    print(
        f"| measure ({args.students} answers to {PART}, {groups} groups,"
        f" {images} page images) | value | target |"
    )
    print("|---|---|---|")
    print(
        f"| part page, first open | {first * 1000:.0f} ms"
        f" ({len(page.content) / 1e6:.1f} MB) | < 1 s |"
    )
    print(f"| part page, again | {again * 1000:.0f} ms | < 1 s |")
    print(
        f"| mark one answer, round trip | median {statistics.median(marks) * 1000:.1f} ms,"
        f" worst {max(marks) * 1000:.1f} ms | < 100 ms |"
    )
    print(f"| rubric marks change: preview | {preview * 1000:.0f} ms | |")
    print(
        f"| rubric marks change: save after the preview ({moved} hand marks move) |"
        f" {save * 1000:.0f} ms | < 1 s |"
    )
    print(
        f"| rubric marks change: save alone, cold ({changed} scores change) |"
        f" {alone * 1000:.0f} ms | < 1 s |"
    )
    print(f"| `gradewise grade` afterwards | {regraded} re-graded | 0 |")


if __name__ == "__main__":
    main()
