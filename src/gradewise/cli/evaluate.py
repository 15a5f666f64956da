"""`gradewise evaluate`: agreement of a judge with human grades on a graded-answers CSV, or
(`--human`) of this exam's grades with a second human grader's."""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from gradewise.cli.common import echo_json, output_file, table, workspace
from gradewise.errors import WorkspaceError
from gradewise.judges.llm import spend_line
from gradewise.judges.registry import Configurable, Judge, judges
from gradewise.measure import agreement
from gradewise.measure.figures import Metrics
from gradewise.measure.graded import read_graded
from gradewise.measure.protocols import first_questions, seeded_choice
from gradewise.measure.report import evaluate, write_predictions

# QWK pooled: one kappa over all answers; mean/q: the mean of the questions' own kappas.
COLUMNS = [
    "data set",
    "split",
    "protocol",
    "n",
    "r",
    "RMSE",
    "QWK pooled",
    "QWK mean/q",
    "acc",
    "macro-F1",
    "w-F1",
    "coverage",
    "answers/s",
]


@click.command("evaluate")
@click.argument(
    "data", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--human",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Compare this workspace's grades with a second grader's graded-answers CSV.",
)
@click.option("--worst", default=10, show_default=True, help="Disagreements to list (--human).")
@click.option(
    "--judge", "judge_id", default="lexical", show_default=True, help="The judge to measure."
)
@click.option(
    "--protocol",
    type=click.Choice(["zero-shot", "k-shot", "train-test", "all"]),
    default="all",
    show_default=True,
    help="Which protocols to run (train-test: with the train split's graded answers of the same "
    "question as the human's marks, where the file has them).",
)
@click.option(
    "--k",
    "shots",
    multiple=True,
    type=click.IntRange(1),
    default=(5, 10),
    show_default=True,
    help="k for the k-shot protocol (repeat for several).",
)
@click.option("--seed", default=0, show_default=True, help="Seed for the k-shot choice.")
@click.option(
    "--selection",
    type=click.Choice(["judge", "random"]),
    default="judge",
    show_default=True,
    help="k-shot: which answers the human marks first (the judge's choice, where it has one).",
)
@click.option(
    "--limit-questions", type=click.IntRange(1), help="Only the first N questions per data set."
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Settings for a judge that takes them (llm, hybrid): this file instead of the "
    "gradewise.toml of the workspace (-w, default the current folder).",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write JSON here."
)
@click.option(
    "--predictions",
    "predictions_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write every prediction here (CSV: dataset, split, protocol, question_id, "
    "answer_id, score, predicted, confidence).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def evaluate_command(
    ctx: click.Context,
    data: Path | None,
    human: Path | None,
    worst: int,
    judge_id: str,
    protocol: str,
    shots: tuple[int, ...],
    seed: int,
    selection: str,
    limit_questions: int | None,
    config_file: Path | None,
    output: Path | None,
    predictions_file: Path | None,
    as_json: bool,
) -> None:
    """Measure a judge against human grades in DATA (the graded-answers CSV format), or with
    --human compare this exam's grades with a second grader's (answer_id STUDENT:PART, as
    `gradewise export graded` writes it).

    Example: gradewise evaluate mohler.csv --judge lexical --protocol k-shot --k 10

    The llm and hybrid judges read [llm] of gradewise.toml (or --config FILE); their prompts get
    the question, reference, answer and the k marked answers, never an answer's id.
    """
    if (data is None) == (human is None):
        raise WorkspaceError(
            "give a graded-answers file to measure a judge on, or --human FILE",
            fix="gradewise evaluate DATA.csv, or gradewise evaluate --human second-marking.csv",
        )
    if human is not None:
        _compare(ctx, human, worst=worst, output=output, as_json=as_json)
        return
    assert data is not None
    judge = _judge(ctx, judge_id, config_file)
    rows = read_graded(data)
    if limit_questions:
        rows = first_questions(rows, limit_questions)
    choose = seeded_choice if selection == "random" else None
    report = evaluate(rows, judge, _protocols(protocol, shots), seed=seed, choose=choose)
    found = report.to_dict()
    spent = spend_line(judge)
    if spent:
        found["llm_spend"] = spent
    if output:
        output_file(output).write_text(json.dumps(found, indent=2), encoding="utf-8")
    if predictions_file:
        write_predictions(output_file(predictions_file), report)
    if as_json:
        echo_json(found)
        return
    cells = [[m.dataset, m.split, m.protocol, m.n, *map(_fmt, _figures(m))] for m in report.results]
    table(f"{judge.id} judge (v{judge.version}) on {data.name}", COLUMNS, cells)
    for line in report.unmeasured:
        click.echo(f"Not measured: {line}.")
    if spent:
        click.echo(spent)


def _judge(ctx: click.Context, judge_id: str, config_file: Path | None) -> Judge:
    """The judge by id, with its settings (the workspace's gradewise.toml, or --config)."""
    judge = judges().get(judge_id)
    if judge is None:
        raise WorkspaceError(
            f"no judge {judge_id!r}", fix=f"use one of: {', '.join(judges().ids())}"
        )
    if not isinstance(judge, Configurable):
        return judge
    root = ctx.find_root().obj
    return judge.configured(config_file or (root if isinstance(root, Path) else Path(".")), {})


def _protocols(choice: str, shots: tuple[int, ...]) -> list[str]:
    zero = ["zero-shot"] if choice in ("zero-shot", "all") else []
    some = [f"k-shot:{k}" for k in shots] if choice in ("k-shot", "all") else []
    return zero + some + (["train-test"] if choice in ("train-test", "all") else [])


def _figures(m: Metrics) -> list[float]:
    return [*m.figures(), m.answers_per_s]


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:.0f}" if value >= 100 else f"{value:.3f}"


def _compare(
    ctx: click.Context, path: Path, *, worst: int, output: Path | None, as_json: bool
) -> None:
    ws = workspace(ctx)
    found = agreement.compare(ws.exam, ws.grades(), read_graded(path), worst=worst)
    data = _plain(asdict(found))
    if output:
        output_file(output).write_text(json.dumps(data, indent=2), encoding="utf-8")
    if as_json:
        echo_json(data)
        return
    heads = ["part", "n", "same mark", "within 10%", "mean |diff|", "r", "QWK"]
    rows = [
        [p.address, p.n, p.exact, p.close, *map(_fmt, (p.mean_abs_diff, p.pearson, p.qwk))]
        for p in (*found.parts, found.overall)
    ]
    table(f"gradewise against {path.name}", heads, rows)
    levels, counts = found.confusion
    matrix = [[f"{a:g}", *row] for a, row in zip(levels, counts, strict=True)]
    table(
        "confusion (rows: gradewise, columns: the other grader)",
        ["", *(f"{b:g}" for b in levels)],
        matrix,
    )
    table(
        "worst disagreements",
        ["student", "part", "gradewise", "other", "by", "why"],
        [
            [p.student, p.address, f"{p.ours:g}", f"{p.theirs:g}", p.decided_by, p.why[:160]]
            for p in found.worst
        ],
    )
    if found.unmatched:
        click.echo(
            f"{len(found.unmatched)} rows matched no graded answer here, e.g."
            f" {', '.join(found.unmatched[:3])}"
        )


def _plain(value: Any) -> Any:
    """JSON-able: NaN (a figure that does not apply) becomes null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
