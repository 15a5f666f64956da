"""Answer regions from the blank paper: labels found in several styles, the space after them,
regions written into exam.yaml round-trip, and what cannot be placed listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradewise.cli import cli
from gradewise.errors import ExamError
from gradewise.exam import load_exam_text
from gradewise.exam.edit import write_template
from gradewise.model import Region, Template
from gradewise.scripts.template import find_regions, label_of, read_paper

EXAM = """\
schema_version: 1
exam: {id: t, title: "Templated exam"}   # keep this comment
sections:
  - id: I
    title: Paper
    questions:
      - id: "1"
        parts:
          - {id: a, marks: 2, prompt: "Gradient?"}   # part a
          - id: b
            marks: 3
            prompt: "Step size?"
      - {id: "2", marks: 5, prompt: "Overfitting?"}
"""
SPACE_PT = 150  # the answer space the papers below leave after each prompt, in points

# One paper per label style: (question 1, its part a, its part b, question 2).
STYLES = {
    "numbers and brackets": ("1.", "(a)", "(b)", "2."),
    "words and half brackets": ("Question 1", "a)", "b)", "Question 2"),
    "compound": ("Q1", "1(a)", "1(b)", "Q2."),
}


def blank_paper(path: Path, labels: tuple[str, str, str, str], *, space: float = SPACE_PT) -> Path:
    """A blank exam with a text layer: a header, each label with its prompt, then space."""
    import weasyprint

    q1, a, b, q2 = labels
    gap = f'<div style="height: {space}pt"></div>'
    body = (
        "<p>Name: ____________ Student ID: ________</p>"
        f"<p>{q1} Gradient descent.</p>"
        f"<p>{a} Compute the gradient of f at w = 5.</p>{gap}"
        f"<p>{b} Which step size converges fastest? Say why in a sentence or two.</p>{gap}"
        f"<p>{q2} What is overfitting?</p>"
    )
    style = "@page { size: A4; margin: 2cm } p { margin: 0 0 4pt 0 }"
    html = f"<html><head><style>{style}</style></head><body>{body}</body></html>"
    weasyprint.HTML(string=html).write_pdf(path)
    return path


@pytest.mark.parametrize(
    "text, question, part",
    [
        ("1. Compute", "1", None),  # a number and a full stop
        ("2) x", "2", None),  # a number and a bracket
        ("Question 3 Explain", "3", None),  # written out
        ("Problem 5: blah", "5", None),  # another word, a colon
        ("Question-6", "6", None),  # a hyphen
        ("2.1 Question 7", "7", None),  # a numbered heading
        ("(a) What", None, "a"),  # a letter in brackets
        ("b) How", None, "b"),  # a half bracket
        ("(iv) why", None, "iv"),  # roman
        ("Part (b) x", None, "b"),  # the word part
        ("2(c) y", "2", "c"),  # compound
        ("3a) z", "3", "a"),  # compound without a space
        ("Question 1 (a) w", "1", "a"),  # written out and a part
        ("1.5 is the answer", None, None),  # a decimal is no label
        ("e.g. this", None, None),  # an abbreviation is no label
        ("Compute the gradient", None, None),  # prose
    ],
)
def test_labels_as_papers_print_them(text: str, question: str | None, part: str | None) -> None:
    label = label_of(text)
    read = (label.question, label.part) if label else (None, None)
    assert read == (question, part)


@pytest.mark.parametrize("style", STYLES)
def test_each_part_gets_the_space_after_its_label(tmp_path: Path, pango: None, style: str) -> None:
    paper = read_paper(blank_paper(tmp_path / "blank.pdf", STYLES[style]))
    found = find_regions(paper, load_exam_text(EXAM))
    placed = {p.address: p for p in found.placed}
    assert list(placed) == ["I.1.a", "I.1.b", "I.2"] and found.missing == ()
    a, b, two = (placed[x].regions for x in ("I.1.a", "I.1.b", "I.2"))
    assert len(a) == len(b) == len(two) == 1
    height = paper.sizes[0][1]
    for region in (a[0], b[0]):  # the space left after the prompt, give or take a line
        assert abs((region.box[3] - region.box[1]) * height - SPACE_PT) < 12
    assert a[0].box[3] < b[0].box[1] and b[0].box[3] < two[0].box[1]  # in order, apart
    assert two[0].box[3] > 0.85  # the last part runs to the page's bottom margin
    assert placed["I.1.b"].label == STYLES[style][2]


def test_a_part_whose_space_runs_over_a_page_break_has_a_region_per_page(
    tmp_path: Path, pango: None
) -> None:
    paper = read_paper(blank_paper(tmp_path / "blank.pdf", STYLES["compound"], space=600))
    placed = {p.address: p for p in find_regions(paper, load_exam_text(EXAM)).placed}
    assert [r.page for r in placed["I.1.b"].regions] == [1, 2]


def test_a_label_not_on_the_paper_is_listed_not_guessed(tmp_path: Path, pango: None) -> None:
    labels = ("1.", "(a)", "(c)", "2.")  # the paper prints (c) where the exam has b
    found = find_regions(read_paper(blank_paper(tmp_path / "b.pdf", labels)), load_exam_text(EXAM))
    assert [p.address for p in found.placed] == ["I.1.a", "I.2"]
    assert found.missing == (("I.1.b", "its label is not printed on the paper"),)


def test_a_pdf_without_text_layer_is_one_clear_error(tmp_path: Path) -> None:
    from PIL import Image

    scan = tmp_path / "scan.pdf"
    Image.new("L", (600, 800), 255).save(scan)
    with pytest.raises(ExamError, match="has no text layer") as caught:
        read_paper(scan)
    assert str(scan) in str(caught.value) and "\n" not in str(caught.value)


# --- writing exam.yaml -------------------------------------------------------------------------


def test_regions_are_written_and_every_other_line_stays_as_written() -> None:
    regions = {"I.1.b": (Region(1, (0.1, 0.4, 0.9, 0.6)), Region(2, (0.1, 0.1, 0.9, 0.2)))}
    pages = ("0" * 64, "1" * 64)
    written = write_template(EXAM, Template("blank.pdf", pages, regions), source="e")
    exam = load_exam_text(written)
    assert exam.template is not None and dict(exam.template.regions) == regions
    assert exam.template.pages == pages
    kept = [line for line in EXAM.splitlines() if line not in written.splitlines()]
    assert kept == []  # every line of the file is still there, byte for byte
    added = [line for line in written.splitlines() if line not in EXAM.splitlines()]
    assert all(line.startswith(("template:", "  ", "    ")) for line in added)


def test_writing_twice_replaces_the_regions_and_the_template() -> None:
    first = Template("one.pdf", ("1" * 64,), {"I.2": (Region(1, (0.1, 0.1, 0.9, 0.5)),)})
    second = Template("two.pdf", ("2" * 64,), {"I.2": (Region(1, (0.2, 0.2, 0.8, 0.6)),)})
    twice = write_template(write_template(EXAM, first, source="e"), second, source="e")
    exam = load_exam_text(twice)
    assert exam.template == second
    assert twice.count("regions") == 1 and twice.count("template:") == 1


@pytest.mark.parametrize(
    "region, message",
    [
        ("{page: 0, box: [0.1, 0.1, 0.9, 0.5]}", "page"),  # pages count from 1
        ("{page: 1, box: [0.1, 0.6, 0.9, 0.5]}", "y0 < y1"),  # upside down
        ("{page: 1, box: [0.1, 0.1, 1.5, 0.5]}", "box"),  # beyond the page
        ("{page: 1, box: [0.1, 0.1, 0.9]}", "box"),  # three numbers
        ("{page: 1, box: [0.1, 0.1, 0.9, 0.5], side: left}", "side"),  # no such field
        ("{page: 2, box: [0.1, 0.1, 0.9, 0.5]}", "the paper has 1"),  # a page it does not have
    ],
)
def test_a_wrong_region_names_its_line(region: str, message: str) -> None:
    text = EXAM.replace("sections:", f"template: {{pages: ['{'0' * 64}']}}\nsections:")
    text = text.replace('prompt: "Overfitting?"}', f'prompt: "Overfitting?", regions: [{region}]}}')
    with pytest.raises(ExamError, match=message) as caught:
        load_exam_text(text, source="exam.yaml")
    assert "exam.yaml:14" in str(caught.value)


# --- the command ----------------------------------------------------------------------------


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    (tmp_path / "exam.yaml").write_text(EXAM, encoding="utf-8")
    return tmp_path


def test_the_command_writes_regions_and_keeps_the_pages(ws: Path, pango: None) -> None:
    blank = blank_paper(ws / "blank.pdf", STYLES["numbers and brackets"])
    result = CliRunner().invoke(cli, ["-w", str(ws), "exam", "template", str(blank)])
    assert result.exit_code == 0, result.output
    assert "I.1.a: label '(a)', page 1" in result.output
    exam = load_exam_text((ws / "exam.yaml").read_text(encoding="utf-8"))
    assert exam.template is not None and set(exam.template.regions) == {"I.1.a", "I.1.b", "I.2"}
    assert all((ws / "pages" / f"{sha}.png").is_file() for sha in exam.template.pages)
    from gradewise.workspace import open_workspace

    (event,) = open_workspace(ws).store.events()
    assert event.kind == "template set" and event.why == "answer regions found on blank.pdf"


def test_a_rerun_says_which_parts_keep_regions_written_before(ws: Path, pango: None) -> None:
    runner = CliRunner()
    whole = blank_paper(ws / "blank.pdf", STYLES["numbers and brackets"])
    assert runner.invoke(cli, ["-w", str(ws), "exam", "template", str(whole)]).exit_code == 0
    short = blank_paper(ws / "short.pdf", ("1.", "(a)", "(c)", "2."))  # (b) misprinted
    result = runner.invoke(cli, ["-w", str(ws), "exam", "template", str(short)])
    assert result.exit_code == 0, result.output
    assert (
        "I.1.b: not placed: its label is not printed on the paper; it keeps the regions"
        " written before (from blank.pdf): check them in exam.yaml"
    ) in result.output


def hand_edit(ws: Path, address: str, box: tuple[float, float, float, float]) -> None:
    """What an instructor does in an editor: one part's box changed in exam.yaml."""
    path = ws / "exam.yaml"
    text = path.read_text(encoding="utf-8")
    old = load_exam_text(text).template
    assert old is not None
    regions = {**old.regions, address: (Region(1, box),)}
    path.write_text(write_template(text, Template(old.source, old.pages, regions), source="x"))


