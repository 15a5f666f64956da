"""Feedback pages: what a student sees, what never reaches them, and math rendered offline."""

from __future__ import annotations

import base64
import io
import re

import pytest
from pypdf import PdfReader

from gradewise.errors import GradewiseError
from gradewise.model import (
    Answer,
    Criterion,
    Exam,
    Key,
    ManualMark,
    Part,
    PartGrade,
    Question,
    Regrade,
    Script,
    Section,
    Status,
    Verdict,
)
from gradewise.reports import feedback, mathml, mathsvg
from gradewise.scoring import results


@pytest.mark.parametrize(
    "text, present, absent",
    [
        ("so $x^2$ here", ["<msup>", 'display="inline"', "so "], ["$"]),  # inline math
        ("$$a+b$$", ['display="block"'], ["$$"]),  # display math
        (r"\(y\) and \[z\]", ["<mi>y</mi>", 'display="block"'], ["\\("]),  # other delimiters
        ("a < b & c", ["a &lt; b &amp; c"], ["<math"]),  # plain text escaped
        (
            r"$\text{<script>alert(1)</script>}$",
            ['<code class="tex">', "&lt;script&gt;"],
            ["<script>"],
        ),  # raw HTML in \text: shown as source
        (
            r"$\href{javascript:alert(1)}{x}$",
            ["<mi>x</mi>"],
            ["javascript"],
        ),  # link attribute dropped
        (r"$\frac{1}{$", ['<code class="tex">'], ["<math"]),  # broken LaTeX: source kept
        ("costs $5 and $6", ["<math"], []),  # a pair of dollars reads as math; no crash
    ],
)
def test_math_rendering(text: str, present: list[str], absent: list[str]) -> None:
    html = str(mathml.render(text))
    for s in present:
        assert s in html
    for s in absent:
        assert s not in html


GUIDANCE = "SECRET-GUIDANCE accept 5/7"
REFERENCE = "SECRET-REFERENCE derivation"
EXAM = Exam(
    "t",
    "Tiny exam",
    (
        Section(
            "I",
            "Short",
            (
                Question(
                    "1",
                    "",
                    (
                        Part(
                            "I.1",
                            "1",
                            "Give $x^2$.",
                            2,
                            Key("numeric"),
                            guidance=GUIDANCE,
                            reference=REFERENCE,
                        ),
                    ),
                ),
                Question(
                    "2",
                    "",
                    (
                        Part(
                            "I.2",
                            "2",
                            "Explain.",
                            3,
                            rubric=(
                                Criterion("idea", "names the idea", 2),
                                Criterion("sign", "deduct: sign error", -1, check=Key("numeric")),
                            ),
                        ),
                    ),
                ),
                Question("3", "", (Part("I.3", "3", "Free text.", 2),)),
            ),
        ),
    ),
)
SCRIPTS = [Script("s1", "Ada Lovelace", "", ""), Script("s2", "Grace Hopper", "", "")]


def v(
    cid: str, status: Status, reason: str, evidence: str = "", by: str = "numeric@1#abc123"
) -> Verdict:
    return Verdict(
        cid, status, 1.0 if status is Status.MET else 0.0, reason, evidence, None, 0.42, by
    )


GRADES = [
    PartGrade("s1", "I.1", 2, (v("key", Status.MET, "read 49, equal to the key", "49"),), False),
    PartGrade(
        "s1",
        "I.2",
        2,
        (
            v("idea", Status.MET, "cosine 0.91", "the idea", "similarity@2"),
            v("sign", Status.NOT_MET, "no sign slip"),
        ),
        False,
    ),
    PartGrade(
        "s1",
        "I.3",
        0,
        (v("part", Status.NEEDS_REVIEW, "free text, no judge"),),
        True,
        1.5,
        ManualMark(adjustment=1.5, reason="good example, no mechanism"),
    ),
    PartGrade("s2", "I.1", 0, (v("key", Status.NOT_MET, "read 14, the key is 49", "14"),), False),
    PartGrade(
        "s2",
        "I.2",
        0,
        (
            v("idea", Status.ERROR, "judge failed: OSError()", "", "sim@2"),
            v("sign", Status.MET, "sign flipped", "-3"),
        ),
        True,
    ),
    PartGrade("s2", "I.3", 0, (v("part", Status.NEEDS_REVIEW, "no answer", "", "segment"),), True),
]
ANSWERS = [
    Answer("s1", "I.1", "$7^2 = 49$"),
    Answer("s1", "I.2", "the idea"),
    Answer("s1", "I.3", "my own words"),
    Answer("s2", "I.1", "$7 \\cdot 2 = 14$"),
    Answer("s2", "I.2", "-3 <b>bold</b>"),
    Answer("s2", "I.3", ""),
]


def page(student: str) -> str:
    pages = feedback.build_all(EXAM, results(EXAM, GRADES, SCRIPTS), GRADES, ANSWERS)
    [fb] = [p for p in pages if p.student == student]
    return feedback.render(fb)


