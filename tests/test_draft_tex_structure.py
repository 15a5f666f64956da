"""How papers number and lay out their questions when it is not '1. 2. 3.' under one heading:
a paper printing only some of its questions ('2.', '3.', '6.'), parts labelled in math
('$(ii)$'), a proof that answers each part in turn ('Proof. (a) ...')."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import drafted_questions, drafted_tree, part_marks
from gradewise.exam.draft import draft_exam
from gradewise.exam.draft import patterns as p


def _tex(body: str) -> str:
    return "\\documentclass{article}\n\\begin{document}\n" + body + "\\end{document}\n"


SKIPPING_MD = """\
2. (10 points) Show that a compact subset of a metric space is closed.

3. (10 points) Show that every convex function on an open interval is continuous.

6. (10 points) Prove that a uniformly convergent sequence of continuous functions has a
continuous limit.
"""

SKIPPING_TEX = _tex(
    r"""
\textbf{4.} \textbf{(8 points)} Compute the derivative of $x \mapsto x^x$.

\textbf{5.} (12 points) State and prove the mean value theorem.

\textbf{9.} [6 marks] Give a function that is continuous everywhere and differentiable nowhere.
"""
)

# A list inside a question that skips a number says no marks before its words: the question's.
SKIPPED_ITEM_IN_QUESTION = """\
1. (6 points) Answer the following.

3. Why is the empty set open?
"""

# Numbers going back are never a question of their own without a heading or a restart.
BACKWARDS = """\
4. (5 points) Define a Cauchy sequence.

2. (5 points) Define a complete space.
"""


@pytest.mark.parametrize(
    "text, name, expected",
    [
        (SKIPPING_MD, "paper.md", {"2": 10, "3": 10, "6": 10}),
        (SKIPPING_TEX, "paper.tex", {"4": 8, "5": 12, "9": 6}),
        ("7. (3 pts) What is 2 + 2?\n\n8. (2 pts) What is 3 + 3?\n", "p.md", {"7": 3, "8": 2}),
        (SKIPPED_ITEM_IN_QUESTION, "paper.md", {"1": 6}),
        (BACKWARDS, "paper.md", {"4": 5}),
    ],
)
def test_numbering_that_starts_late_or_skips(
    tmp_path: Path, text: str, name: str, expected: dict[str, int]
) -> None:
    questions = drafted_questions(tmp_path, text, name)
    assert {qid: q.get("marks") for qid, q in questions.items()} == expected


MATH_LABELS = _tex(
    r"""
\textbf{2.} (10 points) Let $F_k$ be closed sets with the finite intersection property.

{a} (5 points) If every $F_k$ is compact, is their intersection empty?

{b} (5 points) If the sets in {a} are only closed, does the same hold?
"""
)


@pytest.mark.parametrize(
    "first, second, parts",
    [
        ("$(i)$", "$(ii)$", {"i": 5, "ii": 5}),
        (r"\((a)\)", r"\((b)\)", {"a": 5, "b": 5}),
        ("$( a )$", "$( b )$", {"a": 5, "b": 5}),
        ("(a)", "(b)", {"a": 5, "b": 5}),  # written plainly, as before
    ],
)
def test_a_part_label_set_in_math_opens_the_part(
    tmp_path: Path, first: str, second: str, parts: dict[str, int]
) -> None:
    text = MATH_LABELS.replace("{a}", first).replace("{b}", second)
    question = drafted_questions(tmp_path, text, "paper.tex")["2"]
    assert part_marks(question) == parts
    assert first in question["parts"][1]["prompt"]  # mid-sentence it stays math


def test_math_that_is_no_label_stays_in_the_prompt(tmp_path: Path) -> None:
    text = _tex("\\textbf{1.} (4 points) Solve for $x$:\n\n$(x+1)$ equals $(2)$ when?\n")
    question = drafted_questions(tmp_path, text, "paper.tex")["1"]
    assert "parts" not in question
    assert "$(x+1)$ equals $(2)$ when?" in question["prompt"]


PROOF_BY_PARTS = """\
1. (10 points) Let F be a family of nonempty closed sets.

(a) (5 points) Prove the first claim.

(b) (5 points) Prove the second claim.

{label} (a) Suppose the contrary; then the cover has a finite subcover.
It follows at once.

