"""The checker registry: the protocol every checker follows and the lookup by kind.

Built-in checkers are plugins like any other (`gradewise.plugins.CHECKERS`): each module has a
`register_checkers` hook implementation; third-party packages add theirs through the
`gradewise` entry-point group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Protocol, runtime_checkable

from gradewise.model import Key, Outcome
from gradewise.plugins import CHECKERS, NamedRegistry, plugin_manager


@runtime_checkable
class Checker(Protocol):
    """A deterministic check of an answer against a key of one kind.

    `check` never raises and never says "wrong" because it could not read the answer: it
    returns an Outcome with status needs_review or error and the reason.
    """

    kind: str
    version: str

    def validate(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Check and normalise a key's params; raise KeyParamsError naming the field."""
        ...

    def check(self, answer: str, key: Key) -> Outcome:
        """Decide one answer against one key."""
        ...

    def check_many(self, items: Sequence[tuple[str, Key]]) -> list[Outcome]:
        """Decide many (answer, key) pairs; may batch or parallelise."""
        ...


class Registry(NamedRegistry[Checker]):
    """Checkers by kind."""

    sort = "checker"

    def __init__(self) -> None:
        super().__init__(lambda checker: checker.kind)

    def kinds(self) -> list[str]:
        return self.names()


@cache
def registry() -> Registry:
    """The process-wide registry, built once."""
    reg = Registry()
    plugin_manager(builtins=CHECKERS).hook.register_checkers(register=reg.register)
    return reg


class SimpleChecker:
    """Base for checkers whose `check_many` is a loop over `check`."""

    kind = ""
    version = "0"

    def validate(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return dict(params)

    def check(self, answer: str, key: Key) -> Outcome:
        raise NotImplementedError

    def check_many(self, items: Sequence[tuple[str, Key]]) -> list[Outcome]:
        return [self.check(answer, key) for answer, key in items]
