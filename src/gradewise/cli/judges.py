"""`gradewise judges list`: the free-text judges and keyed checkers installed."""

from __future__ import annotations

import click

from gradewise.checkers.registry import registry
from gradewise.cli.common import echo_json, json_option, table
from gradewise.judges.registry import judges as judge_registry


@click.group()
def judges() -> None:
    """Free-text judges and keyed-answer checkers (built-in and plugins)."""


@judges.command("list")
@json_option
def list_(as_json: bool) -> None:
    """List installed judges and checkers with their versions.

    Example: gradewise judges list --json
    """
    rows = [
        {"type": "judge", "id": j, "version": judge_registry().get(j).version}  # type: ignore[union-attr]
        for j in judge_registry().ids()
    ]
    rows += [
        {"type": "checker", "id": k, "version": registry().get(k).version}  # type: ignore[union-attr]
        for k in registry().kinds()
    ]
    if as_json:
        echo_json(rows)
        return
    table("Judges and checkers", ["type", "id", "version"], [list(r.values()) for r in rows])
