"""Read the documents instructors have (Markdown/LaTeX, text, PDF with text, .docx, notebooks)
as lines.

Every line keeps where it came from (file, page, line or paragraph), so each drafted value can
say so. Reading never shows a traceback: a file that cannot be read is one `DocumentError`
naming the file and what to do instead.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradewise import frontmatter, pdf
from gradewise.errors import GradewiseError
from gradewise.exam.draft import patterns as p

# R Markdown (.rmd) and Quarto (.qmd) files are Markdown with code chunks.
TEXT_SUFFIXES = (".md", ".markdown", ".rmd", ".qmd", ".txt", ".text", ".gift")
DOCUMENT_SUFFIXES = (*TEXT_SUFFIXES, ".tex", ".pdf", ".docx", ".ipynb")


class DocumentError(GradewiseError):
    """A document to draft an exam from could not be read."""


@dataclass(frozen=True)
class Loc:
    """Where a line came from: `line` counts lines (text, PDF page) or paragraphs (.docx)."""

    source: str
    line: int
    page: int | None = None
    unit: str = "line"
    page_unit: str = "page"  # a notebook's lines are counted in its cells

    def where(self, *, with_source: bool = False) -> str:
        """'line 12', 'page 2, line 5', 'cell 3, line 1' or 'paragraph 7', prefixed by the
        file if asked."""
        spot = f"{self.unit} {self.line}"
        if self.page is not None:
            spot = f"{self.page_unit} {self.page}, {spot}"
        return f"{Path(self.source).name} {spot}" if with_source else spot


@dataclass(frozen=True)
class Line:
    text: str
    loc: Loc


@dataclass(frozen=True)
class Note:
    """Something in a document the reader could not take as written (listed atop the draft)."""

    text: str
    loc: Loc


def read_document(path: Path) -> tuple[list[Line], list[Note]]:
    """The document's lines with their places, and notes on what could not be read as written
    (LaTeX); raises DocumentError (file + fix)."""
    suffix = path.suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise DocumentError(
            f"cannot draft from a {suffix or 'file without extension'}",
            file=str(path),
            fix=f"give a document ending in {', '.join(DOCUMENT_SUFFIXES)}",
        )
    data = read_bytes(path)
    if suffix == ".tex":
        return _latex_lines(decode_text(data), path)
    if suffix == ".pdf":
        return list(_pdf_lines(data, str(path))), []
    if suffix == ".docx":
        return _docx_lines(data, str(path))
    if suffix == ".ipynb":
        from gradewise.exam.draft.notebook import notebook_lines

        lines, notes = notebook_lines(data, str(path))
        return atx_headings(carpentries_challenges(markua_quizzes(folded_answers(lines)))), notes
    text = decode_text(data)
    if _EXAM_CLASS_BODY.search(text):  # Quarto's or R Markdown's exam class: LaTeX inside
        return _latex_lines(_markdown_as_latex(text, path), path)
    lines = markua_quizzes(folded_answers(_text_lines(text, str(path))))
    return atx_headings(carpentries_challenges(lines)), []


# A Markdown file whose questions are the LaTeX exam class's (Quarto's examclass format).
_EXAM_CLASS_BODY = re.compile(r"^[ \t]*\\(?:begin\{questions\}|(?:titled)?question\b)", re.M)
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<title>.+?)[ \t#]*$")
_INCLUDE = re.compile(r"\{\{<\s*include\s+(?P<file>\S+)\s*>\}\}")
_COMMENT = re.compile(r"(?<!\\)%.*$", re.M)
_CODE_SPAN = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")


def _verb(m: re.Match[str]) -> str:
    """A Markdown code span as the `\\verb` it renders to: '`\\CorrectChoice`' is words
    about a macro, never the macro."""
    delimiter = next((c for c in "|!+=@;" if c not in m[1]), None)
    return m[0] if delimiter is None else f"\\verb{delimiter}{m[1]}{delimiter}"


def _markdown_as_latex(text: str, path: Path) -> str:
    """The Markdown file as the LaTeX its format renders, line for line (places stay): the
    front matter blanked, '# headings' as sections, code chunks verbatim, code spans as
    `\\verb`, included files (`{{< include f.qmd >}}`) put in on the include's line."""
    lines, title = _blank_front_matter(text.split("\n"))
    fenced = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            lines[i] = "\\end{verbatim}" if fenced else "\\begin{verbatim}"
            fenced = not fenced
        elif not fenced and (heading := _MD_HEADING.match(line)) is not None:
            lines[i] = "\\section*{" + heading["title"] + "}"
        elif not fenced:
            line = _CODE_SPAN.sub(_verb, line)
            lines[i] = _INCLUDE.sub(lambda m: _included(path, m["file"]), line)
    body = "\n".join(lines)
    if "\\begin{document}" in body:
        return body
    head = "\\documentclass{exam}" + (f"\\title{{{title}}}" if title else "")
    return head + "\\begin{document}" + body + "\n\\end{document}\n"


