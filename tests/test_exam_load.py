"""The exam file: valid files become the expected Exam; each mistake is one line with a fix."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from gradewise.checkers.registry import Registry, SimpleChecker
from gradewise.errors import ExamError, KeyParamsError
from gradewise.exam import (
    CURRENT_VERSION,
    UPGRADES,
    exam_warnings,
    load_exam,
    load_exam_text,
)
from gradewise.exam import load as load_module
from gradewise.model import Key, Outcome, Status

FIXTURES = Path(__file__).parent / "fixtures" / "exams"


class _PassThrough(SimpleChecker):
    """Accepts any params: these tests are about the loader, not the checkers' own rules."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def check(self, answer: str, key: Key) -> Outcome:
        return Outcome(Status.NEEDS_REVIEW)


@pytest.fixture(autouse=True)
def passthrough(monkeypatch):
    reg = Registry()
    for kind in ("choice", "truefalse", "numeric", "expression"):
        reg.register(_PassThrough(kind))
    monkeypatch.setattr(load_module, "registry", lambda: reg)


@pytest.fixture
def full():
    return load_exam(FIXTURES / "full.yaml")


def _text(body: str) -> str:
    return textwrap.dedent(body).lstrip("\n")


# --- valid files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address,attribute,expected",
    [
        # a question without parts is its own part, addressed SECTION.QUESTION; `id: 7` is "7"
        ("I.7", "label", "7"),
        ("I.7", "marks", 5.0),
        ("I.7", "key", None),
        # rubric criteria with numeric checks; `where` defaults to final
        ("I.7", "rubric.0.check", Key("numeric", {"value": 40}, "final")),
        ("I.7", "rubric.1.check.where", "anywhere"),
        # a choice key keeps its params, without `kind` and `where`
        (
            "I.8",
            "key.params",
            {
                "options": {"a": "ReLU", "b": "tanh", "c": "sigmoid"},
                "correct": ["b"],
                "policy": "all-or-nothing",
            },
        ),
        # a truefalse key; `kind:` written on the part agrees with it; marks may be fractional
        ("I.9", "key", Key("truefalse", {"value": False})),
        ("I.9", "marks", 1.5),
        # an expression key gets the exam's log_base convention; LaTeX in single quotes is kept
        (
            "I.10",
            "key.params",
            {"value": "\\frac{1}{x \\ln 10}", "variables": ["x"], "log_base": 10},
        ),
        ("I.10", "review_below", 0.9),
        # a part of a question with parts: address SECTION.QUESTION.PART, label the part id
        ("II.4.a", "label", "a"),
        ("II.4.a", "key.params.tol", {"abs": 0.01}),
        (
            "II.4.a",
            "compute",
            "w = 5.0; out = []\nfor _ in range(2):\n"
            "    w -= 0.1 * (2 * w + 2); out.append(w)\nresult = out\n",
        ),
        # a text part: no key, reference and guidance kept; groups and deductions in the rubric
        ("II.4.b", "kind", "text"),
        ("II.4.b", "guidance", "Accept any step below 1."),
        ("II.4.b", "rubric.0.group", "step"),
        ("II.4.b", "rubric.2.marks", -1.0),
        # the default review threshold
        ("II.5", "review_below", 0.8),
    ],
)
def test_full_exam_parts(full, address, attribute, expected):
    value: Any = full.part(address)
    for step in attribute.split("."):
        if step.isdigit():
            value = value[int(step)]
        elif isinstance(value, Mapping):
            value = value[step]
        else:
            value = getattr(value, step)
    assert value == expected


def test_full_exam_loads_with_the_real_checkers(monkeypatch):
    # the built-in checkers accept every key form the design shows
    monkeypatch.undo()
    exam = load_exam(FIXTURES / "full.yaml")
    assert [p.kind for p in exam.parts()] == [
        "text",
        "choice",
        "truefalse",
        "expression",
        "numeric",
        "text",
        "text",
    ]


def test_full_exam_totals(full):
    assert (full.id, full.title, full.schema_version) == (
        "ml-final-2024",
        "Machine Learning — Final",
        1,
    )
    assert full.conventions == {"log_base": 10}
    section = full.sections[1]
    # best 1 of questions worth 11 and 4: the section is worth 11
    assert (section.rule.best, section.marks) == (1, 11)
    assert [q.id for q in section.questions] == ["4", "5"]
    assert full.marks == 5 + 2 + 1.5 + 3 + 11


