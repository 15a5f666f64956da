"""`gradewise evaluate`: agreement of a judge with human grades on a graded-answers CSV."""

from __future__ import annotations

import json
import math
from pathlib import Path

import click

from gradewise.cli.common import echo_json, output_file, table
from gradewise.errors import WorkspaceError
from gradewise.evaluate import Metrics, evaluate, first_questions, read_graded
from gradewise.judges.registry import judges

COLUMNS = ["data set", "split", "protocol", "n", "r", "RMSE", "QWK", "acc", "macro-F1", "w-F1",
           "coverage", "answers/s"]  # fmt: skip


@click.command("evaluate")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--judge", "judge_id", default="lexical", show_default=True, help="The judge to measure."
)
@click.option(
    "--protocol", type=click.Choice(["zero-shot", "k-shot", "all"]), default="all",
    show_default=True, help="Which protocols to run.",
)  # fmt: skip
@click.option(
    "--k", "shots", multiple=True, type=click.IntRange(1), default=(5, 10), show_default=True,
    help="k for the k-shot protocol (repeat for several).",
)  # fmt: skip
@click.option("--seed", default=0, show_default=True, help="Seed for the k-shot choice.")
@click.option(
    "--limit-questions", type=click.IntRange(1), help="Only the first N questions per data set."
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write JSON here."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def evaluate_command(
    data: Path, judge_id: str, protocol: str, shots: tuple[int, ...], seed: int,
    limit_questions: int | None, output: Path | None, as_json: bool,
) -> None:  # fmt: skip
    """Measure a judge against human grades in DATA (the graded-answers CSV format).

    Example: gradewise evaluate mohler.csv --judge lexical --protocol k-shot --k 10
    """
    judge = judges().get(judge_id)
    if judge is None:
        raise WorkspaceError(
            f"no judge {judge_id!r}", fix=f"use one of: {', '.join(judges().ids())}"
        )
    rows = read_graded(data)
    if limit_questions:
        rows = first_questions(rows, limit_questions)
    report = evaluate(rows, judge, _protocols(protocol, shots), seed=seed)
    if output:
        output_file(output).write_text(json.dumps(report.to_dict(), indent=2), encoding="utf-8")
    if as_json:
        echo_json(report.to_dict())
        return
    cells = [[m.dataset, m.split, m.protocol, m.n, *map(_fmt, _figures(m))] for m in report.results]
    table(f"{judge.id} judge (v{judge.version}) on {data.name}", COLUMNS, cells)


def _protocols(choice: str, shots: tuple[int, ...]) -> list[str]:
    zero = ["zero-shot"] if choice in ("zero-shot", "all") else []
    return zero + ([f"k-shot:{k}" for k in shots] if choice in ("k-shot", "all") else [])


def _figures(m: Metrics) -> list[float]:
    return [
        m.pearson,
        m.rmse,
        m.qwk,
        m.accuracy,
        m.macro_f1,
        m.weighted_f1,
        m.coverage,
        m.answers_per_s,
    ]


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:.0f}" if value >= 100 else f"{value:.3f}"
