"""What exam documents write, as patterns: headers, marks, keys, rules, scoring policies.

Each function reads one line (already stripped of Markdown heading and bold marks by
`clean`) and returns what it found, or None. They know nothing about the document around
the line; `parse.py` decides what a found thing belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from gradewise.checkers.extract import parse_value
from gradewise.vocabulary import QUESTION_WORDS

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "any": 0,
}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
GREEK = tuple("αβγδεζηθ")  # how the exam class labels subsubparts
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s*")
# "2.2 Question-2", "1 Section-1": numbering that heading tools put before the real title.
_HEADING_NUMBER = re.compile(r"^\d+(?:\.\d+)*\s+(?=(?:section|part|question|solution)\b)", re.I)
_DOTTED_NUMBER = re.compile(r"^\d+\.\d+(?:\.\d+)*\s+")
_EMPHASIS = re.compile(r"\*\*|(?<!_)__(?!_)")  # not a blank "____"
_CODE_SPAN = re.compile(r"(`[^`\n]+`)")
_NUM = r"\d+(?:\.\d+)?"
# '*Solution:* ...', '_Answer_: ...': a label in italics opening the line, read as the label.
_EMPHASISED_LABEL = re.compile(r"^(?P<e>[*_])(?P<label>[A-Za-z][\w ]{0,30}?:?)(?P=e)(?=[:\s]|$)")
_THEMATIC_BREAK = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")


def thematic_break(line: str) -> bool:
    """'---', '***', '* * *': a Markdown rule between blocks, no words of a question's."""
    return bool(_THEMATIC_BREAK.match(line))


# '\[6pts\]': brackets escaped as Markdown writers (pandoc) do, around marks only (elsewhere
# '\[ ... \]' is display math).
_ESCAPED_MARKS = re.compile(rf"\\\[(\s*{_NUM}\s*(?:marks?|points?|pts?)\.?\s*)\\\]", re.I)
# '_2 points_', '*3 marks*': marks in italics (the bold of '_**2 points**_' already gone)
_ITALIC_MARKS = re.compile(
    rf"(?<![\w*])([_*])(\s*[(\[]?\s*{_NUM}\s*(?:marks?|points?|pts?)\.?\s*[)\]]?\s*)\1(?![\w*])",
    re.I,
)  # also in brackets: '*(3 points)*'
# '*(a)* ...', '_(1.2)_ ...': a part's label in italics opening the line, read as the label
_EMPHASISED_ITEM = re.compile(r"^([*_])(\([\w.]{1,6}\))\1(?=\s|$)")


# '> **Solution:** ...', '> Answer: 4': a solution or key set in a block quote, read as one.
_QUOTED_ANSWER = re.compile(
    r"^\s{0,3}>\s*(?=[*_]{0,2}(?:solutions?|answers?|ans|key|model answer|worked solution)"
    r"[*_]{0,2}\s*[:.])",
    re.I,
)


def quoted_answer(line: str) -> bool:
    """'> **Solution:** ...', '> Answer: 4': a solution or key set in a block quote."""
    return bool(_QUOTED_ANSWER.match(line))


_BREAK = re.compile(r"\s*<br\s*/?>\s*", re.I)


def clean(text: str) -> str:
    """The line without Markdown heading marks, heading numbers, bold and edge emphasis."""
    out = _BREAK.sub(" ", _HEADING.sub("", text)).strip()  # '...? (2p)<br>': a line break
    out = _DOTTED_NUMBER.sub("", out) if _HEADING.match(text) else out
    out = _HEADING_NUMBER.sub("", out)
    out = "".join(  # '**' inside `code` is code: `2 ** 3`
        piece if piece.startswith("`") else _EMPHASIS.sub("", piece)
        for piece in _CODE_SPAN.split(out)
    ).strip()
    out = _EMPHASISED_LABEL.sub(r"\g<label>", out)
    out = _EMPHASISED_ITEM.sub(r"\2", out)
    out = _ESCAPED_MARKS.sub(r"[\1]", out)
    out = _ITALIC_MARKS.sub(r"\2", out)
    if len(out) > 1 and out[0] in "*_" and out[-1] == out[0]:
        out = out[1:-1].strip()
    return out


_NUMBER_HEADING = re.compile(
    r"^\s{0,3}#{1,6}\s*(?:\*\*)?(?:Q\s*)?(\d{1,3})(?:\s*\.\s*Q)?[.):]?(?:\*\*)?\s*$", re.I
)


def number_heading(text: str) -> str | None:
    """'#### 1.', '### **Q3**', '### 3.Q': a heading that is only a question's number → the
    number."""
    m = _NUMBER_HEADING.match(text)
    return m[1] if m else None


def heading_level(text: str) -> int | None:
    """How many '#' a Markdown heading has; None for any other line."""
    m = _HEADING.match(text)
    return len(m[1]) if m else None


_BOLD_LINE = re.compile(
    r"^\s{0,3}(\*\*|__)(?=\S)(?:(?!\1).)+?(?<=\S)\1\s*(?:[(\[][^()\[\]]*[)\]])?\s*$"
)


def bold_line(text: str) -> bool:
    """A line all in bold, its marks perhaps after it: '**Overfitting (2 points)**',
    '__Kernels__ [3 marks]' (a title where a heading would stand)."""
    return bool(_BOLD_LINE.match(text))


def is_heading(text: str) -> bool:
    """A Markdown heading, or a line that is bold from its start."""
    return bool(_HEADING.match(text)) or text.lstrip().startswith("**")


def plain_math(text: str) -> str:
    """Text with $ delimiters dropped and \\times written ×, for reading marks."""
    return text.replace("$", " ").replace("\\times", "×").replace("\\cdot", "×")


def _number(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def to_float(text: str) -> float:
    return float(text)


# --- structure -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """A section or question header: its id as written and the rest of the line."""

    id: str
    rest: str


_SECTION = re.compile(
    r"^(?:partie|parte|part(?!i?e\b)|section|teil|abschnitt|secci[oó]n|se[cç][aã]o)\s*[-–:]?\s*"
    r"(?P<id>[IVX]{1,4}|\d{1,2}|[A-H])(?![\w'])[.:)]?\s*(?P<rest>.*)$",
    re.I,
)
_ORDINAL_SECTION = re.compile(
    r"^(?P<id>first|second|third|fourth|fifth|sixth)\s+part\b[\s,:.–-]*(?P<rest>.*)$", re.I
)


def section_header(line: str) -> Header | None:
    """'Part II: ...', 'Section-2', 'Section A', 'First part: ...' → the section id (roman)."""
    if m := _ORDINAL_SECTION.match(line):
        return Header(ROMAN[ORDINALS[m["id"].lower()] - 1], m["rest"])
    m = _SECTION.match(line)
    if m is None or re.match(r"(?i)criteri|marks?\b", m["rest"]):
        return None  # "Part  Criterion  Marks" is a rubric table's header row
    return Header(section_id(m["id"]), m["rest"])


_NUMBERED_TITLE = re.compile(
    r"^(?P<stem>[^\W\d_][\w\s'’-]{2,60}?)\s+(?P<n>[IVX]{1,4}|\d{1,2})\s*:?$"
)


def numbered_title(text: str) -> tuple[str, int] | None:
    """'Exercícios de fixação II' → ('exercícios de fixação', 2): a title numbered at its end
    (roman or arabic), its words in lower case."""
    m = _NUMBERED_TITLE.match(text.strip())
    if m is None:
        return None
    raw = m["n"]
    number = int(raw) if raw.isdigit() else (ROMAN.index(raw) + 1 if raw in ROMAN else None)
    return (m["stem"].strip().lower(), number) if number else None


def section_id(raw: str) -> str:
    """Numbers and roman numerals become roman (Section-2 and Part II are one section)."""
    if raw.isdigit() and 0 < int(raw) <= len(ROMAN):
        return ROMAN[int(raw) - 1]
    return raw.upper()


# The word for a question in papers written in German, French, Spanish, Italian, Portuguese,
# Dutch (its number after it: 'Aufgabe 2', 'Exercice 3', 'Pregunta 1').
OTHER_QUESTION_WORDS = "|".join(QUESTION_WORDS)
# 'Q' short for question is a capital: 'q1. For q in Q1 ...' is a wrapped line of working
_QUESTION = re.compile(
    rf"^(?:(?i:question|problem|exercise|task|{OTHER_QUESTION_WORDS})|Q)\s*[-.]?\s*(?P<id>\d{{1,3}})(?![\d.]\d)\s*[:.)]?"
    r"\s*(?P<rest>.*)$"
)
_SOLUTION_TO = re.compile(
    r"^(?:solutions?|answers?)\s+(?:to|for|of)\s+(?:question|problem|q)\s*[-.]?\s*(?P<id>\d{1,3})\b"
    r"[\s:.]*(?P<rest>.*)$",
    re.I,
)
# '1.' alone too: a question whose first words are its parts' list ('1.' then '(a) ...')
# typed in haste too: '9). Consider ...' (both marks), '7.(2) What ...' (its bare marks right
# after the stop)
_NUMBERED = re.compile(
    r"^(?P<id>\d{1,3})(?:\)\.|[.)])(?:\s+(?P<rest>\S.*)|(?=\(\d{1,3}(?:\.\d+)?\)\s*\S)(?P<marks>.+))?$"
)
# '17-20. Emergency calls' heading the numbered questions it spans (their shared data).
_RANGE = re.compile(
    r"^(?:questions?\s+)?(?P<first>\d{1,3})\s*[-–—]\s*(?P<last>\d{1,3})[.):]\s*(?P<rest>.*)$",
    re.I,
)


def question_range(line: str) -> tuple[int, int, str] | None:
    """'17-20. Emergency Calls Distribution', 'Questions 3–5: ...' → (17, 20, the rest): a
    heading over the questions numbered first to last (a table or story they share)."""
    m = _RANGE.match(line)
    if m is None or not int(m["first"]) < int(m["last"]) <= int(m["first"]) + 20:
        return None
    return int(m["first"]), int(m["last"]), m["rest"].strip()


_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
).split()
_QUESTION_WORD = re.compile(
    rf"^(?:question|problem|exercise)\s+(?P<word>{'|'.join(_NUMBER_WORDS)})\b\s*[:.)]?\s*(?P<rest>.*)$",
    re.I,
)
# 'A1. ...', 'B2) ...': questions numbered within their section's letter.
_LETTER_NUMBERED = re.compile(r"^(?P<section>[A-H])(?P<id>\d{1,2})[.):]\s+(?P<rest>\S.*)$")


