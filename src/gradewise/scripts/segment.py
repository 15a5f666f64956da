"""Split a script at the answer labels students write and place each piece on the exam's parts.

How it works, in two passes that never look back more than one step (linear in the text):

1. Find label candidates, from the text alone: at the start of a line, after Markdown heading,
   quote, list or bold marks, or just inside a math opener (`$$(ii) ...`), something shaped like
   `Q2 (a)`, `Question-1`, `2. a) i)`, `(b)`, `ii.`, `A.1`, `Part (b)`, `①`, `\\textcircled{a}`.
   Every candidate starts a piece, so piece boundaries depend on the text only and a human's
   override (keyed by a piece's start offset) survives edits to the exam.
2. Walk the candidates in script order and place each on the exam's part tree, from where the
   previous label left off. A candidate becomes a label only when it fits the tree and is
   plausible from there:
   - explicit labels (`Q7`, `Question 2`, `Part (b)`, `Section B`) and compound ones
     (`2a`, `2. a)`, `A.1`) may go anywhere, backwards too (a second attempt joins the first);
   - circled marks (`①`) may repeat the current place or move forward, and go back to an
     earlier part of the current question (parts answered out of order);
   - bare single marks (`(b)`, `3.`, `ii.`, `Ans 3`) must move forward, and a bare mark that
     continues a run of rejected ones (`1.`, `2.`, `3.` inside an answer) is a list item;
   - a bare part mark (`(b)`) is looked up in the current question only, so `(b)` after
     `Q2 (a)` is part 2.b, and `(b)` where the current question has no part b is text;
   - an indented bare mark is a list item, except a letter or roman one that names the current
     question's next part not answered yet (`3. a) F` then `   b) T`).
   A roman numeral (`ii.`, `(iii)`, also in `③ i.` or `Q3 (ii)`) names a part as written, else
   by rank (`ii` is the 2nd part) when no part at that level is named `i`.
   A candidate that is not accepted stays with the piece before it ("continued"), or is
   "unplaced" before the first label; text before the first candidate is the "preamble".
   An explicit question label naming a question the exam does not have (`Q7:` in a
   six-question exam) is "unplaced" wherever it stands: off the exam, never glued to the
   answer before it (a human places it).

A label that names a question (or section) but no part places its text on the question's first
part; `Q2 (c)` where question 2 has no part c is read as `Q2` followed by text "(c)".

A part with no text is "not answered" (0, decided) when the student answered something and
every piece went to some part, leaving out only blank lines, headings, rules, `Name: ...`
style header fields and lines naming the student (`identity`); while any other text is left
unplaced it is "no answer found", for a human to look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

from gradewise import pdf
from gradewise.errors import BadInput, NotFound, ScriptError
from gradewise.model import NOT_ANSWERED, Answer, Exam
from gradewise.scripts.ingest import front_matter
from gradewise.vocabulary import QUESTION_WORDS

NO_ANSWER = "no answer found for this part"

# A place on the exam: (question index, level); level -2 = a section heading, -1 = a question
# with no part named yet, 0.. = that part of the question. Tuples compare in script order.
Position = tuple[int, int]
_START: Position = (-1, -3)

_MAX_ATOMS = 4

# One way to read a label: (its atoms lower-cased, e.g. ("2", "a"), end of the label, end of the
# cut that leaves the label and its markup out of the answer text).
_Reading = tuple[tuple[str, ...], int, int]


@dataclass(frozen=True)
class Piece:
    """A stretch of the script [start, end) and the exam part it answers.

    label: the label as written ('' for none); for "continued"/"unplaced" pieces it is the
    label-like text that was not accepted (kept in the answer text). address: an exam part, or
    None. how: "label", "continued", "override", "preamble" or "unplaced". cut: the label and
    its markup, (start, end) in the script, left out of the answer text (None: nothing cut).
    """

    start: int
    end: int
    label: str
    address: str | None
    how: str
    cut: tuple[int, int] | None = None


@dataclass(frozen=True)
class Segmentation:
    """A script split into pieces, each placed on an exam part (or not)."""

    pieces: tuple[Piece, ...]
    text: str = field(default="", repr=False)
    addresses: tuple[str, ...] = ()
    identity: tuple[str, ...] = ()  # the student's id, name: lines naming them are no answer

    def answers(self, student: str) -> tuple[Answer, ...]:
        """One Answer per exam part, in exam order; parts with no text are flagged (see the
        module docstring: "not answered" or "no answer found")."""
        runs: dict[str, list[Piece]] = {address: [] for address in self.addresses}
        for piece in self.pieces:
            if piece.address in runs:
                runs[piece.address].append(piece)
        running = self.running_lines()
        found = [
            self._answer(student, address, runs[address], running) for address in self.addresses
        ]
        if any(a.text for a in found) and not self.unplaced():
            found = [
                a if a.text or self._spilled(a.address, runs) else replace(a, flag=NOT_ANSWERED)
                for a in found
            ]
        return tuple(found)

    def _spilled(self, address: str, runs: Mapping[str, list[Piece]]) -> bool:
        """Whether the empty part's answer may lie elsewhere: a mark at a line's start read as
        text could name this part, or a mark in the answer before it (`ii)` under a question
        with no parts) could, and no answered part lies between. Such a part goes to a human,
        never decided unanswered."""
        names = _names(address, self.addresses)
        # A mark at a line's start read as text anywhere else ('1.' under `3.`, a second `(b)`):
        # the student may have answered this part there, out of order.
        if any(
            p.how == "continued"
            and _label_atoms(p.label) & names
            and self.text[p.start : p.start + 1] not in (" ", "\t")
            for p in self.pieces
        ):
            return True
        if self._first_part(address) and _number_line(address).search(self.text):
            return True  # '3 tanh' inside answer 2, or before any label: maybe 3's answer
        for before in reversed(self.addresses[: self.addresses.index(address)]):
            pieces = runs[before]
            if any(p.how == "continued" and _label_atoms(p.label) & names for p in pieces):
                return True
            if pieces:
                # 'Q1: c, Q2:b' (a label that is no label where it stands): named inside
                return any(_names_question(address, self._piece_text(p)) for p in pieces)
        return False

    def _first_part(self, address: str) -> bool:
        """Whether the part is its question's first (or only) one."""
        at = self.addresses.index(address)
        question = address.split(".")[:2]
        return at == 0 or self.addresses[at - 1].split(".")[:2] != question

    def unplaced(self) -> str:
        """The text no part received, less what is no answer (headings, the name block)."""
        lines = (
            line
            for piece in self.pieces
            if piece.address is None
            for line in self.text[piece.start : piece.end].splitlines()
        )
        who = _identity(self.identity)
        running = self.running_lines()
        return "\n".join(
            line for line in lines if not _no_answer(line, who) and line.strip() not in running
        )

    def name_words(self) -> frozenset[str]:
        """The words of the student's name (the identity's second entry), lower case."""
        name = self.identity[1] if len(self.identity) > 1 else ""
        return frozenset(w.lower() for w in _WORD.findall(name) if w.isalpha())

    def _answer(
        self, student: str, address: str, pieces: list[Piece], running: frozenset[str]
    ) -> Answer:
        texts: list[str] = []
        spans: list[tuple[int, int]] = []
        name = self.name_words()
        for run in _adjacent_runs(pieces):
            body = "".join(self._piece_text(p) for p in run)
            # A page's running header or footer between two pages of one answer is no part
            # of it ("0.223 / Page 2 of 4" is not 4; "Quiz 3 — Ana Lima (s9)" atop each page).
            body = "".join(
                line
                for line in body.splitlines(keepends=True)
                if not _furniture(line, name) and line.strip() not in running
            ).strip()
            if body:
                texts.append(body)
                spans.append(
                    (
                        run[0].start,
                        run[0].start + len(self.text[run[0].start : run[-1].end].rstrip()),
                    )
                )
        if not texts:
            return Answer(student, address, "", (), NO_ANSWER)
        flag = f"joined from {len(texts)} places in the script" if len(texts) > 1 else ""
        return Answer(student, address, "\n\n".join(texts), tuple(spans), flag)

    def running_lines(self) -> frozenset[str]:
        """The lines a PDF script repeats at the top or bottom of its pages (a header with the
        course and the student's name), never a label's line."""
        pages = [page.split("\n") for page in self.text.split("\f")]
        found = pdf.running_lines(pages, _opens_label)
        return frozenset(pages[n][i].strip() for n, at in enumerate(found) for i in at)

    def _piece_text(self, piece: Piece) -> str:
        if piece.cut is None:
            return self.text[piece.start : piece.end]
        cut_start, cut_end = piece.cut
        return self.text[piece.start : cut_start] + self.text[cut_end : piece.end]


