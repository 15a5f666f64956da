"""A Carpentries (Jekyll) lesson page of exam questions: each in a '> ### ...' blockquote closed
by '{: .challenge}', its worked solution nested '> > ## Solution' closed by '{: .solution}';
questions unnumbered, a question's parts as blocks headed '> ### b) ...'."""

from __future__ import annotations

from pathlib import Path

from conftest import drafted_questions

PAGE = """\
---
title: Old exams
---

## Midterm 2023
> ### Two dice are rolled.
> ### a) How many outcomes are there?
> >
> > ## Solution
> > Each die has 6 faces, so there are 36 outcomes.
> {: .solution}
{: .challenge}
> ### b) How many have a sum of 7?
> > ## Solution
> > (1,6), (2,5), (3,4), (4,3), (5,2), (6,1): 6 outcomes.
> {: .solution}
{: .challenge}
> ### What is the probability of two heads in two tosses of a fair coin?
> > ## Solution
> > 1/4
> {: .solution}
{: .challenge}
> ## Why is the variance never negative?
> > ## Solution
> > It is the mean of squares.
> {: .solution}
{: .challenge}
"""


def test_a_lesson_page_s_challenges_are_questions(tmp_path: Path) -> None:
    questions = drafted_questions(tmp_path, PAGE)
    assert list(questions) == ["1", "2", "3"]
    assert [p["id"] for p in questions["1"]["parts"]] == ["a", "b"]
    assert "36 outcomes" in questions["1"]["parts"][0]["reference"]
    assert questions["2"]["key"] == {"kind": "numeric", "value": 0.25}
    assert questions["3"]["prompt"] == "Why is the variance never negative?"
    assert "Solution" not in str(questions) and ">" not in str(questions)


def test_a_page_without_challenge_classes_keeps_its_blockquotes(tmp_path: Path) -> None:
    text = "# Quiz\n\n1. Define variance. (2 marks)\n\n> Hint: think of squares.\n"
    assert "> Hint" in drafted_questions(tmp_path, text)["1"]["prompt"]