def regions_now(ws: Path) -> dict[str, tuple[Region, ...]]:
    template = load_exam_text((ws / "exam.yaml").read_text(encoding="utf-8")).template
    assert template is not None
    return dict(template.regions)


def test_a_rerun_keeps_the_regions_edited_by_hand(ws: Path, pango: None) -> None:
    runner = CliRunner()
    blank = blank_paper(ws / "blank.pdf", STYLES["numbers and brackets"])
    run = ["-w", str(ws), "exam", "template", str(blank)]
    assert runner.invoke(cli, run).exit_code == 0
    found = regions_now(ws)
    mine = (0.1, 0.2, 0.9, 0.5)
    hand_edit(ws, "I.1.a", mine)
    for _ in range(2):  # run again, and again: the hand edit stays, each time said
        result = runner.invoke(cli, run)
        assert result.exit_code == 0, result.output
        assert "I.1.a: label '(a)'" in result.output
        assert "not written: its regions were edited by hand in exam.yaml" in result.output
        assert "I.1.b: label '(b)'" in result.output and result.output.count("not written") == 1
        now = regions_now(ws)
        assert now["I.1.a"] == (Region(1, mine),)
        assert now["I.1.b"] == found["I.1.b"] and now["I.2"] == found["I.2"]
    from gradewise.workspace import open_workspace

    last = open_workspace(ws).store.events()[-1]
    assert last.why == "answer regions found on blank.pdf; kept the regions edited by hand of I.1.a"
    dry = runner.invoke(cli, [*run, "--dry-run", "--json"])
    assert json.loads(dry.output)["kept"] == ["I.1.a"]
    result = runner.invoke(cli, [*run, "--replace-edited"])
    assert result.exit_code == 0 and "not written" not in result.output
    assert regions_now(ws) == found
    assert "not written" not in runner.invoke(cli, run).output  # the paper's again: no edit


