"""An experiment, not shipped: a cross-encoder judge (question-less: the reference and the answer
in one pass), measured against the shipped judges and left out of the package (BENCHMARKS.md,
"Cross-encoder: measured, not shipped" says why).

The model is all-MiniLM-L6-v2 fine-tuned by `train.py` beside this file on the train splits of
SciEntsBank, Beetle and SAF with a fifth of their questions held out; the held-out answers
(the only ones whose logits the model did not learn from) fit the weights of a logistic model
over the cross-encoder's logit and the similarity judge's features (`train.py --stack-only`). It
runs in
onnxruntime with the project's checked tokenizer. Learning from the human's marks, evidence and
bad-input handling are the similarity judge's.

    make cross-experiment      # train (~25 minutes on 2 cores), stack, evaluate
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from gradewise.judges._embed import (
    Encoder,
    ModelMissing,
    _checked,
    checked_tokenizer,
    onnx_session,
)
from gradewise.judges.embedding import EmbeddingJudge
from gradewise.judges.features import FEATURES, FeatureSet, Vectors, similarity_features
from gradewise.judges.learned import LearnedJudge, LearnedModel
from gradewise.judges.registry import JudgeItem
from gradewise.judges.similarity import VERSION

if TYPE_CHECKING:
    from gradewise.model import GradedAnswer

MODEL_DIR = Path(__file__).resolve().parent / "model"
DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
CROSS_FEATURES = ("cross_logit", *FEATURES)
PAIR = "\x1f"  # joins the two texts of a pair into one cache key (never in exam text)


def first_text(question: str, reference: str) -> str:
    """The first segment the model reads (as in training): the references, or the question
    where there is none. Not the question beside them: trained with it, the model learned
    its training questions by heart and did worse on new ones (see BENCHMARKS.md)."""
    refs = [r.strip() for r in reference.split("||") if r.strip()]
    return " | ".join(refs) if refs else question.strip()


@cache
def meta() -> dict[str, Any]:
    """What `tools/train_cross.py` wrote beside the model: sha256, data, settings."""
    text = (MODEL_DIR / "cross_model.json").read_text(encoding="utf-8")
    found: dict[str, Any] = json.loads(text)
    return found


def _model_path() -> Path:
    path = MODEL_DIR / "cross_model.onnx"
    if not path.is_file():
        raise ModelMissing(f"{path} is missing: run 'make cross-experiment'")
    return path


class CrossScorer(Encoder):
    """The cross-encoder's logit per (first text, answer) pair, batched and cached like the
    encoder's vectors (a one-float 'vector' per pair, kept in the workspace between runs)."""

    dim = 1

    def __init__(self, threads: int | None = None) -> None:
        super().__init__(threads)
        self.fingerprint = f"cross:{meta()['sha256'][:12]}"

    def logits(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        rows = self.embed([f"{first}{PAIR}{answer}" for first, answer in pairs])
        return [float(r[0]) for r in rows]

    def _encode(self, texts: list[str]) -> np.ndarray:
        session, tokenizer = self._load()
        pairs = [tuple(t.split(PAIR, 1)) for t in texts]
        encodings = tokenizer.encode_batch([(a, b or " ") for a, b in pairs])
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        logit = session.run(None, feeds)[0]
        return np.asarray(logit, dtype=np.float32).reshape(-1, 1)

    def _load(self) -> tuple[Any, Any]:
        if self._session is None:
            model = _checked(_model_path(), meta()["sha256"])
            tokenizer = checked_tokenizer(int(meta()["max_tokens"]))
            self._tokenizer, self._session = tokenizer, onnx_session(model, self.threads)
        return self._session, self._tokenizer


@cache
def shared_scorer() -> CrossScorer:
    """The process-wide cross-encoder: one model in memory and one cache."""
    return CrossScorer()


class Scored(dict[str, np.ndarray]):
    """Sentence vectors by text, plus the cross-encoder's logit by (first text, answer)."""

    logits: dict[tuple[str, str], float]


def default_weights() -> dict[str, Any]:
    """The shipped weights (fitted by `tools/train_cross.py` on answers to questions the model
    never saw in training); without them, the cross-encoder's own probability."""
    shipped: dict[str, Any] | None = meta().get("weights")
    if shipped is not None:
        if tuple(shipped["features"]) != CROSS_FEATURES:
            raise ValueError(
                "cross_model.json was fitted on other features: run 'make cross-experiment'"
            )
        return shipped
    return {
        "features": list(CROSS_FEATURES),
        "coef": [1.0] + [0.0] * len(FEATURES),
        "intercept": 0.0,
        "answers": meta()["answers"],
    }


def cross_features(item: JudgeItem, answer: str, vectors: Vectors) -> list[float]:
    """CROSS_FEATURES: the cross-encoder's logit for (first text, answer), then the similarity
    judge's features."""
    logits = getattr(vectors, "logits", {})
    logit = logits.get((first_text(item.question, item.reference), answer), 0.0)
    return [logit, *similarity_features(item, answer, vectors)]


CROSS = FeatureSet(CROSS_FEATURES, cross_features, cosine_at=1)


def explain(zero: float, cosine: float) -> str:
    """The cross judge's reason."""
    return f"read beside the reference by the cross-encoder: worth {zero:.0%} of the marks"


class CrossJudge(LearnedJudge):
    """The cross-encoder's logit and the similarity features → a logistic model: the learned
    judge's parts with other features, reason and vectors (the pairs' logits beside them)."""

    def __init__(
        self,
        encoder: Encoder | None = None,
        weights: dict[str, Any] | None = None,
        scorer: CrossScorer | None = None,
    ) -> None:
        self.scorer = scorer or shared_scorer()
        model = LearnedModel(weights or default_weights(), CROSS, "cross", explain)
        model.version = (
            f"1 (MiniLM cross-encoder {meta()['sha256'][:12]}, {meta()['answers']} training "
            f"answers; {VERSION})"
        )
        EmbeddingJudge.__init__(self, "cross", model, encoder)

    def feature_matrix(self, items: Sequence[JudgeItem]) -> np.ndarray:
        vectors = self.vectors(items, embed=True)  # a fit weighs every feature
        return np.array([self.model.inputs(item, item.answer, vectors) for item in items])

    def vectors(self, items: Sequence[JudgeItem], *, embed: bool = False) -> Vectors:
        # Sentence vectors only where something reads them: weights on the similarity features,
        # or marked answers (their neighbours). Weights on the logit alone need none.
        coef = self.model.weights["coef"]
        embed = embed or any(coef[1:]) or any(item.examples for item in items)
        scored = Scored(super().vectors(items) if embed else {})
        pairs = sorted(
            {
                (first_text(item.question, item.reference), answer)
                for item in items
                for answer in (item.answer, *(e.answer for e in item.examples))
                if answer.strip()
            }
        )
        scored.logits = dict(zip(pairs, self.scorer.logits(pairs), strict=True))
        return scored

    def fit(self, rows: Sequence[GradedAnswer]) -> CrossJudge:
        """Refitted to these graded answers, unless they come from a data set the model was
        trained on: its logits there are in-sample (too sure), and the shipped weights were
        already fitted on that data's held-out questions."""
        seen = {d.lower() for d in meta().get("datasets", ())}
        if rows and all(r.dataset.lower() in seen for r in rows):
            return self
        return cast(CrossJudge, super().fit(rows))

    def refitted(self, weights: dict[str, Any]) -> CrossJudge:
        return CrossJudge(self.encoder, weights, self.scorer)


def main() -> None:
    """--evaluate PROTOCOLS FILE...: `gradewise evaluate`'s protocols (comma-separated) on data
    sets of ../shared/data, as rows of BENCHMARKS.md's tables."""
    if sys.argv[1:2] != ["--evaluate"] or len(sys.argv) < 4:
        sys.exit("usage: judge.py --evaluate zero-shot,k-shot:10 FILE.csv ...")
    from gradewise.measure.graded import read_graded
    from gradewise.measure.report import evaluate

    judge = CrossJudge()
    for name in sys.argv[3:]:
        for m in evaluate(read_graded(DATA / name), judge, sys.argv[2].split(",")).results:
            print(
                f"| cross | {m.dataset} | {m.split} | {m.protocol} | {m.n} | {m.pearson:.3f} | "
                f"{m.rmse:.3f} | {m.qwk_pooled:.3f} | {m.accuracy:.3f} | {m.macro_f1:.3f} | "
                f"{m.weighted_f1:.3f} | {m.coverage:.3f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
