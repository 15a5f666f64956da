"""Forms met in the eleventh held-out batch of real papers: a heading over a span of numbered
questions ('### 17-20. ...') that share its table; keys framed in '\\boxed{...}'; products
worked in math ('$4 \\times 4 = 16$') that count no questions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.draft import patterns as p


def _draft(tmp_path: Path, text: str, name: str = "paper.md") -> tuple[dict[str, Any], list[str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    draft = draft_exam([path])
    tree = YAML(typ="safe").load(render(draft))
    questions = {f"{s['id']}:{q['id']}": q for s in tree["sections"] for q in s["questions"] or []}
    return questions, [note.value for note in draft.notes]


def _ids(questions: dict[str, Any]) -> list[str]:
    return [qid.partition(":")[2] for qid in questions]


SPAN = """\
# Counting review

### **1. In how many ways can four books stand on a shelf?**

#### **Answer:** $\\boxed{24}$

### **2. How many subsets does a set of five elements have?**

#### **Answer:** 32

### **{span} Rolls of a loaded die**

| $X$ | 1 | 2 | 3 |
|---|---|---|---|
| $P(X)$ | 0.5 | 0.3 | 0.2 |

{first}

#### **Answer:** 0.8

#### **{n}. What is the probability of an odd roll?**

#### **Answer:** $\\boxed{0.7}$

### **{after}. How many ways can a pair be chosen from six people?**

Each choice is $6 \\times 5 = 30$ ordered pairs, halved.

#### **Answer:** $\\boxed{15}$
"""


@pytest.mark.parametrize(
    "span, first, n, after, ids",
    [
        # the span's first number asked under it
        (
            "3-4.",
            "#### **3. What is the probability of rolling at most 2?**",
            "4",
            "5",
            ["1", "2", "3", "4", "5"],
        ),
        # its first number never asked (the data only): the next one opens
        ("3-4.", "", "4", "5", ["1", "2", "4", "5"]),
        # an en dash, and 'Questions' before the numbers
        (
            "Questions 3–4:",
            "#### **3. What is the probability of rolling at most 2?**",
            "4",
            "5",
            ["1", "2", "3", "4", "5"],
        ),
    ],
)
def test_a_span_heading_leads_the_questions_it_spans(
    tmp_path: Path, span: str, first: str, n: str, after: str, ids: list[str]
) -> None:
    text = SPAN.replace("{span}", span).replace("{first}", first)
    text = text.replace("{n}", n).replace("{after}", after)
    questions, notes = _draft(tmp_path, text)
    assert _ids(questions) == ids
    spanned = questions[f"I:{n}"]
    assert "| $P(X)$ | 0.5 | 0.3 | 0.2 |" in spanned["prompt"]  # the shared table leads it
    assert "Rolls of a loaded die" in spanned["prompt"]
    assert spanned["key"] == {"kind": "numeric", "value": 0.7}
    assert "P(X)" not in questions[f"I:{after}"]["prompt"]  # past the span: its own words
    assert questions[f"I:{after}"]["key"] == {"kind": "numeric", "value": 15}
    assert all(q.get("marks") is None for q in questions.values())  # '6 × 5 = 30' no rule
    assert not any("counts" in note for note in notes)


@pytest.mark.parametrize(
    "line, span",
    [
        ("17-20. Emergency calls", (17, 20, "Emergency calls")),
        ("Questions 3–5: use the table below", (3, 5, "use the table below")),
        ("5-3. backwards", None),  # not a span
        ("2019-2020. Academic year", None),  # a year range, not numbers of questions
        ("3-4 hours of study", None),  # no stop after the numbers
    ],
)
def test_question_range(line: str, span: tuple[int, int, str] | None) -> None:
    assert p.question_range(line) == span


@pytest.mark.parametrize(
    "written, value",
    [
        ("$\\boxed{\\frac{3}{208}}$", ("numeric", "3/208")),
        ("$\\boxed{1,048,576}$", ("numeric", 1048576)),
        ("\\boxed{0.15}", ("numeric", 0.15)),
        ("$\\boxed{(n+2)(n-3)!}$", ("expression", "(n+2)(n-3)!")),
        ("$\\boxed{a} + \\boxed{b}$", ("expression", "\\boxed{a} + \\boxed{b}")),  # two boxes
    ],
)
def test_a_boxed_key_is_the_value_in_the_box(written: str, value: tuple[str, Any]) -> None:
    assert p.key_value(written) == value


@pytest.mark.parametrize(
    "text, worked",
    [
        ("Total outcomes: $4 \\times 4 = 16$.", True),  # working in math
        ("so $3 × 2 = 6$ arrangements", True),
        ("[60 min; 12 × 5 = 60 points]", False),  # a section's count, unit written
        ("Q.1 Attempt all parts. (3×2=6)", False),  # no math: the paper's own count
        ("$12 \\times 5 = 60$ marks", False),  # math, but the unit says marks
    ],
)
def test_a_product_in_math_counts_no_questions(text: str, worked: bool) -> None:
    assert p.worked_product(text) is worked


@pytest.mark.parametrize(
    "written, value",
    [
        # decimal commas, never a vector of two numbers
        ("0,3087", ("numeric", 0.3087)),
        ("26,5", ("numeric", 26.5)),
        ("0,189", ("numeric", 0.189)),
        ("1,048", ("numeric", 1048)),  # three digits after a comma: a thousands comma
        ("(1, 2)", ("numeric", [1, 2])),  # a vector stays one
        # a value said again after it
        ("0,189 oder 18,9%", ("numeric", 0.189)),
        ("\\( \\frac{5}{12} \\) ou environ 0,4167 (41,67 %)", ("numeric", "5/12")),
        ("\\( 0,3087 \\) (30,87 %)", ("numeric", 0.3087)),
        ("0.25 (25%)", ("numeric", 0.25)),
        # a count and what it counts
        ("60 unterscheidbare Anordnungen", ("numeric", 60)),
        ("720 arrangements (if all letters were distinct)", ("numeric", 720)),
        ("56 Wahlmöglichkeiten", ("numeric", 56)),
        # words that are more than a count's noun: not a value
        ("3 apples and 2 pears", None),
        ("12 because it is even", None),
        ("41,8% der aussortierten Produkte sind tatsächlich fehlerfrei", None),
    ],
)
def test_keys_as_papers_in_other_languages_write_them(
    written: str, value: tuple[str, Any] | None
) -> None:
    assert p.key_value(written) == value


ANSWER_BULLETS = """\
# Kombinatorik

