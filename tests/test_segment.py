"""Segmentation truth tables: scripts in many labelling styles, the part every piece goes to."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from gradewise.model import NOT_ANSWERED, Exam, Part, Question, Section
from gradewise.scripts.segment import NO_ANSWER, parts_named, segment

FIXTURES = Path(__file__).parent / "fixtures" / "scripts"


def make_exam(spec: dict[str, dict[str, str]]) -> Exam:
    """{section: {question: "abc" (part ids, one character each) or "i ii" or "" (no parts)}}."""
    sections = []
    for sid, questions in spec.items():
        built = []
        for qid, parts in questions.items():
            ids = parts.split() if " " in parts else list(parts)
            made = tuple(Part(f"{sid}.{qid}.{p}", p, "", 1.0) for p in ids)
            built.append(Question(qid, "", made or (Part(f"{sid}.{qid}", qid, "", 1.0),)))
        sections.append(Section(sid, "", tuple(built)))
    return Exam("t", "test", tuple(sections))


SHORT = make_exam({"I": {"1": "", "2": "abc", "3": "", "4": ""}})
LISTS = make_exam({"I": {"1": "", "2": "ab", "3": "", "4": ""}})
SECTIONS = make_exam({"I": {"1": "", "2": "", "3": ""}, "II": {"1": "abc", "2": "ab", "3": "ab"}})
CIRCLED = make_exam({"I": {"1": "123", "2": "", "3": "ab"}})
LATEX = make_exam({"I": {"1": "i ii", "2": "abc", "3": ""}})
ORDER = make_exam({"I": {"1": "ab", "2": "", "3": "ab"}})
PLAIN = make_exam({"I": {"1": "", "2": "", "3": ""}})
ROMAN = make_exam({"I": {"1": "i ii iii iv", "2": "abcdefghi"}})
LETTERED = make_exam({"A": {"1": "", "2": ""}, "B": {"1": "ab", "2": ""}})
NOISE = make_exam({"I": {"1": "", "2": "", "3": "ab", "4": ""}})
INDENT = make_exam({"I": {"1": "ab", "2": "", "3": ""}})
BEN = make_exam({"I": {"1": "", "2": "ab", "3": "abc", "4": "ab", "5": "ab", "6": "abc"}})
IVAN = make_exam(
    {"I": {"1": "", "2": "abc", "3": "ab", "4": "i ii", "5": "abc", "6": "abcdefghi", "7": "ab"}}
)
CNN = make_exam({"I": {"1": "abcdefgh", "2": "ab", "3": "", "4": "", "7": "12345"}})

P, C, L, U = "preamble", "continued", "label", "unplaced"

TRUTH = [
    # Q-labels with bare (b)/(c) parts after `Q2 (a)`; a preamble; I.3 never answered.
    (
        "01_q_style.md",
        SHORT,
        [
            ("", None, P),
            ("Q1.", "I.1", L),
            ("Q2 (a)", "I.2.a", L),
            ("(b)", "I.2.b", L),
            ("(c)", "I.2.c", L),
            ("Q4", "I.4", L),
        ],
    ),
    # bare numbers; a numbered list inside answer 3 (1..4) is not questions 1, 2, 3, 4.
    (
        "02_numbered_lists.md",
        LISTS,
        [
            ("1.", "I.1", L),
            ("2. a)", "I.2.a", L),
            ("b)", "I.2.b", L),
            ("3.", "I.3", L),
            ("1.", "I.3", C),
            ("2.", "I.3", C),
            ("3.", "I.3", C),
            ("4.", "I.3", C),
            ("4.", "I.4", L),
        ],
    ),
    # sections that both number from 1; `1) (b)` is question 1 answering "(b)".
    (
        "03_sections.md",
        SECTIONS,
        [
            ("Part I", "I.1", L),
            ("1)", "I.1", L),
            ("2)", "I.2", L),
            ("3)", "I.3", L),
            ("Part II", "II.1.a", L),
            ("1. (a)", "II.1.a", L),
            ("(b)", "II.1.b", L),
            ("(c)", "II.1.c", L),
            ("2 (a)", "II.2.a", L),
        ],
    ),
    # circled digits: parts of question 1 (numbered parts), then question markers.
    (
        "04_circled.md",
        CIRCLED,
        [
            ("①", "I.1.1", L),
            ("①", "I.1.1", L),
            ("②", "I.1.2", L),
            ("③", "I.1.3", L),
            ("②", "I.2", L),
            ("③", "I.3.a", L),
            ("ⓐ", "I.3.a", L),
            ("ⓑ", "I.3.b", L),
        ],
    ),
    # labels inside display math, \textcircled, bold question headers.
    (
        "05_latex.md",
        LATEX,
        [
            ("Question 1", "I.1.i", L),
            ("(i)", "I.1.i", L),
            ("(ii)", "I.1.ii", L),
            ("Question 2", "I.2.a", L),
            (r"\textcircled{a}", "I.2.a", L),
            (r"\textcircled{b}", "I.2.b", L),
            ("(c)", "I.2.c", L),
            ("Q3:", "I.3", L),
        ],
    ),
    # out of order, and a second attempt at 1(a) joined with the first.
    (
        "06_out_of_order.md",
        ORDER,
        [
            ("Q3 (b)", "I.3.b", L),
            ("Q1 (a)", "I.1.a", L),
            ("Q3 (a)", "I.3.a", L),
            ("(b)", "I.3.b", L),
            ("Q1(b)", "I.1.b", L),
            ("Q1 (a)", "I.1.a", L),
        ],
    ),
    # an empty answer under Q2, and Q9 (not in the exam) is unplaced: a human places it.
    (
        "07_missing.md",
        PLAIN,
        [("", None, P), ("Q1", "I.1", L), ("Q2", "I.2", L), ("Q9", None, U), ("Q3", "I.3", L)],
    ),
    # roman parts in Q1 (iii answered after iv); letter part (i) in Q2.
    (
        "08_roman.md",
        ROMAN,
        [
            ("1. (i)", "I.1.i", L),
            ("(ii)", "I.1.ii", L),
            ("(iv)", "I.1.iv", L),
            ("(iii)", "I.1.iii", L),
            ("2. (a)", "I.2.a", L),
            ("(b)", "I.2.b", L),
            ("(h)", "I.2.h", L),
            ("(i)", "I.2.i", L),
        ],
    ),
    # section letters, `Question A.1:`, `A-2)`, `Section B`, `Ques.`, `Part (a)`, `Ans 2`.
    (
        "09_keywords.md",
        LETTERED,
        [
            ("Question A.1:", "A.1", L),
            ("A-2)", "A.2", L),
            ("Section B", "B.1.a", L),
            ("Ques. 1", "B.1.a", L),
            ("Part (a)", "B.1.a", L),
            ("Part (b)", "B.1.b", L),
            ("Ans 2", "B.2", L),
        ],
    ),
    # OCR noise: `Q 1 )`, `Q.2`, a decimal, bold, list markers, `I. e.` is not section I.
    (
        "10_ocr_noise.md",
        NOISE,
        [
            ("Q 1 )", "I.1", L),
            ("Q.2", "I.2", L),
            ("2.5", "I.2", C),
            ("3.", "I.3.a", L),
            ("(a)", "I.3.a", L),
            ("(b)", "I.3.b", L),
            ("I. e.", "I.3.b", C),
            ("4)", "I.4", L),
        ],
    ),
    # indented numbered items are list items, even when a question has that number.
    (
        "11_indented.md",
        INDENT,
        [
            ("1 a)", "I.1.a", L),
            ("1.", "I.1.a", C),
            ("2.", "I.1.a", C),
            ("b)", "I.1.b", L),
            ("2)", "I.2", L),
            ("3.", "I.2", C),
            ("3)", "I.3", L),
        ],
    ),
    # indented letter parts under `2. a)`; letter lists inside answers (question 1 has no parts,
    # 3.a's list a), b) repeats the part it is in); a bare `4.` then indented a); an indented
    # numbered list; an indented mark that skips a part is text.
    (
        "12_indented_parts.md",
        BEN,
        [
            ("", None, P),
            ("1.", "I.1", L),
            ("a)", "I.1", C),
            ("b)", "I.1", C),
            ("2. a)", "I.2.a", L),
            ("b)", "I.2.b", L),
            ("3. a)", "I.3.a", L),
            ("a)", "I.3.a", C),
            ("b)", "I.3.a", C),
            ("b)", "I.3.b", L),
            ("c)", "I.3.c", L),
            ("4.", "I.4.a", L),
            ("a)", "I.4.a", L),
            ("b)", "I.4.b", L),
            ("5. a)", "I.5.a", L),
            ("1.", "I.5.a", C),
            ("2.", "I.5.a", C),
            ("b)", "I.5.b", L),
            ("6. a)", "I.6.a", L),
            ("c)", "I.6.a", C),
        ],
    ),
    # circled questions with roman parts: i, ii, iii are the 1st, 2nd, 3rd letter part; parts
    # named i, ii (Q4) and letter part i (Q6) are read as written; out of order (Q5); a roman
    # list inside 7.a; `① i.` on a question without parts is the question and text "i. 42".
    (
        "13_circled_roman.md",
        IVAN,
        [
            ("①", "I.1", L),
            ("② i.", "I.2.a", L),
            ("ii.", "I.2.b", L),
            ("iii.", "I.2.c", L),
            ("③ (i)", "I.3.a", L),
            ("(ii)", "I.3.b", L),
            ("④ i.", "I.4.i", L),
            ("ii.", "I.4.ii", L),
            ("⑤ ii)", "I.5.b", L),
            ("i)", "I.5.a", L),
            ("⑥ a)", "I.6.a", L),
            ("(h)", "I.6.h", L),
            ("(i)", "I.6.i", L),
            ("⑦ i.", "I.7.a", L),
            ("i.", "I.7.a", C),
            ("ii.", "I.7.a", C),
            ("(b)", "I.7.b", L),
        ],
    ),
]


@pytest.mark.parametrize("name, exam, expected", TRUTH, ids=[row[0] for row in TRUTH])
def test_every_piece_goes_where_expected(name: str, exam: Exam, expected: list) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    seg = segment(text, exam)
    assert [(p.label, p.address, p.how) for p in seg.pieces] == expected
    answers = seg.answers("s1")
    assert [a.address for a in answers] == [p.address for p in exam.parts()]
    for answer in answers:  # every span points into the script at that answer's text
        assert all(text[s:e].strip() for s, e in answer.spans)
        assert (answer.flag in (NO_ANSWER, NOT_ANSWERED)) == (answer.text == "")


@pytest.mark.parametrize(
    "name, exam, address, text",
    [
        ("01_q_style.md", SHORT, "I.2.a", "Learning rate A is too high!"),  # label cut off
        ("01_q_style.md", SHORT, "I.3", ""),  # never answered
        (
            "02_numbered_lists.md",
            LISTS,
            "I.3",
            "Steps:\n1. Compute the mean\n2. Subtract it\n3. Divide by the std\n4. Clip outliers",
        ),  # the list stays whole, numbers kept
        ("03_sections.md", SECTIONS, "I.1", "(b)"),  # the answer "(b)" is not a part label
        (
            "05_latex.md",
            LATEX,
            "I.1.ii",
            r"$$\left\lfloor \frac{28 + 2 - 4}{2} \right\rfloor + 1 = 14$$",
        ),  # $$ kept
        (
            "05_latex.md",
            LATEX,
            "I.2.b",
            r"$$\theta = \frac{1}{3} \begin{bmatrix} 1 \\ 1 \\ 1 \end{bmatrix}$$",
        ),  # $\circ$ gone
        ("05_latex.md", LATEX, "I.2.c", r"$$\theta^* = X^T (X X^T)^{-1} y$$"),  # \quad gone
        ("05_latex.md", LATEX, "I.3", "The min-norm solution."),  # bold and colon cut
        ("06_out_of_order.md", ORDER, "I.1.a", "0.36\n\nsecond attempt: 0.357"),  # two places
        (
            "06_out_of_order.md",
            ORDER,
            "I.3.b",
            "The bias term is unchanged.\n\nAlso, gamma only shifts the bias.",
        ),  # joined
        ("07_missing.md", PLAIN, "I.2", ""),  # Q9's text is unplaced, not I.2's answer
        (
            "09_keywords.md",
            LETTERED,
            "B.2",
            "PSD means:\nA matrix is PSD when all its eigenvalues are non-negative.",
        ),  # "A matrix" is not section A
        (
            "10_ocr_noise.md",
            NOISE,
            "I.2",
            "→  [32, 128, 26, 26]\n2.5 is what I got first but it is wrong",
        ),  # a decimal at a line start is text
        ("12_indented_parts.md", BEN, "I.1", "Both saturate:\n   a) sigmoid\n   b) tanh"),
        ("12_indented_parts.md", BEN, "I.2.b", "0.75"),  # indented label cut off
        (
            "12_indented_parts.md",
            BEN,
            "I.3.a",
            "Pooling comes in two kinds:\n   a) max pooling\n   b) average pooling",
        ),  # a letter list inside a part stays whole
        ("13_circled_roman.md", IVAN, "I.1", "i. 42"),  # no part to name: "i." is text
        ("13_circled_roman.md", IVAN, "I.2.a", "sigmoid saturates"),  # `② i.` cut off
        ("13_circled_roman.md", IVAN, "I.7.a", "two reasons:\ni. convex\nii. smooth"),
    ],
)
def test_answer_texts(name: str, exam: Exam, address: str, text: str) -> None:
    source = (FIXTURES / name).read_text(encoding="utf-8")
    answers = {a.address: a for a in segment(source, exam).answers("s1")}
    assert answers[address].text == text


@pytest.mark.parametrize(
    "text, exam, expected",
    [
        ("", PLAIN, []),  # empty script: no pieces
        ("   \n\n", PLAIN, []),  # blank script: no pieces
        ("no labels at all", PLAIN, [("", None, P)]),  # all preamble
        ("(b) not a part\nQ1 x", PLAIN, [("(b)", None, U), ("Q1", "I.1", L)]),  # unplaced
        # a question the exam does not have is unplaced, never the answer before it (e2e S1)
        (
            "Q1 F\nQ3 B\nQ7: fair quiz",
            PLAIN,
            [("Q1", "I.1", L), ("Q3", "I.3", L), ("Q7:", None, U)],
        ),
        ("Q1 F\nQuestion 9 extra", PLAIN, [("Q1", "I.1", L), ("Question 9", None, U)]),
        ("Q1 F\n7. a list item", PLAIN, [("Q1", "I.1", L), ("7.", "I.1", C)]),  # a bare number
        ("Q2 (c) 5", ORDER, [("Q2", "I.2", L)]),  # single-part Q2: "(c) 5" is the answer
        ("Q1 (c) 5", ORDER, [("Q1", "I.1.a", L)]),  # Q1 has no part c: the question only
        ("Q1 (a) 1\n(c) 2", ORDER, [("Q1 (a)", "I.1.a", L), ("(c)", "I.1.a", C)]),  # no part c
        (
            "Q3\n(a) x\n(a) again",
            ORDER,
            [("Q3", "I.3.a", L), ("(a)", "I.3.a", L), ("(a)", "I.3.a", C)],
        ),  # bare repeat: text
        ("Q1 (b) x\n(a) y", ORDER, [("Q1 (b)", "I.1.b", L), ("(a)", "I.1.a", L)]),  # skipped a
        ("A matrix is PSD\nA. yes", LETTERED, [("", None, P), ("A.", None, U)]),  # no sections
        ("---\nstudent: s1\n---\nQ1 x\n", PLAIN, [("Q1", "I.1", L)]),  # front matter skipped
        (
            "---\nstudent: s1\nbroken\n---\nQ1 x",
            PLAIN,
            [("", None, P), ("Q1", "I.1", L)],
        ),  # broken front matter: text, no error
        ("Q1 x\r\nQ2 y\r\n", PLAIN, [("Q1", "I.1", L), ("Q2", "I.2", L)]),  # CRLF
        (
            "Question 2\n1. first\n2. second",
            PLAIN,
            [("Question 2", "I.2", L), ("1.", "I.2", C), ("2.", "I.2", C)],
        ),  # list in answer
        ("Q1 x\n3. y", PLAIN, [("Q1", "I.1", L), ("3.", "I.3", L)]),  # bare forward jump
        ("Problem 3 z\nQ 1 y", PLAIN, [("Problem 3", "I.3", L), ("Q 1", "I.1", L)]),  # back
        (
            "## Q7 Optimizers\n(1) a\n(4) b\n③ c",
            CNN,
            [("Q7", "I.7.1", L), ("(1)", "I.7.1", L), ("(4)", "I.7.4", L), ("③", "I.7.3", L)],
        ),
        ("Q2 (b) x\n③ y", CNN, [("Q2 (b)", "I.2.b", L), ("③", "I.3", L)]),  # ③ as a question
        ("Q7\n③ y\n① z", CNN, [("Q7", "I.7.1", L), ("③", "I.7.3", L), ("①", "I.7.1", L)]),
        ("Q4\n③ y", CNN, [("Q4", "I.4", L), ("③", "I.4", C)]),  # never back to an earlier question
        ("Q3 (ii) x", ORDER, [("Q3 (ii)", "I.3.b", L)]),  # roman rank names letter part b
        ("Q2 (ii) x", ROMAN, [("Q2", "I.2.a", L)]),  # parts a..i: `ii` names no part, text
        ("Q1 (iv) x", ORDER, [("Q1", "I.1.a", L)]),  # Q1 has two parts: no 4th
        ("1. (ii) x", ROMAN, [("1. (ii)", "I.1.ii", L)]),  # parts named i..iv: as written
        ("③ iii) x", CNN, [("③", "I.3", L)]),  # Q3 has no parts: "iii) x" is the answer
        ("Q7 (i) a\n(iii) b", CNN, [("Q7 (i)", "I.7.1", L), ("(iii)", "I.7.3", L)]),  # digits
        (
            "Q2 x\n  (a) y\n  (b) z",
            ORDER,
            [("Q2", "I.2", L), ("(a)", "I.2", C), ("(b)", "I.2", C)],
        ),  # indented marks in a question without parts are text
        (
            "Q1\n  (a) x\n  (b) y",
            ORDER,
            [("Q1", "I.1.a", L), ("(a)", "I.1.a", L), ("(b)", "I.1.b", L)],
        ),  # `Q1` then indented parts in order
        (
            "Q1 (b) x\n  (a) y",
            ORDER,
            [("Q1 (b)", "I.1.b", L), ("(a)", "I.1.b", C)],
        ),  # an indented mark never goes back, even to a skipped part
        (
            "Q3 (a) x\n  4. y",
            ORDER,
            [("Q3 (a)", "I.3.a", L), ("4.", "I.3.a", C)],
        ),  # an indented number is a list item
        # the answer named by its question: 'Answer to Q1', 'Answer for question 2'
        (
            "Answer to Q1: x\nAnswer for question 2 y",
            PLAIN,
            [("Answer to Q1:", "I.1", L), ("Answer for question 2", "I.2", L)],
        ),
        ("Answer of Problem 3: z", PLAIN, [("Answer of Problem 3:", "I.3", L)]),
        ("Answer to the question: x", PLAIN, [("", None, P)]),  # no number: text
        # the part's keyword inside one label: 'Question 1 part (b)', 'Q3, part a'
        (
            "Question #1 part (a): x\nQuestion #1 part (b): y",
            ORDER,
            [("Question #1 part (a)", "I.1.a", L), ("Question #1 part (b)", "I.1.b", L)],
        ),
        (
            "Q3, part b y\nQ1 sub-part a x",
            ORDER,
            [("Q3, part b", "I.3.b", L), ("Q1 sub-part a", "I.1.a", L)],
        ),
        ("Q1 part of it is x", ORDER, [("Q1", "I.1.a", L)]),  # 'part of': no label after it
        # a number alone on a heading or bold line, or in bold of its own
        (
            "**1** x\n\n**3**\n(a) y",
            ORDER,
            [("1", "I.1.a", L), ("3", "I.3.a", L), ("(a)", "I.3.a", L)],
        ),
        ("__1__ x\n__2__ y", PLAIN, [("1", "I.1", L), ("2", "I.2", L)]),
        # 'P1:', 'P 3.', '#3', 'No. 2', 'Q1 - x', '(1). x': labels students write
        ("P1: x\nP2. y\nP 3: z", PLAIN, [("P1:", "I.1", L), ("P2.", "I.2", L), ("P 3:", "I.3", L)]),
        ("#3 tanh\nQ1 x\nQ2 y", PLAIN, [("#3", "I.3", L), ("Q1", "I.1", L), ("Q2", "I.2", L)]),
        ("No. 1 x\nNo. 2 y", PLAIN, [("No. 1", "I.1", L), ("No. 2", "I.2", L)]),
        ("Q1 - x\nQ2 => y\nQ3 -> z", PLAIN, [("Q1", "I.1", L), ("Q2", "I.2", L), ("Q3", "I.3", L)]),
        ("Q1 -\nx\nQ2 y", PLAIN, [("Q1", "I.1", L), ("Q2", "I.2", L)]),
        ("(1). x\n(2). y", PLAIN, [("(1)", "I.1", L), ("(2)", "I.2", L)]),
        # ... but not 'P' or 'No' before a number in a sentence
        ("Q1 x\nP 1 is the first\nQ2 y", PLAIN, [("Q1", "I.1", L), ("Q2", "I.2", L)]),
        ("Q1 x\nNo 2 is wrong\nQ2 y", PLAIN, [("Q1", "I.1", L), ("Q2", "I.2", L)]),
        ("## 2\nx\n## 3\n(b) y", ORDER, [("2", "I.2", L), ("3", "I.3.a", L), ("(b)", "I.3.b", L)]),
        ("__2__\nx", ORDER, [("2", "I.2", L)]),
        ("Q1 (a) x\n3\n", ORDER, [("Q1 (a)", "I.1.a", L)]),  # a plain `3` alone is an answer
        ("Q2 x\n**3 marks**\n", ORDER, [("Q2", "I.2", L)]),  # bold number with words: text
        # a compound label in one bracket, the word task, a part's rank after its question
        (
            "(1a) x\n[1.b] y\n(3 b) z",
            ORDER,
            [("(1a)", "I.1.a", L), ("[1.b]", "I.1.b", L), ("(3 b)", "I.3.b", L)],
        ),
        ("Q1 (a x\n(3b y", ORDER, [("Q1", "I.1.a", L)]),  # a bracket never closed: text
        ("Task 2: x\nTask 3a y", ORDER, [("Task 2:", "I.2", L), ("Task 3a", "I.3.a", L)]),
        (
            "1.1 x\n1.2 y\n3.2 z",
            ORDER,
            [("1.1", "I.1.a", L), ("1.2", "I.1.b", L), ("3.2", "I.3.b", L)],
        ),
        ("Q1\n1.3 x", ORDER, [("Q1", "I.1.a", L), ("1.3", "I.1.a", C)]),  # no third part
        ("Q1 (a) x\n2. y", ORDER, [("Q1 (a)", "I.1.a", L), ("2.", "I.2", L)]),  # alone: a question
        ("7.2 x", CNN, [("7.2", "I.7.2", L)]),  # parts named by numbers: as written
        # the next part after text on the same line
        ("Q1 (a) F  (b) T", ORDER, [("Q1 (a)", "I.1.a", L), ("(b)", "I.1.b", L)]),
        (
            "Q1\na) 0.25   b) 0.097",
            ORDER,
            [("Q1", "I.1.a", L), ("a)", "I.1.a", L), ("b)", "I.1.b", L)],
        ),
        ("Q1 (a) same as (a) above", ORDER, [("Q1 (a)", "I.1.a", L)]),  # not the next part
        ("Q1 (a) $f(x) = (b) x$ y", ORDER, [("Q1 (a)", "I.1.a", L)]),  # in math
        ("Q1 (a) x (b)y", ORDER, [("Q1 (a)", "I.1.a", L)]),  # no space after the mark: text
        ("Q2 x (b) y", ORDER, [("Q2", "I.2", L)]),  # a question without parts
        ("Q3 (b) x (a) y", ORDER, [("Q3 (b)", "I.3.b", L)]),  # never back, even to a skipped part
        # the next question after text on the same line, by its keyword and number
        ("Q1 (b) c   Q2: b", ORDER, [("Q1 (b)", "I.1.b", L), ("Q2:", "I.2", L)]),
        ("Q2 x  Question 3. y", ORDER, [("Q2", "I.2", L), ("Question 3.", "I.3.a", L)]),
        ("Q2 x  Q3) y  Q1: z", ORDER, [("Q2", "I.2", L), ("Q3)", "I.3.a", L)]),  # never back
        ("Q1 (a) x  Q3: y", ORDER, [("Q1 (a)", "I.1.a", L)]),  # not the next question: text
        ("Q1 (a) as in Q2 above", ORDER, [("Q1 (a)", "I.1.a", L)]),  # no ':' after it: text
        ("Q1 (a) $Q2: x$ y", ORDER, [("Q1 (a)", "I.1.a", L)]),  # in math
        # a question's number as a word
        (
            "Question One: x\nQuestion Two: y\nAnswer three. z",
            ORDER,
            [
                ("Question One", "I.1.a", L),
                ("Question Two", "I.2", L),
                ("Answer three", "I.3.a", L),
            ],
        ),
        ("Question one is about x", ORDER, [("", None, P)]),  # a sentence, not a label
        # a script typed in LaTeX: headings, bold and items around the labels
        (
            "\\section*{Question 1}\n\\begin{enumerate}\n"
            "\\item[(a)] x\n\\item[(b)] y\n\\end{enumerate}",
            ORDER,
            [("Question 1", "I.1.a", L), ("(a)", "I.1.a", L), ("(b)", "I.1.b", L)],
        ),
        (
            "\\noindent\\textbf{Q2} x\n\\subsection*{3(b)}: y",
            ORDER,
            [("Q2", "I.2", L), ("3(b)", "I.3.b", L)],
        ),
        ("Q2 x\n\\item y\n\\textbf{bold} z", ORDER, [("Q2", "I.2", L)]),  # no label in them
        # a part's letter after the question's number and a space or a spaced dash
        ("Ans 1 a x\nAns 1 b y", ORDER, [("Ans 1", "I.1.a", L), ("Ans 1 b", "I.1.b", L)]),
        ("Q3 b y", ORDER, [("Q3 b", "I.3.b", L)]),
        ("3 - b y", ORDER, [("3 - b", "I.3.b", L)]),
        ("Q1 a lot of text", ORDER, [("Q1", "I.1.a", L)]),  # 'a' is a word: Q1 lands on a anyway
        # label words in German, French and Spanish; 'Nr.' and 'n°' before the number
        (
            "Aufgabe 1\na) x\nb) y\nAufgabe 2\na) z",
            ORDER,
            [
                ("Aufgabe 1", "I.1.a", L),
                ("a)", "I.1.a", L),
                ("b)", "I.1.b", L),
                ("Aufgabe 2", "I.2", L),
                ("a)", "I.2", C),
            ],
        ),
        (
            "Frage 1: x\nPregunta 2: y\nExercice 3 : z",
            PLAIN,
            [("Frage 1:", "I.1", L), ("Pregunta 2:", "I.2", L), ("Exercice 3", "I.3", L)],
        ),
        (
            "Übung Nr. 1 x\nQuestion n°2 : y\nEjercicio 3. z",
            PLAIN,
            [("Übung Nr. 1", "I.1", L), ("Question n°2", "I.2", L), ("Ejercicio 3.", "I.3", L)],
        ),
        (
            "Antwort 3: z\nRéponse 2 : y\nLösung 1: x",
            PLAIN,
            [("Antwort 3:", "I.3", L), ("Réponse 2", "I.2", L), ("Lösung 1:", "I.1", L)],
        ),
        ("Teil B\n1 (a) x", LETTERED, [("Teil B", "B.1.a", L), ("1 (a)", "B.1.a", L)]),
        ("Q1 x\nSolve 3 equations\nQ2 y", PLAIN, [("Q1", "I.1", L), ("Q2", "I.2", L)]),
        # an answer's keyword before a part's mark: the part
        (
            "Q1\nAnswer (a): x\nAns (b): y",
            ORDER,
            [("Q1", "I.1.a", L), ("Answer (a)", "I.1.a", L), ("Ans (b)", "I.1.b", L)],
        ),
        # an answer's keyword naming its question goes anywhere, backwards too ...
        (
            "Solution 3: x\nAnswer 1: y\nAnswer to question 2 z",
            PLAIN,
            [
                ("Solution 3:", "I.3", L),
                ("Answer 1:", "I.1", L),
                ("Answer to question 2", "I.2", L),
            ],
        ),
        # ... but 'Ans 1' alone may be the answer itself: forward only
        ("Q3 x\nAns 1\nQ2 y", PLAIN, [("Q3", "I.3", L), ("Ans 1", "I.3", C), ("Q2", "I.2", L)]),
        ("Q3 (a) x\nAnswer (b) y", ORDER, [("Q3 (a)", "I.3.a", L), ("Answer (b)", "I.3.b", L)]),
        # marks on the lines of a code block or of display math are the answer's, never labels
        (
            "2. loop:\n```python\n1. x = 1\n2. y = 2\n```\n3. z",
            PLAIN,
            [("2.", "I.2", L), ("3.", "I.3", L)],
        ),
        ("1. x\n~~~\n(a) = 3\n~~~\n2. y", PLAIN, [("1.", "I.1", L), ("2.", "I.2", L)]),
        (
            "1. so\n$$\n(a) x = 1\\\\\n2. y\n$$\n2. w\n3. z",
            PLAIN,
            [("1.", "I.1", L), ("2.", "I.2", L), ("3.", "I.3", L)],
        ),
        (
            "1. so\n\\[\n(1) \\; a = b\n\\]\n2. w\n3. z",
            PLAIN,
            [("1.", "I.1", L), ("2.", "I.2", L), ("3.", "I.3", L)],
        ),
        (
            "Q1 so\n\\begin{align*}\n(2) &= b\n\\end{align*}\nQ2 w",
            PLAIN,
            [("Q1", "I.1", L), ("Q2", "I.2", L)],
        ),
        ("$$(ii) x = 1$$\n(a) y", ORDER, [("(ii)", "I.1.b", L), ("(a)", "I.1.a", L)]),  # one line
        # ... and a block never closed hides no label
        ("Q1 x\n```\nQ2 y\nQ3 z", PLAIN, [("Q1", "I.1", L), ("Q2", "I.2", L), ("Q3", "I.3", L)]),
    ],
)
def test_small_scripts(text: str, exam: Exam, expected: list) -> None:
    seg = segment(text, exam)
    assert [(p.label, p.address, p.how) for p in seg.pieces] == expected


def test_empty_script_flags_every_part() -> None:
    answers = segment("", SHORT).answers("s9")
    assert [a.address for a in answers] == ["I.1", "I.2.a", "I.2.b", "I.2.c", "I.3", "I.4"]
    assert all(a.text == "" and a.spans == () and a.flag == NO_ANSWER for a in answers)
    assert {a.student for a in answers} == {"s9"}


def test_pieces_cover_the_body_in_order() -> None:
    text = (FIXTURES / "02_numbered_lists.md").read_text(encoding="utf-8")
    pieces = segment(text, LISTS).pieces
    assert pieces[0].start == 0 and pieces[-1].end == len(text)
    assert all(a.end == b.start for a, b in itertools.pairwise(pieces))


@pytest.mark.parametrize(
    "overrides, expected, hows",
    [
        ({}, ["I.1", "I.2", None, "I.3"], [L, L, U, L]),  # automatic: Q9 is off the exam
        ({"Q9": "I.1"}, ["I.1", "I.2", "I.1", "I.3"], [L, L, "override", L]),  # stray Q9 to I.1
        ({"Q2": "I.3"}, ["I.1", "I.3", None, "I.3"], [L, "override", U, L]),  # Q9 still off it
        ({"Q9": "IX.9"}, ["I.1", "I.2", None, "I.3"], [L, L, U, L]),  # unknown address: ignored
        ({"Q9 c": "I.1"}, ["I.1", "I.2", None, "I.3"], [L, L, U, L]),  # no piece starts there
    ],
)
def test_overrides_move_pieces(
    overrides: dict[str, str], expected: list[str], hows: list[str]
) -> None:
    text = "Q1 a\nQ2 b\nQ9 c\nQ3 d\n"
    starts = {label: text.index(label) for label in ("Q1", "Q2", "Q9", "Q3")}
    starts["Q9 c"] = text.index("c\n")  # mid-piece: matches no piece
    seg = segment(text, PLAIN, overrides={starts[k]: v for k, v in overrides.items()})
    assert [p.address for p in seg.pieces] == expected
    assert [p.how for p in seg.pieces] == hows


def test_override_moves_text_between_answers() -> None:
    text = "Q1 a\nQ2 b\nQ3 c\n"
    seg = segment(text, PLAIN, overrides={text.index("Q3"): "I.2"})
    answers = {a.address: a for a in seg.answers("s")}
    assert answers["I.2"].text == "b\nc" and answers["I.3"].flag == NOT_ANSWERED
    assert seg.pieces[2].how == "override"


def test_preamble_can_be_overridden() -> None:
    seg = segment("my answer without a label\n(b) more", ORDER, overrides={0: "I.1.a"})
    assert [(p.address, p.how) for p in seg.pieces] == [("I.1.a", "override"), ("I.1.b", "label")]


@pytest.mark.parametrize(
    "text, identity, flag",
    [
        ("Q1 x\nQ2 y\n", (), NOT_ANSWERED),  # every piece went to a part: I.3 not answered
        ("Name: Ada Lovelace   Roll no: 17\n\nQ1 x\nQ2 y", (), NOT_ANSWERED),  # header fields
        ("Student: Alan Turing\nExam: ML midterm\n\nQ1 x\nQ2 y", (), NOT_ANSWERED),  # the same
        ("# ML midterm\n\n---\nQ1 x\nQ2 y", (), NOT_ANSWERED),  # a heading and a rule
        ("3 tanh\nQ1 x\nQ2 y", (), NO_ANSWER),  # a bare `3` and words: maybe the answer to 3
        ("Aisha Rahman\n\nQ1 x\nQ2 y", ("s1", "Aisha Rahman"), NOT_ANSWERED),  # the name
        ("Rahman, Aisha\nQ1 x\nQ2 y", ("s1", "Aisha Rahman"), NOT_ANSWERED),  # name reordered
        ("Ben Okafor   s1 — all of it\nQ1 x\nQ2 y", ("s1", ""), NOT_ANSWERED),  # the id line
        ("---\nstudent: s1\n---\nQ1 x\nQ2 y", (), NOT_ANSWERED),  # front matter
        ("Q1 x\nQ2\nQ3 z", (), NOT_ANSWERED),  # I.2 labelled but left empty
        ("Aisha Rahman\nQ1 x\nQ2 y", (), NO_ANSWER),  # a line nobody can place: review
        ("Aisha Rahman\nQ1 x\nQ2 y", ("s1", "Ada Lovelace"), NO_ANSWER),  # not this name
        ("tanh and sigmoid\nQ2 y", (), NO_ANSWER),  # unlabelled text may answer I.1 or I.3
        ("(b) stray\nQ1 x\nQ2 y", (), NO_ANSWER),  # an unplaced piece
        ("", (), NO_ANSWER),  # a blank script: nothing answered at all, a human looks
        ("Name: Ada Lovelace\n", (), NO_ANSWER),  # only a name: nothing answered either
        ("**First name:** Ada\nQ1 x\nQ2 y", (), NOT_ANSWERED),  # a bold header field
        ("Number: 42\nQ1 x\nQ2 y", (), NO_ANSWER),  # `number` alone is no header field
        ("Time: O(n log n)\nQ1 x\nQ2 y", (), NO_ANSWER),  # nor is `time`
        ("x = 12\nQ1 x\nQ2 y", ("12", ""), NO_ANSWER),  # a short numeric id is no evidence
        ("3. z\n\n1. x\n\n2. y", (), NO_ANSWER),  # `1.` `2.` after `3.`: a list, or 1 and 2?
        ("Q1 x\nQ3 z\nQ7: fair quiz", (), NO_ANSWER),  # an off-exam label is left unplaced
    ],
)
def test_missing_part_is_decided_only_when_nothing_is_left_unplaced(
    text: str, identity: tuple[str, ...], flag: str
) -> None:
    answers = segment(text, PLAIN, identity=identity).answers("s1")
    missing = {a.flag for a in answers if not a.text}
    assert missing == {flag}


@pytest.mark.parametrize(
    "text, flag",
    [
        ("Q1 (a) x\n(b) y\nQ2 z\n  i) F\n  ii) T", NO_ANSWER),  # `i) ii)` may be 3's a and b
        ("Q1 (a) x\n(b) y\nQ2 z\n  (a) F\n  (b) T", NO_ANSWER),  # so may `(a) (b)`
        ("Q1 (a) x\n(b) y\nQ2 z\n  1. first\n  2. second", NOT_ANSWERED),  # a list in 2
        ("Q1 (a) x\n(b) y\n  ii) z\nQ2 w", NOT_ANSWERED),  # an answered part in between
        # the question named with a colon inside the answer before it: maybe its answer
        ("Q1 (a) x\n(b) y\nQ2 z;Q3: T", NO_ANSWER),
        ("Q1 (a) x\n(b) y\nQ2 z,question 3) T", NO_ANSWER),
        ("Q1 (a) x\n(b) y\nQ2 as in Q3 of the homework", NOT_ANSWERED),  # named, no colon
        ("Q1 (a) x\n(b) y\nQ2 z;Q1: T", NOT_ANSWERED),  # another question named
    ],
)
def test_a_missing_part_whose_answer_may_lie_before_it_goes_to_review(text: str, flag: str) -> None:
    answers = {a.address: a for a in segment(text, ORDER).answers("s1")}
    assert {answers["I.3.a"].flag, answers["I.3.b"].flag} == {flag}


@pytest.mark.parametrize(
    "text, address, flag",
    [
        # a mark at a line's start read as text, anywhere in the script, may be this part's answer
        ("Q1 (a) x\nQ2 so\n(b) y\nQ3 z", "I.1.b", NO_ANSWER),  # `(b)` in 2, which has no b
        ("Q1 (a) x\n(b) y\nQ3 (a) z\n1. first\n2. second", "I.2", NO_ANSWER),  # or Q2's
        ("Q1 (a) x\n(b) y\nQ3 (a) z\n  1. first\n  2. second", "I.2", NOT_ANSWERED),  # indented
        ("Q1 (a) x\n(b) y\nQ3 (a) z\n(a) again", "I.2", NOT_ANSWERED),  # names 1.a, 3.a only
        ("Q1 (a) x\n(b) y\nQ3 (a) z\n2 tanh", "I.2", NO_ANSWER),  # a number and a word
        ("Q1 (a) x\n(b) y\nQ3 (a) z\n2 + 2 = 4", "I.2", NOT_ANSWERED),  # a sum: no answer to 2
        ("Q1 (a) x\nQ2 y\nQ3 (a) z\n1 more", "I.1.b", NOT_ANSWERED),  # 1's first part answered
    ],
)
def test_a_missing_part_named_by_a_mark_read_as_text_goes_to_review(
    text: str, address: str, flag: str
) -> None:
    answers = {a.address: a for a in segment(text, ORDER).answers("s1")}
    assert answers[address].flag == flag


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Q1 0.223\n\nPage 2 of 4\n", "0.223"),  # a footer is not the answer's last value
        ("Q1 0.223\n--- page 2 ---\nso 0.22\n", "0.223\nso 0.22"),
        ("Q1 x = 3\n- 2 -\n(continued)\ny = 4\n", "x = 3\ny = 4"),
        ("Q1 w = 5\nName: Ada Lovelace   Page 2\nw = 6\n", "w = 5\nw = 6"),  # the page's header
        ("Q1 w = 5\nAda Lovelace\n", "w = 5"),  # the student's name alone
        ("Q1 Page rank is 4\n", "Page rank is 4"),  # words about pages are an answer
        ("Q1 name: Bob\nstudent: s9\n", "name: Bob\nstudent: s9"),  # fields, no page mark
        ("Q1 2/4\n", "2/4"),  # a fraction, not a page count
        ("Q1 1\n", "1"),  # a number alone, though the student's id is s1
        ("Q1 Lovelace\n", "Lovelace"),  # one word of the name is no name line
    ],
)
def test_a_page_s_furniture_is_left_out_of_the_answer(text: str, expected: str) -> None:
    answers = {
        a.address: a for a in segment(text, PLAIN, identity=("s1", "Ada Lovelace")).answers("s1")
    }
    assert answers["I.1"].text == expected


def test_a_page_number_before_the_answers_leaves_nothing_unplaced() -> None:
    seg = segment("Page 1 of 3\n\nQ1 x\nQ2 y", PLAIN)
    assert seg.unplaced() == ""
    assert {a.flag for a in seg.answers("s1") if not a.text} == {NOT_ANSWERED}


BANK = make_exam({"I": {"1.1": "", "1.2": "", "2.1": ""}})


def test_questions_numbered_with_a_dot_are_found_by_their_number() -> None:
    """A question bank's versions drafted as questions '1.1', '1.2': 'Question 1.2', '2.1'."""
    text = "Question 1.1: True\nQuestion 1.2: False\n2.1 True\n"
    seg = segment(text, BANK)
    assert [(p.label, p.address) for p in seg.pieces] == [
        ("Question 1.1:", "I.1.1"),
        ("Question 1.2:", "I.1.2"),
        ("2.1", "I.2.1"),
    ]


