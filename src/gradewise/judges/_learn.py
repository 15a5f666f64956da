"""Learning from the human's marks, shared by the judges: calibrate, then ask the neighbours.

Two lessons come from the answers a human has marked for a part: an offset that moves the
judge's zero-shot scale onto this grader's (mean gap on the marked answers), and a
similarity-weighted estimate from the marked answers most like the one being judged. They are
blended by how close and how unanimous those neighbours are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Neighbours:
    estimate: float
    closeness: float  # the best similarity, 0..1
    spread: float  # how much the close neighbours disagree, 0..1


def neighbours(sims: Sequence[float], fractions: Sequence[float], k: int = 5) -> Neighbours | None:
    """A similarity-weighted mean of the k most similar marked answers."""
    scored = sorted(zip(sims, fractions, strict=True), reverse=True)[:k]
    scored = [(max(0.0, s), f) for s, f in scored]
    weight = sum(s * s for s, _ in scored)
    if weight == 0:
        return None
    estimate = sum(s * s * f for s, f in scored) / weight
    spread = math.sqrt(sum(s * s * (f - estimate) ** 2 for s, f in scored) / weight)
    return Neighbours(estimate, scored[0][0], min(1.0, 2 * spread))


def offset(zero_of_marked: Sequence[float], marked: Sequence[float]) -> float:
    """Mean gap between the human's marks and the zero-shot fractions of the same answers."""
    gaps = [m - z for z, m in zip(zero_of_marked, marked, strict=True)]
    return sum(gaps) / len(gaps) if gaps else 0.0


def blend(zero: float, shift: float, near: Neighbours | None) -> tuple[float, float]:
    """(fraction, confidence) from the calibrated zero-shot fraction and the neighbours."""
    calibrated = min(1.0, max(0.0, zero + shift))
    if near is None:
        return calibrated, 0.5 + 0.4 * abs(2 * calibrated - 1)
    trust = near.closeness * (1 - near.spread)
    fraction = trust * near.estimate + (1 - trust) * calibrated
    return fraction, 0.5 + 0.45 * max(abs(2 * fraction - 1), trust)


def zero_shot_confidence(fraction: float) -> float:
    """With no marks to learn from, sure only far from the middle of the scale."""
    return 0.5 + 0.45 * abs(2 * fraction - 1)


def sigmoid(z: float) -> float:
    """The logistic function, its argument clamped to ±50 (no overflow)."""
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))


def logit(p: float) -> float:
    """The inverse of `sigmoid`, p clamped to [1e-4, 1 - 1e-4]."""
    p = min(1 - 1e-4, max(1e-4, p))
    return math.log(p / (1 - p))
