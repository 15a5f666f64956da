"""LaTeX papers whose questions are written in other ways than the exam class's `\\question`:
environments that hold one question each (Ximera's `exercise`, a `\\newtheorem{problem}`),
empty `\\section{}`s that titlesec labels 'Problem N', headings that state points and no number,
a course package one folder up, `\\item[Proof:]`, lists numbered on with `[resume]`, and
nothing question-like read without notice (an `\\item` whose first words are a list of parts, a
list numbered by hand inside a question, a comment in a macro's argument)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions as _questions
from conftest import drafted_tree
from conftest import part_marks as _parts
from gradewise.exam.draft import draft_exam, render


def _tex(body: str, preamble: str = "") -> str:
    return (
        "\\documentclass{article}\n" + preamble + "\\begin{document}\n" + body + "\\end{document}\n"
    )


ENVIRONMENTS = r"""
\begin{{{env}}}
Show that every convergent sequence is bounded.
\end{{{env}}}

\begin{{{env}}}
Find the limit of $(1 + 1/n)^n$.
\begin{{enumerate}}
\item Write the first three terms.
\item Name the limit.
\end{{enumerate}}
\end{{{env}}}

\begin{{{env}}}
Give an example of a bounded sequence that does not converge.
\end{{{env}}}
"""


@pytest.mark.parametrize(
    "env,preamble,parts",
    [
        # Ximera's exercise environment (the class defines it; nothing in the file does)
        ("exercise", "", ["a", "b"]),
        # Ximera's problem environment
        ("problem", "", ["a", "b"]),
        # Ximera's question environment
        ("question", "", ["a", "b"]),
        # a theorem-like environment the paper declares itself: its list prints '1.', '2.'
        ("problem", "\\newtheorem{problem}{Problem}\n", ["1", "2"]),
    ],
)
def test_question_environments_are_questions_in_order(
    tmp_path: Path, env: str, preamble: str, parts: list[str]
) -> None:
    text = _tex(ENVIRONMENTS.format(env=env), preamble)
    questions = _questions(tmp_path, text, "quiz.tex")
    assert list(questions) == ["1", "2", "3"]
    assert "bounded" in questions["1"]["prompt"]
    assert list(_parts(questions["2"])) == parts  # its list holds its parts


def test_an_environment_inside_a_question_environment_is_its_part(tmp_path: Path) -> None:
    body = (
        "\\begin{problem}\nLet $f(x) = x^3$.\n"
        "\\begin{exercise}\nFind $f'(x)$.\n\\end{exercise}\n"
        "\\begin{exercise}\nFind $f''(x)$.\n\\end{exercise}\n"
        "\\end{problem}\n\n\\begin{problem}\nState Rolle's theorem.\n\\end{problem}\n"
    )
    questions = _questions(tmp_path, _tex(body), "quiz.tex")
    assert list(questions) == ["1", "2"]
    assert list(_parts(questions["1"])) == ["a", "b"]


@pytest.mark.parametrize(
    "first",
    [
        # the question's first words are its parts' list: nothing before the list
        "\\item \\begin{enumerate} \\item Expand $(a+b)^2$. \\item Factor $a^2-b^2$."
        " \\end{enumerate}",
        # the same over several lines
        "\\item\n  \\begin{enumerate}\n  \\item Expand $(a+b)^2$.\n  \\item Factor $a^2-b^2$.\n"
        "  \\end{enumerate}",
    ],
)
def test_questions_after_a_question_of_parts_alone_are_kept(tmp_path: Path, first: str) -> None:
    body = (
        "\\begin{enumerate}\n" + first + "\n\\item (3 points) Solve $x^2 = 4$.\n"
        "\\item (2 points) Simplify $\\sqrt{8}$.\n\\end{enumerate}\n"
    )
    questions = _questions(tmp_path, _tex(body), "quiz.tex")
    assert list(questions) == ["1", "2", "3"]
    assert list(_parts(questions["1"])) == ["a", "b"]
    assert [questions[q].get("marks") for q in ("2", "3")] == [3, 2]


@pytest.mark.parametrize(
    "inner",
    [
        # numbered by hand inside a question: a list of the question's own
        "\\item[1.] Two evens add to an even.\n\\item[2.] Two odds multiply to an odd.",
        # numbered by hand with a parenthesis
        "\\item[1)] Two evens add to an even.\n\\item[2)] Two odds multiply to an odd.",
    ],
)
def test_a_list_numbered_by_hand_inside_a_question_takes_no_question_away(
    tmp_path: Path, inner: str
) -> None:
    body = (
        "\\begin{enumerate}\n\\item Prove the claims.\n\\begin{enumerate}\n"
        + inner
        + "\n\\end{enumerate}\n\\item Define a group.\n\\item State Lagrange's theorem.\n"
        "\\end{enumerate}\n"
    )
    questions = _questions(tmp_path, _tex(body), "quiz.tex")
    assert list(questions) == ["1", "2", "3"]
    assert "Two odds" in questions["1"]["prompt"]
    assert questions["2"]["prompt"] == "Define a group."


def test_a_question_like_environment_not_read_as_one_is_listed(tmp_path: Path) -> None:
    body = "\\begin{tasks}\nCompute $2+2$.\n\\end{tasks}\n\n\\begin{enumerate}\n\\item Say hi.\n"
    body += "\\end{enumerate}\n"
    path = tmp_path / "quiz.tex"
    path.write_text(_tex(body), encoding="utf-8")
    top = render(draft_exam([path])).split("schema_version")[0]
    assert "\\begin{tasks} looks like a question" in top
    assert drafted_tree(tmp_path, _tex(body), "quiz.tex")["sections"]


TITLED = r"""\usepackage{titlesec}
\titleformat{\section}[block]{\large\bfseries}{SECTION}{1em}{}
\titleformat{\subsection}[block]{}{SUBSECTION}{1em}{}
% \titleformat{\section}{}{Chapter \arabic{section}}{1em}{}
"""
SECTIONS = r"""
\section{}
\subsection{}
The sample mean is unbiased.
\subsection{}
Its variance is $\sigma^2/n$.