(b) Take the sets F_k = [k, infinity).
"""


@pytest.mark.parametrize("label", ["Proof.", "Proof:", "Solution:", "Solution."])
def test_a_proof_answering_each_part_in_turn(tmp_path: Path, label: str) -> None:
    """Nothing of the first part's answer is lost when it starts on the label's line."""
    question = drafted_questions(tmp_path, PROOF_BY_PARTS.format(label=label))["1"]
    references = {part["id"]: part.get("reference", "") for part in question["parts"]}
    assert references["a"].startswith("Suppose the contrary")
    assert "It follows at once." in references["a"]
    assert references["b"].startswith("Take the sets")
    assert part_marks(question) == {"a": 5, "b": 5}


@pytest.mark.parametrize(
    "line, reference",
    [
        ("Proof. By induction on n.", "By induction on n."),
        ("Proof: By induction on n.", "By induction on n."),
        ("Proofs of the claims are due Friday.", None),  # a sentence, no label
    ],
)
def test_a_proof_label_starts_the_solution(
    tmp_path: Path, line: str, reference: str | None
) -> None:
    text = f"1. (4 points) Show that $2^n > n$ for all $n$.\n\n{line}\n"
    assert drafted_questions(tmp_path, text)["1"].get("reference") == reference


THEOREM_PROBLEMS = r"""\documentclass{article}
{preamble}\begin{document}
\begin{problem}
Let $A$ and $B$ be nonempty bounded sets of reals. Prove or disprove:
\begin{enumerate}{options}
\item (10 points) If $A \subseteq B$ then $\sup A \le \sup B$.
\item (6 points) If $\sup A < \sup B$ then $A \subseteq B$.
\end{enumerate}
\end{problem}

