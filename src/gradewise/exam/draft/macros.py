"""Expand the macros a LaTeX paper defines for itself before the exam class is read.

Authors wrap the exam class in their own names (`\\newcommand{\\ask}{\\question}`), pick
`\\question`, `\\part` or `\\subpart` by nesting depth through counters, `\\ifnum` and
`\\csname ... \\endcsname`, and write points through macros kept in a package beside the
paper (`\\usepackage{course}` with course.sty in the same folder). This module runs those
definitions the way TeX would, but only for macros that end in the exam class's structure
(questions, parts, choices, list items, environments) or in points: everything else is left
as written for `latex.py`. Every line stays where it was in the source, so each drafted value
still names its line.

Files beside the paper (packages, inputs, its own class) are read for definitions only,
from the paper's own folder (no path may leave it), a bounded number of them, each of bounded
size; a fragment without `\\documentclass` is read with the packages of the file beside it
that `\\input`s it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

_LETTER = re.compile(r"[A-Za-z@]")
_SPECIAL = re.compile(r"[\\%]")
_NAME = re.compile(r"[A-Za-z@]+")
_DEFINERS = {"newcommand", "renewcommand", "providecommand", "DeclareRobustCommand"}
_DEFS = {"def", "gdef", "edef", "xdef"}
_CS_DEFS = {"csdef", "csgdef", "csedef", "csxdef"}  # etoolbox: \csdef{name}<params>{body}
_ENVIRONMENT_DEFINERS = {"newenvironment", "renewenvironment"}
# xparse's definers: an argument specification ('m o O{2}') instead of a count.
_DOCUMENT_COMMANDS = {
    "NewDocumentCommand",
    "RenewDocumentCommand",
    "ProvideDocumentCommand",
    "DeclareDocumentCommand",
}
_LET = re.compile(r"\s*\\([A-Za-z@]+)\s*=?\s*\\([A-Za-z@]+)")
_COUNTERS = {"newcounter", "setcounter", "addtocounter", "stepcounter", "refstepcounter"}
# The exam class's own counters: the reader keeps count of them itself.
_EXAM_COUNTERS = {"question", "partno", "subpart", "subsubpart"}
# Names never taken from a definition: the structure the reader itself understands.
_RESERVED = frozenset(
    """
    question titledquestion bonusquestion bonustitledquestion part bonuspart subpart
    bonussubpart subsubpart choice CorrectChoice item begin end section subsection
    subsubsection paragraph input include usepackage RequirePackage documentclass
    """.split()
)
_RESERVED_ENVIRONMENTS = frozenset(
    """
    document questions parts subparts subsubparts choices checkboxes oneparchoices
    oneparcheckboxes solution enumerate itemize description verbatim lstlisting
    """.split()
)
# Environments a package names for one question ('examtronproblem', 'myquestion') or for a
# question's options ('examtronchoices'): the reader reads them by their name, so they are
# never expanded from their definitions (which print a heading and a box, not a question).
NAMED_QUESTION = re.compile(r"(?i)[a-z]*(?:problem|question|exercise)")
NAMED_CHOICES = re.compile(r"(?i)[a-z]*(?:choices|checkboxes)")
_VERBATIM = ("verbatim", "lstlisting", "minted", "Verbatim", "comment", "alltt")
# '\\DefineVerbatimEnvironment{Highlighting}{Verbatim}{...}' (fancyvrb, as pandoc writes R and
# Python chunks), '\\lstnewenvironment{code}': an environment the paper declares as code.
_DECLARED_VERBATIM = re.compile(
    r"\\(?:DefineVerbatimEnvironment|lstnewenvironment)\s*\{\s*([A-Za-z@]+\*?)\s*\}"
)


def declared_verbatim(source: str) -> frozenset[str]:
    """The environments `source` declares as code: their body is never LaTeX (a '$' or '%' in
    an R chunk must not open math or a comment)."""
    return frozenset(_DECLARED_VERBATIM.findall(source))


# What makes a definition worth expanding: the structure, or the points, it writes.
_STRUCTURE = re.compile(
    r"\\(?:question|titledquestion|bonusquestion|part|subpart|subsubpart|bonuspart|choice|"
    r"CorrectChoice|item|csname|csuse|csdef|csgdef)(?![A-Za-z])|\\(?:begin|end)\s*\{"
    r"|#\d[^#]{0,24}?(?:pts?|points?|marks?)\b",
)
_MAX_STEPS = 5000  # expansions in one document: past this a macro calls itself
_MAX_GROWTH = 100_000  # characters an expansion may add to the document
_MAX_FILES = 20
_MAX_FILE_BYTES = 512 * 1024
_MAX_DEPTH = 4


@dataclass(frozen=True)
class TexNote:
    """Something in a .tex the drafter could not read as written, at a source line."""

    text: str
    line: int


@dataclass(frozen=True)
class Definition:
    """A macro (or environment) as defined: its arguments and the text it stands for."""

    params: str  # a \\def's parameter text ('#1#2', '[#1]'); '' for \\newcommand
    nargs: int
    default: str | None  # the optional first argument's default (\\newcommand[n][default])
    body: str
    end: str = ""  # an environment's end code
    # xparse arguments in order: ('m', None) mandatory, ('o', default) optional (None when
    # it has none: xparse's -NoValue-), ('s', None) a star
    spec: tuple[tuple[str, str | None], ...] = ()


@dataclass
class _State:
    macros: dict[str, Definition] = field(default_factory=dict)
    environments: dict[str, Definition] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    answer_roles: dict[str, tuple[str, int] | None] = field(default_factory=dict)
    steps: int = 0
    stopped: bool = False
    notes: list[TexNote] = field(default_factory=list)
    verbatim: frozenset[str] = frozenset(_VERBATIM)  # environments whose body is code

    def structural(
        self, name: str, *, environment: bool = False, seen: frozenset[str] = frozenset()
    ) -> bool:
        """Whether the definition writes structure or points, itself or through others."""
        table = self.environments if environment else self.macros
        found = table.get(name)
        if found is None or name in seen:
            return False
        text = found.body + found.end
        if _STRUCTURE.search(text):
            return True
        seen = seen | {name}
        return any(
            self.structural(m, seen=seen) or self.answer_role(m) is not None
            for m in re.findall(r"\\([A-Za-z@]+)", text)
        )

    def answer_role(self, name: str) -> tuple[str, int] | None:
        """What a macro with a solution mode does with its arguments: ('shows', n) when
        argument n appears only in solution mode (the answer in a box), ('marks', n) when
        it appears in both but solution mode sets it apart (the right option), ('option', n)
        for a macro written as the unmarked branch of one that marks (a plain option)."""
        if name not in self.answer_roles:
            self.answer_roles[name] = self._answer_role(name)
        return self.answer_roles[name]

    def _answer_role(self, name: str) -> tuple[str, int] | None:
        found = self.macros.get(name)
        if found is None or found.nargs == 0:
            return None
        branches = _solution_branches(found.body)
        if branches is None:
            plain = _squeeze(found.body)
            return None if plain not in self._unmarked() else ("option", 0)
        answer, student = branches
        used = [n for n in range(found.nargs) if f"#{n + 1}" in answer]
        only = [n for n in used if f"#{n + 1}" not in student]
        if only:
            return "shows", only[-1]
        if used and _squeeze(answer) != _squeeze(student):
            return "marks", used[-1]
        return None

    def _unmarked(self) -> set[str]:
        """The student-mode text of the macros that mark a right option."""
        texts = set()
        for definition in self.macros.values():
            branches = _solution_branches(definition.body) if definition.nargs == 1 else None
            if branches is not None and "#1" in branches[0] and "#1" in branches[1]:
                texts.add(_squeeze(branches[1]))
        return texts


class _Expander:
    """One pass over a text: definitions and counters recorded, structural macros expanded.

    `hot_end` marks how much of the text's front came from an expansion: there conditionals,
    counters, `\\csname` and `\\@ifnextchar` are evaluated, as TeX would; in the author's own
    text they are left for the reader. In string mode (a `\\csname`'s name) everything is hot
    and every defined macro expands."""

    def __init__(self, state: _State, *, string: bool = False) -> None:
        self.state = state
        self.string = string
        self.out: list[str] = []
        self.written = 0
        self.limit = 0

    def run(self, text: str) -> str:
        self.text, self.i = text, 0
        self.limit = len(text) + _MAX_GROWTH
        self.hot_end = len(text) if self.string else 0
        while self.i < len(self.text):
            self._step()
        return "".join(self.out)

    @property
    def hot(self) -> bool:
        return self.i < self.hot_end

    def _line(self) -> int:
        return "".join(self.out).count("\n") + 1

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.written += len(text)

    def _copy(self, end: int) -> None:
        self._emit(self.text[self.i : end])
        self.i = end

    def _step(self) -> None:
        text, i = self.text, self.i
        char = text[i]
        if char == "%":
            end = text.find("\n", i)
            self._copy(len(text) if end < 0 else end + 1)
            return
        if char != "\\":
            nxt = _SPECIAL.search(text, i + 1)
            self._copy(nxt.start() if nxt else len(text))
            return
        name, end = _control(text, i)
        if self.state.stopped:
            self._copy(end)
            return
        handler = _HANDLERS.get(name)
        if handler is not None and handler(self, name, end):
            return
        if name.startswith("the") and self.hot and name[3:] in self.state.counters:
            self._emit(str(self.state.counters[name[3:]]))
            self.i = _skip_space(text, end)
            return
        if self._answer_box(name, end):
            return
        if self._expandable(name) and self._expand_macro(name, end):
            return
        self._copy(end)

    def _answer_box(self, name: str, end: int) -> bool:
        """A box or bubble that holds the answer in solution mode, written as the part's
        solution or as a (right) option."""
        role = self.state.answer_role(name)
        if role is None or name in _RESERVED:
            return False
        read = _read_arguments(self.text, end, self.state.macros[name])
        if read is None:
            return False
        kind, index = role
        value = read[0][index].strip()
        if not value:
            return False
        stop = read[1]
        unit = _UNIT.match(self.text, stop) if kind == "shows" else None
        if unit is not None:  # '... {1.3} Mbps.': the unit is the question's word, kept in it
            stop = unit.end()
        shown = {
            "shows": f"{unit[0].strip() if unit else ''}"
            f"\\begin{{solution}}{value}\\end{{solution}}\\par ",
            "marks": f"\\CorrectChoice {value}\\par ",
            "option": f"\\choice {value}\\par ",
        }[kind]
        self._replace(self.i, stop, shown)
        return True

    def _expandable(self, name: str) -> bool:
        if name not in self.state.macros or name in _RESERVED:
            return False
        return self.string or self.state.structural(name)

    # --- expansion ------------------------------------------------------------------------

    def _replace(self, start: int, end: int, replacement: str) -> None:
        """The text between start and end stands for `replacement`, read again (hot); the
        lines it took keep their count."""
        taken = self.text[start:end].count("\n")
        given = replacement.count("\n")
        if given > taken:
            parts = replacement.split("\n")
            replacement = "\n".join(parts[: taken + 1]) + " ".join(["", *parts[taken + 1 :]])
        elif given < taken:
            replacement += "%\n" * (taken - given)
        self.state.steps += 1
        size = self.written + start - self.i + len(replacement) + len(self.text) - end
        if self.state.steps > _MAX_STEPS or size > self.limit:
            self._stop(self.text[start:end])
            return
        self._emit(self.text[self.i : start])
        rest = self.text[end:]
        self.hot_end = len(replacement) + max(0, self.hot_end - end)
        self.text, self.i = replacement + rest, 0

    def _stop(self, what: str) -> None:
        if not self.state.stopped:
            self.state.stopped = True
            name = what.split("[", 1)[0].split("{", 1)[0].strip()
            self.state.notes.append(
                TexNote(
                    f"{name} stopped expanding after {_MAX_STEPS} steps (a macro that calls "
                    "itself?); the rest is read as written",
                    self._line(),
                )
            )

    def _expand_macro(self, name: str, end: int) -> bool:
        found = self.state.macros[name]
        read = _read_arguments(self.text, end, found)
        if read is None:
            return False
        args, after = read
        body = _xparse_branches(found.body, args) if found.spec else found.body
        self._replace(self.i, after, _substitute(body, [_shown(arg) for arg in args]))
        return True

    # --- handlers: return True when they took the control sequence -----------------------

    def _definition(self, name: str, end: int) -> bool:
        parsed = _parse_definition(self.text, end, name)
        if parsed is None:
            return False
        key, definition, after, environment = parsed
        table = self.state.environments if environment else self.state.macros
        if not (name == "providecommand" and key in table):
            table[key] = definition
        self._copy(after)
        return True

    def _document_command(self, name: str, end: int) -> bool:
        parsed = _parse_document_command(self.text, end)
        if parsed is None:
            return False
        key, definition, after = parsed
        if not (name == "ProvideDocumentCommand" and key in self.state.macros):
            self.state.macros[key] = definition
        self._copy(after)
        return True

    def _let(self, name: str, end: int) -> bool:
        """`\\let\\new\\old`: the meaning `\\old` has now (a structure name stays itself)."""
        found = _LET.match(self.text, end)
        if found is None:
            return False
        new, old = found[1], found[2]
        if old in self.state.macros:
            self.state.macros[new] = self.state.macros[old]
        elif old in _RESERVED:
            self.state.macros[new] = Definition("", 0, None, "\\" + old)
        else:
            return False
        self._copy(found.end())
        return True

    def _counter(self, name: str, end: int) -> bool:
        groups = _groups(self.text, end, 2 if name in ("setcounter", "addtocounter") else 1)
        if groups is None:
            return False
        values, after = groups
        counter = values[0].strip()
        counters = self.state.counters
        if name == "newcounter":
            counters.setdefault(counter, 0)
        elif name in ("stepcounter", "refstepcounter"):
            counters[counter] = counters.get(counter, 0) + 1
        else:
            number = self._number(values[1])
            if number is None:
                return False
            counters[counter] = number + (counters.get(counter, 0) if name == "addtocounter" else 0)
        if self.hot and counter not in _EXAM_COUNTERS:
            self.i = after  # written by an expansion: done, nothing to print
        else:
            self._copy(after)
        return True

    def _conditional(self, name: str, end: int) -> bool:
        if not self.hot:
            return False
        found = _conditional_branches(self.text, end, name, self._number)
        if found is None:
            return False
        chosen, after = found
        self._replace(self.i, after, chosen)
        return True

    def _ifthenelse(self, name: str, end: int) -> bool:
        """ifthen's `\\ifthenelse{test}{yes}{no}` where an expansion wrote it: tests
        `\\equal{a}{b}` and numbers or counters compared with <, = or >."""
        groups = _groups(self.text, end, 3) if self.hot else None
        if groups is None:
            return False
        (test, yes, no), after = groups
        truth = self._test(test.strip())
        if truth is None:
            return False
        self._replace(self.i, after, yes if truth else no)
        return True

    def _test(self, test: str) -> bool | None:
        if test.startswith("\\equal"):
            sides = _groups(test, len("\\equal"), 2)
            if sides is None or sides[1] != len(test):
                return None
            return self._string(sides[0][0]) == self._string(sides[0][1])
        compared = re.fullmatch(r"(.+?)\s*([<=>])\s*(.+)", test)
        if compared is None:
            return None
        left, right = self._number(compared[1]), self._number(compared[3])
        if left is None or right is None:
            return None
        return {"<": left < right, "=": left == right, ">": left > right}[compared[2]]

    def _csname(self, name: str, end: int) -> bool:
        if not self.hot:
            return False
        close = self.text.find("\\endcsname", end)
        if close < 0:
            return False
        self._call(self._string(self.text[end:close]), close + len("\\endcsname"))
        return True

    def _call(self, name: str, after: int) -> None:
        """Put the macro `name` where text[i:after] stood (a space after it before a letter)."""
        space = " " if _LETTER.match(self.text[after : after + 1]) else ""
        self._replace(self.i, after, "\\" + name + space)

    def _environment(self, name: str, end: int) -> bool:
        groups = _groups(self.text, end, 1)
        if groups is None:
            return False
        (raw,), after = groups
        env = self._string(raw) if self.hot and "\\" in raw else raw.strip()
        if env in self.state.verbatim and name == "begin":
            close = self.text.find(f"\\end{{{env}}}", after)
            self._copy(len(self.text) if close < 0 else close)
            return True
        definition = self.state.environments.get(env)
        if (
            definition is not None
            and env not in _RESERVED_ENVIRONMENTS
            and not (NAMED_QUESTION.fullmatch(env) or NAMED_CHOICES.fullmatch(env))
            and (self.string or self.state.structural(env, environment=True))
        ):
            if name == "end":
                self._replace(self.i, after, definition.end)
                return True
            read = _read_arguments(self.text, after, definition)
            if read is not None:
                self._replace(self.i, read[1], _substitute(definition.body, read[0]))
                return True
        if env != raw.strip():  # a name built by an expansion ('\\begin{\\level s}')
            self._emit(f"\\{name}{{{env}}}")
            self.i = after
            return True
        return False

    def _ifnextchar(self, name: str, end: int) -> bool:
        if not self.hot or end >= len(self.text):
            return False
        wanted = self.text[end]
        groups = _groups(self.text, end + 1, 2)
        if groups is None:
            return False
        (yes, no), after = groups
        following = self.text[_skip_space(self.text, after) :][:1]
        self._replace(self.i, after, yes if following == wanted else no)
        return True

    def _csdef(self, name: str, end: int) -> bool:
        """etoolbox's \\csdef{name}{body}: a name a control sequence can have is written as
        the \\newcommand (or, with parameters, the \\def) it is, so that it is read like one
        everywhere; any other ('points_1', built from a counter) is kept here for \\csuse and
        written nowhere."""
        named = self._name_group(end)
        if named is None:
            return False
        built, after = named
        start = _skip_blank(self.text, after)
        plain = self.text[start : start + 1] == "{"
        if _NAME.fullmatch(built):
            self._replace(
                self.i, after, f"\\newcommand{{\\{built}}}" if plain else f"\\def\\{built}"
            )
            return True
        body = _group(self.text, start) if plain else None
        if body is None:
            return False
        self.state.macros[built] = Definition("", 0, None, _clean_body(body[0]))
        self._replace(self.i, body[1], "")
        return True

    def _csuse(self, name: str, end: int) -> bool:
        """etoolbox's \\csuse{name}: the macro of that name (nothing, as in TeX, for a name
        never defined where an expansion wrote it; the author's own use is left as written)."""
        named = self._name_group(end)
        if named is None:
            return False
        built, after = named
        found = self.state.macros.get(built)
        if found is not None and found.nargs == 0:  # its text, also where a macro is not read
            self._replace(self.i, after, found.body)  # ('\\question[\\csuse{pts}]')
            return True
        if _NAME.fullmatch(built):
            self._call(built, after)
            return True
        if not self.hot:
            return False
        self._replace(self.i, after, "")
        return True

    def _name_group(self, end: int) -> tuple[str, int] | None:
        """The macro name in the {group} at text[end] (built as TeX would) and the group's
        end."""
        groups = _groups(self.text, end, 1)
        if groups is None:
            return None
        (raw,), after = groups
        built = self._string(raw) if "\\" in raw else raw.strip()
        return (built, after) if built else None

    def _nothing(self, name: str, end: int) -> bool:
        """\\relax, \\expandafter and the like: nothing to write where an expansion put them."""
        if not self.hot:
            return False
        self.i = end
        return True

    # --- values ----------------------------------------------------------------------------

    def _string(self, text: str) -> str:
        """A name as TeX builds it: every defined macro expanded, spaces dropped."""
        inner = _Expander(self.state, string=True)
        return re.sub(r"\s+", "", inner.run(text))

    def _number(self, text: str) -> int | None:
        value = self._string(text)
        counters = self.state.counters
        value = re.sub(r"\\value\{([^{}]*)\}", lambda m: str(counters.get(m[1], 0)), value)
        value = value.replace("\\relax", "")
        try:
            return int(value)
        except ValueError:
            return None


_HANDLERS = {
    **{name: _Expander._definition for name in (*_DEFINERS, *_DEFS, *_ENVIRONMENT_DEFINERS)},
    **{name: _Expander._document_command for name in _DOCUMENT_COMMANDS},
    **{name: _Expander._csdef for name in _CS_DEFS},
    **{name: _Expander._counter for name in _COUNTERS},
    "let": _Expander._let,
    "csuse": _Expander._csuse,
    **{name: _Expander._conditional for name in ("ifnum", "ifcase", "iftrue", "iffalse", "ifodd")},
    "csname": _Expander._csname,
    "ifthenelse": _Expander._ifthenelse,
    "begin": _Expander._environment,
    "end": _Expander._environment,
    "@ifnextchar": _Expander._ifnextchar,
    **{name: _Expander._nothing for name in ("relax", "expandafter", "protect", "ignorespaces")},
}


# Conditionals that choose what solution mode shows: \\ifprintanswers, \\ifkey,
# \\ifthenelse{\\equal{\\version}{solution}}, ...
# A few words after an answer box on its line, its unit ('Mbps.', 'metres per second').
_UNIT = re.compile(r"[ \t]*[^\\{}$%\n]{1,24}?[ \t]*(?=\n|$)")
_SOLUTION_WORD = re.compile(r"sol|answer|key|\bans", re.I)


def _solution_branches(body: str) -> tuple[str, str] | None:
    """(what solution mode shows, what students see) of a body that chooses between them."""
    found = re.search(r"\\ifthenelse\s*(?=\{)", body)
    if found is not None:
        groups = _groups(body, found.end(), 3)
        if groups is not None and _SOLUTION_WORD.search(groups[0][0]):
            return groups[0][1], groups[0][2]
        return None
    found = re.search(r"\\(if[A-Za-z@]+)(?![A-Za-z@])", body)
    if found is None or not _SOLUTION_WORD.search(found[1][2:]):
        return None
    branches, _ = _branches(body, found.end())
    return None if branches is None else (branches[0], branches[-1])


def _squeeze(text: str) -> str:
    """Text without its spaces and comment marks, to tell two bodies apart by what they do."""
    return re.sub(r"%|\s+", "", text)


# --- reading TeX's pieces -------------------------------------------------------------------


def _control(text: str, i: int) -> tuple[str, int]:
    """The control sequence at text[i] ('\\\\name' or '\\\\%'): its name and where it ends."""
    if i + 1 < len(text) and _LETTER.match(text[i + 1]):
        m = _NAME.match(text, i + 1)
        assert m is not None
        return m[0], m.end()
    return text[i + 1 : i + 2], min(i + 2, len(text))


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t":
        i += 1
    return i


def _skip_blank(text: str, i: int) -> int:
    """Spaces, one line end, and comments between a macro's pieces."""
    while i < len(text):
        if text[i] in " \t\n":
            i += 1
        elif text[i] == "%":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end + 1
        else:
            break
    return i


def _group(text: str, i: int) -> tuple[str, int] | None:
    """The text of the {group} at text[i] and where it ends; None when there is none."""
    if i >= len(text) or text[i] != "{":
        return None
    depth, j = 0, i
    while j < len(text):
        char = text[j]
        if char == "\\":
            j += 2
            continue
        if char == "%":
            end = text.find("\n", j)
            j = len(text) if end < 0 else end + 1
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1 : j], j + 1
        j += 1
    return None