\section{}
By Markov's inequality the bound follows.

\section{}
\subsection{}
Take logarithms.
\subsection{}
Differentiate and set to zero.
"""


@pytest.mark.parametrize(
    "section,subsection,parts",
    [
        # 'Problem N' before each empty \section, 'N.(a)' before each \subsection
        (r"Problem \arabic{section}", r"\arabic{section}.(\alph{subsection})", ["a", "b"]),
        # \thesection, and a bare letter for the parts
        (r"Question~\thesection", r"(\alph{subsection})", ["a", "b"]),
        # numbered sections that name no question stay headings: nothing drafted from them
        (r"Part \Roman{section}", r"\Roman{section}-\arabic{subsection}", []),
    ],
)
def test_titleformat_labels_number_the_questions(
    tmp_path: Path, section: str, subsection: str, parts: list[str]
) -> None:
    preamble = TITLED.replace("SECTION", section, 1).replace("SUBSECTION", subsection, 1)
    text = _tex(SECTIONS, preamble)
    if not parts:
        assert _questions(tmp_path, text, "final.tex") == {}
        return
    questions = _questions(tmp_path, text, "final.tex")
    assert list(questions) == ["1", "2", "3"]
    assert list(_parts(questions["1"])) == parts
    assert list(_parts(questions["3"])) == parts
    assert "Markov" in questions["2"]["prompt"]


COURSE_STY = r"""\newcommand{\prob}[3]{\begin{enumerate}\item[\textbf{Problem #1}] #2 #3
\end{enumerate}}
\newcommand{\claimpart}[3]{\item[\textbf{#1}] #2 \item[\textbf{Proof:}] #3}
\newcommand{\claim}[3]{\begin{enumerate}\item[\textbf{Problem #1}] #2
\item[\textit{Solution.}] #3\end{enumerate}}
"""
COURSE_EXAM = r"""\documentclass{report}
\usepackage{../course}
\begin{document}
\prob{1}{Let $f$ be continuous on $[0,1]$.}{
  \claimpart{(a)}{$f$ is bounded.}{
    Suppose not.
    \begin{enumerate}
    \item[(a)] pick $x_n$ with $|f(x_n)| > n$;
    \item[(b)] a subsequence converges.
    \end{enumerate}
  }
  \claimpart{(b)}{$f$ attains its maximum.}{By (a) the supremum is finite.}
}

\prob{1}{continued}{
  \item[(c)] Sketch such an $f$.
}

\claim{2}{Every finite set has measure zero.}{Cover each point by a small interval.}
\end{document}
"""


def test_a_course_package_one_folder_up_with_proofs_and_a_continued_problem(
    tmp_path: Path,
) -> None:
    (tmp_path / "course.sty").write_text(COURSE_STY, encoding="utf-8")
    (tmp_path / "exam2").mkdir()
    questions = _questions(tmp_path / "exam2", COURSE_EXAM, "exam.tex")
    assert list(questions) == ["1", "2"]
    parts = {p["id"]: p for p in questions["1"]["parts"]}
    assert list(parts) == ["a", "b", "c"]  # (c) from 'Problem 1 continued'
    # the proof is part (a)'s worked solution, its own (a) (b) steps in it, not parts
    assert "subsequence" in parts["a"]["reference"]
    assert "supremum" in parts["b"]["reference"]
    assert "small interval" in questions["2"]["reference"]


POINT_HEADINGS = r"""
\section*{HEAD1}
\begin{enumerate}
\item $\int x e^x\,dx$
\item $\int \sin^3 x \cos x\,dx$
\end{enumerate}

\section*{HEAD2}
Is $\int_1^\infty e^{-x}\,dx$ finite?

\section*{HEAD3}
State the trapezoidal rule's error bound.
"""


@pytest.mark.parametrize(
    "heads,marks",
    [
        # points before the title, no number: each heading is the next question
        (["(60 pts.) Integration", "(10 pts.) Convergence", "(20 pts.) Error"], [60, 10, 20]),
        # points after the title
        (["Integration (6 points)", "Convergence [2 marks]", "Error (2 pts)"], [6, 2, 2]),
        # a title with a number in it is still no question number
        (
            ["(5 pts.) Write a Function \\#1", "(5 pts.) Write a Function \\#2", "(1 pt) Bonus"],
            [5, 5, 1],
        ),
    ],
)
def test_headings_with_points_and_no_number_are_questions(
    tmp_path: Path, heads: list[str], marks: list[float]
) -> None:
    body = POINT_HEADINGS
    for number, head in enumerate(heads, start=1):
        body = body.replace(f"HEAD{number}", head)
    questions = _questions(tmp_path, _tex(body), "exam.tex")
    assert [q.get("marks") for q in questions.values()] == marks
    assert list(_parts(questions["1"])) == ["a", "b"]  # the list under it is its parts


@pytest.mark.parametrize(
    "head",
    [
        # a heading over questions that carry their own points heads a section
        "Short answers (30 points)",
        # a section named as one
        "Part A (30 points)",
    ],
)
def test_headings_over_questions_with_points_stay_headings(tmp_path: Path, head: str) -> None:
    body = f"\\section*{{{head}}}\n\\begin{{enumerate}}\n"
    body += "".join(f"\\item (10 points) Question {n} words.\n" for n in "abc")
    body += "\\end{enumerate}\n"
    questions = _questions(tmp_path, _tex(body), "exam.tex")
    assert {qid: q.get("marks") for qid, q in questions.items()} == {"1": 10, "2": 10, "3": 10}


def test_a_comment_inside_an_argument_used_twice_takes_nothing_with_it(tmp_path: Path) -> None:
    preamble = (
        "\\usepackage{ifthen}\n\\newenvironment{prob}[2][]"
        "{\\question[#2] \\ifthenelse{\\equal{#1}{}}{}{\\textit{#1}}}{}\n"
    )
    body = (
        "\\begin{questions}\n\\begin{prob}[% what the question asks\n"
        "Find the rank of $I_3$.\n]{4}\nShow each step.\n\\end{prob}\n"
        "\\begin{prob}{2}\nFind the trace of $I_3$.\n\\end{prob}\n\\end{questions}\n"
    )
    text = "\\documentclass{exam}\n" + preamble + "\\begin{document}\n" + body
    questions = _questions(tmp_path, text + "\\end{document}\n", "exam.tex")
    assert {qid: q.get("marks") for qid, q in questions.items()} == {"1": 4, "2": 2}
    assert "rank" in questions["1"]["prompt"] and "step" in questions["1"]["prompt"]
    assert "ifthenelse" not in questions["1"]["prompt"]


LABELLED = r"""
\begin{enumerate}
\item (3 points) Show that $7$ is prime.
\item[LABEL] BODY
\item (2 points) Factor $91$.
\end{enumerate}
"""


@pytest.mark.parametrize(
    "label,body,reference,key",
    [
        # a proof labelled as such: the question's worked solution
        ("Proof:", "No divisor between 2 and 6 divides 7.", "No divisor", None),
        # 'Solution.' in bold, with its steps as a list of their own labels
        (
            "\\textbf{Solution.}",
            "Check each.\n\\begin{enumerate}\n\\item[(a)] 2 fails.\n\\item[(b)] 3 fails.\n"
            "\\end{enumerate}",
            "3 fails",
            None,
        ),
        # the proof's own steps labelled in its list ('case') stay in it
        ("Proof:", "Two cases.\n\\item[\\textbf{case}] $n$ odd: fails.", "odd: fails", None),
        # 'Answer:' stays the key's line
        ("Answer:", "True", None, True),
    ],
)
def test_labelled_items_after_a_question(
    tmp_path: Path, label: str, body: str, reference: str | None, key: object
) -> None:
    text = _tex(LABELLED.replace("LABEL", label).replace("BODY", body))
    questions = _questions(tmp_path, text, "exam.tex")
    assert {qid: q.get("marks") for qid, q in questions.items()} == {"1": 3, "2": 2}
    assert "parts" not in questions["1"]  # the steps (a) (b) are no parts
    if reference is not None:
        assert reference in questions["1"]["reference"]
    if key is not None:
        assert questions["1"]["key"]["value"] == key


@pytest.mark.parametrize(
    "env,choices,correct",
    [
        # Ximera's multipleChoice: the right option marked \choice[correct]
        ("multipleChoice", ["{$-x$}", "[correct]{$\\ln x$}", "{$1/x$}"], ["b"]),
        # Ximera's selectAll: every right one marked
        ("selectAll", ["[correct]{$\\sin x$}", "{$\\cos x$}", "[correct]{$x^3$}"], ["a", "c"]),
        # the exam class's choices: a bracket after \choice is the option's own text
        ("choices", [" [0, 1]", " [1, 2]", "[correct]{$(2, 3)$}"], ["c"]),
    ],
)
def test_choices_marked_correct_in_ximera(
    tmp_path: Path, env: str, choices: list[str], correct: list[str]
) -> None:
    options = "".join(f"\\choice{choice}\n" for choice in choices)
    listed = f"\\begin{{{env}}}\n{options}\\end{{{env}}}\n"
    body = "\\begin{exercise}\nPick.\n" + listed + "\\end{exercise}\n"
    key = _questions(tmp_path, _tex(body), "quiz.tex")["1"]["key"]
    assert key["correct"] == correct
    assert len(key["options"]) == 3
    if env == "choices":
        assert key["options"]["a"] == "[0, 1]"


def test_an_exercise_environment_around_exam_class_questions_is_only_a_box(
    tmp_path: Path,
) -> None:
    body = (
        "\\begin{questions}\n\\begin{problem}\n\\question[3] Define a ring.\n"
        "\\question[2] Define a field.\n\\end{problem}\n\\question[4] Is $\\mathbb{Z}$ a field?\n"
        "\\end{questions}\n"
    )
    text = "\\documentclass{exam}\n\\begin{document}\n" + body + "\\end{document}\n"
    questions = _questions(tmp_path, text, "exam.tex")
    assert {qid: q.get("marks") for qid, q in questions.items()} == {"1": 3, "2": 2, "3": 4}


RESUMED = r"""
\section*{Part A}
\begin{enumerate}
\item (2 points) Define entropy.
\item (2 points) Define mutual information.
\end{enumerate}
HEAD
\begin{enumerate}OPTIONS
COUNTER\item (5 points) Compute the entropy of a fair die.
\item (5 points) Show that $I(X;Y) \ge 0$.
\end{enumerate}
"""


@pytest.mark.parametrize(
    "head,options,counter",
    [
        # enumitem's resume after a paragraph: questions 3 and 4 of the same section
        ("Use the table below.", "[resume]", ""),
        # resume* under a heading of its own
        ("\\section*{Part B}", "[resume*]", ""),
        # start=3
        ("Use the table below.", "[start=3]", ""),
        # the counter set by hand
        ("\\section*{Part B}", "", "\\setcounter{enumi}{2}\n"),
    ],
)
def test_questions_numbered_on_in_a_second_list(
    tmp_path: Path, head: str, options: str, counter: str
) -> None:
    body = RESUMED.replace("HEAD", head).replace("OPTIONS", options).replace("COUNTER", counter)
    questions = _questions(tmp_path, _tex(body), "exam.tex")
    assert {qid: q.get("marks") for qid, q in questions.items()} == {"1": 2, "2": 2, "3": 5, "4": 5}


def test_a_second_list_starting_again_with_no_heading_is_listed(tmp_path: Path) -> None:
    body = RESUMED.replace("HEAD", "Use the table below.").replace("OPTIONS", "")
    tree = drafted_tree(tmp_path, _tex(body.replace("COUNTER", "")), "exam.tex")
    path = tmp_path / "exam.tex"
    top = render(draft_exam([path])).split("schema_version")[0]
    assert "numbering starts again at 1 after 2 numbered items" in top
    assert tree["sections"]


def test_markdown_questions_numbered_on_across_sections(tmp_path: Path) -> None:
    text = (
        "## Part A\n\n1. (2 points) Define entropy.\n2. (2 points) Define mutual information.\n\n"
        "## Part B\n\n3. (5 points) Compute the entropy of a die.\n4. (5 points) Show it.\n"
    )
    tree = drafted_tree(tmp_path, text)
    found = {s["id"]: [q["id"] for q in s["questions"]] for s in tree["sections"]}
    assert found == {"A": ["1", "2"], "B": ["3", "4"]}


def test_lettered_steps_in_a_solutions_document_are_no_new_parts(tmp_path: Path) -> None:
    (tmp_path / "paper.md").write_text(
        "Question 1 (4 marks) Solve $x^2 - 5x + 6 = 0$.\n\nQuestion 2 (2 marks) Factor $x^2-1$.\n",
        encoding="utf-8",
    )
    (tmp_path / "solutions.md").write_text(
        "Question 1\n\n(a) Factor: $(x-2)(x-3)$.\n\n(b) So $x = 2$ or $x = 3$.\n\n"
        "Question 2\n\n$(x-1)(x+1)$\n",
        encoding="utf-8",
    )
    draft = render(draft_exam([tmp_path / "paper.md", tmp_path / "solutions.md"]))
    assert "parts:" not in draft


@pytest.mark.parametrize(
    "sub",
    [
        # a part's heading with its letter and points
        "(a) (5 points)",
        # points alone, under the question's own heading
        "(10 points)",
        # a titled part with points after
        "Part (b): the fourth moment [4 marks]",
    ],
)
def test_points_headings_inside_a_question_heading_are_no_questions(
    tmp_path: Path, sub: str
) -> None:
    body = (
        "\\section*{Question 1}\nLet $X \\sim N(0,1)$.\n"
        f"\\subsection*{{{sub}}}\nFind $E[X^4]$.\n"
        "\\section*{Question 2}\nState the central limit theorem. (3 points)\n"
    )
    questions = _questions(tmp_path, _tex(body), "exam.tex")
    assert list(questions) == ["1", "2"]
    assert "E[X^4]" in str(questions["1"]) and "E[X^4]" not in str(questions["2"])
    assert questions["2"]["prompt"].startswith("State the central limit theorem.")


def test_an_exercise_environment_under_a_question_heading_is_its_words(tmp_path: Path) -> None:
    body = (
        "\\section*{Problem 3 (4 points)}\n\\begin{problem}\nShow $\\sqrt{2}$ is irrational.\n"
        "\\end{problem}\n\\section*{Problem 4 (2 points)}\n\\begin{problem}\nIs $0.\\bar{9} = 1$?\n"
        "\\end{problem}\n"
    )
    questions = _questions(tmp_path, _tex(body), "exam.tex")
    assert {qid: q.get("marks") for qid, q in questions.items()} == {"3": 4, "4": 2}
    assert "irrational" in questions["3"]["prompt"]


@pytest.mark.parametrize(
    "math,key",
    [
        # Ximera's answer blank: its value is the key
        ("$\\int_0^1 2x\\,dx = \\answer{1}$", 1),
        # with options before the value
        ("$m = \\answer[tolerance=0.01]{3}$", 3),
        # a value with braces inside, read as the number it is
        ("$\\frac{1}{2} + \\frac{1}{2} = \\answer{\\frac{4}{2}}$", 2),
    ],
)
def test_ximera_answer_blanks_give_the_key(tmp_path: Path, math: str, key: object) -> None:
    body = f"\\begin{{exercise}}\nCompute {math} and check it.\n\\end{{exercise}}\n"
    question = _questions(tmp_path, _tex(body), "quiz.tex")["1"]
    assert "\\answer" not in question["prompt"] and "check it" in question["prompt"]
    assert question["key"]["value"] == key


@pytest.mark.parametrize(
    "preamble",
    [
        # \newcommand
        "\\newcommand{\\answer}[1]{\\underline{#1}}\n",
        # xparse
        "\\NewDocumentCommand\\answer{m}{\\underline{#1}}\n",
        # \def
        "\\def\\answer#1{\\underline{#1}}\n",
    ],
)
def test_a_paper_s_own_answer_macro_is_not_a_blank(tmp_path: Path, preamble: str) -> None:
    body = "\\begin{exercise}\nCompute $2 + 2 = \\answer{4}$.\n\\end{exercise}\n"
    question = _questions(tmp_path, _tex(body, preamble), "quiz.tex")["1"]
    assert "key" not in question