def _names(address: str, addresses: tuple[str, ...]) -> frozenset[str]:
    """What a student may write for this part: its question's number, its own name, and its
    rank among its siblings as a letter or a roman numeral (a list `1. 2.` in an answer is
    too common to count)."""
    path = address.lower().split(".")
    names = {path[1], path[-1]} if len(path) > 1 else {path[0]}
    if len(path) > 2:
        prefix = address.rsplit(".", 1)[0] + "."
        siblings = [
            a for a in addresses if a.startswith(prefix) and a.count(".") == address.count(".")
        ]
        rank = siblings.index(address) + 1
        names |= {chr(ord("a") + rank - 1)} | {r for r, n in _ROMAN_RANKS.items() if n == rank}
    return frozenset(names)


def _number_line(address: str) -> re.Pattern[str]:
    """A line starting with the part's question number, a space and a word ('3 tanh'): no
    label, but perhaps that question's answer."""
    number = re.escape(address.split(".")[1]) if "." in address else re.escape(address)
    return re.compile(rf"(?m)^{number}[ \t]+[^\W\d_]")


def _names_question(address: str, text: str) -> bool:
    """Whether the text names the part's question by a keyword and its number, then a colon
    or bracket ('Q2:', 'question 2)'): where an answer to it may be written."""
    number = re.escape(address.split(".")[1]) if "." in address else re.escape(address)
    return (
        re.search(rf"(?i)(?:\bq|question|problem|task)[ \t]*\.?[ \t]*{number}[ \t]*[:)]", text)
        is not None
    )


def _opens_label(line: str) -> bool:
    """Whether the line starts with a label ('Q2.', '(b)', 'Question 3'): never furniture."""
    match = _LINE.match(line)
    return match is not None and _candidate(line, match) is not None


def _label_atoms(label: str) -> frozenset[str]:
    """A label's numbers and letters, without its keywords (`Q`, `part`)."""
    return frozenset(re.findall(r"\d+|[a-z]+", label.lower())) - _KINDS.keys()


# Lines that hold no answer: blank, rules and page breaks, Markdown headings, and header
# fields (`Name: ...`, `Roll no: 17`, `Exam: ML midterm`): a key naming one of these ...
_FIELD_KEYS = frozenset(
    "student student's name surname id sciper matriculation registration roll email e-mail"
    " date exam examination course module seat candidate signature university department"
    " instructor semester".split()
)
# ... and perhaps these around it (`First name`, `Student no.`), never alone (`Number: 42`).
_FIELD_QUALIFIERS = frozenset("full given family first last no no. number".split())
_RULE = re.compile(r"[\s\W_]*")
_HEADING = re.compile(r"[ \t>]*#{1,6}(?:[ \t]|$)")  # `# Midterm`, not `#3 tanh`
_FIELD = re.compile(r"[ \t>*_]*(?P<key>[A-Za-z][A-Za-z.' -]{0,40}?)[ \t*_]*:")
_WORD = re.compile(r"[^\W\d_]+|\d+")
_TOKEN = re.compile(r"[\s,;:|()\[\]*_]+")
_NAMING = frozenset({"name", "student", "id"})  # "Name - Ada Lovelace"


