"""Which answers the human should mark next: the ones that teach the judges most.

A judge learns a part from its marked answers through their neighbours, so the best next
answer to mark is the one that stands for the most answers not yet covered by a marked one.
That is greedy facility location over the answers' similarities: each pick maximises the gain
in Σ over the *other* answers of the similarity to their closest marked (or picked) answer,
plus a small weight for the answer itself (its own mark is worth something too, and it breaks
ties toward the answers least like anything marked). The first picks are the centres of the
largest groups of like answers; outliers (a lone gibberish answer) come last, since marking
them teaches nothing about the rest. Greedy is within 1 − 1/e of the best possible coverage
(the objective is submodular).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np

SELF = 0.05  # what an answer's own mark is worth, against teaching the others


def teach_order(similarity: np.ndarray, k: int, marked: Sequence[int] = ()) -> list[int]:
    """Up to k indices (not in `marked`), best to mark first, by greedy facility location.

    `similarity` is a square matrix over all answers (marked ones included), higher = more
    alike; negative similarities count as 0.
    """
    sims = np.clip(np.asarray(similarity, dtype=np.float64), 0.0, None)
    n = sims.shape[0]
    others = sims.copy()
    np.fill_diagonal(others, 0.0)
    covered = np.zeros(n)
    free = np.ones(n, dtype=bool)
    for i in marked:
        covered = np.maximum(covered, sims[i])
        covered[i], free[i] = 1.0, False
    picks: list[int] = []
    for _ in range(min(k, int(free.sum()))):
        gains = np.clip(others - covered[None, :], 0.0, None).sum(axis=1)
        gains += SELF * (1.0 - covered)
        gains[~free] = -1.0
        best = int(np.argmax(gains))  # ties: the lowest index, so the order is reproducible
        picks.append(best)
        covered = np.maximum(covered, sims[best])
        covered[best], free[best] = 1.0, False
    return picks


def cosine_matrix(vectors: np.ndarray) -> np.ndarray:
    """Cosine similarities between the rows of `vectors` (zero rows are alike to nothing)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = np.divide(vectors, norms, out=np.zeros_like(vectors, dtype=np.float64), where=norms > 0)
    return unit @ unit.T


def seeded_order(n: int, k: int, rng: random.Random, marked: Sequence[int] = ()) -> list[int]:
    """Up to k indices (not in `marked`) at random, reproducible from the seed: the choice when
    no judge can tell which answers teach most (no model, or a chooser that failed)."""
    taken = set(marked)
    free = [i for i in range(n) if i not in taken]
    return sorted(rng.sample(free, min(k, len(free))))