def test_a_dry_run_writes_nothing(ws: Path, pango: None) -> None:
    blank = blank_paper(ws / "blank.pdf", ("1.", "(a)", "(c)", "2."))
    runner = CliRunner()
    result = runner.invoke(cli, ["-w", str(ws), "exam", "template", str(blank), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "I.1.b: not placed: its label is not printed on the paper" in result.output
    assert (ws / "exam.yaml").read_text(encoding="utf-8") == EXAM and not (ws / "pages").exists()
    listed = runner.invoke(
        cli, ["-w", str(ws), "exam", "template", str(blank), "--dry-run", "--json"]
    )
    assert json.loads(listed.output)["missing"] == [
        {"part": "I.1.b", "why": "its label is not printed on the paper"}
    ]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("none.pdf", None, "cannot be read"),  # no such file
        ("junk.pdf", b"not a pdf", "is not a readable PDF"),  # not a PDF
    ],
)
def test_bad_blank_papers_are_one_line(
    ws: Path, name: str, content: bytes | None, message: str
) -> None:
    if content is not None:
        (ws / name).write_bytes(content)
    result = CliRunner().invoke(cli, ["-w", str(ws), "exam", "template", str(ws / name)])
    assert result.exit_code != 0 and message in result.output
    assert "Traceback" not in result.output
    assert (ws / "exam.yaml").read_text(encoding="utf-8") == EXAM


