"""Throughput of the keyed pipeline on a generated exam: 200 students × 25 keyed parts.

Measures, on this machine: segmentation (scripts/s), grading end to end through the workspace
(ingest + segment + check + score + store; part-answers/s, expressions included), a re-run with
nothing changed, and peak memory. Prints a Markdown table for BENCHMARKS.md.

    .venv/bin/python benchmarks/bench_pipeline.py [--students 200] [--seed 1]
    .venv/bin/python benchmarks/bench_pipeline.py --distinct-expressions   # no cache hits
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

from gradewise.exam import load_exam_text
from gradewise.scripts.segment import segment
from gradewise.workspace import init_workspace, open_workspace

EXPRESSIONS = [
    (
        r"\sigma(z)(1-\sigma(z))",
        [r"\sigma(z)-\sigma(z)^2", r"\sigma(z)(1-\sigma(z))", r"\sigma(z)^2"],
    ),
    (r"2X^T(Xw-y)", [r"2X^T(Xw-y)", r"2X^TXw-2X^Ty", r"2(Xw-y)X^T"]),
    (r"\frac{1}{1+e^{-x}}", [r"1/(1+e^{-x})", r"\frac{e^x}{1+e^x}", r"\frac{1}{1-e^{-x}}"]),
    (r"\log(1+e^{x})", [r"\ln(1+e^x)", r"\log(1+e^{x})", r"\log(e^x)"]),
    (r"x^2+2x+1", [r"(x+1)^2", r"x^2+2x+1", r"(x-1)^2"]),
]


def make_exam() -> str:
    """25 keyed parts: 5 each of choice, true/false, numeric scalar, numeric vector, expression."""
    lines = [
        "schema_version: 1",
        "exam: {id: bench, title: Bench}",
        "sections:",
        "  - id: I",
        "    title: All",
        "    questions:",
    ]
    for q in range(1, 26):
        lines += [
            f'      - id: "{q}"',
            "        marks: 2",
            f"        prompt: Q{q}",
            f"        key: {_key(q)}",
        ]
    return "\n".join(lines) + "\n"


def _key(q: int) -> str:
    kind = q % 5
    if kind == 0:
        return "{kind: choice, options: {a: A, b: B, c: C, d: D}, correct: [b, d]}"
    if kind == 1:
        return "{kind: truefalse, value: true}"
    if kind == 2:
        return f"{{kind: numeric, value: {q / 7:.6f}, tol: {{abs: 0.001}}}}"
    if kind == 3:
        return f"{{kind: numeric, value: [32, {q}, 26, 26]}}"
    gold = EXPRESSIONS[(q // 5) % len(EXPRESSIONS)][0]
    return "{kind: expression, value: '" + gold + "'}"


def _answer(q: int, rng: random.Random, distinct: bool = False) -> str:
    kind = q % 5
    if kind == 0:
        return rng.choice(["Ans: B, D", "b and d", "B,D //", "(c)", "BD"])
    if kind == 1:
        return rng.choice(["True", "False, because it is not convex", "T", "yes"])
    if kind == 2:
        return rng.choice([f"{q}/7", f"= {q / 7:.3f}", f"\\frac{{{q}}}{{7}}", f"{q / 7 + 0.1:.3f}"])
    if kind == 3:
        return rng.choice([f"[32, {q}, 26, 26]", f"32 x {q} x 26 x 26", f"(32, {q}, 24, 24)"])
    forms = EXPRESSIONS[(q // 5) % len(EXPRESSIONS)][1]
    form = rng.choice(forms)
    if distinct:  # an equivalent but never-seen string: defeats the cache, as a worst case
        k = rng.randint(2, 10**6)
        form = f"{form} + {k}x - {k}x"
    return "so the result is $" + form + "$"


def make_script(rng: random.Random, distinct: bool = False) -> str:
    style = rng.choice(["Q{q}", "Question {q}:", "{q})", "**{q}.**"])
    answers = (style.format(q=q) + " " + _answer(q, rng, distinct) for q in range(1, 26))
    return "\n\n".join(answers) + "\n"


def _workers_peak_mb() -> str:
    """VmHWM of this process's live children (Linux /proc), e.g. '180, 175 MiB'."""
    pids: list[str] = []
    for children in Path("/proc/self/task").glob("*/children"):
        pids += children.read_text().split()
    peaks = []
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(str(int(line.split()[1]) // 1024))
    return ", ".join(peaks) + " MiB" if peaks else "no live workers"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--distinct-expressions",
        action="store_true",
        help="every expression answer a new string (no cache hits): the worst case",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    scripts = [make_script(rng, args.distinct_expressions) for _ in range(args.students)]
    exam = load_exam_text(make_exam())

    start = time.perf_counter()
    for text in scripts:
        segment(text, exam)
    seg_rate = len(scripts) / (time.perf_counter() - start)

    with tempfile.TemporaryDirectory() as tmp:
        root = init_workspace(Path(tmp) / "ws")
        (root / "exam.yaml").write_text(make_exam())
        for i, text in enumerate(scripts):
            (root / "scripts" / f"s{i:04d}.md").write_text(text)
        ws = open_workspace(root)
        start = time.perf_counter()
        ws.add_scripts([root / "scripts"])
        graded = ws.grade()
        total = time.perf_counter() - start
        start = time.perf_counter()
        regraded = ws.grade()
        rerun = time.perf_counter() - start
        review = sum(1 for g in ws.grades() if g.needs_review)
        workers = _workers_peak_mb()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("| measure | value |\n|---|---|")
    print(f"| scripts × keyed parts | {args.students} × 25 = {graded} part-answers |")
    print(f"| segmentation | {seg_rate:.0f} scripts/s |")
    print(
        "| end to end (ingest, segment, check, score, store) |"
        f" {graded / total:.0f} part-answers/s ({total:.2f} s) |"
    )
    print(f"| re-run, nothing changed | {rerun:.2f} s, {regraded} re-graded |")
    print(f"| answers sent to review | {review} |")
    print(f"| peak memory (main process) | {peak_mb:.0f} MiB |")
    print(f"| peak memory (expression workers, each) | {workers} |")


if __name__ == "__main__":
    main()
