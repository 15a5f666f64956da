"""`gradewise evaluate`: agreement of a judge with human grades on a graded-answers CSV."""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path

import click

from gradewise.cli.common import echo_json, table
from gradewise.errors import WorkspaceError
from gradewise.evaluate import Metrics, evaluate, read_graded
from gradewise.judges.registry import judges


@click.command("evaluate")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--judge", "judge_id", default="lexical", show_default=True, help="The judge to measure."
)
@click.option(
    "--k", "shots", multiple=True, type=click.IntRange(1), default=(5, 10), show_default=True,
    help="k for the k-shot protocol (repeat for several).",
)  # fmt: skip
@click.option("--zero-shot-only", is_flag=True, help="Skip the k-shot protocol.")
@click.option("--seed", default=0, show_default=True, help="Seed for the k-shot choice.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write JSON here."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def evaluate_command(
    data: Path, judge_id: str, shots: tuple[int, ...], zero_shot_only: bool, seed: int,
    output: Path | None, as_json: bool,
) -> None:  # fmt: skip
    """Measure a judge against human grades in DATA (the graded-answers CSV format).

    Example: gradewise evaluate mohler.csv --judge lexical --k 10
    """
    judge = judges().get(judge_id)
    if judge is None:
        raise WorkspaceError(
            f"no judge {judge_id!r}", fix=f"use one of: {', '.join(judges().ids())}"
        )
    protocols = ["zero-shot", *([] if zero_shot_only else [f"k-shot:{k}" for k in shots])]
    report = evaluate(judge, read_graded(data), protocols=protocols, seed=seed)
    rows = [_plain(m) for m in report]
    if output:
        output.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    if as_json:
        echo_json(rows)
        return
    table(
        f"{judge.id} judge on {data.name}",
        ["data set", "split", "protocol", "n", "r", "RMSE", "QWK", "acc", "macro-F1", "w-F1",
         "coverage", "answers/s"],
        [[m.dataset, m.split, m.protocol, m.n, *(_fmt(v) for v in _figures(m))] for m in report],
    )  # fmt: skip


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


def _plain(m: Metrics) -> dict[str, object]:
    out = asdict(m)
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in out.items()}
