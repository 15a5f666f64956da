"""The exam report: one self-contained HTML page, plots as inline SVG (matplotlib, Agg).

matplotlib is imported only when a plot is drawn: it is slow to import and no other command
needs it. SVG ids are salted with a fixed string and the date left out, so the same statistics
always give the same file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from gradewise.reports.html import environment
from gradewise.reports.stats import Bin, CriterionStats, ExamStats, PartStats, by_part, worst


def _figure(width: float, height: float) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")  # no display, no GUI toolkit
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "gradewise"
    plt.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, searchable
    return plt.subplots(figsize=(width, height))


def _svg(fig: Any) -> Markup:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    fig.tight_layout()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return Markup(text[text.index("<svg") :])  # drop the XML prolog and doctype


def histogram_svg(bins: Sequence[Bin], maximum: float) -> Markup:
    """Bar chart of how many students scored in each range of totals."""
    fig, ax = _figure(6.5, 2.8)
    ax.bar(
        [b.low for b in bins],
        [b.count for b in bins],
        width=[b.high - b.low for b in bins],
        align="edge",
        color="#4a6fa5",
        edgecolor="white",
    )
    ax.set_xlim(0, maximum)
    ax.set_xlabel("total marks")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return _svg(fig)


def parts_svg(parts: Sequence[PartStats]) -> Markup:
    """Difficulty and discrimination side by side for every part."""
    fig, ax = _figure(7.5, 3.0)
    xs = range(len(parts))
    ax.bar(
        [x - 0.2 for x in xs],
        [p.difficulty or 0 for p in parts],
        0.4,
        label="difficulty (mean / max)",
        color="#4a6fa5",
    )
    ax.bar(
        [x + 0.2 for x in xs],
        [p.discrimination or 0 for p in parts],
        0.4,
        label="discrimination (item-rest r)",
        color="#e0a800",
    )
    ax.axhline(0, color="#555", linewidth=0.8)
    ax.set_xticks(list(xs), [p.address for p in parts], rotation=60, fontsize=8)
    ax.set_ylim(min(-0.2, *(p.discrimination or 0 for p in parts)), 1.05)
    ax.legend(fontsize=8, loc="lower left")
    return _svg(fig)


def criteria_svg(criteria: Sequence[CriterionStats]) -> Markup:
    """Horizontal bars: share of answers meeting each criterion (decided verdicts only)."""
    shown = [c for c in criteria if c.n]
    fig, ax = _figure(7.0, 0.6 + 0.22 * max(1, len(shown)))
    labels = [f"{c.address} {c.criterion}" for c in shown]
    ax.barh(range(len(shown)), [c.hit_rate or 0 for c in shown], color="#2e8b57")
    ax.set_yticks(list(range(len(shown))), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of answers where the criterion is met")
    return _svg(fig)


def render(stats: ExamStats, *, title: str, incomplete: int = 0) -> str:
    """The report page for `stats`; `incomplete` counts answers still waiting for review."""
    plots = {
        "histogram": histogram_svg(stats.histogram, stats.max_total),
        "parts": parts_svg(stats.parts),
        "criteria": criteria_svg(stats.criteria),
    }
    return (
        environment()
        .get_template("report.html")
        .render(
            s=stats,
            title=title,
            plots=plots,
            summary=worst(stats),
            criteria=by_part(stats.criteria),
            incomplete=incomplete,
        )
    )