def question_header(line: str) -> Header | None:
    """'Question 33: ...', 'Question-1', 'Q3.', 'Problem 2', 'QUESTION TWO', 'A1.' (not a
    bare '3.')."""
    if m := _QUESTION.match(line):
        return Header(str(int(m["id"])), m["rest"])  # 'Task 01' is task 1
    if m := _QUESTION_WORD.match(line):
        return Header(str(_NUMBER_WORDS.index(m["word"].lower()) + 1), m["rest"])
    if m := _LETTER_NUMBERED.match(line):
        return Header(str(int(m["id"])), m["rest"])
    return None


# A question's label word misspelt before its number: 'QUESIOTN 3', 'Qestion 4', 'Problme 2'.
_LABEL_WORDS = ("question", "problem", "exercise", "task")
_WORD_NUMBER = re.compile(
    r"^(?P<word>[A-Za-z]{4,})\s*(?P<id>\d{1,3})(?![\d.]\d)\s*[:.)]?\s*(?P<rest>.*)$"
)


def misspelt_question(line: str) -> Header | None:
    """'QUESIOTN 3' → question 3: a word within a letter or two of 'question', 'problem',
    'exercise' or 'task' (four letters at least), then a number; 'Appendix 3' is none."""
    from difflib import SequenceMatcher

    m = _WORD_NUMBER.match(line)
    if m is None:
        return None
    word = m["word"].lower()
    if word in _LABEL_WORDS:  # written right: the rules for 'Question 3' decide
        return None
    if max(SequenceMatcher(None, word, label).ratio() for label in _LABEL_WORDS) < 0.8:
        return None
    return Header(str(int(m["id"])), m["rest"])


# '- Question 1.2: ...', '* **Q3.** ...': a question written as a list item of its own; a
# dotted id ('1.2', the second variant of question 1 in a question bank) is kept as written.
_BULLET_QUESTION = re.compile(
    r"^[-*+]\s+(?:question|problem|exercise|q)\s*[-.]?\s*(?P<id>\d{1,3}(?:\.\d{1,2})?)"
    r"\s*[:.)]\s*(?P<rest>.*)$",
    re.I,
)


_DOTTED_QUESTION = re.compile(
    r"^(?:question|problem|exercise|q)\s*[-.]?\s*(?P<q>\d{1,3})\.(?P<k>\d{1,2})(?![\d.]\d)"
    r"\s*[:.)]?\s*(?P<rest>.*)$",
    re.I,
)


def dotted_question(line: str) -> tuple[str, Header] | None:
    """'Question 1.2 (4 points)' → ('1', Header('2', '(4 points)')): the question's number
    and the number after the dot, for the caller to read as a part or a question's id."""
    m = _DOTTED_QUESTION.match(line)
    return (str(int(m["q"])), Header(str(int(m["k"])), m["rest"])) if m else None


def bullet_question(line: str) -> Header | None:
    """'- Question 1.2: prompt', '* Q3) prompt' → the question's id as written and its prompt
    ('- Question 1 is worth 5 points', without a colon or stop after the number, is not one);
    a bank's '- Question: prompt' without a number → id ''."""
    m = _BULLET_QUESTION.match(line) or _BULLET_QUESTION_UNNUMBERED.match(line)
    return Header(m["id"] or "", m["rest"]) if m else None


# A question bank's unnumbered item whose fields follow nested: '- Question: What is ...?'.
_BULLET_QUESTION_UNNUMBERED = re.compile(
    r"^[-*+]\s+(?:question|problem|q)\s*:(?P<id>)\s*(?P<rest>\S.*)$", re.I
)


_FIELD = re.compile(
    r"^(?P<name>type|kind|question type|(?:correct\s+)?answers?|key|choices|options|points?|"
    r"marks?|antwort|r[ée]ponse|respuesta|resposta|risposta|antwoord)\s*:\s*(?P<value>.*)$",
    re.I,
)
_FIELDS = {"choices": "options", "options": "options", "type": "type", "kind": "type"}


# '**Antwort:** 60': a field's name in bold, its colon inside or after the bold.
_BOLD_LABEL = re.compile(
    r"^(?:\*\*|__)(?P<label>[^*_:]{1,30}:)(?:\*\*|__)|^(?:\*\*|__)(?P<l2>[^*_:]{1,30})(?:\*\*|__)(?=:)"
)


def bullet_field(text: str) -> tuple[str, str] | None:
    """A question's field written as a bullet under it ('- Answer: True', '- Choices: a; b',
    '- Type: Multiple choice', '- Points: 2') → ('key' | 'options' | 'type' | 'marks', the
    value as written)."""
    m = _FIELD.match(_BOLD_LABEL.sub(lambda b: b["label"] or b["l2"], text.strip()))
    if m is None:
        return None
    name = m["name"].lower()
    if name.startswith(("point", "mark")):
        return "marks", m["value"].strip()
    return _FIELDS.get(name.replace("question ", ""), "key"), m["value"].strip()


def listed_choices(text: str) -> list[str]:
    """'a; b; c' or 'True, False' → the options in order (';' wins where both are written)."""
    separator = ";" if ";" in text else ","
    return [c.strip().strip("*_`").strip() for c in text.split(separator) if c.strip(" *_`")]


def solution_to(line: str) -> Header | None:
    """'Solution to Question 2' → question 2."""
    m = _SOLUTION_TO.match(line)
    return Header(m["id"], m["rest"]) if m else None


# Verbs a sub-question opens with, in English, French, German, Spanish and Portuguese papers:
# 'Compute ...', 'Calculez ...', 'Berechnen Sie ...', 'Determine ...'.
_TASK_VERB = re.compile(
    r"^(?:compute|calculate|find|determine|show|prove|explain|give|state|derive|predict|"
    r"identify|estimate|describe|sketch|plot|draw|define|evaluate|solve|interpret|compare|"
    r"construct|verify|justify|discuss|deduce|"
    r"calculez|calculer|déterminez|déterminer|identifiez|prédisez|montrez|montrer|justifiez|"
    r"donnez|expliquez|tracez|représentez|interprétez|estimez|démontrez|vérifiez|déduisez|"
    r"berechnen|bestimmen|zeigen|begründen|erklären|skizzieren|geben|ermitteln|berechne|"
    r"bestimme|zeige|begründe|erkläre|skizziere|ermittle|"
    r"calcule|calcula|determina|explique|explica|demuestre|demuestra|identifique|encuentre|"
    r"halle|indique|mostre|encontre|justifique)\b",
    re.I,
)
_BOLD_TITLE = re.compile(r"^(?:\*\*|__)[^*_]{3,}(?:\*\*|__)\s*:?\s*$")


def task_item(text: str) -> bool:
    """Whether a numbered item's words are a sub-question of their own: it asks ('... ?'),
    opens with a task ('Calculez la moyenne', 'Determine the MLE'), or is a bold title over
    its worked answer ('**Probabilité de tirer une boule rouge :**')."""
    words = text.strip()
    if words.rstrip(" *_`'\"“”‘’").endswith("?"):
        return True
    return bool(_TASK_VERB.match(words.lstrip("*_ ")) or _BOLD_TITLE.match(words))


def numbered_item(line: str) -> Header | None:
    """'3. text' or '3) text': a question in a numbered paper, or a list item."""
    m = _NUMBERED.match(line)
    return Header(m["id"], m["rest"] or m["marks"] or "") if m else None


# '1 - Estimate the model using OLS': a heading numbered with a dash (R Markdown's '## 1 - ...'
# tasks, written by pandoc as unnumbered \subsection{1 - ...}).
_DASH_NUMBERED = re.compile(r"^(?P<id>\d{1,3})\s+[-–—]\s+(?P<rest>\S.*)$")


def dash_numbered(text: str) -> Header | None:
    """'3 - Test for heteroskedasticity' → question 3 (for headings only: in a prompt
    '3 - 2 = 1' is arithmetic)."""
    m = _DASH_NUMBERED.match(text)
    return Header(m["id"], m["rest"]) if m else None


_PAREN_NUMBER = re.compile(r"^\((?P<id>\d{1,2})\)\s+(?P<rest>\S.*)$")


def nested_number(line: str) -> Header | None:
    """'1. text', '1) text' or '(1) text' nested under a question: a list item of its own."""
    if (m := _PAREN_NUMBER.match(line)) is not None:
        return Header(m["id"], m["rest"])
    return numbered_item(line)


_BOLD_PAREN_NUMBER = re.compile(
    r"^(?P<e>\*\*|__)?\((?P<id>\d{1,2})\)(?(e)(?P=e))\s+(?P<rest>\S.*)$"
)


def paren_numbered(line: str) -> Header | None:
    """'(2) text' or '**(2)** text' opening a paragraph at the margin: a numbered part."""
    m = _BOLD_PAREN_NUMBER.match(line)
    return Header(str(int(m["id"])), m["rest"]) if m else None


def labelled_pieces(text: str, labels: list[str]) -> list[tuple[str, str]] | None:
    """'(a) 5 (b) 7', 'i. x. ii. y.': the text after each of the labels, in their order, when
    the text opens with the first one and names two at least; None otherwise."""
    found: list[tuple[str, int, int]] = []
    at = 0
    for label in labels:
        m = re.compile(rf"(?:^|\s)\(?{re.escape(label)}[.)]\s*").search(text, at)
        if m is None or (not found and m.start() != 0):
            break
        found.append((label, m.start(), m.end()))
        at = m.end()
    if len(found) < 2:
        return None
    ends = [start for _, start, _ in found[1:]] + [len(text)]
    pieces = [
        (label, text[end:stop].strip()) for (label, _, end), stop in zip(found, ends, strict=True)
    ]
    if any(_JOINER.match(piece) for _, piece in pieces[:-1]):
        return None  # '(a), (b)', '(a) and (c) are right': options named, no answer each
    return pieces


_JOINER = re.compile(r"^[\s,;.&/+]*(?:(?:and|or|und|et|y)\b[\s,;.&/+]*)?$", re.I)


# '(a) ...', '- (b) ...', and with the question's number before it: '1(a) ...', '2 (c) ...'.
_ITEM = re.compile(
    r"^(?:[-*•]\s*)?(?:\d{1,3}\s?)?\((?P<a>[a-zA-Z]|[ivx]{1,4}|[α-θ])\)\s*(?P<rest>.*)$"
)  # '(β)': a part of a part's part, as the exam class prints its subsubparts
_HALF_ITEM = re.compile(r"^(?:[-*•]\s*)?(?P<a>[a-p]|[ivx]{1,4})[).](?:\s+(?P<rest>\S.*)|\s*)$")
_SUB_NUMBER = re.compile(
    r"^(?:\*\*)?(?P<q>\d{1,3})\.(?P<n>\d{1,2})(?:\*\*)?[.)]?\s+(?P<rest>\S.*)$"
    # in brackets, as a list item or emphasised: '(2.3) text', '- (2.3) text', '*(2.3)* text'
    r"|^(?:[-*•]\s+)?(?P<e>\*{0,2})\((?P<q2>\d{1,3})\.(?P<n2>\d{1,2})\)(?P=e)\s+(?P<rest2>\S.*)$"
)
_SUB_LETTER = re.compile(
    r"^(?:\*\*)?(?P<q>\d{1,3})(?P<a>[a-h])(?:[.)](?:\*\*)?|(?:\*\*)?[.)])\s+(?P<rest>\S.*)$"
)


