"""Draft an exam from a Moodle XML question bank (Moodle's "Moodle XML format" export).

Each `<question>` is one question of the draft, numbered in file order; a `category` starts a
new section titled after the category's last path step. multichoice becomes a choice key,
truefalse a truefalse key, numerical a numeric key (Moodle's tolerance is absolute),
shortanswer and essay text parts (the 100% answers as reference, the others and the grader
information as guidance). Types with no kind here are listed at the top of the draft.

The XML is read with the standard library's expat with any DOCTYPE refused: Moodle never writes
one, and a DTD is where entity bombs ("billion laughs") and external fetches hide.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser
from typing import Any
from xml.parsers import expat

from gradewise.exam.draft.collect import Val
from gradewise.exam.draft.documents import DocumentError, Loc
from gradewise.exam.draft.patterns import ROMAN
from gradewise.exam.draft.resolve import Draft, PartDraft, QuestionDraft, SectionDraft

_FIX = "export the bank again from Moodle: Question bank → Export → Moodle XML format"


# --- reading the XML safely ----------------------------------------------------------------


class _Refused(Exception):
    pass


def parse_xml(data: bytes, source: str) -> tuple[ET.Element, dict[int, int]]:
    """The root element and the line of each element (by id()); DocumentError when the XML is
    malformed or declares a DOCTYPE (entities are never expanded)."""
    builder = ET.TreeBuilder()
    lines: dict[int, int] = {}
    parser = expat.ParserCreate()

    def start(tag: str, attrs: dict[str, str]) -> None:
        lines[id(builder.start(tag, attrs))] = parser.CurrentLineNumber

    def refuse(*_: Any) -> None:
        raise _Refused

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except _Refused:
        raise DocumentError(
            "declares a DOCTYPE (entities), which gradewise refuses: an XML bomb or an external"
            " fetch can hide there",
            file=source,
            line=parser.CurrentLineNumber,
            fix=_FIX,
        ) from None
    except expat.ExpatError as exc:
        raise DocumentError(
            f"is not well-formed XML ({expat.ErrorString(exc.code)})",
            file=source,
            line=exc.lineno,
            fix=_FIX,
        ) from None
    return builder.close(), lines


# --- HTML question text → Markdown-ish text ------------------------------------------------


_MARK = {"b": "**", "strong": "**", "i": "*", "em": "*"}
_BLOCKS = frozenset({"p", "div", "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4"})


class _Text(HTMLParser):
    """Paragraphs, line breaks, lists, bold/italic and images; other tags are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.out.append("\n\n")
        elif tag == "br":
            self.out.append("\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag in _MARK:
            self.out.append(_MARK[tag])
        elif tag == "img":
            src = dict(attrs).get("src") or ""
            self.out.append(f"[image: {src.rsplit('/', 1)[-1] or 'no name'}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.out.append("\n\n")
        elif tag in _MARK:
            self.out.append(_MARK[tag])

    def handle_data(self, data: str) -> None:
        self.out.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Moodle's HTML as plain text with Markdown marks; LaTeX (`\\( \\)`, `$$`) is kept."""
    reader = _Text()
    reader.feed(html)
    reader.close()
    text = unescape("".join(reader.out))
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- questions -----------------------------------------------------------------------------


_PLAIN_FORMATS = ("plain_text", "markdown", "moodle_auto_format")


def _text(node: ET.Element | None, path: str = "text") -> str:
    """The node's text: HTML (Moodle's default format) as text, the other formats as written."""
    found = node.find(path) if node is not None else None
    if node is None or found is None:
        return ""
    if node.get("format") in _PLAIN_FORMATS:
        return (found.text or "").strip()
    return html_to_text(found.text or "")


def _number(text: str | None) -> float | None:
    try:
        number = float((text or "").strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None  # "nan" and "inf" are not marks or keys


class _Reader:
    def __init__(self, root: ET.Element, lines: dict[int, int], source: str, exam_id: str) -> None:
        self.lines = lines
        self.source = source
        self.draft = Draft(exam_id, None, [], sources=(source,))
        self.section: SectionDraft | None = None
        self.count = 0
        for question in root.iter("question"):
            self.question(question)

    def loc(self, node: ET.Element) -> Loc:
        return Loc(self.source, self.lines.get(id(node), 1))

    def note(self, text: str, node: ET.Element) -> None:
        self.draft.notes.append(Val(text, self.loc(node)))

    def open_section(self, title: str | None, node: ET.Element) -> SectionDraft:
        if self.section is not None and not self.section.questions:
            self.draft.sections.pop()  # a category holding only sub-categories
        number = len(self.draft.sections)
        sid = ROMAN[number] if number < len(ROMAN) else str(number + 1)
        self.section = SectionDraft(
            sid, self.loc(node), Val(title, self.loc(node)) if title else None, None, []
        )
        self.draft.sections.append(self.section)
        return self.section

    def question(self, node: ET.Element) -> None:
        kind = node.get("type", "")
        name = _text(node.find("name")) or "(no name)"
        if kind == "category":
            path = (node.findtext("category/text") or "").strip().strip("/")
            self.open_section(path.rsplit("/", 1)[-1] or None, node)
            return
        build = _BUILDERS.get(kind)
        if build is None:
            self.note(
                f"question '{name}' of type {kind or '(none)'} was not drafted: gradewise has no"
                " kind for it; add it by hand",
                node,
            )
            return
        self.count += 1
        part = PartDraft(str(self.count), self.loc(node))
        self.fields(part, node, name)
        build(self, part, node)
        section = self.section or self.open_section(None, node)
        section.questions.append(QuestionDraft(part.id, part.loc, part))

    def fields(self, part: PartDraft, node: ET.Element, name: str) -> None:
        loc = self.loc(node)
        prompt = _text(node.find("questiontext"))
        if prompt:
            part.prompt = Val(prompt, loc)
        marks = _number(node.findtext("defaultgrade", "1"))  # Moodle's default when absent
        if marks:
            part.marks = Val(marks, loc)
        else:
            self.draft.todo.append(Val(f"marks of question {part.id} ('{name}')", loc))


def _answers(node: ET.Element) -> list[tuple[float, str, ET.Element]]:
    """(fraction in %, text, element) of each answer."""
    return [
        (_number(answer.get("fraction")) or 0.0, _text(answer), answer)
        for answer in node.findall("answer")
    ]


def _multichoice(reader: _Reader, part: PartDraft, node: ET.Element) -> None:
    answers = _answers(node)
    ids = [chr(ord("a") + i) for i in range(len(answers))]
    single = (node.findtext("single") or "true").strip().lower() in ("true", "1")
    options = {i: text for i, (_, text, _) in zip(ids, answers, strict=True)}
    fractions = [fraction for fraction, _, _ in answers]
    if single:
        correct = [i for i, f in zip(ids, fractions, strict=True) if f >= 100]
        partial = [f for f in fractions if 0 < f < 100]
        if partial:
            reader.note(f"question {part.id}: partial-credit answers dropped: {partial}", node)
    else:
        correct = [i for i, f in zip(ids, fractions, strict=True) if f > 0]
        if len({f for f in fractions if f > 0}) > 1:
            reader.note(
                f"question {part.id}: right options weigh the same here, not as in Moodle", node
            )
    key: dict[str, Any] = {"kind": "choice", "options": options, "correct": correct}
    wrong = [-f for f in fractions if f < 0]
    if wrong or not single:
        key.update(policy="negative", penalty=max(wrong, default=0.0) / 100, floor=0.0)
        if not wrong and len(correct) < len(ids):
            reader.note(
                f"question {part.id}: wrong picks cost nothing (as in Moodle), so picking every"
                " option earns full marks; set a penalty if that is not meant",
                node,
            )
    else:
        key["policy"] = "all-or-nothing"
    if not correct:
        reader.draft.todo.append(Val(f"the correct option of question {part.id}", part.loc))
        return
    part.key = Val(key, part.loc)


def _truefalse(reader: _Reader, part: PartDraft, node: ET.Element) -> None:
    right = [text.lower() for fraction, text, _ in _answers(node) if fraction >= 100]
    if right and right[0] in ("true", "false"):
        part.key = Val({"kind": "truefalse", "value": right[0] == "true"}, part.loc)
    else:
        reader.draft.todo.append(Val(f"the true/false key of question {part.id}", part.loc))


def _numerical(reader: _Reader, part: PartDraft, node: ET.Element) -> None:
    right = [(t, a) for f, t, a in _answers(node) if f >= 100 and _number(t) is not None]
    if not right:
        reader.draft.todo.append(Val(f"the numeric key of question {part.id}", part.loc))
        return
    text, answer = right[0]
    key: dict[str, Any] = {"kind": "numeric", "value": _number(text)}
    tol = _number(answer.findtext("tolerance"))
    if tol:
        key["tol"] = {"abs": abs(tol)}
    part.key = Val(key, part.loc)
    others = [f"{t} ({f:g}%)" for f, t, a in _answers(node) if a is not answer and f > 0]
    units = [u.findtext("unit") or "" for u in node.iter("unit")]
    notes = [f"Also accepted in Moodle: {'; '.join(others)}."] if others else []
    notes += [f"Units in Moodle: {', '.join(u for u in units if u)}."] if any(units) else []
    if notes:
        part.guidance = Val(" ".join(notes), part.loc)


def _shortanswer(reader: _Reader, part: PartDraft, node: ET.Element) -> None:
    answers = [(f, t) for f, t, _ in _answers(node) if f > 0 and t]
    full = [t for f, t in answers if f >= 100]
    if full:
        part.reference = Val(full[0], part.loc)
    others = [t if f >= 100 else f"{t} ({f:g}%)" for f, t in answers if t != _reference(part)]
    case = (node.findtext("usecase") or "0").strip() == "1"
    if others or case:
        accepted = f"Also accepted in Moodle: {'; '.join(others)}." if others else ""
        cased = " Moodle compared case-sensitively." if case else ""
        part.guidance = Val((accepted + cased).strip(), part.loc)


def _reference(part: PartDraft) -> str | None:
    return part.reference.value if part.reference is not None else None


def _essay(reader: _Reader, part: PartDraft, node: ET.Element) -> None:
    info = _text(node.find("graderinfo"))
    if info:
        part.guidance = Val(info, part.loc)


_BUILDERS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "numerical": _numerical,
    "shortanswer": _shortanswer,
    "essay": _essay,
}


def draft_moodle(data: bytes, source: str, exam_id: str) -> Draft:
    """A Draft of the bank's questions; DocumentError for bad XML or another root than <quiz>."""
    root, lines = parse_xml(data, source)
    if root.tag != "quiz":
        raise DocumentError(
            f"is not a Moodle XML question bank (its root is <{root.tag}>, not <quiz>)",
            file=source,
            line=lines.get(id(root)),
            fix=_FIX,
        )
    draft = _Reader(root, lines, source, exam_id).draft
    if not any(section.questions for section in draft.sections):
        raise DocumentError("has no question gradewise can draft", file=source, fix=_FIX)
    if not draft.sections[-1].questions:
        draft.sections.pop()  # a last category with nothing under it
    return draft