STARTER = """
schema_version: 1
exam: {id: e, title: E}
sections:
  - id: A
    title: A
    questions:
"""


@pytest.mark.parametrize(
    "questions,address,attribute,expected",
    [
        # an expression key that sets its own log_base keeps it over the convention
        (
            "- {id: 1, marks: 1, key: {kind: expression, value: 'log(x)', log_base: e}}",
            "A.1",
            "key",
            Key("expression", {"value": "log(x)", "log_base": "e"}),
        ),
        # a question's marks, when given, may equal the sum of its parts
        (
            "- {id: q, marks: 3, parts: [{id: a, marks: 1}, {id: b, marks: 2}]}",
            "A.q.b",
            "marks",
            2.0,
        ),
        # a float id reads as its text
        ("- {id: 1.5, marks: 1}", "A.1.5", "label", "1.5"),
        # double-quoted text without LaTeX escapes is fine, and so is a plain newline escape
        (
            '- {id: 1, marks: 1, prompt: "line one\\nline two"}',
            "A.1",
            "prompt",
            "line one\nline two",
        ),
        # code in double quotes may start a line with `nu`: only text is checked for LaTeX escapes
        (
            '- {id: 1, marks: 1, compute: "nu = 2\\nu = nu + 1\\nresult = u"}',
            "A.1",
            "compute",
            "nu = 2\nu = nu + 1\nresult = u",
        ),
        # a question-level prompt is the prompt of its only part
        ("- {id: 1, marks: 1, prompt: Why?, kind: text}", "A.1", "prompt", "Why?"),
    ],
)
def test_small_valid_exams(questions, address, attribute, expected):
    text = _text(STARTER) + textwrap.indent(questions, "      ") + "\n"
    conventions = "conventions: {log_base: 10}\n"
    exam = load_exam_text(text.replace("sections:", conventions + "sections:"))
    assert getattr(exam.part(address), attribute) == expected


# --- errors: one line, the right line number, a fix ----------------------------------------

BASE = """
schema_version: 1
exam: {id: e, title: E}
sections:
  - id: I
    title: Short
    questions:
      - id: "1"
        marks: 2
        key: {kind: numeric, value: 40}
      - id: "2"
        marks: 3
        parts:
          - id: a
            marks: 1
            rubric:
              - {id: r1, text: "right", marks: 1}
          - id: b
            marks: 2
"""


def _edit(old: str, new: str) -> str:
    base = _text(BASE)
    assert old in base, old
    return base.replace(old, new, 1)


