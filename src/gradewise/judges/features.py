"""Feature builders for the embedding judges: an answer beside its references, as the numbers
a model weighs.

`embed_items` turns the texts of a batch of items into sentence vectors (one call to the
encoder); the feature functions read those vectors and the words. A `FeatureSet` names the
features a model was trained on, so a model file can refuse features it was not fitted to.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from gradewise.judges._embed import DIM, Encoder
from gradewise.judges.lexical import word_score
from gradewise.judges.registry import JudgeItem
from gradewise.judges.text import references, sentences, terms

Vectors = dict[str, np.ndarray]
_RUBRIC_WORDS = terms("mention state explain say name give describe note identify")

# The similarity judge's features (see `similarity_features`).
FEATURES = ("cosine", "words", "question_excess", "log_length", "cosine_x_words")
# The similarity judge's five, then alignment features (see `rich_features`).
LEARNED_FEATURES = (
    *FEATURES,
    "mean_cosine",
    "question_answer",
    "question_reference",
    "precision",
    "recall",
    "length_ratio",
)


@dataclass(frozen=True)
class FeatureSet:
    """A model's inputs: their names, how they are computed for one answer of an item, and which
    of them is the answer's best cosine to a reference (the figure a verdict's reason shows)."""

    names: tuple[str, ...]
    compute: Callable[[JudgeItem, str, Vectors], list[float]]
    cosine_at: int = 0

    def cosine(self, f: Sequence[float]) -> float:
        """The best cosine among computed features `f`."""
        return f[self.cosine_at]


def target(item: JudgeItem) -> JudgeItem:
    """A rubric criterion with content words of its own is what the answer must match;
    without one, the whole reference."""
    if not terms(item.criterion) - _RUBRIC_WORDS:
        return item
    return replace(item, reference=item.criterion)


def embed_items(
    encoder: Encoder, items: Sequence[JudgeItem], *, by_sentence: bool = False
) -> Vectors:
    """Sentence vectors of every text the items hold: answers, questions, references and marked
    answers (and each answer's sentences with `by_sentence`), in one call to the encoder."""
    texts: set[str] = set()
    for item in items:
        texts.update([item.answer, item.question, *references(item.reference)])
        texts.update(e.answer for e in item.examples)
        if by_sentence:
            texts.update(item.answer[a:b] for a, b in sentences(item.answer))
    ordered = sorted(t for t in texts if t.strip())
    return dict(zip(ordered, encoder.embed(ordered), strict=True))


def cos(vectors: Vectors, a: str, b: str) -> float:
    """The cosine of two embedded texts (vectors are unit length); 0 if either is missing."""
    if a not in vectors or b not in vectors:
        return 0.0
    return float(vectors[a] @ vectors[b])


def vector(vectors: Vectors, text: str) -> np.ndarray:
    """A text's vector; for a text that was not embedded (blank), zeros as wide as the
    encoder's vectors (those already embedded; MiniLM's width when there are none)."""
    found = vectors.get(text)
    if found is not None:
        return found
    width = len(next(iter(vectors.values()))) if vectors else DIM
    return np.zeros(width, dtype=np.float32)


def similarity_features(item: JudgeItem, answer: str, vectors: Vectors) -> list[float]:
    """What the embedding judges look at, in the order of FEATURES."""
    cosine = max((cos(vectors, answer, r) for r in references(item.reference)), default=0.0)
    asked = cos(vectors, answer, item.question)
    words = word_score(JudgeItem(item.question, item.reference, answer)).value
    length = math.log1p(len(answer.split())) / 5
    return [cosine, words, max(0.0, asked - cosine), length, cosine * words]


def rich_features(item: JudgeItem, answer: str, vectors: Vectors) -> list[float]:
    """The similarity judge's features, then: the mean cosine over the references (not only
    the closest), the answer's and the references' closeness to the question, which share of
    the answer's own content words the references use (precision) and of theirs the answer
    uses (recall) — words of the question left out of both — and the answer's length against
    the reference's (log ratio)."""
    refs = references(item.reference) or [item.reference]
    cosines = [cos(vectors, answer, r) for r in refs]
    asked = terms(item.question)
    said = terms(answer) - asked
    wanted = frozenset().union(*(terms(r) for r in refs)) - asked
    shared = len(said & wanted)
    ratio = math.log1p(len(answer.split())) - math.log1p(min(len(r.split()) for r in refs))
    return [
        *similarity_features(item, answer, vectors),
        sum(cosines) / len(cosines),
        cos(vectors, answer, item.question),
        max(cos(vectors, item.question, r) for r in refs),
        shared / len(said) if said else 0.0,
        shared / len(wanted) if wanted else 0.0,
        ratio / 3,
    ]


SIMILARITY = FeatureSet(FEATURES, similarity_features)
RICH = FeatureSet(LEARNED_FEATURES, rich_features)