def _blank_front_matter(lines: list[str]) -> tuple[list[str], str]:
    """The lines with a '---' metadata block opening them blanked (places kept), and the
    title it names ('' when none). A Quarto paper's block is YAML however long it runs."""
    block = frontmatter.opening(lines, reach=len(lines))
    if block is None:
        return lines, ""
    title = block.get("title")
    return [""] * block.end + lines[block.end :], "" if title is None else title.value.strip()


def _included(path: Path, name: str) -> str:
    """A Quarto include's file, on one line (its comments dropped, its paragraphs kept);
    found whatever the case of its name, as a case-blind file system would."""
    folder = path.parent
    found = folder / name
    if not found.is_file():
        found = next((f for f in folder.iterdir() if f.name.lower() == name.lower()), found)
    try:
        text = decode_text(read_bytes(found))
    except DocumentError:
        return f"(include {name}: not found beside the document)"
    text = _COMMENT.sub("", "\n".join(_blank_front_matter(text.split("\n"))[0]))
    return re.sub(r"\n[ \t]*\n", lambda _: " \\par ", text).replace("\n", " ")


def read_bytes(path: Path) -> bytes:
    """The file's bytes; DocumentError (file + fix) when it cannot be read."""
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise DocumentError("is a folder", file=str(path), fix="give the document's path") from None
    except OSError as exc:
        raise DocumentError(
            f"cannot be read ({exc.strerror or exc})",
            file=str(path),
            fix="check that the file exists and that you may read it",
        ) from None


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM dropped), else Windows-1252, else Latin-1: decoding never fails. Lines end
    in '\\n' whatever the file's ('\\r\\n' of Windows, '\\r' of old Macs): every reader
    expects one."""
    return _one_newline(_decoded(data))


def _decoded(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _one_newline(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _text_lines(text: str, source: str, page: int | None = None) -> list[Line]:
    return [Line(raw, Loc(source, number, page)) for number, raw in enumerate(text.splitlines(), 1)]


_DETAILS = re.compile(r"</?details\b[^>]*>", re.I)
_SUMMARY = re.compile(r"<summary\b[^>]*>(?P<text>.*?)</summary>", re.I)
_TAG = re.compile(r"</?[a-z][^>]*>", re.I)


# Markua (Leanpub's Markdown) quizzes: '{quiz, id: q1}' ... '{/quiz}' blocks, '{choose-answers: 1}'
# settings, '? ' before each question, options 'a)'-'f)' with the right ones capitalised ('C)').
_MARKUA_QUESTION = re.compile(r"^\?\s+(?P<text>\S.*)$")
_MARKUA_OPTION = re.compile(r"^(?P<letter>[A-Za-z])\)\s+(?P<text>\S.*)$")
_MARKUA_SETTING = re.compile(r"^\{/?(?:quiz|exam|choose-answers|random-choice-order)\b[^}]*\}\s*$")


def markua_quizzes(lines: list[Line]) -> list[Line]:
    """A Markua quiz written out as gradewise reads quizzes: '? What is R?' as '1. What is
    R?', its options as '(a)'-'(f)' by their place, and 'Answer: b' naming those written with a
    capital letter (when the others are lower case: capitals everywhere name no answer)."""
    if not any(_MARKUA_QUESTION.match(line.text) for line in lines) or not any(
        _MARKUA_SETTING.match(line.text) for line in lines
    ):
        return lines
    out: list[Line] = []
    number = 0
    options: list[tuple[str, Line]] = []  # (letter as written, line) of the open question

    def close() -> None:
        letters = [letter for letter, _ in options]
        if options and any(x.islower() for x in letters) and any(x.isupper() for x in letters):
            right = [chr(ord("a") + i) for i, x in enumerate(letters) if x.isupper()]
            out.append(Line("Answer: " + ", ".join(right), options[-1][1].loc))
        options.clear()

    for line in lines:
        if _MARKUA_SETTING.match(line.text):
            close()
            out.append(Line("", line.loc))
        elif (question := _MARKUA_QUESTION.match(line.text)) is not None:
            close()
            number += 1
            out.append(Line(f"{number}. {question['text']}", line.loc))
        elif number and (option := _MARKUA_OPTION.match(line.text)) is not None:
            letter = chr(ord("a") + len(options))
            options.append((option["letter"], line))
            out.append(Line(f"({letter}) {option['text']}", line.loc))
        else:
            if line.text.strip() and options:
                close()
            out.append(line)
    close()
    return out


# A Carpentries (Jekyll) lesson page: exercises in '> ## ...' blockquotes closed by
# '{: .challenge}', their solutions nested '> > ## Solution' closed by '{: .solution}'.
_KRAMDOWN_CLASS = re.compile(r"^[\s>]*\{:\s*\.(?P<name>[\w-]+)\s*\}\s*$")
_QUOTED = re.compile(r"^(?P<marks>(?:[ \t]*>)+)[ \t]?")
_HEADING_TEXT = re.compile(r"^#{1,6}[ \t]+(?P<text>.*?)[ \t#]*$")
_PART_LABEL = re.compile(r"^\(?[a-h]\)|^[a-h]\.\s")


def carpentries_challenges(lines: list[Line]) -> list[Line]:
    """A lesson page's challenges written out as questions: each block's first heading is
    the next question ('Question N: ...'; one labelled 'b) ...' a part of the one before), a
    nested 'Solution' heading a solution, the blockquote marks and '{: .x}' classes gone."""
    if not any(
        (m := _KRAMDOWN_CLASS.match(line.text)) is not None and m["name"] == "challenge"
        for line in lines
    ):
        return lines
    out: list[Line] = []
    number, depth_before, headed = 0, 0, False
    for line in lines:
        if _KRAMDOWN_CLASS.match(line.text):
            out.append(Line("", line.loc))
            depth_before, headed = 0, False
            continue
        quoted = _QUOTED.match(line.text)
        depth = quoted["marks"].count(">") if quoted else 0
        text = line.text[quoted.end() :] if quoted else line.text
        if depth and not depth_before:
            headed = False  # a new challenge block
        depth_before = depth
        heading = _HEADING_TEXT.match(text)
        if heading is not None and depth >= 2 and p.solution_start(heading["text"]) is not None:
            text = "Solution:"
        elif heading is not None and depth == 1 and not headed:
            headed = True
            if not _PART_LABEL.match(heading["text"]):
                number += 1
                text = f"### Question {number}: {heading['text']}"
        out.append(Line(text, line.loc))
    return out


def folded_answers(lines: list[Line]) -> list[Line]:
    """Answers folded away in HTML ('<details><summary>Answer</summary> B </details>'), as
    Markdown quizzes on GitHub hide them, read as written out: 'Answer: B'. A summary naming
    an answer or key becomes 'Answer:', one naming a solution 'Solution:'; a one-line answer
    below the summary joins it."""
    out = []
    for line in lines:
        text = _SUMMARY.sub(_summary, line.text)
        if text != line.text or _DETAILS.search(text):
            text = _DETAILS.sub(" ", text).strip()
        out.append(Line(text, line.loc) if text != line.text else line)
    for at, line in enumerate(out):
        if line.text in ("Answer:", "Solution:") and _SUMMARY.search(lines[at].text):
            _join_folded(out, lines, at)
    return out


def _join_folded(out: list[Line], lines: list[Line], at: int) -> None:
    """'Answer:' from a summary, then one line before '</details>': one line 'Answer: B'
    (the line alone where it says 'Answer:' itself)."""
    inside = []
    for index in range(at + 1, min(len(lines), at + 12)):
        if out[index].text.strip():
            inside.append(index)
        if re.search(r"(?i)</details>", lines[index].text):
            break
    if len(inside) != 1:
        return
    value = out[inside[0]]
    if re.match(r"(?i)\s*(?:correct\s+)?answers?\s*:", value.text):
        out[at] = Line("", out[at].loc)  # 'Correct answer: B' says it without the summary
        return
    out[at] = Line(f"{out[at].text} {value.text.strip()}", out[at].loc)
    out[inside[0]] = Line("", value.loc)


def _summary(m: re.Match[str]) -> str:
    said = _TAG.sub("", m["text"]).strip()
    if re.search(r"(?i)\b(?:answers?|key)\b", said):
        return "Answer: "
    if re.search(r"(?i)\b(?:solutions?|explanation)\b", said):
        return "Solution: "
    return said


_UNDERLINE = re.compile(r"^ {0,3}(?P<rule>={3,}|-{3,})\s*$")
_NOT_TITLE = re.compile(r"^(?: {4}|\t|\s*(?:[-*+>|#]|\d{1,3}[.)])(?:\s|$))")


def atx_headings(lines: list[Line]) -> list[Line]:
    """Headings underlined with '===' or '---' (setext) written '# Title' and '## Title', as
    the rest of the drafter reads headings; the underline becomes a blank line (so every
    line keeps its number). A title is one line after a blank one (or the first), not a
    list item, quote, table row or code."""
    out = list(lines)
    for i in range(1, len(out)):
        m = _UNDERLINE.match(out[i].text)
        title = out[i - 1].text
        if m is None or not title.strip() or _NOT_TITLE.match(title):
            continue
        if i >= 2 and out[i - 2].text.strip():
            continue  # the last line of a paragraph over a rule, or front matter's closing '---'
        marks = "#" if m["rule"][0] == "=" else "##"
        out[i - 1] = Line(f"{marks} {title.strip()}", out[i - 1].loc)
        out[i] = Line("", out[i].loc)
    return out


def _latex_lines(text: str, path: Path) -> tuple[list[Line], list[Note]]:
    from gradewise.exam.draft.latex import read_latex
    from gradewise.exam.draft.macros import local_library

    source = str(path)
    lines, notes = read_latex(text, local_library(path))
    if not any(line.text.strip() for line in lines):
        raise DocumentError(
            "has no text gradewise can read as an exam",
            file=source,
            fix="give the .tex that holds the questions (the one with \\begin{document})",
        )
    return (
        [Line(line.text, Loc(source, line.line)) for line in lines],
        [Note(note.text, Loc(source, note.line)) for note in notes],
    )


# --- PDF -----------------------------------------------------------------------------------


def open_pdf(data: bytes, source: str) -> Any:
    """A pypdf reader, decrypted if it only has an empty password; DocumentError otherwise."""
    return pdf.open_pdf(data, source, error=DocumentError, then="use that")


def pdf_page_texts(data: bytes, source: str) -> list[str]:
    """The text layer of each page (empty string for a page that has none)."""
    reader = open_pdf(data, source)
    texts = []
    for page in reader.pages:
        try:
            texts.append(whole_characters(page.extract_text() or ""))
        except Exception:  # pypdf raises many kinds on odd content streams; the page is unread
            texts.append("")
    return texts


def whole_characters(text: str) -> str:
    """The text with each half of a UTF-16 surrogate pair that a font's odd character map left
    alone (pypdf gives '\\ud83c' for a glyph it cannot map) as U+FFFD: it cannot be written as
    UTF-8 or YAML, and the draft would not load again."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _pdf_lines(data: bytes, source: str) -> Iterator[Line]:
    texts = pdf_page_texts(data, source)
    if not any(t.strip() for t in texts):
        raise DocumentError(
            "has no text layer (a scan?)",
            file=source,
            # exam draft has no OCR of its own: name the step that gives the PDF a text layer
            fix="add a text layer with OCR first (e.g. `ocrmypdf scan.pdf paper.pdf`) and draft "
            "from that, or from the Markdown an OCR tool wrote",
        )
    pages = [
        _rejoined(_unspaced(_text_lines(text, source, page))) for page, text in enumerate(texts, 1)
    ]
    running = pdf.running_lines([[line.text for line in lines] for lines in pages], _opens)
    for number, lines in enumerate(pages):
        for at, line in enumerate(lines):
            # a header or footer on every page is never a question's words; the first line of
            # the first page stays (it may be the paper's only title)
            if at in running[number] and (number, at) != (0, 0):
                continue
            yield line


