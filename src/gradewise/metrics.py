"""Figures of agreement between two lists of the same length: Pearson r, RMSE, quadratic
weighted kappa, accuracy and F1.

Pure functions on plain sequences, below every stage that compares marks: the measurement
harness (`gradewise.measure`) and the exam statistics (`reports/stats.py`) both use them, and
the statistics must not import the harness. NaN stands for a figure that does not apply.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    """Pearson correlation; NaN when either side is constant or there are fewer than 2 points."""
    n = len(x)
    if n < 2:
        return math.nan
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else math.nan


def rmse(x: Sequence[float], y: Sequence[float]) -> float:
    """Root mean squared difference; NaN for no points."""
    if not x:
        return math.nan
    return math.sqrt(sum((a - b) ** 2 for a, b in zip(x, y, strict=True)) / len(x))


def qwk(a: Sequence[int], b: Sequence[int]) -> float:
    """Quadratic weighted kappa between two integer ratings (1.0 = perfect, 0 = chance)."""
    if not a:
        return math.nan
    low, high = min(*a, *b), max(*a, *b)
    if low == high:
        return 1.0
    span = (high - low) ** 2
    n = len(a)
    hist_a, hist_b = Counter(a), Counter(b)
    observed = sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) / span / n
    expected = (
        sum(hist_a[i] * hist_b[j] * (i - j) ** 2 for i in hist_a for j in hist_b) / span / n / n
    )
    return 1.0 - observed / expected if expected > 0 else math.nan


def accuracy(truth: Sequence[str], guess: Sequence[str]) -> float:
    """Share of labels guessed exactly; NaN for no labels."""
    if not truth:
        return math.nan
    return sum(t == g for t, g in zip(truth, guess, strict=True)) / len(truth)


def f1_scores(truth: Sequence[str], guess: Sequence[str]) -> dict[str, float]:
    """F1 per class of the truth."""
    out = {}
    for label in sorted(set(truth)):
        tp = sum(t == g == label for t, g in zip(truth, guess, strict=True))
        predicted = sum(g == label for g in guess)
        actual = sum(t == label for t in truth)
        out[label] = 2 * tp / (predicted + actual) if predicted + actual else 0.0
    return out


def macro_f1(truth: Sequence[str], guess: Sequence[str]) -> float:
    """Unweighted mean of the per-class F1 (classes of the truth)."""
    scores = f1_scores(truth, guess)
    return sum(scores.values()) / len(scores) if scores else math.nan


def weighted_f1(truth: Sequence[str], guess: Sequence[str]) -> float:
    """Per-class F1 weighted by how often each class is the truth."""
    scores = f1_scores(truth, guess)
    counts = Counter(truth)
    return sum(scores[c] * counts[c] for c in scores) / len(truth) if truth else math.nan