def _identity(identity: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """(ids, name words lower-cased) of the student. An id must be long or mixed enough not
    to be an answer's number (`s1`, `0012`, not `12`)."""
    ids = frozenset(
        x for x in identity if len(x) >= 4 or (re.search(r"\d", x) and re.search(r"\D", x))
    )
    words = frozenset(w.lower() for x in identity for w in _WORD.findall(x))
    return ids, words | _NAMING if words else words


def _no_answer(line: str, who: tuple[frozenset[str], frozenset[str]]) -> bool:
    """Is this unplaced line no answer: blank, a rule, a heading, a header field, or the
    student's name or id?"""
    if _RULE.fullmatch(line) or _HEADING.match(line) or _furniture(line):
        return True
    field = _FIELD.match(line)
    keys = field["key"].lower().split() if field else []
    if keys and set(keys) & _FIELD_KEYS and set(keys) <= _FIELD_KEYS | _FIELD_QUALIFIERS:
        return True
    ids, words = who
    if ids & {token.rstrip(".") for token in _TOKEN.split(line)}:
        return True
    found = {w.lower() for w in _WORD.findall(line)}
    return bool(found) and found <= words


# A page's furniture: its number ("Page 2 of 4", "- 3 -", "--- page 2 ---"), a note to turn
# over ("(continued)", "PTO"), the student's name field repeated on each page.
_PAGE_LINE = re.compile(
    r"[ \t>*_#\[(=~-]*(?:(?:page|pg\.?|seite|p\.)[ \t]*\d+(?:[ \t]*(?:of|/|von)[ \t]*\d+)?"
    r"|[-–—][ \t]*\d+[ \t]*[-–—]"
    r"|\(?(?:continued|cont(?:'d|\.)?)(?:[ \t]+(?:on|from)[ \t]+(?:the[ \t]+)?(?:next|previous|"
    r"last|other)[ \t]+(?:page|side|sheet))?\)?|p\.?t\.?o\.?|please turn over)"
    r"[ \t\])*_#=~.-]*\r?\n?",
    re.I,
)
_PAGE_MARK = re.compile(
    r"\b(?:page|pg\.?|seite)[ \t]*\d+(?:[ \t]*(?:of|/|von)[ \t]*\d+)?[ \t]*$", re.I
)
_NAME_FIELDS = frozenset(["name", "student", "id", "roll", "sciper", "candidate"])


def _furniture(line: str, name: frozenset[str] = frozenset()) -> bool:
    """Is this line of an answer the page's furniture, not the answer (see `_PAGE_LINE`)?
    `name`: the words of the student's name, lower case."""
    if not line.strip():
        return False
    if _PAGE_LINE.fullmatch(line.strip()):
        return True
    field = _FIELD.match(line)
    keys = set(field["key"].lower().split()) if field else set()
    if keys & _NAME_FIELDS and _PAGE_MARK.search(line):
        return True  # "Name: Jordan Lee   Page 2" atop a page
    # The student's full name alone on a line (never an id: its digits may be an answer)
    found = {w.lower() for w in _WORD.findall(line)}
    return len(name) >= 2 and found == name


def _adjacent_runs(pieces: list[Piece]) -> Iterator[list[Piece]]:
    """Group pieces that follow each other in the script with nothing between them."""
    run: list[Piece] = []
    for piece in pieces:
        if run and run[-1].end != piece.start:
            yield run
            run = []
        run.append(piece)
    if run:
        yield run


# the exam's part tree ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Question:
    section: int
    id: str  # lower-cased, as are all ids below
    paths: tuple[tuple[str, ...], ...]  # each part's ids under the question; () = no parts
    addresses: tuple[str, ...]

    def find(self, path: tuple[str, ...]) -> int | None:
        """The part whose path is `path`, else the first one under it (nested parts)."""
        if path in self.paths:
            return self.paths.index(path)
        n = len(path)
        return next((i for i, p in enumerate(self.paths) if p[:n] == path), None)

    def ordinal(self, path: tuple[str, ...], *, digits: bool = False) -> int | None:
        """The part a roman numeral ending `path` names by rank among its siblings (`ii`: the
        2nd), for parts named a, b, c or 1, 2, 3; None when a sibling is named `i` (roman parts,
        or letters up to i), where the numeral is read as written. With `digits`, a number
        names a part by rank among siblings named by letters (`6.2`: part b of question 6)."""
        prefix = path[:-1]
        n = len(prefix)
        siblings = list(dict.fromkeys(p[n] for p in self.paths if len(p) > n and p[:n] == prefix))
        if digits:
            rank = int(path[-1]) if path[-1].isdigit() else None
            if any(sibling.isdigit() for sibling in siblings):
                return None
        else:
            rank = _ROMAN_RANKS.get(path[-1])
            if "i" in siblings:
                return None
        if rank is None or not 0 < rank <= len(siblings):
            return None
        return self.find((*prefix, siblings[rank - 1]))

    def locate(self, path: tuple[str, ...]) -> int | None:
        """The part `path` names as written, else by a roman numeral's rank, else (the
        question's number written before it: `6.2`) by a number's rank."""
        found = self.find(path)
        if found is None:
            found = self.ordinal(path)
        return self.ordinal(path, digits=True) if found is None else found

    def level(self) -> int:
        """The level a bare mention of this question lands on: its only part, or none yet."""
        return 0 if self.paths == ((),) else -1


@dataclass(frozen=True)
class _Tree:
    questions: tuple[_Question, ...]
    sections: tuple[tuple[str, str, int], ...]  # (id as written, lower-cased id, first question)
    by_id: Mapping[str, tuple[int, ...]] = field(hash=False)

    def address(self, pos: Position) -> str:
        question = self.questions[pos[0]]
        return question.addresses[max(pos[1], 0)]

    def position(self, address: str) -> Position | None:
        for qi, question in enumerate(self.questions):
            if address in question.addresses:
                return (qi, question.addresses.index(address))
        return None


@lru_cache(maxsize=16)
def _tree(exam: Exam) -> _Tree:
    questions: list[_Question] = []
    sections = []
    for si, section in enumerate(exam.sections):
        if section.questions:
            sections.append((section.id, section.id.lower(), len(questions)))
        for question in section.questions:
            prefix = f"{section.id}.{question.id}"
            paths = tuple(_path(p.address, prefix) for p in question.parts)
            addresses = tuple(p.address for p in question.parts)
            questions.append(_Question(si, question.id.lower(), paths, addresses))
    by_id: dict[str, tuple[int, ...]] = {}
    for qi, q in enumerate(questions):
        by_id[q.id] = (*by_id.get(q.id, ()), qi)
    return _Tree(tuple(questions), tuple(sections), by_id)


def _path(address: str, prefix: str) -> tuple[str, ...]:
    rest = address[len(prefix) :].lstrip(".") if address.startswith(prefix) else address
    return tuple(rest.lower().split(".")) if rest else ()


# finding label candidates -----------------------------------------------------------------

_LINE = re.compile(
    r"^(?P<indent>[ \t]*)"
    r"(?P<lead>(?:(?:\#{1,6}|>|[-*+•])[ \t]+)*(?:\*\*|__)?[ \t]*"
    # LaTeX: `\section*{Question 1}`, `\textbf{Q2}`, `\item[(b)]`, `\noindent`
    r"(?:\\noindent[ \t]*)?(?:\\(?:(?:sub)*section|paragraph|textbf|item)\*?[{\[][ \t]*)?)"
    r"(?P<math>\$\$|\$|\\\[)?[ \t]*(?:\*\*)?",
    re.M,
)
_KEYWORD = re.compile(
    # ... and the same words in German, French and Spanish ('Aufgabe 2', 'Réponse 3', 'Teil B')
    rf"(?P<kw>{'|'.join(QUESTION_WORDS)}|antwort|lösung"
    r"|loesung|réponse|reponse|respuesta|solution|soln|sol|teil|partie|parte"
    r"|question|ques|qn|q|problem|prob|exercise|ex|task|answer|ans|part|section|sec"
    # 'P1:', 'Pb 2.', 'P3a)', '#3', 'No. 4': a question's number right after ('P' only with
    # the label's own stop after it: 'P 1 is the first' is text)
    r"|pb?(?=[ \t]?\d{1,3}(?:[a-z]|\([a-z]\))?(?:[:.)]|[ \t]*(?:\r?\n|$)))|\#(?=\d)"
    r"|no\.(?=[ \t]?\d))"
    r"(?:[ \t]*\.)?[ \t]*"
    # 'Answer to Q1', 'Answer for question 2': the question's own keyword after the answer's
    r"(?:(?<=[rRsS] )(?:to|for|of)[ \t]+(?:(?:question|ques|qn|q|problem|prob|exercise|ex)"
    r"(?:[ \t]*\.)?[ \t]*)?)?"
    r"(?:[-–#][ \t]*|no\.[ \t]*|n[°º][ \t]*|nr\.?[ \t]*)?(?=[(\[]?[ \t]*\w)",
    re.I,
)
# A part's letter after a question's number and a space ('Q4 b'): not 'a' or 'i', which are
# words ('Q7 a lot of ...') and which a bare 'Q4' lands on anyway when they are the first part.
_LONE = re.compile(r"[b-hj-z]")
# A part's keyword between the atoms of one label: 'Question 4 part (b)', 'Q2, part c'.
_INNER_PART = re.compile(r"[ \t]*,?[ \t]*(?:sub-?)?part[ \t]*\.?[ \t]*(?=[(\[]?[ \t]*\w)", re.I)
_KINDS = {
    **dict.fromkeys(QUESTION_WORDS, "question"),
    **dict.fromkeys(
        "antwort lösung loesung réponse reponse respuesta solution soln sol".split(), "answer"
    ),
    **dict.fromkeys("teil partie parte".split(), "part"),
    "question": "question",
    "ques": "question",
    "qn": "question",
    "q": "question",
    "problem": "question",
    "prob": "question",
    "exercise": "question",
    "ex": "question",
    "task": "question",
    "answer": "answer",
    "ans": "answer",
    "part": "part",
    "section": "section",
    "sec": "section",
    "p": "question",
    "pb": "question",
    "#": "question",
    "no.": "question",
}
_CIRCLED_TEX = re.compile(r"\\(?:textcircled|circled)\{[ \t]*(\d{1,2}|[A-Za-z])[ \t]*\}")
_ATOM = re.compile(
    r"(?P<open>[(\[][ \t]*)?(?P<atom>\d{1,3}|[ivxIVX]{2,5}|[A-Za-z])(?P<close>[ \t]*[)\]])?"
)
_SEP = re.compile(r"[ \t]*(?:[.\-–:][ \t]*)?")
_TRAIL = re.compile(
    r"(?:[ \t]*(?:\*\*|__|\\quad|\\qquad|\\;|[}\]]|(?:[:\-–—.]|=>|->)(?=[ \t\r\n])))*[ \t]*"
)
_BOUNDARY = frozenset(" \t\r\n*_$\\}]")


def _circled_chars() -> dict[str, str]:
    table: dict[str, str] = {}
    for first, count, base in (
        (0x2460, 20, "1"),  # ① .. ⑳
        (0x2474, 20, "1"),  # ⑴ .. ⒇
        (0x2776, 10, "1"),  # ❶ .. ❿
        (0x2780, 10, "1"),  # ➀ .. ➉
        (0x278A, 10, "1"),  # ➊ .. ➓
        (0x249C, 26, "a"),  # ⒜ .. ⒵
        (0x24B6, 26, "a"),  # Ⓐ .. Ⓩ
        (0x24D0, 26, "a"),  # ⓐ .. ⓩ
    ):
        for i in range(count):
            table[chr(first + i)] = str(i + 1) if base == "1" else chr(ord("a") + i)
    return table


_CIRCLED = _circled_chars()


@dataclass(frozen=True)
class _Candidate:
    line: int  # where the piece starts: the start of the line
    cut_from: int  # where the cut starts: the line start, or just inside a math opener
    dollar: int  # where a single `$` opener is (-1: none), cut too when its closer is
    label_start: int
    kind: str  # question, answer, part, section, circled, bare; after text on a line: inline,
    # inline question
    heading: bool
    indented: bool
    readings: tuple[_Reading, ...]  # longest first
    upper: bool  # the first atom was written in capitals (Part A: a section, not part a)
    # an answer's keyword that names its question ('Answer to Q1', 'Solution 2:', 'Ans 3)'),
    # a label wherever it stands; 'Ans 3' or 'Answer 4.' alone may be the answer itself
    named: bool = False

    def written(self, text: str) -> str:
        return text[self.label_start : self.readings[0][1]]


def _candidates(text: str, start: int) -> Iterator[_Candidate]:
    inside = _block_lines(text, start)
    for line in _LINE.finditer(text, start):
        if line.start() in inside:
            continue  # `1. x = 1` in a code block, `(a)` on a line of display math
        candidate = _candidate(text, line)
        if candidate is not None:
            yield candidate


# Blocks whose lines hold no label: fenced code (```, ~~~), display math spanning lines ($$, \[,
# \begin{align} ...). The opening line may (`$$(ii) x = 1`); the lines after it may not.
_FENCE = re.compile(r"[ \t>]*(?P<fence>```|~~~)")
_MATH_OPEN = re.compile(
    r"[ \t>]*(?:(?P<dollars>\$\$)|(?P<bracket>\\\[)"
    r"|\\begin\{(?P<env>(?:equation|align|gather|multline|eqnarray|displaymath|split)\*?)\})"
)


def _block_lines(text: str, start: int) -> frozenset[int]:
    """The starts of the lines inside a code block or a display-math block (never their first);
    a block never closed holds none (its labels are labels: nothing runs into one answer)."""
    inside: set[int] = set()
    pending: list[int] = []
    closer = ""
    pos = start
    while pos < len(text):
        end = _line_end(text, pos)
        line = text[pos:end]
        if closer:
            pending.append(pos)
            if closer in line:
                closer = ""
                inside.update(pending)
                pending.clear()
        elif fence := _FENCE.match(line):
            closer = fence["fence"]
        elif math := _MATH_OPEN.match(line):
            closer = (
                "$$" if math["dollars"] else "\\]" if math["bracket"] else f"\\end{{{math['env']}}}"
            )
            if closer in line[math.end() :]:
                closer = ""  # opened and closed on one line
        pos = end + 1
    return frozenset(inside)


# A part's mark inside a line, after other text: `(a) F  (b) T`, `a) 0.25   b) 0.097`. Taken
# only for the current question's next part (`_accept`), never inside `$...$`.
_INLINE = re.compile(
    r"(?<=[ \t])(?:\((?P<a>[a-z]|[ivx]{2,4})\)|(?P<b>[a-z]|[ivx]{2,4})\))(?=[ \t])"
)


# The next question's label inside a line, after the answer before it: `Q1: c   Q2: b`. Taken
# only for the question right after the current one (`_accept`), never inside `$...$`.
_INLINE_QUESTION = re.compile(
    r"(?<=[ \t])(?:question|problem|prob|exercise|ex|task|q)[ \t]*\.?[ \t]*(?P<q>\d{1,3})"
    r"[ \t]*[:.)](?=[ \t])",
    re.I,
)


def _inline(text: str, start: int, end: int) -> Iterator[_Candidate]:
    found = [*_INLINE.finditer(text, start, end), *_INLINE_QUESTION.finditer(text, start, end)]
    for match in sorted(found, key=lambda m: m.start()):
        if text.count("$", start, match.start()) % 2:
            continue  # inside math
        question = match.re is _INLINE_QUESTION
        atom = match["q"] if question else match["a"] or match["b"]
        yield _Candidate(
            line=match.start(),
            cut_from=match.start(),
            dollar=-1,
            label_start=match.start(),
            kind="inline question" if question else "inline",
            heading=False,
            indented=False,
            readings=(((atom,), match.end(), _cut_end(text, match.end(), "")),),
            upper=False,
        )


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _candidate(text: str, line: re.Match[str]) -> _Candidate | None:
    pos = line.end()
    if pos >= len(text) or text[pos] in "\r\n":
        return None
    kind, first, pos = _opening(text, pos)
    if kind is None:
        return None
    marked = "#" in line["lead"] or line["lead"].rstrip().endswith(("**", "__"))
    readings = _readings(text, pos, kind, first, line["math"] or "", marked=marked)
    if not readings:
        return None
    indent = line["indent"].replace("\t", "    ")
    math = line["math"]
    return _Candidate(
        line=line.start(),
        cut_from=line.end() if math else line.start(),
        dollar=line.start("math") if math == "$" else -1,
        label_start=line.end(),
        kind=kind,
        heading="#" in line["lead"],
        indented=len(indent) >= 2,
        readings=readings,
        upper=first is None and _first_upper(text, pos),
        named=kind == "answer"
        and any(_names_its_question(text, line.end(), end) for _atoms, end, _cut in readings),
    )


_ANSWER_TO = re.compile(r"\w+[ \t]+(?:to|for|of)[ \t]", re.I)


def _names_its_question(text: str, start: int, end: int) -> bool:
    """Whether an answer's label names its question: 'Answer to Q1', 'Solution 2:'."""
    stop = text[end - 1] in ":)" or _COLON.match(text, end) is not None  # 'Réponse 2 :'
    return stop or _ANSWER_TO.match(text, start, end) is not None


_COLON = re.compile(r"[ \t]*(?:\*\*|__)?[ \t]*:")


def _first_upper(text: str, pos: int) -> bool:
    match = _ATOM.match(text, pos)
    return bool(match and match["atom"].isupper())


_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
).split()
# 'Question One:', 'Answer two.': a question's number as a word, the label ending right after it
_NUMBER_WORD = re.compile(
    rf"(?P<word>{'|'.join(reversed(_NUMBER_WORDS))})(?=[ \t]*(?:[:.)\r\n]|$|\*\*))", re.I
)


