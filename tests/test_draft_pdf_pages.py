"""PDF papers as printed: a running header or footer on every page (course, exam, date, page
number) is no question's words, and 'END OF EXAMINATION' ends the last question; questions atop
each page ('Question 2' heading every page) are never taken for a running header."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render

PAGE = '<div style="page-break-before: always"></div>'


def _paper(tmp_path: Path, header: str, footer: str, questions: list[str], end: str) -> Path:
    import weasyprint

    style = (
        "@page { size: A5; margin: 2cm; "
        f'@top-center {{ content: "{header}"; }} @bottom-center {{ content: {footer}; }} }}'
    )
    body = PAGE.join(questions) + (f"<p>{end}</p>" if end else "")
    html = f"<html><head><style>{style}</style></head><body>{body}</body></html>"
    path = tmp_path / "paper.pdf"
    weasyprint.HTML(string=html).write_pdf(path)
    return path


def _questions(path: Path) -> dict[str, Any]:
    tree: dict[str, Any] = YAML(typ="safe").load(render(draft_exam([path])))
    return {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}


QUESTIONS = [
    "<p><b>Question 1</b> (4 marks)</p><p>Define the bias of an estimator.</p>",
    "<p><b>Question 2</b> (6 marks)</p><p>Prove that the sample mean is unbiased.</p>",
    "<p><b>Question 3</b> (5 marks)</p><p>Explain why the median resists outliers.</p>",
]


@pytest.mark.parametrize(
    "header, footer, end",
    [
        # the course and exam atop every page, the page number below
        ("STAT 210 Midterm, Fall 2026", '"Page " counter(page)', ""),
        # the same with the number inside the header and an end line
        ("STAT 210 Midterm", '"- " counter(page) " -"', "— END OF EXAMINATION —"),
        # a footer with the student's line on every page
        ("", '"Name: ______________  Student ID: __________"', "*** End of exam ***"),
    ],
)
def test_running_headers_and_the_end_line_are_no_question_s_words(
    tmp_path: Path, pango: None, header: str, footer: str, end: str
) -> None:
    questions = _questions(_paper(tmp_path, header, footer, QUESTIONS, end))
    assert {q: questions[q].get("marks") for q in questions} == {"1": 4, "2": 6, "3": 5}
    for question in questions.values():
        prompt = question["prompt"]
        assert "STAT 210" not in prompt and "Page" not in prompt and "Name:" not in prompt
        assert "END" not in prompt.upper().split("MEDIAN")[-1]


def test_a_question_atop_every_page_is_kept(tmp_path: Path, pango: None) -> None:
    """Each page headed 'Question N' alone: the same line but for its number, at the top of
    every page, and still each page's question."""
    pages = [
        f"<p>Question {n}</p><p>{text} ({n + 2} marks)</p>"
        for n, text in enumerate(
            [
                "Define the bias of an estimator.",
                "Prove the mean is unbiased.",
                "Define a p-value.",
            ],
            start=1,
        )
    ]
    questions = _questions(_paper(tmp_path, "STAT 210", '"Page " counter(page)', pages, ""))
    assert {q: questions[q].get("marks") for q in questions} == {"1": 3, "2": 4, "3": 5}


def test_marks_on_a_wrapped_line_are_read_and_left_out_of_the_prompt(
    tmp_path: Path, pango: None
) -> None:
    """Two columns wrap each question over several lines, its points on the last one."""
    import weasyprint

    items = "".join(
        f"<p>{n}. {text} ({marks} marks)</p>"
        for n, (text, marks) in enumerate(
            [
                ("State Bayes' theorem and explain each of its terms in one short sentence.", 4),
                (
                    "A test has sensitivity 0.9 and specificity 0.95; the prevalence is 1%. "
                    "Compute the chance that a person who tests positive has the disease.",
                    6,
                ),
            ],
            start=1,
        )
    )
    html = (
        "<html><head><style>@page { size: A4; margin: 1.5cm; } .c { column-count: 2; }</style>"
        "</head><body><h3>Section A — Short questions (10 marks). Answer all.</h3>"
        f'<div class="c">{items}</div></body></html>'
    )
    path = tmp_path / "paper.pdf"
    weasyprint.HTML(string=html).write_pdf(path)
    tree: dict[str, Any] = YAML(typ="safe").load(render(draft_exam([path])))
    (section,) = tree["sections"]
    assert section["title"] == "Short questions. Answer all"
    questions = {str(q["id"]): q for q in section["questions"]}
    assert {q: questions[q]["marks"] for q in questions} == {"1": 4, "2": 6}
    assert all("marks" not in q["prompt"] for q in questions.values())
