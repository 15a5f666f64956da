"""The one extension point: plugins (built-ins included) register checkers and judges here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from gradewise.checkers.registry import Checker
    from gradewise.judges.registry import Judge

hookspec = pluggy.HookspecMarker("gradewise")
hookimpl = pluggy.HookimplMarker("gradewise")


@hookspec
def register_checkers(register: Callable[[Checker], None]) -> None:
    """Call `register(checker)` once for each checker this plugin provides."""


@hookspec
def register_judges(register: Callable[[Judge], None]) -> None:
    """Call `register(judge)` once for each free-text judge this plugin provides."""
