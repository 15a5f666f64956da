"""First pass: walk the document's lines once and collect what each section and question says.

Nothing is decided here beyond "this line belongs to that question": whether lettered items
are parts or options, which marks win, what a key means, is `resolve.py`'s job, once the whole
document (paper and solutions, in any order) has been read. A question may be met more than
once (in the paper, then in the solutions); each stretch of lines under its header is an
`Occurrence`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from gradewise import frontmatter
from gradewise.exam.draft import patterns as p
from gradewise.exam.draft.documents import Line, Loc

T = TypeVar("T")


@dataclass(frozen=True)
class Val(Generic[T]):
    """A drafted value and where in the document it came from."""

    value: T
    loc: Loc


@dataclass
class Item:
    """A lettered item '(a) ...': a part of the question, or one of its options."""

    label: str
    loc: Loc
    lines: list[str] = field(default_factory=list)
    marks: Val[float] | None = None
    keys: list[Val[str]] = field(default_factory=list)
    boxes: list[tuple[bool, Val[str]]] = field(default_factory=list)  # a part's own options
    tick: str | None = None  # 'mark' ('[x]', '✓') or 'bold': an option marked right
    heading: bool = False  # opened by 'Part a' or '- (6 points) ...': marks may follow below
    named: bool = False  # opened by words that name it a part: 'Part (a)', 'Subtask B'


@dataclass
class Occurrence:
    """The lines under one header of a question; `solution` once a 'Solution:' was met."""

    header: Loc
    prompt: list[tuple[str, str]] = field(default_factory=list)  # (text|item|bullet, text)
    solution: list[str] = field(default_factory=list)
    solution_loc: Loc | None = None
    items: list[Item] = field(default_factory=list)
    solution_items: list[Item] = field(default_factory=list)
    bullets: list[Val[str]] = field(default_factory=list)
    bullet_ticks: list[bool] = field(default_factory=list)  # a bullet marked the right option
    bullet_indents: list[int] = field(default_factory=list)  # how deep each bullet is nested
    boxes: list[tuple[bool, Val[str]]] = field(default_factory=list)
    marks: Val[float] | None = None
    marks_list: Val[list[float]] | None = None
    keys: list[Val[str]] = field(default_factory=list)
    true_false: list[Loc] = field(default_factory=list)
    in_solution: bool = False
    numbered_parts: bool = False  # its parts are numbered '1.', '2.' (drafted a, b)
    part_each: Val[float] | None = None  # '(1 point each)' said of its parts, under its header
    parts_by_rule: bool = False  # numbered parts taken as questions of the paper's 'each' rule

    @property
    def states_marks(self) -> bool:
        return self.marks is not None or self.marks_list is not None


@dataclass(frozen=True)
class Row:
    """One row of a rubric table."""

    part: str | None
    text: str
    marks: float | None
    loc: Loc


@dataclass
class QuestionBuild:
    id: str
    occurrences: list[Occurrence] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    caption_marks: Val[float] | None = None  # "Rubric for Question 2 (20 marks)"


@dataclass
class SectionBuild:
    id: str
    loc: Loc
    title: Val[str] | None = None
    each: Val[tuple[int, float]] | None = None
    rule: Val[tuple[int, int]] | None = None
    kind: str | None = None  # 'choice' when the title says multiple choice
    total: Val[float] | None = None  # '(14 points)', '(2 points each, 6 points total)'
    questions: dict[str, QuestionBuild] = field(default_factory=dict)


@dataclass
class Collected:
    sections: dict[str, SectionBuild] = field(default_factory=dict)
    scoring: dict[str, Val[p.Scoring]] = field(default_factory=dict)
    notes: list[Val[str]] = field(default_factory=list)
    title: Val[str] | None = None
    totals: dict[str, Val[float]] = field(default_factory=dict)  # from a table of marks
    each: Val[float] | None = None  # 'Each question is worth 2 points', said once for all
    total: Val[float] | None = None  # 'Total: 25 marks': the paper's, to check the draft by
    # '... TWO questions from Section B' (by section id), 'Answer any three questions' (None)
    rules: dict[str | None, Val[tuple[int, int]]] = field(default_factory=dict)


@dataclass
class _Table:
    columns: tuple[int | None, int, int]
    question: QuestionBuild | None
    part: str | None = None


_BOLD_LEVEL = 7  # a line all in bold titles like a heading deeper than any '#'
_CAPTION_REACH = 12  # lines between a "Rubric for Question N" caption and its table


class Collector:
    """Feeds lines through a small state machine into `Collected`."""

    def __init__(self) -> None:
        self.out = Collected()
        self.section: SectionBuild | None = None
        self.question: QuestionBuild | None = None
        self.occ: Occurrence | None = None
        self.level: int | None = None  # the '#' count of the open question's heading
        self.bullet_opened = False  # the open question is a list item ('- Question 1.2: ...')
        self.fence: str | None = None  # '```' or '~~~' inside a fenced code block
        self.item: Item | None = None
        self.inline = False  # a solution written under a part, before the next part
        self.style: str | None = None  # 'explicit' (Question N headers) or 'numbered' (1. 2.)
        self.next_number = 1
        self.carried = 1  # the number after the last section's numbered questions
        self.numbered: list[str] = []  # the numbered questions of this section so far
        self.written_one = False  # the last numbered question was written '1.' (lazy 1. 1.)
        self.delimiter = ""  # what follows the numbered questions' numbers: '.' or ')'
        self.inner_next: int | None = None  # the next number of a list inside a question
        self.quoting = False  # in a solution set in a block quote ('> **Solution:** ...')
        self.next_text = ""  # the next line with text (`collect` sets it): what a heading heads
        self.titled_level: int | None = None  # headings at this level title questions
        self.asked_level: int | None = None  # headings at this level are 'Question N'
        self.rough = False
        self.pending_key = False
        self.kind_context: tuple[str, int] | None = None
        self.caption: tuple[QuestionBuild, int] | None = None
        self.table: _Table | None = None
        self.index = 0
        self.first = 0  # index of the document's first non-blank line
        self.preamble_rows: list[tuple[list[str], Loc]] = []  # a table before the questions
        self.answers = False  # under 'Answer key': '1. B' lines are keys of questions met
        self.key_block: list[tuple[bool, Val[str]]] | None = None  # bullets under 'Answers'
        self.rubric_list: tuple[QuestionBuild, str | None] | None = None  # under 'Rubric:'
        self.shared = _Shared()  # options listed outside any question, for those that follow
        # the last heading met among numbered questions: (text, line, where in the open
        # question's prompt it was written, that question)
        self.group_heading: tuple[str, Line, int, Occurrence | None] | None = None
        self.intro: list[tuple[str, str]] = []  # its words, which lead the next question
        self.last_heading: str | None = None  # the last heading met outside any question
        self.list_heading: str | None = None  # the one over this section's numbered list
        self.list_intro = ""  # the line before it ('Guidelines:', not a heading)
        self.line_before = ""  # the last line with words before the one being read
        self.last_words = ""
        self.answer_under: Occurrence | None = None  # the question an 'Answer' heading is in
        # '### 17-20. Emergency calls': the numbers it spans and the words it and the lines
        # under it give (a table the questions share), which lead each of them
        self.span: tuple[int, list[tuple[str, str]]] | None = None
        self.titles: dict[str, int] = {}  # headings' words and the number after them

    # --- dispatch ----------------------------------------------------------------------

    def feed(self, line: Line) -> None:
        """Take one line of the document."""
        self.index += 1
        if self._fenced(line):
            return
        line = self._unquoted(line)
        text = "" if p.thematic_break(line.text) else p.clean(line.text)
        if text and p.numbered_item(text) is None and not line.text[:1].isspace():
            self.inner_next = None  # words after a list inside a question end it
        self.line_before, self.last_words = self.last_words, text or self.last_words
        if self.table is not None and self._table_row(line):
            return
        if self._totals_row(line):
            return
        if (number := p.number_heading(line.text)) is not None:
            self._open_question(p.Header(number, ""), line, "explicit")
            return
        if not text:
            self._blank()
            return
        self.first = self.first or self.index
        if p.end_of_paper(text):
            self._close_question()  # what follows (an appendix, a formula sheet) asks nothing
            return
        if (running := p.page_furniture(text)) is not None:
            if self.out.title is None and self.occ is None and running:
                self.out.title = Val(running, line.loc)
            return  # a page's header or footer, repeated on every page: never a prompt
        if self._answer_list(line, text) or self._rubric_list(line, text):
            return
        if self._total(line, text):
            return
        if self.out.title is None and self.section is None and self.index == self.first:
            self._title(line, text)
        each = (
            self._marks_per_question(text)
            if self.out.each is None and not self._asking(text)
            else None
        )
        if each is not None and not p.kind_worth(text):  # 'MCQs are worth 2': those only
            self.out.each = Val(each, line.loc)  # wherever it is said, even after the last one
        handlers = (self._structure, self._scoring_statement, self._course_heading, self._heading)
        for handler in handlers:
            if handler(line, text):
                return
        if self.rough:
            return
        if self.occ is None:
            if not self._shared_line(line, text):
                self._preamble(line, text)
        else:
            self._question_line(line, text)

    def _total(self, line: Line, text: str) -> bool:
        """'Total: 25 marks' on a line of its own: under a question whose parts add up to it,
        that question's marks; else the paper's (the last said counts). 'There are 3
        problems, 30 points total.' before the questions: the paper's."""
        if (total := p.total_line(text)) is None:
            if self.occ is None and self.section is None and (said := p.total_said(text)):
                self.out.total = self.out.total or Val(said, line.loc)
            return False
        occ = self.occ
        if occ is not None and occ.items and not occ.in_solution:
            parts = sum(item.marks.value for item in occ.items if item.marks is not None)
            if abs(parts - total) < 1e-9:
                occ.marks = occ.marks or Val(total, line.loc)  # '[Total: 15 marks]' after (c)
                return True
        self.out.total = Val(total, line.loc)
        return True

    def _unquoted(self, line: Line) -> Line:
        """A solution set in a block quote ('> **Solution:**' then '> 2 + 2 = 4.', '> Answer:
        3'): its lines read without the quote marks, as a solution (a quoted passage that
        does not open so stays the prompt's)."""
        if p.quoted_answer(line.text):
            self.quoting = True
        elif not line.text.lstrip().startswith(">"):
            self.quoting = False
        if not self.quoting:
            return line
        return Line(_QUOTE_MARK.sub("", line.text, count=1), line.loc)

    def _asking(self, text: str) -> bool:
        """A line of a question that asks something is its prompt: 'A quiz has 10 questions
        worth 2 points each. Explain why ...' sets no marks for the paper's questions."""
        occ = self.occ
        return occ is not None and not occ.in_solution and _ASKS.search(text) is not None

    def _marks_per_question(self, text: str) -> float | None:
        """The paper's 'each question is worth 3 points', also where a PDF's line ends inside
        the sentence ('... each question is worth' / '3 points.')."""
        if (each := p.marks_per_question(text)) is not None:
            return each
        if _SENTENCE_END.search(text) or p.marks_per_question(self.next_text) is not None:
            return None
        return p.marks_per_question(f"{text} {self.next_text}")

    def _fenced(self, line: Line) -> bool:
        """A fenced code block ('```r' to '```', '~~~') is the open question's text as
        written, never its headings, numbers or keys ('## YOUR CODE HERE' is an R comment)."""
        stripped = line.text.strip()
        fence = stripped[:3] if stripped.startswith(("```", "~~~")) else None
        if self.fence is None and fence is None:
            return False
        if self.fence is None:
            self.fence = fence
        elif fence == self.fence and not stripped.strip(fence[0]):
            self.fence = None  # the closing fence: only the fence's marks
        if self.occ is not None and not self.rough:
            self._add_text(line.text.rstrip(), in_item=self.item is not None)
        return True

    def _totals_row(self, line: Line) -> bool:
        """Rows of a table before the questions; at its end, each question's marks if it says."""
        cells = p.table_cells(line.text)
        if cells is not None and self.occ is None and self.span is not None:
            self.span[1].append(("text", line.text.rstrip()))  # the spanned questions' table
            return True
        if (
            cells is not None
            and self.occ is None
            and not self.answers  # a table of keys under 'Answer key'
            and p.rubric_columns(cells) is None
        ):
            self.preamble_rows.append((cells, line.loc))
            return True
        if self.preamble_rows:
            totals = p.totals_table([cells for cells, _ in self.preamble_rows])
            loc = self.preamble_rows[0][1]
            self.out.totals.update({qid: Val(marks, loc) for qid, marks in totals.items()})
            self.preamble_rows = []
        return False

    def _title(self, line: Line, text: str) -> None:
        """The first line, when it is a heading or short and not a header, names the exam
        (a plain line ending in ':', 'Format:', introduces what follows)."""
        if not (p.is_heading(line.text) or len(text) <= 120):
            return
        if text.endswith(":") and not p.is_heading(line.text):
            return
        structural = (p.section_header, p.question_header, p.solution_start, p.numbered_item)
        if any(test(text) is not None for test in structural):
            return
        if p.unnumbered_question(line.text) is None and not p.answer_heading(line.text):
            title = _without_blank_fields(text)
            if title:
                self.out.title = Val(title, line.loc)

    def _blank(self) -> None:
        if self.occ is not None and not self.rough:
            self._add_text("", in_item=self.item is not None)

    def _structure(self, line: Line, text: str) -> bool:
        """Headers, rubric captions and tables, rough-work pages: lines that move the state."""
        if (caption := p.rubric_caption(text)) is not None:
            question = self._question_in_section(caption, line.loc)
            self.caption = (question, self.index)
            if (marks := p.marks_one(text)) is not None:
                question.caption_marks = Val(marks, line.loc)
            return True
        cells = p.table_cells(line.text)
        if cells and (columns := p.rubric_columns(cells)) is not None:
            self._start_table(columns)
            return True
        return (
            self._part_heading(line, text)
            or self._section_line(line, text)
            or self._question_line_header(line, text)
            or self._rough_line(text)
        )

    def _section_line(self, line: Line, text: str) -> bool:
        header = p.section_header(text) or self._sequel_section(line, text)
        if header is None and p.is_heading(line.text) and p.marks_each(text) is not None:
            header = self._counted_section(text)
        if header is None or not (p.is_heading(line.text) or len(text) < 140):
            return False
        numbered = _NUMBERED_PART.match(text)
        in_text = self.occ is not None and p.heading_level(line.text) is None
        if numbered and in_text and p.marks_one(text) is not None:
            self._open_item(numbered["n"], numbered["rest"], line, heading=True)
            return True  # '**Part 1 (1.5 marks):** Derive ...': the question's part 1
        self._open_section(header, line)
        return True

    def _sequel_section(self, line: Line, text: str) -> p.Header | None:
        """'## Exercícios de fixação II' after '## Exercícios de fixação I' and its questions,
        over a question numbered 1 again: the same words numbered on head the paper's next
        section (its questions never the first one's solutions). A Markdown heading only."""
        if p.heading_level(line.text) is None or p.question_header(text) is not None:
            return None
        sequel = p.numbered_title(text)
        if sequel is None:
            return None
        stem, number = sequel
        before = self.titles.get(stem)
        self.titles[stem] = number
        if before is None or number != before + 1 or not 1 < number <= len(p.ROMAN):
            return None
        section = self.section
        if section is None or not section.questions:
            return None
        following = p.clean(self.next_text)
        first = p.question_header(following) or p.numbered_item(following)
        if first is None or first.id != "1":
            return None  # its questions numbered on: the same list under a new heading
        taken = [p.ROMAN.index(s) for s in self.out.sections if s in p.ROMAN]
        after = max(taken, default=-1) + 1
        return p.Header(p.ROMAN[after], text) if after < len(p.ROMAN) else None

    def _counted_section(self, text: str) -> p.Header | None:
        """'# Short questions (9 questions - 2 pt each)': a heading that counts the questions
        under it and their marks heads a section of its own (the next after the last), so
        that its list numbered again from 1 is never read as the list before's."""
        if self.occ is not None and self.level is not None:
            return None  # under a question's own heading: its parts' rule
        taken = [p.ROMAN.index(s) for s in self.out.sections if s in p.ROMAN]
        following = max(taken, default=-1) + 1
        if following >= len(p.ROMAN):
            return None
        return p.Header(p.ROMAN[following], text)

    def _question_line_header(self, line: Line, text: str) -> bool:
        if self._span_heading(line, text):
            return True
        if (header := p.solution_to(text)) is not None:
            self._open_question(header, line, "explicit")
            self._begin_solution(header.rest, line.loc)
            return True
        if (header := p.question_header(text)) is not None:
            if self.style == "numbered" and _INSTRUCTIONS.search(
                f"{self.list_heading or ''} {self.list_intro}"
            ):  # 'Question 1' after 'Guidelines:' '1. 2. 3.' (no marks): those were rules
                self._restart(header, line)
            self._open_question(header, line, "explicit")
            return True
        if (header := self._misspelt_question(line, text)) is not None:
            self._open_question(header, line, "explicit")
            return True
        if (dotted := p.dotted_question(text)) is not None and (
            p.is_heading(line.text) or self._open_question_id() == dotted[0]
        ):  # 'Q 1.1. ...' in question 1's text (not a heading): its part 1
            self._dotted_question(*dotted, line)
            return True
        if (
            not line.text[:1].isspace()
            and (header := p.bullet_question(text)) is not None
            and (header.id or self.occ is None or self.bullet_opened)
        ):  # '- Question: ...' under a question's own heading is that question's text
            if not header.id:  # a bank's '- Question: ...': numbered on through the file
                header = p.Header(self._next_in_file(), header.rest)
            self._open_question(header, line, "explicit")
            self.bullet_opened = True  # its fields follow as bullets nested under it
            return True
        if (rest := p.unnumbered_question(line.text)) is not None:
            self._open_question(p.Header(self._free_number(), rest), line, "explicit")
            return True
        if (rest := self._points_heading(line, text)) is not None:
            self._open_question(p.Header(self._free_number(), rest), line, "explicit")
            return True
        header = p.numbered_item(text)
        if header is None and p.heading_level(line.text) is not None:
            header = p.dash_numbered(text)  # '## 2 - Perform graphical model checking.'
        if header is None or self.style == "explicit" or line.text[:1].isspace():
            return False  # an indented number is a list inside a question
        if self.occ is not None and self.level is not None and p.heading_level(line.text) is None:
            return False  # '#### 1. ...' then '1. ...': the heading's question holds the list
        if not self.numbered and int(header.id) == self.carried > 1:
            self.next_number = self.carried  # numbered on from the section before ('3.')
        if self._inner_list(header):
            return False
        delimiter = text[len(header.id) : len(header.id) + 1]
        following = p.numbered_item(p.clean(self.next_text))
        lazy = (
            header.id == "1"
            and self.written_one
            and self.numbered
            and (following is None or following.id != "2")  # '1.' then '2.': a list
        )
        if lazy and delimiter == self.delimiter:  # '1.' before each question: Markdown
            header = p.Header(str(self.next_number), header.rest)  # numbers the list itself
        elif (lazy and delimiter != self.delimiter) or (  # '1.' in a paper of '1)', '2)'
            int(header.id) != self.next_number
            and not (
                self._skips_to(header)
                or self._restart(header, line)
                or self._new_group(header)
                or self._in_span(header)
            )
        ):
            if header.id == "1" and self.occ is not None:
                self.inner_next = 2  # a list of the question's own: '1.' '2.' '3.' in it
            return False  # a list inside a question, not the next question
        written_one = header.id == "1" or bool(lazy)
        self._open_question(header, line, "numbered")
        self.written_one, self.delimiter = written_one, delimiter
        return True

    def _inner_list(self, header: p.Header) -> bool:
        """'2.' right after a list inside the open question began at '1.' ('1. Sort the list.'
        '2. Take the middle element.' under question 2): that list's, not question 2 or 3."""
        if self.occ is None or self.inner_next is None or int(header.id) != self.inner_next:
            return False
        self.inner_next += 1
        return True

    def _points_heading(self, line: Line, text: str) -> str | None:
        """'## Linear regression (10 points)' heading its own question: not under a question's
        own heading (a heading of its part), not when numbered questions follow it (a group)."""
        level = p.heading_level(line.text) or (_BOLD_LEVEL if p.bold_line(line.text) else None)
        if level is None or self.style == "numbered" or p.numbered_item(text):
            return None  # '## 1. ... [2pts]' is numbered: question 1
        if p.lettered_item(text) or p.part_heading(text):
            return None  # '**(a) Ridge (3 points)**': a part of the question above
        if self.occ is not None and self.level is not None and level > self.level:
            return None
        following = p.clean(self.next_text)
        if p.numbered_item(following) or p.question_header(following):
            return None
        if (found := p.points_heading(text)) is not None:
            self.titled_level = level
            return found
        # '## Ensembles' after '## Trees (1 point)': a sibling question without points
        if level == self.titled_level and following and p.points_heading(f"{text} (1 point)"):
            return text
        # '## Pruning' after '## Question 3', over 'Why prune? (2 points)': a question too
        asks = p.marks_one(following) is not None or following.rstrip(" *_").endswith("?")
        if level == self.asked_level and asks and p.points_heading(f"{text} (1 point)"):
            return text
        return None

    def _open_question_id(self) -> str | None:
        return self.question.id if self.occ is not None and self.question is not None else None

    def _dotted_question(self, qid: str, part: p.Header, line: Line) -> None:
        """'### Question 1.2' under 'Question 1' is its part 2; without a question 1 open, a
        question of its own numbered '1.2' (a bank's second variant of question 1)."""
        if self.occ is not None and self.question is not None and self.question.id == qid:
            self._open_item(part.id, part.rest, line, heading=True)
        else:
            self._open_question(p.Header(f"{qid}.{part.id}", part.rest), line, "explicit")

    def _misspelt_question(self, line: Line, text: str) -> p.Header | None:
        """'# QUESIOTN 3' after '# QUESTION 2': a heading at the open question's level, its
        label word misspelt, numbered next: the next question (not the last part's text)."""
        if self.level is None or p.heading_level(line.text) != self.level:
            return None
        header = p.misspelt_question(text)
        return header if header is not None and header.id == self._next_in_file() else None

    def _next_in_file(self) -> str:
        """The number after the highest in any section: an unnumbered bank item, numbered on
        through its lessons' headings as a reader counts them."""
        taken = [int(q) for s in self.out.sections.values() for q in s.questions if q.isdigit()]
        return str(max(taken, default=0) + 1)

    def _free_number(self) -> str:
        """The number after the section's highest: a question headed without one."""
        taken = [int(q) for q in (self.section.questions if self.section else ()) if q.isdigit()]
        return str(max(taken, default=0) + 1)

    def _part_heading(self, line: Line, text: str) -> bool:
        """'### Part a' or '\\subsection*{Part (b)}' under an open question: its part."""
        if self.occ is None or not (p.is_heading(line.text) or len(text) <= 80):
            return False
        header = p.part_heading(text)
        named = p.question_part(text) if p.is_heading(line.text) else None
        named = named or p.numbered_part_heading(text)  # 'Part 2.3' under question 2
        if header is None and named is None:
            header = self._capital_part(line, text)
        if header is None and named is not None and named[0] == self._open_question_id():
            header = named[1]  # '## Question 1, part 2' under '# Question 1, ...'
        if header is None:
            return False
        self._open_item(header.id, header.rest, line, heading=True)
        if self.item is not None:
            self.item.named = True
        return True

    def _capital_part(self, line: Line, text: str) -> p.Header | None:
        """'**Part A** (3 marks) Compute ...' inside a question, not a heading, with its marks
        and what it asks on the line: part a ('# Part A (20 points)' heads a section)."""
        if p.heading_level(line.text) or p.bold_line(line.text):
            return None  # a heading, or a line all in bold: a section's title
        if (m := _CAPITAL_PART.match(text)) is None:
            return None
        if p.marks_one(m["rest"]) is None or len(p.strip_marks(m["rest"]).split()) < _ASKS_WORDS:
            return None
        if _SECTION_WORDS.search(m["rest"]):
            return None  # 'Part B (40 marks) Answer any two questions.': a section's rule
        return p.Header(m["a"].lower(), m["rest"])

    def _answer_list(self, line: Line, text: str) -> bool:
        """An 'Answer key' heading, then '1. B', '2) True', 'Q3: 4.5': keys of the questions
        already met, each a new occurrence; the list ends at the first other line."""
        if (several := p.keys_on_a_line(text)) is not None and (
            self.answers or p.answer_heading(text.split(":")[0]) or len(several) >= 3
        ):
            met = [(self._met(k.id), k) for k in several]
            if all(question is not None for question, _ in met):
                self._close_question()
                for question, key in met:
                    occ = Occurrence(header=line.loc)
                    occ.keys.append(Val(key.rest, line.loc))
                    question.occurrences.append(occ)  # type: ignore[union-attr]
                self.answers = True
                return True
        if p.answer_heading(line.text):
            self.answers = True
            if p.solution_start(text) is not None:
                return False  # 'Solutions' keeps its meaning; a list of keys may follow
            if self.occ is not None:  # this question's answers, or a list for all of them
                self._begin_solution("", line.loc)
                self.key_block = []
                self.answer_under = self.occ
            return True
        if not self.answers:
            return False
        if self._option_answered(line, text):
            return True
        if self._answers_of_parts(line, text):
            return True
        if self.occ is not None and self.occ.numbered_parts and self.occ.in_solution:
            self.answers = False  # '1.' in the solution of numbered parts: part a's answer
            return False
        cells = p.table_cells(line.text)
        if cells and len(cells) >= 2:  # '| 1 | B |' in a table of keys
            row = f"{cells[0].strip('*_ ')}: {cells[1].strip()}"
            if (part := p.listed_part_key(row)) is not None and self._met(part[0]) is not None:
                return self._answers_of_parts(line, row)  # '| 2a | 0.25 |'
            if self._met(cells[0].strip("*_ ").lstrip("Qq").strip()) is None:
                if p.names_questions(cells[0]) or p.is_separator_row(cells):
                    return True  # '| Question | Answer |': its header, and the rule under it
                self.answers = False  # '| $p$ | $\\neg p$ |': a table in the answer itself
                return False
            text = f"{cells[0].strip('*_ ')}: {cells[1].strip()}"
        listed = p.listed_key(text)
        question = self._met(listed.id) if listed is not None else None
        if listed is None or question is None:
            self.answers = False
            return False
        self._close_question()
        occ = Occurrence(header=line.loc)
        occ.keys.append(Val(listed.rest.strip("*_ "), line.loc))
        question.occurrences.append(occ)
        return True

    def _answers_of_parts(self, line: Line, text: str) -> bool:
        """Under an answer heading, keys of parts ('1a. 0.25', '2(b) True', '1.1 B', several
        apart by ';': '1.1 B; 1.2 A') or several on a line with values ('1. 55  2. True  3.
        0.25'): each the key of the question or part it names, when every one names a question
        met and a part it has."""
        several = p.values_on_a_line(text)
        if several is None:
            found = [p.listed_part_key(piece) for piece in text.split(";")]
            several = [k for k in found if k is not None]
            if len(several) != len(found):
                return False
        if not several:
            return False
        for qid, part, _ in several:
            question = self._met(qid)
            if question is None or (part is not None and not _has_part(question, part.lower())):
                return False
        self._close_question()
        for qid, part, key in several:
            occ = Occurrence(header=line.loc)
            if part is None:
                occ.keys.append(Val(key.strip("*_ "), line.loc))
            else:
                item = Item(part.lower(), line.loc)
                item.keys.append(Val(key.strip("*_ "), line.loc))
                occ.solution_items.append(item)
                occ.in_solution = True
            self._met(qid).occurrences.append(occ)  # type: ignore[union-attr]
        return True

    def _option_answered(self, line: Line, text: str) -> bool:
        """'#### Answer' under '### 3. What is RStudio?' (whose options are a numbered list,
        '1.' each as Markdown lets them be written), then '3.  An integrated development
        environment': the open question's option 3, c, named by its number and wording --
        not a key of question 3."""
        occ = self.occ
        if occ is None or occ is not self.answer_under or occ.keys or occ.items:
            return False
        item = p.numbered_item(text)
        if item is None or not 1 <= int(item.id) <= 8 or not _lists_option(occ, item.rest):
            return False
        occ.keys.append(Val("abcdefgh"[int(item.id) - 1], line.loc))
        occ.solution.append(line.text.strip())
        return True

    def _rubric_list(self, line: Line, text: str) -> bool:
        """'Rubric:' under a question (or a part), then bullets each with its marks: the
        criteria, as a rubric table's rows; the list ends at the first other line."""
        if p.rubric_heading(text):
            target = self.question
            if self.caption is not None and self.index - self.caption[1] <= _CAPTION_REACH:
                target = self.caption[0]
            if target is None:
                return False
            part = self.item.label if self.item is not None and target is self.question else None
            self.rubric_list = (target, part)
            return True
        if self.occ is not None and self.question is not None and (said := p.rubric_sentence(text)):
            part = self.item.label if self.item is not None else None
            self.question.rows.extend(Row(part, t, m, line.loc) for m, t in said)
            return True  # 'Award 3 marks for X and 2 marks for Y': criteria in a sentence
        if self.rubric_list is None:
            return False
        rest = p.bullet(text)
        row = p.rubric_row(rest) if rest is not None else None
        if row is None:
            self.rubric_list = None
            return False
        question, part = self.rubric_list
        question.rows.append(Row(part, row[1], row[0], line.loc))
        return True

    def _end_key_block(self) -> None:
        """The bullets under a question's 'Correct answers': the ones marked right (their
        option letters), else a lone bullet's value."""
        block, self.key_block = self.key_block, None
        if not block or self.occ is None:
            return
        ticked = [val for right, val in block if right]
        if ticked:
            letters = [v.value.strip() for v in ticked]
            lone = all(len(x) == 1 and x in "ABCDEFGH" for x in letters)
            text = "".join(letters) if lone else ticked[0].value  # 'A', 'C' → 'AC'
            self.occ.keys.append(Val(text, ticked[0].loc))
        elif len(block) == 1 and (value := p.listed_answer(block[0][1].value)):
            self.occ.keys.append(Val(value, block[0][1].loc))
        elif (named := self._options_repeated([val.value for _, val in block])) is not None:
            self.occ.keys.append(Val(named, block[0][1].loc))

    def _options_repeated(self, answers: list[str]) -> str | None:
        """Several bullets under 'Answer:' each repeating one of the question's options
        word for word ('**-Given 50 articles ...**'): the letters of those options, 'CD'."""
        assert self.occ is not None
        options = [_wording(b.value) for b in self.occ.bullets]
        if len(answers) < 2 or len(options) < 2 or len(set(options)) != len(options):
            return None
        places = [options.index(w) if (w := _wording(a)) in options else None for a in answers]
        if None in places or len(set(places)) != len(places) or len(options) > 8:
            return None
        return "".join("ABCDEFGH"[i] for i in sorted(x for x in places if x is not None))

    def _met(self, qid: str) -> QuestionBuild | None:
        """The question numbered `qid` in this section, else the only one so numbered."""
        if self.section is not None and qid in self.section.questions:
            return self.section.questions[qid]
        found = [s.questions[qid] for s in self.out.sections.values() if qid in s.questions]
        return found[0] if len(found) == 1 else None

    def _span_heading(self, line: Line, text: str) -> bool:
        """'### 17-20. Emergency Calls Distribution' among numbered questions, where 17 comes
        next: a heading over the questions it spans, its words and the lines under it (their
        shared table) leading each of them; one it spans may be missing ('#### 18.' first)."""
        span = p.question_range(text)
        if span is None or self.style != "numbered" or not p.is_heading(line.text):
            return False
        first, last, rest = span
        if first != self.next_number:
            return False
        self._close_question()
        self.span = (last, [("text", rest)] if rest else [])
        return True

    def _in_span(self, header: p.Header) -> bool:
        """A number the open span heading covers, ahead of the count: the next question."""
        if self.span is None or not self.next_number < int(header.id) <= self.span[0]:
            return False
        self.next_number = int(header.id)
        return True

    def _skips_to(self, header: p.Header) -> bool:
        """'2. (10 points) ...' where question 1 was expected, '6. (10 points)' after '3.': a
        paper that starts its counter on or prints some of its questions only. A number
        ahead of the count opens a question when it opens with its own marks (a list's
        item says no marks before its words)."""
        if int(header.id) < self.next_number or not p.leading_marks(header.rest):
            return False
        self.next_number = int(header.id)
        return True

    def _new_group(self, header: p.Header) -> bool:
        """'1.' again under a heading met after numbered questions that state marks or parts
        ('## Long answers' after '1. ... (2 points)'): the heading opens a section of its
        own, numbered from 1, never the last question's text."""
        if header.id != "1" or not self.numbered or self.group_heading is None:
            return False
        text, line, at, occ = self.group_heading
        taken = [p.ROMAN.index(s) for s in self.out.sections if s in p.ROMAN]
        following = max(taken, default=-1) + 1
        if following >= len(p.ROMAN) or (occ is not None and occ is not self.occ):
            return False
        if occ is not None:
            heading = line.text.strip()
            intro = [(kind, t) for kind, t in occ.prompt[at:] if t.strip() != heading]
            while intro and not intro[0][1].strip():
                intro.pop(0)
            del occ.prompt[at:]
            self.intro = intro  # 'Answer both.' under the heading: the first question's
        elif not self.shared.options:  # the question closed at the heading: its words since
            self.intro = [("text", said.value) for said in self.shared.stem]
            self.shared.stem = []
        self._open_section(p.Header(p.ROMAN[following], text), line)
        return True

    def _restart(self, header: p.Header, line: Line) -> bool:
        """'1.' again after '1. 2.' that stated no marks: those were instructions, not questions."""
        section = self.section
        if header.id != "1" or section is None or not self.numbered:
            return False
        over = self.list_heading
        if self.group_heading is not None and over is not None and not _INSTRUCTIONS.search(over):
            return False  # '## Short questions' over it: questions, a section of their own
        dropped = [section.questions[qid] for qid in self.numbered]
        if any(o.states_marks or o.items for q in dropped for o in q.occurrences):
            return False
        for qid in self.numbered:
            del section.questions[qid]
        first = dropped[0].occurrences[0].header
        self.out.notes.append(
            Val("a numbered list before the questions was read as instructions", first)
        )
        self.numbered, self.next_number = [], 1
        return True

    def _course_heading(self, line: Line, text: str) -> bool:
        """'## Lecture 4' between questions ends the question before it."""
        if not (p.is_heading(line.text) and p.course_heading(text)):
            return False
        self._close_question()
        return True

    def _heading(self, line: Line, text: str) -> bool:
        """A heading that is no question's ('# Appendix: formulas') ends the option list
        before it, and the question too when it is no deeper than the question's own."""
        level = p.heading_level(line.text)
        if level is not None and self.occ is None:
            self._end_shared()
            titled = self.out.title is not None and self.out.title.loc == line.loc
            self.last_heading = None if titled else text  # the paper's title heads no list
        if level is not None and self.occ is not None and self.bullet_opened:
            self._close_question()  # a heading ends the list its question is an item of
            return True
        if level is None or self.occ is None or _belongs_to_question(text):
            return False
        if self.style == "numbered" and self.level is None:
            self.group_heading = (text, line, len(self.occ.prompt), self.occ)
        self.item = None
        if self.level is not None and level <= self.level:
            self._close_question()
            return True
        if self.level is None and level == 1:
            self._close_question()  # '# Licensing' after 'Question 7 ...': the paper's next part
            if self.style == "numbered":
                self.group_heading = (text, line, 0, None)
            self._end_shared()
            return True
        return False

    def _rough_line(self, text: str) -> bool:
        if not p.rough_work(text):
            return False
        self._close_question()
        self.rough = True
        return True

    # --- sections and questions ----------------------------------------------------------

    def _open_section(self, header: p.Header, line: Line) -> None:
        self._close_question()
        self.rough = False
        self.carried = self.next_number if self.numbered else self.carried
        self.style, self.next_number, self.numbered = None, 1, []
        self.titled_level = self.asked_level = None
        section = self.out.sections.get(header.id)
        if section is None:
            section = self.out.sections[header.id] = SectionBuild(header.id, line.loc)
        self.section = section
        title = p.strip_marks(_before_bracket(header.rest)).strip(" :.-–—")
        title = re.sub(r"\s+(?=[.,;:])", "", title)  # 'questions (23 marks). Answer' read
        if title and section.title is None:
            section.title = Val(title, line.loc)
        if p.kind_mentioned(header.rest) == "choice":
            section.kind = "choice"
        self._section_facts(line, header.rest)
        if section.total is None and (total := p.section_total(header.rest)) is not None:
            section.total = Val(total, line.loc)  # 'Part B: Problems (14 points)'

    def _section_facts(self, line: Line, text: str) -> None:
        """Marks per question ('12 × 5 = 60 points') and rules ('answer three out of four')."""
        assert self.section is not None
        if self.section.each is None and (each := p.marks_each(text)) is not None:
            self.section.each = Val(each, line.loc)
        elif self.section.each is None and (per := _section_each(text)) is not None:
            self.section.each = Val((0, per), line.loc)  # 0: the heading counts no questions
            if self.out.each is not None and self.out.each.loc == line.loc:
                self.out.each = None  # '(4 points each)' in a heading: its section's only
        if self.section.rule is None and (rule := p.best_rule(text)) is not None:
            self.section.rule = Val(rule, line.loc)

    def _open_question(self, header: p.Header, line: Line, style: str) -> None:
        self._close_question()
        self.group_heading = None
        self.rough = False
        if self.section is None:
            self.section = self.out.sections.setdefault("I", SectionBuild("I", line.loc))
        self.style = self.style or style
        if style == "numbered":
            if not self.numbered:
                self.list_heading, self.last_heading = self.last_heading, None
                self.list_intro = self.line_before
            self.next_number += 1
            self.numbered.append(header.id)
        self.question = self._question_in_section(header.id, line.loc)
        self.level = p.heading_level(line.text)
        if style == "explicit" and self.asked_level is None:
            self.asked_level = self.level  # the level of 'Question N' headings (and '### 4.')
        self.occ = Occurrence(header=line.loc)
        self.question.occurrences.append(self.occ)
        if self.span is not None:
            within = header.id.isdigit() and int(header.id) <= self.span[0]
            self.intro = [*self.span[1], *self.intro] if within else self.intro
            self.span = self.span if within else None
        self.occ.prompt, self.intro = self.intro, []
        rest = header.rest
        if p.lettered_item(rest) is not None and self._item(Line(rest, line.loc), rest):
            return  # '1. (a) Define it. [3]': the question opens with its first part
        if style == "numbered" and (bare := p.bare_leading_marks(rest)) is not None:
            self.occ.marks, rest = Val(bare[0], line.loc), bare[1]  # '2. (4) According ...'
        alone = _MARKS_ALONE.fullmatch(p.clean(rest).strip("*_ "))
        if alone is not None and (alone[0].startswith("[") or style != "numbered"):
            self.occ.marks, rest = Val(float(alone[1]), line.loc), ""  # 'QUESTION 1 [15]'
        if (marks := p.marks_one(rest)) is not None:
            self.occ.marks = Val(marks, line.loc)
            if (bonus := p.bonus_marks(rest)) is not None:
                assert self.section is not None
                self.out.notes.append(
                    Val(
                        f"{self.section.id}.{header.id}: {bonus:g} bonus marks offered on top of"
                        f" its {marks:g} are not drafted (add them to the exam by hand)",
                        line.loc,
                    )
                )
        self._parts_each(line, rest)
        if (listed := p.marks_list(rest)) is not None:
            self.occ.marks_list = Val(listed, line.loc)
        elif (each := p.marks_each(rest)) is not None and p.marks_per_question(rest) is None:
            count, worth = each  # 'Q.1 Attempt all parts. (3×2=6)': three parts of two
            self.occ.marks_list = Val([worth] * count, line.loc)
            if self.occ.marks is None:
                self.occ.marks = Val(count * worth, line.loc)
        if p.true_false_boxes(rest):
            self.occ.true_false.append(line.loc)
        rest = p.strip_marks(rest)
        if _LEADER.fullmatch(rest):
            rest = ""  # 'Question 1 ........ (10 marks)': dots leading to the marks
        if rest:
            self.occ.prompt.append(("text", rest))

    def _question_in_section(self, qid: str, loc: Loc) -> QuestionBuild:
        if self.section is None:
            self.section = self.out.sections.setdefault("I", SectionBuild("I", loc))
        return self.section.questions.setdefault(qid, QuestionBuild(qid))

    def _shared_line(self, line: Line, text: str) -> bool:
        """Between questions: an option of a list shared by the questions that follow
        (matching items, each answered by a letter), or the words introducing it."""
        if (box := p.checkbox(text)) is not None:
            if box[1]:
                self.shared.options.append((box[0], Val(box[1], line.loc)))
            return True
        if not self.shared.options and not p.is_heading(line.text):
            self.shared.stem.append(Val(text, line.loc))
        return False

    def _end_shared(self) -> None:
        """A heading ends the shared list: named at the top of the draft if no question
        took it."""
        shared, self.shared = self.shared, _Shared()
        if shared.options and not shared.used:
            first = shared.options[0][1]
            self.out.notes.append(
                Val(
                    f"a list of options outside any question; left out: {first.value!r} ...",
                    first.loc,
                )
            )

    def _take_shared(self) -> None:
        """A question answered by a letter ('Answer: D') with no options of its own: the
        options listed above it, under the same heading, are its options."""
        occ = self.occ
        if occ is None or not self.shared.options or occ.boxes or occ.items or occ.bullets:
            return
        keys = [k.value.strip() for k in occ.keys]
        if not keys or not all(re.fullmatch(r"\(?[A-Za-z]\)?\.?", k) for k in keys):
            return
        occ.boxes = list(self.shared.options)
        stem = [("text", v.value) for v in self.shared.stem]
        occ.prompt = [*stem, *occ.prompt] if stem else occ.prompt
        self.shared.used = True

    def _parts_each(self, line: Line, text: str) -> bool:
        """'1. True or False and Why? (1 point each)', or '(10 points each)' alone under the
        question's heading before its first part: what each of its parts is worth (when it
        turns out to have parts; `_close_question` decides)."""
        occ = self.occ
        assert occ is not None
        if occ.items or occ.in_solution or occ.part_each is not None:
            return False
        if p.marks_one(text) is not None or (each := p.marks_per_question(text)) is None:
            return False
        if p.marks_each(text) is not None:
            return False  # '(3 x 2 = 6)' counts the parts itself
        occ.part_each = Val(each, line.loc)
        return True

    def _close_question(self) -> None:
        occ = self.occ
        if occ is not None and occ.part_each is not None:
            each = self.out.each
            if occ.items and each is not None and each.loc == occ.part_each.loc:
                self.out.each = None  # its parts' marks, not every question's
            elif not occ.items:
                occ.part_each = None
        self._take_shared()
        self._end_key_block()
        self.rubric_list = None
        if self.pending_key and self.occ is not None:
            assert self.question is not None and self.section is not None
            where = f"{self.section.id}.{self.question.id}"
            self.out.notes.append(
                Val(f"{where}: the key is left blank ('Ans: ___'); fill it in", self.occ.header)
            )
        self.question = self.occ = self.item = None
        self.pending_key = self.inline = self.bullet_opened = False

    # --- lines outside questions -----------------------------------------------------------

    def _preamble(self, line: Line, text: str) -> None:
        if self.span is not None:
            self.span[1].append(("text", line.text.rstrip()))  # the spanned questions' data
            return
        if self.section is not None and not p.worked_product(text):
            self._section_facts(line, text)  # (not '$4 \\times 4 = 16$' worked between questions)
        for section, best in p.section_rules(text).items():
            self.out.rules.setdefault(section, Val((best, 0), line.loc))
        if self.section is None and (rule := p.best_rule(text)) is not None:
            self.out.rules.setdefault(None, Val(rule, line.loc))  # the paper's, said before it
        if p.key_line(text):
            self.out.notes.append(Val(f"a key outside any question: {text!r}", line.loc))

    def _scoring_statement(self, line: Line, text: str) -> bool:
        """'For the multiple choice questions: +2 if correct, 0 otherwise' → a policy;
        'true-false questions are worth one (1) point each' → the marks of each such one."""
        self._kind_worth(line, text)
        kind = p.kind_mentioned(text)
        if kind is not None:
            self.kind_context = (kind, self.index)
        if self.kind_context is None or self.index - self.kind_context[1] > 4:
            return False
        found = p.scoring(text)
        if found is None:
            return False
        kind = self.kind_context[0]
        old = self.out.scoring.get(kind)
        merged = p.Scoring(
            found.right if found.right is not None else (old.value.right if old else None),
            found.wrong if found.wrong is not None else (old.value.wrong if old else None),
        )
        self.out.scoring[kind] = Val(merged, old.loc if old else line.loc)
        return self.occ is None  # inside a question the line is also part of its text

    def _kind_worth(self, line: Line, text: str) -> None:
        for kind, worth in p.kind_worth(text).items():
            old = self.out.scoring.get(kind)
            if old is None or old.value.right is None:
                wrong = old.value.wrong if old else None
                self.out.scoring[kind] = Val(p.Scoring(worth, wrong), old.loc if old else line.loc)

    # --- lines inside a question -----------------------------------------------------------

    def _question_line(self, line: Line, text: str) -> None:
        occ = self.occ
        assert occ is not None
        if self.key_block is not None:
            if (rest := p.bullet(text)) is not None:
                ticked, untagged = p.option_tick(rest)
                self.key_block.append((ticked, Val(untagged, line.loc)))
                return
            self._end_key_block()
        if (result := p.result_value(line.text)) is not None:
            target = self.item.keys if self.item is not None else occ.keys
            target.append(Val(result, line.loc))  # '**Lösung:** ... = **210**': the key; the
            # line stays the solution's words below
        if (rest := p.bullet(text)) is not None and self._field(line, rest):
            return
        if (rest := p.solution_start(text)) is not None:
            self._begin_solution(rest, line.loc)
            if said := p.key_line(rest):  # 'Explanation: Answer is 9' names the key
                target = self.item.keys if self.item is not None else occ.keys
                target.append(Val(said, line.loc))
                self.pending_key = False
            return
        if self._key(line, text):
            return
        inline = None if occ.in_solution or p.lettered_item(text) else p.inline_key(text)
        if inline is not None:
            (self.item.keys if self.item is not None else occ.keys).append(Val(inline.id, line.loc))
            text = inline.rest
            line = Line(text, line.loc)
        if self._numbered_part(line, text) or self._paren_numbered_part(line, text):
            return
        if self.item is None:
            self._parts_each(line, text)
        self._marks(occ, line, text)
        if p.true_false_boxes(text):
            occ.true_false.append(line.loc)
            if len(occ.true_false) > 1:
                self.out.notes.append(
                    Val(
                        "a second TRUE/FALSE statement under one question: was a header lost?",
                        line.loc,
                    )
                )
            return
        if (box := p.checkbox(text)) is not None and not self._roman_ten(text):
            boxes = self.item.boxes if self.item is not None and not occ.in_solution else occ.boxes
            if box[1]:
                boxes.append((box[0], Val(box[1], line.loc)))
            return
        if self._item(line, text):
            return
        if (rest := p.bullet(text)) is not None and self._marked_bullet(line, rest):
            return
        if (rest := p.bullet(text)) is not None and not occ.in_solution and self.item is None:
            ticked, untagged = p.option_tick(rest)
            occ.bullets.append(Val(untagged, line.loc))
            occ.bullet_ticks.append(ticked)
            occ.bullet_indents.append(len(line.text) - len(line.text.lstrip()))
            # a marker on the right option would give the answer away in the prompt
            occ.prompt.append(("bullet", p.option_tick(line.text.rstrip())[1]))
            return
        text = line.text.rstrip()
        if occ.marks is not None and occ.marks.loc == line.loc and self.item is None:
            text = p.strip_marks(text)  # 'has the disease. (6 marks)' ending the question's text
            if not text.strip("*_ "):
                return  # '**(4 marks)**' alone under the heading: its marks only
        self._add_text(text, in_item=self.item is not None)

    def _field(self, line: Line, rest: str) -> bool:
        """A field of the question as a bullet: '- Answer: True' (its key, anywhere), and
        nested under a question written as a list item, '- Choices: a; b' (its options, in
        order, none ticked: the key names the right one) and '- Type: ...' (the kind, which
        the key and options already say)."""
        assert self.occ is not None
        field = p.bullet_field(rest)
        if field is None:
            return False
        name, value = field
        if name == "key":  # '- Answer:' alone is the student's space, its lines their own
            return not value or self._key(line, f"Answer: {value}")
        if not (self.bullet_opened or line.text[:1].isspace()) or self.occ.items:
            return False
        if name == "marks":
            return self._marks_field(line, rest)
        if name == "options":
            choices = p.listed_choices(value)
            self.occ.boxes.extend((False, Val(choice, line.loc)) for choice in choices)
        return True

    def _marks_field(self, line: Line, rest: str) -> bool:
        """'- Points: 2' under a question written as a list item: its marks."""
        assert self.occ is not None
        if (marks := p.marks_one(rest)) is None:
            return False
        if self.occ.marks is None:
            self.occ.marks = Val(marks, line.loc)
        return True

    def _marked_bullet(self, line: Line, rest: str) -> bool:
        """'- (6 points) Find ...': the question's next part; a bullet without points after it
        is that part's text."""
        occ = self.occ
        assert occ is not None
        if (occ.in_solution and not self.inline) or not p.leading_marks(rest):
            return False  # in a part's own solution, the next part still opens
        parts = [i for i in occ.items if "." not in i.label]
        if any(not i.heading for i in parts) or occ.bullets or len(parts) >= 8:
            return False  # lettered parts or options already: this is their text
        self._open_item("abcdefgh"[len(parts)], rest, line, heading=True)
        return True

    def _numbered_part(self, line: Line, text: str) -> bool:
        """'   1. Give the MLE of p. (3 marks)' indented under a question (a Word list's second
        level, a Markdown list nested under '2.'), or '1. ... (1 point)' under an
        'Exercise 1' heading: its next part, when it has its own points and its number is the
        next one; without points it is the question's text (steps, a list), unless at the
        margin under the question's own heading it asks ('1. Quelle est la probabilité ... ?',
        '2. Calculez la moyenne.') or titles its worked part in bold ('1. **Probabilité de
        tirer une boule rouge :**'): a sub-question of its own. Parts numbered at
        the margin keep the paper's numbers (a student answers '1.2'). In the question's
        solution, '1.' then answers its first part."""
        occ = self.occ
        assert occ is not None
        indented = line.text[:1].isspace()
        header = p.nested_number(text) if indented else p.numbered_item(text)
        if header is None:
            return False
        parts = [i for i in occ.items if "." not in i.label]
        if occ.in_solution:
            return self._numbered_answer(header, line, parts)
        # '## 3. Short answers [50 points]', 'Answer each ... (10 points each).', then '1.', '2.'
        each = not indented and occ.part_each is not None and self.level is not None
        if not indented and not each and self.style != "explicit":
            return False
        if not indented and p.heading_level(line.text) is not None:
            return False
        by_rule = self._parts_by_rule(indented, parts) or each
        raw = p.numbered_item(line.text.strip())  # its words with their bold
        asked = not indented and self.level is not None and raw is not None
        asked = asked and p.task_item(raw.rest if raw is not None else "")
        if p.marks_one(header.rest) is None and not by_rule and not asked:
            return False
        if any(not i.heading for i in parts) or occ.bullets or (indented and occ.marks):
            return False  # lettered parts, options or the question's own marks: its text
        if int(header.id) != len(parts) + 1 or len(parts) >= 8:
            return False
        label = header.id if by_rule or not indented else "abcdefgh"[len(parts)]
        self._open_item(label, header.rest, line, heading=True)
        occ.numbered_parts = not indented
        occ.parts_by_rule = by_rule
        return True

    def _parts_by_rule(self, indented: bool, parts: list[Item]) -> bool:
        """'Unless otherwise noted, each question is worth 3 points' over 'Problem 2' headings
        whose '1.', '2.' ... are the questions it means: the problem's numbered parts, with or
        without their own points (labelled as the paper numbers them)."""
        occ = self.occ
        assert occ is not None
        if indented or self.out.each is None or occ.marks is not None or occ.part_each:
            return False
        return self.level is None and all(i.label.isdigit() for i in parts)

    def _paren_numbered_part(self, line: Line, text: str) -> bool:
        """'**(1)** Create a tibble ... _**2 points**_' at the margin under 'Problem 1': its
        part 1, labelled as the paper numbers it. The first must be set in bold, carry its
        points or be a statement to judge under 'True or False?' (a plain '(1)' otherwise is
        the prompt's own list); the next ones, '(2)',
        '(3)' in order, open parts with or without points (those can come later)."""
        occ = self.occ
        assert occ is not None
        if (occ.in_solution and not self.inline) or line.text[:1].isspace():
            return False  # (a part's own solution ends where the next part opens)
        header = p.paren_numbered(text)
        if header is None:
            return False
        parts = [i for i in occ.items if "." not in i.label]
        if any(not (i.heading and i.label.isdigit()) for i in parts) or len(parts) >= 12:
            return False  # lettered parts already: this is their text
        if int(header.id) != len(parts) + 1:
            return False
        bold = p.paren_numbered(line.text.strip()) is not None and line.text.lstrip()[:1] in "*_"
        judged = not occ.bullets and self._asks_verdicts()  # 'True or False? ...' '(1) ...'
        if (
            not parts
            and not bold
            and not judged
            and (occ.bullets or p.marks_one(header.rest) is None)
        ):
            return False  # options already, or a '(1)' of the prompt's own
        self._open_item(header.id, header.rest, line, heading=True)
        return True

    def _asks_verdicts(self) -> bool:
        """Whether the open question's words so far ask for true or false ('True or False?
        Justify your answer'): the statements numbered under it are each a part to judge."""
        assert self.occ is not None
        stem = " ".join(t for kind, t in self.occ.prompt if kind != "item")
        return p.kind_mentioned(stem) == "truefalse"

    def _numbered_answer(self, header: p.Header, line: Line, parts: list[Item]) -> bool:
        """'1. $x^* = 2$' in the solution of a question whose parts are numbered: part a's."""
        occ = self.occ
        assert occ is not None
        number = int(header.id)
        opened = occ.solution_items[-1] if occ.solution_items else None
        if self.inline and number == 1 and opened is not None and not "".join(opened.lines).strip():
            occ.solution_items.pop()  # 'Solution:' under the last part heads a list of all
            occ.solution_loc = occ.solution_loc or opened.loc
            self.inline = False
        done = len(occ.solution_items)
        if not occ.numbered_parts or number != done + 1 or number > len(parts):
            return False
        self._open_item(parts[number - 1].label, header.rest, line, heading=True)
        return True

    def _open_item(self, label: str, rest: str, line: Line, *, heading: bool) -> None:
        """A part opened by its own heading or bullet rather than by '(a)'."""
        occ = self.occ
        assert occ is not None
        if self.inline:
            self._end_inline_solution(label)
        item = Item(label, line.loc, heading=heading)
        if (marks := p.marks_one(rest)) is not None:
            item.marks = Val(marks, line.loc)
        if rest := p.strip_marks(rest).strip().lstrip(":.)-–— "):
            item.lines.append(rest)
        if occ.in_solution:
            occ.solution_items.append(item)
        else:
            occ.items.append(item)
            occ.prompt.append(("item", line.text.strip()))
        self.item = item

    def _begin_solution(self, rest: str, loc: Loc) -> None:
        assert self.occ is not None
        if self.item is not None and not self.occ.in_solution:
            if not self._solution_over_parts(rest, loc):
                self._begin_inline_solution(rest, loc)
            return
        self.occ.in_solution = True
        self.occ.solution_loc = self.occ.solution_loc or loc
        self.item = None
        if rest:
            self.occ.solution.append(rest)

    def _keys_over_parts(self, written: str, loc: Loc) -> bool:
        """'Answer: (a) 1/4 (b) 3/4' under the parts: the key of each part it labels."""
        assert self.occ is not None
        if self.item is None or self.occ.in_solution:
            return False
        items = {i.label: i for i in self.occ.items if "." not in i.label}
        pieces = p.labelled_pieces(written, list(items))
        if pieces is None:
            return False
        for label, piece in pieces:
            if piece := piece.rstrip(" ;,"):
                items[label].keys.append(Val(piece, loc))
        return True

    def _solution_over_parts(self, rest: str, loc: Loc) -> bool:
        """'Solution: (a) 5 (b) 7' after the last part: each part's solution, not the last
        part's alone (it opens with the first part's label and names the next)."""
        assert self.occ is not None
        labels = [i.label for i in self.occ.items if "." not in i.label]
        pieces = p.labelled_pieces(rest, labels)
        if pieces is None:
            return False
        for label, text in pieces:
            self.occ.solution_items.append(Item(label, loc, [text] if text else []))
        self.occ.in_solution = True
        self.occ.solution_loc = self.occ.solution_loc or loc
        self.item = self.occ.solution_items[-1]  # a line after it goes on the last piece
        return True

    def _begin_inline_solution(self, rest: str, loc: Loc) -> None:
        """'Solution:' under part (b): the part's solution, until the next part begins."""
        assert self.occ is not None and self.item is not None
        solution = Item(self.item.label, loc, [rest] if rest else [])
        self.occ.solution_items.append(solution)
        self.occ.in_solution = self.inline = True
        self.item = solution

    def _key(self, line: Line, text: str) -> bool:
        assert self.occ is not None
        written = p.key_line(text)
        target = self.item.keys if self.item is not None else self.occ.keys
        if written is not None and not text.lower().startswith("your"):
            if (marks := p.marks_one(written)) is not None:  # 'Answer: B  [2]'
                written = p.strip_marks(written)
                if self.item is None and self.occ.marks is None and not self.occ.in_solution:
                    self.occ.marks = Val(marks, line.loc)
                elif self.item is not None and self.item.marks is None:
                    self.item.marks = Val(marks, line.loc)
            if p.has_blanks(written):
                self.pending_key = not p.strip_blanks(written)
            elif written and self._keys_over_parts(written, line.loc):
                pass  # 'Answer: (a) 1/4 (b) 3/4' after the last part: each part's key
            elif written:
                target.append(Val(written, line.loc))
            else:
                self.pending_key = True
            return True
        if self.pending_key and len(text) <= 80 and p.lettered_item(text) is None:
            self.pending_key = False
            target.append(Val(text.strip("$ "), line.loc))  # the key written into the blank
            return True
        return False

    def _marks(self, occ: Occurrence, line: Line, text: str) -> None:
        if p.points_scored(text):
            return  # 'and Test gets 6 points.': a score in the answer, not marks
        if p.extra_credit(text) and re.search(r"\d", text):
            self._extra_credit(line, text)
            return  # 'an extra 2.5 points': on top of the question's marks, never them
        if occ.marks_list is None and (listed := p.marks_list(text)) is not None:
            occ.marks_list = Val(listed, line.loc)
        item = self.item
        if (
            item is not None
            and item.heading
            and item.marks is None
            and not occ.in_solution
            and (one := p.marks_one(text)) is not None
        ):
            item.marks = Val(one, line.loc)  # 'Show it is linear. (4 marks)' under 'Part a'
        if (
            item is not None
            and not item.heading
            and item.marks is None
            and not occ.in_solution
            and 0 < len(item.lines) <= 3
            and "" not in item.lines
            and p.lettered_item(text) is None
            and (one := p.marks_one(text)) is not None
        ):
            item.marks = Val(one, line.loc)  # '(c) Derive ... / ... rate of 0.1.  [3]': wrapped
        if (
            self.item is None
            and occ.marks is None
            and not occ.in_solution
            and p.lettered_item(text) is None  # "(a) ... (12 marks)" are the part's marks
            and not self._own_sub_numbered(text)  # '1a. ... (2p)' too
            and (one := p.marks_one(text)) is not None
        ):
            occ.marks = Val(one, line.loc)

    def _own_sub_numbered(self, text: str) -> bool:
        """'1a. Which test ...? (2p)' under question 1: its part, not the question's words."""
        sub = p.sub_numbered(text)
        return sub is not None and self.question is not None and sub[0] == self.question.id

    def _extra_credit(self, line: Line, text: str) -> None:
        assert self.section is not None and self.question is not None
        where = f"{self.section.id}.{self.question.id}"
        said = text if len(text) <= 60 else text[:57] + "..."
        self.out.notes.append(
            Val(
                f"{where}: extra credit offered is not drafted ({said!r}); add it by hand", line.loc
            )
        )

    def _roman_ten(self, text: str) -> bool:
        """'(x)' after part (ix) is part (x), and after part (w) part x: not a ticked radio
        button."""
        assert self.occ is not None
        items = self.occ.solution_items if self.occ.in_solution else self.occ.items
        follows = bool(items) and items[-1].label.rpartition(".")[2] in ("ix", "w")
        return text.startswith("(x)") and follows

    def _item(self, line: Line, text: str) -> bool:
        assert self.occ is not None
        ticked, untagged = p.option_tick(text)
        if self._part_option(line, ticked, untagged):
            return True
        header = p.lettered_item(untagged)
        if header is None and not p.is_heading(line.text) and not self._verdict_line(untagged):
            header = self._in_order(p.capital_option(untagged))
        sub = p.sub_numbered(untagged)
        if header is None and sub is not None and self.question and sub[0] == self.question.id:
            header = sub[1]
        if header is None or self._step(header):
            return False
        occ = self.occ
        if self.inline:
            self._end_inline_solution(header.id)
        several = p.options_on_one_line(untagged)
        if several is None or several[0].id != header.id:
            return self._new_item(line, header, ticked, untagged)
        # 'A. x^2  B. sin x  C. -x^2': one item each, the line once in the prompt
        self._new_item(line, several[0], ticked, untagged)
        items = occ.solution_items if occ.in_solution else occ.items
        for other in several[1:]:
            items.append(Item(_nested_label(other.id, items), line.loc))
            self.item = items[-1]
            self._fill_item(line, other)
        return True

    def _new_item(self, line: Line, header: p.Header, ticked: bool, untagged: str) -> bool:
        """A lettered item opened by this line, its text, marks and key read."""
        assert self.occ is not None
        occ = self.occ
        label = _nested_label(header.id, occ.solution_items if occ.in_solution else occ.items)
        if not occ.in_solution and (again := self._label_again(label, line)) is not None:
            label = again
        item = Item(label, line.loc)
        bare = None if occ.in_solution else p.bare_leading_marks(header.rest)
        if bare is not None:  # '(a) (2) Find the estimate.'
            item.marks, header = Val(bare[0], line.loc), p.Header(header.id, bare[1])
        item.tick = "mark" if ticked else "bold" if p.bold_option(line.text) else None
        box = None if occ.in_solution else p.checkbox(header.rest)
        if box is not None and box[1]:  # '(a) □ V1 □ V2 ...': its first option on its line
            item.boxes.append((box[0], Val(box[1], line.loc)))
        else:
            self._fill_item(line, header, item)
        if self.occ.in_solution:
            self.occ.solution_items.append(item)
        else:
            self.occ.items.append(item)
            # a tick or bold would give the answer away in the prompt (a box, its options)
            shown = untagged if item.tick else line.text.strip()
            self.occ.prompt.append(("item", f"({label})" if box is not None else shown))
        self.item = item
        return True

    def _label_again(self, label: str, line: Line) -> str | None:
        """'(b)' right after part (b) of the same question, its letter not yet followed: the
        paper's slip for the next part (a worked answer labelling its third part '(b)' again),
        drafted as (c) and said in a note, rather than merged into (b) without a word."""
        assert self.occ is not None and self.question is not None and self.section is not None
        items = self.occ.items
        if not items or items[-1].label != label or not re.fullmatch(r"[a-y]", label):
            return None
        following = chr(ord(label) + 1)
        if any(i.label.split(".")[0] == following for i in items):
            return None
        where = f"{self.section.id}.{self.question.id}"
        self.out.notes.append(
            Val(
                f"{where}: part ({label}) is labelled twice; the second is drafted as part"
                f" ({following}); check it",
                line.loc,
            )
        )
        return following

    def _fill_item(self, line: Line, header: p.Header, item: Item | None = None) -> None:
        """An item's text after its label: its marks and an inline key read out of it."""
        assert self.occ is not None
        item = item if item is not None else self.item
        assert item is not None
        if (marks := p.marks_one(header.rest)) is not None:
            item.marks = Val(marks, line.loc)
        rest = p.strip_marks(header.rest)
        if not self.occ.in_solution and (inline := p.inline_key(rest)) is not None:
            item.keys.append(Val(inline.id, line.loc))  # '(a) What is 2+3? Answer: 5'
            rest = inline.rest
        if rest:
            item.lines.append(rest)

    def _verdict_line(self, text: str) -> bool:
        """'F. It contains the population mean ...' under '(e) ...' in a question asking
        'True or False?': the part's verdict and reason, not option F."""
        assert self.occ is not None
        if not _VERDICT_LINE.match(text):
            return False
        stem = " ".join(t for kind, t in self.occ.prompt if kind != "item")
        return p.kind_mentioned(stem) == "truefalse"

    def _part_option(self, line: Line, ticked: bool, untagged: str) -> bool:
        """'A. hinge' (or 'A. hinge  B. log-loss' on one line) under the part '1.1 Which loss
        ...?' or '(b) Which loss ...?': options of that part, not parts of their own; letters
        in lower case only under a numbered part that asks ('...?', '...:'), the options short."""
        item = self.item
        if item is None or self.occ is None or self.occ.in_solution:
            return False
        several = p.options_on_one_line(untagged)
        if several is None and (one := p.capital_option(untagged)) is not None:
            several = [one]
        if several is None or several[0].id != "abcdefgh"[min(len(item.boxes), 7)]:
            return False
        capital = untagged.lstrip("-*• (")[:1].isupper()
        asks = " ".join(item.lines).rstrip(" *_$").endswith(("?", ":"))
        short = all(len(h.rest) <= 60 and not h.rest.endswith("?") for h in several)
        if not capital and not (item.label.isdigit() and asks and short):
            return False
        for header in several:
            item.boxes.append((ticked and len(several) == 1, Val(header.rest, line.loc)))
        item.lines.append(line.text.strip())
        return True

    def _in_order(self, header: p.Header | None) -> p.Header | None:
        """'B. ...' as an option only where a list of them starts ('A.') or goes on (after
        'A.'): 'B. stricta has two stages' opening a paragraph is a name, not option b."""
        assert self.occ is not None
        items = self.occ.solution_items if self.occ.in_solution else self.occ.items
        if header is None or header.id == "a":
            return header
        last = items[-1].label.rpartition(".")[2] if items else ""
        return header if len(last) == 1 and ord(header.id) == ord(last) + 1 else None

    def _step(self, header: p.Header) -> bool:
        """'i) Trim the strings.' under '### Subtask A (15 P.)': a step of that part, not a
        part of its own (a step has no points; '(i) ... (2 points)' is a sub-part)."""
        item = self.item
        return (
            item is not None
            and item.heading
            and self.occ is not None
            and not self.occ.in_solution
            and header.id in _ROMAN
            and p.marks_one(header.rest) is None
        )

    def _end_inline_solution(self, label: str) -> None:
        """A part's solution ends at the next part; '(a)' again starts a list of solutions."""
        occ = self.occ
        assert occ is not None
        self.inline = False
        if label not in {i.label for i in occ.items}:
            occ.in_solution = False
            return
        opened = occ.solution_items.pop()  # 'Solution:' headed the whole list, not one part
        occ.solution_loc = occ.solution_loc or opened.loc
        first = p.lettered_item(opened.lines[0]) if opened.lines else None
        parts = [i.label for i in occ.items]
        if first is not None and first.id in parts and parts.index(first.id) < parts.index(label):
            # 'Proof. (a) Suppose ...' then '(b) ...': the list's first piece is part a's
            opened.label, opened.lines[0] = first.id, first.rest
            occ.solution_items.append(opened)
            return
        occ.solution.extend(opened.lines)

    def _add_text(self, text: str, *, in_item: bool) -> None:
        occ = self.occ
        assert occ is not None
        if in_item and self.item is not None:
            self.item.lines.append(text)
            if not occ.in_solution:
                occ.prompt.append(("item", text))
        elif occ.in_solution:
            occ.solution.append(text)
        else:
            occ.prompt.append(("text", text))

    # --- rubric tables ---------------------------------------------------------------------

    def _start_table(self, columns: tuple[int | None, int, int]) -> None:
        target = self.question
        if self.caption is not None and self.index - self.caption[1] <= _CAPTION_REACH:
            target = self.caption[0]
        self.table = _Table(columns, target)
        self.caption = None

    def _table_row(self, line: Line) -> bool:
        """One row of the open rubric table; False (and the table closed) past its end."""
        table = self.table
        assert table is not None
        cells = p.table_cells(line.text)
        if cells is None:
            self.table = None
            return False
        if p.is_separator_row(cells):
            return True
        part_col, crit_col, marks_col = table.columns
        get = lambda i: cells[i] if i is not None and i < len(cells) else ""  # noqa: E731
        if part_col is not None and get(part_col):
            table.part = p.part_label(get(part_col)) or get(part_col)
        text, marks = get(crit_col), p.cell_marks(get(marks_col))
        if table.question is None:
            self.out.notes.append(Val(f"a rubric row outside any question: {text!r}", line.loc))
        elif text:
            table.question.rows.append(Row(table.part, text, marks, line.loc))
        return True


@dataclass
class _Shared:
    """Options listed between questions, with the words before them."""

    options: list[tuple[bool, Val[str]]] = field(default_factory=list)
    stem: list[Val[str]] = field(default_factory=list)
    used: bool = False


_CAPITAL_PART = re.compile(r"^part\s+(?P<a>[A-H])(?![\w'])[.:)]?\s*(?P<rest>.*)$", re.I)
_SECTION_WORDS = re.compile(r"(?i)\b(?:questions?|problems?|sections?|parts)\b")
_ASKS_WORDS = 3  # words after a part's marks that ask something, not a section's title
_QUOTE_MARK = re.compile(r"^\s{0,3}>\s?")
_SENTENCE_END = re.compile(r"[.!?:)]\s*$")
# A question asked, or a task set (not how to write the answers down: 'show your work').
_ASKS = re.compile(
    r"\?|(?:^|[.!;]\s+)(?:explain|describe|discuss|prove|compute|calculate|find|determine|why"
    r"|show(?!\s+(?:all|your)\b))\b",
    re.I,
)
_VERDICT_LINE = re.compile(r"^[TF]\.\s+\S")
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")


# 'Part 1 (1.5 marks): Derive ...' in a question's text, not a heading: its part 1.
_NUMBERED_PART = re.compile(r"(?i)part\s*(?P<n>\d{1,2})\b[\s:.)-]*(?P<rest>.*)$")


# A question's header ending in a bare number in brackets: 'QUESTION 1 [15]', 'Question 2 (20)'
_MARKS_ALONE = re.compile(r"[\[(]\s*([1-9]\d{0,2}(?:\.5)?)\s*[\])]")


def _has_part(question: QuestionBuild, label: str) -> bool:
    return any(item.label == label for occ in question.occurrences for item in occ.items)


def _nested_label(label: str, items: list[Item]) -> str:
    """'(i)' after '(a)' is part a.i, '(ii)' after it a.ii; '(i)' after '(h)' is part i;
    '(α)' after '(b)(ii)' is part b.ii.α, '(β)' after that b.ii.β."""
    if not items:
        return label
    before, _, tail = items[-1].label.rpartition(".")
    above = before if tail in p.GREEK else items[-1].label  # after '(β)', its subpart's
    if label in p.GREEK:
        return f"{above}.{label}"
    if label not in _ROMAN:
        return label
    parent, _, last = above.partition(".")
    if parent in _ROMAN or (label == "i" and parent == "h"):
        return label  # roman parts, or the letter after h
    if label == "i" or (last and _ROMAN.index(label) == _ROMAN.index(last) + 1):
        return f"{parent}.{label}"
    return label


def _lists_option(occ: Occurrence, wording: str) -> bool:
    """Whether the question's prompt lists this wording as a numbered line ('1. <wording>')."""
    said = " ".join(wording.split()).casefold()
    for _, text in occ.prompt:
        for written in text.splitlines():
            item = p.numbered_item(written.strip())
            if item is not None and " ".join(item.rest.split()).casefold() == said:
                return True
    return False


def _wording(text: str) -> str:
    """An option's words for comparing: no bold, case or closing stop."""
    return re.sub(r"\s+", " ", text.strip().strip("*_").strip().rstrip(".;")).lower()


def _belongs_to_question(text: str) -> bool:
    """A heading that is part of a question: a part, a key, a solution, marks."""
    return (
        p.lettered_item(text) is not None
        or p.key_line(text) is not None
        or p.solution_start(text) is not None
        or p.marks_one(text) is not None
        or re.match(r"(?i)(?:part|question|problem|exercise)\b", text) is not None
    )


def _front_matter(lines: list[Line], start: int) -> tuple[int, Val[str] | None]:
    """Where the metadata block opening a Markdown file ends, and the title it names;
    (start, None) when there is none (a '---' with other lines under it is a rule)."""
    if lines[start].loc.line != 1:
        return start, None
    block = frontmatter.opening([line.text for line in lines[start : start + frontmatter.REACH]])
    if block is None or block.stray is not None:
        return start, None
    title = block.get("title")
    if title is None:
        return start + block.end, None
    return start + block.end, Val(title.value.strip(), lines[start + title.line].loc)


# A heading over a numbered list of instructions rather than questions.
_INSTRUCTIONS = re.compile(
    r"(?i)\b(?:instructions?|directions?|rules|guidelines|notes?|before you (?:begin|start))\b"
)


_LEADER = re.compile(r"[\s.…·_-]*(?:[.…·]\s?){4,}[\s.…·_-]*")


def _section_each(text: str) -> float | None:
    """Marks for every question of a section its heading gives: 'Part II (4 points each)'."""
    if p.kind_worth(text):
        return None
    return p.marks_per_question(text)


def _before_bracket(text: str) -> str:
    """A section title without its trailing '[60 min; 12 × 5 = 60 points]'."""
    return text.split("[", 1)[0]


def collect(lines: list[Line]) -> Collected:
    """Walk `lines` once; see the module docstring."""
    collector = Collector()
    upcoming = [""] * len(lines)  # the next line with text after each line
    for i in range(len(lines) - 2, -1, -1):
        after = lines[i + 1].text
        upcoming[i] = after if after.strip() else upcoming[i + 1]
    index = 0
    while index < len(lines):
        if lines[index].loc.line == 1:
            index, title = _front_matter(lines, index)
            if title is not None and collector.out.title is None:
                collector.out.title = title
            if index >= len(lines):
                break
        collector.next_text = upcoming[index]
        collector.feed(lines[index])
        index += 1
    collector._close_question()
    collector._end_shared()
    return collector.out


# A blank to write on after a label ('Name: ________', 'ID: ....'), on the title's line.
_BLANK_FIELD = re.compile(
    r"\s*\b[A-Z][\w.#]*(?: [\w.#]+){0,2}:\s*(?:_{3,}|\.{4,}|-{4,})\s*", re.IGNORECASE
)


def _without_blank_fields(text: str) -> str:
    """The title without the fields left blank for the student to fill in."""
    return _BLANK_FIELD.sub(" ", text).strip(" \t-–—|")
