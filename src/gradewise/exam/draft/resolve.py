"""Second pass: decide what the collected lines mean, question by question.

Parts or options, which marks, what a key is, which criteria: each decision keeps the place in
the document it was taken from, and what could not be decided becomes a note (a TODO for the
instructor) rather than a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from gradewise.exam.draft import patterns as p
from gradewise.exam.draft.agree import checkable, disagreement
from gradewise.exam.draft.collect import (
    Collected,
    Item,
    Occurrence,
    QuestionBuild,
    Row,
    SectionBuild,
    Val,
)
from gradewise.exam.draft.documents import Loc


@dataclass
class CriterionDraft:
    id: str
    text: str
    marks: float
    loc: Loc


@dataclass
class PartDraft:
    """A part of a question, or (for a question without parts) the question's own fields."""

    id: str
    loc: Loc
    marks: Val[float] | None = None
    prompt: Val[str] | None = None
    key: Val[dict[str, Any]] | None = None
    reference: Val[str] | None = None
    guidance: Val[str] | None = None
    rubric: list[CriterionDraft] = field(default_factory=list)
    key_note: str | None = None  # said beside the key: a key the drafter inferred


@dataclass
class QuestionDraft:
    id: str
    loc: Loc
    own: PartDraft  # marks, prompt (and key, reference, rubric when it has no parts)
    parts: list[PartDraft] = field(default_factory=list)


@dataclass
class SectionDraft:
    id: str
    loc: Loc
    title: Val[str] | None
    rule: Val[int] | None
    questions: list[QuestionDraft]


@dataclass
class Draft:
    """An exam file's content as drafted, every value with its place; `todo` and `notes`
    say what the instructor must fill in and what the drafter could not place."""

    id: str
    title: Val[str] | None
    sections: list[SectionDraft]
    todo: list[Val[str]] = field(default_factory=list)
    notes: list[Val[str]] = field(default_factory=list)
    sources: tuple[str, ...] = ()


def _asks_among(occ: Occurrence, items: list[Item]) -> bool:
    """A question ending in '?' over short unmarked items that ask nothing themselves:
    'What is the mode? a) 3  b) 4': options, not parts."""
    prompt = " ".join(t for kind, t in occ.prompt if kind == "text").strip()
    texts = [" ".join(x for x in i.lines if x).strip() for i in items]
    if len(items) == 2 and {_VERDICT.sub("", t).lower() for t in texts} in _VERDICTS:
        return True  # '(a) True. (b) False.': the two answers of a true/false question
    return (
        len(items) >= 2
        and prompt.rstrip(" *_").endswith("?")
        and all(0 < len(t) <= 60 and not t.endswith("?") for t in texts)
    )


def _ask_themselves(items: list[Item]) -> bool:
    """Whether an item asks a question of its own ('(b) ... what is the probability that you
    pass?'): then the items are the question's parts, whatever its stem's words ('selecting
    12 questions at random'), for an option is an answer, never a question."""
    return any(_asks(" ".join(x for x in i.lines if x)) for i in items)


def _asks_truth(stem: str) -> bool:
    """Whether the question asks for a verdict: 'true or false', 'T/F', 'the truth value'."""
    return p.kind_mentioned(stem) == "truefalse" or _TRUTH_VALUE.search(stem) is not None


_TRUTH_VALUE = re.compile(r"(?i)\btruth\s+value\b")
# a question titled for its verdicts: 'True and False', 'True & False' (all its first words)
_TRUTH_TITLE = re.compile(r"(?i)\W*true\s*(?:and|&)\s*false\W*")
# A line of a part's text that opens with its verdict: 'T. It is a function of the sample',
# 'False: the width halves', 'True.' alone.
_VERDICT_OPENS = re.compile(r"^(T|F|True|False|TRUE|FALSE)(?:\s*[.:]\s+\S|\.?$)")
_ASKS_MORE = re.compile(r"(?i)\b(?:explain|justify|why|prove|show)\b")
# The answer's last sentence giving the verdict: 'The expression is true.', 'so both are false'.
_CLOSING_VERDICT = re.compile(r"(?i)\b(?:is|are)\s+(true|false)\s*[.!]?\s*$")


def _asks(text: str) -> bool:
    """Whether the text ends in a question mark (bold, quotes or a stray backtick after it)."""
    return text.strip().rstrip(" *_`'\"“”‘’").endswith("?")


_VERDICT = re.compile(r"[\s.*_$]+")
_VERDICTS = ({"true", "false"}, {"yes", "no"}, {"t", "f"}, {"wahr", "falsch"})


_LONE_LETTER = re.compile(r"\(?([A-Za-z])\)?\.?")
_CHOOSE = re.compile(
    r"(?i)which of the following|select|choose|identify|correct answers?|tick|mark the box"
)


def resolve(collected: Collected, exam_id: str, sources: tuple[str, ...]) -> Draft:
    """Turn collected lines into a Draft; see the module docstring."""
    draft = Draft(exam_id, collected.title, [], notes=list(collected.notes), sources=sources)
    _missing_sections(collected, draft)
    for section in collected.sections.values():
        if section.questions:
            draft.sections.append(_section(section, collected, draft))
        else:
            draft.notes.append(Val(f"section {section.id} has no questions; left out", section.loc))
    _check_paper_total(collected, draft)
    return draft


def _check_paper_total(collected: Collected, draft: Draft) -> None:
    """The total the paper states ('Total: 25 marks') against the drafted questions' marks
    (the best k of a section's questions where a rule says so): a question, a part or marks
    missed or misread would otherwise pass unseen."""
    if collected.total is None:
        return
    drafted = 0.0
    for section in draft.sections:
        totals = [_question_total(q) for q in section.questions]
        if any(total is None for total in totals):
            return  # a question without marks is listed to fill in already
        counted = sorted((t for t in totals if t is not None), reverse=True)
        if section.rule is not None:
            counted = counted[: section.rule.value]
        drafted += sum(counted)
    said = collected.total.value
    if abs(drafted - said) > 1e-6:
        draft.notes.append(
            Val(
                f"the paper says {said:g} marks in all but the drafted questions add up to "
                f"{drafted:g}: a question, a part or its marks may have been missed or misread",
                collected.total.loc,
            )
        )


