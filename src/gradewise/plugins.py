"""The plugin manager: built-in checkers and judges load exactly as third-party plugins do."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from typing import Generic, TypeVar

import pluggy

from gradewise import hookspecs

# Built-in plugin modules; each has `register_checkers` or `register_judges` hook implementations.
# Checkers and judges are kept apart so that reading an exam file (which needs the checkers)
# does not import the judges' models and numpy.
CHECKERS = (
    "gradewise.checkers.choice",
    "gradewise.checkers.truefalse",
    "gradewise.checkers.numeric",
    "gradewise.checkers.expression",
)
JUDGES = (
    "gradewise.judges.lexical",
    "gradewise.judges.similarity",
    "gradewise.judges.learned",
    "gradewise.judges.llm",
)
BUILTIN = CHECKERS + JUDGES


@cache
def plugin_manager(
    *, entry_points: bool = True, builtins: tuple[str, ...] = BUILTIN
) -> pluggy.PluginManager:
    """The built-ins named in `builtins` and (optionally) the plugins installed under the
    `gradewise` entry point."""
    pm = pluggy.PluginManager("gradewise")
    pm.add_hookspecs(hookspecs)
    for name in builtins:
        pm.register(importlib.import_module(name), name=name)
    if entry_points:
        pm.load_setuptools_entrypoints("gradewise")
    return pm


T = TypeVar("T")


class NamedRegistry(Generic[T]):
    """Plugins of one sort by name; registering a name twice is an error, not a silent swap."""

    sort = "plugin"

    def __init__(self, name_of: Callable[[T], str]) -> None:
        self._name_of = name_of
        self._items: dict[str, T] = {}

    def register(self, item: T) -> None:
        name = self._name_of(item)
        if name in self._items:
            raise ValueError(f"two {self.sort}s registered as {name!r}")
        self._items[name] = item

    def get(self, name: str) -> T | None:
        return self._items.get(name)

    def names(self) -> list[str]:
        return sorted(self._items)