def _groups(text: str, i: int, count: int) -> tuple[list[str], int] | None:
    values = []
    for _ in range(count):
        found = _group(text, _skip_space(text, i))
        if found is None:
            return None
        values.append(found[0])
        i = found[1]
    return values, i


def _optional(text: str, i: int) -> tuple[str, int] | None:
    """The [argument] at text[i] (braces inside kept whole) and where it ends."""
    if i >= len(text) or text[i] != "[":
        return None
    depth, j = 0, i + 1
    while j < len(text):
        char = text[j]
        if char == "\\":
            j += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "]" and depth == 0:
            return text[i + 1 : j], j + 1
        j += 1
    return None


def _token(text: str, i: int) -> tuple[str, int] | None:
    """One undelimited argument: a {group}'s text, a control sequence or one character."""
    i = _skip_blank(text, i)
    if i >= len(text) or text[i] == "}":
        return None
    if text[i] == "{":
        return _group(text, i)
    if text[i] == "\\":
        _, end = _control(text, i)
        return text[i:end], end
    return text[i], i + 1


def _read_arguments(text: str, i: int, found: Definition) -> tuple[list[str], int] | None:
    """The arguments a use of the macro takes from the text after it, and where they end."""
    args: list[str] = []
    if found.params:
        return _read_params(text, i, found.params)
    if found.spec:
        return _read_spec(text, i, found.spec)
    count = found.nargs
    if found.default is not None:
        given = _optional(text, _skip_space(text, i))
        if given is not None:
            args.append(given[0])
            i = given[1]
        else:
            args.append(found.default)
        count -= 1
    for _ in range(max(count, 0)):
        token = _token(text, i)
        if token is None:
            return None
        args.append(token[0])
        i = token[1]
    return args, i