def sub_numbered(line: str) -> tuple[str, Header] | None:
    """'2.3 text', '**2.3.** text', '(2.3) text' → ('2', part '3 ...'); '1a. text' → ('1',
    part 'a ...'): a part numbered under its question."""
    if m := _SUB_LETTER.match(line):
        return m["q"], Header(m["a"], m["rest"])
    m = _SUB_NUMBER.match(line)
    if m is not None and m["q2"] is not None:
        return m["q2"], Header(str(int(m["n2"])), m["rest2"])
    return (m["q"], Header(str(int(m["n"])), m["rest"])) if m else None


_FIRST_OPTION = re.compile(r"^(?:[-*•]\s+)?(?P<open>\(?)(?P<a>[A-Ha-h])(?P<close>[.)])\s+")


def options_on_one_line(line: str) -> list[Header] | None:
    """'A. x^2  B. sin x  C. -x^2' or '(a) hinge   (b) log-loss': options (or parts) written
    on one line, each labelled with the next letter in the same form → (label, text) each,
    labels in lower case; None where the line holds one label only. Two labels 'A.' or 'a)'
    apart by a single space are read as one item's text ('a) the rate b) ...' in a sentence
    needs a third label or a wider gap; '(b)' in brackets does not)."""
    m = _FIRST_OPTION.match(line)
    if m is None or (m["open"] == "(" and m["close"] != ")"):
        return None
    labels = [(m["a"], m.end())]
    starts: list[int] = []
    gaps: list[int] = []
    while True:
        letter = chr(ord(labels[-1][0]) + 1)
        pattern = re.escape(m["open"]) + letter + re.escape(m["close"])
        found = re.compile(rf"(?P<gap>\s+){pattern}\s+").search(line, labels[-1][1])
        if found is None or letter.lower() > "h":
            break
        starts.append(found.start())
        gaps.append(len(found["gap"].replace("\t", "    ")))
        labels.append((letter, found.end()))
    if len(labels) < 2 or not (m["open"] or min(gaps) >= 2 or len(labels) >= 3):
        return None
    ends = [*starts, len(line)]
    texts = [line[at:end].strip() for (_, at), end in zip(labels, ends, strict=True)]
    if not all(texts):
        return None
    return [Header(a.lower(), text) for (a, _), text in zip(labels, texts, strict=True)]


def lettered_item(line: str) -> Header | None:
    """'(a) text', '- (b) text', 'c) text', '(ii) text' → the label, lower case; never a
    variable an equation goes on from ('(x) = (5 + 8 + 7) / 3')."""
    m = _ITEM.match(line) or _HALF_ITEM.match(line)
    if m is None or _EQUATION_GOES_ON.match(m["rest"] or ""):
        return None
    return Header(m["a"].lower(), m["rest"] or "")


_BULLET = re.compile(r"^[-*•]\s+(?P<rest>\S.*)$")
# '-Classification', '-The weather prediction task.': a dash run into a capitalised word, an
# option as notes written without Markdown's space (never '-5' or '-x^2').
_TIGHT_BULLET = re.compile(r"^-(?P<rest>[A-Z][a-z'’]*(?:[\s,.;:!?)-]\S*)*[^\s]?)$")


def bullet(line: str) -> str | None:
    m = _BULLET.match(line) or _TIGHT_BULLET.match(line)
    return m["rest"] if m else None


_BOX = re.compile(
    r"^(?:[-*]\s*)?\$*(?P<box>□|■|☐|☑|☒|▢|\\(?:square|Box|blacksquare|boxtimes)"
    r"|\[[ xX]\]|\([ xX]\))\$*\s*(?P<rest>.*)$"
)
_TICKED = ("■", "☑", "☒", "\\blacksquare", "\\boxtimes", "[x]", "[X]", "(x)", "(X)")


def checkbox(line: str) -> tuple[bool, str] | None:
    """An option written with a box: (ticked, its text)."""
    m = _BOX.match(line)
    if m is None:
        return None
    if m["box"][1:2] in "xX" and _EQUATION_GOES_ON.match(m["rest"]):
        return None  # '(x) = (5 + 8 + 7) / 3': the variable x in working, never a ticked box
    return m["box"] in _TICKED, m["rest"].strip()


_EQUATION_GOES_ON = re.compile(r"^\s*(?:=|≈|≤|≥|<|>|\+|\*|/|\^|\\cdot|\\times|\\approx)")


# A tick beside an option: '[x]' or a check mark after its text, a check mark before it;
# after it also '(*)', a lone '*', '[correct]', '(right answer)', '<- correct', '← answer'.
_TICK_AFTER = re.compile(
    r"\s+(?:\[[xX]\]|[✓✔☑]|\(\*\)|\*|\[(?:correct|right|answer|key)\]"
    r"|\((?:correct|right)(?:\s+answer)?\)|(?:<-+|←|⟵)\s*(?:correct|right|answer|key)?"
    r"|[-–—:]\s*(?:correct|right)(?:\s+answer)?)$",
    re.I,
)
_TICK_BEFORE = re.compile(r"^[✓✔]\s*")
# An option in bold: the whole line ('**(c) text**') or the text after its label ('b) **text**').
_BOLD_OPTION = re.compile(r"^(?:[-*]\s+)?(?:\(?[a-hA-H]\)\s*)?\*\*[^*]+\*\*$")


def option_tick(text: str) -> tuple[bool, str]:
    """An option line with its tick taken off: (ticked, the rest)."""
    for pattern in (_TICK_AFTER, _TICK_BEFORE):
        if pattern.search(text):
            return True, pattern.sub("", text).strip()
    return False, text


def bold_option(raw: str) -> bool:
    """A lettered line (before `clean`) whose option text is all in bold."""
    return bool(_BOLD_OPTION.match(raw.strip()))


_TRUE_FALSE = re.compile(r"(?:^|\s)(?:TRUE\s*/?\s*FALSE|True\s*/\s*False|T\s*/\s*F)\s*$")


def true_false_boxes(line: str) -> bool:
    """A line that ends in the TRUE FALSE boxes of a true/false question."""
    return bool(_TRUE_FALSE.search(line.lstrip("> ")))


_COURSE = re.compile(
    r"^(?:lecture|lec|lesson|homework|hw|week|chapter|unit|module|topic|tutorial|lab|recitation|"
    r"reading|review)s?\b.*|.*\brecap$",
    re.I,
)


def course_heading(text: str) -> bool:
    """'Lecture 4: clustering', 'Homework 3 recap': a course's heading between questions."""
    return bool(_COURSE.match(text.strip())) and not re.match(r"(?i)problem|question", text)


_ROUGH = re.compile(r"^(?:rough work|scratch paper|space for rough work)\b", re.I)


_PAGE_FURNITURE = re.compile(r"^(?P<rest>.*?)\s*\b(?:page\s+\d+\s*(?:of|/)\s*\d+)\s*$", re.I)


def page_furniture(line: str) -> str | None:
    """'CS 101 Final Exam      Page 2 of 3': a page's running header or footer → the text
    beside the page number ('' when none); None for any other line."""
    m = _PAGE_FURNITURE.match(line)
    return " ".join(m["rest"].split()) if m else None


_END_OF_PAPER = re.compile(
    r"^[\W_]*(?:the\s+)?end\s+of\s+(?:the\s+)?(?:exam(?:ination)?|test|paper|quiz|questions?)"
    r"(?:\s+paper)?[\W_]*$",
    re.I,
)


def end_of_paper(line: str) -> bool:
    """'— END OF EXAMINATION —', '*** End of exam ***': the paper's last line, no prompt's."""
    return bool(_END_OF_PAPER.match(line))


def rough_work(line: str) -> bool:
    return bool(_ROUGH.match(line))


# --- solutions, keys -------------------------------------------------------------------------

_SOLUTION = re.compile(
    r"^(?:solutions?|model (?:answer|solution)|worked solution|explana?n?tion|rationale"
    r"|justification"
    r"|proof(?=\s*[:.])"
    r"|sol(?:'?n)?(?=\s*[:.])"  # 'Sol. False. ...', 'Soln: ...', "Sol'n."
    # in German, French, Spanish, Italian, Portuguese, Dutch papers
    r"|(?:muster)?lösung(?:svorschlag|shinweise?)?|corrigé|soluci[óo]n|soluzione|soluç[ãa]o"
    r"|oplossing)"
    r"\s*(?:[:.]\s*(?P<rest>.*))?$",
    re.I,
)


# '- **Lösung:** 7! / (3! × 2! × 2!) = 5040 / 24 = **210**', '**Solution:** ... = **0.25**':
# a solution line that ends on its result in bold.
_RESULT_LINE = re.compile(
    r"^\s*(?:[-*]\s+)?(?:\*\*|__)?(?:lösung|loesung|ergebnis|solution|result|résultat|"
    r"resultado|soluci[óo]n|soluç[ãa]o)\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(?P<rest>.*)$",
    re.I,
)
_LAST_BOLD = re.compile(r"(?:\*\*|__)(?P<value>[^*_]+?)(?:\*\*|__)(?P<after>[^*]*)$")


def result_value(line: str) -> str | None:
    """The result a solution line ends on in bold ('... = **210**', '**56** verschiedene
    Ergebnisse', '... ≡ **14** (mod 25)') when it is a value a key can hold; None for a bold
    sentence ('**Keine ganzzahlige Lösung möglich**') or a line with no bold result."""
    m = _RESULT_LINE.match(line)
    if m is None:
        return None
    last = _LAST_BOLD.search(m["rest"])
    if last is None:
        return None
    after = last["after"]  # words of a unit or a '(mod 25)' only, no more numbers
    if len(after.split()) > 3 or re.search(r"\d", after.split("(")[0]):
        return None
    value = last["value"].strip()
    return value if key_value(value) is not None and re.search(r"\d", value) else None


def solution_start(line: str) -> str | None:
    """'Solution:', '#### Solution.' → the rest of the line ('' when none)."""
    m = _SOLUTION.match(line)
    return (m["rest"] or "").strip() if m else None