def _unspaced(lines: list[Line]) -> list[Line]:
    """A line the text layer begins with one space (' 1. Write ...', a gap before the first
    glyph) as not indented: one space is no nesting in a PDF, where code and nested lists are
    set in by several."""
    return [
        Line(line.text[1:], line.loc) if line.text[:1] == " " and line.text[1:2] != " " else line
        for line in lines
    ]


_OPEN_MARKS = re.compile(r"[(\[]\s*\d+(?:\.\d+)?\s*$")
_CLOSE_MARKS = re.compile(r"^\s*(?:marks?|points?|pts?\.?|p\.)\s*[)\]]", re.I)


def _rejoined(lines: list[Line]) -> list[Line]:
    """Points the page's width broke over two lines, '... the disease. (6' then 'marks)',
    joined back on the first."""
    out: list[Line] = []
    for line in lines:
        if out and _OPEN_MARKS.search(out[-1].text) and _CLOSE_MARKS.match(line.text):
            out[-1] = Line(f"{out[-1].text.rstrip()} {line.text.strip()}", out[-1].loc)
            continue
        out.append(line)
    return out


def _opens(text: str) -> bool:
    """A question's, part's or section's start ('Question 2' atop each page): never running."""
    text = p.clean(text)
    return any(
        find(text) is not None
        for find in (p.question_header, p.numbered_item, p.lettered_item, p.section_header)
    )


