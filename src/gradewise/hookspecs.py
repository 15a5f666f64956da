"""The one extension point: plugins (built-ins included) register checkers through this hook."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from gradewise.checkers.registry import Checker

hookspec = pluggy.HookspecMarker("gradewise")
hookimpl = pluggy.HookimplMarker("gradewise")


@hookspec
def register_checkers(register: Callable[[Checker], None]) -> None:
    """Call `register(checker)` once for each checker this plugin provides."""
