"""Sentence encoders side by side: all-MiniLM-L6-v2 (int8, shipped) against all-mpnet-base-v2
(int8, built by tools/encoder/build_mpnet.py) — speed, memory, size, and what each gives the
`learned` judge and the embedding baseline on the learning curve, everything else equal.

Speed: `--sample` distinct student answers of the data sets (seeded), encoded from cold with
no cache, in batches as the judges do, with `--threads` onnxruntime threads; answers/s, and
the process's resident memory before the model is loaded and after encoding. Say the machine's
load with the figures (printed).

Gain: for each data set and k, the rows of benchmarks/bench_curve.py (the same marks, the same
answers predicted) for `learned` as shipped and for the per-question logistic regression over
the embedding, with each encoder. The learned judge's forest and its confidence curve were
fitted on MiniLM features and are not refitted here: a swapped encoder changes only the vectors.
Vectors are kept in `--cache` (SQLite, by encoder and text), so a second run encodes nothing.

    make encoder-experiment    # build the mpnet ONNX, then this with the defaults below
    nice -n 10 timeout 3000 .venv/bin/python benchmarks/bench_encoder.py \
        [--encoder minilm --encoder mpnet] [--data-set beetle] [--k 0 --k all] [--speed-only]

Never run on ASAP-SAS or SciEntsBank unseen_domains (kept for outside checks; not in ../shared).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import sqlite3
import time
import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from bench_curve import DATA, baseline, figure, judge_predictor, scale_kappa, split_rows

from gradewise.judges import _embed
from gradewise.judges._embed import Encoder, EncoderSpec
from gradewise.judges.learned import LearnedJudge
from gradewise.judges.text import references
from gradewise.measure.figures import metrics
from gradewise.measure.graded import read_graded

MPNET_DIR = Path(__file__).resolve().parents[1] / "tools" / "encoder" / "model"
DATA_SETS = ("scientsbank", "saf2", "beetle")
KS = ("0", "10", "50", "all")


def mpnet_spec(folder: Path) -> EncoderSpec:
    """all-mpnet-base-v2 int8 as build_mpnet.py wrote it (hashes from its encoder.json)."""
    meta = json.loads((folder / "encoder.json").read_text())
    return EncoderSpec(
        "all-mpnet-base-v2-int8",
        meta["model_sha256"],
        meta["tokenizer_sha256"],
        lambda: folder / "model.onnx",
        lambda: folder / "tokenizer.json",
        max_tokens=384,  # sentence-transformers' max_seq_length for this model
        dim=768,
        pad_id=1,
        pad_token="<pad>",
    )


class FileStore:
    """A VectorStore in one SQLite file, so that the benchmark never encodes a text twice."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute("create table if not exists v (model, key, vec, primary key (model, key))")

    def load_vectors(self, model: str, keys: Sequence[str]) -> dict[str, bytes]:
        found = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            sql = f"select key, vec from v where model = ? and key in ({marks})"
            found.update(self.db.execute(sql, [model, *chunk]).fetchall())
        return found

    def save_vectors(self, model: str, vectors: Mapping[str, bytes]) -> None:
        rows = [(model, k, v) for k, v in vectors.items()]
        self.db.executemany("insert or replace into v values (?, ?, ?)", rows)
        self.db.commit()


def memory_mb(field: str) -> float:
    """The process's resident memory (Linux): now (VmRSS) or at its peak (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def file_mb(path: Path) -> float:
    return path.stat().st_size / 1e6


def speed(name: str, mpnet_dir: Path, texts: list[str], threads: int) -> str:
    """One table row, measured in this (fresh) process: answers/s from cold (no cache) on the
    wall clock and per CPU-second of the process, the peak memory the model and its batches
    added, the model file's size."""
    spec = mpnet_spec(mpnet_dir) if name == "mpnet" else _embed.MINILM
    before = memory_mb("VmRSS")
    encoder = Encoder(threads=threads, cache_size=0, spec=spec)
    encoder.embed(texts[:8])  # load the model: not part of the rate
    wall, cpu = time.perf_counter(), time.process_time()
    encoder.embed(texts[8:])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    n = len(texts) - 8
    size = file_mb(spec.model_path())
    grown = memory_mb("VmHWM") - before
    return (
        f"| {name} | {spec.dim} | {size:.0f} MB | {n / wall:.0f} | {n / cpu:.0f} | {grown:.0f} MB |"
    )


def sample_answers(files: list[Path], n: int, seed: int) -> list[str]:
    answers = sorted({r.answer for f in files for r in read_graded(f) if r.answer.strip()})
    return random.Random(seed).sample(answers, min(n, len(answers)))