ERRORS = [
    # malformed YAML: a tab used for indentation
    (_edit("        marks: 2\n", "\tmarks: 2\n"), 8, "spaces, not tabs"),
    # malformed YAML: an unclosed flow sequence
    (_edit("value: 40}", "value: [40}"), 9, "invalid YAML"),
    # malformed YAML: text with ": " not in quotes
    (_edit("title: Short", "title: Short: answers"), 5, "in quotes"),
    # malformed YAML: a key written twice in one mapping
    (_edit("        marks: 2\n", "        marks: 2\n        marks: 3\n"), 9, "duplicate key"),
    # malformed YAML: a key written as a list (a crash once; the fuzz test found it)
    (_edit("        marks: 2\n", "        marks: 2\n        [?]: 3\n"), 9, "a key that is a list"),
    # LaTeX in double quotes with an unknown escape
    (_edit("title: Short", 'title: "\\sigma"'), 5, "single quotes"),
    # LaTeX in double quotes that YAML silently reads as an escape (\f = form feed)
    (_edit("value: 40}", 'value: "\\frac{1}{2}"}'), 9, "YAML escape"),
    # ... and \t: "\theta" would become a tab and "heta"
    (_edit("title: Short", 'title: "angle \\theta"'), 5, "single quotes"),
    # unknown fields, with the closest valid name
    (_edit("sections:", "section:"), 3, "did you mean 'sections'"),
    (_edit("exam: {id: e, title: E}", "exam: {id: e, titel: E}"), 2, "did you mean 'title'"),
    (_edit("    title: Short", "    titel: Short"), 5, "did you mean 'title'"),
    (_edit('      - id: "1"\n', '      - id: "1"\n        promt: x\n'), 8, "did you mean 'prompt'"),
    (
        _edit("            marks: 1\n", "            marks: 1\n            refrence: x\n"),
        15,
        "did you mean 'reference'",
    ),
    (_edit('text: "right", marks: 1', 'text: "right", mark: 1'), 16, "did you mean 'marks'"),
    # an unknown field with nothing close lists the valid ones
    (
        _edit("    title: Short", "    title: Short\n    zzz: 1"),
        6,
        "the fields here are: id, title",
    ),
    # unknown kinds: in a key, a criterion's check, a part's kind; the known kinds are listed
    (_edit("kind: numeric", "kind: colour"), 9, "use one of: choice"),
    (_edit("marks: 1}", "marks: 1, check: {kind: colour}}"), 16, "unknown kind 'colour'"),
    (
        _edit("            marks: 1\n", "            marks: 1\n            kind: colour\n"),
        15,
        "text",
    ),
    # a near-miss kind gets a suggestion
    (_edit("kind: numeric", "kind: numerc"), 9, "did you mean 'numeric'"),
    # a part's kind that disagrees with its key, or names a keyed kind without a key
    (
        _edit("        marks: 2\n", "        marks: 2\n        kind: choice\n"),
        9,
        "its key is numeric",
    ),
    (
        _edit("          - id: b\n", "          - id: b\n            kind: numeric\n"),
        18,
        "has no key",
    ),
    # duplicate ids, naming the first occurrence's line
    (
        _text(BASE) + "  - id: I\n    title: Again\n    questions: [{id: 9, marks: 1}]\n",
        19,
        "first used on line 4",
    ),
    (_edit('- id: "2"', '- id: "1"'), 10, "first used on line 7"),
    (_edit("- id: b", "- id: a"), 17, "first used on line 13"),
    (
        _edit(
            '{id: r1, text: "right", marks: 1}',
            '{id: r1, text: "right", marks: 1}\n              - {id: r1, text: x, marks: 1}',
        ),
        17,
        "first used on line 16",
    ),
    # a question's marks that contradict its parts
    (_edit("        marks: 3\n", "        marks: 4\n"), 11, "add up to 3 (1 + 2)"),
    # missing required fields
    (_edit("    title: Short\n", ""), 4, "has no 'title'"),
    (
        _edit("          - id: b\n            marks: 2\n", "          - id: b\n"),
        17,
        "has no 'marks'",
    ),
    (_edit('{id: r1, text: "right", marks: 1}', "{id: r1, marks: 1}"), 16, "has no 'text'"),
    (_edit("exam: {id: e, title: E}\n", ""), 1, "add 'exam:"),
    # an empty id
    (_edit('- id: "2"', '- id: ""'), 10, "'id' in question I.? is empty"),
    # a question without parts needs marks
    (_edit('      - id: "1"\n        marks: 2\n', '      - id: "1"\n'), 7, "has no marks"),
    # marks that are not numbers, or not positive
    (_edit("        marks: 2\n", "        marks: five\n"), 8, "must be a number, not 'five'"),
    (_edit("        marks: 2\n", '        marks: "2"\n'), 8, "must be a number"),
    (_edit("        marks: 2\n", "        marks: true\n"), 8, "must be a number"),
    (_edit("            marks: 1\n", "            marks: 0\n"), 14, "more than 0"),
    (_edit('"right", marks: 1', '"right", marks: 0'), 16, "must not be zero"),
    # a best-k rule asking for more questions than the section has
    (
        _edit("    title: Short\n", "    title: Short\n    rule: {best: 3}\n"),
        6,
        "best 3 questions but has 2",
    ),
    (_edit("    title: Short\n", "    title: Short\n    rule: {best: 0}\n"), 6, "'best'"),
    # a question with parts that sets a part's field itself
    (
        _edit("        marks: 3\n", "        marks: 3\n        key: {kind: numeric, value: 1}\n"),
        12,
        "belongs to one of them",
    ),
    # wrong container types
    (_text(STARTER).replace("questions:", "questions: 5"), 6, "must be a list"),
    (_edit("exam: {id: e, title: E}", "exam: e"), 2, "must be a mapping"),
    (_text(STARTER).replace("questions:", "questions: []"), 6, "'questions' in section A is empty"),
    # conventions and thresholds out of range
    (_edit("sections:", "conventions: {log_base: 3}\nsections:"), 3, "log_base"),
    (
        _edit("            marks: 1\n", "            marks: 1\n            review_below: 2\n"),
        15,
        "review_below",
    ),
    # schema_version: missing, newer, not a number, older with no upgrade
    (_edit("schema_version: 1\n", ""), 1, "add 'schema_version: 1'"),
    (_edit("schema_version: 1", "schema_version: 2"), 1, "written by a newer gradewise"),
    (_edit("schema_version: 1", 'schema_version: "1"'), 1, "whole number"),
    (_edit("schema_version: 1", "schema_version: 0"), 1, "schema_version 0 is not supported"),
    # a file that is not a mapping
    ("- id: I\n- id: II\n", 1, "must be a mapping"),
    # nesting deeper than any exam needs (Python's own recursion would give out first)
    (_edit("value: 40}", "value: " + "[" * 1000 + "]" * 1000 + "}"), 9, "nested"),
    (_edit("value: 40}", "value: " + "{a: " * 200 + "1" + "}" * 200 + "}"), 9, "nested"),
    # an alias inside the very node it names
    (_edit("value: 40}", "value: &v [1, *v]}"), 9, "'*v' is inside"),
    # names and ids with line breaks are quoted as escapes: the message stays one line
    (_edit("    title: Short", '    title: Short\n    "a\\nb": 1'), 6, "unknown field 'a\\nb'"),
    (_edit('      - id: "1"\n        marks: 2\n', '      - id: "1\\n"\n'), 7, "I.1\\n has no"),
    # a number too long for Python to read
    (_edit("value: 40}", "value: 4" + "0" * 5000 + "}"), 9, "digits"),
]


