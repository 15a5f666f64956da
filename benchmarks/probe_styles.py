"""Exam papers in many styles with known truth, drafted and compared: where `exam draft` is
too narrow before a user finds out.

Each style writes the same kind of exam the way instructors do (Markdown headings of every
level, bold labels, numbered lists, points in a table or at the end of a line, parts (a) / a) /
(i) / 1.1 / sub-headings, solutions inline, in <details>, in an answer key at the end; plain
LaTeX and the exam class; plain text), from seeded random exams whose questions, parts, marks
and keys are known. Per style it counts what was found, marks and keys right, and the SILENT
misses: a part lost without the draft's notes saying a question was missed, a mark or key
drafted with the wrong value, a part drafted that the paper does not have.

    .venv/bin/python benchmarks/probe_styles.py            # the table
    .venv/bin/python benchmarks/probe_styles.py -v STYLE   # each miss of one style
    .venv/bin/python benchmarks/probe_styles.py --write DIR STYLE  # the papers, to look at
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_draft import _SAYS_LEFT_OUT, _parts_of  # benchmarks/, beside this file
from ruamel.yaml import YAML

from gradewise.exam.draft import DocumentError, draft_exam, render
from gradewise.exam.draft.agree import same_key
from gradewise.exam.draft.unplaced import says_missed

# --- the exam, with its truth --------------------------------------------------------------


@dataclass
class Item:
    """A question without parts, or one part: what it asks and its answer."""

    marks: int
    prompt: str
    kind: str  # open, choice, tf, numeric
    options: list[str] = field(default_factory=list)
    correct: int = 0
    value: Any = None  # True/False or a number
    solution: str = ""  # the worked answer of an open item


@dataclass
class Question:
    number: int
    item: Item  # the question's own text (and answer when it has no parts)
    parts: list[Item] = field(default_factory=list)

    @property
    def marks(self) -> int:
        return sum(p.marks for p in self.parts) if self.parts else self.item.marks


_OPEN = [
    (
        "Explain why the median is less affected by outliers than the mean.",
        "The median depends only on the middle value, so one extreme value moves it little.",
    ),
    (
        "Prove that the sum of two odd integers is even.",
        "Write them as 2m+1 and 2n+1; the sum 2(m+n+1) is even.",
    ),
    (
        "Describe two differences between a process and a thread.",
        "Threads share an address space; processes do not. Switching threads is cheaper.",
    ),
    (
        "Sketch the graph of y = |x - 1| and mark its minimum.",
        "A V shape with its vertex at (1, 0).",
    ),
    (
        "Discuss the trade-off between bias and variance in choosing a polynomial degree.",
        "Higher degree lowers bias but raises variance; choose by validation error.",
    ),
    (
        "Give an example of a function that is continuous but not differentiable at zero.",
        "f(x) = |x| is continuous at 0 but has a corner there.",
    ),
    (
        "State the central limit theorem in your own words.",
        "Means of many independent draws are approximately normally distributed.",
    ),
    (
        "Why does quicksort degrade to quadratic time on sorted input with a first-element pivot?",
        "Every partition splits off one element, giving n levels of linear work.",
    ),
    (
        "Write a short argument that there are infinitely many primes.",
        "If finitely many, their product plus one has a prime factor not in the list.",
    ),
    (
        "Compare a hash table with a balanced search tree for storing a dictionary.",
        "Hash tables give constant expected lookups; trees keep keys in order (log cost).",
    ),
    (
        "Derive the formula for the area of a circle from integration.",
        "Integrate 2 pi r dr from 0 to R to get pi R^2.",
    ),
    (
        "Interpret the slope in a simple linear regression of income on years of schooling.",
        "Each extra year of schooling is associated with that change in expected income.",
    ),
]

# Prompts that hold what could be read as marks, labels or questions of their own.
_TRAPS = [
    (
        "A quiz has 10 questions worth 2 points each. Explain why the total score is a discrete "
        "random variable.",
        "It takes only the values 0, 2, ..., 20.",
    ),
    (
        "Consider the points (1, 2) and (4, 6) in the plane. Describe how to find the distance "
        "between them.",
        "Use the Pythagorean theorem on the differences 3 and 4.",
    ),
    (
        "The algorithm below runs in three steps:\n\n1. Sort the list.\n2. Take the middle "
        "element.\n3. Return it.\n\nWhat does the algorithm compute?",
        "The median of the list.",
    ),
    (
        "In a class of 30 students, 12 (40%) passed the first test. Discuss whether this is "
        "evidence that the test was too hard.",
        "One class is a small sample; compare with earlier years.",
    ),
    (
        "Show that f(x) = x^3 - x has three real roots [hint: factor it].",
        "x^3 - x = x(x - 1)(x + 1), with roots -1, 0 and 1.",
    ),
    (
        "Recall Question 2 of the homework (a proof by induction). Explain what goes wrong if "
        "the base case is left out.",
        "The chain of implications never starts.",
    ),
    (
        "Write a function `mean(xs)` in Python.\n\n```python\ndef mean(xs):\n    # 1. add up\n"
        "    # 2. divide\n    ...\n```",
        "return sum(xs) / len(xs)",
    ),
    (
        "Each of the (a) rows and (b) columns of the table below holds a count. Explain what the "
        "margins mean.",
        "The row and column totals.",
    ),
]

_CHOICE = [
    ("Which of the following numbers is prime?", ["21", "27", "29", "33"], 2),
    (
        "Which data structure gives constant expected time lookups by key?",
        ["A linked list", "A hash table", "A binary heap", "A stack"],
        1,
    ),
    (
        "Which measure of spread is least affected by one extreme value?",
        ["The range", "The variance", "The interquartile range", "The standard deviation"],
        2,
    ),
    (
        "Which sorting algorithm is stable?",
        ["Merge sort", "Heap sort", "Quicksort", "Selection sort"],
        0,
    ),
    ("Which planet is closest to the sun?", ["Venus", "Mercury", "Mars", "Earth"], 1),
    ("Which of these is the derivative of sin x?", ["cos x", "-cos x", "-sin x", "tan x"], 0),
    (
        "Which layer of the network stack routes packets between networks?",
        ["The link layer", "The transport layer", "The application layer", "The network layer"],
        3,
    ),
]

_TF = [
    ("Every square matrix is invertible.", False),
    ("The sum of two even integers is even.", True),
    ("A binary search needs the list to be sorted.", True),
    ("The correlation coefficient can be larger than one.", False),
    ("Every continuous function on a closed interval attains a maximum.", True),
    ("Doubling every value in a data set doubles its variance.", False),
]


def _numeric(rng: random.Random) -> tuple[str, Any, str]:
    """A question with a number for an answer: (prompt, value, a line of working)."""
    pick = rng.randrange(6)
    a, b, c = rng.randint(2, 9), rng.randint(2, 9), rng.randint(2, 9)
    if pick == 0:
        return (
            f"A fair coin is tossed {a} times. How many outcomes are possible?",
            2**a,
            f"Each toss doubles the count: 2^{a} = {2**a}.",
        )
    if pick == 1:
        s = a + b + c + (-(a + b + c) % 3)
        return (
            f"Compute the mean of the numbers {a}, {b} and {s - a - b}.",
            s // 3,
            f"({a} + {b} + {s - a - b}) / 3 = {s // 3}.",
        )
    if pick == 2:
        return (
            f"How many edges does a complete graph on {a + 2} vertices have?",
            (a + 2) * (a + 1) // 2,
            f"{a + 2} choose 2 = {(a + 2) * (a + 1) // 2}.",
        )
    if pick == 3:
        return (
            f"A train covers {a * b * 10} km in {a} hours. What is its average speed in km/h?",
            b * 10,
            f"{a * b * 10} / {a} = {b * 10}.",
        )
    if pick == 4:
        return (
            "A fair coin is tossed twice. What is the probability of two heads?",
            0.25,
            "1/2 * 1/2 = 0.25.",
        )
    return (f"Evaluate the integral of 2x from 0 to {a}.", a * a, f"x^2 from 0 to {a} is {a * a}.")


def _item(rng: random.Random, kind: str, marks: int, traps: bool = False) -> Item:
    if kind == "choice":
        prompt, options, correct = rng.choice(_CHOICE)
        return Item(marks, prompt, kind, list(options), correct)
    if kind == "tf":
        prompt, value = rng.choice(_TF)
        return Item(marks, prompt, kind, value=value)
    if kind == "numeric":
        prompt, value, working = _numeric(rng)
        return Item(marks, prompt, kind, value=value, solution=working)
    prompt, solution = rng.choice(_OPEN + _TRAPS if traps else _OPEN)
    return Item(marks, prompt, kind, solution=solution)


def make_exam(
    seed: int,
    *,
    parts: bool = True,
    kinds: tuple[str, ...] = ("open", "choice", "tf", "numeric"),
    traps: bool = False,
) -> list[Question]:
    """Three to six questions; some with two to four parts (open or numeric)."""
    rng = random.Random(seed)

    questions = []
    for number in range(1, rng.randint(3, 6) + 1):
        if parts and rng.random() < 0.4:
            question = Question(number, Item(0, rng.choice(_INTROS), "open"))
            for _ in range(rng.randint(2, 4)):
                question.parts.append(
                    _item(rng, rng.choice(("open", "numeric")), rng.randint(1, 8), traps)
                )
        else:
            question = Question(number, _item(rng, rng.choice(kinds), rng.randint(2, 15), traps))
        questions.append(question)
    return questions


_INTROS = [
    "Answer the following about the data set described in class.",
    "This question is about counting and probability.",
    "Consider the function and the algorithm below.",
    "The following parts are independent of each other.",
]

# --- writing it in a style ------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """How one paper writes its questions, parts, marks, options and answers."""

    head: str  # the question's line, with {n} {m} {p} (number, marks, prompt)
    part: str = "({l}) {p} ({m} points)"  # {l} label, {m} marks, {p} prompt, {n} question
    labels: str = "abc"  # abc, ABC, roman, num (1.1)
    option: str = "{L}. {o}"  # {L} A B C, {l} a b c, {o} option text
    solution: str = "**Solution:** {s}"  # with {s}; "" for none; "KEY" for a key section
    key_section: str = "## Answer key\n\n{rows}"  # {rows} written by key_rows
    key_rows: str = "list"  # list: one per line; line: all on one line; table
    ext: str = "md"
    table: bool = False  # marks in a table at the start, not on the heading
    tf_prompt: str = "True or false: {p}"
    section: str = ""  # a heading over each half of the paper, with {t} (A, B) and {m} (total)


def _roman(i: int) -> str:
    return ["i", "ii", "iii", "iv", "v", "vi"][i]


def _label(style: Style, n: int, i: int) -> tuple[str, str]:
    """(label written on the paper, the part's id in the truth)."""
    if style.labels == "roman":
        return _roman(i), _roman(i)
    if style.labels == "num":
        return f"{n}.{i + 1}", str(i + 1)
    if style.labels == "ABC":
        return "ABCDEF"[i], "abcdef"[i]
    return "abcdef"[i], "abcdef"[i]


def _answer_text(item: Item, style: Style) -> str:
    if item.kind == "choice":
        return "ABCD"[item.correct] if "{L}" in style.option else "abcd"[item.correct]
    if item.kind == "tf":
        return "True" if item.value else "False"
    if item.kind == "numeric":
        return str(item.value)
    return item.solution


def _key(item: Item) -> dict[str, Any] | None:
    if item.kind == "choice":
        return {"kind": "choice", "correct": ["abcd"[item.correct]]}
    if item.kind == "tf":
        return {"kind": "truefalse", "value": item.value}
    if item.kind == "numeric":
        return {"kind": "numeric", "value": item.value}
    return None


def _body(item: Item, style: Style) -> list[str]:
    """The item's options (if any) and its inline solution."""
    out = []
    if item.kind == "choice":
        out += [""] + [
            style.option.format(L="ABCD"[i], l="abcd"[i], o=o) for i, o in enumerate(item.options)
        ]
    if style.solution and style.solution != "KEY":
        out += ["", style.solution.format(s=_answer_text(item, style))]
    return out


def _prompt(item: Item, style: Style) -> str:
    return style.tf_prompt.format(p=item.prompt) if item.kind == "tf" else item.prompt


def write_markdown(exam: list[Question], style: Style) -> str:
    lines = ["# Midterm examination", "", "Answer all questions. Show your work.", ""]
    if style.table:
        lines += ["| Question | Points |", "|---|---|"]
        lines += [f"| {q.number} | {q.marks} |" for q in exam]
        lines += [f"| Total | {sum(q.marks for q in exam)} |", ""]
    for q in exam:
        if style.section and q.number in (1, len(exam) // 2 + 1):
            half = exam[: len(exam) // 2] if q.number == 1 else exam[len(exam) // 2 :]
            title = "A" if q.number == 1 else "B"
            lines += [style.section.format(t=title, m=sum(x.marks for x in half)), ""]
        own = q.item
        first, _, rest = _prompt(own, style).partition("\n")
        lines += [style.head.format(n=q.number, m=q.marks, p=first), ""]
        if "{p}" not in style.head:
            lines += [first, ""]
        lines += [rest, ""] if rest else []
        if not q.parts:
            lines += [*_body(own, style), ""]
            continue
        for i, part in enumerate(q.parts):
            label, _ = _label(style, q.number, i)
            first, _, rest = _prompt(part, style).partition("\n")
            lines += [style.part.format(l=label, m=part.marks, p=first, n=q.number)]
            lines += ["", rest] if rest else []
            lines += [*_body(part, style), ""]
    if style.solution == "KEY":
        lines += [style.key_section.format(rows=_key_rows(exam, style)), ""]
    return "\n".join(lines)


def _key_rows(exam: list[Question], style: Style) -> str:
    entries = []
    for q in exam:
        if q.parts:
            for i, part in enumerate(q.parts):
                if part.kind != "open":
                    entries.append((f"{q.number}{_label(style, q.number, i)[1]}", part))
        elif q.item.kind != "open":
            entries.append((str(q.number), q.item))
    if style.key_rows == "table":
        rows = ["| Question | Answer |", "|---|---|"]
        return "\n".join(rows + [f"| {a} | {_answer_text(it, style)} |" for a, it in entries])
    written = [f"{a}. {_answer_text(it, style)}" for a, it in entries]
    return "  ".join(written) if style.key_rows == "line" else "\n".join(written)


def truth(exam: list[Question], style: Style, *, keys: bool = True) -> dict[str, dict[str, Any]]:
    """The expected parts by address, with marks and (where the paper states it) the key."""
    out: dict[str, dict[str, Any]] = {}
    for q in exam:
        items = (
            [(f"{q.number}.{_label(style, q.number, i)[1]}", p) for i, p in enumerate(q.parts)]
            if q.parts
            else [(str(q.number), q.item)]
        )
        for address, item in items:
            want: dict[str, Any] = {"marks": item.marks}
            key = _key(item) if keys and style.solution else None
            if key is not None:
                want["key"] = key
            out[address] = want
    return out


# --- LaTeX ---------------------------------------------------------------------------------


def write_exam_class(exam: list[Question], variant: str, seed: int) -> str:
    """The exam document class, in several of its ways."""
    pre = [r"\documentclass[addpoints,answers]{exam}", r"\usepackage{amsmath}"]
    if variant == "qformat":
        pre.append(r"\qformat{\textbf{Question \thequestion} (\thepoints)\hfill}")
    if variant == "rightmargin":
        pre.append(r"\pointsinrightmargin")
    lines = [
        *pre,
        r"\begin{document}",
        r"\begin{center}Final Exam\end{center}",
        r"\begin{questions}",
    ]
    for q in exam:
        head = rf"\question[{q.marks}]"
        if variant == "titled":
            head = rf"\titledquestion{{Topic {q.number}}}[{q.marks}]"
        lines += [head + " " + _tex(_prompt(q.item, _TEXSTYLE))]
        if q.parts:
            lines.append(r"\begin{parts}")
            for part in q.parts:
                lines.append(rf"\part[{part.marks}] " + _tex(_prompt(part, _TEXSTYLE)))
                lines += _tex_answer(part, variant)
            lines.append(r"\end{parts}")
        else:
            lines += _tex_answer(q.item, variant)
        lines.append("")
    lines += [r"\end{questions}", r"\end{document}", ""]
    return "\n".join(lines)


_TEXSTYLE = Style(head="")


def _tex(text: str) -> str:
    return text.replace("%", r"\%").replace("&", r"\&").replace("_", r"\_")


def _tex_answer(item: Item, variant: str) -> list[str]:
    if item.kind == "choice":
        env = "oneparchoices" if variant == "onepar" else "choices"
        out = [rf"\begin{{{env}}}"]
        for i, o in enumerate(item.options):
            out.append((r"\CorrectChoice " if i == item.correct else r"\choice ") + o)
        return [*out, rf"\end{{{env}}}"]
    if item.kind == "tf":
        return [
            r"\begin{choices}",
            r"\CorrectChoice True" if item.value else r"\choice True",
            r"\choice False" if item.value else r"\CorrectChoice False",
            r"\end{choices}",
        ]
    if item.kind == "numeric" and variant == "fillin":
        return [rf"Answer: \fillin[{item.value}]"]
    env = "solutionorbox" if variant == "solutionorbox" else "solution"
    text = str(item.value) if item.kind == "numeric" else item.solution
    return [rf"\begin{{{env}}}", _tex(text), rf"\end{{{env}}}"]


def exam_class_truth(exam: list[Question], variant: str) -> dict[str, dict[str, Any]]:
    """True/false written as two choices is drafted as a true/false key, as it should be."""
    return truth(exam, _TEXSTYLE)


def write_plain_tex(exam: list[Question], variant: str) -> str:
    """Plain LaTeX (article): \\section* per problem, a bold label, or one enumerate."""
    lines = [r"\documentclass{article}", r"\begin{document}", r"\section*{Final examination}", ""]
    if variant == "enumerate":
        lines.append(r"\begin{enumerate}")
    for q in exam:
        prompt = _tex(_prompt(q.item, _TEXSTYLE))
        if variant == "section":
            lines += [rf"\section*{{Problem {q.number} ({q.marks} points)}}", prompt]
        elif variant == "textbf":
            lines += [rf"\noindent\textbf{{Question {q.number}.}} ({q.marks} points) {prompt}"]
        else:
            lines += [rf"\item ({q.marks} points) {prompt}"]
        if q.parts:
            lines.append(r"\begin{enumerate}")
            for i, part in enumerate(q.parts):
                lines.append(rf"\item[({'abcdef'[i]})] [{part.marks} points] " + _tex(part.prompt))
            lines.append(r"\end{enumerate}")
        elif q.item.kind == "choice":
            lines.append(r"\begin{enumerate}")
            lines += [rf"\item[({'abcd'[i]})] {o}" for i, o in enumerate(q.item.options)]
            lines.append(r"\end{enumerate}")
        lines += [r"\par", ""]
    if variant == "enumerate":
        lines.append(r"\end{enumerate}")
    lines += [r"\end{document}", ""]
    return "\n".join(lines)


# --- the styles -----------------------------------------------------------------------------

MD: dict[str, Style] = {
    "md-h2-problem-[10 pts]": Style("## Problem {n} [{m} pts]"),
    "md-h3-question-em-dash-points": Style("### Question {n} — {m} points"),
    "md-h1-question-(marks)": Style("# Question {n} ({m} marks)", part="{l}) {p} ({m} marks)"),
    "md-h4-Qn-(points)": Style("#### Q{n} ({m} points)"),
    "md-bold-question-inline": Style("**Question {n}.** ({m} marks) {p}"),
    "md-Qn.-prompt-[m]": Style("Q{n}. {p} [{m}]", part="({l}) {p} [{m}]", labels="roman"),
    "md-numbered-(points)": Style("{n}. {p} ({m} points)", part="   ({l}) {p} ({m} points)"),
    "md-n)-(marks)-prompt": Style("{n}) ({m} marks) {p}", part="({l}) ({m} marks) {p}"),
    "md-end-slash": Style("{n}. {p} /{m}", part="({l}) {p} /{m}"),
    "md-(nP)": Style("**Exercise {n}** ({m}P)", part="{l}) {p} ({m}P)"),
    "md-Punkte": Style("## Aufgabe {n} ({m} Punkte)", part="({l}) {p} ({m} Punkte)"),
    "md-{m pts}": Style("### Exercise {n} {{{m} pts}}", part="({l}) {p} {{{m} pts}}"),
    "md-em-dash-marks-end": Style("**{n}.** {p} — {m} marks", part="({l}) {p} — {m} marks"),
    "md-points-table": Style("## Question {n}", table=True, part="({l}) {p} [{m}]"),
    "md-bold-problem-[points]": Style("**Problem {n}** [{m} points]"),
    "md-parts-1.1": Style("## Question {n} ({m} marks)", part="{l} {p} ({m} marks)", labels="num"),
    "md-parts-A.": Style("## Question {n} ({m} marks)", part="{l}. {p} ({m} marks)", labels="ABC"),
    "md-parts-subheading": Style(
        "## Problem {n} ({m} points)", part="### ({l}) [{m} points]\n\n{p}"
    ),
    "md-parts-list-item": Style("{n}. {p} ({m} pts)", part="- ({l}) ({m} pts) {p}"),
    "md-opts-(a)": Style("## Question {n} [{m} points]", option="({l}) {o}"),
    "md-opts-checkbox": Style("## Question {n} [{m} points]", option="- [ ] {o}"),
    "md-opts-A)": Style("## Question {n} [{m} points]", option="{L}) {o}"),
    "md-sol-quote-answer": Style("## Question {n} ({m} points)", solution="> Answer: {s}"),
    "md-sol-details": Style(
        "## Question {n} ({m} points)",
        solution="<details>\n<summary>Answer</summary>\n\n{s}\n\n</details>",
    ),
    "md-sol-paragraph": Style("## Question {n} ({m} points)", solution="Solution. {s}"),
    "md-key-section-list": Style("## Question {n} ({m} points)", solution="KEY"),
    "md-key-section-line": Style("## Question {n} ({m} points)", solution="KEY", key_rows="line"),
    "md-key-section-table": Style("## Question {n} ({m} points)", solution="KEY", key_rows="table"),
    "md-no-solutions": Style("## Question {n} ({m} points)", solution=""),
    "txt-question-(marks)": Style(
        "Question {n} ({m} marks)",
        part="({l}) {p} ({m} marks)",
        option="{L}) {o}",
        solution="Answer: {s}",
        ext="txt",
    ),
}

# The axes a mixture draws from: each paper one of each.
HEADS = [
    "## Problem {n} [{m} pts]",
    "### Question {n} — {m} points",
    "# Question {n} ({m} marks)",
    "#### Q{n} ({m} points)",
    "**Question {n}.** ({m} marks) {p}",
    "Q{n}. {p} [{m}]",
    "{n}. {p} ({m} points)",
    "{n}) ({m} marks) {p}",
    "{n}. {p} /{m}",
    "**Exercise {n}** ({m}P)",
    "## Aufgabe {n} ({m} Punkte)",
    "### Exercise {n} {{{m} pts}}",
    "**{n}.** {p} — {m} marks",
    "**Problem {n}** [{m} points]",
    "## {n}. {p} ({m} marks)",
    "**Q{n}** ({m} pts)",
    "Question {n} [{m} marks]",
    "### Problem {n} ({m} points)",
    "**{n}.** ({m} points) {p}",
    "## Question {n}: {p} ({m} pts)",
    "Problem {n}. ({m} points) {p}",
    "### Task {n} ({m} P.)",
    "## Question {n} (worth {m} points)",
    "**Question {n}** _({m} marks)_",
]
PARTS = [
    "({l}) {p} ({m} points)",
    "{l}) {p} ({m} marks)",
    "({l}) [{m} pts] {p}",
    "({l}) {p} [{m}]",
    "{l}. {p} ({m} pts)",
    "- ({l}) ({m} pts) {p}",
    "**({l})** {p} ({m} points)",
    "### ({l}) [{m} points]\n\n{p}",
    "**Part {l}** ({m} marks) {p}",
    "({l}) ({m}) {p}",
    "   {l}. {p} /{m}",
    "({l}) {p} — {m} marks",
    "{l}) [{m}P] {p}",
    "*({l})* {p} *({m} points)*",
]
LABELS = ["abc", "abc", "ABC", "roman", "num"]
OPTIONS = ["{L}. {o}", "({l}) {o}", "- [ ] {o}", "{L}) {o}", "- {L}. {o}", "{l}) {o}", "({L}) {o}"]
SOLUTIONS = [
    "**Solution:** {s}",
    "> Answer: {s}",
    "<details>\n<summary>Answer</summary>\n\n{s}\n\n</details>",
    "Solution. {s}",
    "KEY",
    "",
    "**Answer:** {s}",
    "*Answer:* {s}",
    "Answer: {s}",
    "**Solution.** {s}",
    "> **Solution:** {s}",
    "_Solution:_ {s}",
    "Ans: {s}",
]
SECTIONS = ["", "", "# Part {t} ({m} points)", "## Section {t} [{m} marks]", "**Part {t}**"]


def mixture(seed: int) -> tuple[str, Style]:
    rng = random.Random(1000 + seed)
    head, part, labels = rng.choice(HEADS), rng.choice(PARTS), rng.choice(LABELS)
    option, solution, section = rng.choice(OPTIONS), rng.choice(SOLUTIONS), rng.choice(SECTIONS)
    rows = rng.choice(["list", "line", "table"])
    style = Style(
        head,
        part,
        labels,
        option,
        solution,
        key_rows=rows,
        section=section,
        table=rng.random() < 0.15,
    )
    name = " ~ ".join([head, part, labels, option, solution or "none", section or "-", rows])
    return name, style


TEX = ["plain", "qformat", "rightmargin", "titled", "onepar", "fillin", "solutionorbox"]
PLAIN_TEX = ["section", "textbf", "enumerate"]


def papers(seeds: range) -> dict[str, list[tuple[str, str, dict[str, dict[str, Any]]]]]:
    """Per style: (text, extension, truth) for each seed."""
    out: dict[str, list[tuple[str, str, dict[str, dict[str, Any]]]]] = {}
    for name, style in MD.items():
        out[name] = []
        for seed in seeds:
            exam = make_exam(seed)
            out[name].append((write_markdown(exam, style), style.ext, truth(exam, style)))
    out["mix"] = []
    out["mix+traps"] = []
    for seed in seeds:
        _, style = mixture(seed)
        exam = make_exam(seed)
        out["mix"].append((write_markdown(exam, style), style.ext, truth(exam, style)))
        exam = make_exam(seed, traps=True)
        out["mix+traps"].append((write_markdown(exam, style), style.ext, truth(exam, style)))
    for variant in TEX:
        out[f"tex-exam-{variant}"] = [
            (write_exam_class(exam, variant, seed), "tex", exam_class_truth(exam, variant))
            for seed in seeds
            for exam in [make_exam(seed)]
        ]
    for variant in PLAIN_TEX:
        out[f"tex-plain-{variant}"] = [
            (write_plain_tex(exam, variant), "tex", truth(exam, _TEXSTYLE, keys=False))
            for seed in seeds
            for exam in [make_exam(seed, kinds=("open", "choice", "numeric"))]
        ]
    return out


# --- comparing ------------------------------------------------------------------------------


@dataclass
class Count:
    papers: int = 0
    parts: int = 0
    found: int = 0
    marks: int = 0
    keyed: int = 0
    keys: int = 0
    silent: int = 0  # lost without a note, or a wrong value, or a part the paper lacks
    listed: int = 0  # lost, and the draft's notes say something was missed
    misses: list[str] = field(default_factory=list)

    def row(self, name: str) -> str:
        def pct(n: int, d: int) -> str:
            return f"{n}/{d}" if d else "—"

        return (
            f"| {name} | {self.papers} | {pct(self.found, self.parts)} | "
            f"{pct(self.marks, self.parts)} | {pct(self.keys, self.keyed)} | "
            f"{self.listed} | {self.silent} |"
        )


def compare(text: str, ext: str, want: dict[str, dict[str, Any]], count: Count, tag: str) -> None:
    count.papers += 1
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"paper.{ext}"
        path.write_text(text)
        try:
            draft = draft_exam([path])
            tree = YAML(typ="safe").load(render(draft))
        except DocumentError as exc:
            tree, draft = {}, None
            count.misses.append(f"{tag}: refused: {exc}")
        except Exception as exc:  # a crash is a finding
            tree, draft = {}, None
            count.misses.append(f"{tag}: CRASH {type(exc).__name__}: {exc}")
    got = _parts_of(tree)
    noted = draft is not None and any(
        says_missed(n.value) or any(s in n.value for s in _SAYS_LEFT_OUT) for n in draft.notes
    )
    for address, expected in want.items():
        count.parts += 1
        count.keyed += "key" in expected
        drafted = got.get(address)
        if drafted is None:
            if noted or draft is None:
                count.listed += 1
                count.misses.append(f"{tag}: {address} missing (listed)")
            else:
                count.silent += 1
                count.misses.append(f"{tag}: {address} missing SILENTLY")
            continue
        count.found += 1
        if drafted["marks"] == expected["marks"]:
            count.marks += 1
        elif drafted["marks"] is not None:
            count.silent += 1
            count.misses.append(f"{tag}: {address} marks {drafted['marks']} != {expected['marks']}")
        else:
            count.misses.append(f"{tag}: {address} marks none (want {expected['marks']})")
        if "key" in expected:
            if same_key(expected["key"], drafted["key"]):
                count.keys += 1
            elif drafted["key"] is not None:
                count.silent += 1
                count.misses.append(f"{tag}: {address} key {drafted['key']} != {expected['key']}")
            else:
                count.misses.append(f"{tag}: {address} key none (want {expected['key']})")
    for address, prompt in _prompts(tree):
        if _LEAK.search(prompt):  # a solution left where students read it
            count.silent += 1
            count.misses.append(f"{tag}: {address} LEAK in prompt: {prompt[-80:]!r}")
    for address in _extra(tree, want):
        count.silent += 1
        count.misses.append(f"{tag}: EXTRA {address}")


_LEAK = re.compile(r"Solution|Answer\s*:|Ans:|<details>|answer key", re.I)


def _prompts(tree: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for section in tree.get("sections") or []:
        for question in section.get("questions") or []:
            qid = str(question["id"])
            out.append((qid, question.get("prompt") or ""))
            out += [
                (f"{qid}.{p['id']}", p.get("prompt") or "") for p in question.get("parts") or []
            ]
    return out


def _extra(tree: dict[str, Any], want: dict[str, Any]) -> list[str]:
    out = []
    for section in tree.get("sections") or []:
        for question in section.get("questions") or []:
            qid = str(question["id"])
            parts = [f"{qid}.{p['id']}" for p in question.get("parts") or []] or [qid]
            out += [a for a in parts if a not in want]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-v", "--verbose", metavar="STYLE", default=None)
    parser.add_argument("--write", nargs=2, metavar=("DIR", "STYLE"))
    parser.add_argument("--seeds", type=int, default=4)
    args = parser.parse_args()
    all_papers = papers(range(args.seeds))
    if args.write:
        folder = Path(args.write[0])
        folder.mkdir(parents=True, exist_ok=True)
        name = next(n for n in all_papers if args.write[1] in n)
        for i, (text, ext, want) in enumerate(all_papers[name]):
            (folder / f"paper{i}.{ext}").write_text(text)
            with (folder / f"paper{i}.truth.yaml").open("w") as out:
                YAML().dump(want, out)
        return
    total = Count()
    print("| style | papers | found | marks right | keys right | missed, listed | SILENT |")
    print("|---|---|---|---|---|---|---|")
    for name, group in all_papers.items():
        if args.verbose and args.verbose not in name:
            continue
        count = Count()
        for i, (text, ext, want) in enumerate(group):
            tag = f"{name}#{i}" + (f" [{mixture(i)[0]}]" if name.startswith("mix") else "")
            compare(text, ext, want, count, tag)
        print(count.row(name))
        if args.verbose:
            print("\n".join("    " + m for m in count.misses))
        for name_ in ("papers", "parts", "found", "marks", "keyed", "keys", "silent", "listed"):
            setattr(total, name_, getattr(total, name_) + getattr(count, name_))
    print(total.row("all"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