# --- Word ----------------------------------------------------------------------------------


def _docx_lines(data: bytes, source: str) -> tuple[list[Line], list[Note]]:
    """Paragraphs in order (headings as '#', bullets as '-'), tables as Markdown pipe rows;
    tracked changes read as accepted, and said so."""
    document = _open_docx(data, source)
    inserted, deleted = _accept_changes(document.element.body)
    lines, n = [], 0
    for text in (text for block in _docx_blocks(document) for text in block):
        n += not isinstance(text, _Fence)  # a fence around code is no paragraph of the file
        lines.append(Line(text, Loc(source, max(n, 1), unit="paragraph")))
    notes = []
    if inserted or deleted:
        notes.append(
            Note(
                f"the document has tracked changes, read as if all were accepted "
                f"({inserted} insertions kept, {deleted} deletions dropped); accept or reject "
                "them in Word and draft again if that is not the paper",
                Loc(source, 1, unit="paragraph"),
            )
        )
    return lines, notes


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _accept_changes(body: Any) -> tuple[int, int]:
    """Accept every tracked change in place: inserted (and moved-to) text keeps its place
    without its mark, deleted (and moved-from) text goes. python-docx reads only a paragraph's
    own runs, so unaccepted insertions would vanish. Returns (insertions, deletions)."""
    inserted = _changes(body, "ins", "moveTo")
    deleted = _changes(body, "del", "moveFrom")
    for element in deleted:
        element.getparent().remove(element)
    for element in inserted:
        parent = element.getparent()
        index = parent.index(element)
        for offset, child in enumerate(list(element)):
            parent.insert(index + offset, child)
        parent.remove(element)
    return len(inserted), len(deleted)