_KEY = re.compile(
    r"^(?:ans|answer|key|correct answers?|antwort|r[ée]ponse|respuesta|risposta|resposta"
    r"|antwoord)\s*(?:[:=]|\.(?=\s|$))\s*(?P<rest>.*)$|^ans\.?\s+(?P<rest2>\S.*)$"
    # a sentence naming it: 'The correct answer is C.', 'The answer is (b): ...'
    r"|^(?:the\s+)?(?:correct\s+|right\s+)?(?:answer|option|choice)\s+is\s+"
    r"(?P<rest3>\(?[A-Ha-h]\)?|true|false|-?\d+(?:\.\d+)?)(?=[\s.,;:!]|$)",
    re.I,
)
_BLANKS = re.compile(r"(?:\\_|_){3,}|\.{5,}")


def key_line(line: str) -> str | None:
    """'Ans: ACD', 'Answer: 50', 'Answer. 4', 'Key: b' → the key as written ('' for a blank to
    fill)."""
    m = _KEY.match(line)
    if m is None:
        return None
    if m["rest3"] is not None:
        return str(m["rest3"]).strip("() ")
    return (m["rest"] if m["rest"] is not None else m["rest2"]).strip()


_INLINE_KEY = re.compile(
    r"^(?P<prompt>\S.*?[?.!)$])\s+(?:\*\*|__)?(?:answer|ans|key)\s*:\s*(?:\*\*|__)?\s*(?P<key>\S.*)$",
    re.I,
)


def inline_key(line: str) -> Header | None:
    """'What is the p-value? **Answer:** 0.03' → Header(key, prompt): a key after the prompt."""
    m = _INLINE_KEY.match(line)
    if m is None or has_blanks(m["key"]):
        return None
    return Header(m["key"].strip("*_ "), m["prompt"])


def has_blanks(text: str) -> bool:
    return bool(_BLANKS.search(text))


def strip_blanks(text: str) -> str:
    return _BLANKS.sub("", text).strip(" :;,.")


_LETTERS = re.compile(r"^\(?([A-Ha-h])\)?(?:\s*(?:,|and|&|\s)\s*\(?([A-Ha-h])\)?)*$")
_RUN = re.compile(r"^[A-H]{1,8}$")
_TF_WORD = re.compile(r"^(true|false|t|f)\b[\s.,:;]*", re.I)


def key_value(text: str) -> tuple[str, Any] | None:
    """The key a line states: ('choice', ['a','c']), ('truefalse', True), ('numeric', 50).

    A number may carry its tolerance ('0.25 (±0.01)'); `tolerance` reads that part."""
    text = _restated(_unboxed(text))
    raw = _decimal_comma(text.strip().strip("$").strip().rstrip("."))
    if (m := _PLUS_MINUS.search(raw)) is not None:
        if _TOLERANCE.fullmatch(raw[m.start() :]) is None:
            return None  # '30 ± a few': not a tolerance gradewise can check
        raw = raw[: m.start()].rstrip(" ($")
    tf = truefalse_value(raw)
    if tf is not None and len(raw) <= 6:
        return "truefalse", tf  # a lone "F" too: resolve reads it as option f in a choice
    if _RUN.fullmatch(raw):
        return "choice", sorted({c.lower() for c in raw})
    if _LETTERS.fullmatch(raw):
        return "choice", sorted({c.lower() for c in re.findall(r"[A-Ha-h]", raw)})
    value = _numeric(raw)
    if value is None and (named := _NAMED_VALUE.fullmatch(raw)) is not None:
        value = _numeric(_decimal_comma(named["value"].strip()))  # 'GINI = 0.5', 'y = 30,5'
    if value is not None:
        return "numeric", value
    if (expression := _math_key(text)) is not None:
        return "expression", expression
    return None


# A value said again another way after it: '0,189 oder 18,9%', '\\( \\frac{5}{12} \\) ou
# environ 0,4167 (41,67 %)', '0.25 (25%)'; a value in '\\( ... \\)'; a count and what it counts,
# '60 unterscheidbare Anordnungen', '720 arrangements (if all were distinct)'.
_AGAIN = re.compile(
    r"\s+(?:ou|or|oder|bzw\.?|o)\s+(?:environ|about|approximately|approx\.?|ca\.|etwa|rund|"
    r"aproximadamente|cerca\s+de|≈)?\s*[-\d.,/%\s]+%?\s*(?:\([^()]*\))?\s*$"
    r"|\s*(?:≈|\\approx)\s*[-\d.,/\s]+%?\s*$"
    r"|\s*\(\s*[-\d.,\s]+\s*%\s*\)\s*$",
    re.I,
)
_PAREN_MATH = re.compile(r"^\s*\\\((?P<inner>.+?)\\\)\s*$")
_COUNTED = re.compile(
    r"^(?P<n>-?\d[\d.,]*)\s+(?P<noun>[^\W\d_][^\W\d_-]*(?:\s+[^\W\d_][^\W\d_-]*){0,2})"
    r"\s*(?:\([^()]*\))?\s*\.?$"
)
_DECIMAL = re.compile(r"^(?P<sign>-?)(?P<int>\d+),(?P<frac>\d+)$")


def _restated(text: str) -> str:
    """The value alone where the key says it again ('0,189 oder 18,9%'), takes it out of
    '\\( \\)' or names what it counts ('60 unterscheidbare Anordnungen')."""
    out = _AGAIN.sub("", text).strip()
    if (m := _PAREN_MATH.match(out)) is not None:
        out = f"${m['inner'].strip()}$"
    if (m := _COUNTED.match(out)) is not None and not re.search(
        r"(?i)\b(?:and|und|et|y|e|or|oder|ou|o|because|weil|car|porque|but|aber|mais)\b",
        m["noun"],
    ):
        out = m["n"]
    return out


def _decimal_comma(raw: str) -> str:
    """'0,3087', '26,5' → '0.3087', '26.5': a decimal comma (a thousands comma is followed by
    three digits and never by a leading zero's '0,'); '1,048' stays a thousand and 48."""
    m = _DECIMAL.match(raw)
    if m is None or (len(m["frac"]) == 3 and m["int"] != "0"):
        return raw
    return f"{m['sign']}{m['int']}.{m['frac']}"


_BOXED = re.compile(r"^\s*\$*\s*\\boxed\{(?P<inner>.*)\}\s*\$*\s*\.?\s*$")


def _unboxed(text: str) -> str:
    """'$\\boxed{\\frac{3}{208}}$' → '$\\frac{3}{208}$': the value a box frames (the braces
    inside balanced, so '\\boxed{a} + \\boxed{b}' stays as written)."""
    m = _BOXED.match(text)
    if m is None:
        return text
    depth = 0
    for char in m["inner"]:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return text
    return f"${m['inner']}$" if depth == 0 else text


# A key written all in math with a variable in it: '$-2(y - w^\top x)x$', '\(\frac{1}{2}x^2\)'.
_ALL_MATH = re.compile(r"\s*(?:\$+(?P<a>[^$]+)\$+|\\\((?P<b>.+?)\\\))\s*\.?\s*")
_COMMANDS = re.compile(r"\\[A-Za-z]+")


def _math_key(text: str) -> str | None:
    """The expression a key written all in math states (the right side of its last '='), when
    it has a variable: a symbolic key for the expression checker; None otherwise."""
    m = _ALL_MATH.fullmatch(text)
    if m is None:
        return None
    math = (m["a"] or m["b"]).strip()
    sides = re.split(r"(?<![<>!\\])=", math)
    if len(sides) > 1 and not _NAMED_SIDE.fullmatch(sides[0].strip()):
        return None  # 'X^\top X w = X^\top y': an equation to state, not a value named
    side = sides[-1].strip()
    if not side or not re.search(r"[A-Za-z]", _COMMANDS.sub("", side)):
        return None  # '$\frac{1}{2}$' is a number, read before this
    return side


# The left side of a key written as 'name = expression': one symbol, maybe with a hat, sub- or
# superscripts, primes and its arguments ('f\'(x)', '\hat{w}_{MLE}', 'P(A \mid B)', 'y'), or
# a derivative of one.
_NAMED_SIDE = re.compile(
    # a derivative of it: '\nabla_w L', '\frac{d}{dx} f(x)', '\frac{\partial L}{\partial w}'
    r"(?:\\nabla(?:\s*_\s*(?:\{[^{}]*\}|\\?[A-Za-z0-9]+))?\s*"
    r"|\\frac\s*\{\s*(?:d|\\partial)\b[^{}]*\}\s*\{[^{}]*\}\s*)?"
    r"(?:\\(?:hat|bar|tilde|mathbf|boldsymbol|vec)\s*(?:\{[^{}]*\}|\\?[A-Za-z]+)|\\?[A-Za-z]+)"
    r"(?:\s*[_^]\s*(?:\{[^{}]*\}|\\?[A-Za-z0-9*]+))*\s*'*\s*(?:\([^()=]*\)|\[[^\[\]=]*\])?"
    r"(?:\s*\\(?:mid)\s*[^=]*)?"
)


# 'GINI = 0.5', 'p-value = 0.03', 'E[X] = 3.5': one name (no spaces) given one value.
_NAMED_VALUE = re.compile(r"[A-Za-z][\w\-\[\]().^{}']{0,20}\s*=\s*(?P<value>[^=]+)")


_PLUS_MINUS = re.compile(r"\s*\(?\s*(?:±|\+/-|\+-|\\pm\b)")
_TOLERANCE = re.compile(rf"\s*\(?\s*(?:±|\+/-|\+-|\\pm)\s*({_NUM})\s*(\\?%)?\s*\)?\$?\.?")


def tolerance(text: str) -> dict[str, float] | None:
    """'0.25 (±0.01)' → {'abs': 0.01}; '40 ± 5%' → {'rel': 0.05}; '± 0' or none → None."""
    raw = text.strip().strip("$").strip()
    m = _PLUS_MINUS.search(raw)
    found = _TOLERANCE.fullmatch(raw[m.start() :]) if m else None
    if found is None or to_float(found[1]) == 0:
        return None
    if found[2]:
        return {"rel": to_float(found[1]) / 100}
    return {"abs": to_float(found[1])}


# The last line of a worked solution: '= 0.25', '\approx 0.29', a chain of equalities.
_CHAIN = re.compile(r"=|≈|\\approx\b")
_SCALAR = re.compile(r"-?\s*(?:\d+(?:\.\d+)?(?:\s*/\s*\d+)?|\\[dt]?frac\s*\{\d+\}\s*\{\d+\})")
_WORD = re.compile(r"(?<![\\a-zA-Z])[a-zA-Z]{2,}")
_CLOSING_MATH = re.compile(r"\$([^$]+)\$\s*[.!]?\s*$")  # the math a sentence ends on
_MATH_MARKS = re.compile(r"\$|\\[\[\]()]|\\boxed\b|\\[,;!]")