def _opening(text: str, pos: int) -> tuple[str | None, str | None, int]:
    """What the candidate starts with: (kind, circled atom or None, where the atoms start)."""
    char = text[pos]
    if char in _CIRCLED:
        return "circled", _CIRCLED[char], pos + 1
    if char == "\\":
        match = _CIRCLED_TEX.match(text, pos)
        return ("circled", match[1].lower(), match.end()) if match else (None, None, pos)
    match = _KEYWORD.match(text, pos)
    if match:
        kind = _KINDS[match["kw"].lower()]
        word = _NUMBER_WORD.match(text, match.end())
        if word is not None and kind in ("question", "answer"):
            return kind, str(_NUMBER_WORDS.index(word["word"].lower()) + 1), word.end()
        return kind, None, match.end()
    return "bare", None, pos


def _readings(
    text: str, pos: int, kind: str, first: str | None, math: str, *, marked: bool = False
) -> tuple[_Reading, ...]:
    """Every way the label can end, longest first, as (atoms, label end, cut end); `marked`:
    the line opens as a heading or in bold, where a number alone on it is a label (`**3**`)."""
    atoms: list[str] = []
    readings = []
    previous_class = ""
    bracket = False
    if first is not None:
        atoms.append(first)
        previous_class = _class(first)
        readings.append((tuple(atoms), pos, _cut_end(text, pos, math)))
    while len(atoms) < _MAX_ATOMS:
        inner = _INNER_PART.match(text, pos) if atoms else None
        sep = inner or (_SEP.match(text, pos) if atoms else None)
        at = sep.end() if sep else pos
        match = _ATOM.match(text, at)
        if match is None:
            break
        if match["open"] and not match["close"]:
            if atoms:
                break
            bracket = True  # `(5a)`, `[5.b]`: a label ends only where its bracket closes
        atom = match["atom"]
        written = "." if inner else text[pos:at]  # 'Q4 part b' hangs b on 4 as 'Q4.b' does
        joint = _joint(written, previous_class, _class(atom), bool(match["open"]))
        if (
            joint == "space"
            and kind in ("question", "answer")
            and previous_class == "digit"
            and _LONE.fullmatch(atom)
        ):
            joint = "dot"  # 'Ans 4 b 0.223': after a keyword and a number, a lone letter
        if joint is None:
            break
        atoms.append(atom.lower())
        previous_class = _class(atom)
        if bracket:
            end = match.end() if match["close"] else None
            bracket = not match["close"]
        else:
            end = _label_end(
                text,
                match,
                kind,
                joint,
                first_atom=len(atoms) == 1 and first is None,
                marked=marked,
            )
        if end is not None:
            readings.append((tuple(atoms), end, _cut_end(text, end, math)))
        pos = match.end()
    return tuple(reversed(readings))