def _read_spec(
    text: str, i: int, spec: tuple[tuple[str, str | None], ...]
) -> tuple[list[str], int] | None:
    """Arguments by an xparse specification: mandatory ones, then [optional] ones or their
    defaults."""
    args: list[str] = []
    for kind, default in spec:
        if kind == "m":
            token = _token(text, i)
            if token is None:
                return None
            args.append(token[0])
            i = token[1]
            continue
        if kind == "s":
            star = text.startswith("*", _skip_space(text, i))
            args.append(_BOOLEAN_TRUE if star else _BOOLEAN_FALSE)
            i = _skip_space(text, i) + 1 if star else i
            continue
        given = _optional(text, _skip_space(text, i))
        absent = _NO_VALUE if default is None else default
        args.append(absent if given is None else given[0])
        i = i if given is None else given[1]
    return args, i


# xparse's markers for an optional argument not given and a star given or not: tested by
# \IfValueTF and \IfBooleanTF, written as nothing anywhere else.
_NO_VALUE = "\x00-NoValue-"
_BOOLEAN_TRUE = "\x00BooleanTrue"
_BOOLEAN_FALSE = "\x00BooleanFalse"
_XPARSE_TEST = re.compile(r"\\(IfValue|IfNoValue|IfBoolean)(TF|T|F)\s*\{\s*#(\d)\s*\}")