## Aufgabe 1 (6 Punkte)

### a) Anordnungen (3 Punkte)
- **Formel:** $\\frac{5!}{2!}$
- {label} 60 Anordnungen

### b) Mit festem Anfang (3 Punkte)
- **Rechnung:** $4! = 24$
- {label} 24
"""


@pytest.mark.parametrize(
    "label", ["**Antwort:**", "**Answer:**", "**Réponse**:", "Respuesta:", "**Resposta:**"]
)
def test_an_answer_bullet_in_bold_or_another_language_is_the_parts_key(
    tmp_path: Path, label: str
) -> None:
    questions, _ = _draft(tmp_path, ANSWER_BULLETS.replace("{label}", label))
    parts = {part["id"]: part for part in questions["I:1"]["parts"]}
    assert parts["a"]["key"] == {"kind": "numeric", "value": 60}
    assert parts["b"]["key"] == {"kind": "numeric", "value": 24}
    assert (parts["a"]["marks"], parts["b"]["marks"]) == (3, 3)


def test_a_bold_bullet_that_is_no_answer_stays_the_parts_text(tmp_path: Path) -> None:
    questions, _ = _draft(tmp_path, ANSWER_BULLETS.replace("{label}", "**Hinweis:**"))
    part = questions["I:1"]["parts"][0]
    assert "key" not in part
    assert "**Hinweis:** 60 Anordnungen" in part["prompt"]


EXERCISE = """\
# Examen blanc

### **Exercice 1 : Tirages (3 points)**
Une urne contient 4 boules rouges et 2 boules vertes.

{one}
{two}

### **Exercice 2 : Moyenne (2 points)**
Les notes sont 12, 15 et 9.

1. Calculez la moyenne.
"""


@pytest.mark.parametrize(
    "one, two, parts",
    [
        # sub-questions that ask
        (
            "1. Quelle est la probabilité de tirer une boule rouge ?",
            "2. Quelle est la probabilité de tirer deux vertes ?",
            ["1", "2"],
        ),
        # tasks: imperatives in French, English, German
        ("1. Calculez la probabilité d'une rouge.", "2. Justifiez.", ["1", "2"]),
        ("1. Find the probability of a red ball.", "2. Explain your answer.", ["1", "2"]),
        ("1. Berechnen Sie die Wahrscheinlichkeit.", "2. Begründen Sie.", ["1", "2"]),
        # bold titles over worked answers
        (
            "1. **Probabilité d'une rouge :**\n   \\( P = \\frac{4}{6} \\).",
            "2. **Deux vertes :**\n   \\( P = \\frac{1}{15} \\).",
            ["1", "2"],
        ),
        # a list of facts or steps that asks nothing: the question's text
        ("1. Les boules sont numérotées.", "2. On tire sans remise.", []),
        ("1. Load the data.", "2. Run the cell below.", []),
        # indented under the setup: a list inside the text
        ("   1. Quelle est la probabilité ?", "   2. Et pour deux ?", []),
    ],
)
def test_numbered_sub_questions_under_an_exercise_heading_are_its_parts(
    tmp_path: Path, one: str, two: str, parts: list[str]
) -> None:
    questions, _ = _draft(tmp_path, EXERCISE.replace("{one}", one).replace("{two}", two))
    first = questions["I:1"]
    assert [str(part["id"]) for part in first.get("parts") or []] == parts
    assert first.get("marks") == 3  # the exercise's points stay its own
    assert all(part.get("marks") is None for part in first.get("parts") or [])
    assert "parts" not in questions["I:2"]  # one sub-question alone is the question
    assert "Calculez la moyenne." in questions["I:2"]["prompt"]
    if not parts:
        assert one.strip() in first["prompt"] and two.strip() in first["prompt"]


@pytest.mark.parametrize(
    "text, task",
    [
        ("Quelle est la probabilité de tirer une boule rouge ?", True),
        ("What is the variance?**", True),
        ("Calculez la moyenne, la médiane et l'écart-type.", True),
        ("Determine the MLE of p.", True),
        ("Bestimmen Sie den Erwartungswert.", True),
        ("Calcule la varianza.", True),
        ("**Probabilité de tirer une boule rouge :**", True),
        ("Les scores de 7 joueurs sont donnés.", False),
        ("Load the data and run the model.", False),
        ("**Note** that the data are paired.", False),  # bold, but not the whole item
        ("Findings are summarised below.", False),  # 'Find' only as part of a word
    ],
)
def test_task_item(text: str, task: bool) -> None:
    assert p.task_item(text) is task


SEQUEL = """\
{first}
**Questão 1**
Qual é a média de 2, 4 e 6?