def _class(atom: str) -> str:
    if atom.isdigit():
        return "digit"
    return "roman" if len(atom) > 1 else "letter"


def _joint(sep: str, before: str, after: str, opened: bool) -> str | None:
    """How an atom hangs on the one before: first, glue (`2a`), dot (`A.1`), space; None: not."""
    if not before:
        return "first"
    if sep == "":
        if opened:
            return "glue"
        return "glue" if before != after and "digit" in (before, after) else None
    return "dot" if sep in (".", "-") or sep.strip() in ("-", "–") else "space"  # '5 - c'


def _label_end(
    text: str, match: re.Match[str], kind: str, joint: str, *, first_atom: bool, marked: bool
) -> int | None:
    """Where the label ends if it may end after this atom; None when it may not."""
    end = match.end()
    if match["close"]:
        return end
    if end < len(text) and text[end] in ".:" and _at_boundary(text, end + 1):
        return end + 1
    if kind != "bare" and _ARROW.match(text, end):
        return end  # 'Q1 - 42', 'Q2 => ...', 'Ans 3 -> ...'
    if not _at_boundary(text, end):
        return None
    # A plain `2` or `A` followed by a space is text ("A matrix is..."), unless a keyword or a
    # circled mark came first (`Q7 Optimizers`), or the atom is glued on (`2a`, `II.4`).
    if first_atom and kind == "bare":
        # ... and a number alone on a heading or bold line (`## 3`, `**3**`) is a label
        # ... or in bold of its own (`**1** 42`, `__2__ yes`)
        number = marked and match["atom"].isdigit()
        alone = number and _line_ends(text, _cut_end(text, end, ""))
        return end if alone or (number and text.startswith(("**", "__"), end)) else None
    if not first_atom and joint == "space":
        return None
    return end


