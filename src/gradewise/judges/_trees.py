"""A boosted forest of regression trees, read from JSON and applied with numpy.

`tools/train_judge.py` fits the trees with scikit-learn at build time and writes them here as
flat arrays; grading needs numpy only. Every tree's nodes sit in the same arrays: a node with
feature -1 is a leaf, any other sends a row left when its feature is ≤ the threshold. The
prediction is the baseline plus one leaf value per tree (the learning rate is in the values).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Forest:
    features: tuple[str, ...]
    baseline: float
    roots: np.ndarray  # the first node of each tree
    feature: np.ndarray  # per node: the feature tested, -1 at a leaf
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray  # per node: the leaf's contribution (0 elsewhere)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Forest:
        """The forest of a model file; a malformed one is a ValueError naming the field."""
        try:
            arrays = {
                name: np.asarray(data[name])
                for name in ("roots", "feature", "threshold", "left", "right", "value")
            }
            forest = cls(
                features=tuple(data["features"]),
                baseline=float(data["baseline"]),
                roots=arrays["roots"].astype(np.int64),
                feature=arrays["feature"].astype(np.int64),
                threshold=arrays["threshold"].astype(np.float64),
                left=arrays["left"].astype(np.int64),
                right=arrays["right"].astype(np.int64),
                value=arrays["value"].astype(np.float64),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"the forest in the model file is malformed ({exc!r})") from exc
        n = len(forest.feature)
        nodes = (forest.threshold, forest.left, forest.right, forest.value)
        if not all(len(a) == n for a in nodes):
            raise ValueError("the forest's node arrays differ in length")
        inner = forest.feature >= 0
        if forest.feature.max(initial=-1) >= len(forest.features) or (
            inner.any() and not _within(forest, inner, n)
        ):
            raise ValueError("the forest points at features or nodes it does not have")
        return forest

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "baseline": self.baseline,
            "roots": self.roots.tolist(),
            "feature": self.feature.tolist(),
            "threshold": self.threshold.tolist(),
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "value": self.value.tolist(),
        }

    def predict(self, x: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
        """One prediction per row of x (columns in the order of `features`), all trees at
        once: each step moves every (row, tree) pair still at an inner node one level down."""
        rows = np.asarray(x, dtype=np.float64)
        if rows.ndim != 2 or rows.shape[1] != len(self.features):
            raise ValueError(f"expected rows of {len(self.features)} features, got {rows.shape}")
        rows = np.nan_to_num(rows)
        node = np.broadcast_to(self.roots, (len(rows), len(self.roots))).copy()
        row = np.arange(len(rows))[:, None]
        for _ in range(len(self.feature) + 1):  # no path is longer than the nodes are many
            tested = self.feature[node]
            inner = tested >= 0
            if not inner.any():
                break
            goes_left = (
                rows[np.broadcast_to(row, node.shape), np.maximum(tested, 0)]
                <= (self.threshold[node])
            )
            step = np.where(goes_left, self.left[node], self.right[node])
            node = np.where(inner, step, node)
        else:
            raise ValueError("the forest's trees loop back on themselves")
        result: np.ndarray = self.baseline + self.value[node].sum(axis=1)
        return result


def _within(forest: Forest, inner: np.ndarray, n: int) -> bool:
    children = np.concatenate([forest.left[inner], forest.right[inner]])
    return bool(children.min() >= 0 and children.max() < n and forest.roots.max() < n)
