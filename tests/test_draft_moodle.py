"""Drafting an exam from a Moodle XML question bank (`gradewise exam draft bank.xml`).

The fixtures in tests/fixtures/moodle were written for these tests in the shape Moodle's
"Moodle XML format" export has (a <quiz> of <question type=...>, CDATA, HTML question text).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gradewise.cli import cli as main
from gradewise.exam import load_exam_text
from gradewise.exam.draft import DocumentError, draft_exam, render
from gradewise.exam.draft.moodle import html_to_text
from gradewise.model import Exam

BANK = Path(__file__).parent / "fixtures" / "moodle"


def _exam(path: Path) -> tuple[Exam, str]:
    text = render(draft_exam([path]))
    return load_exam_text(text, source=path.name), text


def _one(tmp_path: Path, question: str) -> tuple[Exam, str]:
    path = tmp_path / "one.xml"
    path.write_text(f'<?xml version="1.0"?>\n<quiz>\n{question}\n</quiz>\n', encoding="utf-8")
    return _exam(path)


def _key(exam: Exam) -> dict[str, object] | None:
    key = exam.part("I.1").key
    return None if key is None else {"kind": key.kind, **dict(key.params)}


_ANSWERS = "".join(
    f'<answer fraction="{f}"><text>{t}</text></answer>'
    for f, t in (("0", "ReLU"), ("100", "tanh"), ("0", "linear"))
)

# (question XML, the key drafted; None = a text part)
TYPES = [
    # multichoice, one answer: the 100% answer, all-or-nothing
    (
        f"<question type='multichoice'><single>true</single>{_ANSWERS}</question>",
        {
            "kind": "choice",
            "options": {"a": "ReLU", "b": "tanh", "c": "linear"},
            "correct": ["b"],
            "policy": "all-or-nothing",
        },
    ),
    # multichoice, several answers with negative fractions: the positive ones, negative policy
    (
        "<question type='multichoice'><single>false</single>"
        "<answer fraction='50'><text>x</text></answer>"
        "<answer fraction='-25'><text>y</text></answer>"
        "<answer fraction='50'><text>z</text></answer></question>",
        {
            "kind": "choice",
            "options": {"a": "x", "b": "y", "c": "z"},
            "correct": ["a", "c"],
            "policy": "negative",
            "penalty": 0.25,
            "floor": 0.0,
        },
    ),
    # multichoice, several answers, no negative fraction: wrong picks cost nothing (as in Moodle)
    (
        "<question type='multichoice'><single>false</single>"
        "<answer fraction='50'><text>x</text></answer>"
        "<answer fraction='0'><text>y</text></answer>"
        "<answer fraction='50'><text>z</text></answer></question>",
        {
            "kind": "choice",
            "options": {"a": "x", "b": "y", "c": "z"},
            "correct": ["a", "c"],
            "policy": "negative",
            "penalty": 0.0,
            "floor": 0.0,
        },
    ),
    # truefalse: the 100% answer's word
    (
        "<question type='truefalse'><answer fraction='0'><text>true</text></answer>"
        "<answer fraction='100'><text>false</text></answer></question>",
        {"kind": "truefalse", "value": False},
    ),
    # numerical with a tolerance: an absolute tol
    (
        "<question type='numerical'><answer fraction='100'><text>0.25</text>"
        "<tolerance>0.005</tolerance></answer></question>",
        {"kind": "numeric", "value": 0.25, "tol": {"abs": 0.005}},
    ),
    # numerical with tolerance 0: exact
    (
        "<question type='numerical'><answer fraction='100'><text>12</text>"
        "<tolerance>0</tolerance></answer></question>",
        {"kind": "numeric", "value": 12},
    ),
    # shortanswer: a text part (reference and guidance below)
    (
        "<question type='shortanswer'><answer fraction='100'><text>bias</text></answer></question>",
        None,
    ),
    # essay: a text part
    ("<question type='essay'><graderinfo><text>anything</text></graderinfo></question>", None),
]


@pytest.mark.parametrize(("question", "key"), TYPES)
def test_type_truth_table(tmp_path: Path, question: str, key: dict[str, object] | None) -> None:
    exam, _ = _one(tmp_path, question)
    assert _key(exam) == key


def test_bank_sections_marks_and_prompts() -> None:
    exam, text = _exam(BANK / "bank.xml")
    assert [s.title for s in exam.sections] == ["Week 3: Optimisation", "Week 4"]
    assert {p.address: p.marks for p in exam.parts()} == {
        "I.1": 2,
        "I.2": 3,
        "I.3": 1,
        "II.4": 4,
        "II.5": 1,
        "II.6": 5,
    }
    assert exam.part("I.1").prompt == r"Which activation saturates for large \(|x|\)?"
    assert exam.part("I.2").prompt == "Pick the convex losses.\n\n- in \\(w\\)"
    assert "&amp;" not in exam.part("I.3").prompt and " & " in exam.part("I.3").prompt
    assert "$$w_0 = 5$$" in exam.part("II.4").prompt  # math kept as LaTeX
    assert exam.part("II.6").prompt == "Explain why **momentum** helps.\nUse at most 5 lines."
    assert "'I.1'" not in text and "# from line 6" in text  # each question says its line


@pytest.mark.parametrize(
    ("fmt", "prompt"),
    [
        ("html", "a < b *c*"),  # HTML (the default): tags and spaces read
        ("plain_text", "a &lt; b\n\n*c*"),  # plain text: as written, lines kept
        ("markdown", "a &lt; b\n\n*c*"),  # Markdown: as written, lines kept
    ],
)
def test_question_text_formats(tmp_path: Path, fmt: str, prompt: str) -> None:
    exam, _ = _one(
        tmp_path,
        f"<question type='essay'><questiontext format='{fmt}'>"
        "<text>a &amp;lt; b\n\n*c*</text></questiontext></question>",
    )
    assert exam.part("I.1").prompt == prompt


def test_shortanswer_and_essay_reference_and_guidance() -> None:
    exam, _ = _exam(BANK / "bank.xml")
    short = exam.part("II.5")
    assert short.reference == "gradient descent"
    assert "steepest descent" in short.guidance and "descent (50%)" in short.guidance
    essay = exam.part("II.6")
    assert essay.guidance == "Full marks: mentions damping of oscillations."
    assert essay.reference == ""


def test_unknown_types_listed_at_the_top() -> None:
    _, text = _exam(BANK / "bank.xml")
    header = text.split("schema_version")[0]
    assert "matching" in header and "Match them" in header and "line 57" in header


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>a</p><p>b</p>", "a\n\nb"),  # paragraphs
        ("x<br>y", "x\ny"),  # line breaks
        ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),  # lists
        ("<strong>bold</strong> and <em>it</em>", "**bold** and *it*"),  # emphasis
        (r"<p>\( a &lt; b \) and $$x^2$$</p>", r"\( a < b \) and $$x^2$$"),  # math kept
        ('<img src="@@PLUGINFILE@@/plot.png" alt="loss">', "[image: plot.png]"),  # images named
        ("  plain   text  ", "plain text"),  # spaces collapse
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("malformed.xml", "not well-formed XML"),  # an unclosed tag
        ("bomb.xml", "entities"),  # billion laughs: refused, not expanded
        ("external.xml", "DOCTYPE"),  # an external DTD: refused, never fetched
        ("wrong-root.xml", "not a Moodle XML question bank"),  # an RSS feed
    ],
)
def test_bad_xml_is_one_line_error_exit_1(name: str, says: str) -> None:
    with pytest.raises(DocumentError, match=says):
        draft_exam([BANK / name])
    result = CliRunner().invoke(main, ["exam", "draft", str(BANK / name)])
    assert result.exit_code == 1
    assert says in result.output and name in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_cli_drafts_a_bank_that_loads(tmp_path: Path) -> None:
    out = tmp_path / "exam.yaml"
    result = CliRunner().invoke(main, ["exam", "draft", str(BANK / "bank.xml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "It loads" in result.output
    load_exam_text(out.read_text(encoding="utf-8"), source="exam.yaml")


def test_xml_mixed_with_other_documents_is_refused(tmp_path: Path) -> None:
    paper = tmp_path / "paper.md"
    paper.write_text("1. What? (2 marks)\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="on its own"):
        draft_exam([BANK / "bank.xml", paper])


# (question XML, what the top of the draft says about it)
NOTES = [
    # single answer with partial credit: the partial answers cannot be kept
    (
        "<question type='multichoice'><single>true</single>"
        "<answer fraction='100'><text>x</text></answer>"
        "<answer fraction='50'><text>y</text></answer></question>",
        "partial-credit answers dropped",
    ),
    # several answers weighed unequally: the choice key weighs them equally
    (
        "<question type='multichoice'><single>false</single>"
        "<answer fraction='70'><text>x</text></answer>"
        "<answer fraction='30'><text>y</text></answer>"
        "<answer fraction='-100'><text>z</text></answer></question>",
        "weigh the same here",
    ),
    # several answers, nothing negative: choosing all would earn full marks
    (
        "<question type='multichoice'><single>false</single>"
        "<answer fraction='100'><text>x</text></answer>"
        "<answer fraction='0'><text>y</text></answer></question>",
        "picking every option earns full marks",
    ),
    # no answer at 100%: the key is left to fill in
    (
        "<question type='truefalse'><answer fraction='0'><text>true</text></answer></question>",
        "To fill in",
    ),
    # a grade of 0: the marks are left to fill in
    (
        "<question type='essay'><defaultgrade>0</defaultgrade></question>",
        "marks of question 1",
    ),
    # a grade that is not a number: the marks are left to fill in
    (
        "<question type='essay'><defaultgrade>nan</defaultgrade></question>",
        "marks of question 1",
    ),
    # a description is not a question: named, not drafted
    (
        "<question type='description'><name><text>Intro</text></name></question>"
        "<question type='essay'/>",
        "'Intro' of type description was not drafted",
    ),
]


@pytest.mark.parametrize(("question", "says"), NOTES)
def test_what_cannot_be_kept_is_listed(tmp_path: Path, question: str, says: str) -> None:
    path = tmp_path / "one.xml"
    path.write_text(f"<quiz>{question}</quiz>", encoding="utf-8")
    header = render(draft_exam([path])).split("schema_version")[0]
    assert says in header


def test_a_bank_without_questions_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_text("<quiz><question type='category'/></quiz>", encoding="utf-8")
    with pytest.raises(DocumentError, match="has no question"):
        draft_exam([path])
