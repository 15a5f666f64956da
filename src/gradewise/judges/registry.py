"""The judge protocol and the judge registry (same plugin hook file as the checkers).

A judge decides free text: one rubric criterion, or a whole part when it has no rubric. It gets
everything a human grader would see — the question, the reference answer, the criterion, the
answer — plus the answers a human has already marked for this part (`examples`), and returns a
fraction of the marks with a calibrated confidence and the student's words that support it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from gradewise.model import GradedAnswer, Status
from gradewise.plugins import JUDGES, NamedRegistry, plugin_manager

if TYPE_CHECKING:
    from gradewise.judges.outlook import Outlook


@dataclass(frozen=True)
class Example:
    """An answer a human has already marked: its text and the fraction of the marks it got."""

    answer: str
    fraction: float


@dataclass(frozen=True)
class JudgeItem:
    """One decision to make. `criterion` is '' when the whole part is judged."""

    question: str
    reference: str
    answer: str
    criterion: str = ""
    max_marks: float = 1.0
    examples: tuple[Example, ...] = ()
    group: str = ""  # identifies the part (or data-set question) the examples belong to
    guidance: str = ""  # the exam's notes for graders (never shown to students)
    review_below: float = 0.8  # the part's threshold: a less confident judgement goes to review


@dataclass(frozen=True)
class Judgement:
    """fraction in [0, 1]; evidence = (start, end) in the answer of the words that decided it."""

    status: Status
    fraction: float
    confidence: float
    reason: str = ""
    evidence: tuple[int, int] | None = None


@runtime_checkable
class Judge(Protocol):
    """Decides free text. `judge_many` never raises: failures are needs_review judgements."""

    id: str
    version: str

    def judge_many(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        """One judgement per item, in order."""
        ...


@runtime_checkable
class Selector(Protocol):
    """Optional judge hook: which k answers (indices, none of `marked`) a human should mark
    first, so that the judge learns the most from them."""

    def select(
        self, answers: Sequence[str], k: int, rng: random.Random, marked: Sequence[int] = ()
    ) -> list[int]: ...


@runtime_checkable
class Learner(Protocol):
    """Optional judge hook: learn from graded answers of *other* questions (a data set's train
    split, never the predicted question's) and return a judge so fitted."""

    def fit(self, rows: Sequence[GradedAnswer]) -> Judge: ...


@runtime_checkable
class Forecaster(Protocol):
    """Optional judge hook: how much of a part it could take over, and with how many more marks,
    measured by judging the part's marked answers with some of their marks held out (for local
    judges: it judges each marked answer three times; see judges/outlook.py)."""

    def outlook(self, template: JudgeItem, marks: Sequence[Example], waiting: int) -> Outlook: ...


@runtime_checkable
class Configurable(Protocol):
    """Optional judge hook: a judge that needs the workspace's settings (e.g. gradewise.toml)."""

    def configured(self, root: Path, options: Mapping[str, Any]) -> Judge:
        """A ready judge for the workspace at `root`; a one-line user error when it cannot be."""
        ...


class JudgeRegistry(NamedRegistry[Judge]):
    """Judges by id."""

    sort = "judge"

    def __init__(self) -> None:
        super().__init__(lambda judge: judge.id)

    def ids(self) -> list[str]:
        return self.names()


@cache
def judges() -> JudgeRegistry:
    """The process-wide judge registry: built-ins and installed plugins."""
    reg = JudgeRegistry()
    plugin_manager(builtins=JUDGES).hook.register_judges(register=reg.register)
    return reg