def _xparse_branches(body: str, args: list[str]) -> str:
    """The body of a `\\NewDocumentCommand` with its `\\IfValueTF{#1}{..}{..}`,
    `\\IfNoValueT`, `\\IfBooleanF` ... tests on its arguments decided for this use."""
    while (found := _XPARSE_TEST.search(body)) is not None:
        index = int(found[3]) - 1
        value = args[index] if 0 <= index < len(args) else _NO_VALUE
        truth = {
            "IfValue": value != _NO_VALUE,
            "IfNoValue": value == _NO_VALUE,
            "IfBoolean": value == _BOOLEAN_TRUE,
        }[found[1]]
        branches = found[2]
        groups = _groups(body, found.end(), len(branches))
        if groups is None:
            return body  # a branch never closed: kept as written
        taken = dict(zip(branches, groups[0], strict=True))
        chosen = taken.get("T", "") if truth else taken.get("F", "")
        body = body[: found.start()] + chosen + body[groups[1] :]
    return body


def _shown(arg: str) -> str:
    """An argument as its #n writes it: the xparse markers as nothing."""
    return "" if arg in (_NO_VALUE, _BOOLEAN_TRUE, _BOOLEAN_FALSE) else arg


def _parse_spec(text: str) -> tuple[tuple[str, str | None], ...] | None:
    """'s m o O{2}' as ((s, None), (m, None), (o, None), (o, '2')); None for kinds not read
    here (d, r, g, ...)."""
    spec: list[tuple[str, str | None]] = []
    i = _skip_blank(text, 0)
    while i < len(text):
        kind = text[i].lstrip("+")
        if kind in ("m", "o", "s"):
            spec.append((kind, None))
            i += 1
        elif kind == "O" and (default := _group(text, _skip_blank(text, i + 1))) is not None:
            spec.append(("o", default[0]))
            i = default[1]
        elif text[i] != "+":
            return None
        else:
            i += 1
        i = _skip_blank(text, i)
    return tuple(spec)