def _question_total(question: QuestionDraft) -> float | None:
    if question.own.marks is not None:
        return question.own.marks.value
    if question.parts and all(part.marks is not None for part in question.parts):
        return sum(part.marks.value for part in question.parts if part.marks is not None)
    return None


def _missing_sections(collected: Collected, draft: Draft) -> None:
    """'First part' then 'Third part': the second part's header was lost (OCR, a page)."""
    numbered = [p.ROMAN.index(s) for s in collected.sections if s in p.ROMAN]
    for index in range(min(numbered, default=0), max(numbered, default=0)):
        if index not in numbered:
            before = collected.sections[p.ROMAN[index - 1]] if index else None
            where = (
                f"; its questions may have been drafted in section {before.id}" if before else ""
            )
            draft.notes.append(
                Val(
                    f"no header for section {p.ROMAN[index]} was found{where}",
                    before.loc if before else next(iter(collected.sections.values())).loc,
                )
            )


def _section(build: SectionBuild, collected: Collected, draft: Draft) -> SectionDraft:
    questions = [_Resolver(build, q, collected, draft).question() for q in build.questions.values()]
    rule = None
    said = build.rule or collected.rules.get(build.id.upper())
    if said is None and len(collected.sections) == 1:
        said = collected.rules.get(None)
    if said is not None and said.value[1] == 0 and said.value[0] >= len(questions):
        draft.notes.append(
            Val(
                f"section {build.id}: the paper says {said.value[0]} questions count but "
                f"{len(questions)} were found; no rule drafted",
                said.loc,
            )
        )
        said = None
    if said is not None:
        best, of = said.value
        rule = Val(best, said.loc)
        if of and of != len(questions):
            draft.notes.append(
                Val(
                    f"section {build.id}: the rule says {best} of {of} but {len(questions)} "
                    "questions were found",
                    said.loc,
                )
            )
    counted = rule.value if rule is not None else len(questions)
    if build.each is not None and build.each.value[0] and build.each.value[0] != counted:
        draft.notes.append(
            Val(
                f"section {build.id}: the paper counts {build.each.value[0]} questions, "
                f"{len(questions)} were found",
                build.each.loc,
            )
        )
    return SectionDraft(build.id, build.loc, build.title, rule, questions)


