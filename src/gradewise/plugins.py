"""The plugin manager: built-in checkers and judges load exactly as third-party plugins do."""

from __future__ import annotations

import importlib
from functools import cache

import pluggy

from gradewise import hookspecs

# Built-in plugin modules; each has `register_checkers` or `register_judges` hook implementations.
BUILTIN = (
    "gradewise.checkers.choice",
    "gradewise.checkers.truefalse",
    "gradewise.checkers.numeric",
    "gradewise.checkers.expression",
    "gradewise.judges.lexical",
    "gradewise.judges.similarity",
)


@cache
def plugin_manager(*, entry_points: bool = True) -> pluggy.PluginManager:
    """The built-ins and (optionally) the plugins installed under the `gradewise` entry point."""
    pm = pluggy.PluginManager("gradewise")
    pm.add_hookspecs(hookspecs)
    for name in BUILTIN:
        pm.register(importlib.import_module(name), name=name)
    if entry_points:
        pm.load_setuptools_entrypoints("gradewise")
    return pm