_ARROW = re.compile(r"[ \t]*(?:-|–|—|=>|->|→)(?=[ \t\r\n]|$)")


def _line_ends(text: str, pos: int) -> bool:
    return pos >= len(text) or text[pos] in "\r\n"


def _at_boundary(text: str, pos: int) -> bool:
    return pos >= len(text) or text[pos] in _BOUNDARY


def _cut_end(text: str, end: int, math: str) -> int:
    """Where the cut ends: after closing bold, `\\quad`, a colon or dash, and spaces."""
    end = _TRAIL.match(text, end).end()  # type: ignore[union-attr]  # matches the empty string
    if math == "$" and text.startswith("$", end) and not text.startswith("$$", end):
        end += 1  # `$\textcircled{a}$` alone: drop the closing dollar with the label
    return end


# placing candidates on the tree -----------------------------------------------------------

_STRONG, _CIRCLE, _WEAK = 0, 1, 2


@dataclass
class _Walk:
    """Where the walk through the script stands."""

    pos: Position = _START
    runs: dict[str, int] = field(default_factory=dict)  # last rejected list mark per style
    visited: set[Position] = field(default_factory=set)

    def move(self, place: Position) -> None:
        self.pos = place
        self.runs.clear()
        self.visited.add(place)


def _choose(cand: _Candidate, tree: _Tree, walk: _Walk) -> tuple[Position, _Reading] | None:
    """The place the longest fitting reading of the candidate goes to; forward places first."""
    for reading in cand.readings:
        places = [
            place
            for place in _readings_on_tree(cand, reading[0], tree, walk.pos)
            if _accept(cand, place, reading[0], walk)
        ]
        if places:
            forward = [place for place in places if place >= walk.pos]
            return (forward or places)[0], reading
    return None


def _strength(cand: _Candidate, atoms: tuple[str, ...]) -> int:
    if cand.kind in ("question", "part", "section") or (cand.kind == "bare" and len(atoms) > 1):
        return _STRONG
    if cand.named and not (len(atoms) == 1 and atoms[0].isalpha()):  # 'Answer (b):' is a mark
        return _STRONG
    return _CIRCLE if cand.kind == "circled" else _WEAK


def _readings_on_tree(
    cand: _Candidate, atoms: tuple[str, ...], tree: _Tree, pos: Position
) -> Iterator[Position]:
    kind = cand.kind
    section_first = kind == "section" or (kind == "part" and cand.upper)
    if section_first:
        yield from _as_section(atoms, tree, pos, alone=True)
    if kind in ("part", "bare", "circled", "inline", "answer"):  # 'Answer (b):' too
        yield from _as_part(atoms, tree, pos)
    if kind in ("question", "answer", "bare", "circled", "inline question"):
        yield from _as_question(atoms, tree, pos)
    if kind in ("question", "bare", "part") and not section_first:
        alone = kind == "part" or (kind == "bare" and cand.heading)
        yield from _as_section(atoms, tree, pos, alone=alone)


def _as_part(atoms: tuple[str, ...], tree: _Tree, pos: Position) -> Iterator[Position]:
    """The part of the current question (the first question before any label) named by atoms."""
    qi = max(pos[0], 0)
    if not tree.questions:
        return
    question = tree.questions[qi]
    # Nested parts: `(ii)` after `a) i)` is a.ii. Names as written come first; a roman
    # numeral's rank (`ii.` for part b) only when no part is named so, the deepest level first.
    here = question.paths[pos[1]] if pos[1] >= 0 else ()
    nested = [here[:k] for k in range(len(here) - 1, 0, -1)]
    found = _first(question.find, [(), *nested], atoms)
    if found is None:
        found = _first(question.ordinal, [*nested, ()], atoms)
    if found is not None and question.paths[found]:
        yield (qi, found)