\begin{problem}
(30 points) Prove that a closed subset of a compact set is compact.
\end{problem}
\end{document}
"""
THEOREM = "\\newtheorem{problem}{Problem}\n"


@pytest.mark.parametrize(
    "preamble, options, parts",
    [
        (THEOREM, "", {"1": 10, "2": 6}),  # LaTeX prints the list 1. 2.: Problem 1.2
        (THEOREM, "[nosep]", {"1": 10, "2": 6}),  # spacing only
        (THEOREM.replace("{Problem}", "{Exercise}[section]"), "", {"1": 10, "2": 6}),
        (THEOREM, "[(a)]", {"a": 10, "b": 6}),  # the enumerate package's label
        (THEOREM, "[label=(\\alph*)]", {"a": 10, "b": 6}),  # enumitem's
        (THEOREM + "\\renewcommand{\\labelenumi}{(\\alph{enumi})}\n", "", {"a": 10, "b": 6}),
        ("", "", {"a": 10, "b": 6}),  # Ximera's problem environment: parts by position
    ],
)
def test_a_theorem_problems_list_is_numbered_as_printed(
    tmp_path: Path, preamble: str, options: str, parts: dict[str, int]
) -> None:
    text = THEOREM_PROBLEMS.replace("{preamble}", preamble).replace("{options}", options)
    questions = drafted_questions(tmp_path, text, "paper.tex")
    assert list(questions) == ["1", "2"]  # the list's items are never questions of their own
    assert part_marks(questions["1"]) == parts
    assert questions["2"]["marks"] == 30


EXAM_LIST = r"""\documentclass{exam}
\begin{document}
\begin{questions}
\question[20] Write down what each program prints.
\begin{enumerate}{options}
\item {first} \verb|print(7 // 2)|
\item {second} \verb|print(len("abc"))|
\end{enumerate}
\question Answer these.
\begin{parts}
\part[4] Name two kinds of loop.
\begin{enumerate}
\item (2 pts) the first
\item (2 pts) the second
\end{enumerate}
\part[3] Name a third.
\end{parts}
\end{questions}
\end{document}
"""


@pytest.mark.parametrize(
    "options, first, second, parts",
    [
        ("", "(12 pts)", "(8 pts)", {"1": 12, "2": 8}),  # printed 1. 2.: parts 1.1, 1.2
        ("", "\\textbf{(12 points)}", "\\emph{(8 points)}", {"1": 12, "2": 8}),
        ("[(a)]", "(12 pts)", "(8 pts)", {"a": 12, "b": 8}),  # printed (a) (b)
        ("", "(12 pts)", "", {"1": 12, "2": 8}),  # one with points: parts; 8 of the 20 left
        ("", "", "", {}),  # no points: the question's own list, in its prompt
    ],
)
def test_an_exam_class_questions_list_with_points_holds_its_parts(
    tmp_path: Path, options: str, first: str, second: str, parts: dict[str, int | None]
) -> None:
    text = EXAM_LIST.replace("{options}", options)
    text = text.replace("{first}", first).replace("{second}", second)
    questions = drafted_questions(tmp_path, text, "paper.tex")
    assert list(questions) == ["1", "2"]
    assert part_marks(questions["1"]) == parts
    if not parts:
        assert "print(len" in questions["1"]["prompt"]
    # a list inside a \part is that part's text, never parts of the question
    assert part_marks(questions["2"]) == {"a": 4, "b": 3}


ONE_PART_EXAM = r"""\documentclass{exam}
\begin{document}
\begin{questions}
\titledquestion{Transport}
\begin{parts}
\part[8] A host sends 12 segments of 1 KB over a 1 Mbps link. How long does it take?
\end{parts}
\titledquestion{Routing}
\begin{parts}
\part[3] Name two routing protocols.
\part[2] Which of them is a distance-vector protocol?
\end{parts}
\end{questions}
\end{document}
"""


@pytest.mark.parametrize(
    "text, name, parts, marks",
    [
        (ONE_PART_EXAM, "paper.tex", {"a": 8}, 8),  # one \part: the question's part (a)
        ("## Question 5\n\nPart (a) (8 marks)\n\nHow long does it take?\n", "p.md", {"a": 8}, 8),
        # '(a)' alone: its marks are the question's
        ("## Question 5\n\n(a) (8 marks) How long does it take?\n", "p.md", {}, 8),
        # the question states its marks: '(a)' alone is only its prompt's label
        ("## Question 5 (8 marks)\n\nPart (a) (8 marks)\n\nHow long?\n", "p.md", {}, 8),
        ("## Question 5 (8 marks)\n\n(a) How long does it take?\n", "p.md", {}, 8),
    ],
)
def test_a_question_of_one_lettered_part(
    tmp_path: Path, text: str, name: str, parts: dict[str, int], marks: int | None
) -> None:
    question = next(iter(drafted_questions(tmp_path, text, name).values()))
    assert part_marks(question) == parts
    drafted = question.get("marks")
    if parts:
        drafted = sum(parts.values()) if drafted is None else drafted
    assert drafted == marks


@pytest.mark.parametrize(
    "stem, first, second, parts",
    [
        # the stem asks to choose: the items are its options
        ("Which of the following is prime?", "4", "7", []),
        ("Identify the distribution of $X$.", "Normal", "Gamma", []),
        # the words that ask to choose are an item's own task: the items are parts
        ("Let $X$ be Gamma.", "Find the pdf of $Y$; identify it.", "Find $E[Y]$.", ["a", "b"]),
        ("", "Select a prior for $p$.", "Compute its posterior mean.", ["a", "b"]),
        ("Let $X$ be Gamma.", "Find the pdf of $Y$.", "Find $E[Y]$.", ["a", "b"]),
    ],
)
def test_words_asking_to_choose_are_read_in_the_stem_only(
    tmp_path: Path, stem: str, first: str, second: str, parts: list[str]
) -> None:
    text = f"## Problem 1\n\n{stem}\n\n(a) {first}\n(b) {second}\n"
    question = drafted_questions(tmp_path, text)["1"]
    assert list(part_marks(question)) == parts


COUNTED_MD = """\
# Midterm

## Short questions {first}

1. What is sampling bias?
2. Name two data models.
3. What is overfitting?

## Longer questions {second}

1. Explain k-means clustering.
2. Describe one approach to entity resolution.
"""

COUNTED_TEX = _tex(
    r"""
\section*{Short questions {first}}
\begin{enumerate}
\item What is sampling bias?
\item Name two data models.
\item What is overfitting?
\end{enumerate}
\section*{Longer questions {second}}
\begin{enumerate}
\item Explain k-means clustering.
\item Describe one approach to entity resolution.
\end{enumerate}
"""
)


@pytest.mark.parametrize("paper, name", [(COUNTED_MD, "paper.md"), (COUNTED_TEX, "paper.tex")])
@pytest.mark.parametrize(
    "first, second, sections",
    [
        # each heading counts its questions and their marks: a section of its own
        (
            "(3 questions - 2 pt each)",
            "(2 questions - 5 pt each)",
            [{"1": 2, "2": 2, "3": 2}, {"1": 5, "2": 5}],
        ),
        (
            "(3 questions, 2 points each)",
            "(2 questions: 5 marks each)",
            [{"1": 2, "2": 2, "3": 2}, {"1": 5, "2": 5}],
        ),
    ],
)
def test_a_heading_counting_its_questions_opens_a_section(
    tmp_path: Path, paper: str, name: str, first: str, second: str, sections: list[Any]
) -> None:
    text = paper.replace("{first}", first).replace("{second}", second)
    tree = drafted_tree(tmp_path, text, name)
    drafted = [{str(q["id"]): q.get("marks") for q in s["questions"]} for s in tree["sections"]]
    assert drafted == sections
    assert [s["id"] for s in tree["sections"]] == ["I", "II"]


@pytest.mark.parametrize(
    "text, marks, bonus",
    [
        ("(20 points + 10pt bonus!)", 20, 10),
        ("(5 marks + 2 extra credit)", 5, 2),
        ("[8 pts + 2 pts bonus]", 8, 2),
        ("(20 points)", 20, None),
        ("(20 points + 10 points)", None, None),  # two sums without 'bonus': not one mark
    ],
)
def test_bonus_marks_on_top_of_a_questions_own(
    text: str, marks: float | None, bonus: float | None
) -> None:
    assert p.marks_one(text) == marks
    assert p.bonus_marks(text) == bonus


@pytest.mark.parametrize("name", ["paper.md", "paper.tex"])
def test_a_questions_bonus_is_named_at_the_top_of_the_draft(tmp_path: Path, name: str) -> None:
    heading = "Question 2 (20 points + 10pt bonus!)"
    body = "Write a function that reverses a list."
    text = (
        _tex(f"\\section*{{{heading}}}\n{body}\n")
        if name.endswith(".tex")
        else f"## {heading}\n\n{body}\n"
    )
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    draft = draft_exam([path])
    assert drafted_questions(tmp_path, text, name)["2"]["marks"] == 20
    assert any("10 bonus marks" in note.value for note in draft.notes)


MATCHING_TEX = r"""\documentclass{exam}
\begin{document}
\begin{questions}
\section{Definitions}
\question Which of these is a version control system?
\begin{choices}
\choice git
\CorrectChoice{} mercurial
\end{choices}
\section{Tools}
\uplevel{Match each task to the tool that does it.}
\begin{oneparchoices}
\choice grep
\choice sed
\choice make
\choice tar
\choice ssh
\choice diff
\choice cron
\choice less
\choice wc
\end{oneparchoices}
\question Search a file for a pattern. \answerline[{first}]
\question Build a program from its sources. \answerline[C]
\question Count the lines of a file. \answerline[{last}]
\end{questions}
\end{document}
"""

MATCHING_MD = """\
# Tools

Match each task to the tool that does it.

- [ ] grep
- [ ] sed
- [ ] make
- [ ] tar
- [ ] ssh
- [ ] diff
- [ ] cron
- [ ] less
- [ ] wc

Question 1. Search a file for a pattern.
Answer: {first}

Question 2. Build a program from its sources.
Answer: C

Question 3. Count the lines of a file.
Answer: {last}
"""


@pytest.mark.parametrize(
    "paper, name, ids",
    [(MATCHING_TEX, "paper.tex", ["2", "3", "4"]), (MATCHING_MD, "paper.md", ["1", "2", "3"])],
)
@pytest.mark.parametrize(
    "first, last, keys",
    [
        ("A", "I", [["a"], ["c"], ["i"]]),  # 'I': the ninth option
        ("F", "I", [["f"], ["c"], ["i"]]),  # 'F': option f, as its siblings, not False
        ("B", "E", [["b"], ["c"], ["e"]]),
    ],
)
def test_options_listed_above_questions_answered_by_letters_are_theirs(
    tmp_path: Path, paper: str, name: str, ids: list[str], first: str, last: str, keys: list[Any]
) -> None:
    text = paper.replace("{first}", first).replace("{last}", last)
    questions = drafted_questions(tmp_path, text, name)
    assert list(questions)[-3:] == ids
    for qid, correct in zip(ids, keys, strict=True):
        key = questions[qid]["key"]
        assert key["kind"] == "choice"
        assert key["correct"] == correct
        assert list(key["options"].values())[:3] == ["grep", "sed", "make"]
        assert questions[qid]["prompt"].startswith("Match each task")
    if name.endswith(".tex"):  # the question before the heading keeps its own options only
        assert questions["1"]["prompt"] == "Which of these is a version control system?"
        assert questions["1"]["key"]["options"] == {"a": "git", "b": "mercurial"}


@pytest.mark.parametrize(
    "keys, expected",
    [
        # siblings answered by letters other than T and F: a lone 'F' is option f
        (["D", "F", "A"], [["d"], ["f"], ["a"]]),
        # true/false answers: 'F' is False
        (["T", "F", "T"], [True, False, True]),
        # a 'T' among the letters: 'F' may be False, and stays so
        (["B", "F", "T"], [["b"], False, True]),
    ],
)
def test_a_lone_f_among_letter_answers(
    tmp_path: Path, keys: list[str], expected: list[Any]
) -> None:
    text = "".join(
        f"Question {n}. Statement number {n} about tools.\nAnswer: {key}\n\n"
        for n, key in enumerate(keys, start=1)
    )
    questions = drafted_questions(tmp_path, text)
    for n, want in enumerate(expected, start=1):
        key = questions[str(n)].get("key") or {}
        got = key.get("correct") if key.get("kind") == "choice" else key.get("value")
        assert got == want


def test_options_no_question_takes_are_named(tmp_path: Path) -> None:
    text = "# Setup\n\n- [ ] I have read the rules\n- [ ] I have a pencil\n\n# Questions\n\n"
    text += "Question 1. What is 2 + 2?\nAnswer: 4\n"
    path = tmp_path / "paper.md"
    path.write_text(text, encoding="utf-8")
    draft = draft_exam([path])
    assert any("I have read the rules" in note.value for note in draft.notes)
    assert drafted_questions(tmp_path, text)["1"]["key"] == {"kind": "numeric", "value": 4}


@pytest.mark.parametrize(
    "heading, prompt",
    [
        # a top heading is the paper's next part: the question before ends there
        ("# Arithmetic", "What is 2 + 2?"),
        # a deeper heading may be the question's own ('## Hint'): it stays in its text
        ("## Hint", "What is 2 + 2?\n\n## Hint\n\nCount on your fingers."),
    ],
)
def test_a_top_heading_ends_the_question_before_it(
    tmp_path: Path, heading: str, prompt: str
) -> None:
    text = f"Question 1. What is 2 + 2?\n\n{heading}\n\nCount on your fingers.\n\n"
    text += "Question 2. What is 3 + 3?\n"
    questions = drafted_questions(tmp_path, text)
    assert questions["1"]["prompt"] == prompt
    assert questions["2"]["prompt"] == "What is 3 + 3?"


@pytest.mark.parametrize(
    "line, marks, noted",
    [
        ("- Extra credit: plot it with a trend line (2.5 points).", 10, True),
        ("- Plot it too and receive an extra 2.5 points.", 10, True),
        ("Name a second cause for (3 bonus points).", 10, True),
        ("Explain the shape of the plot. (4 points)", 4, False),  # the task's own marks
        ("Compute the bonus paid to 3 workers. (4 points)", 4, False),  # a word of the task
    ],
)
def test_extra_credit_is_never_a_questions_marks(
    tmp_path: Path, line: str, marks: int, noted: bool
) -> None:
    text = "Each task below is worth 10 points.\n\n## Task 1: Skew\n\n"
    text += f"Describe the distribution of the delays.\n\n{line}\n\n## Task 2: Means\n\nFind it.\n"
    path = tmp_path / "paper.md"
    path.write_text(text, encoding="utf-8")
    notes = [note.value for note in draft_exam([path]).notes]
    questions = drafted_questions(tmp_path, text)
    assert questions["1"]["marks"] == marks
    assert questions["2"]["marks"] == 10
    assert any("extra credit" in note for note in notes) == noted


@pytest.mark.parametrize(
    "written, prompt",
    [
        ("What does `print(2 ** 3)` print?", "What does `print(2 ** 3)` print?"),
        ("What does `__init__` do?", "What does `__init__` do?"),
        ("What is **bold** here?", "What is bold here?"),  # emphasis outside code goes
        ("Is **`x ** 2`** even?", "Is `x ** 2` even?"),
    ],
)
def test_emphasis_marks_inside_code_are_code(tmp_path: Path, written: str, prompt: str) -> None:
    questions = drafted_questions(tmp_path, f"Question 1. {written} (2 points)\n")
    assert questions["1"]["prompt"] == prompt


GROUPS_MD = """\
# Quiz

## Short answers

1. What is a set? {short}
2. What is a map? {short}

## Long answers
{intro}
1. Prove the first claim. {long}
2. Prove the second claim. {long}
"""

GROUPS_TEX = _tex(
    r"""
\section*{Short answers}
\begin{enumerate}
\item What is a set? {short}
\item What is a map? {short}
\end{enumerate}
\section*{Long answers}
{intro}
\begin{enumerate}
\item Prove the first claim. {long}
\item Prove the second claim. {long}
\end{enumerate}
"""
)


@pytest.mark.parametrize("paper, name", [(GROUPS_MD, "paper.md"), (GROUPS_TEX, "paper.tex")])
@pytest.mark.parametrize(
    "short, long, intro",
    [
        ("(2 points)", "(5 points)", ""),
        ("[2 marks]", "[5 marks]", ""),
        ("(2 points)", "(5 points)", "\nAnswer both in full.\n"),  # its words lead question 1
        ("(2 points)", "", ""),  # the first list's marks say it holds questions
    ],
)
def test_a_heading_over_a_list_numbered_again_opens_a_section(
    tmp_path: Path, paper: str, name: str, short: str, long: str, intro: str
) -> None:
    """Never the last question's text, never dropped: each list its own section."""
    text = paper.replace("{short}", short).replace("{long}", long).replace("{intro}", intro)
    tree = drafted_tree(tmp_path, text, name)
    sections = [[str(q["id"]) for q in s["questions"]] for s in tree["sections"]]
    assert sections == [["1", "2"], ["1", "2"]]
    assert tree["sections"][1]["title"] == "Long answers"
    first, second = tree["sections"][0]["questions"], tree["sections"][1]["questions"]
    assert first[1]["prompt"] == "What is a map?"
    assert second[0]["prompt"].endswith("Prove the first claim.")
    assert ("Answer both" in second[0]["prompt"]) == bool(intro)


TWO_LISTS = """\
# Midterm

{first_heading}

1. {first}
2. {second}

## Questions

1. Explain k-means clustering.
2. Describe one approach to entity resolution.
"""


@pytest.mark.parametrize(
    "first_heading, first, second, sections, noted",
    [
        # a list under a heading of its own, without marks: questions, a section each
        ("## Short questions", "What is sampling bias?", "What is overfitting?", 2, False),
        ("## Warm-up", "Define a metric.", "Define a norm.", 2, False),
        # a list under an instructions heading: read as instructions, and said so
        ("## Instructions", "Write your name on every page.", "No calculators.", 1, True),
        ("## Before you begin", "Turn off your phone.", "Use a pen.", 1, True),
        # no heading over the first list: instructions as before
        ("", "Write your name on every page.", "No calculators.", 1, True),
    ],
)
def test_a_first_list_under_its_own_heading_is_questions(
    tmp_path: Path, first_heading: str, first: str, second: str, sections: int, noted: bool
) -> None:
    text = TWO_LISTS.format(first_heading=first_heading, first=first, second=second)
    path = tmp_path / "paper.md"
    path.write_text(text, encoding="utf-8")
    notes = [note.value for note in draft_exam([path]).notes]
    tree = drafted_tree(tmp_path, text)
    drafted = [[q["prompt"] for q in s["questions"]] for s in tree["sections"]]
    assert len(drafted) == sections
    assert drafted[-1] == [
        "Explain k-means clustering.",
        "Describe one approach to entity resolution.",
    ]
    if sections == 2:
        assert drafted[0] == [first, second]
    assert any("read as instructions" in note for note in notes) == noted