def final_value(working: str) -> Any:
    """The one number a worked solution ends with ('… = \\frac{7}{28} = 0.25' → 0.25), or None
    where its last line holds no value, several ('x = 2 or x = -3'), or one with a unit or a
    variable in it."""
    lines = [line for line in working.splitlines() if line.strip()]
    if not lines:
        return None
    closing = _CLOSING_MATH.search(lines[-1])
    if closing is not None and not _CHAIN.search(lines[-1][: closing.start()]):
        lines[-1] = closing[1]  # '... so the probability is $\frac{1}{4}$.'
    last = _MATH_MARKS.sub(" ", lines[-1]).strip().strip("*_").rstrip(".").strip()
    segments = _CHAIN.split(last)
    final = segments[-1].strip().rstrip(".").strip()
    if final.startswith("{") and final.endswith("}"):
        final = final[1:-1].strip()  # what \\boxed{...} held
    if _SCALAR.fullmatch(final) is None:
        return None
    for middle in segments[1:-1]:
        if _WORD.search(middle) or re.search(r"[,;<>]|\\[lg]eq?\b", middle):
            return None  # two results on one line, or words between the values
    value = parse_value(final)
    return None if value is None or isinstance(value, tuple) else _yaml_value(value)


# What a worked solution's reader never sees: an HTML comment (an older answer the author kept),
# a \label{...}.
_ASIDE = re.compile(r"<!--.*?-->|\\label\s*\{[^{}]*\}", re.S)
# A line that ends a statement: a full stop, a colon, display math.
_ENDS_STATEMENT = re.compile(r"(?:[.!?:]|\$\$|\\\])$")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_MATH_SPAN = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|\\\((.+?)\\\)", re.S)
# A number in words of prose: '1,024', '0.25', '25%', '2/35'; not '2nd', 'e1', 'x2' or '3.'.
_PROSE_NUMBER = re.compile(
    r"(?<![\w.,/\\^_])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s*/\s*\d+)?(?:\s*\\?%)?"
    r"(?![\w]|[.,/]\d)"
)
# Words that state a result just before it: 'is 0.25', 'are 120', 'is approximately 0.3' (a
# formula's '= 0' is `final_value`'s to read, on a line of its own).
_STATED = re.compile(
    r"\b(?:is|are|equals?|was|were|gives?|yields?)\s+"
    r"(?:(?:approximately|about|roughly|exactly|just|only)\s+)?$",
    re.I,
)


def without_asides(working: str) -> str:
    """A worked solution without what its reader never sees: HTML comments, labels."""
    return _ASIDE.sub("", working)


_ALL_MATH_LINE = re.compile(r"\s*(?:\$[^$]+\$|\\\(.+?\\\))\s*\.?\s*")


def opening_value(working: str) -> tuple[Any, dict[str, float] | None] | None:
    """The number a worked solution states first, on a line of its own, before explaining it
    ('$2,200 \\pm 200$' then 'There are around 1,600 ...'): (value, tolerance). Only a line
    all in math or with a tolerance: a bare '1.' may number the first step."""
    lines = [line.strip() for line in working.splitlines() if line.strip()]
    if len(lines) < 2:
        return None  # a solution of one line is `_short_key`'s
    first = lines[0]
    if not (_ALL_MATH_LINE.fullmatch(first) or _PLUS_MINUS.search(first)):
        return None
    first = first.replace("\\(", "$").replace("\\)", "$")
    found = key_value(first)
    if found is None or found[0] != "numeric":
        return None
    return found[1], tolerance(first)


