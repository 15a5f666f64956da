"""`gradewise exam check` reports the template `exam template` wrote: the paper's pages, how
many parts have an answer box, and, each with its fix, the parts without one, template pages
missing from the workspace (an error: scans cannot be cut), regions with no pages to align
to, and cut boxes kept for parts no longer in the exam. Through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gradewise.cli import cli
from gradewise.model import Script
from gradewise.store import ScriptPage, ScriptRegion
from gradewise.workspace import open_workspace

PAGE = "a" * 64  # the paper's one page, by SHA-256
BOXES = {
    "I.1.a": "[{page: 1, box: [0.1, 0.2, 0.9, 0.4]}]",
    "I.1.b": "[{page: 1, box: [0.1, 0.4, 0.9, 0.6]}]",
    "I.2": "[{page: 1, box: [0.1, 0.6, 0.9, 0.9]}]",
}
FIX = "run 'gradewise exam template BLANK.pdf' again in this workspace"


def exam_text(
    boxed: tuple[str, ...], *, pages: tuple[str, ...] = (PAGE,), head: bool = True
) -> str:
    def regions(address: str) -> str:
        return f", regions: {BOXES[address]}" if address in boxed else ""

    template = f"template: {{source: blank.pdf, pages: {list(pages)}}}\n" if head else ""
    return f"""\
schema_version: 1
exam: {{id: t, title: "Templated exam"}}
{template}sections:
  - id: I
    title: Paper
    questions:
      - id: "1"
        parts:
          - {{id: a, marks: 2, key: {{kind: numeric, value: 3}}{regions("I.1.a")}}}
          - {{id: b, marks: 3, key: {{kind: numeric, value: 1}}{regions("I.1.b")}}}
      - {{id: "2", marks: 5, rubric: [{{id: r, text: noise, marks: 5}}]{regions("I.2")}}}
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / f"{PAGE}.png").write_bytes(b"a page image")
    return tmp_path


def check(root: Path, text: str) -> tuple[Result, dict[str, Any]]:
    (root / "exam.yaml").write_text(text, encoding="utf-8")
    out = CliRunner().invoke(cli, ["-w", str(root), "exam", "check", "--no-compute"])
    data = CliRunner().invoke(cli, ["-w", str(root), "exam", "check", "--no-compute", "--json"])
    return out, json.loads(data.stdout)


def test_no_template_says_nothing_of_one(root: Path) -> None:
    out, data = check(root, exam_text((), head=False))
    assert out.exit_code == 0 and "template" not in out.output and data["template"] is None


def test_a_whole_template_is_summed_up(root: Path) -> None:
    out, data = check(root, exam_text(("I.1.a", "I.1.b", "I.2")))
    assert out.exit_code == 0, out.output
    assert "template blank.pdf: 1 page, 3 of 3 parts have an answer box" in out.output
    assert data["template"] == {
        "source": "blank.pdf",
        "pages": 1,
        "boxed": ["I.1.a", "I.1.b", "I.2"],
        "unboxed": [],
        "errors": [],
        "warnings": [],
    }
    assert "Exam file OK." in out.output


@pytest.mark.parametrize(
    "boxed, pages, head, code, line",
    [
        (  # a part the paper has no box for: its answer on a scan goes to a human
            ("I.1.a", "I.1.b"),
            (PAGE,),
            True,
            0,
            f"warning I.2: no answer box on the paper: on a scan its answer goes to a human — {FIX}"
            ", or write its regions: in exam.yaml",
        ),
        (  # the paper's page image deleted from the workspace: no scan can be cut
            ("I.1.a", "I.1.b", "I.2"),
            ("b" * 64,),
            True,
            1,
            f"error template: the paper's page 1 image ({'b' * 12}…) is not in the workspace's"
            f" pages/ — {FIX}",
        ),
        (  # regions written, but no pages to align scans to: they are read by labels
            ("I.1.a", "I.1.b", "I.2"),
            (),
            True,
            0,
            "warning template: parts have answer boxes but the template has no pages: scans are"
            f" read by their labels — {FIX}",
        ),
        (  # regions with no template: block at all
            ("I.1.a",),
            (),
            False,
            0,
            "warning template: parts have answer boxes but the template has no pages",
        ),
    ],
)
def test_what_is_wrong_is_said_with_its_fix(
    root: Path, boxed: tuple[str, ...], pages: tuple[str, ...], head: bool, code: int, line: str
) -> None:
    out, data = check(root, exam_text(boxed, pages=pages, head=head))
    assert out.exit_code == code, out.output
    assert line in out.output and "Traceback" not in out.output
    said = data["template"]["errors"] + [w["message"] for w in data["template"]["warnings"]]
    assert said and data["ok"] == (code == 0)


def test_cut_boxes_of_parts_no_longer_in_the_exam_are_said(root: Path) -> None:
    (root / "exam.yaml").write_text(exam_text(("I.1.a", "I.1.b", "I.2")), encoding="utf-8")
    store = open_workspace(root).store
    for student in ("s1", "s2"):
        store.add_script(
            Script(student, "", f"{student}.pdf", "3\n\n1"),
            pages=[ScriptPage(PAGE)],
            regions=[ScriptRegion("I.1.a", 0, 1, ""), ScriptRegion("I.3", 3, 4, "")],
        )
    out, data = check(root, exam_text(("I.1.a", "I.1.b", "I.2")))
    assert out.exit_code == 0, out.output
    assert (
        "warning I.3: 2 scripts have an answer box cut for this part, no longer in the exam"
        " (not graded) — add the scans again (gradewise scripts add) to cut them by the"
        " template as it is now" in out.output
    )
    assert [w["address"] for w in data["template"]["warnings"]] == ["I.3"]