def _changes(body: Any, *tags: str) -> list[Any]:
    """Tracked changes of these kinds that hold text; marks inside formatting properties
    (a paragraph mark or a table row marked inserted or deleted) are left alone."""
    found = [e for tag in tags for e in body.iter(_W + tag)]
    return [e for e in found if e.getparent() is not None and not e.getparent().tag.endswith("Pr")]


def _open_docx(data: bytes, source: str) -> Any:
    import io

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(
            f"is not a readable .docx file ({type(exc).__name__})",
            file=source,
            fix="open it in Word or LibreOffice and save it again as .docx (or as PDF)",
        ) from None
    except Exception as exc:  # lxml's XML errors and the like: the file is damaged
        raise DocumentError(
            f"is a damaged .docx file ({type(exc).__name__})",
            file=source,
            fix="open it in Word or LibreOffice and save it again as .docx (or as PDF)",
        ) from None


def _docx_blocks(document: Any) -> Iterator[list[str]]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    numbering = _Numbering(document)
    code: list[str] = []  # a run of paragraphs in a code style, fenced when it ends
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph) and _code_style(item):
            code.append(item.text)
            continue
        if code:
            yield [_Fence("```"), *code, _Fence("```")]
            code = []
        if isinstance(item, Paragraph):
            yield [_docx_paragraph(item, numbering)]
        elif isinstance(item, Table):
            yield [
                "| " + " | ".join(cell.text.replace("\n", " ").strip() for cell in row.cells) + " |"
                for row in item.rows
            ]
    if code:
        yield [_Fence("```"), *code, _Fence("```")]


class _Fence(str):
    """A '```' line put around a run of code-styled paragraphs: not one of the file's own."""