@pytest.mark.parametrize(
    "student, present",
    [
        ("s1", "Ada Lovelace"),  # who the page is for
        ("s1", "Total: <strong>5.5</strong> of 7"),  # total with the manual mark
        ("s1", "<msup>"),  # the answer's math as MathML
        ("s1", "read 49, equal to the key"),  # a checker's reason
        ("s1", '<blockquote class="evidence">49</blockquote>'),  # the quoted evidence
        ("s1", "assessed against the model answer"),  # a judge's reason, neutralised
        ("s1", "not deducted"),  # a deduction that did not apply
        ("s1", "Marked by a grader: good example, no mechanism"),  # the latest note in force
        ("s2", "deducted"),  # the deduction applied
        ("s2", "waiting for a grader"),  # an undecided criterion, no failure text
        ("s2", "No answer found for this part."),  # blank answer said plainly
        ("s2", "&lt;b&gt;bold&lt;/b&gt;"),  # the student's HTML is escaped
        ("s2", "this total is provisional"),  # incomplete grading flagged
    ],
)
def test_page_shows(student: str, present: str) -> None:
    assert present in page(student)


@pytest.mark.parametrize(
    "student, absent",
    [
        ("s1", "SECRET-GUIDANCE"),  # grader guidance never shown
        ("s1", "SECRET-REFERENCE"),  # nor the reference answer
        ("s1", "Grace"),  # nor another student's name or note
        ("s1", "s2"),  # nor another student's id
        ("s1", "14"),  # nor another student's answer
        ("s1", "numeric@1"),  # no produced_by
        ("s1", "similarity"),  # no model name
        ("s1", "0.42"),  # no confidence
        ("s1", "cosine"),  # no judge figures
        ("s1", "first try"),  # a superseded note
        ("s2", "Ada"),  # the other way round
        ("s2", "OSError"),  # no failure internals
        ("s2", "Grace note"),  # a cleared manual mark's note
        ("s2", "<b>"),  # no raw HTML from the answer
        ("s1", "<script"),  # no script at all: math is server-side
        ("s1", "http://"),  # nothing fetched (the MathML namespace is https-free xmlns only)
    ],
)
def test_page_never_shows(student: str, absent: str) -> None:
    html = page(student).replace('xmlns="http://www.w3.org/1998/Math/MathML"', "")
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.DOTALL)  # our CSS is not data
    assert absent not in html


def test_grader_mark_that_differs_hides_the_automatic_verdicts() -> None:
    mark = ManualMark(adjustment=1.0, reason="rounding")
    grades = [
        PartGrade("s1", "I.1", 2, (v("key", Status.MET, "read 49, equal"),), False, 1.0, mark)
    ]
    [result] = results(EXAM, grades, SCRIPTS[:1])
    part = feedback.build(EXAM, result, grades, ANSWERS).sections[0].parts[0][0]
    assert part.criteria == () and part.note == "rounding" and part.score == 1.0


def test_a_mark_by_items_shows_the_items_the_adjustment_and_the_comment() -> None:
    mark = ManualMark(("idea", "sign"), 0.5, "clear diagram", "Mind the sign in line 2.")
    grades = [PartGrade("s1", "I.2", 2, GRADES[1].verdicts, False, 1.5, mark)]
    [result] = results(EXAM, grades, SCRIPTS[:1])
    fb = feedback.build(EXAM, result, grades, ANSWERS)
    part = fb.sections[0].parts[1][0]
    assert [(c.text, c.outcome) for c in part.criteria] == [
        ("names the idea", "met"),
        ("deduct: sign error", "deducted"),
    ]
    assert (part.adjustment, part.reason, part.comment) == (0.5, "clear diagram", part.comment)
    html = feedback.render(fb)
    assert "Adjustment +0.5: clear diagram" in html and "Comment: Mind the sign in line 2." in html
    assert "cosine" not in html  # the machine's reasons give way to the grader's items


@pytest.mark.parametrize(
    "status, pending, shown, itemised",
    [
        (Status.NEEDS_REVIEW, True, "No answer found for this part.", True),  # maybe missed
        (Status.NOT_MET, False, "Not answered.", False),  # all placed elsewhere: nothing to list
    ],
)
def test_blank_answer_says_whether_it_was_decided(
    status: Status, pending: bool, shown: str, itemised: bool
) -> None:
    grades = [PartGrade("s2", "I.3", 0, (v("part", status, "", "", "segment"),), pending)]
    [result] = results(EXAM, grades, SCRIPTS[1:])
    html = feedback.render(feedback.build(EXAM, result, grades, ANSWERS))
    assert shown in html
    assert ('class="criteria"' in html) == itemised


@pytest.mark.parametrize(
    "student, name",
    [
        ("s2024001", "s2024001.html"),  # an ordinary id is its own name
        ("a-b.c_d", "a-b.c_d.html"),  # safe punctuation kept, still the id itself
        ("../etc/x", "_etc_x-2215be8e.html"),  # no path escapes; the slug is not the id: a hash
        ("a_b", "a_b.html"),  # the id itself ...
        ("a~b", "a_b-941528e5.html"),  # ... and ids with the same slug get their own names
        ("a:b", "a_b-6783a31e.html"),  # (a colon, also unsafe on Windows)
        ("...", "student-ab5df625.html"),  # nothing left: a fallback stem, still unique
        ("CON", "CON-a3dbc4b6.html"),  # a Windows device name is never a bare file name
        ("con.1", "con.1-3a22eac6.html"),  # not even before a dot
        ("x" * 300, "x" * 80 + "-0d4e2ca9.html"),  # a long id is cut to fit any file system
    ],
)
def test_page_name(student: str, name: str) -> None:
    assert feedback.page_name(student) == name


