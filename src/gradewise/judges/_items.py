"""Rubric items learn too: each item-marked answer is a labelled example for every item of its
part, and with enough labels an item gets a classifier of its own.

Labels (`item_labels`): a hand mark that applies rubric items says, for each item of the part,
applied (1) or not (0) — an item the grader removed is one not applied. A plain number says
nothing about any item, and neither does a mark about an item added to the rubric after it was
made (the grader never saw that item), nor about an item since deleted.

The classifier is the part model's recipe (judges/_part.py: ridge over TF-IDF word and character
n-grams, and over the sentence embedding and alignment features, blended with the global forest
by held-out error on the item's own labels), fitted on 0/1 targets: its grade scale is then
applied / not applied, and its confidence is fitted on how often its held-out proposals agreed
with the labels, and is no surer than the forest reading the same labels (`checked`). It takes
over from the forest once an item has `MIN_LABELS` labels of both kinds. Its evidence for a
proposed item is the answer's sentence that the item's word model scores highest (`evidence`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from gradewise.judges import _part
from gradewise.judges.registry import Example, JudgeItem
from gradewise.judges.text import sentences
from gradewise.model import ManualMark, Part

# An item's classifier needs this many labels, both kinds among them. Measured by
# benchmarks/bench_items.py (BENCHMARKS.md, "Rubric items").
MIN_LABELS = 25


@dataclass(frozen=True)
class ItemMark:
    """One hand-marked answer as the items read it: its text, the mark, and the items added to
    the part's rubric after the mark was made (the grader did not see them)."""

    answer: str
    mark: ManualMark
    unseen: frozenset[str] = frozenset()


def item_labels(part: Part, marks: Sequence[ItemMark]) -> dict[str, tuple[Example, ...]]:
    """Per item of the part (by id), its labels: 1.0 where a mark applies it, 0.0 where an item
    mark leaves it out; sorted, so the same marks always give the same lessons."""
    found: dict[str, list[Example]] = {}
    for marked in marks:
        if not marked.mark.by_items or not marked.answer.strip():
            continue  # a plain number, or nothing to learn from
        for criterion in part.criteria:
            if criterion.id not in marked.unseen:
                label = float(criterion.id in marked.mark.items)
                found.setdefault(criterion.id, []).append(Example(marked.answer, label))
    return {k: tuple(sorted(v, key=lambda e: (e.answer, e.fraction))) for k, v in found.items()}


def enough(item: JudgeItem, labels: Sequence[float]) -> bool:
    """Whether a criterion's labels can teach it a classifier: enough of them, all 0 or 1,
    both kinds present."""
    kinds = {round(float(v), 6) for v in labels}
    return bool(item.criterion) and len(labels) >= MIN_LABELS and kinds == {0.0, 1.0}


def checked(
    sure: Sequence[float], proposed: Sequence[float], forest: np.ndarray, forest_sure: np.ndarray
) -> list[float]:
    """The classifier's confidence in each proposal, no surer than the forest reading the same
    labels: where the forest agrees (applied: a fraction of at least a half), as sure as the
    less sure of the two; where it disagrees, no surer than the chance the forest is wrong.

    Why: an item's labels come only from answers marked by items; an answer given a plain 0
    instead of "no item" is never among them, and the classifier can learn "one item of the
    group or the other" where the truth is "neither" (BENCHMARKS.md, "Rubric items")."""
    out = []
    for s, p, f, fs in zip(sure, proposed, forest, forest_sure, strict=True):
        agree = (p >= 0.5) == (f >= 0.5)
        out.append(float(min(s, fs if agree else 1.0 - fs)))
    return out


def evidence(
    answers: Sequence[str],
    fractions: Sequence[float],
    score: Callable[[Sequence[str]], np.ndarray],
) -> dict[str, tuple[int, int]]:
    """For each answer the item is proposed for (fraction 1) and that has several sentences,
    the span of the sentence that `score` (the item's word model: ridge over TF-IDF n-grams,
    fitted on the labels) scores highest. One-sentence answers are their own evidence (left
    to the judge)."""
    spans = {a: sentences(a) for a, f in zip(answers, fractions, strict=True) if f >= 1.0}
    spans = {a: s for a, s in spans.items() if s}
    if not spans:
        return {}
    scores = score([a[start:end] for a, found in spans.items() for start, end in found])
    out, at = {}, 0
    for answer, found in spans.items():
        best = int(np.argmax(scores[at : at + len(found)]))
        out[answer] = found[best]
        at += len(found)
    return out


def word_scorer(part: _part.TfIdf, fit: _part.PartFit) -> Callable[[Sequence[str]], np.ndarray]:
    """The item's word model as a scorer of other texts: the part's TF-IDF columns read them
    and the model's weights (`PartFit.linear`) score them, no second fit."""
    weights, intercept = fit.linear["words"]

    def score(texts: Sequence[str]) -> np.ndarray:
        return np.asarray(part.read(texts) @ weights + intercept)

    return score