def _parse_document_command(text: str, i: int) -> tuple[str, Definition, int] | None:
    """(defined name, definition, end) of `\\NewDocumentCommand{\\name}{spec}{body}`."""
    i = _skip_blank(text, i)
    if text.startswith("{", i):
        named = _group(text, i)
        if named is None:
            return None
        defined, i = named[0].strip().lstrip("\\"), named[1]
    elif text.startswith("\\", i):
        defined, i = _control(text, i)
    else:
        return None
    groups = _groups(text, _skip_blank(text, i), 1)
    spec = _parse_spec(groups[0][0]) if groups is not None else None
    body = _group(text, _skip_blank(text, groups[1])) if groups is not None else None
    if spec is None or body is None or groups is None:
        return None
    definition = Definition("", len(spec), None, _clean_body(body[0]), spec=spec)
    return defined, definition, body[1]


def _read_params(text: str, i: int, params: str) -> tuple[list[str], int] | None:
    """Arguments by a \\def's parameter text: '#1#2' undelimited, '[#1]' delimited by ']'."""
    pieces = re.split(r"(#\d)", params)
    args: list[str] = []
    for index, piece in enumerate(pieces):
        if not piece.startswith("#"):
            if not text.startswith(piece, i):
                return None
            i += len(piece)
            continue
        delimiter = pieces[index + 1] if index + 1 < len(pieces) else ""
        if not delimiter:
            token = _token(text, i)
            if token is None:
                return None
            args.append(token[0])
            i = token[1]
            continue
        end = _find_at_level(text, i, delimiter)
        if end is None:
            return None
        value = text[i:end]
        inner = _group(value, 0) if value.startswith("{") else None
        args.append(inner[0] if inner is not None and inner[1] == len(value) else value)
        i = end
    return args, i


