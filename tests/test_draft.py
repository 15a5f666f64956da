"""Drafting an exam file from documents: golden drafts, the loader's verdict, PDF and .docx.

Fixture documents are written in the style of real OCR'd exams (tests/fixtures/documents);
expected drafts are golden files (`pytest --update-goldens` rewrites them).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gradewise.cli import cli
from gradewise.errors import ExamError
from gradewise.exam import load_exam_text
from gradewise.exam.draft import DocumentError, draft_exam, render
from gradewise.exam.draft import patterns as p
from gradewise.model import Exam

DOCS = Path(__file__).parent / "fixtures" / "documents"
GOLDEN = Path(__file__).parent / "golden" / "drafts"

DRAFTS = [
    # a paper with the key written in, then its solutions with rubric tables
    (("paper-with-key.md", "solutions-rubrics.md"), "paper-with-solutions.yaml"),
    # multiple choice and true/false with the scoring rules stated up front, open questions
    (("mcq-truefalse.md",), "mcq-truefalse.yaml"),
]


def _draft_text(names: tuple[str, ...]) -> str:
    return render(draft_exam([DOCS / name for name in names]))


@pytest.mark.parametrize("names, golden", DRAFTS)
def test_draft_matches_golden(
    names: tuple[str, ...], golden: str, request: pytest.FixtureRequest
) -> None:
    text = _draft_text(names)
    path = GOLDEN / golden
    if request.config.getoption("--update-goldens"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("names, golden", DRAFTS)
def test_draft_loads(names: tuple[str, ...], golden: str) -> None:
    load_exam_text(_draft_text(names), source=golden)  # raises ExamError if not


def _facts(exam: Exam) -> dict[str, tuple[float, str, object]]:
    """Per part: marks, key kind and key value (or criteria count for rubric parts)."""
    out: dict[str, tuple[float, str, object]] = {}
    for part in exam.parts():
        key = part.key
        detail: object = dict(key.params) if key else len(part.rubric)
        out[part.address] = (part.marks, part.kind, detail)
    return out


def test_paper_with_solutions_content() -> None:
    exam = load_exam_text(_draft_text(DRAFTS[0][0]))
    facts = _facts(exam)
    assert [s.rule.best for s in exam.sections] == [None, 2]  # "two out of three"
    assert facts["I.1"][:2] == (5, "numeric")  # 4 × 5 = 20 points: five each
    assert facts["I.2"][2]["value"] == 224  # written into the blank below 'Ans: ___'
    assert facts["I.3"][2]["correct"] == ["a", "c"]  # "Ans: AC" with options (a)-(d)
    assert list(facts["I.4"][2]["value"]) == [2, 4, 3, 3]  # a shape
    assert [facts[f"II.1.{x}"][0] for x in "abc"] == [4, 6, 10]  # [4 + 6 + 10]
    assert [facts[f"II.1.{x}"][2] for x in "abc"] == [2, 2, 2]  # pipe rubric table
    assert [facts[f"II.2.{x}"][0] for x in "ab"] == [12, 8]  # bullets, one per listed mark
    assert [facts[f"II.3.{x}"][0] for x in "ab"] == [12, 8]  # "(12 marks)" on each part
    assert facts["II.3.a"][2] == 2  # tab-separated rubric table, by its caption
    assert exam.marks == 20 + 40


def test_mcq_truefalse_content() -> None:
    exam = load_exam_text(_draft_text(DRAFTS[1][0]))
    q1 = exam.part("I.1")
    assert q1.marks == 2 and q1.key is not None  # "+2 points if your answer is correct"
    assert q1.key.params["correct"] == ["b"]  # the ticked box
    assert q1.key.params["policy"] == "negative" and q1.key.params["penalty"] == 0.25
    assert exam.part("II.4").marks == 1.5  # "+1.5 points" for true/false
    assert exam.part("II.5").key is not None
    assert exam.part("II.5").key.params == {"value": False}  # "Solution: False."
    assert [exam.part(f"III.6.{x}").marks for x in "abc"] == [1, 1.5, 0.5]  # from the solution
    assert exam.part("III.7").key is not None and exam.part("III.7").marks == 1


def test_every_value_says_where_it_came_from() -> None:
    text = _draft_text(DRAFTS[0][0])
    for line in text.splitlines():
        stripped, indent = line.strip(), len(line) - len(line.lstrip())
        criterion_marks = stripped.startswith("marks:") and indent >= 16  # on its id line
        if stripped.startswith(("marks:", "- id:", "key:", "rule:")) and not criterion_marks:
            assert "# from " in line, line
    assert "# from solutions-rubrics.md line 17" in text  # two documents: the file is named


INCOMPLETE = """\
**Part I: Short questions**

