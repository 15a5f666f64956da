"""The Jinja2 environment for the HTML reports: templates shipped as package data, autoescaped."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape


def marks(value: float) -> str:
    """Marks as people write them: 2, 2.5, 0.33."""
    return f"{round(value, 2):g}"


@cache
def environment() -> Environment:
    """Templates from gradewise/reports/templates, every `.html` one autoescaped."""
    env = Environment(
        loader=PackageLoader("gradewise.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["marks"] = marks
    return env