class _Resolver:
    """Decides one question."""

    def __init__(
        self, section: SectionBuild, build: QuestionBuild, collected: Collected, draft: Draft
    ) -> None:
        self.section = section
        self.build = build
        self.collected = collected
        self.draft = draft
        self.address = f"{section.id}.{build.id}"
        self.main = _with_continued(_main_occurrence(build.occurrences), build.occurrences)
        self.occs = build.occurrences
        self._bullet_parts = False  # parts written as unlettered bullets, one per listed mark

    def todo(self, message: str, loc: Loc) -> None:
        self.draft.todo.append(Val(f"{self.address}: {message}", loc))

    def note(self, message: str, loc: Loc) -> None:
        self.draft.notes.append(Val(f"{self.address}: {message}", loc))

    # --- the question ------------------------------------------------------------------

    def question(self) -> QuestionDraft:
        main = self.main
        own = PartDraft(self.build.id, main.header)
        kind = self._kind()
        labels = self._part_labels(kind)
        parts = [self._part(label) for label in labels]
        own.prompt = self._prompt(main, with_items=not parts, with_bullets=not self._bullet_parts)
        own.prompt = _with_heads(own.prompt, main, labels)
        if own.prompt is not None and _code_marked(main.bullets, main.bullet_indents):
            # the marks that name the answer ('- `True`') never stay in the prompt
            unmarked = _MARKED_BULLET.sub(r"\g<lead>\g<text>", own.prompt.value)
            own.prompt = Val(unmarked, own.prompt.loc)
        own.marks = self._question_marks(kind)
        if parts:
            self._part_marks(parts, own)
            self._rubric_rows_without_part(parts)
            self._unsplit_solution(parts)
        else:
            self._single(own, kind)
        for part in parts or [own]:
            self._key_against_solution(part, "" if part is own else f"part {part.id}: ")
        return QuestionDraft(self.build.id, main.header, own, parts)

    def _key_against_solution(self, part: PartDraft, where: str) -> None:
        if part.key is None or part.reference is None:
            return
        differs = disagreement(part.key.value, part.reference.value)
        if differs:
            self.todo(f"{where}{differs} — check which is right", part.key.loc)

    def _kind(self) -> str:
        """'choice', 'truefalse' or 'other', from keys, boxes and the section's words."""
        if any(o.true_false for o in self.occs):
            return "truefalse"
        keys = [p.key_value(k.value) for k in self._all_keys()]
        if any(k is not None and k[0] == "choice" for k in keys) or self._boxes():
            return "choice"
        letters = [_LONE_LETTER.fullmatch(k.value.strip()) for k in self._all_keys()]
        if letters and all(letters) and self._answered_by_letters():
            return "choice"  # 'F' among 'D', 'E', 'C': option f, as its siblings
        items = self.main.items
        if self.section.kind == "choice" and self.main.marks_list is None:
            return "choice"  # in a multiple-choice part, even where OCR lost the options
        if not (items and self.main.marks_list is None and self._options_like()):
            return "other"
        if self._ticked():
            return "choice"
        if not any(i.marks for i in items):
            # the stem's words: 'identify the distribution' in an item is that item's task
            prompt = " ".join(t for where, t in self.main.prompt if where != "item")
            if (
                self.section.kind == "choice"
                or (_CHOOSE.search(prompt) and not _ask_themselves(items))
                or _asks_among(self.main, items)
            ):
                return "choice"
        return "other"

    def _answered_by_letters(self) -> bool:
        """Whether the section's questions are answered by one option letter each (matching
        items under a shared list): at least one letter other than T and F, and no 'T'
        (then 'F' may be False)."""
        letters = set()
        for build in self.section.questions.values():
            keys = [k.value.strip() for o in build.occurrences for k in o.keys]
            letters |= {m[1].upper() for k in keys if (m := _LONE_LETTER.fullmatch(k))}
        return bool(letters - {"T", "F"}) and "T" not in letters

    def _options_like(self) -> bool:
        """Items with no marks of their own, or only the last (the question's, at its end);
        never where the question says what each of its parts is worth, or where they are
        headed as parts ('Part a', 'Question 1, part 2')."""
        if self.main.part_each is not None or any(i.named for i in self.main.items):
            return False
        if self._solved_one_by_one():
            return False
        marked = [i for i in self.main.items if i.marks is not None]
        return not marked or (marked == self.main.items[-1:] and not self.main.states_marks)

    def _solved_one_by_one(self) -> bool:
        """Whether each item has a solution of its own written under it, before the next item
        ('(1) <statement>' 'Sol. False. ...' '(2) ...'): items answered one by one are parts
        to answer, never options to choose among."""
        items = self.main.items
        if len(items) < 2:
            return False
        where = {i.label: _at(i.loc) for o in self.occs for i in o.solution_items}
        ends = [_at(i.loc) for i in items[1:]] + [(10**9, 10**9)]
        return all(
            i.label in where and _at(i.loc) < where[i.label] < end
            for i, end in zip(items, ends, strict=True)
        )

    def _ticked(self) -> list[str]:
        """The options marked right: ticked, or in bold where the others are not."""
        items = self.main.items
        ticked = [i.label for i in items if i.tick == "mark"]
        bold = [i.label for i in items if i.tick == "bold"]
        return ticked or (bold if len(bold) < len(items) else [])

    def _all_keys(self) -> list[Val[str]]:
        """The question's keys, and those written after its last option (in the item)."""
        keys = [k for o in self.occs for k in o.keys]
        return keys + [k for o in self.occs for i in o.items for k in i.keys]

    def _boxes(self) -> list[tuple[bool, Val[str]]]:
        """Options written as boxes, or as bullets without letters one of which is marked
        or which the key names ('Answer: It is positively skewed.' under '- Positively
        skewed')."""
        boxes = next((o.boxes for o in self.occs if o.boxes), [])
        main = self.main
        if boxes or main.items or len(main.bullets) < 2:
            return boxes
        if any(main.bullet_ticks):
            return list(zip(main.bullet_ticks, main.bullets, strict=True))
        if coded := _code_marked(main.bullets, main.bullet_indents):
            return coded
        return [(False, main.bullets[i]) for i in self._named_bullets()]

    def _named_bullets(self) -> list[int]:
        """The list of bullets (one level of one list) one of which a key's sentence names."""
        keys = [k.value for o in self.occs for k in o.keys]
        for run in _bullet_runs(self.main.bullet_indents):
            bullets = {_letter(i): self.main.bullets[at].value for i, at in enumerate(run)}
            if len(run) > 1 and any(_named_in(key, bullets) is not None for key in keys):
                return run
        return []

    def _part_labels(self, kind: str) -> list[str]:
        if kind == "choice":
            return []
        for items in (self.main.items, *(o.solution_items for o in self.occs)):
            labels = _leaves(_unique(i.label for i in items), keep=_graded_heads(items))
            if len(labels) > 1:
                return labels
        if self._lone_part() or self._lone_question_item():
            return [self.main.items[0].label]
        listed = self.main.marks_list
        bullets = self.main.bullets
        if listed is not None and len(bullets) == len(listed.value) > 1:
            self._bullet_parts = True
            return [chr(ord("a") + i) for i in range(len(bullets))]
        labels = _unique(r.part for r in self.build.rows if r.part)
        return labels if len(labels) > 1 else []

    def _lone_part(self) -> bool:
        """'Part (a) (8 marks) ...' alone, named a part, under a question that states no
        marks of its own: a part all the same (an exam-class question of one `\\part`);
        '(a) (5 points)' alone gives its question its marks. An '(a)' worth less than its
        question ('### a) ... (6 Punkte)' under 'AUFGABE 8 (18 Punkte)') is a part: the
        others are not written."""
        items = self.main.items
        if len(items) != 1 or items[0].label != "a" or items[0].marks is None:
            return False
        own = next((o.marks for o in self.occs if o.marks is not None), None)
        if own is not None and items[0].marks.value < own.value:
            return True  # '### a) ... (6 Punkte)' of a question worth 18: its one part shown
        return (
            items[0].named
            and not any(o.states_marks for o in self.occs)
            and self.build.caption_marks is None
        )

    def _lone_question_item(self) -> bool:
        """'6. What is logistic regression? (a) When might we use it?': a question that asks,
        over one lettered item that asks again: two questions to answer, the item part (a)."""
        items = self.main.items
        if len(items) != 1 or items[0].label != "a":
            return False
        stem = [line for where, t in self.main.prompt if where != "item" for line in t.split("\n")]
        return any(_asks(line) for line in stem) and _ask_themselves(items)

    # --- marks ---------------------------------------------------------------------------

    def _question_marks(self, kind: str) -> Val[float] | None:
        own = next((o.marks for o in self.occs if o.marks is not None), None)
        if own is not None or self.build.caption_marks is not None:
            return own or self.build.caption_marks
        last = self.main.items[-1] if self.main.items else None
        if kind == "choice" and last is not None and last.marks is not None:
            return last.marks  # '(d) none of these [2pts]': the question's marks
        if len(self.main.items) == 1 and last is not None and last.marks is not None:
            return last.marks  # one part '### (a) (5 points)': no parts, the question's marks
        if (total := self.collected.totals.get(self.build.id)) is not None:
            return total
        if self.section.each is not None:
            each = self.section.each
            return Val(each.value[1], each.loc)
        if self.collected.each is not None and not self.main.parts_by_rule:
            return self.collected.each  # (under the rule, the parts are its 'questions')
        scoring = self.collected.scoring.get(kind)
        if scoring is not None and scoring.value.right:
            return Val(scoring.value.right, scoring.loc)
        listed = self.main.marks_list
        if listed is not None:
            return Val(sum(listed.value), listed.loc)
        return None

    def _part_marks(self, parts: list[PartDraft], own: PartDraft) -> None:
        each = self.main.part_each
        if each is None and self.main.parts_by_rule:
            each = self.collected.each  # 'each question is worth 3 points': these parts
        if each is not None:
            for part in parts:  # '(1 point each)' under the question
                part.marks = part.marks or Val(each.value, each.loc)
        listed = self.main.marks_list
        if listed is not None and len(listed.value) == len(parts):
            for part, marks in zip(parts, listed.value, strict=True):
                part.marks = part.marks or Val(marks, listed.loc)
        elif listed is not None:
            self.note(f"marks {listed.value} do not match the {len(parts)} parts found", listed.loc)
        for part in parts:
            if part.marks is None and part.rubric:
                total = sum(c.marks for c in part.rubric if c.marks > 0)
                part.marks = Val(total, part.rubric[0].loc)
        self._one_part_left(parts, own)
        for part in parts:
            if part.marks is None:
                self.todo(f"part {part.id} has no marks — add 'marks: N'", part.loc)
        self._check_total(parts, own)

    def _one_part_left(self, parts: list[PartDraft], own: PartDraft) -> None:
        """With the question's total known, one part without marks gets what is left."""
        missing = [part for part in parts if part.marks is None]
        if own.marks is None or len(missing) != 1:
            return
        left = own.marks.value - sum(part.marks.value for part in parts if part.marks)
        if left > 0:
            missing[0].marks = Val(left, own.marks.loc)

    def _check_total(self, parts: list[PartDraft], own: PartDraft) -> None:
        if own.marks is None or any(part.marks is None for part in parts):
            return
        total = sum(part.marks.value for part in parts if part.marks)
        if abs(total - own.marks.value) > 1e-9:
            self.note(
                f"the question's {own.marks.value:g} marks differ from its parts' "
                f"{total:g}; the parts' marks were kept",
                own.marks.loc,
            )
        own.marks = None  # the loader adds the parts up

    # --- parts ---------------------------------------------------------------------------

    def _part(self, label: str) -> PartDraft:
        item = _find_item(self.main.items, label)
        solution = next((i for o in self.occs for i in o.solution_items if i.label == label), None)
        found = item or solution
        loc = found.loc if found is not None else self.main.header
        part = PartDraft(label, loc)
        keys = [*(item.keys if item else []), *(solution.keys if solution else [])]
        if item is not None:
            part.prompt = _text(item.lines, item.loc)
            part.marks = item.marks
            part.key = self._part_choice(item, keys) or self._key_from(keys, "other", label)
            if solution is None:
                self._verdict_under(part, item.lines, item.loc)
                self._working_under(part, item, item.loc)
            _verdict_alone(part)
        elif (bullet := self._bullet(label)) is not None:
            part.prompt, part.loc = bullet, bullet.loc
        if solution is not None:
            part.marks = part.marks or solution.marks
            part.reference = _text(solution.lines, solution.loc)
            if item is None:
                part.key = self._key_from(keys, "other", label)
        # a key gradewise cannot check is kept as the reference (after a worked solution)
        unread = next((k for k in keys if p.key_value(k.value) is None), None)
        if unread is not None and part.reference is None:
            part.reference = Val(unread.value, unread.loc)
        elif (
            unread is not None
            and part.reference is not None
            and part.key is None
            and unread.value not in part.reference.value
        ):
            text = f"{part.reference.value}\n\nAnswer: {unread.value}"
            part.reference = Val(text, part.reference.loc)
        part.key = part.key or _short_key(part.reference) or self._judged(part)
        if part.key is None and not (item is not None and item.boxes):
            self._key_from_working(part, f"part {label}: ")
        part.rubric = self._criteria([r for r in self.build.rows if r.part == label])
        return part

    def _working_under(self, part: PartDraft, item: Item, loc: Loc) -> None:
        """'(a) Compute the loss at the output node. [2]' then 'z11 = 0.41', ..., 'Loss =
        -log y = 0.277' typed under it, in a paper printed with its solutions: the lines after
        the one its marks end are its worked answer (most of them equations, the last giving
        one value), not its prompt; that value is then the key to confirm."""
        lines = item.lines
        if part.reference is not None or part.key is not None or item.marks is None:
            return
        if item.heading:
            return  # 'Part 1 (2 marks)' headings: the text under them is theirs
        end = next((i for i, line in enumerate(lines) if p.marks_one(line) is not None), None)
        if end is None and item.marks.loc == item.loc:
            end = 0  # its marks were on its label's line
        if end is None:
            return
        after = [line for line in lines[end + 1 :] if line.strip()]
        if len(after) < 2 or 2 * sum("=" in line for line in after) < len(after):
            return
        if p.final_value("\n".join(after)) is None:
            return  # code, display math or data: only working that ends on its value
        part.prompt = _text([*lines[:end], p.strip_marks(lines[end])], loc)
        part.reference = _text(lines[end + 1 :], loc)

    def _verdict_under(self, part: PartDraft, lines: list[str], loc: Loc) -> None:
        """'(b) The population variance is a random variable.' then 'F. This is a population
        parameter' in a paper printed with its answers, under 'True or False and Why?': the
        line opening with the verdict ('T.', 'F.', 'True.', 'False:') starts the part's answer,
        and the verdict is its key (the reason after it is for the grader)."""
        stem = " ".join(text for _, text in self.main.prompt)
        if part.key is not None or not (_asks_truth(stem) or self._titled_truth()):
            return
        at = next(
            (i for i, line in enumerate(lines) if i and _VERDICT_OPENS.match(line.strip())), None
        )
        if at is None:
            return
        verdict = _VERDICT_OPENS.match(lines[at].strip())
        assert verdict is not None
        part.prompt = _text(lines[:at], loc)
        part.reference = _text(lines[at:], loc)
        part.key = Val({"kind": "truefalse", "value": verdict[1][0] in "Tt"}, loc)

    def _titled_truth(self) -> bool:
        """Whether the question's own words are only a title asking for verdicts ('True and
        False' over statements (a), (b), ...)."""
        texts = [text for kind, text in self.main.prompt if kind == "text" and text.strip()]
        return bool(texts) and _TRUTH_TITLE.fullmatch(texts[0]) is not None

    def _judged(self, part: PartDraft, *, whole: bool = False) -> Val[dict[str, Any]] | None:
        """'Determine whether each of the following is true or false', 'Determine the truth
        value of ...': a part (or the question) whose answer opens with its verdict ('False.
        For x = b ...') or closes on it ('The expression is true.') has it as its key. A
        question that asks for more than the verdict ('True or false? Explain.') has none:
        its marks are for the explanation too."""
        stem = " ".join(text for _, text in self.main.prompt)
        if part.reference is None or not (_asks_truth(stem) or self._titled_truth()):
            return None
        if whole and _ASKS_MORE.search(stem):
            return None
        lines = [line for line in part.reference.value.split("\n") if line.strip()]
        value = p.truefalse_value(lines[0]) if lines else None
        if value is None and lines and (closing := _CLOSING_VERDICT.search(lines[-1])):
            value = closing[1].lower() == "true"
        if value is None:
            return None
        return Val({"kind": "truefalse", "value": value}, part.reference.loc)

    def _key_from_working(self, part: PartDraft, where: str) -> None:
        """The one value a worked solution ends with, as the key, for the instructor to
        confirm: the working may stop short of the answer or end on a side result. Where it
        ends in prose ('So there are 1,024 sequences.'), the value its closing sentence states
        when it states one the question does not give; several: no key, and said so."""
        if part.reference is None:
            return
        working = p.without_asides(part.reference.value)
        if (formula := _formula_key(working)) is not None:
            part.key = Val({"kind": "expression", "value": formula}, part.reference.loc)
            part.key_note = _FROM_WORKING
            self.todo(f"{where}{_FROM_WORKING}", part.reference.loc)
            return
        if (opening := p.opening_value(working)) is not None:
            key = {"kind": "numeric", "value": opening[0]} | (
                {"tol": opening[1]} if opening[1] else {}
            )
            part.key = Val(key, part.reference.loc)
            part.key_note = _FROM_WORKING
            self.todo(f"{where}{_FROM_WORKING}", part.reference.loc)
            return
        value = p.final_value(working)
        if value is None:
            given = " ".join(
                [part.prompt.value if part.prompt else ""] + [t for _k, t in self.main.prompt]
            )
            value, several = p.sentence_value(working, given)
            if several:
                stated = ", ".join(several[:4]) + (", ..." if len(several) > 4 else "")
                self.todo(
                    f"{where}the worked solution ends on more than one value ({stated}): no key"
                    " drafted — add the key",
                    part.reference.loc,
                )
        if value is None:
            return
        part.key = Val({"kind": "numeric", "value": value}, part.reference.loc)
        part.key_note = _FROM_WORKING
        self.todo(f"{where}{_FROM_WORKING}", part.reference.loc)

    def _part_choice(self, item: Item, keys: list[Val[str]]) -> Val[dict[str, Any]] | None:
        """A part's own options (boxes under it), the ticked ones correct, else the letters
        its key names ('1.1 B' in an answer key)."""
        if not item.boxes:
            return None
        options = {_letter(i): box.value for i, (_, box) in enumerate(item.boxes)}
        correct = [_letter(i) for i, (ticked, _) in enumerate(item.boxes) if ticked]
        if not correct and keys:
            named = _option_letters(keys[-1].value)
            if named and all(letter in options for letter in named):
                return Val(_choice_key(options, named), keys[-1].loc)
        if not correct:
            self.todo(f"part {item.label}: options without a ticked one — add the key", item.loc)
            return None
        return Val(_choice_key(options, correct), item.boxes[0][1].loc)

    def _bullet(self, label: str) -> Val[str] | None:
        index = ord(label) - ord("a") if len(label) == 1 else -1
        bullets = self.main.bullets
        return bullets[index] if self._bullet_parts and 0 <= index < len(bullets) else None

    def _unsplit_solution(self, parts: list[PartDraft]) -> None:
        for occ in self.occs:
            if occ.solution_loc is not None and _join(occ.solution) and not occ.solution_items:
                self.note(
                    "a solution for the whole question was not split over its parts; copy it "
                    "into the parts' 'reference'",
                    occ.solution_loc,
                )

    def _rubric_rows_without_part(self, parts: list[PartDraft]) -> None:
        labels = {part.id for part in parts}
        for row in self.build.rows:
            if row.part not in labels:
                self.note(f"rubric row {row.text!r} names no part of this question", row.loc)

    # --- a question without parts --------------------------------------------------------

    def _single(self, own: PartDraft, kind: str) -> None:
        own.key = self._key(kind)
        if own.key is None and kind == "truefalse":
            own.key = self._truefalse_from_solution()
        own.reference = self._reference()
        if own.key is None and kind == "other":
            own.key = _short_key(own.reference) or self._judged(own, whole=True)
            if own.key is None:
                self._key_from_working(own, "")
        own.rubric = self._criteria(self.build.rows)
        listed = self.main.marks_list
        if listed is not None and len(listed.value) > 1:
            self.note(
                f"marks {' + '.join(f'{m:g}' for m in listed.value)} are listed but no parts "
                "were found; the question is drafted as one part",
                listed.loc,
            )
        if own.marks is None:
            self.todo("no marks found — add 'marks: N'", self.main.header)
        if own.key is None and kind == "choice":
            self.todo("multiple choice without a key — add key: {kind: choice, ...}", own.loc)

    def _key(self, kind: str) -> Val[dict[str, Any]] | None:
        found = self._key_from(self._all_keys(), kind, None)
        if found is not None or kind != "choice":
            return found
        ticked = [i for i, (mark, _) in enumerate(self._boxes()) if mark]
        if ticked:
            box = self._boxes()[ticked[0]][1]
            return Val(self._choice([_letter(i) for i in ticked]), box.loc)
        if labels := self._ticked():
            item = next(i for i in self.main.items if i.label == labels[0])
            return Val(self._choice(labels), item.loc)
        return None

    def _key_from(
        self, keys: list[Val[str]], kind: str, part: str | None
    ) -> Val[dict[str, Any]] | None:
        if kind != "choice" and len(stated := _stated(keys)) > 1:  # blanks: "Paris; 4"
            where = f"part {part}: " if part else ""
            self.note(
                f"{where}{len(stated)} different answers for one part ({'; '.join(stated)}): "
                "no key drafted; give each blank a part of its own with its key",
                keys[0].loc,
            )
            return None
        for written in keys:
            if kind == "choice" and (named := self._named_options(written.value)):
                return Val(self._choice(named), written.loc)
            value = p.key_value(written.value)
            if value is not None and value[0] == "expression" and kind == "choice":
                value = None  # a formula as a choice question's key: no option named
            if value is None and kind == "choice" and _LONE_LETTER.fullmatch(written.value.strip()):
                value = ("choice", [written.value.strip(" ().").lower()])  # 'I': option i
            if value is None and len(written.value.split()) > _SENTENCE_WORDS:
                continue  # a model answer in words: the reference, nothing to say
            if value is None:
                where = f"part {part}: " if part else ""
                self.note(
                    f"{where}key '{written.value}' is not a value gradewise can check; "
                    "kept as the reference",
                    written.loc,
                )
                continue
            found, parsed = value
            if found == "truefalse" and kind == "choice" and len(written.value.strip()) == 1:
                found, parsed = "choice", [written.value.strip().lower()]  # option f, not False
            if found == "choice" and kind == "choice":
                return Val(self._choice(parsed), written.loc)
            if found == "truefalse":
                return Val({"kind": "truefalse", "value": parsed}, written.loc)
            if found == "expression":
                return Val({"kind": "expression", "value": parsed}, written.loc)
            if found == "numeric":
                key = {"kind": "numeric", "value": parsed}
                if (tol := p.tolerance(written.value)) is not None:
                    key["tol"] = tol
                return Val(key, written.loc)
            self.note(
                f"key {written.value!r} looks like option letters but no options were found",
                written.loc,
            )
        return None

    def _choice(self, correct: list[str]) -> dict[str, Any]:
        options = self._options()
        key = _choice_key(options, correct)
        if key["kind"] == "truefalse":
            return key
        scoring = self.collected.scoring.get("choice")
        if scoring is not None and scoring.value.wrong and scoring.value.wrong < 0:
            marks = self._question_marks("choice")
            key["policy"] = "negative"
            if marks is not None and scoring.value.wrong != -1.0:
                key["penalty"] = round(-scoring.value.wrong / marks.value, 6)
        if not options:
            self.note(
                "no options were found (lost in OCR?); add the key's 'options'", self.main.header
            )
        if options and any(c not in options for c in correct):
            self.note(f"the key names {correct}, not all among the options found", self.main.header)
            key.pop("options")
        return key

    def _named_options(self, written: str) -> list[str] | None:
        """The options a key names by their text ('Answer: sklearn.svm', 'Answer: Low; High'),
        not by their letters; None unless every name is one option's text."""
        by_text = {_plain(text): label for label, text in self._options().items()}
        if (label := by_text.get(_plain(written))) is not None:
            return [label]
        named = [by_text.get(_plain(name)) for name in p.listed_choices(written)]
        if len(named) < 2 or None in named:
            label = _named_in(written, self._options())
            return [label] if label is not None else None
        return sorted({label for label in named if label is not None})

    def _options(self) -> dict[str, str]:
        items = self.main.items
        if items:
            return {i.label: " ".join(x for x in i.lines if x).strip() for i in items}
        boxes = self._boxes()
        if boxes:
            return {_letter(i): box.value for i, (_, box) in enumerate(boxes)}
        return self._numbered_options()

    def _numbered_options(self) -> dict[str, str]:
        """Options written as a numbered list in the prompt ('1. 0.40', '2. 0.50', ... under a
        question whose key is a letter: a list a renderer letters A, B, C): a, b, c by place."""
        lines = [t for kind, t in self.main.prompt if kind == "text"]
        run: list[str] = []
        lazy = False  # every item so far written '1.', as Markdown lets a list be
        for line in (x for text in lines for x in text.splitlines()):
            item = p.numbered_item(line.strip())
            if item is not None and int(item.id) == len(run) + 1:
                run.append(item.rest.strip())
                lazy = item.id == "1"
            elif item is not None and item.id == "1" and lazy:
                run.append(item.rest.strip())
            elif item is not None and item.id == "1":
                run = [item.rest.strip()]
        return {_letter(i): text for i, text in enumerate(run)} if 2 <= len(run) <= 8 else {}

    def _truefalse_from_solution(self) -> Val[dict[str, Any]] | None:
        for occ in self.occs:
            first = next((s for s in occ.solution if s.strip()), "")
            value = p.truefalse_value(first)
            if value is not None and occ.solution_loc is not None:
                return Val({"kind": "truefalse", "value": value}, occ.solution_loc)
        return None

    def _reference(self) -> Val[str] | None:
        for occ in self.occs:
            if occ.solution and occ.solution_loc is not None and (text := _join(occ.solution)):
                return Val(text, occ.solution_loc)
        for written in self._all_keys():
            if p.key_value(written.value) is None:
                return Val(written.value, written.loc)
        for occ in self.occs:  # under the question's header in a solutions document
            if occ is not self.main and (text := _join(t for _, t in occ.prompt)):
                return Val(text, occ.header)
        return None

    def _criteria(self, rows: list[Row]) -> list[CriterionDraft]:
        out: list[CriterionDraft] = []
        for row in rows:
            if row.marks is None or row.marks == 0:
                self.note(f"rubric row {row.text!r} has no marks; left out", row.loc)
                continue
            out.append(CriterionDraft(f"c{len(out) + 1}", row.text, row.marks, row.loc))
        return out

    def _prompt(self, occ: Occurrence, *, with_items: bool, with_bullets: bool) -> Val[str] | None:
        keep = (
            {"text"} | ({"item"} if with_items else set()) | ({"bullet"} if with_bullets else set())
        )
        lines = [text for tag, text in occ.prompt if tag in keep]
        text = _join(lines)
        return Val(text, occ.header) if text else None