def _find_at_level(text: str, i: int, delimiter: str) -> int | None:
    depth = 0
    while i < len(text):
        if depth == 0 and text.startswith(delimiter, i):
            return i
        char = text[i]
        if char == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return None
        i += 1
    return None


def _substitute(body: str, args: list[str]) -> str:
    # An argument as TeX read it: its comments gone with their line ends (kept, a '%' put
    # into a body written on one line would take the rest of the body with it).
    args = [re.sub(r"(?<!\\)%[^\n]*\n?[ \t]*", "", arg) for arg in args]

    def put(m: re.Match[str]) -> str:
        if m[0] == "##":
            return "#"
        index = int(m[0][1]) - 1
        return args[index] if index < len(args) else ""

    return re.sub(r"##|#\d", put, body)


def _clean_body(body: str) -> str:
    """A definition's text as TeX reads it: comments and their line ends gone, a blank line
    a paragraph, other line ends spaces (so an expansion never moves the lines after it)."""
    body = re.sub(r"(?<!\\)%[^\n]*\n[ \t]*", "", body)
    body = re.sub(r"\n[ \t]*\n\s*", lambda _m: " \\par ", body)
    return body.replace("\n", " ")


def _parse_definition(text: str, i: int, name: str) -> tuple[str, Definition, int, bool] | None:
    """(defined name, definition, end, is an environment) of the definition at text[i]."""
    i = _skip_blank(text, i)
    if name in _DEFS:
        if i >= len(text) or text[i] != "\\":
            return None
        defined, i = _control(text, i)
        brace = text.find("{", i)
        if brace < 0:
            return None
        params = text[i:brace].strip()
        body = _group(text, brace)
        if body is None or not re.fullmatch(r"[^{}%\\]*", params):
            return None
        nargs = len(re.findall(r"#\d", params))
        return defined, Definition(params, nargs, None, _clean_body(body[0])), body[1], False
    if i < len(text) and text[i] == "*":
        i = _skip_blank(text, i + 1)
    environment = name in _ENVIRONMENT_DEFINERS
    if i < len(text) and text[i] == "{":
        named = _group(text, i)
        if named is None:
            return None
        defined, i = named[0].strip().lstrip("\\"), named[1]
    elif i < len(text) and text[i] == "\\" and not environment:
        defined, i = _control(text, i)
    else:
        return None
    nargs, default = 0, None
    i = _skip_blank(text, i)
    if (count := _optional(text, i)) is not None:
        nargs = int(count[0]) if count[0].strip().isdigit() else 0
        i = _skip_blank(text, count[1])
        if (given := _optional(text, i)) is not None:
            default, i = given[0], _skip_blank(text, given[1])
    body = _group(text, i)
    if body is None:
        return None
    end_code = ""
    after = body[1]
    if environment:
        ending = _group(text, _skip_blank(text, after))
        if ending is None:
            return None
        end_code, after = _clean_body(ending[0]), ending[1]
    definition = Definition("", nargs, default, _clean_body(body[0]), end_code)
    return defined, definition, after, environment