def closing_sentence(working: str) -> str:
    """The last sentence of a worked solution, with the display lines it runs on over
    ('... is\\' then '$$\\frac{7}{9}$$.'); Markdown's line-end backslashes dropped."""
    lines = [line.strip().removesuffix("\\").strip() for line in working.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    start = len(lines) - 1
    while start > 0 and not _ENDS_STATEMENT.search(lines[start - 1]):
        start -= 1
    return _SENTENCE_BREAK.split(" ".join(lines[start:]))[-1].strip()


def sentence_value(working: str, given: str) -> tuple[Any, list[str]]:
    """The one value a worked solution's closing sentence states in words ('So there are
    1,024 sequences.' → 1024), leaving out the numbers the question itself gives ('10 flips')
    and the same value written again ('0.25 or 25%'): (value, []). Where it states one among
    several values or expressions, no value and what they are: (None, ['7', '9']); (None, [])
    where it states none (a lone expression is no number to key)."""
    sentence = closing_sentence(working)
    known = {v for m in _PROSE_NUMBER.finditer(given) if (v := parse_value(m[0])) is not None}
    found: list[tuple[Any, str, int]] = []  # (value, as written, where)
    expressions: list[str] = []
    for m in _MATH_SPAN.finditer(sentence):
        math = next(g for g in m.groups() if g is not None)
        last = _CHAIN.split(math)[-1].strip().strip(".").strip()
        value = parse_value(last) if _SCALAR.fullmatch(last.replace("\\%", "").strip()) else None
        if value is not None and not isinstance(value, tuple):
            found.append((value, last, m.start()))
        elif re.search(r"\d", last):
            expressions.append(last)  # '\\frac{7! \\times 4!}{10!}': worked out by no one here
    prose = _MATH_SPAN.sub(lambda m: " " * len(m[0]), sentence)
    for m in _PROSE_NUMBER.finditer(prose):
        if (value := parse_value(m[0])) is not None and not isinstance(value, tuple):
            found.append((value, m[0], m.start()))
    values: dict[Any, tuple[str, int]] = {}
    for value, written, at in sorted(found, key=lambda f: f[2]):
        if value not in known:
            values.setdefault(value, (written, at))
    stated = any(_STATED.search(sentence[:at].rstrip("$ ") + " ") for _w, at in values.values())
    if not stated:
        return None, []
    if len(values) + len(expressions) > 1:
        return None, [written for written, _at in values.values()] + expressions
    if expressions:
        return None, []
    return _yaml_value(next(iter(values))), []


def truefalse_value(text: str) -> bool | None:
    """True/False at the start of a solution ('False. Deep learning ...')."""
    m = _TF_WORD.match(text.strip())
    if m is None or (len(m[1]) == 1 and m.end() < len(text.strip())):
        return None  # a lone 'T' starting a sentence is not a key
    return m[1][0].lower() == "t"


def _numeric(raw: str) -> Any:
    if not re.fullmatch(r"[\s\d.,+\-/()\[\]{}\\a-z×&]*", raw) or not re.search(r"\d", raw):
        return None  # words: a written answer, not a number
    if re.search(r"\d\s*[×*x]\s*\d|\\times", raw):
        return None  # "7 × 3 × 5" is a product to compute, not a shape
    value = parse_value(raw)
    return None if value is None else _yaml_value(value)


def _yaml_value(value: Any) -> Any:
    """A parsed value as YAML writes it: int, exact float, 'p/q' text, or nested lists."""
    if isinstance(value, tuple):
        return [_yaml_value(v) for v in value]
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return int(value)
        as_float = float(value)
        return (
            as_float
            if Fraction(repr(as_float)) == value
            else f"{value.numerator}/{value.denominator}"
        )
    return value


# --- marks ---------------------------------------------------------------------------------

# "[4 + 4 + 2]", and with the unit also in parentheses: "(4+1 points)", "[3 + 2 marks]".
_SUM = rf"({_NUM}(?:\s*\+\s*{_NUM})+)"
_MARKS_LIST = re.compile(
    rf"\[\s*{_SUM}\s*(?:marks?|points?|pts?)?\s*\]|\(\s*{_SUM}\s*(?:marks?|points?|pts?)\s*\)", re.I
)
# The question's kind may stand beside its marks: '[Essay, 10pts]', '(6 pts, proof)'.
_KIND_BESIDE = r"[A-Za-z][\w /-]{0,30}?"
# Bonus marks offered on top: '(20 points + 10pt bonus!)' (the question's marks are the 20).
_BONUS = rf"\s*\+\s*({_NUM})\s*(?:marks?|points?|pts?)?\s*(?:bonus|extra[ -]credit)\s*!?\s*"
# '\[1pt\]': Markdown's escaped brackets too.
_MARKS_ONE = re.compile(
    rf"\\?[(\[{{]\s*(?:{_KIND_BESIDE}[,;:]\s*)?(?:worth\s+)?({_NUM})\s*"
    r"(?:marks?|points?|pts?|punkte|pkt|puntos?|punti|pontos?|p)\s*\.?\s*"
    r"(?:total\s*)?"
    rf"(?:[,;]\s*{_KIND_BESIDE}\s*|{_BONUS})?\\?[)\]}}]",
    re.I,
)  # also in braces, '{5 pts}', and said in words, '(worth 5 points)'

# Marks as papers write them at the end of a line: "2P", "(6P)", "/4", "[3]", "— 5 marks".
_MARKS_END = re.compile(
    rf"(?:\s\(?({_NUM})\s?P\)?|(?:^|\s)/\s?({_NUM})|\s\[({_NUM})\]|"
    rf"(?:^|\s)({_NUM})\s*(?:marks?|points?|pts?)\.?|(?<=[.?!])\s+\(({_NUM})\))\s*$",
    re.I,
)
_MARKS_FIELD = re.compile(
    rf"^(?:[-*]\s+)?(?:points?|marks?|pts|score|weight)\s*[:=]\s*({_NUM})\s*\.?$", re.I
)
_EACH = re.compile(
    rf"\b(\d+)\s*(?:×|x|\*)\s*({_NUM})\s*=\s*({_NUM})\s*(points?|marks?|pts?)?\b", re.I
)
_MATH = re.compile(r"\$|\\\(|\\times")
_COUNT_EACH = re.compile(
    rf"\b(\d+)\s+(?:questions?|problems?|items?)\s*[-–—:,(]?\s*({_NUM})\s*(?:points?|marks?|pts?)"
    r"\s+each\b",
    re.I,
)
_PER_QUESTION = re.compile(
    # '(5 puntos cada una)', '(2 Punkte je Frage)', '(1 point chacune)', '(3 pontos cada)'
    rf"\(\s*({_NUM})\s*(?:puntos?|pontos?|punkte?|points?|punti|pts?)\s+"
    r"(?:cada\s+un[ao]|cada|je\s+(?:frage|aufgabe)|pro\s+(?:frage|aufgabe)|chacune?|ciascun[ao])\s*\)|"
    rf"\beach\s+(?:of\s+the\s+\d+\s+)?(?:questions?|answers?|problems?|items?|tasks?)[\s,]+"
    r"(?:below,?\s+)?(?:is\s+|are\s+)?"
    rf"(?:worth|carries|carry|scores?|counts?\s+for|gets?)\s+({_NUM})\s*(?:points?|marks?|pts?)\b"
    rf"|\b(?:all\s+)?(?:questions?|problems?)\s+(?:are|is)\s+(?:each\s+)?worth\s+({_NUM})\s*"
    r"(?:points?|marks?|pts?)",
    re.I,
)


def marks_list(text: str) -> list[float] | None:
    """'[4 + 4 + 2 + 8 + 2]' → [4, 4, 2, 8, 2]; '(4+1 points)' → [4, 1]."""
    m = _MARKS_LIST.search(plain_math(text))
    return [to_float(x) for x in (m[1] or m[2]).split("+")] if m else None


def marks_one(text: str) -> float | None:
    """'(3 pts)', '(1 point.)', '[5 marks]', '(20 marks)'; at a line's end '2P', '/4', '[3]';
    a line that is a field of marks: 'Points: 5', '- Marks: 2'."""
    if field := _MARKS_FIELD.match(text):
        return to_float(field[1])
    m = _MARKS_ONE.search(text)
    if m:
        return to_float(m[1])
    m = _MARKS_END.search(text)
    if m:
        return to_float(next(g for g in m.groups() if g))
    m = _WEIGHT.match(text)
    return to_float(m[1]) if m else None


# A weight in per cent of the paper opening a question's or part's text, '(a) (4%) Write ...',
# 'Question 1 (20%) ...': its marks.
_WEIGHT = re.compile(rf"^\s*\(\s*({_NUM})\s*%\s*\)")


# 'so GT gets 491 points, and Test gets 6 points.': points a player or team scores, in an
# answer's prose -- not the question's marks (unless a question, part or answer gets them).
_POINTS_SCORED = re.compile(
    rf"(?<!question )(?<!part )(?<!problem )(?<!answer )(?<!item )"
    rf"\b(?:gets|got|earns|earned|scores|scored|wins|won|receives|received)\s+{_NUM}\s*"
    r"(?:points?|marks?)\s*[.!]?\s*$",
    re.I,
)


def points_scored(text: str) -> bool:
    """Whether the line ends on points someone scores ('and Test gets 6 points.')."""
    return _POINTS_SCORED.search(text) is not None


def bonus_marks(text: str) -> float | None:
    """'(20 points + 10pt bonus!)' → 10: marks offered on top of the question's own."""
    m = _MARKS_ONE.search(text)
    return to_float(m[2]) if m and m[2] else None


_UNIT = r"(?:points?|marks?|pts?)"
_EXTRA_CREDIT = re.compile(
    rf"\bextra[ -]credit\b|\bextra\s+{_NUM}\s*{_UNIT}|\bbonus\s+{_UNIT}|{_NUM}\s*{_UNIT}?\s*bonus\b"
    rf"|\bbonus\s*[:(]\s*{_NUM}",
    re.I,
)


def extra_credit(text: str) -> bool:
    """'Extra Credit: ...', 'receive an extra 2.5 points', '5 bonus points': marks offered on
    top of a question's own."""
    return _EXTRA_CREDIT.search(text) is not None


def marks_each(text: str) -> tuple[int, float] | None:
    """'12 × 5 = 60 points' → (12, 5): twelve questions of five marks; '9 questions - 2 pt
    each' → (9, 2)."""
    plain = plain_math(text)
    m = _EACH.search(plain)
    if m is not None:
        count, each, total = int(m[1]), to_float(m[2]), to_float(m[3])
        return (count, each) if abs(count * each - total) < 1e-9 else None
    m = _COUNT_EACH.search(plain)
    return (int(m[1]), to_float(m[2])) if m else None


def worked_product(text: str) -> bool:
    """'Total outcomes: $4 \\times 4 = 16$.': a product worked in math with no unit after it,
    which counts no questions (a section's heading says '12 × 5 = 60 points')."""
    m = _EACH.search(plain_math(text))
    return m is not None and m[4] is None and _MATH.search(text) is not None


def marks_per_question(text: str) -> float | None:
    """A rule giving every question its marks: 'Each question is worth 2 points', 'Each of
    the 17 questions is worth 1 mark', 'Each answer is worth $4$ points', 'questions are
    worth 3 marks each', '1 mark each' (not '3 questions, 10 marks each': a section's)."""
    plain = plain_math(text)
    m = _PER_QUESTION.search(plain)
    if m is not None:
        return to_float(next(g for g in m.groups() if g))
    m = _MARKS_EACH.search(plain)
    return to_float(m[1]) if m is not None and marks_each(text) is None else None


# 'Circle one answer. 1 mark each.', '2 points for each question': every question's marks
# (never '2 marks for each correct step', '3 marks each part').
_MARKS_EACH = re.compile(
    rf"(?<![\w.])({_NUM})\s*(?:points?|marks?|pts?)\s+(?:for\s+)?each"
    r"(?:\s+(?:question|answer|item|problem))?(?![\w-]|\s+(?:correct|part|step|of|sub))",
    re.I,
)


def strip_marks(text: str) -> str:
    out = _MARKS_LIST.sub("", _WEIGHT.sub("", text))
    out = _MARKS_ONE.sub("", out)
    out = _MARKS_END.sub("", out).rstrip(" —–-")
    return re.sub(r"\s{2,}", " ", out).strip()


# --- rules and scoring policies --------------------------------------------------------------

_RULE = re.compile(
    r"\b(?:answer|attempt|do|choose)\s+(?:any\s+)?(\w+)\s+(?:questions\s+)?(?:out\s+)?of\s+"
    r"(?:the\s+)?(\w+)\b|\bbest\s+(\w+)\s+(?:out\s+)?of\s+(?:the\s+)?(\w+)\b",
    re.I,
)


# 'Answer any THREE questions', 'Attempt two questions from this section': how many count,
# of however many the section holds (0: not said)
_RULE_ANY = re.compile(
    r"\b(?:answer|attempt|do|choose|select)\s+(?:any\s+)?(\w+)\s+(?:\w+\s+)?questions?\b", re.I
)
# 'Answer ALL questions in Section A and TWO questions from Section B'
_RULE_OF_SECTION = re.compile(
    r"\b(\w+)\s+questions?\s+(?:in|from)\s+section\s+([A-Z0-9]{1,3})\b", re.I
)


def best_rule(text: str) -> tuple[int, int] | None:
    """'Answer three out of four' → (3, 4): the best three of four count; 'Answer any three
    questions' → (3, 0), of however many there are."""
    m = _RULE.search(text)
    if m is not None:
        best, of = (_number(m[1] or m[3]), _number(m[2] or m[4]))
        return (best, of) if best and of and best < of else None
    if _RULE_OF_SECTION.search(text) is not None:
        return None  # the rules of named sections: `section_rules`
    m = _RULE_ANY.search(text)
    best = _number(m[1]) if m is not None else None
    return (best, 0) if best else None


def section_rules(text: str) -> dict[str, int]:
    """'Answer ALL questions in Section A and TWO questions from Section B' → {'B': 2}: the
    sections where only some of the questions count, by their ids in capitals."""
    rules = {}
    for m in _RULE_OF_SECTION.finditer(text):
        if (best := _number(m[1])) is not None and best > 0:
            rules[m[2].upper()] = best
    return rules


@dataclass(frozen=True)
class Scoring:
    """A scoring statement: marks for a right answer, or for a wrong one (negative)."""

    right: float | None = None
    wrong: float | None = None


_KIND_WORDS = (
    ("choice", re.compile(r"multiple[- ]choice|\bMCQs?\b|single[- ]choice", re.I)),
    ("truefalse", re.compile(r"true\s*/\s*false|true[- ]or[- ]false|\bT/F\b", re.I)),
)
_SCORE = re.compile(
    rf"(?P<sign>[+\-−]?)\s*(?P<n>{_NUM})\s*(?:points?|marks?|pts?)?\s*(?:if|for|per|on)\s+"
    r"(?:each\s+|every\s+|a\s+|an\s+|the\s+|your\s+)*(?:answer\s+is\s+)?(?:answers?\s+)?"
    r"(?P<what>correct|right|incorrect|wrong)",
    re.I,
)
_NEGATIVE = re.compile(r"negative marking", re.I)


_WORTH = re.compile(
    r"(?P<kind>multiple[- ]choice|true[- ]?(?:/|or)?[- ]?false|T/F)\s+(?:questions?|items?)\s+"
    r"(?:are|is)\s+(?:each\s+)?worth\s+(?:(?P<word>[a-z]+)\s*(?:\((?P<also>\d+)\))?|"
    rf"(?P<n>{_NUM}))\s*(?:points?|marks?|pts?)\b",
    re.I,
)


def kind_worth(text: str) -> dict[str, float]:
    """'Multiple-choice questions are worth two (2) points each, and true-false questions
    one (1) point each' → {'choice': 2, 'truefalse': 1}."""
    out: dict[str, float] = {}
    for m in _WORTH.finditer(plain_math(text)):
        worth = to_float(m["n"] or m["also"]) if m["n"] or m["also"] else _number(m["word"])
        kind = "choice" if m["kind"].lower().startswith("multiple") else "truefalse"
        if worth:
            out[kind] = float(worth)
    return out


def kind_mentioned(text: str) -> str | None:
    """Which question kind a line talks about: 'choice', 'truefalse' or None."""
    for kind, pattern in _KIND_WORDS:
        if pattern.search(text):
            return kind
    return None


def scoring(text: str) -> Scoring | None:
    """'+2 points if your answer is correct' → Scoring(right=2); '-0.5 for a wrong' → wrong."""
    right = wrong = None
    for m in _SCORE.finditer(plain_math(text)):
        value = to_float(m["n"]) * (-1 if m["sign"] in "-−" and m["sign"] else 1)
        if m["what"].lower() in ("correct", "right"):
            right = value
        else:
            wrong = value
    if _NEGATIVE.search(text) and wrong is None:
        wrong = -1.0  # "negative marking" without a number: one right option's worth
    if right is None and wrong is None:
        return None
    return Scoring(right, wrong)


_CAPTION = re.compile(r"rubric\s+(?:for|of)\s+question\s*[-.]?\s*(\d{1,3})\b", re.I)


def rubric_caption(text: str) -> str | None:
    """'Marking Rubric for Question 2 (20 marks)' → '2'."""
    m = _CAPTION.search(text)
    return m[1] if m else None


def table_cells(text: str) -> list[str] | None:
    """A Markdown pipe row or a tab-separated row, as cells; None for other lines."""
    stripped = text.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        return [c.strip() for c in stripped.strip("|").split("|")]
    if "\t" in text:
        return [c.strip() for c in text.rstrip("\n").split("\t")]
    return None


def is_separator_row(cells: list[str]) -> bool:
    return all(re.fullmatch(r":?-{2,}:?", c) or not c for c in cells)


def rubric_columns(cells: list[str]) -> tuple[int | None, int, int] | None:
    """(part, criterion, marks) column indices of a rubric table's header row."""
    names = [c.lower() for c in cells]
    crit = next((i for i, c in enumerate(names) if c.startswith(("criteri", "descript"))), None)
    marks = next(
        (i for i, c in enumerate(names) if re.fullmatch(r"marks?|points?|pts?|score", c)), None
    )
    if crit is None or marks is None:
        return None
    part = next((i for i, c in enumerate(names) if c in ("part", "question", "sub-part")), None)
    return part, crit, marks


_ID_CELL = re.compile(r"(?i)(?:questions?|problems?|exercises?|q|no\.?|#)")


def names_questions(cell: str) -> bool:
    """A table's first cell that heads a column of question numbers: 'Question', 'Q', '#',
    'No.', 'Item' (a key table's header), not a value ('$p$', 'T')."""
    text = cell.strip("*_ ")
    return _ID_CELL.fullmatch(text) is not None or re.fullmatch(r"(?i)items?", text) is not None


_MARKS_CELL = re.compile(r"(?i)(?:max(?:imum)?\.?\s*)?(?:points?|marks?|pts\.?|max)")
_QID = re.compile(r"(?i)(?:q|problem|question)?\s*(\d{1,3})\.?")


_UNIT = r"(?:marks?|points?|pts?\.?|punkte|points?)"
# A line that states the paper's total: 'Total: 25 marks', '[Total: 30 marks]', 'TOTAL: 25',
# 'Maximum marks: 60', 'Total = 100 points' (without a unit only in capitals: 'TOTAL: 25')
_TOTAL_LINE = re.compile(
    rf"^[\[(]?\s*(?P<word>total(?:\s+{_UNIT})?|max(?:imum|\.)?\s+{_UNIT}|full\s+{_UNIT})"
    rf"\s*[:=]?\s*(?P<n>\d{{1,4}}(?:\.\d+)?)\s*(?P<unit>{_UNIT})?\s*[\])]?\.?$",
    re.IGNORECASE,
)
# ... in a sentence before the questions: '3 problems, 30 points total', 'a total of 100 marks'
_TOTAL_SAID = re.compile(
    rf"\b(?P<n>\d{{1,4}})\s*{_UNIT}\s+(?:in\s+)?total\b|\btotal\s+of\s+(?P<m>\d{{1,4}})\s*{_UNIT}",
    re.IGNORECASE,
)


def section_total(heading: str) -> float | None:
    """The marks a section's heading gives it in all: '(14 points)', '— 30 marks', '(2
    points each, 6 points total)'; None where it gives only each question's ('(4 points
    each)') or nothing."""
    if (m := _TOTAL_SAID.search(heading)) is not None:
        return float(m["n"] or m["m"])
    if marks_each(heading) is not None or re.search(r"\beach\b|\bper\b|\bje\b", heading, re.I):
        return None
    return marks_one(heading)


def total_line(text: str) -> float | None:
    """The paper's total stated on a line of its own ('Total: 25 marks', 'TOTAL: 25')."""
    m = _TOTAL_LINE.match(clean(text).strip("*_ "))
    if m is None:
        return None
    if m["unit"] is None and not re.search(_UNIT, m["word"], re.I) and not m["word"].isupper():
        return None  # 'Total: 25' may be a value in a question's text
    return float(m["n"])


_WHOLE_PAPER = re.compile(r"\b(?:exam|paper|test|quiz|midterm|final|problems|questions)\b", re.I)
_PART_OF_IT = re.compile(r"\b(?:task|section|part|each|per|aim|choose|bonus|extra)\b", re.I)


def total_said(text: str) -> float | None:
    """The paper's total said in a sentence about the whole paper ('There are 3 problems, 30
    points total.'); not one about a task, a section or a choice ('aim for a total of 15')."""
    m = _TOTAL_SAID.search(text)
    if m is None or not _WHOLE_PAPER.search(text) or _PART_OF_IT.search(text):
        return None
    return float(m["n"] or m["m"])


def totals_table(rows: list[list[str]]) -> dict[str, float]:
    """A table of each question's marks at a paper's start → {question id: marks}.

    Across ('Question | 1 | 2' over 'Points | 10 | 5') or down ('Problem | Points' then
    '1 | 10' rows); a 'Total' column or row is left out, empty score cells are ignored.
    """
    rows = [r for r in rows if not is_separator_row(r)]
    ids = next((r for r in rows if r and _ID_CELL.fullmatch(r[0].strip("* "))), None)
    marks = next((r for r in rows if r and _MARKS_CELL.fullmatch(r[0].strip("* "))), None)
    if ids is not None and marks is not None:
        return _pairs(zip(ids[1:], marks[1:], strict=False))
    header = rows[0] if rows else []
    cells = [c.strip("* ") for c in header]
    qcol = next((i for i, c in enumerate(cells) if _ID_CELL.fullmatch(c)), None)
    mcol = next((i for i, c in enumerate(cells) if _MARKS_CELL.fullmatch(c)), None)
    if qcol is None or mcol is None:
        return {}
    return _pairs((r[qcol], r[mcol]) for r in rows[1:] if max(qcol, mcol) < len(r))


def _pairs(pairs: Any) -> dict[str, float]:
    out: dict[str, float] = {}
    for qid, marks in pairs:
        m = _QID.fullmatch(qid.strip("* "))
        value = cell_marks(marks)
        if m and value is not None and value > 0:
            out[str(int(m[1]))] = value
    return out


def cell_marks(text: str) -> float | None:
    m = re.fullmatch(rf"\s*([+\-−]?)\s*({_NUM})\s*(?:marks?|points?|pts?)?\s*", text)
    if m is None:
        return None
    return to_float(m[2]) * (-1 if m[1] else 1)


_RUBRIC_HEADING = re.compile(
    r"^(?:grading\s+|marking\s+|scoring\s+)?(?:rubric|(?:marking|mark|grading)\s+(?:scheme|guide)"
    r"|scoring\s+guide)\s*:?$",
    re.I,
)
_MARK = r"(?:marks?|points?|pts?)"
_ROW_FORMS = (
    # '2 marks: states the rule', '+1 - names it', '0.5 pt — sign'
    re.compile(rf"^\+?(?P<m>{_NUM})\s*{_MARK}?\s*[:\-–—]\s*(?P<t>\S.*)$", re.I),
    # '(2) fits noise', '[1 mark] sign'
    re.compile(rf"^[(\[]\s*\+?(?P<m>{_NUM})\s*{_MARK}?\s*[)\]]\s*(?P<t>\S.*)$", re.I),
    # 'states the rule (2 marks)', 'names it [1]'
    re.compile(rf"^(?P<t>\S.*?)\s*[(\[]\s*\+?(?P<m>{_NUM})\s*{_MARK}?\s*[)\]]\.?$", re.I),
    # 'states the rule: 2 marks', 'names it — 1 pt'
    re.compile(rf"^(?P<t>\S.*?)\s*[:\-–—]\s*\+?(?P<m>{_NUM})\s*{_MARK}\.?$", re.I),
)


def rubric_heading(text: str) -> bool:
    """'**Rubric:**', 'Marking scheme', 'Mark scheme:': a list of criteria with marks follows."""
    return bool(_RUBRIC_HEADING.match(text.strip("*_ ")))


# 'Award 3 marks for noting X, and 2 marks for Y.', 'Give 1 point for ...; 2 points for ...':
# a marking instruction in prose, one criterion per 'N marks for ...'.
_AWARD = re.compile(
    r"^(?:award|give|allocate|allow|assign)\s+(?=\d)|^(?=\d+(?:\.\d+)?\s*(?:marks?|points?|pts?)\s+for\b)",
    re.I,
)
_AWARD_ITEM = re.compile(
    rf"(?:^|[,;]\s*(?:and\s+)?|\s+and\s+)(?P<m>{_NUM})\s*(?:marks?|points?|pts?)\s+for\s+"
    r"(?P<t>.+?)(?=(?:[,;]\s*(?:and\s+)?|\s+and\s+)\d+(?:\.\d+)?\s*(?:marks?|points?|pts?)\s+for\b|[.;]?\s*$)",
    re.I,
)


def rubric_sentence(text: str) -> list[tuple[float, str]] | None:
    """The criteria a marking instruction written as a sentence gives, each with its marks;
    None for any other line."""
    opener = _AWARD.match(text.strip())
    if opener is None:
        return None
    rest = text.strip()[opener.end() :]
    found = [(to_float(m["m"]), m["t"].strip()) for m in _AWARD_ITEM.finditer(rest)]
    covered = sum(len(m.group()) for m in _AWARD_ITEM.finditer(rest))
    if not found or covered < 0.8 * len(rest.rstrip(". ")):
        return None  # more is said than its criteria: left as text for a human
    if any(_MARKS_WORD.search(t) or _PER_ITEM.match(t) for _, t in found):
        return None  # '..., otherwise 1 mark if ...', '2 marks for each step': no fixed criteria
    return found


_MARKS_WORD = re.compile(r"\d\s*(?:marks?|points?|pts?)\b", re.I)
_PER_ITEM = re.compile(r"(?:each|every|per|any)\b", re.I)


def rubric_row(text: str) -> tuple[float, str] | None:
    """One criterion of a rubric list with its marks, in the forms papers write it."""
    for form in _ROW_FORMS:
        if m := form.match(text.strip()):
            return to_float(m["m"]), m["t"].strip()
    return None


def part_label(text: str) -> str | None:
    """'(a)', 'a', 'a)', '2(b)' in a rubric's Part column → 'a'."""
    m = re.fullmatch(r"\s*(?:\d+\s*)?\(?([a-hA-H]|[ivx]{1,4})\)?\.?\s*", text)
    return m[1].lower() if m else None


# --- questions and parts without numbers, answer lists ----------------------------------------

_UNNUMBERED = re.compile(
    r"^(?:[A-Za-z]+\s+)?(?:question|problem|exercise|task)\s*(?::\s*(?P<rest>.*))?$", re.I
)


_ONLY_POINTS = re.compile(rf"\(?\s*({_NUM})\s*(?:points?|marks?|pts?)\.?\s*\)?", re.I)


def unnumbered_question(line: str) -> str | None:
    """'### Exercise', '**Review Problem**', '__Question:__' standing alone as a heading →
    the rest of the line ('' when none); a numbered one is `question_header`'s."""
    if not line.lstrip().startswith(("#", "**", "__")):
        return None
    text = clean(line).strip("*_ ")
    m = _UNNUMBERED.match(text)
    return (m["rest"] or "").strip("*_ ") if m else None


# A heading that names a group of questions, not one: 'Short answer questions (30 points)'.
_GROUP_WORDS = re.compile(
    r"\b(?:questions|problems|exercises|tasks|section|part|short answers?|multiple[- ]choice|"
    r"true[ /-]+false|bonus|total|instructions?|appendix|formulas?|formulae|references?|notes|"
    r"scratch|tables?|end|solutions?|answers?|rubrics?|marking)\b",
    re.I,
)


def points_heading(text: str) -> str | None:
    """'## Linear regression (10 points)': a question titled by its heading, with its points
    (the text, marks and all, for the question to read); None for a heading of a group."""
    if points := _ONLY_POINTS.fullmatch(text.strip("*_ ")):
        return f"({points[1]} points)"  # '## 10 Points': a question whose heading is its points
    if marks_one(text) is None or _GROUP_WORDS.search(text) or kind_mentioned(text):
        return None
    return text


_PART_HEADING = re.compile(
    r"^part(?!i?e\b)\s*(?:(?P<a>[a-h])|\((?P<b>[a-hA-H])\)|(?P<r>[ivx]{1,4}))(?![\w'])[.:)]?\s*"
    r"(?P<rest>.*)$",
    re.I,
)


# 'Subtask B', 'Teilaufgabe A (15 P.)': words that name a part whatever the letter's case.
_SUB_HEADING = re.compile(
    r"^(?:teilaufgabe|sub-?(?:task|question|problem|part))\s*\(?(?P<a>[a-hA-H])\)?(?![\w'])"
    r"[.:)]?\s*(?P<rest>.*)$",
    re.I,
)


# 'Question 1, part 2', 'Problem 3, part 1, ridge regression': a part's heading naming both.
_QUESTION_PART = re.compile(
    r"^(?:question|problem|exercise)\s+(?P<q>\d{1,3})\s*,\s*part\s+(?P<n>\d{1,2})\b"
    r"[.:,)]?\s*(?P<rest>.*)$",
    re.I,
)


def question_part(text: str) -> tuple[str, Header] | None:
    """'Question 1, part 2, ridge regression' → ('1', part '2' with 'ridge regression')."""
    m = _QUESTION_PART.match(text)
    return (m["q"], Header(str(int(m["n"])), m["rest"])) if m else None


def part_heading(text: str) -> Header | None:
    """'Part a', 'Part (b)', 'Subtask C' inside a problem: its part (a capital 'Part A' names
    a section)."""
    if sub := _SUB_HEADING.match(text):
        return Header(sub["a"].lower(), sub["rest"])
    m = _PART_HEADING.match(text)
    if m is None or not (m["a"] or m["r"] or "a").islower():
        return None  # 'Part A', 'Part II': a section
    return Header((m["a"] or m["b"] or m["r"]).lower(), m["rest"])


# 'Part 2.3 (4 marks) ...', 'Part (2.3)': a part numbered under its question.
_NUMBERED_PART_HEADING = re.compile(
    r"^part\s*\(?(?P<q>\d{1,3})\.(?P<n>\d{1,2})\)?(?![\w'.])[.:)]?\s*(?P<rest>.*)$", re.I
)


def numbered_part_heading(text: str) -> tuple[str, Header] | None:
    """'Part 2.3 (4 marks) Find ...' → ('2', part '3'): the part of question 2 it names."""
    m = _NUMBERED_PART_HEADING.match(text)
    return (m["q"], Header(str(int(m["n"])), m["rest"])) if m else None


_LEADING_MARKS = re.compile(rf"^[(\[]\s*{_NUM}\s*(?:marks?|points?|pts?)\s*\.?\s*[)\]]", re.I)


# '2. (4) According to ...', '(a) (2) Find ...': a bare number in brackets right after the
# label, before a capitalised sentence (not '(1)': that opens a list of the prompt's own);
# in square brackets any number ('(a) [1] State ...', '[2.5]').
_BARE_LEADING_MARKS = re.compile(
    r"^(?:\((?P<n>[2-9]|[1-4]\d|50)\)|\[(?P<m>[1-9]\d?(?:\.5)?)\])\s+(?P<rest>[A-Z]\S*.*)$"
)


def bare_leading_marks(text: str) -> tuple[float, str] | None:
    """'(4) According to a poll ...' or '[4] State ...' after a question's or part's label →
    (4, 'According ...')."""
    m = _BARE_LEADING_MARKS.match(text)
    return (float(m["n"] or m["m"]), m["rest"]) if m else None


def leading_marks(text: str) -> bool:
    """'(20 points) Prove ...': a bullet that opens with its own marks is a part."""
    return bool(_LEADING_MARKS.match(text))


_ANSWER_HEADING = re.compile(
    r"^(?:answer\s+key|answer\s+sheet|(?:(?:suggested|correct|right|expected|accepted)\s+)?"
    r"answers?|solutions?|key"
    r"|antwort(?:en)?|r[ée]ponses?|respuestas?|respostas?|risposte?|antwoord(?:en)?)\s*:?$",
    re.I,
)
_LISTED_KEY = re.compile(
    r"^(?:[-*]\s*)?(?:q(?:uestion)?\s*)?(?P<id>\d{1,3})\s*[.):]\s*(?P<key>\S.{0,39})$", re.I
)


def answer_heading(line: str) -> bool:
    """'## Answer key', '**Correct answers**', '# Solutions': a list of keys may follow."""
    if not (line.lstrip().startswith(("#", "**", "__")) or clean(line) == line.strip()):
        return False
    return bool(_ANSWER_HEADING.match(clean(line).strip("*_ ")))


_CAPITAL_OPTION = re.compile(r"^(?:[-*•]\s+)?(?P<a>[A-H])[.)]\s+(?P<rest>\S.*)$")


def capital_option(text: str) -> Header | None:
    """'B. $x = 1$' inside a question: option b (outside one it may be a section's name)."""
    m = _CAPITAL_OPTION.match(text)
    return Header(m["a"].lower(), m["rest"]) if m else None


_ANNOTATION = re.compile(r"\s*\[[^\]]*\]")


def listed_answer(text: str) -> str:
    """'3.14 [kind: numeric] [options: ...]' under 'Correct answers' → '3.14'."""
    return _ANNOTATION.sub("", text).strip()


# '1-b 2-c 3-a', '1. B, 2. C; 3. A', 'Q1) T  Q2) F': keys of several questions on one line
_KEY_PAIR = re.compile(
    r"(?:q(?:uestion)?\s*)?(?P<id>\d{1,3})\s*[-.):=–]\s*\(?(?P<key>[A-Ha-h]|true|false|T|F)\)?"
    r"(?![\w.])",
    re.I,
)
_KEY_GAP = re.compile(r"[\s,;|/]*")
_KEYS_HEADING = re.compile(
    r"^(?:answer\s+key|answers?|(?:correct|right)\s+answers?|key)\s*[:–—-]\s*(?P<rest>.+)$",
    re.I,
)


def keys_on_a_line(text: str) -> list[Header] | None:
    """'ANSWER KEY: 1-b 2-b 3-c' or a line '1. B   2. C   3. A' under an answer heading:
    each question's key (at least two, the whole line read); None otherwise. After the
    heading's words, numbers too ('Answers: 1-A 2-b 3. 4'), as `values_on_a_line` reads them."""
    plain = clean(text).strip("*_ ")
    if (heading := _KEYS_HEADING.match(plain)) is not None:
        values = values_on_a_line(heading["rest"])
        if values is None or any(part is not None for _, part, _ in values):
            return None
        return [Header(qid, key) for qid, _, key in values]
    found: list[Header] = []
    at = _KEY_GAP.match(plain).end()  # type: ignore[union-attr]
    while at < len(plain):
        pair = _KEY_PAIR.match(plain, at)
        if pair is None:
            return None
        found.append(Header(pair["id"], pair["key"]))
        at = _KEY_GAP.match(plain, pair.end()).end()  # type: ignore[union-attr]
    return found if len(found) >= 2 else None


# A part named after its question's number: '1a', '1.a', '1(a)', '2 (b)', '3ii'.
_PART_OF = r"(?:\.?(?P<p1>[a-h]|[ivx]{1,4})|\s?\((?P<p2>[a-h]|[ivx]{1,4})\))"
# ... or numbered under it: '1.1 B', '1.2) 0.5' (part '1', '2' of question 1)
_LISTED_PART_KEY = re.compile(
    rf"^(?:[-*]\s*)?(?:[Qq](?:uestion)?\s*)?(?P<id>\d{{1,3}})(?:{_PART_OF}|\.(?P<p3>\d{{1,2}}))"
    r"\s*[.):]?\s+(?P<key>\S.{0,39})$"
)
# One answer of a list written on a line: '1. B', '2a) 0.25', '3: True', 'Q4 = 12'.
_VALUE_PAIR = re.compile(
    rf"(?:[Qq](?:uestion)?\s*)?(?P<id>\d{{1,3}})(?:{_PART_OF})?\s*[-.):=–]\s*"
    r"(?P<key>\(?[A-Ha-h]\)?|true|false|T|F|[-−]?\d+(?:\.\d+)?(?:/\d+)?%?)(?![\w.])",
    re.I,
)


def listed_part_key(text: str) -> tuple[str, str, str] | None:
    """'1a. 0.25', '2(b) True', '3.c) 12', '1.2) 0.5' in an answer list → (question, part,
    key); a part numbered '1.2' is the question's part '2'."""
    m = _LISTED_PART_KEY.match(clean(text).strip("*_ "))
    if m is None:
        return None
    part = m["p1"] or m["p2"] or str(int(m["p3"]))
    return m["id"], part, m["key"].strip()


def values_on_a_line(text: str) -> list[tuple[str, str | None, str]] | None:
    """'1. B  2. True  3. 0.25' or '1a) 4  1b) 9' under an answer heading: each question's
    (and part's) key, the whole line read, at least two; None otherwise."""
    plain = clean(text).strip("*_ ")
    found: list[tuple[str, str | None, str]] = []
    at = _KEY_GAP.match(plain).end()  # type: ignore[union-attr]
    while at < len(plain):
        pair = _VALUE_PAIR.match(plain, at)
        if pair is None:
            return None
        found.append((pair["id"], pair["p1"] or pair["p2"], pair["key"].strip("() ")))
        at = _KEY_GAP.match(plain, pair.end()).end()  # type: ignore[union-attr]
    return found if len(found) >= 2 else None


def listed_key(text: str) -> Header | None:
    """'1. B', '2) True', 'Q3: 4.5', '- 4: (c)' in an answer list → question id and key."""
    m = _LISTED_KEY.match(text)
    return Header(m["id"], m["key"].strip()) if m else None