def _main_occurrence(occs: list[Occurrence]) -> Occurrence:
    """The paper's occurrence: the one that states marks, else the first without a solution."""
    tests = (
        lambda o: o.states_marks,
        lambda o: not o.in_solution and any(text.strip() for _, text in o.prompt),
        lambda o: not o.in_solution,
    )
    for test in tests:
        found = next((o for o in occs if test(o)), None)
        if found is not None:
            return found
    return occs[0]


def _with_continued(main: Occurrence, occs: list[Occurrence]) -> Occurrence:
    """The paper's occurrence with the parts the question's other occurrences in the same
    document add ('Problem 1 continued...' over the page, holding part (c)), in the order
    they come (a solutions document's lettered lines are its steps, not new parts)."""
    labels = {item.label for item in main.items}
    items: list[Item] = []
    for occ in occs:
        if occ is main:
            items.extend(main.items)
            continue
        if occ.header.source != main.header.source:
            continue
        added = [item for item in occ.items if item.label not in labels]
        labels.update(item.label for item in added)
        items.extend(added)
    return main if len(items) == len(main.items) else replace(main, items=items)


def _choice_key(options: dict[str, str], correct: list[str]) -> dict[str, Any]:
    """A choice key; options 'True' and 'False' (or 'Yes' and 'No') with one ticked make a
    true/false key."""
    words = {label: text.strip().strip(".").lower() for label, text in options.items()}
    pair = sorted(words.values()) in (["false", "true"], ["no", "yes"])
    if pair and len(correct) == 1 and correct[0] in words:
        return {"kind": "truefalse", "value": words[correct[0]] in ("true", "yes")}
    key: dict[str, Any] = {"kind": "choice"}
    if options:
        key["options"] = options
    key["correct"] = correct
    return key