{answer}
A média é 4.

**Questão 2**
Qual é a mediana de 1, 3 e 8?

{answer}
A mediana é 3.

{second}
**Questão 1**
Quantas comissões de 2 pessoas se formam com 4 pessoas?

{answer}
Answer: 6
"""


@pytest.mark.parametrize(
    "first, second, answer, sections",
    [
        # the same words numbered on: the next section, its questions again from 1
        ("## Exercícios de fixação I", "## Exercícios de fixação II", "**Resposta**", ["I", "II"]),
        ("## Übungsblatt 1", "## Übungsblatt 2", "**Antwort**", ["I", "II"]),
        ("## Practice set 1", "## Practice set 2", "**Answer**", ["I", "II"]),
        # numbered off (1 then 3), other words, or no heading: no new section
        ("## Practice set 1", "## Practice set 3", "**Answer**", ["I"]),
        ("## Practice set 1", "## Review set 2", "**Answer**", ["I"]),
    ],
)
def test_a_title_numbered_on_heads_the_next_section(
    tmp_path: Path, first: str, second: str, answer: str, sections: list[str]
) -> None:
    _sequel(tmp_path, SEQUEL, first, second, answer, sections)


def test_a_title_numbered_on_over_questions_numbered_on_is_no_new_section(
    tmp_path: Path,
) -> None:
    text = SEQUEL.replace("{second}\n**Questão 1**", "{second}\n**Questão 3**")
    questions, _ = _draft(tmp_path, text.format(first="## Set 1", second="## Set 2", answer=""))
    assert list(questions) == ["I:1", "I:2", "I:3"]


def _sequel(
    tmp_path: Path, text: str, first: str, second: str, answer: str, sections: list[str]
) -> None:
    text = text.format(first=first, second=second, answer=answer)
    questions, _ = _draft(tmp_path, text)
    assert sorted({qid.partition(":")[0] for qid in questions}) == sections
    if sections == ["I", "II"]:
        assert list(questions) == ["I:1", "I:2", "II:1"]
        assert questions["II:1"]["key"] == {"kind": "numeric", "value": 6}
        assert "comissões" in questions["II:1"]["prompt"]
        assert "comissões" not in str(questions["I:1"])  # never question 1's solution


@pytest.mark.parametrize(
    "text, title",
    [
        ("Exercícios de fixação II", ("exercícios de fixação", 2)),
        ("Übungsblatt 3", ("übungsblatt", 3)),
        ("Part of the answer 2024", None),  # a year, not a number of a set
        ("Question 2", ("question", 2)),  # read here, but a question header wins first
        ("IV", None),
    ],
)
def test_numbered_title(text: str, title: tuple[str, int] | None) -> None:
    assert p.numbered_title(text) == title


LONE = """\
# Lösungen

## **Aufgabe 1: Chiffre {marks}**

### **a) Schlüssel bestimmen {part}**
- $4a + b \\equiv 10 \\pmod{{26}}$

## **Aufgabe 2: RSA (6 Punkte)**

Bestimmen Sie $d$.
"""


@pytest.mark.parametrize(
    "marks, part, parts, question_marks",
    [
        # a part worth less than its question: the one part written
        ("(18 Punkte)", "(6 Punkte)", {"a": 6}, None),
        ("(10 points)", "(4 points)", {"a": 4}, None),
        # worth all of it, or the question says no marks: the question's own text
        ("(6 Punkte)", "(6 Punkte)", {}, 6),
        ("", "(6 Punkte)", {}, 6),
    ],
)
def test_one_part_worth_less_than_its_question_is_a_part(
    tmp_path: Path, marks: str, part: str, parts: dict[str, float], question_marks: float | None
) -> None:
    questions, notes = _draft(tmp_path, LONE.format(marks=marks, part=part))
    first = questions["I:1"]
    assert {str(x["id"]): x.get("marks") for x in first.get("parts") or []} == parts
    if parts:
        assert any("differ from its parts" in note for note in notes)  # listed, not silent
    else:
        assert first.get("marks") == question_marks
        assert "Schlüssel bestimmen" in first["prompt"]