def cosine_agreement(files: list[Path], encoders: dict[str, Encoder]) -> None:
    """The encoder alone, nothing fitted: how well an answer's best cosine to a reference
    follows its share of the marks (Pearson r, pooled and the mean over questions), on the
    answers every k predicts (`unseen_answers`)."""
    names = list(encoders)
    print(
        "\n| data set | n | "
        + " | ".join(f"cosine r, {n}: pooled / per question" for n in names)
        + " |"
    )
    print("|---|---|" + "---|" * len(names))
    for path in files:
        rows = [r for r in read_graded(path) if r.split == "unseen_answers" and r.answer.strip()]
        cells = []
        for encoder in encoders.values():
            refs = {t for r in rows for t in references(r.reference)}
            vectors = dict(zip(sorted(refs), encoder.embed(sorted(refs)), strict=True))
            answers = encoder.embed([r.answer for r in rows])
            best = [
                max(float(a @ vectors[t]) for t in references(r.reference))
                for r, a in zip(rows, answers, strict=True)
            ]
            share = [r.score / r.max_score for r in rows]
            by_q: dict[str, list[int]] = defaultdict(list)
            for i, r in enumerate(rows):
                by_q[r.question_id].append(i)
            per_q = [pearson([best[i] for i in ix], [share[i] for i in ix]) for ix in by_q.values()]
            per_q = [x for x in per_q if not math.isnan(x)]
            cells.append(f"{pearson(best, share):.3f} / {sum(per_q) / len(per_q):.3f}")
        print(f"| {path.stem} | {len(rows)} | " + " | ".join(cells) + " |", flush=True)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson's r; NaN when either side is constant."""
    x, y = np.asarray(xs), np.asarray(ys)
    if len(x) < 2 or x.std() == 0 or y.std() == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def curve(files: list[Path], encoders: dict[str, Encoder], ks: Sequence[str], seed: int) -> None:
    """Learned (as shipped) and embedding-logistic figures per encoder, row by row."""
    names = list(encoders)
    head = " | ".join(f"learned, {n} | embedding logistic, {n}" for n in names)
    print(f"\n| data set | k | n | {head} | seconds |")
    print("|---|---|---|" + "---|" * (2 * len(names)) + "---|")
    for path in files:
        rows = [r for r in read_graded(path) if r.split in ("train", "unseen_answers", "all")]
        two_way = {r.max_score for r in rows} == {1.0}
        for k in ks:
            marks, predicted = split_rows(rows, k, random.Random(seed))
            if not predicted:
                continue
            start = time.perf_counter()
            cells = []
            for encoder in encoders.values():
                judge = LearnedJudge(encoder)
                runs = [judge_predictor(judge)(marks, predicted)]
                if k != "0":
                    runs.append(baseline("embedding", judge)(marks, predicted))
                cells += [
                    figure(metrics(r, protocol=k, seconds=1), scale_kappa(r), two_way) for r in runs
                ]
                cells += ["—"] * (2 - len(runs))
            took = time.perf_counter() - start
            line = f"| {path.stem} | {k} | {len(predicted)} | " + " | ".join(cells)
            print(line + f" | {took:.0f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--encoder", action="append", choices=("minilm", "mpnet"))
    parser.add_argument("--mpnet-dir", type=Path, default=MPNET_DIR)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--data-set", action="append", help="file stem part (repeat)")
    parser.add_argument("--k", action="append")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=400, help="answers timed per encoder")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/gradewise-encoder-vectors.db"))
    parser.add_argument("--speed-only", action="store_true")
    parser.add_argument("--cosine-only", action="store_true", help="no learning curve")
    args = parser.parse_args()
    files = sorted(args.data.glob("*.csv")) if args.data.is_dir() else []
    files = [f for f in files if any(d in f.stem for d in args.data_set or DATA_SETS)]
    if not files:
        print(f"skipped: no graded-answer data sets in {args.data} (they live beside the checkout)")
        return
    specs = {"minilm": _embed.MINILM}
    if (args.mpnet_dir / "encoder.json").exists():
        specs["mpnet"] = mpnet_spec(args.mpnet_dir)
    chosen = {n: specs[n] for n in args.encoder or specs if n in specs}
    if "mpnet" not in specs:
        print(f"no mpnet model in {args.mpnet_dir}: run tools/encoder/build_mpnet.py first")
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.threads} threads, load average {load}, {args.sample} answers each")
    print(
        "\n| encoder | dim | int8 ONNX | answers/s | answers per CPU-second | peak memory added |"
    )
    print("|---|---|---|---|---|---|")
    texts = sample_answers(files, args.sample, args.seed)
    spawn = multiprocessing.get_context("spawn")  # a fresh process each: memory is the model's
    for name in chosen:
        with spawn.Pool(1) as pool:
            print(pool.apply(speed, (name, args.mpnet_dir, texts, args.threads)), flush=True)
    if args.speed_only:
        return
    warnings.filterwarnings("ignore")
    store = FileStore(args.cache)
    encoders = {}
    for name, spec in chosen.items():
        encoder = Encoder(threads=args.threads, spec=spec)
        encoder._store = store  # kept for the whole run (what `persisting` does in a block)
        encoders[name] = encoder
    cosine_agreement(files, encoders)
    if not args.cosine_only:
        curve(files, encoders, args.k or KS, args.seed)


if __name__ == "__main__":
    main()