_FROM_WORKING = "key taken from the worked solution: check it"
_SHORT_KEY = 40  # characters: a solution this short that is a value is the key
_SHORT_FORMULA = 160  # characters: a solution this short that is one formula proposes a key


def _stated(keys: list[Val[str]]) -> list[str]:
    """The different answers keys of one document state for one part: 'Paris; 4' is two,
    '0.5' and '1/2' one (the same value), keys in two documents (paper and solutions) are
    compared elsewhere."""
    if len({k.loc.source for k in keys}) > 1:
        return []
    seen: dict[str, str] = {}
    for key in keys:
        for piece in _blanks(key.value):
            piece = piece.strip()
            if piece:
                seen.setdefault(repr(p.key_value(piece) or piece.lower()), piece)
    return list(seen.values())


def _blanks(text: str) -> list[str]:
    """The answers one key line gives for several blanks, 'Paris; 4'; a sentence with a
    semicolon in it ('it fits noise; use more data') is one answer."""
    pieces = text.split(";")
    if len(pieces) > 1 and all(len(piece.split()) <= _BLANK_WORDS for piece in pieces):
        return pieces
    return [text]


_BLANK_WORDS = 4  # a blank's answer is a value or a few words, not a clause
_SENTENCE_WORDS = 8  # an answer in more words is a model answer, not a key meant as a value


