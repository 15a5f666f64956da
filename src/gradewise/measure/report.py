"""A judge measured on graded answers: every protocol on every test split, as figures and as
one row per prediction."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from gradewise.judges.registry import Judge
from gradewise.measure.figures import Metrics, Prediction, metrics
from gradewise.measure.protocols import Chooser, run_protocol
from gradewise.model import GradedAnswer
from gradewise.reports.csvfile import Cell, write_csv

PROTOCOLS_ALL = ("zero-shot", "k-shot:5", "k-shot:10", "train-test")
PREDICTION_COLUMNS = (
    "dataset",
    "split",
    "protocol",
    "question_id",
    "answer_id",
    "score",
    "predicted",
    "confidence",
)


@dataclass(frozen=True)
class Report:
    """One judge measured on graded answers: a Metrics per data set, split and protocol."""

    judge: str
    version: str
    seed: int
    results: tuple[Metrics, ...]
    # (protocol, prediction) for every answer predicted: `write_predictions`, not the JSON.
    predictions: tuple[tuple[str, Prediction], ...] = field(default=(), repr=False)
    # Each data set, split and protocol that predicted nothing, and why: said, never dropped.
    unmeasured: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-able values; NaN (a metric that does not apply) becomes null."""
        out = asdict(replace(self, predictions=()))
        del out["predictions"]
        out["results"] = [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in m.items()}
            for m in out["results"]
        ]
        return out


def evaluate(
    rows: Sequence[GradedAnswer],
    judge: Judge,
    protocols: Sequence[str] = ("zero-shot",),
    *,
    seed: int = 0,
    choose: Chooser | None = None,
) -> Report:
    """Run each protocol ('zero-shot', 'k-shot:5', ...) per data set and test split.

    `train` rows are never reported: they train a `Learner` judge and, in k-shot, are the
    already-marked answers of their questions.
    """
    results = []
    kept: list[tuple[str, Prediction]] = []
    unmeasured: list[str] = []
    splits = _by_split(rows)
    for (dataset, split), group in sorted(splits.items()):
        if split == "train":
            continue
        training = splits.get((dataset, "train"), [])
        for protocol in protocols:
            predictions, seconds = run_protocol(
                judge, protocol, group, training, seed=seed, choose=choose
            )
            if predictions:
                results.append(metrics(predictions, protocol=protocol, seconds=seconds))
                kept += [(protocol, p) for p in predictions]
            else:
                unmeasured.append(f"{dataset} {split} {protocol}: {_nothing(protocol)}")
    return Report(judge.id, judge.version, seed, tuple(results), tuple(kept), tuple(unmeasured))


def _nothing(protocol: str) -> str:
    """Why `protocol` predicted no answer of a split."""
    if protocol.startswith("k-shot:"):
        k = protocol.partition(":")[2]
        return f"no answer left to predict: no question has more than {k} graded answers"
    if protocol == "train-test":
        return "no answer to predict: the data set has no train split with these questions"
    return "no answer to predict"


def write_predictions(path: Path, report: Report) -> None:
    """One CSV row per predicted answer (`PREDICTION_COLUMNS`): the human's score, the judge's
    prediction on the same scale and its confidence, so any other figure can be computed."""
    rows: list[list[Cell]] = [
        [
            p.row.dataset,
            p.row.split,
            protocol,
            p.row.question_id,
            p.row.answer_id,
            p.row.score,
            p.score,
            p.confidence,
        ]
        for protocol, p in report.predictions
    ]
    write_csv(path, PREDICTION_COLUMNS, rows)


def _by_split(rows: Iterable[GradedAnswer]) -> dict[tuple[str, str], list[GradedAnswer]]:
    groups: dict[tuple[str, str], list[GradedAnswer]] = defaultdict(list)
    for row in rows:
        groups[(row.dataset, row.split)].append(row)
    return groups