@pytest.mark.parametrize("text,line,fragment", ERRORS)
def test_errors_name_line_and_fix(text, line, fragment):
    with pytest.raises(ExamError) as caught:
        load_exam_text(text, source="exam.yaml")
    message = str(caught.value)
    assert caught.value.line == line, message
    assert message.startswith(f"exam.yaml:{line}: "), message
    assert fragment in message, message
    assert caught.value.fix, message
    assert "\n" not in message


@pytest.mark.parametrize(
    "text,fragment",
    [
        # an empty file, or one holding only a comment
        ("", "empty"),
        ("# nothing yet\n", "empty"),
    ],
)
def test_empty_files(text, fragment):
    with pytest.raises(ExamError, match=fragment) as caught:
        load_exam_text(text)
    assert caught.value.fix


def test_unknown_field_lists_exactly_one_problem():
    # a misspelt `sections` also makes `sections` missing; the typo is what gets reported
    with pytest.raises(ExamError, match="unknown field 'section'"):
        load_exam_text(_edit("sections:", "section:"))


# --- checker validation errors point at the key or its field -------------------------------


class _StrictChecker(SimpleChecker):
    kind = "strict"

    def validate(self, params: Mapping[str, Any]) -> dict[str, Any]:
        if "value" not in params:
            raise KeyParamsError("a strict key needs a value", fix="add 'value: ...'")
        if "tol" in params:
            raise KeyParamsError("tol must be a mapping", field="tol", fix="write tol: {abs: 0.1}")
        return {**params, "normalised": True}

    def check(self, answer: str, key: Key) -> Outcome:
        return Outcome(Status.NEEDS_REVIEW)


@pytest.fixture
def strict_registry(monkeypatch):
    reg = Registry()
    reg.register(_StrictChecker())
    monkeypatch.setattr(load_module, "registry", lambda: reg)


@pytest.mark.parametrize(
    "key,line,fragment",
    [
        # no field named: the key's own line
        ("key: {kind: strict}", 9, "needs a value — add 'value: ...'"),
        # a field named: its line
        (
            "key:\n          kind: strict\n          value: 1\n          tol: 0.1",
            12,
            "tol must be a mapping",
        ),
    ],
)
def test_checker_param_errors(strict_registry, key, line, fragment):
    text = _text(STARTER) + "      - id: 1\n        marks: 1\n        " + key + "\n"
    with pytest.raises(ExamError) as caught:
        load_exam_text(text)
    assert caught.value.line == line, str(caught.value)
    assert fragment in str(caught.value)