# An option written all as inline code ('- `Boolean`'), the way a learner's notes mark the answer
_CODE_OPTION = re.compile(r"`(?P<text>[^`]+)`\s*\.?")


_MARKED_BULLET = re.compile(
    r"^(?P<lead>[ \t]*[-*+][ \t]+)`(?P<text>[^`\n]+)`[ \t]*\.?[ \t]*$", re.M
)


def _code_marked(bullets: list[Val[str]], indents: list[int]) -> list[tuple[bool, Val[str]]]:
    """Options ('-' bullets of one level) some of which, not all, are written all as inline
    code while the others have none: those are marked right ('- `True`' under '- False')."""
    if len(bullets) < 2 or len(set(indents)) != 1:
        return []
    coded = [_CODE_OPTION.fullmatch(b.value.strip()) for b in bullets]
    plain = [b for b, c in zip(bullets, coded, strict=True) if c is None]
    if not plain or len(plain) == len(bullets) or any("`" in b.value for b in plain):
        return []
    return [
        (True, Val(c["text"].strip(), b.loc)) if c is not None else (False, b)
        for b, c in zip(bullets, coded, strict=True)
    ]


def _short_key(reference: Val[str] | None) -> Val[dict[str, Any]] | None:
    """A worked solution that is only a number or True/False ('33', '$0.5$') is also the key."""
    if reference is None or len(reference.value) > _SHORT_KEY or "\n" in reference.value:
        return None
    found = p.key_value(reference.value)
    if found is None or found[0] in ("choice", "expression"):
        return None  # a solution's formula may be working, not the answer: only a stated key
    return Val({"kind": found[0], "value": found[1]}, reference.loc)