def _first(
    look: Callable[[tuple[str, ...]], int | None],
    prefixes: list[tuple[str, ...]],
    atoms: tuple[str, ...],
) -> int | None:
    """The first part `look` finds for the atoms under one of the prefixes, in order."""
    for prefix in prefixes:
        found = look(prefix + atoms)
        if found is not None:
            return found
    return None


def _as_question(
    atoms: tuple[str, ...], tree: _Tree, pos: Position, within: int | None = None
) -> Iterator[Position]:
    """The nearest question with this number (sections may repeat numbers), then its part."""
    if atoms[0] not in tree.by_id:  # a question numbered '1.2' (a bank's second version of 1)
        dotted = next(
            (k for k in range(len(atoms), 1, -1) if ".".join(atoms[:k]) in tree.by_id), None
        )
        if dotted is not None:
            atoms = (".".join(atoms[:dotted]), *atoms[dotted:])
    numbered = [
        (qi, tree.questions[qi].level())
        for qi in tree.by_id.get(atoms[0], ())
        if within is None or tree.questions[qi].section == within
    ]
    for qi, level in _nearest(pos, numbered):
        question = tree.questions[qi]
        if len(atoms) == 1:
            yield (qi, level)
        elif (found := question.locate(atoms[1:])) is not None and question.paths[found]:
            yield (qi, found)
        return  # `1) (b)` in section I is I.1 and text "(b)", not II.1.b further on


def _as_section(
    atoms: tuple[str, ...], tree: _Tree, pos: Position, *, alone: bool
) -> Iterator[Position]:
    for _written, lower, first in tree.sections:
        if atoms[0] != lower:
            continue
        if len(atoms) == 1:
            if alone:
                yield (first, -2)
            continue
        section = tree.questions[first].section
        yield from _as_question(atoms[1:], tree, pos, within=section)


def _nearest(pos: Position, places: list[Position]) -> Iterator[Position]:
    """The same place first, then forward nearest first, then backward nearest first."""
    yield from sorted(places, key=lambda p: (p != pos, p < pos, abs(p[0] - pos[0]), p))


def _accept(cand: _Candidate, place: Position, atoms: tuple[str, ...], walk: _Walk) -> bool:
    """Is this reading plausible from where the walk stands?"""
    if cand.kind == "inline":  # inside a line: only the very next part of this question
        return walk.pos[1] >= 0 and _next_part(place, atoms, walk)
    if cand.kind == "inline question":  # ... or the very next question
        return walk.pos[0] >= 0 and place[0] == walk.pos[0] + 1
    strength = _strength(cand, atoms)
    if strength == _STRONG:
        return True
    if strength == _CIRCLE:  # deliberate marks: back within the question, never to an earlier one
        return place >= walk.pos or (place[0] == walk.pos[0] and place[1] >= 0)
    if place == walk.pos:
        return False
    if place < walk.pos and not _skipped_part(cand, place, walk):
        return False
    if cand.kind == "bare":
        if _continues_list(atoms[0], walk.runs):
            return False
        return not cand.indented or _next_part(place, atoms, walk)
    return True


def _next_part(place: Position, atoms: tuple[str, ...], walk: _Walk) -> bool:
    """An indented `b)` under `3. a)` is part b when b is the current question's next part not
    answered yet; an indented number (`   2.`) is always an item of a list inside the answer."""
    if atoms[0].isdigit():
        return False
    qi, level = walk.pos[0], max(walk.pos[1] + 1, 0)
    while (qi, level) in walk.visited:
        level += 1
    return place == (qi, level)


def _skipped_part(cand: _Candidate, place: Position, walk: _Walk) -> bool:
    """A bare `(b)` may go back within the question to a part not answered yet (out of order);
    a part already answered is more likely an item of a list inside the current answer."""
    same_question = place[0] == walk.pos[0] and place[1] >= 0
    return cand.kind == "bare" and same_question and place not in walk.visited


def _styles(atom: str) -> dict[str, int]:
    """The list numbers a mark could be: `3` and `c` are 3, `ii` is 2, `i` is 9 or roman 1."""
    if atom.isdigit():
        return {"digit": int(atom)}
    if len(atom) > 1:
        return {"roman": _roman(atom)}
    styles = {"letter": ord(atom) - ord("a") + 1}
    if atom in "ivx":
        styles["roman"] = _roman(atom)
    return styles