# a part named in a table (regrade requests a course collected) -----------------------------

NAMED = make_exam(
    {"I": {"1": "", "2": "abc", "3": ""}, "II": {"4": "ab", "5": "i ii", "2": ""}, "B": {"7": ""}}
)


@pytest.mark.parametrize(
    "label, expected",
    [
        ("I.2.b", ("I.2.b",)),  # the address as written
        ("i.2.B", ("I.2.b",)),  # the address in another case
        ("  I.2.b ", ("I.2.b",)),  # spaces around, from a spreadsheet cell
        ("4a", ("II.4.a",)),  # glued
        ("4.a", ("II.4.a",)),  # dotted
        ("4-a", ("II.4.a",)),  # dashed
        ("4 a", ("II.4.a",)),  # spaced
        ("Q4 (a)", ("II.4.a",)),  # as students write it
        ("q4b", ("II.4.b",)),  # short keyword, lower case
        ("4(b)", ("II.4.b",)),  # bracketed part glued on
        ("4b)", ("II.4.b",)),  # closing bracket only
        ("4b.", ("II.4.b",)),  # a trailing dot
        ("Question 4 part b", ("II.4.b",)),  # spelled out in a form
        ("Question 4, Part (b)", ("II.4.b",)),  # with a comma and brackets
        ("II 4 a", ("II.4.a",)),  # section first, spaced
        ("Section II question 4 part a", ("II.4.a",)),  # everything spelled out
        ("5.ii", ("II.5.ii",)),  # a roman part as written
        ("Q5 (ii)", ("II.5.ii",)),  # a roman part bracketed
        ("1", ("I.1",)),  # a question without parts is its one part
        ("Q3", ("I.3",)),  # the same, with a keyword
        ("7", ("B.7",)),  # a question of a lettered section
        ("4", ("II.4.a", "II.4.b")),  # a question with parts: ambiguous
        ("II.4", ("II.4.a", "II.4.b")),  # a section and a question with parts: ambiguous
        ("2", ("I.2.a", "I.2.b", "I.2.c", "II.2")),  # the number in two sections: ambiguous
        ("I.2", ("I.2.a", "I.2.b", "I.2.c")),  # the section says which 2; still three parts
        ("II.2", ("II.2",)),  # the address of II's question 2 (no parts)
        ("2c", ("I.2.c",)),  # only I.2 has a part c
        ("4c", ()),  # question 4 has no part c
        ("9", ()),  # no question 9
        ("b", ()),  # a part with no question
        ("", ()),  # nothing written
        ("see my email", ()),  # prose, not a label
        ("4a and 4b", ()),  # two parts in one cell: not one label
    ],
)
def test_parts_named_by_a_label(label: str, expected: tuple[str, ...]) -> None:
    assert parts_named(NAMED, label) == expected