def _formula_key(working: str) -> str | None:
    """A worked solution that is one formula in math and nothing else ('$\\sigma(z)(1 -
    \\sigma(z))$', '$\\hat\\beta = (X^\\top X)^{-1} X^\\top y$'): that formula (its right
    side), for the instructor to confirm; an equation to state ('$X^\\top X w = X^\\top y$')
    or words beside the math are working, no key."""
    text = working.strip()
    if "\n" in text or len(text) > _SHORT_FORMULA:
        return None
    found = p.key_value(text)
    if found is None or found[0] != "expression" or not text.lstrip().startswith(("$", "\\(")):
        return None
    return str(found[1]) if checkable("expression", str(found[1])) else None


def _with_heads(prompt: Val[str] | None, occ: Occurrence, labels: list[str]) -> Val[str] | None:
    """The question's prompt, and the text of items that head sub-parts ('(a) Ridge ...')."""
    heads = [
        f"({i.label}) " + _join(i.lines)
        for i in occ.items
        if i.label not in labels and any(x.startswith(i.label + ".") for x in labels)
    ]
    if not heads:
        return prompt
    text = _join([prompt.value if prompt else "", *heads])
    return Val(text, prompt.loc if prompt else occ.header)


def _leaves(labels: list[str], keep: frozenset[str] = frozenset()) -> list[str]:
    """Labels without those that head sub-parts ('a' when 'a.i' and 'a.ii' are there),
    but for those in `keep`."""
    return [x for x in labels if x in keep or not any(y.startswith(x + ".") for y in labels)]