def test_checker_normalises_params(strict_registry):
    text = _text(STARTER) + "      - {id: 1, marks: 1, key: {kind: strict, value: 1}}\n"
    assert load_exam_text(text).part("A.1").key == Key("strict", {"value": 1, "normalised": True})


# --- anchors and aliases ------------------------------------------------------------------

ANCHORS = """
- {id: "1", marks: 2, key: &forty {kind: numeric, value: 40, tol: &close {abs: 0.5}}}
- {id: "2", marks: 2, key: {kind: numeric, value: 41, tol: *close}}
- id: "3"
  marks: 2
  key: *forty
  rubric: &rubric
    - {id: r1, text: "right", marks: 2}
- &free {id: "4", marks: 2, kind: text, rubric: *rubric}
- {<<: *free, id: "5"}
"""


@pytest.mark.parametrize(
    "address,attribute,expected",
    [
        # an aliased mapping inside a key
        ("A.2", "key", Key("numeric", {"value": 41, "tol": {"abs": 0.5}})),
        # a whole aliased key
        ("A.3", "key", Key("numeric", {"value": 40, "tol": {"abs": 0.5}})),
        # an aliased rubric
        ("A.4", "rubric.0.id", "r1"),
        # a merge key: question 5 is question 4 with another id
        ("A.5", "kind", "text"),
        ("A.5", "marks", 2.0),
    ],
)
def test_a_few_anchors_load(address, attribute, expected):
    text = _text(STARTER) + textwrap.indent(_text(ANCHORS), "      ")
    part: Any = load_exam_text(text).part(address)
    for step in attribute.split("."):
        part = part[int(step)] if step.isdigit() else getattr(part, step)
    assert part == expected


def _laughs(levels: int, width: int) -> str:
    """Billion laughs: each level holds `width` aliases of the one before."""
    rows = ['laughs:\n  l0: &l0 "lol"\n']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*l{level - 1}"] * width)
        rows.append(f"  l{level}: &l{level} [{aliases}]\n")
    return _text(BASE) + "".join(rows)


_LOAD_IN_A_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))
from gradewise.errors import ExamError
from gradewise.exam import load_exam_text
try:
    load_exam_text(sys.stdin.read(), source="exam.yaml")
except ExamError as exc:
    print(exc)
"""


@pytest.mark.parametrize(
    "levels,width,laugh",
    [
        # the classic: nine levels of nine aliases, 387 million laughs
        (9, 9, 3),
        # fewer aliases, more levels: a billion
        (30, 2, 3),
        # one level of many aliases of one long text: 2 GB of text
        (1, 20_000, 100_000),
    ],
)
def test_alias_bombs_fail_fast_with_the_line(levels, width, laugh):
    # In a child process held to 2 GB and a minute, so that a loader that expands the aliases
    # fails this test instead of taking the machine.
    text = _laughs(levels, width).replace('"lol"', '"' + "l" * laugh + '"')
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_IN_A_CHILD],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
    )
    message = done.stdout.strip()
    assert re.match(r"exam\.yaml:(\d+): ", message), (message, done.stderr[-500:])
    line = int(message.split(":")[1])
    assert 21 <= line <= 20 + levels, message  # in the laughs, where the budget runs out
    assert "alias" in message and "\n" not in message


# --- files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content,line,fragment",
    [
        # not UTF-8: the line of the first bad byte
        (b"schema_version: 1\nexam: {id: e, title: \xe9t\xe9}\n", 2, "not UTF-8"),
        # a byte-order mark is fine up to the next error
        (b"\xef\xbb\xbfschema_version: 9\n", 1, "newer gradewise"),
    ],
)
def test_file_errors(tmp_path, content, line, fragment):
    path = tmp_path / "exam.yaml"
    path.write_bytes(content)
    with pytest.raises(ExamError) as caught:
        load_exam(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    "name,fragment",
    [
        # no such file
        ("missing.yaml", "exam file not found — check the path"),
        # a folder
        (".", "is a folder"),
    ],
)
def test_unreadable_paths(tmp_path, name, fragment):
    with pytest.raises(ExamError, match=fragment):
        load_exam(tmp_path / name)


# --- upgrades ------------------------------------------------------------------------------

V0 = """
schema_version: 0
exam: {id: e, name: Old exam}
sections:
  - id: I
    title: Short
    questions:
      - {id: 1, marks: 2}