_DEF = re.compile(r"\\[gex]?def(?![A-Za-z@])")


def tex_defs(text: str) -> dict[str, Definition]:
    """The macros `\\def`ined in a text (`\\def\\half#1{#1/2}`), by name."""
    found = {}
    for m in _DEF.finditer(text):
        if (parsed := _parse_definition(text, m.end(), "def")) is not None:
            found[parsed[0]] = parsed[1]
    return found


_NUMBER = r"-?\d+|\\value\{[^{}]*\}|\\[A-Za-z@]+"
_IFNUM = re.compile(rf"\s*({_NUMBER})\s*([<=>])\s*({_NUMBER})\s?(?:\\relax(?![A-Za-z@]))?")
_ONE_NUMBER = re.compile(rf"\s*({_NUMBER})\s?(?:\\relax(?![A-Za-z@]))?")


def _conditional_branches(
    text: str, i: int, name: str, number: Callable[[str], int | None]
) -> tuple[str, int] | None:
    """The branch a conditional takes and where its \\fi ends; None when it cannot be told
    (\\ifnum, \\ifodd, \\ifcase on numbers and counters, \\iftrue, \\iffalse)."""
    truth: bool | None = None
    value: int | None = None
    if name in ("iftrue", "iffalse"):
        truth = name == "iftrue"
    elif name == "ifnum" and (cond := _IFNUM.match(text, i)) is not None:
        left, right = number(cond[1]), number(cond[3])
        if left is not None and right is not None:
            truth = {"<": left < right, "=": left == right, ">": left > right}[cond[2]]
            i = cond.end()
    elif (cond := _ONE_NUMBER.match(text, i)) is not None and name in ("ifodd", "ifcase"):
        value = number(cond[1])
        if value is not None:
            i = cond.end()
            truth = bool(value % 2) if name == "ifodd" else None
    if truth is None and value is None:
        return None
    branches, after = _branches(text, i, case=name == "ifcase")
    if branches is None:
        return None
    if name == "ifcase":
        assert value is not None
        return (branches[value] if 0 <= value < len(branches) - 1 else branches[-1]), after
    return (branches[0] if truth else branches[-1]), after


_IF = re.compile(r"\\(if[A-Za-z@]*|else|or|fi)(?![A-Za-z@])")


def _branches(text: str, i: int, *, case: bool = False) -> tuple[list[str] | None, int]:
    """The branches up to the matching \\fi: [then, else] (or \\ifcase's cases, then the
    \\else case, '' when none) and where the \\fi ends."""
    depth, start, branches = 0, i, []
    has_else = False
    for m in _IF.finditer(text, i):
        word = m[1]
        if word.startswith("if") and word != "ifthenelse":
            depth += 1
        elif word == "fi":
            if depth == 0:
                branches.append(text[start : m.start()])
                if not has_else:
                    branches.append("")  # no \\else: nothing when the test fails
                return branches, m.end()
            depth -= 1
        elif depth == 0 and (word == "else" or (word == "or" and case)):
            branches.append(text[start : m.start()])
            start = m.end()
            has_else = has_else or word == "else"
    return None, i


# --- sectioning titled by titlesec -------------------------------------------------------------

_TITLEFORMAT = re.compile(
    r"\\titleformat\s*\{?\s*\\(section|subsection|subsubsection)\s*\}?\s*(?:\[[^\]]*\])?"
)


def title_labels(text: str) -> dict[str, str]:
    """The label titlesec's `\\titleformat{\\section}[shape]{format}{label}...` writes before
    each numbered heading ('Problem \\arabic{section}'), by sectioning command."""
    text = re.sub(r"(?<!\\)%[^\n]*", "", text)
    labels = {}
    for found in _TITLEFORMAT.finditer(text):
        groups = _groups(text, found.end(), 2)
        if groups is not None:
            labels[found[1]] = groups[0][1]
    return labels


# How LaTeX prints a counter: \arabic, \alph, \Alph, \roman, \Roman.
COUNTER_STYLES: dict[str, Callable[[int], str]] = {
    "arabic": str,
    "alph": lambda n: chr(ord("a") + n - 1) if 1 <= n <= 26 else str(n),
    "Alph": lambda n: chr(ord("A") + n - 1) if 1 <= n <= 26 else str(n),
    "roman": lambda n: _roman(n).lower(),
    "Roman": lambda n: _roman(n),
}


