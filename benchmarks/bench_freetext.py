"""Free-text agreement with human graders on the data sets beside the checkout (../shared/data).

Runs `gradewise.measure` for every judge given (default: every installed judge) on every CSV
there, with the zero-shot, k-shot (k = 5, 10) and train-test protocols, and prints a Markdown
table for BENCHMARKS.md. Skips, with a message, when the data folder is absent (users'
machines have none).

    .venv/bin/python benchmarks/bench_freetext.py [--judge lexical] [--seed 0] [--limit-questions N]
    .venv/bin/python benchmarks/bench_freetext.py --throughput
    .venv/bin/python benchmarks/bench_freetext.py --reliability [--plot [DIR]]
        [--reliability-data mohler] [--reliability-protocol k-shot:10]

`--reliability` prints, per judge, confidence bins against observed agreement; `--plot` also
draws them as reliability diagrams, `reliability-<judge>.svg` in DIR (default
benchmarks/figures). The SVGs are byte-identical across reruns of the same results.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

from gradewise.judges._embed import Encoder
from gradewise.judges.learned import LearnedJudge
from gradewise.judges.registry import JudgeItem, judges
from gradewise.judges.similarity import SimilarityJudge
from gradewise.measure.figures import Metrics
from gradewise.measure.graded import read_graded
from gradewise.measure.protocols import first_questions
from gradewise.measure.report import PROTOCOLS_ALL, evaluate

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FIGURES = Path(__file__).resolve().parent / "figures"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--judge", action="append", help="judge id (repeat); default: all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--protocol",
        action="append",
        help="zero-shot, k-shot:K or train-test (repeat); default: all four",
    )
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument(
        "--limit-questions", type=int, help="only the first N questions of each data set"
    )
    parser.add_argument(
        "--throughput",
        action="store_true",
        help="only compare the raw encoder's rate with the judges' end-to-end rate",
    )
    parser.add_argument(
        "--reliability",
        action="store_true",
        help="only print reliability tables (confidence vs agreement) of one data set",
    )
    parser.add_argument(
        "--reliability-data",
        default="mohler",
        metavar="NAME",
        help="the data set of --reliability, by file stem (default mohler)",
    )
    parser.add_argument(
        "--reliability-protocol",
        default="k-shot:10",
        metavar="PROTOCOL",
        help="the protocol of --reliability: zero-shot or k-shot:K (default k-shot:10)",
    )
    parser.add_argument(
        "--plot",
        nargs="?",
        const=FIGURES,
        type=Path,
        metavar="DIR",
        help="with --reliability: also write reliability-<judge>.svg per judge to DIR "
        "(default benchmarks/figures)",
    )
    args = parser.parse_args()
    files = sorted(args.data.glob("*.csv")) if args.data.is_dir() else []
    if not files:
        print(f"skipped: no graded-answer data sets in {args.data} (they live beside the checkout)")
        return
    columns = [
        "judge",
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
    if args.throughput:
        throughput(files)
        return
    if args.reliability or args.plot is not None:
        reliability_tables(
            files,
            args.judge or judges().ids(),
            args.seed,
            data=args.reliability_data,
            protocol=args.reliability_protocol,
            limit=args.limit_questions,
            plot=args.plot,
        )
        return
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for judge_id in args.judge or judges().ids():
        judge = judges().get(judge_id)
        if judge is None:
            sys.exit(f"no judge {judge_id!r}; installed: {', '.join(judges().ids())}")
        for path in files:
            rows = read_graded(path)
            if args.limit_questions:
                rows = first_questions(rows, args.limit_questions)
            protocols = tuple(args.protocol or PROTOCOLS_ALL)
            for m in evaluate(rows, judge, protocols, seed=args.seed).results:
                print(_row(judge_id, m))


def reliability_tables(
    files: list[Path],
    judge_ids: list[str],
    seed: int,
    *,
    data: str = "mohler",
    protocol: str = "k-shot:10",
    limit: int | None = None,
    plot: Path | None = None,
) -> None:
    """Confidence bins against observed agreement, per judge (and split) of the data set
    `data`: the data of a reliability diagram, drawn as one into `plot` when given."""
    rows = [r for p in files if p.stem == data for r in read_graded(p)]
    if not rows:
        sys.exit(f"no data set {data!r}; there are: {', '.join(p.stem for p in files)}")
    if limit:
        rows = first_questions(rows, limit)
    for judge_id in judge_ids:
        judge = judges().get(judge_id)
        if judge is None:
            sys.exit(f"no judge {judge_id!r}")
        results = evaluate(rows, judge, (protocol,), seed=seed).results
        for m in results:
            print(f"\n{judge_id}, {m.dataset} {m.split}, {protocol} (n = {m.n}):\n")
            print("| confidence | answers | mean confidence | agreement |\n|---|---|---|---|")
            for low, high, n, mean_c, agree in m.reliability:
                print(f"| {low:.1f}–{high:.1f} | {n} | {mean_c:.2f} | {agree:.2f} |")
            if plot is not None and m.reliability:
                # A data set with several test splits gets one diagram per split.
                name = judge_id if len(results) == 1 else f"{judge_id}-{m.split}"
                path = plot / f"reliability-{name}.svg"
                reliability_svg(m, judge_id, path)
                print(f"\nwrote {path}")


def reliability_svg(m: Metrics, judge_id: str, path: Path) -> None:
    """A reliability diagram: observed agreement against mean confidence per bin, beside the
    diagonal of perfect calibration, and below it how many answers fall in each bin."""
    import matplotlib

    matplotlib.use("Agg")  # no display, no GUI toolkit
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "gradewise"  # fixed ids: reruns give identical files
    plt.rcParams["svg.fonttype"] = "none"  # text stays text
    lows, highs, counts, confidence, agreement = zip(*m.reliability, strict=True)
    fig, (top, bottom) = plt.subplots(
        2, 1, sharex=True, figsize=(5, 5.5), gridspec_kw={"height_ratios": [3, 1]}
    )
    top.plot([0, 1], [0, 1], "--", color="grey", linewidth=1, label="perfect calibration")
    top.plot(confidence, agreement, "o-", color="#4a6fa5", label="per confidence bin")
    top.set(
        ylim=(0, 1.02),
        ylabel="observed agreement with the human",
        title=f"{judge_id}: {m.dataset} {m.split}, {m.protocol} (n = {m.n})",
    )
    top.legend(loc="upper left", frameon=False)
    widths = [high - low for low, high in zip(lows, highs, strict=True)]
    bottom.bar(lows, counts, width=widths, align="edge", color="#4a6fa5", edgecolor="white")
    bottom.set(
        xlim=(0, 1), xlabel="confidence (mean per bin above, bin ranges below)", ylabel="answers"
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)


def throughput(files: list[Path]) -> None:
    """Raw encoder rate vs judges end to end, same answers, same run, cold caches each time."""
    rows = [r for p in files if "scientsbank" in p.name for r in read_graded(p)]
    rows = [r for r in rows if r.split == "unseen_answers"]
    answers = [r.answer for r in rows]
    encoder = Encoder()
    encoder.embed(["warm up the session"])
    start = time.perf_counter()
    encoder.embed(answers)
    raw = len(answers) / (time.perf_counter() - start)
    print(f"raw encoder, {len(answers)} SciEntsBank unseen_answers answers: {raw:.0f} answers/s")
    texts = list({*answers, *(r.question for r in rows), *(r.reference for r in rows)})
    fresh = Encoder()
    fresh.embed(["warm up the session"])
    start = time.perf_counter()
    fresh.embed(texts)
    same_work = len(answers) / (time.perf_counter() - start)
    print(
        f"raw encoder on the texts a judge needs ({len(texts)}: answers, questions, references):"
        f" {same_work:.0f} answers/s"
    )
    for judge_cls in (SimilarityJudge, LearnedJudge):
        judge = judge_cls(Encoder())
        judge.judge_many([JudgeItem("q", "warm up", "warm up")])
        items = [JudgeItem(r.question, r.reference, r.answer, max_marks=r.max_score) for r in rows]
        start = time.perf_counter()
        judge.judge_many(items)
        rate = len(items) / (time.perf_counter() - start)
        print(
            f"{judge.id} judge end to end: {rate:.0f} answers/s = {rate / raw:.0%} of the raw"
            f" answers-only rate, {rate / same_work:.0%} of the same-texts rate"
        )


def _row(judge_id: str, m: Metrics) -> str:
    figures = m.figures()
    cells = ["—" if math.isnan(v) else f"{v:.3f}" for v in figures]
    return (
        f"| {judge_id} | {m.dataset} | {m.split} | {m.protocol} | {m.n} | "
        + " | ".join(cells)
        + f" | {m.answers_per_s:.0f} |"
    )


if __name__ == "__main__":
    main()