"""


def _v0_to_v1(tree):
    """The fake version 0 called the exam's title `name`."""
    tree["exam"]["title"] = tree["exam"].pop("name")
    return tree


def test_upgrade_chain_runs_step_by_step(monkeypatch):
    monkeypatch.setitem(UPGRADES, 0, _v0_to_v1)
    exam = load_exam_text(_text(V0))
    assert (exam.title, exam.schema_version) == ("Old exam", CURRENT_VERSION)


def test_upgraded_file_errors_keep_their_lines(monkeypatch):
    monkeypatch.setitem(UPGRADES, 0, _v0_to_v1)
    with pytest.raises(ExamError) as caught:
        load_exam_text(_text(V0).replace("marks: 2", "marks: x"))
    assert caught.value.line == 7


def test_version_below_the_chain_is_refused(monkeypatch):
    # an upgrade exists from 0, but nothing from -1
    monkeypatch.setitem(UPGRADES, 0, _v0_to_v1)
    with pytest.raises(ExamError, match="schema_version -1 is not supported"):
        load_exam_text(_text(V0).replace("schema_version: 0", "schema_version: -1"))


# --- warnings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "questions,rule,expected",
    [
        # a rubric whose positive marks fall short of the part's marks
        (
            "- {id: 1, marks: 5, rubric: [{id: a, text: a, marks: 2},"
            " {id: b, text: b, marks: -1}]}",
            "",
            [("A.1", "at most 2 of the part's 5 marks")],
        ),
        # in a group only one criterion applies: 3 + max(1, 1) = 4 < 5
        (
            "- {id: 1, marks: 5, rubric: [{id: a, text: a, marks: 3},"
            " {id: b, text: b, marks: 1, group: g}, {id: c, text: c, marks: 1, group: g}]}",
            "",
            [("A.1", "at most 4 of the part's 5 marks")],
        ),
        # criteria worth more than the part: capped
        (
            "- {id: 1, marks: 2, rubric: [{id: a, text: a, marks: 2}, {id: b, text: b, marks: 1}]}",
            "",
            [("A.1", "capped at 2")],
        ),
        # a free-text part with nothing to grade by
        ("- {id: 1, marks: 2}", "", [("A.1", "nothing to go by")]),
        # an expression key with a word read as letters multiplied
        (
            "- {id: 1, marks: 2, key: {kind: expression, value: 'cost * x'}}",
            "",
            [("A.1", "reads 'cost' as the letters c·o·s·t multiplied")],
        ),
        # a name written as text, which the checker reads as words
        (
            "- {id: 1, marks: 2, key: {kind: expression, value: '\\text{loss} + x'}}",
            "",
            [("A.1", "\\text{loss} is read as words")],
        ),
        # ... not a function applied by name, a Greek letter, or \\mathit{...}
        (
            "- {id: 1, marks: 2, key: {kind: expression, value: 'sigma(z) * relu(x)'}}\n"
            "- {id: 2, marks: 2, key: {kind: expression, value: '\\mathit{cost} x'}}",
            "",
            [],
        ),
        # best k equal to the number of questions
        (
            "- {id: 1, marks: 2, key: {kind: numeric, value: 1}}",
            "    rule: {best: 1}\n",
            [("A", "counts every question")],
        ),
        # a well-formed exam has no warnings: key only, reference only, rubric that adds up
        (
            "- {id: 1, marks: 2, key: {kind: numeric, value: 1}}\n"
            "- {id: 2, marks: 1, reference: r}\n"
            "- {id: 3, marks: 2, rubric: [{id: a, text: a, marks: 2, group: g}, {id: b, text: b,"
            " marks: 1, group: g}]}",
            "",
            [],
        ),
    ],
)
def test_warnings(questions, rule, expected):
    text = _text(STARTER).replace("    questions:\n", rule + "    questions:\n")
    exam = load_exam_text(text + textwrap.indent(questions, "      ") + "\n")
    found = exam_warnings(exam)
    assert len(found) == len(expected), found
    for warning, (address, fragment) in zip(found, expected, strict=True):
        assert warning.address == address
        assert fragment in warning.message