def test_a_templated_exam_comes_back_whole_from_the_exam_cache() -> None:
    from gradewise.exam_cache import _decode, _encode

    regions = {"I.2": (Region(1, (0.1, 0.2, 0.9, 0.5)),)}
    exam = load_exam_text(write_template(EXAM, Template("b.pdf", ("0" * 64,), regions), source="e"))
    assert repr(_decode(json.loads(json.dumps(_encode(exam))))) == repr(exam)


TWO_QUESTIONS = EXAM.replace(
    '      - {id: "2", marks: 5, prompt: "Overfitting?"}',
    '      - id: "2"\n        parts:\n          - {id: a, marks: 5}\n          - {id: b, marks: 1}',
)


def test_a_question_s_label_ends_the_part_before_it(tmp_path: Path, pango: None) -> None:
    import weasyprint

    gap = f'<div style="height: {SPACE_PT}pt"></div>'
    body = (
        f"<p>1. Gradient descent.</p><p>(a) Compute.</p>{gap}<p>(b) Step size?</p>{gap}"
        f"<p>2. Overfitting, a question with a long prompt.</p><p>(a) What?</p>{gap}"
        f"<p>(b) Why?</p>"
    )
    weasyprint.HTML(string=f"<html><body>{body}</body></html>").write_pdf(tmp_path / "b.pdf")
    paper = read_paper(tmp_path / "b.pdf")
    placed = {p.address: p for p in find_regions(paper, load_exam_text(TWO_QUESTIONS)).placed}
    height = paper.sizes[0][1]
    two = next(line for line in paper.lines if line.text.startswith("2."))
    assert placed["I.1.b"].regions[0].box[3] * height < two.top  # 1(b) stops above `2.`
    assert list(placed) == ["I.1.a", "I.1.b", "I.2.a", "I.2.b"]
