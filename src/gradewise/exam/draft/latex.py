"""Read a LaTeX exam (the `exam` document class, or plain LaTeX) as the lines the drafter reads.

pylatexenc parses the source into nodes that know their place; this module writes them as the
Markdown-like lines `collect.py` already understands, each with the line of the .tex it came
from: `\\question[5]` becomes `Question 3 (5 marks) ...`, `\\part[2]` `(a) (2 marks) ...`,
`\\begin{solution}` `Solution: ...`, `\\CorrectChoice` a ticked box `☒`, `\\section*{...}` a
heading, `\\item` a numbered question, a lettered part or a bullet by its depth. Math is kept
as LaTeX. What cannot be read as written (a macro defined nowhere, a brace never closed) is
kept verbatim and named in the notes, which the draft lists at its top.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pylatexenc import latex2text, latexwalker
from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexCommentNode,
    LatexEnvironmentNode,
    LatexGroupNode,
    LatexMacroNode,
    LatexMathNode,
    LatexSpecialsNode,
)
from pylatexenc.macrospec import (
    EnvironmentSpec,
    MacroSpec,
    ParsedVerbatimArgs,
    VerbatimArgsParser,
)

from gradewise.exam.draft import patterns as p
from gradewise.exam.draft.macros import (
    COUNTER_STYLES,
    NAMED_CHOICES,
    NAMED_QUESTION,
    TexNote,
    declared_verbatim,
    expand_macros,
    label_text,
    tex_defs,
    title_labels,
)
from gradewise.exam.draft.tex_options import flagged_options

ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]


def _specs(table: str) -> dict[str, str]:
    """'name:spec name:spec' → {name: spec} (spec: '[' optional, '{' required arguments)."""
    return dict(item.split(":", 1) for item in table.split())


# The exam class's commands and environments, with their arguments ('[' optional, '{' required).
_EXAM_MACROS = _specs(
    """
    question:[ titledquestion:{[ bonusquestion:[ bonustitledquestion:{[ part:[ bonuspart:[
    subpart:[ bonussubpart:[ subsubpart:[ choice:[ CorrectChoice: setcounter:{{
    addtocounter:{{ fillwithlines:{ fillwithdottedlines:{ fillwithgrid:{ makeemptybox:{
    uplevel:{ fullwidth:{ gradetable:[[ bonusgradetable:[[ pointtable:[[ bonuspointtable:[[
    partialgradetable:[[ combinedgradetable:[[ multirowgradetable:{[ qformat:{ header:{{{
    footer:{{{ runningheader:{{{ runningfooter:{{{ firstpageheader:{{{ firstpagefooter:{{{
    pointpoints:{{ bonuspointpoints:{{ points: droppoints: droptotalpoints: printanswers:
    noprintanswers: includegraphics:[{ href:{{ answerline:[ fillin:[[ ifprintanswers: else: fi:
    newcommand:*{[[{ renewcommand:*{[[{ DeclareMathOperator:*{{ def: title:[{ author:[{
    date:{ vspace:*{ hspace:*{ stepcounter:{ refstepcounter:{ newcounter:{[
    """
)
_EXAM_ENVIRONMENTS = _specs(
    """
    solution:[ solutionorbox:[ solutionorlines:[ solutionordottedlines:[ solutionorgrid:[
    solutionbox:{ tcolorbox:[ mdframed:[ enumerate:[ itemize:[ tabular:{ tabularx:{{ minipage:[{
    """
)

_QUESTIONS = {"question": False, "titledquestion": False, "bonusquestion": True}
_QUESTIONS |= {"bonustitledquestion": True}
_PARTS = {"part": 1, "bonuspart": 1, "subpart": 2, "bonussubpart": 2, "subsubpart": 3}
_SOLUTIONS = {"solution", "solutionorbox", "solutionorlines", "solutionordottedlines"}
_SOLUTIONS |= {"solutionorgrid", "solutionbox"}
# An environment named as a solution or answer ('sol', 'soln', 'mysolution', 'answer') ...
_SOLUTION_NAME = re.compile(r"(?i)(?:my|the)?(?:sol|soln|solns|solutions?|answers?|ans)(?:box)?")
# ... or defined to print one: \newenvironment{blue}{\par\textit{Solution.}}{}
_NEW_ENVIRONMENT = re.compile(
    r"\\(?:re)?newenvironment\*?\s*\{(?P<name>[A-Za-z]+)\}\s*(?:\[\d\]\s*)?\{"
)
_SAYS_SOLUTION = re.compile(r"\b(?:[Ss]olution|SOLUTION|[Aa]nswer|ANSWER)\b")


def _printing_solution(source: str) -> set[str]:
    """The environments the paper defines to print 'Solution' or 'Answer' as they begin."""
    found = set()
    for m in _NEW_ENVIRONMENT.finditer(source):
        depth, at = 1, m.end()
        while at < len(source) and depth:
            depth += {"{": 1, "}": -1}.get(source[at], 0)
            at += 1
        if _SAYS_SOLUTION.search(source[m.end() : at]):
            found.add(m["name"])
    return found


# Boxes a worked solution is set apart in, below the question it answers.
_BOXES = {"tcolorbox", "mdframed", "framed", "oframed", "shaded"}
_LONG = 80  # characters: coloured text this long on lines of its own is a working, not a word
_RESULT_MARK = re.compile(r"(?:~|\\[,;:!]|\\q?quad(?![A-Za-z])|\s)*\\checkmark(?![A-Za-z])")
_MARKER_ONLY = re.compile(
    r"(?:\d+\.|Question \d+|\([a-z]+\)|\([ivx]+\)|-)?\s*(?:\([\d.]+ marks\))?\s*"
)
# An item labelled as the answer to the item before it: '\item[Proof:]', '[\textbf{Solution.}]'.
# ('\item[Answer:] 42' stays an 'Answer:' line: the key.)
_SOLUTION_LABEL = re.compile(r"(?i)(?:proof|solution|sol)\s*[:.]?")
# A label that numbers a question or a part: '(b)', 'c)', 'iii.', '2.'.
_STRUCTURAL_LABEL = re.compile(r"\(?(?:[a-hA-H]|[ivx]{1,4}|\d{1,3})[.):]?\)?")
_SECTIONING = {"section": 1, "subsection": 2, "subsubsection": 3}
_HEADINGS = {"section", "subsection", "subsubsection", "paragraph", "chapter"}
# A part's label after its question's number: '1.(a)', '1a', '(b)'.
_PART_LABEL = re.compile(r"(?:\d+\s*[.)]?\s*)?\(?([a-h])\)?")
_CHOICES = {"choices", "checkboxes", "oneparchoices", "oneparcheckboxes"}
_CHOICES |= {"multipleChoice", "selectAll"}  # Ximera's
# Environments that hold one question each (Ximera's exercise/problem/question, a paper's
# \newtheorem{problem}): numbered in order; one inside another is its part.
_QUESTION_ENVIRONMENTS = {"exercise", "problem", "question"}
# Names that look like a question's environment but are none of the above: read as text,
# and listed at the top of the draft so that the questions inside are not lost unseen.
_QUESTION_LIKE = re.compile(r"(?i)(?:exercise|problem|question|task|prob|exer)s?\d*")
_CHOICE_ITEMS = {"choice": False, "CorrectChoice": True}
# A macro with no argument that marks the option it stands in as the right one: examtron's
# '\item \correct\ Thursday' (printed 'Correct' or a tick in the key, nothing for students).
_CORRECT_MARK = re.compile(r"(?i)(?:is)?correct(?:choice|answer|option)?|rightanswer")
_WALK_ARGUMENTS = frozenset(
    """
    textbf textit emph underline texttt textrm textsf textsc text mbox uline hl textnormal
    uplevel fullwidth textup textsl fbox framebox centerline
    """.split()
)
# Layout, counters and page furniture: no text a grader needs.
_DROP = frozenset(
    """
    documentclass usepackage vspace hspace vfill hfill newpage clearpage pagebreak newline
    fillwithlines fillwithdottedlines fillwithgrid makeemptybox gradetable bonusgradetable
    pointtable bonuspointtable partialgradetable combinedgradetable multirowgradetable
    qformat header footer runningheader runningfooter firstpageheader firstpagefooter
    pointpoints bonuspointpoints points droppoints droptotalpoints printanswers
    noprintanswers maketitle centering noindent medskip bigskip smallskip label
    pagestyle thispagestyle author date title newcommand renewcommand DeclareMathOperator
    def setlength addpoints pointsinmargin pointsinrightmargin boxedpoints bracketedpoints
    marksnotpoints pointname hqword hpword htword hsword vqword vpword vtword vsword
    extrawidth extraheadheight extrafootheight cfoot lfoot rfoot chead lhead rhead large
    Large LARGE huge Huge small footnotesize normalsize bf it em tt rm sf bfseries itshape
    normalfont linewidth textwidth unframedsolutions framedsolutions shadedsolutions
    SolutionEmphasis CorrectChoiceEmphasis renewenvironment newenvironment pointformat
    checkboxchar checkedchar setcounter addtocounter raggedright raggedleft hline cline
    toprule midrule bottomrule vskip hskip par indent includegraphics sffamily qquad quad
    totalpoints numpoints numquestions numpages thepage iflastpage makebox rule enspace
    hrulefill dotfill today ifprintanswers else fi nopointsinmargin pointsdroppedatright
    bonuspointformat AtBeginDocument geometry input include bibliographystyle
    pointsinleftmargin stepcounter refstepcounter newcounter makeatletter makeatother relax
    sc scshape upshape slshape mdseries
    """.split()
)
_SKIP_ENVIRONMENTS = {"tikzpicture", "figure", "comment", "coverpages", "titlepage", "picture"}
_CODE_ENVIRONMENTS = {"verbatim", "lstlisting", "minted", "Verbatim", "alltt"}
_DEFINES = {"newcommand", "renewcommand", "providecommand", "DeclareMathOperator", "def"}
_INLINE_CODE = ("verb", "lstinline")
_EXPAND_MAX = 200  # characters: a points or formatting macro, not a page layout
_CONDITIONAL = re.compile(r"\\if[a-z]*\b|\\else\b|\\fi\b|#[1-9]#|\\(?:re)?newcommand")


@dataclass(frozen=True)
class TexLine:
    """One line written from the source: its text and the 1-based line of the .tex."""

    text: str
    line: int


@dataclass
class _Context:
    """What the walk is inside: a question, a part, a list, a choice list."""

    question: int = 0  # the exam class's question counter
    in_question: bool = False  # an exam-class \question (lists inside are bullets)
    heading_question: bool = False  # a '\section*{Question 2}' style question
    heading_part: bool = False  # a '\subsection{}' titled '2.(a)' under it: its part
    parts_seen: int = 0  # \part commands in this question
    lone_part: bool = False  # its parts environment holds one \part only
    in_part: bool = False  # inside a parts environment (a solution there is the part's)
    in_solution: bool = False  # lists in a solution are its steps, never questions or parts
    solution_item: int | None = None  # the list depth of an '\item[Proof:]' solution
    solved_part: tuple[int, int] | None = None  # (question, part) whose solution has begun
    part_counters: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    list_depth: int = 0  # nested enumerate
    list_counters: list[int] = field(default_factory=list)
    list_numbered: list[bool] = field(default_factory=list)
    list_printed: list[bool] = field(default_factory=list)  # numbered 1. 2. as LaTeX's default
    list_parts: list[bool] = field(default_factory=list)  # items that are the question's parts
    list_labels: list[str] = field(default_factory=list)  # enumerate's '[(1)]', '[a)]' or ''
    numbered_questions: int = 0  # top-level \item questions of a plain exam
    environment_question: bool = False  # inside a \begin{exercise} question
    environment_parts: int = 0  # \begin{exercise} parts inside it
    environment_declared: bool = False  # that environment is the paper's own \newtheorem
    list_ends: dict[int, int] = field(default_factory=dict)  # last enumerate's count by depth
    headed: bool = False  # a heading since the last list of questions ended
    choice_items: bool = False  # in a package's choice list: each \item is an option
    statements: bool = False  # in a question with options: its numbered list is its words
    question_level: int | None = None  # the sectioning depth of the heading question open
    sections: int = 1  # sections opened by the question numbering starting again


class _Out:
    """The lines being written, each with the source line of its first character."""

    def __init__(self, line_of: Any) -> None:
        self.line_of = line_of
        self.lines: list[TexLine] = []
        self.parts: list[str] = []
        self.start: int | None = None
        self.oneline = False  # a choice's text: its line breaks are spaces
        self.marker = ""
        self.blanks: list[str] = []  # what the blanks on the line hold: its 'Answer:' after it

    def write(self, text: str, pos: int) -> None:
        offset = 0
        for i, piece in enumerate(text.split("\n")):
            if i:
                if self.oneline:
                    self.parts.append(" ")
                else:
                    self.end()
            if not self.parts or self.parts == [self.marker]:
                piece = piece.lstrip()  # LaTeX indentation means nothing
            if piece:
                if self.start is None:
                    self.start = self.line_of(pos + offset)
                self.parts.append(piece)
            offset += len(piece) + 1

    def begin(self, marker: str, pos: int) -> None:
        """Start a new line with `marker` (a header, an item label, 'Solution: ')."""
        self.oneline = False
        self.end()
        self.start = self.line_of(pos)
        self.parts, self.marker = [marker], marker

    def end(self) -> None:
        text = "".join(self.parts).rstrip()
        if text.strip() or self.start is not None:
            self.lines.append(
                TexLine(text, self.start or (self.lines[-1].line if self.lines else 1))
            )
        self.parts, self.start = [], None
        if self.blanks:
            line = self.lines[-1].line if self.lines else 1
            self.lines.append(TexLine("Answer: " + "; ".join(self.blanks), line))
            self.blanks = []

    def blank(self, pos: int) -> None:
        self.end()
        self.lines.append(TexLine("", self.line_of(pos)))


# A definition's body that opens or closes an environment (`\newcommand{\benum}{\begin{enumerate}}`)
# would make the parser read the rest of the file as that environment, losing every definition
# and question after it: inside definitions, `\begin{`/`\end{` are read as other macros of
# the same length (places stay), and put back where a body is expanded.
_DEFINITION = re.compile(
    r"\\(?:(?:re|provide)?newcommand\*?|(?:re)?newenvironment\*?|def)\s*\{?\\?[A-Za-z@]+\}?"
    r"(?:\s*#\d)*(?:\s*\[[^\]]*\])*\s*\{"
)


def _shielded(source: str) -> str:
    out = []
    at = 0
    for m in _DEFINITION.finditer(source):
        if m.start() < at:
            continue
        end, groups = m.end(), 0
        while groups < 2 and end < len(source):  # its body (and an environment's end code)
            depth = 1
            while end < len(source) and depth:
                depth += {"{": 1, "}": -1}.get(source[end], 0) if source[end - 1] != "\\" else 0
                end += 1
            groups += 1
            rest = source[end:]
            if not source[m.start() : m.end()].lstrip("\\").startswith(
                ("newenvironment", "renewenvironment")
            ) or not rest.lstrip().startswith("{"):
                break
            end += len(rest) - len(rest.lstrip()) + 1
        body = source[m.end() : end]
        out.append(source[at : m.end()])
        out.append(body.replace("\\begin{", "\\Begin{").replace("\\end{", "\\End{"))
        at = end
    out.append(source[at:])
    return "".join(out)


def _unshielded(text: str) -> str:
    return text.replace("\\Begin{", "\\begin{").replace("\\End{", "\\end{")


# A macro a course defines elsewhere to print a part's points: '\\Points{5}', '\\pts{2}'.
_POINTS_MACRO = re.compile(r"(?i)(?:points?|pts?|marks?|punkte)")
# A question macro of a class or package not at hand: '\\problem{...}', '\\exercise'.
_QUESTION_MACRO = re.compile(r"(?i)(?:problem|exercise|task|prob|aufgabe)")
_COUNTING = frozenset({"newcounter", "setcounter", "addtocounter", "stepcounter"})
# What a macro of the paper's own prints to open a question: 'Problem 3', 'Question 2'.
_PRINTS_QUESTION = re.compile(r"^\s*(?:#+\s*)?(?:problem|question|exercise)\s+\d+\b", re.I)


class _Reader:
    def __init__(self, source: str, library: str = "") -> None:
        self.source = source
        self.library = library  # definitions from the files beside the paper
        declared = declared_verbatim(library + "\n" + source) - _CODE_ENVIRONMENTS
        self.code_environments = _CODE_ENVIRONMENTS | declared
        self.walker = latexwalker.LatexWalker(
            _shielded(source), latex_context=_context_db(declared), tolerant_parsing=True
        )
        self.out = _Out(lambda pos: self.walker.pos_to_lineno_colno(pos)[0])
        self.ctx = _Context()
        self.notes: list[TexNote] = []
        self.defined: set[str] = set()
        self.unknown: dict[str, int] = {}
        self.answer_macros: set[str] = set()  # \\TheAnswer{...} read as answers (noted once)
        self.macros: dict[str, tuple[int, str]] = {}  # plain \\newcommand bodies, by name
        self.depth = 0  # macros expanding inside macros
        self.expanding = 0  # the line of the macro being expanded (its text has no lines)
        self.to_text = latex2text.LatexNodes2Text(math_mode="verbatim")
        self.text_db = latex2text.get_default_latex_context_db()
        preamble = library + "\n" + source.split("\\begin{document}", 1)[0]
        self.labels = title_labels(preamble)
        self.theorems = set(_NEWTHEOREM.findall(preamble))
        self.relabelled = bool(_RELABEL.search(preamble))  # lists not labelled 1. 2. 3.
        self.sectioning: dict[str, int] = {}
        # the line of the numbered \\section open (LaTeX prints '2 Writing Code'), and
        # whether it was written as a section of questions yet
        self.numbered_section: tuple[int, bool] | None = None
        # a paper that defines \answer itself: its own meaning, not Ximera's blank
        self.own_answer = bool(_OWN_ANSWER.search(library + "\n" + source))
        self.solution_names: set[str] | None = None  # environments printing 'Solution'
        self.counters: dict[str, int] = {}  # the paper's own counters ('probnum'), by name

    def read(self) -> tuple[list[TexLine], list[TexNote]]:
        nodes = self.walker.get_latex_nodes()[0]
        body = _document_body(nodes)
        self._preamble(nodes)
        self.walk(body.nodelist if body is not None else nodes)
        self.out.end()
        for name, line in self.unknown.items():
            self.notes.append(
                TexNote(f"\\{name} is defined nowhere in the file; kept as written", line)
            )
        return self.out.lines, sorted(self.notes, key=lambda n: n.line)

    def line(self, node: Any) -> int:
        return self.expanding or int(self.walker.pos_to_lineno_colno(node.pos)[0])

    def _preamble(self, nodes: Sequence[Any]) -> None:
        """Macros the document defines (known, so not noted); the title as the first line."""
        title = None
        library = latexwalker.LatexWalker(
            _shielded(self.library), latex_context=_context_db(), tolerant_parsing=True
        ).get_latex_nodes()[0]
        for node in _all_nodes(library):
            name = _defined_name(node) if _defines(node) else None
            if name:
                self.defined.add(name)
                self._remember(name, node)
        self._preamble_counters(library)
        self._preamble_counters(nodes)
        for name, definition in tex_defs(self.library + "\n" + _unshielded(self.source)).items():
            self.defined.add(name)  # '\\def\\course{Algebra 101}': known, and read as it says
            body = _unshielded(definition.body)
            if (
                re.fullmatch(r"(?:#\d)*", definition.params)  # not '(#1,#2)': TeX's to read
                and name not in _EXAM_MACROS
                and len(body) <= _EXPAND_MAX
                and not _CONDITIONAL.search(body)
            ):
                self.macros.setdefault(name, (definition.nargs, body))
        for node in _all_nodes(nodes):
            if isinstance(node, LatexMacroNode) and node.macroname in _DEFINES:
                name = _defined_name(node)
                if name:
                    self.defined.add(name)
                    self._remember(name, node)
            elif isinstance(node, LatexMacroNode) and node.macroname == "title":
                title = title or node
        arg = _arg(title, -1) if title is not None else None
        if title is not None and arg is not None:
            self.out.begin("# ", title.pos)
            self.walk(_children(arg))
            self.out.end()

    def _preamble_counters(self, nodes: Sequence[Any]) -> None:
        """The counters a preamble makes and sets (`\\newcounter{probnum}`,
        `\\setcounter{probnum}{1}`), up to `\\begin{document}`."""
        for at, node in enumerate(nodes):
            if isinstance(node, LatexEnvironmentNode) and node.environmentname == "document":
                break
            if isinstance(node, LatexMacroNode) and node.macroname in _COUNTING:
                self._count(node, nodes[at + 1 :])

    def _remember(self, name: str, node: Any) -> None:
        """A \\newcommand whose body is plain enough to expand where it is used."""
        count, body = _arg(node, 2), _arg(node, 4)
        if node.macroname == "def" or body is None or name in _EXAM_MACROS:
            return
        text = _unshielded(body.latex_verbatim()[1:-1])
        if len(text) > _EXPAND_MAX or _CONDITIONAL.search(text):
            return  # \\if...\\fi bodies choose what to show: kept as written
        try:
            nargs = int(count.latex_verbatim().strip("[] ")) if count is not None else 0
        except ValueError:
            return
        self.macros[name] = (nargs, text)

    # --- the walk ------------------------------------------------------------------------

    def walk(self, nodes: Sequence[Any]) -> None:
        skipping = False  # the \else branch of \ifprintanswers: what students see
        i = 0
        while i < len(nodes):
            node = nodes[i]
            i += 1
            if isinstance(node, LatexMacroNode) and node.macroname in (
                "ifprintanswers",
                "else",
                "fi",
            ):
                skipping = self._printanswers(node)
            elif node is not None and not skipping:
                i += self.node(node, nodes[i:])

    def node(self, node: Any, following: Sequence[Any]) -> int:
        """Write one node; returns how many of the nodes following it it took too."""
        if isinstance(node, LatexCharsNode):
            self.out.write(node.chars, node.pos)
        elif isinstance(node, LatexCommentNode):
            if "\n" in (node.comment_post_space or ""):
                self.out.end()
        elif isinstance(node, LatexMathNode):
            math = node.latex_verbatim()
            math = _without_ticks(math) if self.ctx.in_solution else math
            if (label := _MATH_LABEL.fullmatch(math)) and self._line_start():
                math = f"({label[1]})"  # '$(ii)$ (5 points) ...' opens part (ii), as '(ii)' would
            self.out.write(math, node.pos)
            if not self.own_answer and (answers := _math_answers(math)):
                self._answers_in_math(node, math, answers)
        elif isinstance(node, LatexGroupNode):
            if (start := _colour_switch(node)) is not None:
                self._coloured(node, node.nodelist[start + 1 :])
            else:
                self.walk(node.nodelist)
        elif isinstance(node, LatexSpecialsNode):
            self.out.write(self._as_text(node), node.pos)
        elif isinstance(node, LatexEnvironmentNode):
            self.environment(node)
        elif isinstance(node, LatexMacroNode):
            return self.macro(node, following)
        return 0

    def _line_start(self) -> bool:
        """Whether nothing but a marker is written on the line yet."""
        parts = self.out.parts
        return not "".join(parts[1:] if parts[:1] == [self.out.marker] else parts).strip()

    def _printanswers(self, node: Any) -> bool:
        """`\\ifprintanswers A \\else B \\fi`: A is a solution, B what students see."""
        if node.macroname == "ifprintanswers":
            self._solution_start(node.pos)
            return False
        if node.macroname == "else":
            self.out.end()
            return True
        self.out.end()
        return False

    def _as_text(self, node: Any) -> str:
        """The macro as text; kept as written where the converter cannot read its arguments
        (a `\\href` missing one): a parser's failure never stops the draft."""
        try:
            return str(self.to_text.nodelist_to_text([node])).replace("\xa0", " ")
        except (IndexError, KeyError, AttributeError, TypeError, ValueError):
            return str(node.latex_verbatim())

    # --- macros --------------------------------------------------------------------------

    def macro(self, node: Any, following: Sequence[Any]) -> int:
        """Write one macro; an unknown one takes the {groups} after it along, verbatim."""
        name = node.macroname
        if name in _QUESTIONS:
            self._question(node, bonus=_QUESTIONS[name])
        elif name in _PARTS:
            self._part(node, _PARTS[name])
            if name.startswith("bonus"):
                self.notes.append(
                    TexNote(
                        f"a bonus part of question {self.ctx.question}; gradewise counts its "
                        "marks in the total (lower them to 0 and mark it by hand)",
                        self.line(node),
                    )
                )
        elif name in _CHOICE_ITEMS:
            # Ximera marks the right one \choice[correct]{...}; any other [...] is the
            # option's own text ('\choice [0, 1]')
            given = _arg(node, 0).latex_verbatim() if _arg(node, 0) is not None else ""
            marked = given.replace(" ", "") == "[correct]"
            self.out.begin("- ☒ " if _CHOICE_ITEMS[name] or marked else "- ☐ ", node.pos)
            self.out.oneline = True
            if given and not marked:
                self.out.write(given, node.pos)
        elif _CORRECT_MARK.fullmatch(name) and self.out.marker == "- ☐ ":
            self.out.parts[0] = self.out.marker = "- ☒ "  # '\\item \\correct\\ Thursday'
        elif name == "item":
            self._item(node)
        elif name == "href" and (shown := _arg(node, -1)) is not None:
            self.walk(_children(shown))  # a link: the text the reader sees
        elif name in ("fillin", "answerline"):
            self._fill_in(node)
        elif name in ("section", "subsection", "subsubsection", "paragraph") or (
            name == "part" and not self.ctx.in_question
        ):
            self._heading(node, name, following)
        elif name in ("setcounter", "addtocounter"):
            self._counter(node)
            self._count(node)
        elif name in ("newcounter", "stepcounter", "refstepcounter"):
            return self._count(node, following)
        elif name in COUNTER_STYLES and (shown := self._counter_value(node, following)):
            self.out.write(shown[0], node.pos)  # 'Problem \\arabic{probnum}' as printed
            return shown[1]
        elif name == "color":
            return len(_groups_after(node, following)[:1])  # a colour switch: no words
        elif name in _INLINE_CODE and node.nodeargd is not None:
            self.out.write(f"`{node.nodeargd.verbatim_text}`", node.pos)
        elif name in ("\\", "newline"):
            self.out.end()
        elif name == "par":
            self.out.blank(node.pos)
        elif name == "textcolor" and (text := _arg(node, -1)) is not None:
            self._coloured(node, _children(text))
        elif name == "textbf" and (taken := self._bold_question(node, following)) is not None:
            return taken
        elif name in _WALK_ARGUMENTS:
            for arg in node.nodeargd.argnlist if node.nodeargd else ():
                if arg is not None:
                    self.walk(_children(arg))
        elif name in ("def", "gdef", "edef", "xdef"):
            return _definition_taken(following)  # its name and body: no words to read
        elif name in _LIST_LENGTHS:
            return self._length_set(node, following)
        elif name in _DROP:
            return 0
        elif self.text_db.get_macro_spec(name) is not None:
            self.out.write(self._as_text(node), node.pos)
        else:
            return self._unknown(node, following)
        return 0

    def _bold_question(self, node: Any, following: Sequence[Any]) -> int | None:
        """`\\textbf{Q1. Determine the truth value of ...}` opening a line, in plain LaTeX: a
        question (or part, 'a. ...') whose words are all in bold; the rest of its line is its
        own too, and the plain lines after it, up to the next such bold question, its answer
        (a paper written out with its answers). None where the bold is not such a question."""
        ctx = self.ctx
        if ctx.in_question or ctx.in_solution or ctx.list_depth or not self._line_start():
            return None
        if not _asks_in_bold(node):
            return None
        self.walk(_children(_arg(node, -1)))
        i = 0
        while i < len(following) and not _ends_line(following[i]):
            i += 1 + self.node(following[i], following[i + 1 :])
        end = next(
            (j for j in range(i, len(following)) if _labelled_bold(following[j])), len(following)
        )
        answer = following[i:end]
        if not any(_has_words(n) for n in answer):
            return None if i == 0 and end == len(following) and not answer else i
        self.out.end()
        first = next(n for n in answer if _has_words(n))
        self._solution(answer, first.pos)
        return end

    def _length_set(self, node: Any, following: Sequence[Any]) -> int:
        """`\\itemsep1pt\\parskip0pt` (pandoc's lists): a length set, no words; the text after
        the dimension is written as it stands."""
        after = following[0] if following else None
        if not isinstance(after, LatexCharsNode):
            return 0
        m = _DIMENSION.match(after.chars)
        if m is None:
            return 0
        self.out.write(after.chars[m.end() :], after.pos + m.end())
        return 1

    def _answers_in_math(self, node: Any, math: str, answers: list[tuple[int, int, str]]) -> None:
        """Ximera's answer blank in math, `$2+2=\\answer{4}$`: a blank in the prompt, and
        what it holds as the key (several blanks: each on an 'Answer:' line of its own)."""
        written = "".join(self.out.parts)
        blanked = math
        for start, end, _value in reversed(answers):
            blanked = blanked[:start] + r"\_\_\_" + blanked[end:]
        self.out.parts = [written[: len(written) - len(math)] + blanked]
        self.out.end()
        for _start, _end, value in answers:
            self.out.begin("Answer: ", node.pos)
            self.out.write(value, node.pos)
            self.out.end()

    def _fill_in(self, node: Any) -> None:
        """`\\fillin[answer][width]`, `\\answerline[answer]`: the student's blank in the
        prompt, and the answer the class prints in it with answers on, as the key."""
        self.out.write(" ____ ", node.pos)
        arg = _arg(node, 0)
        answer = arg.latex_verbatim()[1:-1].strip() if arg is not None else ""
        if answer:  # on an 'Answer:' line after the prompt's line (several: one line)
            self.out.blanks.append(answer)

    def _unknown(self, node: Any, following: Sequence[Any]) -> int:
        """A macro neither LaTeX nor the file defines: kept verbatim with its {arguments}.
        One the file defines plainly (`\\newcommand{\\pts}[1]{(#1pt)}`) is expanded."""
        name = node.macroname
        groups = _groups_after(node, following)
        if name in self.macros and len(groups) >= self.macros[name][0] and self.depth < 4:
            return self._expand(node, groups)
        unread = name not in self.macros and name not in self.defined
        if unread and _QUESTION_MACRO.fullmatch(name) and len(groups) <= 1:
            # '\\problem{(2 points, Path 1)}' of a class not at hand: the next question, its
            # argument the heading's words (its points among them); '\\prob{1}{10}' is read
            # as it stands (which argument is which is not known)
            self.ctx.question += 1
            self.out.begin(f"Problem {self.ctx.question} ", node.pos)
            for arg in groups[:1]:
                self.walk(_children(arg))
            self.out.end()
            self.ctx.heading_question, self.ctx.in_question = True, False
            return len(groups[:1])
        if (
            name not in self.macros
            and _POINTS_MACRO.fullmatch(name)
            and groups
            and re.fullmatch(r"\s*\d+(?:\.\d+)?\s*", groups[0].latex_verbatim()[1:-1])
        ):  # '\\Points{5}' of a course package not at hand: the points it prints
            self.out.write(f"({groups[0].latex_verbatim()[1:-1].strip()} points) ", node.pos)
            return 1
        if _ANSWER_MACRO.fullmatch(name) and len(groups) == 1 and self._answers_inside():
            return self._answer_macro(node, groups[0])
        if name not in self.defined and _db().get_macro_spec(name) is None:
            self.unknown.setdefault(name, self.line(node))
        self.out.write(node.latex_verbatim(), node.pos)
        for arg in groups:
            self.out.write(arg.latex_verbatim(), arg.pos)
        return len(groups)

    def _answers_inside(self) -> bool:
        """Whether a macro here stands in a question, a part or a solution."""
        ctx = self.ctx
        return ctx.in_question or ctx.in_part or ctx.in_solution or ctx.heading_question

    def _answer_macro(self, node: Any, arg: Any) -> int:
        """`\\TheAnswer{1/4}`, `\\solution{...}`: a macro named for the answer that no file
        beside the paper defines readably, used in a question or part: its argument is the
        answer, on an 'Answer:' line of its own (the key where it is one value)."""
        name = node.macroname
        if name not in self.answer_macros:
            self.answer_macros.add(name)
            self.notes.append(
                TexNote(
                    f"\\{name}{{...}} is defined nowhere readable; its argument is read as the "
                    "answer of the part it stands in: check those keys",
                    self.line(node),
                )
            )
        self.out.begin("Answer: ", node.pos)
        first = len(self.out.lines)
        self.walk(_children(arg))
        self.out.end()
        # display math and line breaks in the argument start lines of their own: one line
        written = " ".join(line.text for line in self.out.lines[first:])
        written = re.sub(r"\s+", " ", written.replace("Answer:", " ", 1)).strip()
        line = self.out.lines[first].line if len(self.out.lines) > first else self.line(node)
        self.out.lines[first:] = [TexLine("Answer: " + written, line)]
        if (worked := _WORKED_VALUE.search(written)) is not None and worked.start() > 0:
            # worked to one value ('P(C|B) = R_23 = 1/4'): the working is the reference
            opened = "" if self.ctx.in_solution else "Solution: "
            self.out.lines[first:] = [
                TexLine(opened + written, line),
                TexLine("Answer: " + worked["value"], line),
            ]
        return 1

    def _expand(self, node: Any, groups: Sequence[Any]) -> int:
        """The macro's body with its arguments put in, read where the macro stands."""
        nargs, text = self.macros[node.macroname]
        for number, arg in enumerate(groups[:nargs], start=1):
            text = text.replace(f"#{number}", arg.latex_verbatim()[1:-1])
        walker = latexwalker.LatexWalker(text, latex_context=_context_db(), tolerant_parsing=True)
        nodes = walker.get_latex_nodes()[0]
        line = self.line(node)  # what the expansion writes stands on the macro's line
        line_of, self.out.line_of = self.out.line_of, lambda _pos: line
        outer, self.expanding = self.expanding, line
        self.depth += 1
        try:
            self.walk(nodes)
        finally:
            self.out.line_of, self.expanding = line_of, outer
            self.depth -= 1
        if _PRINTS_QUESTION.match("".join(self.out.parts)):
            self.ctx.heading_question = True  # '\problem' printing 'Problem 3': lists are parts
        return nargs

    def _question(self, node: Any, *, bonus: bool) -> None:
        ctx = self.ctx
        ctx.question += 1
        ctx.in_question, ctx.parts_seen, ctx.in_part = True, 0, False
        ctx.part_counters = [0, 0, 0, 0]
        args = _args(node)
        title = next(
            (a for a in args if a is not None and a.latex_verbatim().startswith("{")), None
        )
        points = _points(args)
        marker = f"Question {ctx.question} " + (f"({points} marks) " if points else "")
        self.out.begin(marker, node.pos)
        if bonus:
            self.notes.append(
                TexNote(
                    f"question {ctx.question} is a bonus question; gradewise counts its marks in"
                    " the total (lower them or move it to a section with a 'best' rule)",
                    self.line(node),
                )
            )
        if title is not None:
            self.walk(_children(title))
            self.out.end()

    def _part(self, node: Any, level: int) -> None:
        ctx = self.ctx
        ctx.parts_seen += 1
        ctx.in_part = True
        ctx.part_counters[level] += 1
        for deeper in range(level + 1, len(ctx.part_counters)):
            ctx.part_counters[deeper] = 0
        count = ctx.part_counters[level]
        points = _points(_args(node))
        label = _label(level, count)
        if level == 1 and ctx.lone_part:
            label = f"Part {label}"  # the question's one \part: a part all the same
        marker = f"{label} " + (f"({points} marks) " if points else "")
        self.out.begin(marker, node.pos)
        if level == 1 and ctx.lone_part:
            self.out.end()  # its heading on a line of its own, its words below

    def _item(self, node: Any) -> None:
        ctx = self.ctx
        explicit = _arg(node, 0)
        if ctx.solution_item == len(ctx.list_counters) and self._ends_solution(explicit):
            ctx.in_solution, ctx.solution_item = False, None
        if ctx.choice_items and not ctx.in_solution:
            self.out.begin("- ☐ ", node.pos)  # an option; '\\correct' in it ticks it
            self.out.oneline = True
            return
        if explicit is not None:
            self._labelled_item(node, explicit)  # \item[...] steps no counter, as in LaTeX
            return
        if ctx.list_counters:
            ctx.list_counters[-1] += 1
        numbered = bool(ctx.list_numbered) and ctx.list_numbered[-1]
        if ctx.statements and numbered and ctx.list_depth == 1 and not ctx.in_solution:
            # '(1) It is Monday.' in a question whose options name '(1)': its words, indented
            label = _printed(ctx.list_labels[-1], ctx.list_counters[-1])
            self.out.begin(f"    {label} ", node.pos)
            return
        if ctx.list_parts and ctx.list_parts[-1] and not ctx.in_solution:
            count = ctx.list_counters[-1]
            if _LETTERED.search(ctx.list_labels[-1]) and count <= 26:
                self.out.begin(f"({chr(96 + count)}) ", node.pos)  # printed '(c)': part c
                return
            self.out.begin(f"{ctx.question}.{count} ", node.pos)  # printed '2.': part 3.2
            return
        if not numbered or ctx.in_question or ctx.in_solution:
            self.out.begin("- ", node.pos)
            return
        level = ctx.list_depth - 1 + ctx.heading_question + ctx.heading_part
        count = ctx.list_counters[-1] if ctx.list_counters else 1
        if level == 0:
            ctx.numbered_questions += 1
            self.out.begin(f"{count}. ", node.pos)
        elif level == 1 and ctx.environment_declared and ctx.list_printed[-1]:
            # in a paper's own \newtheorem{problem}, its list prints '1.', '2.': Problem 3's
            # parts are 3.1 and 3.2, as the students read them
            self.out.begin(f"{ctx.question}.{count} ", node.pos)
        else:
            self.out.begin(f"{_label(level, count)} " if level <= 2 else "- ", node.pos)

    def _ends_solution(self, label: Any) -> bool:
        """Whether the item after an `\\item[Proof:]` ends its solution: the next part or
        question does ('[(b)]', '[Problem 2]', an item with no label), a step of the proof
        ('[case]') does not."""
        if label is None:
            return True
        text = self.to_text.nodelist_to_text(_children(label)).strip()
        return bool(
            _STRUCTURAL_LABEL.fullmatch(text)
            or _SOLUTION_LABEL.fullmatch(text)
            or p.question_header(text)
        )

    def _labelled_item(self, node: Any, label: Any) -> None:
        """`\\item[(a)]` as its label says; `\\item[Proof:]` starts a solution that runs to
        the next item of its list, and a label inside a solution is a step's, kept from being
        read as a part ('- [(a)] ...')."""
        ctx = self.ctx
        text = self.to_text.nodelist_to_text(_children(label)).strip()
        if _SOLUTION_LABEL.fullmatch(text) and not ctx.in_solution:
            self._solution_start(node.pos)
            ctx.in_solution, ctx.solution_item = True, len(ctx.list_counters)
            return
        inside = len(ctx.list_counters) > 1 or ctx.in_question or ctx.heading_question
        if inside and not ctx.in_solution and re.fullmatch(r"\d+[.)]?", text):
            # '\item[2.]' in a list inside a question: indented, a list of the question's
            # own, never the next question (nor a reason to take the ones before for notes)
            self.out.begin("    ", node.pos)
            self.walk(_children(label))
            self.out.write(" ", node.pos)
            return
        self.out.begin("- [" if ctx.in_solution else "", node.pos)
        self.walk(_children(label))
        self.out.write("] " if ctx.in_solution else " ", node.pos)

    def _heading(self, node: Any, name: str, following: Sequence[Any] = ()) -> None:
        arg = _arg(node, -1)
        label = self._numbered_label(node, name)
        part = _PART_LABEL.fullmatch(label) if self.ctx.heading_question else None
        if part is not None and name.startswith("sub"):
            label = f"({part[1]})"  # '1.(a)' under 'Problem 1': its part, as '## (a)'
        self.out.begin("#" * (2 if name.startswith("sub") else 1) + " ", node.pos)
        if label:
            self.out.write(label + " ", node.pos)
        if arg is not None:
            self.walk(_children(arg))
        heading = "".join(self.out.parts)
        self.out.end()
        self.ctx.headed = True  # a list under a new heading may start again at 1
        ctx = self.ctx
        depth = _SECTIONING.get(name, 4)
        inside = ctx.question_level is not None and depth > ctx.question_level
        ctx.heading_part = part is not None and name.startswith("sub")
        ctx.heading_question = ctx.heading_part or bool(
            re.match(r"#+\s*(?:question|problem|exercise|q)\s*\d", heading, re.I)
        )
        if name == "section":
            numbered = _arg(node, 0) is None and not ctx.heading_question
            self.numbered_section = (len(self.out.lines) - 1, False) if numbered else None
        if not ctx.heading_question and not inside and self._points_heading(heading, following):
            ctx.question += 1
            number = self._in_numbered_section(node, name) or ctx.question
            hashes, title = heading.split(" ", 1)
            self.out.lines[-1] = TexLine(
                f"{hashes} Question {number} {title.strip()}", self.out.lines[-1].line
            )
            ctx.heading_question = True
        if not inside:  # a heading inside a question's own (its parts') leaves it open
            ctx.question_level = depth if ctx.heading_question else None
        ctx.in_question = False

    def _in_numbered_section(self, node: Any, name: str) -> int | None:
        """A numbered `\\subsection{10 points}` under a numbered `\\section{Tracing}`: LaTeX
        prints it '1.2', the second question of section 1; the section's heading is written
        as that section's ('# Section 1 Tracing') the first time. None elsewhere."""
        if name != "subsection" or _arg(node, 0) is not None or self.numbered_section is None:
            return None
        at, written = self.numbered_section
        if not written:
            old = self.out.lines[at]
            title = old.text.lstrip("# ").strip()
            number = self.sectioning.get("section", 1)
            self.out.lines[at] = TexLine(f"# Section {number} {title}", old.line)
            self.numbered_section = (at, True)
        return self.sectioning.get("subsection", 1)

    def _points_heading(self, heading: str, following: Sequence[Any]) -> bool:
        """A heading that states points and no number ('(60 pts.) Integral Evaluation'):
        the next question, unless what it heads holds questions with points of their own
        (then it is a section's: 'Short answers (30 points)' over '1. (5 points) ...')."""
        text = heading.lstrip("# ").strip()
        if p.marks_one(text) is None or p.question_header(text) or p.section_header(text):
            return False
        if p.lettered_item(text) is not None or p.part_heading(text) is not None:
            return False  # '(a) (5 points)': a part's heading
        body = []
        for node in following:
            if isinstance(node, LatexMacroNode) and node.macroname in _HEADINGS:
                break
            body.append(node.latex_verbatim() if node is not None else "")
        items = re.split(r"\\(?:item|question|titledquestion)(?![A-Za-z])", "".join(body))
        if re.search(r"\\(?:question|titledquestion)(?![A-Za-z])", "".join(body)):
            return False
        return not any(p.marks_one(item.strip().split("\n", 1)[0]) for item in items[1:])

    def _numbered_label(self, node: Any, name: str) -> str:
        """The label titlesec writes before a numbered heading ('Problem 2', '2.(a)'), with
        the sectioning counters kept here; '' for a starred heading or no \\titleformat."""
        depth = _SECTIONING.get(name)
        if depth is None or _arg(node, 0) is not None:
            return ""
        counters = self.sectioning
        counters[name] = counters.get(name, 0) + 1
        for deeper, level in _SECTIONING.items():
            if level > depth:
                counters[deeper] = 0
        return label_text(self.labels[name], counters) if name in self.labels else ""

    def _count(self, node: Any, following: Sequence[Any] = ()) -> int:
        """A counter of the paper's own (`\\newcounter{probnum}`, `\\setcounter`,
        `\\addtocounter`, `\\stepcounter`), kept so that `\\arabic{probnum}` prints its value."""
        counter, value = _arg(node, 0), _arg(node, 1)
        taken = 0
        if counter is None:  # a macro the parser takes no arguments for: the groups after it
            groups = _groups_after(node, following)
            wanted = 1 if node.macroname in ("newcounter", "stepcounter", "refstepcounter") else 2
            if len(groups) < wanted:
                return 0
            counter, value, taken = groups[0], groups[1] if wanted == 2 else None, wanted
        name = counter.latex_verbatim().strip("{} ")
        if node.macroname == "newcounter":
            self.counters.setdefault(name, 0)
        elif node.macroname in ("stepcounter", "refstepcounter"):
            self.counters[name] = self.counters.get(name, 0) + 1
        elif value is not None and re.fullmatch(r"-?\d+", value.latex_verbatim().strip("{} ")):
            number = int(value.latex_verbatim().strip("{} "))
            add = node.macroname == "addtocounter"
            self.counters[name] = self.counters.get(name, 0) * add + number
        return taken

    def _counter_value(self, node: Any, following: Sequence[Any]) -> tuple[str, int] | None:
        """`\\arabic{c}`, `\\alph{c}`, `\\roman{c}` of a counter the paper keeps, as printed,
        and how many groups after the macro it took."""
        counter, taken = _arg(node, 0), 0
        if counter is None:
            groups = _groups_after(node, following)
            counter, taken = (groups[0], 1) if groups else (None, 0)
        name = counter.latex_verbatim().strip("{} ") if counter is not None else ""
        if name not in self.counters:
            return None
        return COUNTER_STYLES[node.macroname](self.counters[name]), taken

    def _counter(self, node: Any) -> None:
        counter, value = _arg(node, 0), _arg(node, 1)
        if counter is None or value is None:
            return
        name = counter.latex_verbatim().strip("{} ")
        try:
            number = int(value.latex_verbatim().strip("{} "))
        except ValueError:
            self.notes.append(
                TexNote(
                    f"\\{node.macroname}{{{name}}} with a value gradewise cannot read",
                    self.line(node),
                )
            )
            return
        depth = self.ctx.list_depth
        if name == "enum" + "i" * depth and 0 < depth <= 3 and self.ctx.list_counters:
            add = node.macroname == "addtocounter"  # \setcounter{enumi}{3}: the next is 4
            self.ctx.list_counters[-1] = self.ctx.list_counters[-1] * add + number
        if name == "question":
            add = node.macroname == "addtocounter"
            restart = not add and self.ctx.question and number < self.ctx.question
            self.ctx.question = self.ctx.question + number if add else number
            if restart:
                self._restart_section(node)

    def _restart_section(self, node: Any) -> None:
        """Numbering set back ('Multiple choice' 1-3, then 'Full solutions' 1-10): the
        questions after it are another section's, not a second telling of the same ones."""
        self.ctx.sections += 1
        self.out.begin(f"# Section {self.ctx.sections}", node.pos)
        self.out.end()
        self.ctx.in_question = False

    # --- environments --------------------------------------------------------------------

    def environment(self, node: Any) -> None:
        name = node.environmentname.rstrip("*")
        if self._solution_environment(name) or (name in _BOXES and self._answers_here()):
            self._solution(node.nodelist, node.pos)
        elif name in _CHOICES:
            self.walk(node.nodelist)
            self.out.end()
        elif NAMED_CHOICES.fullmatch(name):
            self._choice_list(node)
        elif name in ("parts", "subparts", "subsubparts"):
            lone = self.ctx.lone_part
            self.ctx.lone_part = name == "parts" and _count_parts(node) == 1
            self.walk(node.nodelist)
            self.ctx.lone_part = lone
            self.out.end()
            self.ctx.in_part = name != "parts"
        elif name == "questions":
            self.walk(node.nodelist)
            self.out.end()
            self.ctx.in_question = False
        elif _question_environment(name) and self._holds_one_question(node):
            self._environment_question(node)
        elif name in ("enumerate", "itemize", "description"):
            self._list(node, numbered=name == "enumerate")
        elif name in ("tabular", "tabularx"):
            self._table(node)
        elif name in self.code_environments:
            self._code(node)
        elif name in _SKIP_ENVIRONMENTS:
            return
        elif _context_db().get_environment_spec(name) is not None and _is_math(name):
            self.out.write(node.latex_verbatim(), node.pos)
        else:
            if _QUESTION_LIKE.fullmatch(name) and not _question_environment(name):
                self.notes.append(
                    TexNote(
                        f"\\begin{{{node.environmentname}}} looks like a question but is read"
                        " as text (write its questions as \\begin{exercise} or \\question)",
                        self.line(node),
                    )
                )
            self.walk(node.nodelist)

    def _holds_one_question(self, node: Any) -> bool:
        """An exercise environment outside any solution, exam-class question or question
        heading, with no `\\question` of its own inside (then it is only a box around
        questions)."""
        ctx = self.ctx
        if ctx.in_solution or ctx.in_question:
            return False
        if ctx.heading_question and not ctx.environment_question:
            return False  # under '\\section*{Problem 3}': that problem's own words
        return not any(
            isinstance(n, LatexMacroNode) and n.macroname in _QUESTIONS
            for n in _all_nodes(node.nodelist)
        )

    def _solution_environment(self, name: str) -> bool:
        """The exam class's solution environments, one named as a solution or answer
        (`sol`, `soln`, `answer`), or one the paper defines to print 'Solution'/'Answer'."""
        if name in _SOLUTIONS or _SOLUTION_NAME.fullmatch(name):
            return True
        if self.solution_names is None:
            source = self.library + "\n" + self.source
            self.solution_names = _printing_solution(source)
        return name in self.solution_names

    def _environment_question(self, node: Any) -> None:
        """`\\begin{exercise} ... \\end{exercise}`: the next question, as if headed
        'Question N' (a list inside it holds its parts); one inside another, its part."""
        ctx = self.ctx
        if ctx.environment_question:
            ctx.environment_parts += 1
            self.out.begin(f"{_label(1, ctx.environment_parts)} ", node.pos)
            ctx.heading_part = True  # a list inside the part: its subparts
            self.walk(node.nodelist)
            self.out.end()
            ctx.heading_part = False
            return
        ctx.question += 1
        nodes = list(node.nodelist)
        points = _opening_points(nodes)
        self.out.begin(f"Question {ctx.question} {points}", node.pos)
        saved = ctx.heading_question, ctx.in_question, ctx.heading_part
        ctx.heading_question, ctx.in_question, ctx.heading_part = True, False, False
        ctx.environment_question, ctx.environment_parts = True, 0
        ctx.environment_declared = node.environmentname in self.theorems
        ctx.statements = _with_options(node.nodelist)
        self.walk(nodes)
        self.out.end()
        ctx.heading_question, ctx.in_question, ctx.heading_part = saved
        ctx.environment_question = ctx.environment_declared = ctx.statements = False

    def _choice_list(self, node: Any) -> None:
        """A package's own list of options (`\\begin{examtronchoices}`): each `\\item` an
        option, the one marked `\\correct` the right one."""
        outer, self.ctx.choice_items = self.ctx.choice_items, True
        self.walk(node.nodelist)
        self.out.end()
        self.ctx.choice_items = outer

    def _solution(self, nodes: Sequence[Any], pos: int) -> None:
        self._solution_start(pos)
        outer, self.ctx.in_solution = self.ctx.in_solution, True
        self.walk(nodes)
        self.ctx.in_solution = outer
        self.out.end()

    def _coloured(self, node: Any, nodes: Sequence[Any]) -> None:
        """Text set apart by colour alone: under a question, on lines of its own and long
        (several lines, a paragraph, a ticked result) it is the worked solution; a few
        coloured words, or a coloured line in the prompt, are the prompt's emphasis."""
        text = "".join(n.latex_verbatim() for n in nodes if n is not None).strip()
        long = "\n" in text or len(text) >= _LONG or "\\checkmark" in text
        if long and not "".join(self.out.parts).strip() and self._answers_here():
            self._solution(nodes, node.pos)
        else:
            self.walk(nodes)

    def _answers_here(self) -> bool:
        """Whether a box or coloured block here would follow a question's own words."""
        ctx = self.ctx
        inside = ctx.in_question or ctx.heading_question or ctx.numbered_questions > 0
        if not inside or ctx.in_solution:
            return False
        last = next((line.text for line in reversed(self.out.lines) if line.text.strip()), "")
        return _MARKER_ONLY.fullmatch(last) is None

    def _solution_start(self, pos: int) -> None:
        ctx = self.ctx
        if ctx.in_part and ctx.solved_part == (ctx.question, ctx.parts_seen):
            self.out.end()  # a second box under one part (a hint, then the answer): the same
            return
        if ctx.in_part:
            ctx.solved_part = (ctx.question, ctx.parts_seen)
        if ctx.in_question and ctx.parts_seen and not ctx.in_part:
            self.out.begin(f"Solution to Question {ctx.question}: ", pos)
        else:
            self.out.begin("Solution: ", pos)

    def _list(self, node: Any, *, numbered: bool) -> None:
        ctx = self.ctx
        ctx.list_depth += numbered
        start = self._list_start(node) if numbered else 0
        ctx.list_counters.append(start)
        ctx.list_numbered.append(numbered)
        ctx.list_printed.append(numbered and not self.relabelled and not _labels(node))
        ctx.list_parts.append(self._parts_list(node))
        options = _arg(node, 0)
        ctx.list_labels.append(options.latex_verbatim()[1:-1] if options is not None else "")
        choices, ctx.choice_items = ctx.choice_items, False  # a list inside an option
        self.out.end()
        self.walk(node.nodelist)
        self.out.end()
        ctx.choice_items = choices
        if ctx.solution_item == len(ctx.list_counters):
            ctx.in_solution, ctx.solution_item = False, None  # the list's end ends it
        if numbered:
            ctx.list_ends[ctx.list_depth] = ctx.list_counters[-1]
            ctx.headed = ctx.headed and ctx.list_depth > 1
        ctx.list_depth -= numbered
        ctx.list_counters.pop()
        ctx.list_numbered.pop()
        ctx.list_printed.pop()
        ctx.list_parts.pop()
        ctx.list_labels.pop()

    def _parts_list(self, node: Any) -> bool:
        """An enumerate right inside an exam-class `\\question` (no `\\part` around it), its
        items printed '1.', '2.' and opening with their own points ('\\item (10 pts) ...'):
        the question's parts, named as printed. Items without points stay its text."""
        ctx = self.ctx
        if ctx.in_part or ctx.in_solution or not (ctx.in_question and ctx.list_depth == 1):
            return False
        if _lettered(node):
            return True  # '[label=(\\alph*)]': lettered as parts are, each item a part
        if not ctx.list_printed[-1]:
            return False
        items = re.split(r"\\item(?![A-Za-z])", "".join(_verbatim(n) for n in node.nodelist))
        return any(p.leading_marks(_bare(item)) for item in items[1:])

    def _list_start(self, node: Any) -> int:
        """Where an enumerate's numbering starts, less one: enumitem's `[resume]` goes on
        from the list before it at its depth, `[start=4]` from 3. A list of questions that
        starts again at 1 with no heading since the last is named in the notes: the draft
        may read its items as the question before's own list."""
        ctx = self.ctx
        options = _arg(node, 0)
        text = options.latex_verbatim() if options is not None else ""
        before = ctx.list_ends.get(ctx.list_depth, 0)
        if re.search(r"\bresume\*?\b", text):
            return before
        if (start := re.search(r"\bstart\s*=\s*(\d+)", text)) is not None:
            return int(start[1]) - 1
        top = ctx.list_depth == 1 and not (ctx.in_question or ctx.heading_question)
        if top and before and not ctx.in_solution and not ctx.headed:
            self.notes.append(
                TexNote(
                    f"the numbering starts again at 1 after {before} numbered items, with no"
                    " heading between: these may be drafted as the last question's own list"
                    " (number them on with \\begin{enumerate}[resume], or head them)",
                    self.line(node),
                )
            )
        return 0

    def _table(self, node: Any) -> None:
        """A tabular as Markdown pipe rows (a rubric table's columns are read from them)."""
        self.out.end()
        body = "".join(n.latex_verbatim() for n in node.nodelist if n is not None)
        pos = node.pos
        for row in re.split(r"\\\\(?:\[[^\]]*\])?", body):
            row = re.sub(r"\\(?:hline|toprule|midrule|bottomrule|cline\{[^}]*\})", "", row)
            cells = [_plain(c) for c in row.split("&")]
            if any(cells):
                self.out.begin("| " + " | ".join(cells) + " |", pos + body.find(row))
                self.out.end()

    def _code(self, node: Any) -> None:
        """Code as written, indented so that '1.' in it is never read as a question."""
        self.out.end()
        text = node.latex_verbatim()
        inner = text.split("\n")[1:-1]
        for i, code in enumerate(inner, 1):
            self.out.lines.append(TexLine("    " + code, self.line(node) + i))


# '\begin{question}[5]' (exsheets), '\begin{exercise}[points=5]' (xsim): its points.
_POINTS_OPTION = re.compile(
    r"\A\s*\[\s*(?:(?:[^\]=,]*=[^\],]*,\s*)*points\s*=\s*)?"
    r"(?P<n>\d{1,3}(?:\.\d+)?)\s*(?:points?|pts?\.?|marks?|p\.?)?\s*(?:,[^\]]*)?\]",
    re.I,
)


def _opening_points(nodes: list[Any]) -> str:
    """An environment's '[5]' option read as text: '(5 points) ' for its heading, taken off
    the text (nodes changed in place); '' when it opens otherwise."""
    first = next((i for i, n in enumerate(nodes) if not _is_space(n)), None)
    if first is None or not isinstance(nodes[first], LatexCharsNode):
        return ""
    found = _POINTS_OPTION.match(nodes[first].chars)
    if found is None:
        return ""
    rest = nodes[first].chars[found.end() :]
    old = nodes[first]
    nodes[first] = LatexCharsNode(
        chars=rest,
        parsing_state=old.parsing_state,
        pos=old.pos + found.end(),
        len=len(rest),
    )
    return f"({found['n']} points) "


def _definition_taken(following: Sequence[Any]) -> int:
    """How many nodes after a `\\def` its definition takes: the name, its '#1#2', its body."""
    taken = 0
    if taken < len(following) and isinstance(following[taken], LatexMacroNode):
        taken += 1
        if taken < len(following) and re.fullmatch(r"(?:\s*#\d)+\s*", _verbatim(following[taken])):
            taken += 1
        if taken < len(following) and isinstance(following[taken], LatexGroupNode):
            taken += 1
    return taken


def _question_environment(name: str) -> bool:
    """An environment holding one question: 'exercise', 'problem', 'question', or a package's
    own named so ('examtronproblem')."""
    return name in _QUESTION_ENVIRONMENTS or bool(NAMED_QUESTION.fullmatch(name))


def _with_options(nodes: Sequence[Any]) -> bool:
    """Whether a question's own nodes hold a list of its options (not a part's, nor another
    question's inside it)."""
    for node in nodes:
        if isinstance(node, LatexEnvironmentNode):
            name = node.environmentname.rstrip("*")
            if name in _CHOICES or NAMED_CHOICES.fullmatch(name):
                return True
            if _question_environment(name) or name in ("parts", "enumerate", "itemize"):
                continue
            if _with_options(node.nodelist):
                return True
        elif isinstance(node, LatexGroupNode) and _with_options(node.nodelist):
            return True
    return False


def _printed(template: str, count: int) -> str:
    """An enumerate item's label as its '[(1)]', '[a)]', '[(i)]' option prints it ('2.'
    with none)."""
    style = re.search(r"(?<![A-Za-z\\])([1aAiI])(?![A-Za-z])", template)
    if style is None:
        return f"{count}."
    shown = {"1": str(count), "a": chr(96 + count), "A": chr(64 + count)}.get(style[1])
    if shown is None:
        shown = ROMAN[count - 1] if count <= len(ROMAN) else str(count)
        shown = shown.upper() if style[1] == "I" else shown
    return template[: style.start()] + shown + template[style.end() :]


# A question or part whose words are in bold: 'Q1. The domain is ...:', 'a. $\\forall x ...$'
# (its label, then words, ending as a sentence or in math; not a title: '1. Regression').
_BOLD_ASKS = re.compile(r"\s*(?:Q(?:uestion)?\s*\d{1,3}|\d{1,3}|[a-h])[.)]\s+\S.*[.?:$]\s*$", re.S)


_BOLD_LABEL = re.compile(r"\s*(?:Q(?:uestion)?\s*\d{1,3}|\d{1,3}|[a-h])[.)]\s")


def _asks_in_bold(node: Any) -> bool:
    return _bold_words(node, _BOLD_ASKS)


def _labelled_bold(node: Any) -> bool:
    """A bold question or part however it ends: where the answer before it stops."""
    return _bold_words(node, _BOLD_LABEL)


def _bold_words(node: Any, pattern: re.Pattern[str]) -> bool:
    if not (isinstance(node, LatexMacroNode) and node.macroname == "textbf"):
        return False
    arg = _arg(node, -1)
    return arg is not None and pattern.match(arg.latex_verbatim()[1:-1]) is not None


def _ends_line(node: Any) -> bool:
    """A line break: `\\\\`, `\\newline`, `\\par` or a blank line."""
    if isinstance(node, LatexMacroNode):
        return node.macroname in ("\\", "newline", "par")
    return isinstance(node, LatexCharsNode) and re.search(r"\n[ \t]*\n", node.chars) is not None


def _has_words(node: Any) -> bool:
    """Whether a node writes something to read (not space, a comment or a line break)."""
    if isinstance(node, LatexCharsNode):
        return bool(node.chars.strip())
    if isinstance(node, LatexCommentNode):
        return False
    if isinstance(node, LatexMacroNode):
        return node.macroname not in _DROP and node.macroname not in ("\\", "newline", "par")
    return node is not None


# A list's lengths, set by assignment ('\\itemsep1pt', '\\topsep=0pt plus 1pt'): layout only.
_LIST_LENGTHS = frozenset(
    "itemsep parskip parsep topsep partopsep itemindent labelsep labelwidth leftmargin "
    "rightmargin listparindent".split()
)
_UNIT = r"(?:pt|em|ex|mm|cm|in|bp|sp|pc|dd|cc|mu)"
_DIMENSION = re.compile(
    rf"\s*=?\s*[-+]?(?:\d+\.?\d*|\.\d+)\s*{_UNIT}"
    rf"(?:\s*(?:plus|minus)\s*[-+]?(?:\d+\.?\d*|\.\d+)\s*{_UNIT})*"
)


def _count_parts(node: Any) -> int:
    """The `\\part`s right inside a parts environment."""
    names = {name for name, level in _PARTS.items() if level == 1}
    return sum(isinstance(n, LatexMacroNode) and n.macroname in names for n in node.nodelist)


def _verbatim(node: Any) -> str:
    return str(node.latex_verbatim()) if node is not None else ""


def _bare(text: str) -> str:
    """Source text without its formatting macros and braces: '\\textbf{(2 pts)}' → '(2 pts)'."""
    return re.sub(r"\\(?:textbf|textit|emph|bf|it|em)(?![A-Za-z])|[{}]", "", text).strip()


def _without_ticks(math: str) -> str:
    """A solution's math without the ticks marking its results ('= 22 ~~ \\checkmark') and
    the blank space inside its delimiters, so its last line ends on the value."""
    math = _RESULT_MARK.sub("", math)
    found = re.fullmatch(r"(\$\$|\$|\\\[|\\\()(.*?)(\$\$|\$|\\\]|\\\))", math, re.S)
    return found[1] + found[2].strip() + found[3] if found else math


_NEWTHEOREM = re.compile(r"\\newtheorem\*?\s*\{\s*([A-Za-z]+)\s*\}")
# A preamble that labels its lists otherwise: '\renewcommand{\labelenumi}', '\setlist[enumerate]'.
_RELABEL = re.compile(r"\\(?:labelenumi|theenumi)(?![A-Za-z])|\\setlist\s*\[\s*enumerate")


def _labels(node: Any) -> bool:
    """Whether a list's options label its items (enumerate's '[(a)]', enumitem's 'label=')."""
    options = _arg(node, 0)
    text = options.latex_verbatim().strip("[] ") if options is not None else ""
    keys = [key.strip() for key in text.split(",") if key.strip()]
    return any("label" in key or ("=" not in key and key not in _LIST_KEYS) for key in keys)


_LIST_KEYS = {"resume", "resume*", "nosep", "noitemsep", "wide", "inline", "nolistsep"}
# A list label printing small letters: enumitem's 'label=(\\alph*)', a class's
# '\\alph{partCounter}', enumerate's '[(a)]' or '[a)]'.
_LETTERED = re.compile(r"\\alph\b|\\alph\*|^\(?a[).]|label\s*=\s*\(?a[).]")


def _lettered(node: Any) -> bool:
    """Whether an enumerate's options letter its items in small letters: (a), (b), ..."""
    options = _arg(node, 0)
    text = options.latex_verbatim().strip("[] ") if options is not None else ""
    return bool(_LETTERED.search(text))


# A part's label set in math at the start of a paragraph: '$(ii)$', '\\((b)\\)'.
_MATH_LABEL = re.compile(r"(?:\$|\\\()\s*\(\s*([a-h]|[ivx]{1,4})\s*\)\s*(?:\$|\\\))")
# A course's own macro for the answer: \\TheAnswer, \\myanswer, \\solution, \\correctanswer.
_ANSWER_MACRO = re.compile(r"(?i)(?:the|my)?(?:answer|solution|correct(?:answer)?)")
# An answer worked to one value: its last '=' or '\\approx' followed by a number, then only
# the ends of its math ('... = 1/4$$', '&= ... \\approx 0.49998 \\end{align*}').
_WORKED_VALUE = re.compile(
    r"(?:=|\\approx)\s*(?P<value>-?\d+(?:\.\d+)?(?:/\d+)?)"
    r"(?:\s|[.,;]|\$|\\\]|\\end\{[A-Za-z*]+\})*$"
)
_OWN_ANSWER = re.compile(r"(?:Command|command|def|let)\*?\s*\{?\s*\\answer(?![A-Za-z])")
_ANSWER_BLANK = re.compile(r"\\answer(?![A-Za-z])\s*(?:\[[^\]]*\])?\s*\{")


def _math_answers(math: str) -> list[tuple[int, int, str]]:
    """Where Ximera's `\\answer[options]{value}` blanks stand in a math span, and their
    values."""
    found = []
    for m in _ANSWER_BLANK.finditer(math):
        depth, j = 1, m.end()
        while j < len(math) and depth:
            depth += {"{": 1, "}": -1}.get(math[j], 0)
            j += 1
        if depth == 0 and (value := math[m.end() : j - 1].strip()):
            found.append((m.start(), j, value))
    return found


def _colour_switch(node: Any) -> int | None:
    """Where `\\color` stands in a group that starts by switching the colour
    (`{\\color{blue} ...}`); None in any other group."""
    first = next((i for i, n in enumerate(node.nodelist) if not _is_space(n)), None)
    if first is None:
        return None
    switch = node.nodelist[first]
    return first if isinstance(switch, LatexMacroNode) and switch.macroname == "color" else None


def _is_space(node: Any) -> bool:
    return node is None or (isinstance(node, LatexCharsNode) and not node.chars.strip())


def _label(level: int, count: int) -> str:
    if level == 1:
        return f"({chr(ord('a') + count - 1)})"
    if level == 2:
        return f"({ROMAN[count - 1] if count <= len(ROMAN) else count})"
    if level == 3 and count <= len(p.GREEK):
        return f"({p.GREEK[count - 1]})"  # the exam class prints subsubparts α, β, γ
    return "-"


def _points(args: Sequence[Any]) -> str | None:
    """The points of `[5]` or `[2.5]` among the arguments; None when not a number."""
    for arg in args:
        if arg is None:
            continue
        text = arg.latex_verbatim()
        m = re.fullmatch(r"\[\s*(\d+(?:\.\d+)?)\s*\]", text)
        if m:
            return m[1]
    return None


def _args(node: Any) -> list[Any]:
    return list(node.nodeargd.argnlist) if node.nodeargd is not None else []


def _arg(node: Any, index: int) -> Any:
    args = [a for a in _args(node)]
    if not args:
        return None
    try:
        return args[index]
    except IndexError:
        return None


def _children(arg: Any) -> list[Any]:
    return list(getattr(arg, "nodelist", None) or [arg])


def _plain(cell: str) -> str:
    return re.sub(
        r"\s+", " ", cell.replace("\\textbf", "").replace("{", "").replace("}", "")
    ).strip()


def _groups_after(node: Any, following: Sequence[Any]) -> list[Any]:
    """The {groups} written right after a macro (its arguments, to LaTeX)."""
    groups: list[Any] = []
    end = node.pos + len(node.latex_verbatim())
    for arg in following:
        if not isinstance(arg, LatexGroupNode) or arg.pos != end:
            break
        groups.append(arg)
        end += len(arg.latex_verbatim())
    return groups


def _defines(node: Any) -> bool:
    return isinstance(node, LatexMacroNode) and node.macroname in _DEFINES


def _defined_name(node: Any) -> str | None:
    arg = _arg(node, 1)
    text = arg.latex_verbatim() if arg is not None else ""
    m = re.search(r"\\([A-Za-z@]+)", text)
    return m[1] if m else None


def _document_body(nodes: Sequence[Any]) -> Any:
    return next(
        (
            n
            for n in _all_nodes(nodes)
            if isinstance(n, LatexEnvironmentNode) and n.environmentname == "document"
        ),
        None,
    )


def _all_nodes(nodes: Sequence[Any]) -> Iterator[Any]:
    for node in nodes:
        if node is None:
            continue
        yield node
        if isinstance(node, LatexGroupNode | LatexEnvironmentNode):
            yield from _all_nodes(node.nodelist)


_MATH_ENVIRONMENTS = re.compile(
    r"^(?:equation|align|gather|multline|flalign|eqnarray|displaymath|math|split|cases|"
    r"[pbvBV]?matrix|alignat|aligned|gathered)$"
)


def _is_math(name: str) -> bool:
    return bool(_MATH_ENVIRONMENTS.match(name))


def _brace_notes(source: str) -> tuple[list[TexNote], list[int]]:
    """Braces that never close or close nothing (comments and \\{ \\} aside), and where
    the ones that never close are."""
    opened: list[tuple[int, int]] = []  # (position, line)
    notes = []
    line = 1
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == "%":
            end = source.find("\n", i)
            i = len(source) if end < 0 else end
            continue
        if char == "\n":
            line += 1
        elif char == "{":
            opened.append((i, line))
        elif char == "}":
            if opened:
                opened.pop()
            else:
                notes.append(
                    TexNote("a '}' closes no '{' here; the text around it may be misplaced", line)
                )
        i += 1
    notes += [
        TexNote("a '{' opened here is never closed; left out, so what follows reads as written", at)
        for _, at in opened
    ]
    return notes, [pos for pos, _ in opened]


_BEGIN_END = re.compile(r"\\(begin|end)\s*\{([^{}]+)\}")
_COMMENT = re.compile(r"(?<!\\)%.*")


def _environment_notes(source: str) -> list[TexNote]:
    """\\begin{X} never ended and \\end{X} ending nothing: a file that would not compile,
    read to its end all the same."""
    opened: list[tuple[str, int]] = []
    notes = []
    for number, line in enumerate(source.splitlines(), 1):
        for kind, name in _BEGIN_END.findall(_COMMENT.sub("", line)):
            if kind == "begin":
                opened.append((name, number))
            elif any(o == name for o, _ in opened):
                while opened.pop()[0] != name:
                    pass  # environments opened inside it and never ended: noted below too
            else:
                notes.append(TexNote(f"\\end{{{name}}} ends no \\begin{{{name}}}", number))
    notes += [
        TexNote(f"\\begin{{{name}}} is never ended; read to the end of the file", number)
        for name, number in opened
    ]
    return notes


def _without(source: str, positions: list[int]) -> str:
    """The source with the braces at `positions` made spaces (every other place unmoved): a
    group that never closes would otherwise take the rest of the document into itself."""
    chars = list(source)
    for pos in positions:
        chars[pos] = " "
    return "".join(chars)


_CONTEXTS: dict[frozenset[str], Any] = {}


class _CodeBody(VerbatimArgsParser):
    """A code environment's body, unread, up to its own '\\end{name}' (pylatexenc's verbatim
    parser looks for '\\end{verbatim}' whatever the environment's name)."""

    def __init__(self, name: str) -> None:
        super().__init__("verbatim-environment")
        self.name = name

    def parse_args(self, w: Any, pos: int, parsing_state: Any = None) -> Any:
        end = w.s.find(f"\\end{{{self.name}}}", pos)
        if end < 0:
            raise latexwalker.LatexWalkerParseError(
                s=w.s, pos=pos, msg=f"Cannot find matching \\end{{{self.name}}}"
            )
        body = w.make_node(
            LatexCharsNode, parsing_state=parsing_state, chars=w.s[pos:end], pos=pos, len=end - pos
        )
        return ParsedVerbatimArgs(verbatim_chars_node=body), pos, end - pos


def _db() -> Any:
    return latexwalker.get_default_latex_context_db()


def _context_db(verbatim: frozenset[str] = frozenset()) -> Any:
    """The parser's macros and environments, with `verbatim` (environments the paper declares
    as code, as fancyvrb's \\DefineVerbatimEnvironment does) read as verbatim."""
    if verbatim not in _CONTEXTS:
        db = latexwalker.get_default_latex_context_db()
        db.add_context_category(
            "gradewise-exam",
            prepend=True,
            macros=[
                *(MacroSpec(name, spec) for name, spec in _EXAM_MACROS.items()),
                # listings' inline code is verbatim, like \verb: '%' or '$' inside is code
                MacroSpec("lstinline", args_parser=VerbatimArgsParser("verb-macro")),
            ],
            environments=[
                *(EnvironmentSpec(name, spec) for name, spec in _EXAM_ENVIRONMENTS.items()),
                *(EnvironmentSpec(name, "", is_math_mode=True) for name in ("displaymath", "math")),
                *(EnvironmentSpec(name, args_parser=_CodeBody(name)) for name in sorted(verbatim)),
            ],
        )
        _CONTEXTS[verbatim] = db
    return _CONTEXTS[verbatim]


def read_latex(text: str, library: str = "") -> tuple[list[TexLine], list[TexNote]]:
    """The .tex source as drafter lines (with their source lines) and notes on what was odd;
    `library` holds the definitions of the files beside it (`macros.local_library`)."""
    text = flagged_options(text)  # '\\answer[correct]' options: the exam class's choices
    notes, unclosed = _brace_notes(text)
    expanded, stopped = expand_macros(_without(text, unclosed), library)
    notes += stopped
    lines, more = _Reader(expanded, library).read()
    notes += _environment_notes(text)
    return lines, sorted([*notes, *more], key=lambda n: n.line)