# Word's styles for program text and its output ('HTML Preformatted', 'Source Code', 'Plain
# Text', 'Macro Text', 'Verbatim', a style named '... Code ...'): never a question's heading or
# number, even where a line of it begins '# A tibble' or '1 2015-01-02'.
_CODE_STYLE = re.compile(r"preformatted|\bcode\b|^plain text$|^macro text$|verbatim", re.I)


def _code_style(paragraph: Any) -> bool:
    style = paragraph.style.name if paragraph.style is not None else ""
    return bool(style) and _CODE_STYLE.search(style) is not None


def _docx_paragraph(paragraph: Any, numbering: _Numbering) -> str:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    text = paragraph.text
    label = numbering.label(paragraph)
    if label is not None and text.strip():
        depth = numbering.depth + (int(style[-1]) - 1 if style[-1:] in "23456789" else 0)
        return "   " * depth + (f"- {text}" if label == "" else f"{label} {text}")
    if style.startswith("Heading") and style[-1:].isdigit():
        return "#" * int(style[-1]) + " " + text
    if style == "Title":
        return "# " + text
    if "List Bullet" in style:
        return "- " + text
    return text


@dataclass(frozen=True)
class _Level:
    """One level of a Word list: its number format ('decimal', 'lowerLetter', 'bullet'),
    its label text ('%1.', '(%2)') and where it starts."""

    fmt: str
    text: str
    start: int


class _Numbering:
    """The numbers Word draws before list paragraphs ('1.', 'a)'), which are not in their
    text: counted per list as Word does, a level restarting below a higher one's step."""

    def __init__(self, document: Any) -> None:
        self.depth = 0
        self.levels: dict[str, dict[int, _Level]] = {}  # per list (w:num), its levels
        self.counts: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return  # no numbering part: no numbered lists
        abstract = {a.get(_W + "abstractNumId"): a for a in root.iter(_W + "abstractNum")}
        for num in root.iter(_W + "num"):
            definition = abstract.get(_val(num, "abstractNumId"))
            if definition is None:
                continue
            levels = {
                int(lvl.get(_W + "ilvl") or 0): _Level(
                    _val(lvl, "numFmt") or "decimal",
                    _val(lvl, "lvlText") or "",
                    _int(_val(lvl, "start"), 1),
                )
                for lvl in definition.iter(_W + "lvl")
            }
            for override in num.iter(_W + "lvlOverride"):
                ilvl, start = int(override.get(_W + "ilvl") or 0), _val(override, "startOverride")
                if start is not None and ilvl in levels:
                    old = levels[ilvl]
                    levels[ilvl] = _Level(old.fmt, old.text, _int(start, 1))
            self.levels[num.get(_W + "numId")] = levels

    def label(self, paragraph: Any) -> str | None:
        """The paragraph's drawn label ('' for a bullet), or None when it has none."""
        found = _num_pr(paragraph)
        if found is None or found[0] not in self.levels:
            return None
        num_id, ilvl = found
        levels = self.levels[num_id]
        level = levels.get(ilvl)
        if level is None or level.fmt == "none":
            return None
        self.depth = ilvl
        if level.fmt == "bullet":
            return ""
        counts = self.counts.setdefault(num_id, {})
        counts[ilvl] = counts.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        label = level.text
        for k, each in levels.items():
            label = label.replace(f"%{k + 1}", _formatted(counts.get(k, each.start), each.fmt))
        return label.strip() or None


def _num_pr(paragraph: Any) -> tuple[str, int] | None:
    """(list id, level) from the paragraph's own list settings, else its style's."""
    for holder in (paragraph._p, getattr(paragraph.style, "element", None)):
        ppr = holder.find(_W + "pPr") if holder is not None else None
        numpr = ppr.find(_W + "numPr") if ppr is not None else None
        if numpr is not None and (num_id := _val(numpr, "numId")) not in (None, "0"):
            return num_id, _int(_val(numpr, "ilvl"), 0)
    return None


def _val(element: Any, tag: str) -> str | None:
    child = element.find(_W + tag)
    return None if child is None else child.get(_W + "val")


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


_ROMAN_STEPS = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def _formatted(n: int, fmt: str) -> str:
    """A list counter as Word draws it in this format."""
    if fmt in ("lowerLetter", "upperLetter") and n >= 1:
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman") and n >= 1:
        roman = ""
        for value, digits in _ROMAN_STEPS:
            while n >= value:
                roman, n = roman + digits, n - value
        return roman if fmt == "lowerRoman" else roman.upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)