_ONES = ("", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix")
# i .. xxxix: well-formed numerals only, so `iiv` or `vv` rank no part
_ROMAN_RANKS = {("", "x", "xx", "xxx")[n // 10] + _ONES[n % 10]: n for n in range(1, 40)}


def _roman(atom: str) -> int:
    values = {"i": 1, "v": 5, "x": 10}
    total = 0
    for i, char in enumerate(atom):
        value = values[char]
        total += -value if i + 1 < len(atom) and values[atom[i + 1]] > value else value
    return total


def _continues_list(atom: str, runs: Mapping[str, int]) -> bool:
    return any(runs.get(style) == n - 1 for style, n in _styles(atom).items())


# the walk ---------------------------------------------------------------------------------


def segment(
    text: str,
    exam: Exam,
    *,
    overrides: Mapping[int, str] | None = None,
    identity: tuple[str, ...] = (),
) -> Segmentation:
    """Split `text` into pieces and place each on a part of `exam` (see the module docstring).

    `overrides` maps a piece's start offset to the part a human chose for it; it wins over the
    automatic placement, and the walk carries on from there. `identity`: the student's id and
    name, so that a line naming them is not taken for an answer left unplaced.
    """
    tree = _tree(exam)
    overrides = overrides or {}
    body = _body_start(text)
    candidates = list(_candidates(text, body))
    bounds = [c.line for c in candidates] + [len(text)]
    pieces: list[Piece] = []
    walk = _Walk()
    if text[body : bounds[0]].strip():
        pieces.append(
            _override(Piece(body, bounds[0], "", None, "preamble"), tree, walk, overrides)
        )
    for cand, end in zip(candidates, bounds[1:], strict=True):
        previous = pieces[-1].address if pieces else None
        piece = _override(_place(text, cand, end, tree, walk, previous), tree, walk, overrides)
        if piece.how == "label" and piece.cut is not None:
            # `(a) F  (b) T`: the parts after it on its line start pieces of their own
            for inline in _inline(text, piece.cut[1], min(_line_end(text, cand.line), end)):
                split = _place(text, inline, end, tree, walk, piece.address)
                if split.how != "label":
                    continue
                pieces.append(replace(piece, end=inline.line))
                piece = _override(split, tree, walk, overrides)
        pieces.append(piece)
    addresses = tuple(a for q in tree.questions for a in q.addresses)
    return Segmentation(tuple(pieces), text, addresses, identity)


def _body_start(text: str) -> int:
    """Where the answers start: after the front matter (a broken one is segmented as text)."""
    try:
        return front_matter(text)[1]
    except ScriptError:  # ingest reported it already; segmenting must not fail
        return 0


def _place(
    text: str, cand: _Candidate, end: int, tree: _Tree, walk: _Walk, previous: str | None
) -> Piece:
    chosen = _choose(cand, tree, walk)
    if chosen is not None:
        place, (_atoms, label_end, cut_end) = chosen
        walk.move(place)
        label = text[cand.label_start : label_end]
        cut_from = cand.cut_from
        if cand.dollar >= 0 and text[cut_end - 1] == "$":
            cut_from = cand.dollar  # `$\textcircled{a}$`: the closer went, so does the opener
        return Piece(cand.line, end, label, tree.address(place), "label", (cut_from, cut_end))
    if cand.kind == "bare" and len(cand.readings[-1][0]) == 1:
        walk.runs.update(_styles(cand.readings[-1][0][0]))
    if cand.kind == "question" and not _names_known_question(cand, tree):
        # 'Q7:' in a six-question exam: off the exam, never part of the answer before it
        return Piece(cand.line, end, cand.written(text).strip(), None, "unplaced")
    how = "continued" if previous is not None else "unplaced"
    return Piece(cand.line, end, cand.written(text).strip(), previous, how)


def _names_known_question(cand: _Candidate, tree: _Tree) -> bool:
    """Whether some reading of a question label starts with a question (or section) the exam
    has: `Q2 (c)` does, `Q7` in an exam of six questions does not."""
    sections = {lower for _written, lower, _first in tree.sections}
    for atoms, _end, _cut in cand.readings:
        dotted = (".".join(atoms[:k]) for k in range(1, len(atoms) + 1))
        if atoms[0] in sections or any(d in tree.by_id for d in dotted):
            return True
    return False


def _override(piece: Piece, tree: _Tree, walk: _Walk, overrides: Mapping[int, str]) -> Piece:
    """Apply a human's choice for this piece, if any; an address the exam lacks is ignored."""
    address = overrides.get(piece.start)
    place = tree.position(address) if address else None
    if address is None or place is None:
        return piece
    walk.move(place)
    return Piece(piece.start, piece.end, piece.label, address, "override", piece.cut)


# a part named in a table --------------------------------------------------------------------

# What people write between a question and its part in a form: "Question 2, part b".
_FILLER = re.compile(r"\b(?:sub-?)?parts?\b|\bquestion\b|[,;/]", re.I)


def parts_named(exam: Exam, label: str) -> tuple[str, ...]:
    """The parts a label typed into a table or form names, as addresses.

    An address as written (`II.4.a`, in any case) names its part; otherwise the label is read
    as scripts' labels are (`4a`, `Q4 (a)`, `4.a`, `Question 4 part a`, `II 4 a`). A question
    named without its part gives all of its parts (one when it has no sub-parts: several mean
    the label is ambiguous); a label the exam has no part for gives none.
    """
    label = label.strip()
    addresses = [p.address for p in exam.parts()]
    for same in (str.__eq__, lambda a, b: a.lower() == b.lower()):
        exact = [a for a in addresses if same(a, label)]
        if exact:
            return (exact[0],)
    kind, first, pos = _opening(label, 0) if label else (None, None, 0)
    if kind is None:
        return ()
    rest = ".".join(_FILLER.sub(" ", label[pos:]).split())
    # Read as after a keyword: a lone `4` is a label here, not the start of a sentence.
    whole = [r[0] for r in _readings(rest, 0, "question", first, "") if r[2] == len(rest)]
    return tuple(dict.fromkeys(_named(_tree(exam), whole[0]))) if whole else ()


def part_named(exam: Exam, label: str) -> str:
    """The one part a label a human typed names (`parts_named`), or why there is not one:
    NotFound naming the parts there are, or BadInput naming the parts a bare question has.
    Every command and page that takes a part from a human asks this."""
    if not label.strip():
        raise BadInput("no part given", fix="write the part, e.g. II.7.a or 7a")
    named = parts_named(exam, label)
    if not named:
        known = ", ".join(p.address for p in exam.parts())
        raise NotFound(f"no part {label.strip()!r} in the exam", fix=f"use one of: {known}")
    if len(named) > 1:
        raise BadInput(
            f"{label.strip()!r} names {len(named)} parts ({', '.join(named)})",
            fix=f"write which one, e.g. {named[0]}",
        )
    return named[0]


def _named(tree: _Tree, atoms: tuple[str, ...]) -> Iterator[str]:
    """The addresses atoms name: question first (`4`, `4.a`), then section first (`II.4.a`)."""
    for qi in tree.by_id.get(atoms[0], ()):
        yield from _under(tree.questions[qi], atoms[1:])
    for _written, lower, first in tree.sections:
        if atoms[0] == lower and len(atoms) > 1:
            section = tree.questions[first].section
            for qi in tree.by_id.get(atoms[1], ()):
                if tree.questions[qi].section == section:
                    yield from _under(tree.questions[qi], atoms[2:])


def _under(question: _Question, path: tuple[str, ...]) -> tuple[str, ...]:
    """The parts of `question` that `path` names: itself, those nested under it, or by rank."""
    if path in question.paths:
        return (question.addresses[question.paths.index(path)],)
    n = len(path)
    pairs = zip(question.paths, question.addresses, strict=True)
    nested = tuple(a for p, a in pairs if p[:n] == path and p)
    if nested or not path:
        return nested or question.addresses
    ranked = question.ordinal(path)
    return () if ranked is None else (question.addresses[ranked],)