@pytest.mark.parametrize(
    "pages, expected",
    [
        # the course and the student atop every page: no part of the answer it interrupts
        (
            ["Quiz 3 - Ana Lima (s9)\nQ1 x\nQ2 Answer: B", "Quiz 3 - Ana Lima (s9)\nQ3 z"],
            {"I.1": "x", "I.2": "Answer: B", "I.3": "z"},
        ),
        # ... below every page, its number in it
        (
            ["Q1 x\nQ2 0.5\nANA LIMA s9 sheet 1", "so 0.25\nQ3 z\nANA LIMA s9 sheet 2"],
            {"I.1": "x", "I.2": "0.5\n\f\nso 0.25", "I.3": "z"},
        ),
        # a label atop every page is the page's answer, never furniture
        (["Q1\nx\nQ2 y", "Q3\nz"], {"I.1": "x", "I.2": "y", "I.3": "z"}),
        # one page: nothing repeats
        (["Quiz 3 - Ana Lima\nQ1 x\nQ2 y\nQ3 z"], {"I.1": "x", "I.2": "y", "I.3": "z"}),
    ],
)
def test_a_line_atop_every_page_is_no_answer(pages: list[str], expected: dict[str, str]) -> None:
    seg = segment("\n\f\n".join(pages), PLAIN)
    assert {a.address: a.text for a in seg.answers("s9")} == expected