1. What is a perceptron?

2. Name two activation functions. (2 marks)

Ans: ReLU, tanh
"""


def test_incomplete_draft_names_what_to_fill_in(tmp_path: Path) -> None:
    doc = tmp_path / "paper.md"
    doc.write_text(INCOMPLETE, encoding="utf-8")
    text = render(draft_exam([doc]))
    assert "I.1: no marks found — add 'marks: N'" in text  # listed at the top
    assert "key 'ReLU, tanh' is not a value gradewise can check" in text
    with pytest.raises(ExamError) as caught:
        load_exam_text(text)
    assert "question I.1 has no marks" in str(caught.value)  # the check names the same thing


# --- the patterns, as a truth table ------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("In  $W_2$ , all elements are +1. [4 + 4 + 2 + 8 + 2]", [4, 4, 2, 8, 2]),
        ("$W_O$ has all its elements initialized as 1. [5 + 8 + 7]", [5, 8, 7]),
        ("[0.5 + 1.5]", [0.5, 1.5]),  # halves
        ("[60 min; 12 × 5 = 60 points]", None),  # a section's count, not a breakdown
        ("Derive it. (4+1 points)", [4, 1]),  # in parentheses, with the unit
        ("[3 + 2 marks]", [3, 2]),  # brackets, with the unit
        ("for $(2 + 3)$ points", None),  # arithmetic in the prompt, not marks
    ],
)
def test_marks_list(text: str, expected: list[float] | None) -> None:
    assert p.marks_list(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Question 33: (3 points.) Let's denote", 3),
        ("Question 35: (1 point.) Derive", 1),
        ("(b) Suggest a step (3 pts)", 3),
        ("Marking Rubric for Question 2 (20 marks)", 20),
        ("[5 marks]", 5),
        ("(0.5 points) Both have", 0.5),
        ("Show that (a) holds", None),  # a reference, not marks
    ],
)
def test_marks_one(text: str, expected: float | None) -> None:
    assert p.marks_one(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[60 min;  $12 \\times 5 = 60$  points]", (12, 5)),  # LaTeX, OCR spacing
        ("12 × 5 = 60 points", (12, 5)),
        ("[60 min;  $3 \\times 20 = 60$", (3, 20)),  # the header broken over lines by OCR
        ("3 × 20 = 50 points", None),  # does not add up: not read
    ],
)
def test_marks_each(text: str, expected: tuple[int, float] | None) -> None:
    assert p.marks_each(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Answer three out of four the following questions", (3, 4)),
        ("Answer any two of the three questions", (2, 3)),
        ("the best 3 of 4 count", (3, 4)),
        ("Answer all questions", None),
        ("Answer four out of four", None),  # every question counts: no rule
        # how many count, of however many the section holds
        ("Answer any THREE questions.", (3, 0)),
        ("Attempt two questions from this section.", (2, 0)),
        ("Answer 4 questions", (4, 0)),
        ("Answer ALL questions.", None),
        # the rules of named sections are read by `section_rules`
        ("Answer ALL questions in Section A and TWO questions from Section B.", None),
    ],
)
def test_best_rule(text: str, expected: tuple[int, int] | None) -> None:
    assert p.best_rule(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Answer ALL questions in Section A and TWO questions from Section B.", {"B": 2}),
        ("Answer three questions from section b and one question from Section C", {"B": 3, "C": 1}),
        ("Answer all questions in Section A.", {}),
        ("Answer any three questions.", {}),
    ],
)
def test_section_rules(text: str, expected: dict[str, int]) -> None:
    assert p.section_rules(text) == expected


_QUESTIONS = "2. Explain A. [10 marks]\n\n3. Explain B. [10 marks]\n\n4. Explain C. [10 marks]\n"


@pytest.mark.parametrize(
    "paper, rules, notes",
    [
        # said once before the questions: the paper's one section
        (f"Final\n\nAnswer any TWO questions.\n\n1. Warm up.\n\n{_QUESTIONS}", {"I": 2}, 0),
        # said under a section's heading, without 'of N'
        (
            "SECTION A\n\n1. Warm up. [5 marks]\n\nSECTION B\n\nAnswer TWO questions from "
            f"this section.\n\n{_QUESTIONS}",
            {"A": None, "B": 2},
            0,
        ),
        # said for named sections at the top
        (
            "Answer ALL questions in Section A and TWO questions from Section B.\n\n"
            f"SECTION A\n\n1. Warm up. [5 marks]\n\nSECTION B\n\n{_QUESTIONS}",
            {"A": None, "B": 2},
            0,
        ),
        # a rule that counts every question found is no rule: said in a note
        (f"Final\n\nAnswer any FOUR questions.\n\n1. Warm up.\n\n{_QUESTIONS}", {"I": None}, 1),
    ],
)
def test_rules_said_without_of_n(
    tmp_path: Path, paper: str, rules: dict[str, int | None], notes: int
) -> None:
    (tmp_path / "paper.md").write_text(paper, encoding="utf-8")
    draft = draft_exam([tmp_path / "paper.md"])
    found = {s.id: (s.rule.value if s.rule else None) for s in draft.sections}
    assert found == rules
    assert len([n for n in draft.notes if "count" in n.value]) == notes


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ACD", ("choice", ["a", "c", "d"])),  # a run of option letters
        ("D", ("choice", ["d"])),
        ("(b), (c)", ("choice", ["b", "c"])),
        ("50", ("numeric", 50)),
        ("0.5108", ("numeric", 0.5108)),
        ("5/7", ("numeric", "5/7")),  # kept exact
        ("[2, 4, 3, 3]", ("numeric", [2, 4, 3, 3])),
        ("True", ("truefalse", True)),
        ("F", ("truefalse", False)),
        ("$7 \\times 3 \\times 5$  or 110 for bias", None),  # words: a reference, not a key
        ("7 × 3 × 5", None),  # a product to compute, not a shape
        ("40,  $12 * 5 * 100$", None),
        # a matrix of numbers in LaTeX is a numeric key (it was an expression)
        (
            "$\\begin{pmatrix} -2 & 1 \\\\ 1.5 & -0.5 \\end{pmatrix}$",
            ("numeric", [[-2, 1], [1.5, -0.5]]),
        ),
        ("$\\begin{bmatrix} 1 & 0 \\\\ 0 & 1 \\end{bmatrix}$", ("numeric", [[1, 0], [0, 1]])),
    ],
)
def test_key_value(text: str, expected: tuple[str, object] | None) -> None:
    assert p.key_value(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("+2 points if your answer is correct,", p.Scoring(right=2)),
        ("0 points for incorrect or no answer", p.Scoring(wrong=0)),
        ("-0.5 points for a wrong answer", p.Scoring(wrong=-0.5)),
        ("+1.5 points if your answer is correct", p.Scoring(right=1.5)),
        ("There is negative marking.", p.Scoring(wrong=-1)),
        ("Use a black ballpen.", None),
    ],
)
def test_scoring(text: str, expected: p.Scoring | None) -> None:
    assert p.scoring(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Part II: Answer three out of four", "II"),
        ("Section-2", "II"),  # numbers become roman: the same section as Part II
        ("Third part, open questions", "III"),
        ("Section A", "A"),
        ("Part\tCriterion\tMarks", None),  # a rubric table's header row
        ("Particle physics", None),
    ],
)
def test_section_header(text: str, expected: str | None) -> None:
    found = p.section_header(text)
    assert (found.id if found else None) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("### 2.2 Question-2", "Question-2"),
        ("# 1 Section-1", "Section-1"),
        ("**Part I: Simple objective questions**", "Part I: Simple objective questions"),
        ("#### 4. Gradient Descent Optimization", "4. Gradient Descent Optimization"),
        ("*Ans1: Yes; it is feasible.*", "Ans1: Yes; it is feasible."),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert p.clean(raw) == expected


# --- PDF and .docx -----------------------------------------------------------------------

PDF_HTML = """<html><body>
<h1>Statistics quiz</h1>
<p><b>Part I: Short questions</b> [20 min; 3 &times; 4 = 12 points]</p>
<p>1. What is the mean of 2, 4 and 9?</p>
<p>Ans: 5</p>
<p>2. Which of these are unbiased estimators of the mean?</p>
<p>(a) The sample mean</p>
<p>(b) The sample maximum</p>
<p>(c) The first observation</p>
<p>Ans: AC</p>
<p>3. The sample variance with n - 1 is unbiased.</p>
<p>Ans: True</p>
</body></html>"""


def _assert_quiz(exam: Exam) -> None:
    assert exam.marks == 12
    parts = {p.address: p for p in exam.parts()}
    assert parts["I.1"].key is not None and parts["I.1"].key.params["value"] == 5
    assert parts["I.2"].key is not None and parts["I.2"].key.params["correct"] == ["a", "c"]
    assert parts["I.3"].key is not None and parts["I.3"].key.params == {"value": True}


def test_pdf_with_text_layer(tmp_path: Path, pango: None) -> None:
    import weasyprint

    pdf = tmp_path / "quiz.pdf"
    weasyprint.HTML(string=PDF_HTML).write_pdf(pdf)
    text = render(draft_exam([pdf]))
    assert "# from page 1, line" in text  # places in a PDF name the page
    _assert_quiz(load_exam_text(text))


def _docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Statistics quiz", level=1)
    document.add_paragraph("Part I: Short questions [20 min; 3 × 4 = 12 points]")
    for line in PDF_HTML.split("<p>")[2:]:
        text = line.split("</p>")[0].replace("&times;", "×")
        document.add_paragraph(text)
    document.add_heading("Part II: Long question", level=2)
    document.add_paragraph("1. Derive the maximum-likelihood estimate of a Bernoulli p. (4 marks)")
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(
        table.rows,
        [("Part", "Criterion", "Marks"), ("", "Log-likelihood", "2"), ("", "p = k/n", "2")],
        strict=True,
    ):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    document.save(str(path))
    return path


def test_docx(tmp_path: Path) -> None:
    text = render(draft_exam([_docx(tmp_path / "quiz.docx")]))
    assert "# from paragraph" in text  # places in a .docx count paragraphs
    exam = load_exam_text(text)
    long = exam.part("II.1")
    assert long.marks == 4 and [c.marks for c in long.rubric] == [2, 2]  # a Word table
    assert exam.marks == 16


# --- bad input: one line naming the file and the fix -------------------------------------


def _encrypted_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    with path.open("wb") as out:
        writer.write(out)
    return path


def _blank_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    with path.open("wb") as out:
        writer.write(out)
    return path


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: _encrypted_pdf(d / "locked.pdf"), "is an encrypted PDF"),
        # exam draft does no OCR (no --ocr): the step that gives the PDF a text layer is named
        (lambda d: _blank_pdf(d / "scan.pdf"), "has no text layer (a scan?) — add a text layer"),
        (lambda d: _blank_pdf(d / "scan.pdf"), "`ocrmypdf scan.pdf paper.pdf`"),
        (lambda d: _write(d / "broken.pdf", b"%PDF-1.4 garbage"), "is not a readable PDF"),
        (lambda d: _write(d / "broken.docx", b"PK\x03\x04 not a zip"), "not a readable .docx"),
        (lambda d: _write(d / "paper.odt", b"x"), "cannot draft from a .odt"),
        (lambda d: d / "missing.md", "cannot be read"),
    ],
)
def test_bad_documents(tmp_path: Path, make: object, message: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(DocumentError) as caught:
        draft_exam([path])
    assert message in str(caught.value) and str(path) in str(caught.value)
    result = CliRunner().invoke(cli, ["exam", "draft", str(path)])
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_cli_draft_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "exam.yaml"
    args = ["exam", "draft", str(DOCS / "mcq-truefalse.md"), "-o", str(out)]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "It loads" in first.output and out.read_text(encoding="utf-8").startswith("# Drafted")
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 1 and "already exists" in again.output
    assert CliRunner().invoke(cli, [*args, "--force"]).exit_code == 0
