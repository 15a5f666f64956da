"""Fuzzing the exam loader: any text either loads or is one user-facing line, never a crash."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from gradewise.errors import GradewiseError
from gradewise.exam import load_exam_text
from gradewise.model import Exam

# Generous per-example bound: an input that takes longer is a hang, not a slow machine.
FUZZ = settings(
    max_examples=150,
    deadline=timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def loads_or_says_why(text: str) -> None:
    """The loader's whole contract: an Exam, or a GradewiseError of one line naming the file."""
    try:
        exam = load_exam_text(text, source="exam.yaml")
    except GradewiseError as exc:
        message = str(exc)
        assert message.startswith("exam.yaml"), message
        assert len(message.splitlines()) == 1, message
    else:
        assert isinstance(exam, Exam)
        assert all(part.marks > 0 for part in exam.parts())


# --- text ----------------------------------------------------------------------------------


@FUZZ
@given(st.text(max_size=400))
def test_any_text(text: str) -> None:
    loads_or_says_why(text)


# Pieces of YAML syntax, so that the text is mostly almost-YAML: flow and block collections,
# anchors and aliases, merge keys, tags, quotes, block scalars, deep nesting, long numbers.
TOKENS = [
    *"abcxyz019 :-,.[]{}&*!|>'\"#?%@`\\~\n\t",
    "schema_version: 1\n",
    "exam: {id: e, title: E}\n",
    "sections:\n",
    "  - id: I\n    title: T\n    questions:\n",
    "      - id: '1'\n        marks: 2\n",
    "        key: {kind: numeric, value: 40}\n",
    "  ",
    "- ",
    "&a ",
    "*a",
    "&b [*a, *a, *a]",
    "<<: *a",
    "!!binary ",
    "!!python/object:os.system ",
    "!!set ",
    "[" * 50,
    "1" * 5000,
    ".nan",
    "|\n  ",
    "---\n",
]


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=80).map("".join))
def test_almost_yaml(text: str) -> None:
    loads_or_says_why(text)


# --- structured: exam-shaped mappings with wrong values mixed in -----------------------------

FIELDS = [
    "schema_version",
    "exam",
    "id",
    "title",
    "sections",
    "questions",
    "parts",
    "marks",
    "prompt",
    "key",
    "kind",
    "value",
    "tol",
    "abs",
    "rel",
    "rubric",
    "text",
    "check",
    "where",
    "rule",
    "best",
    "options",
    "correct",
    "policy",
    "reference",
    "guidance",
    "compute",
    "review_below",
    "group",
    "variables",
    "conventions",
    "log_base",
]
WORDS = ["numeric", "choice", "truefalse", "expression", "text", "final", "anywhere", "I", "a"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(WORDS),
)
junk = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


def maybe(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The right shape 19 times in 20, anything the 20th: the loader stops at the first problem,
    so a whole exam must mostly be right for the deeper checks to be reached."""
    return st.integers(0, 19).flatmap(lambda n: junk if n == 0 else good)


# Text without control characters: those are refused in double quotes (where YAML writes them),
# which would stop most exams at their first line of text.
words = st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=8)
ids = st.one_of(st.sampled_from(["1", "2", "a", "b", "I", "II"]), st.integers(0, 9))
marks = st.one_of(st.integers(1, 10), st.floats(0.5, 10))
numbers = st.one_of(st.integers(-100, 100), st.floats(allow_nan=False, allow_infinity=False))
keys = st.one_of(
    st.fixed_dictionaries(
        {"kind": st.just("numeric"), "value": maybe(numbers | st.lists(numbers, max_size=3))},
        optional={
            "tol": maybe(st.fixed_dictionaries({}, optional={"abs": numbers, "rel": numbers})),
            "where": maybe(st.sampled_from(["final", "anywhere"])),
        },
    ),
    st.fixed_dictionaries(
        {"kind": st.just("choice"), "options": maybe(st.dictionaries(ids, words, min_size=1))},
        optional={
            "correct": maybe(st.lists(ids, max_size=3)),
            "policy": maybe(st.sampled_from(["all-or-nothing", "per-option", "negative"])),
        },
    ),
    st.fixed_dictionaries({"kind": st.just("truefalse"), "value": maybe(st.booleans())}),
    # a few readable expressions: the expression reader has a fuzz test of its own
    st.fixed_dictionaries(
        {"kind": st.just("expression"), "value": st.sampled_from(["x + 1", "\\frac{1}{2}", ""])},
        optional={"variables": maybe(st.just(["x"]))},
    ),
)
criteria = st.fixed_dictionaries(
    {"id": maybe(ids), "text": maybe(words), "marks": maybe(marks | st.integers(-2, -1))},
    optional={"check": maybe(keys), "group": maybe(st.just("g"))},
)
part_fields = {
    "prompt": words,
    "key": maybe(keys),
    "rubric": maybe(st.lists(criteria, max_size=3)),
    "kind": maybe(st.sampled_from(WORDS)),
    "compute": words,
    "reference": words,
    "review_below": maybe(st.floats(0, 1)),
}
parts = st.fixed_dictionaries({"id": maybe(ids), "marks": maybe(marks)}, optional=part_fields)
questions = st.one_of(
    # a question that is its own part
    st.fixed_dictionaries({"id": maybe(ids), "marks": maybe(marks)}, optional=part_fields),
    # a question with parts
    st.fixed_dictionaries(
        {"id": maybe(ids), "parts": maybe(st.lists(parts, min_size=1, max_size=3))},
        optional={"prompt": words, "marks": maybe(marks)},
    ),
)
sections = st.fixed_dictionaries(
    {
        "id": maybe(ids),
        "title": maybe(words),
        "questions": maybe(st.lists(questions, min_size=1, max_size=3)),
    },
    optional={"rule": maybe(st.fixed_dictionaries({"best": st.integers(0, 3)}))},
)
exams = st.fixed_dictionaries(
    {
        "schema_version": maybe(st.just(1)),
        "exam": maybe(st.fixed_dictionaries({"id": maybe(ids), "title": maybe(words)})),
        "sections": maybe(st.lists(sections, min_size=1, max_size=3)),
    },
    optional={
        "conventions": maybe(st.fixed_dictionaries({"log_base": st.sampled_from(["e", 10, 3])}))
    },
)


def dump(data: Any) -> str:
    """`data` as YAML text, shared values as anchors and aliases (as YAML writes them)."""
    out = StringIO()
    YAML(typ="safe", pure=True).dump(data, out)
    return out.getvalue()


@FUZZ
@given(exams)
def test_exam_shaped_mappings(data: dict[str, Any]) -> None:
    loads_or_says_why(dump(data))


@FUZZ
@given(exams, st.integers(0, 3))
def test_exam_shaped_mappings_with_shared_parts(data: dict[str, Any], copies: int) -> None:
    # The same section object several times: the writer makes it an anchor and aliases.
    if isinstance(data.get("sections"), list) and data["sections"]:
        data["sections"] = data["sections"] + [data["sections"][0]] * copies
    loads_or_says_why(dump(data))