def _graded_heads(items: list[Item]) -> frozenset[str]:
    """Items that head sub-parts and are graded themselves: their marks are not their
    sub-parts' sum ('(ii) [3]' over '(α) [3]' and '(β) [2]', as the exam class adds a
    subpart's points to its subsubparts'); marks that are the sum are the sub-parts' total."""
    kept = set()
    for item in items:
        below = [i for i in items if i.label.rpartition(".")[0] == item.label]
        if item.marks is None or not below or any(i.marks is None for i in below):
            continue
        if item.marks.value != sum(i.marks.value for i in below if i.marks is not None):
            kept.add(item.label)
    return frozenset(kept)


def _find_item(items: list[Item], label: str) -> Item | None:
    return next((i for i in items if i.label == label), None)


def _unique(labels: Any) -> list[str]:
    seen: list[str] = []
    for label in labels:
        if label not in seen:
            seen.append(label)
    return seen


def _option_letters(written: str) -> list[str]:
    """The option letters a key names ('B', '(b)', 'A, B, D'); none for any other key."""
    value = p.key_value(written)
    if value is not None and value[0] == "choice":
        return [str(letter) for letter in value[1]]
    plain = written.strip(" ().")
    return [plain.lower()] if len(plain) == 1 and plain.isalpha() else []


def _letter(index: int) -> str:
    return chr(ord("a") + index)


def _bullet_runs(indents: list[int]) -> list[list[int]]:
    """The bullets' places grouped by list: one level, up to a bullet less deep."""
    runs: list[list[int]] = []
    open_runs: dict[int, list[int]] = {}
    for at, depth in enumerate(indents):
        for deeper in [d for d in open_runs if d > depth]:
            del open_runs[deeper]
        if depth not in open_runs:
            open_runs[depth] = []
            runs.append(open_runs[depth])
        open_runs[depth].append(at)
    return runs


def _named_in(sentence: str, options: dict[str, str]) -> str | None:
    """The one option whose whole text a key's sentence holds ('It is positively skewed and
    multi-modal' holds 'Positively Skewed'); None where it holds none or several."""
    said = _plain(sentence)
    named = [
        label
        for label, text in options.items()
        if _plain(text) and re.search(rf"(?<!\w){re.escape(_plain(text))}(?!\w)", said)
    ]
    return named[0] if len(named) == 1 else None


def _plain(text: str) -> str:
    """An option's text for comparing: case, edge marks and runs of spaces left out."""
    return " ".join(text.casefold().strip(" .$*_`'\"").split())


def _join(lines: Any) -> str:
    """Lines as one text: blank runs collapsed, edges trimmed."""
    text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _text(lines: list[str], loc: Loc) -> Val[str] | None:
    text = _join(lines)
    return Val(text, loc) if text else None


def _at(loc: Loc) -> tuple[int, int]:
    """A place in the document, in reading order: (page, line)."""
    return (loc.page or 0, loc.line)


# A part whose only words are a verdict: 'True', 'False.', 'T' (an answer sheet's part).
_VERDICT_ALONE = re.compile(r"\s*(True|False|TRUE|FALSE|T|F)\.?\s*")


def _verdict_alone(part: PartDraft) -> None:
    """'(d) False' with nothing else written: the part asks nothing, it answers — its verdict
    is its key (an answer sheet listing a true/false question's answers), its prompt left to
    fill in."""
    written = part.prompt.value if part.prompt is not None else ""
    found = _VERDICT_ALONE.fullmatch(written)
    if found is None or part.key is not None:
        return
    assert part.prompt is not None
    part.key = Val({"kind": "truefalse", "value": found[1][0] in "Tt"}, part.prompt.loc)
    part.prompt = None