def label_text(label: str, counters: dict[str, int]) -> str:
    """A heading's label as the reader sees it: counters written out ('\\arabic{section}',
    '\\thesection'), formatting commands and braces gone."""

    def styled(m: re.Match[str]) -> str:
        return COUNTER_STYLES[m[1]](counters.get(m[2], 0))

    label = re.sub(r"\\(arabic|alph|Alph|roman|Roman)\s*\{(\w+)\}", styled, label)
    label = re.sub(r"\\the(\w+)", lambda m: str(counters.get(m[1], m[0])), label)
    label = re.sub(r"\\[A-Za-z@]+\*?|[{}~]", " ", label)
    return re.sub(r"\s+", " ", label).strip()


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


# --- files beside the paper -----------------------------------------------------------------

_INCLUDES = re.compile(
    r"\\(usepackage|RequirePackage|input|include|documentclass|LoadClass|LoadClassWithOptions)"
    r"\s*(?:\[[^\]]*\])?\s*\{([^{}]*)\}"
)
_SUFFIXES = {"usepackage": ".sty", "RequirePackage": ".sty", "input": ".tex", "include": ".tex"}
_SAFE_PATH = re.compile(r"(?:\.\./){0,3}[A-Za-z0-9_.-]+")  # 'course', '../course'


def local_library(path: Path) -> str:
    """The definitions text of the files beside the paper that it loads (its class,
    `\\documentclass{c}` with c.cls there, and the class that loads, `\\LoadClass{d}`;
    `\\usepackage{x}` with x.sty there, `\\input{y}`), and of those they load, in loading
    order. A fragment without `\\documentclass` brings in the files its main file (beside it,
    `\\input`ing it) loads, and that file's own preamble."""
    folder = path.parent
    seen = {str(path.resolve())}
    texts: list[str] = []
    source = _read_small(path) or ""
    if "\\documentclass" not in source:
        for main in _mains(folder, path):
            seen.add(str(main.resolve()))
            _load(main, folder, seen, texts, depth=0)
            preamble = (_read_small(main) or "").split("\\begin{document}", 1)[0]
            texts.append(preamble)  # its questions are not the fragment's
    _load(path, folder, seen, texts, depth=0)
    return "\n".join(texts)


def _load(path: Path, folder: Path, seen: set[str], texts: list[str], *, depth: int) -> None:
    text = _read_small(path)
    if text is None or depth > _MAX_DEPTH:
        return
    text = re.sub(r"(?<!\\)%[^\n]*", "", text)
    for kind, names in _INCLUDES.findall(text):
        for name in (n.strip() for n in names.split(",")):
            suffix = _SUFFIXES.get(kind, ".cls")  # a class of the author's own beside the paper
            if not _SAFE_PATH.fullmatch(name) or name.rsplit("/", 1)[-1] in ("", ".", ".."):
                continue  # only files beside the paper, or in a folder above it ('../x')
            file_name = name if name.endswith((".tex", ".sty", ".cls")) else name + suffix
            target = _found(folder, file_name, package=kind not in ("input", "include"))
            if len(seen) >= _MAX_FILES or target is None:
                continue
            if (key := str(target.resolve())) in seen:
                continue
            seen.add(key)
            _load(target, folder, seen, texts, depth=depth + 1)
            texts.append(_read_small(target) or "")


def _found(folder: Path, file_name: str, *, package: bool) -> Path | None:
    """The file beside the paper; a package or class not there is looked for in the folders
    above it, nearest first, as a course's shared `.sty` is found by `TEXINPUTS=..:`."""
    above = [folder.joinpath(*[".."] * up) for up in range(1, 4)] if package else []
    if "/" in file_name:
        above = []  # a path of its own ('../course'): only where it says
    return next((f / file_name for f in [folder, *above] if _beside(f / file_name, folder)), None)


def _beside(target: Path, folder: Path) -> bool:
    """A file in the paper's folder or a folder above it (`\\usepackage{../course}`), also
    once links are followed: never one elsewhere."""
    try:
        if not target.is_file():
            return False
        where, here = target.resolve().parent, folder.resolve()
    except OSError:
        return False
    return where == here or where in here.parents


def _mains(folder: Path, fragment: Path) -> list[Path]:
    """The .tex files beside a fragment that \\input or \\include it."""
    found = []
    for candidate in sorted(folder.glob("*.tex"))[:50]:
        if candidate == fragment:
            continue
        text = _read_small(candidate) or ""
        for kind, names in _INCLUDES.findall(text):
            if kind in ("input", "include") and fragment.stem in (
                n.strip().removesuffix(".tex") for n in names.split(",")
            ):
                found.append(candidate)
                break
    return found


def _read_small(path: Path) -> str | None:
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    from gradewise.exam.draft.documents import decode_text

    return decode_text(data)


# --- the whole -----------------------------------------------------------------------------


def expand_macros(source: str, library: str = "") -> tuple[str, list[TexNote]]:
    """The source with its structural macros expanded (lines unmoved), after reading the
    definitions and counters of `library` (the files beside it); notes on what stopped."""
    state = _State(verbatim=frozenset(_VERBATIM) | declared_verbatim(library + "\n" + source))
    _Expander(state).run(library)
    state.notes.clear()  # what went wrong in a package is not the paper's to report
    state.stopped = False
    state.steps = 0
    text = _Expander(state).run(source)
    return text, state.notes