@pytest.mark.parametrize(
    "students, clash",
    [
        (["a_b", "a~b", "a:b", "a b"], None),  # one slug, four names
        (["Ab", "ab"], "'Ab' and 'ab'"),  # one file on a case-insensitive file system
        (["a~b", "a_b-941528e5"], "'a~b' and 'a_b-941528e5'"),  # an id that is another's name
    ],
)
def test_page_names_never_share_a_file(students: list[str], clash: str | None) -> None:
    if clash is None:
        names = feedback.page_names(students)
        assert len({n.casefold() for n in names.values()}) == len(students)
        return
    with pytest.raises(GradewiseError) as error:
        feedback.page_names(students)
    assert clash in str(error.value) and "\n" not in str(error.value)


# --- print: formulas as SVG images, the page as PDF -----------------------------------------


@pytest.mark.parametrize(
    "latex, drawn",
    [
        (r"\frac{a}{b} + x^2", True),  # fraction and superscript
        (r"\sigma(z)(1-\sigma(z))", True),  # Greek
        (r"\mathbf{W}^T x", True),  # bold matrix symbol
        (r"\sum_i (y_i - \hat y_i)^2", True),  # big operator and accent
        (r"\text{loss} = 0.5", True),  # text inside math
        (r"0 \le p \ge q", True),  # TeX short names mathtext lacks, rewritten
        (r"\lVert w \rVert_2 + \operatorname*{arg\,max}_x f", True),  # norms, starred operator
        (r"\begin{pmatrix}1\\2\end{pmatrix}", False),  # an environment mathtext lacks: source
        (r"\frac{1}{", False),  # broken LaTeX: source
        ("", False),  # nothing to draw
    ],
)
def test_formula_as_svg(latex: str, drawn: bool) -> None:
    img = mathsvg.to_svg(latex)
    assert (img is not None) == drawn
    if img is not None:
        data = re.search(r"base64,([A-Za-z0-9+/=]+)", img)
        assert data and b"<path" in base64.b64decode(data.group(1))  # glyphs as paths


def test_print_page_has_no_mathml() -> None:
    pages = feedback.build_all(EXAM, results(EXAM, GRADES, SCRIPTS), GRADES, ANSWERS)
    [fb] = [p for p in pages if p.student == "s1"]
    html = feedback.print_page(fb)
    assert '<img class="formula"' in html and "<math" not in html
    assert "Ada Lovelace" in html and "SECRET-GUIDANCE" not in html


@pytest.mark.usefixtures("pango")
def test_pdf() -> None:
    pages = feedback.build_all(EXAM, results(EXAM, GRADES, SCRIPTS), GRADES, ANSWERS)
    pdf = feedback.render_pdf(pages[0])
    assert pdf.startswith(b"%PDF-")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Ada Lovelace" in text and "Total: 5.5 of 7" in text  # real text, not an image
    assert "SECRET-GUIDANCE" not in text


def test_regrade_requests_show_with_their_answers_to_their_student_only() -> None:
    asked = [
        Regrade("s1", "I.2", "my sign is right", "s1", "t1", "agreed: +1", "ada", "t2"),
        Regrade("s1", "I.2", "and the diagram?", "s1", "t3"),  # still open
        Regrade("s2", "I.2", "another student's request", "s2", "t1"),
    ]
    [result] = results(EXAM, GRADES, SCRIPTS[:1])
    fb = feedback.build(EXAM, result, GRADES, ANSWERS, asked)
    part = fb.sections[0].parts[1][0]
    assert part.regrades == (("my sign is right", "agreed: +1"), ("and the diagram?", None))
    html = feedback.render(fb)
    assert "Regrade request: my sign is right — answered: agreed: +1" in html
    assert "Regrade request: and the diagram? — open" in html
    assert "another student" not in html and "ada" not in html  # nor who answered


def test_a_request_on_a_part_no_longer_in_the_exam_still_shows_its_answer() -> None:
    asked = [
        Regrade("s1", "I.9", "was 9 fair?", "s1", "t1", "question 9 was dropped", "ada", "t2"),
        Regrade("s2", "I.9", "another student's request", "s2", "t1"),
    ]
    [result] = results(EXAM, GRADES, SCRIPTS[:1])
    fb = feedback.build(EXAM, result, GRADES, ANSWERS, asked)
    assert fb.withdrawn == (("I.9", "was 9 fair?", "question 9 was dropped"),)
    html = feedback.render(fb)
    assert "Regrade requests on parts no longer in the exam" in html
    assert "I.9: was 9 fair? — answered: question 9 was dropped" in html
    assert "another student" not in html
