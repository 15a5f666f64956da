"""A model of one part from its own marks: once a human has marked enough of a part's answers,
what this part's graders reward is learnt from them, not only from other data sets.

Candidates, each predicting a fraction of the marks for every answer of the part:
- `words`: ridge regression over TF-IDF word (1–2) and character (3–5, within words) n-grams;
- `meaning`: ridge regression over the sentence embedding and the alignment features;
- the global models' predictions (the judge's boosted forest and its zero-shot model, which
  never saw the part's marks), passed in as fixed candidates.
Ridge runs in its dual form on the marked answers (a kernel of m × m), so each refit is an
eigendecomposition of that kernel, and its leave-one-out predictions come in closed form.
The candidates are weighted by their held-out predictions on the part's own marks, every mark
held out (weights on a grid over the simplex, the best held-out squared error wins); the grid's
corners are the candidates alone, so the blend is never worse than any of them on those
held-out marks. A fixed candidate holds its marks out by `folds` (each mark alone while there
are at most MAX_FOLDS of them, then k-fold), which depend on the marks and their answers, never
on the order the human marked them in: the same marks always give the same model.

The blend is then put on the part's grade scale (the distinct marks the human gave) by
thresholds fitted on the held-out predictions, and its confidence is a logistic curve (Platt
scaling) from the distance to the nearest threshold to the chance of agreeing with the human,
fitted on the same held-out marks with a prior that keeps a few marks from making it sure.
`consensus` says how sure the part's models are together (what the judge's shipped curve reads).

Nothing here knows about parts or judges: a rubric item's classifier can reuse `fit_part` with
0/1 targets (applied or not) and the same blocks.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

import numpy as np

# A part model needs this many marks, with at least two different marks among them. Measured
# (benchmarks/bench_curve.py, BENCHMARKS.md): from 50 marks the blend beats the forest alone on
# Beetle; with 10 marks it loses on Beetle, SAF, SciEntsBank and Mohler, even though its
# weights are chosen by held-out error (10 held-out marks cannot tell), and with 25 it wins on
# two data sets and loses on two. With SciEntsBank's ~37 marks a question it wins (macro-F1
# 0.79 against the forest's 0.76 on unseen answers), hence 30, not 40. Keeping the forest
# unless the blend beat it by a standard error did not help: mixed models rank confidences worse.
MIN_MARKS = 30
# Ridge penalties tried (chosen per candidate by leave-one-out error).
PENALTIES = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
# The constant feature that carries ridge's intercept (penalised as 1/BIAS² of a feature).
BIAS = 3.0
# The blend's weights: multiples of this step that sum to 1; on a part marked right or wrong,
# of the finer TWO_WAY_STEP. Chosen on train splits only (bench_curve.py --train-only with a
# forest that never saw the predicted answers, BENCHMARKS.md, issue 15, session 7): the finer
# grid gained on right/wrong parts (SciEntsBank, Beetle) and lost on SAF's points at 50 marks.
WEIGHT_STEP = 0.1
TWO_WAY_STEP = 0.05
# A grade scale with more levels than this is treated as continuous (no thresholds).
MAX_LEVELS = 12
# N-grams are read from the start of an answer only (a 10,000-word answer costs no more).
MAX_CHARS = 4000
# The most frequent n-grams kept (by how many answers use them), words and characters.
MAX_WORDS, MAX_CHARGRAMS = 3000, 6000
# Confidence curve: Gaussian prior precisions on (slope, bias) toward (0, 0): with few marks
# the curve stays near 0.5; it sharpens as held-out marks accumulate.
CONFIDENCE_PRIOR = np.array([0.5, 1.0])
# Held-out agreement: the same grade, or within this share of the marks.
AGREEMENT_SHARE = 0.1
# Held-out predictions of a fixed candidate (the forest): each mark alone up to this many
# marks, then this many folds of about equal size. Refitting the forest's inputs costs one
# curve fit per fold (benchmarks/bench_refit.py).
MAX_FOLDS = 100

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Candidate:
    """A model's fractions: `held_out` for every marked answer, in the order of the marks,
    each predicted without its own mark; `predicted` for the answers to judge."""

    name: str
    held_out: np.ndarray
    predicted: np.ndarray
    # (weights, intercept) over the candidate's features, where it is linear in them (ridge):
    # what scores other rows in the same columns without a refit.
    linear: tuple[np.ndarray, float] | None = None


@dataclass(frozen=True)
class PartFit:
    """What a part's marks taught: the blend, its grade scale and its confidence."""

    weights: Mapping[str, float]
    levels: tuple[float, ...]  # the grade scale (fractions); () = continuous
    thresholds: tuple[float, ...]  # between consecutive levels
    raw: np.ndarray  # the blend's fraction per answer to judge
    fractions: np.ndarray  # on the grade scale
    confidence: np.ndarray
    held_out_error: float  # mean |blend on the scale − mark| on the held-out marks
    held_out_agreement: float  # share of held-out marks the blend agreed with
    marks: int
    # How sure the part's models are together, per answer to judge (`consensus`).
    agreed: np.ndarray = field(default_factory=lambda: np.zeros(0))
    linear: Mapping[str, tuple[np.ndarray, float]] = field(default_factory=dict)  # by candidate


def enough(marks: Sequence[float]) -> bool:
    """Whether a part's marks can teach a model of its own."""
    return len(marks) >= MIN_MARKS and len({round(m, 6) for m in marks}) >= 2


def fit_part(
    marks: np.ndarray,
    marked: np.ndarray,
    judged: np.ndarray,
    blocks: Mapping[str, np.ndarray],
    fixed: Sequence[Candidate] = (),
) -> PartFit:
    """The part's model. `blocks` are feature matrices with one row per answer of the part;
    `marked` (one per mark, in the order of `marks`) and `judged` index their rows. `fixed`
    candidates hold out every mark too (see `folds`)."""
    candidates = [ridge(name, x, marks, marked, judged) for name, x in blocks.items()]
    candidates += fixed
    if any(len(c.held_out) != len(marks) for c in candidates):
        raise ValueError("every candidate must hold out every mark")
    truth = marks
    levels = grade_scale(marks)
    weights = blend_weights([c.held_out for c in candidates], truth, weight_step(levels))
    mix = sum(w * c.held_out for w, c in zip(weights, candidates, strict=True))
    raw = sum(w * c.predicted for w, c in zip(weights, candidates, strict=True))
    mix, raw = np.clip(mix, 0.0, 1.0), np.clip(raw, 0.0, 1.0)
    thresholds = fit_thresholds(mix, truth, levels)
    snapped_held = snap(mix, levels, thresholds)
    agree = agreement(snapped_held, truth)
    curve = fit_confidence(sureness(mix, thresholds), agree)
    sure = 1 / (1 + np.exp(-(curve[0] * sureness(raw, thresholds) + curve[1])))
    return PartFit(
        weights={c.name: float(w) for c, w in zip(candidates, weights, strict=True)},
        levels=levels,
        thresholds=thresholds,
        raw=raw,
        fractions=snap(raw, levels, thresholds),
        confidence=sure,
        held_out_error=float(np.abs(snapped_held - truth).mean()),
        held_out_agreement=float(agree.mean()),
        marks=len(marks),
        linear={c.name: c.linear for c in candidates if c.linear is not None},
        agreed=consensus([c.predicted for c in candidates], raw, levels),
    )


def folds(answers: Sequence[str], marks: Sequence[float], most: int = MAX_FOLDS) -> np.ndarray:
    """Each mark's fold, 0 to min(n, most) − 1: the marks sorted by a digest of their answer
    (then the mark) and dealt out in turn, so folds are of about equal size, a mark's fold
    never depends on the order the marks were made in, and each mark is its own fold while
    there are at most `most`."""
    keys = [
        (hashlib.blake2b(a.encode("utf-8"), digest_size=8).digest(), round(float(m), 6), a)
        for a, m in zip(answers, marks, strict=True)
    ]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    fold = np.empty(len(keys), dtype=np.int64)
    fold[order] = np.arange(len(keys)) % max(1, min(len(keys), most))
    return fold


# features -----------------------------------------------------------------------------------


def ngrams(text: str) -> tuple[list[str], list[str]]:
    """(word 1- and 2-grams, character 3- to 5-grams within words) of the answer's start,
    lower-cased; a word's character n-grams see it padded by a space on each side."""
    words = _WORD.findall(text[:MAX_CHARS].lower())
    grams = words + [f"{a} {b}" for a, b in pairwise(words)]
    chars = []
    for word in set(words):
        padded = f" {word} "
        for n in (3, 4, 5):
            chars += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return grams, chars


@dataclass(frozen=True)
class TfIdf:
    """A set of texts' TF-IDF rows (`matrix`) and what reads more texts into the same columns:
    the n-grams kept (word, character) and their idf."""

    matrix: np.ndarray
    words: Mapping[str, int]
    chars: Mapping[str, int]
    word_idf: np.ndarray
    char_idf: np.ndarray

    def read(self, texts: Sequence[str]) -> np.ndarray:
        """Rows for other texts (a sentence of an answer) in these columns, with these idf;
        n-grams these texts never used are left out."""
        parsed = [ngrams(t) for t in texts]
        halves = [
            _rows([Counter(p[0]) for p in parsed], self.words, self.word_idf),
            _rows([Counter(p[1]) for p in parsed], self.chars, self.char_idf),
        ]
        return np.hstack(halves) / math.sqrt(2)


@lru_cache(maxsize=2)
def fitted_tfidf(texts: tuple[str, ...]) -> TfIdf:
    """TF-IDF of the texts' word and character n-grams (sublinear counts, smooth idf over these
    texts), each half L2-normalised and weighted 1/√2, so a row has norm 1 (0 for a text with
    no word). Kept for the last two sets of texts: a part re-graded after each new mark reads
    the same answers again, and each rubric item of the part reads them too."""
    parsed = [ngrams(t) for t in texts]
    words, word_idf = _vocabulary([Counter(p[0]) for p in parsed], MAX_WORDS)
    chars, char_idf = _vocabulary([Counter(p[1]) for p in parsed], MAX_CHARGRAMS)
    matrix = np.hstack(
        [
            _rows([Counter(p[0]) for p in parsed], words, word_idf),
            _rows([Counter(p[1]) for p in parsed], chars, char_idf),
        ]
    ) / math.sqrt(2)
    return TfIdf(matrix, words, chars, word_idf, char_idf)


def tfidf(texts: tuple[str, ...]) -> np.ndarray:
    """One row per text (`fitted_tfidf`)."""
    return fitted_tfidf(texts).matrix


def _vocabulary(counts: list[Counter[str]], limit: int) -> tuple[dict[str, int], np.ndarray]:
    """The `limit` n-grams most texts use (ties by the n-gram) and their smooth idf."""
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    kept = [g for g, _ in sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
    n = len(counts)
    idf = np.array([math.log((1 + n) / (1 + df[g])) + 1 for g in kept], dtype=np.float32)
    return {g: i for i, g in enumerate(kept)}, idf


def _rows(counts: list[Counter[str]], index: Mapping[str, int], idf: np.ndarray) -> np.ndarray:
    x = np.zeros((len(counts), len(index)), dtype=np.float32)
    for row, c in enumerate(counts):
        for g, k in c.items():
            if g in index:
                x[row, index[g]] = 1 + math.log(k)
    x *= idf
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


# models -------------------------------------------------------------------------------------


def ridge(
    name: str, x: np.ndarray, marks: np.ndarray, marked: np.ndarray, judged: np.ndarray
) -> Candidate:
    """Ridge regression of the marks on rows `marked` of x, in its dual form, with a constant
    feature (`BIAS`) for the intercept; the penalty with the lowest leave-one-out error wins.
    Held out: every mark, each predicted by the model fitted on the others (closed form).
    `linear`: the fitted model's weights over x's columns and its intercept (its primal form)."""
    xm = x[marked]
    k = (xm @ xm.T).astype(np.float64) + BIAS**2
    cross = (x[judged] @ xm.T).astype(np.float64) + BIAS**2
    values, vectors = np.linalg.eigh(k)
    values = np.maximum(values, 0.0)
    qy = vectors.T @ marks
    best: tuple[float, np.ndarray, float] | None = None
    for penalty in PENALTIES:
        shrink = values / (values + penalty)
        fitted = vectors @ (shrink * qy)
        leverage = (vectors**2) @ shrink
        loo = marks - (marks - fitted) / np.maximum(1 - leverage, 1e-9)
        error = float(((loo - marks) ** 2).mean())
        if best is None or error < best[0]:
            best = (error, loo, penalty)
    assert best is not None
    alpha = vectors @ (qy / (values + best[2]))
    linear = (xm.T.astype(np.float64) @ alpha, float(BIAS**2 * alpha.sum()))
    return Candidate(name, np.clip(best[1], 0.0, 1.0), np.clip(cross @ alpha, 0.0, 1.0), linear)


def weight_step(levels: Sequence[float]) -> float:
    """The blend grid's step for a part on this grade scale: TWO_WAY_STEP where the marks are
    none and full (right or wrong), WEIGHT_STEP on any other scale."""
    return TWO_WAY_STEP if two_way(levels) else WEIGHT_STEP


def blend_weights(
    held: Sequence[np.ndarray], truth: np.ndarray, step: float | None = None
) -> np.ndarray:
    """Weights (on the simplex, in multiples of `step`, by default WEIGHT_STEP) of the blend
    with the lowest squared error on the held-out predictions; ties go to the first such grid
    point."""
    grid = _simplex(len(held), round(1 / (WEIGHT_STEP if step is None else step)))
    preds = np.stack(held)  # candidates × marks
    errors = (((grid @ preds) - truth) ** 2).mean(axis=1)
    return np.asarray(grid[int(np.argmin(errors))])


@lru_cache(maxsize=8)
def _simplex(dims: int, steps: int) -> np.ndarray:
    """Every vector of `dims` multiples of 1/steps summing to 1, corners first."""
    points: list[tuple[int, ...]] = []

    def fill(prefix: tuple[int, ...], left: int) -> None:
        if len(prefix) == dims - 1:
            points.append((*prefix, left))
            return
        for v in range(left, -1, -1):
            fill((*prefix, v), left - v)

    fill((), steps)
    points.sort(key=lambda p: -max(p))  # corners (one candidate alone) first
    return np.array(points, dtype=np.float64) / steps


# the grade scale ----------------------------------------------------------------------------


def grade_scale(marks: np.ndarray) -> tuple[float, ...]:
    """The distinct marks, low to high; () when there are too many to be a scale."""
    levels = tuple(sorted({round(float(m), 6): float(m) for m in marks}.values()))
    return levels if 2 <= len(levels) <= MAX_LEVELS else ()


def two_way(levels: Sequence[float]) -> bool:
    """Whether a grade scale is right or wrong: none and full marks, nothing between."""
    return tuple(round(float(v), 6) for v in levels) == (0.0, 1.0)


def snap(values: np.ndarray, levels: Sequence[float], thresholds: Sequence[float]) -> np.ndarray:
    """Each value's grade: the level between the thresholds it falls in (unchanged when the
    scale is continuous)."""
    if not levels:
        return values
    return np.asarray(levels)[np.searchsorted(np.asarray(thresholds), values, side="right")]


def fit_thresholds(
    held: np.ndarray, truth: np.ndarray, levels: Sequence[float]
) -> tuple[float, ...]:
    """Thresholds between consecutive levels that minimise the squared distance, in grades,
    between the held-out predictions' grades and the marks' (what kappa weighs). Two starts:
    the midpoints between levels, and where the predictions' grades would be as many as the
    marks' (so a model that regresses to the mean still reaches the ends); from each, every
    threshold in turn moves to the best point between its neighbours, staying put unless a
    move is strictly better (two passes). The better end wins; the midpoints on a tie."""
    if len(levels) < 2:
        return ()
    scale = np.round(np.asarray(levels), 6)
    target = np.searchsorted(scale, np.round(truth, 6))
    order = np.sort(held)
    below = np.cumsum(np.bincount(target, minlength=len(levels)))[:-1]  # marks under each cut
    quantiles = [(order[max(b - 1, 0)] + order[min(b, len(order) - 1)]) / 2 for b in below]
    points = np.unique(np.concatenate([(order[:-1] + order[1:]) / 2, quantiles]))
    fits = [
        _descend(held, target, start, points)
        for start in ((scale[:-1] + scale[1:]) / 2, np.array(quantiles))
    ]
    best = min(fits, key=lambda cuts: _cost(held, target, cuts))
    return tuple(float(c) for c in best)


def _descend(
    held: np.ndarray, target: np.ndarray, cuts: np.ndarray, points: np.ndarray
) -> np.ndarray:
    cuts = cuts.copy()
    for _ in range(2):
        for j in range(len(cuts)):
            low = cuts[j - 1] if j else -np.inf
            high = cuts[j + 1] if j + 1 < len(cuts) else np.inf
            best, best_cost = cuts[j], _cost(held, target, cuts)
            for t in points[(points >= low) & (points <= high)]:
                trial = cuts.copy()
                trial[j] = t
                cost = _cost(held, target, trial)
                if cost < best_cost - 1e-12:
                    best, best_cost = t, cost
            cuts[j] = best
    return cuts


def _cost(held: np.ndarray, target: np.ndarray, cuts: np.ndarray) -> float:
    return float(((np.searchsorted(cuts, held, side="right") - target) ** 2).sum())


# confidence ---------------------------------------------------------------------------------


def sureness(values: np.ndarray, thresholds: Sequence[float]) -> np.ndarray:
    """How far each value is from the nearest threshold (from 0.5 on a continuous scale),
    times 4 so that a quarter of the scale away reads as 1."""
    cuts = np.asarray(thresholds) if len(thresholds) else np.array([0.5])
    return 4 * np.abs(values[:, None] - cuts[None, :]).min(axis=1)


def consensus(
    predicted: Sequence[np.ndarray], raw: np.ndarray, levels: Sequence[float]
) -> np.ndarray:
    """How far the blend `raw` is from the middle of the scale (|2 · raw − 1|); on a part
    marked right or wrong (`levels` none and full), no farther than the part's models
    (`predicted`: every candidate, whatever its weight in the blend) are on its side of the
    middle on average, each counting alike and one on the other side as 0. There the side is
    the grade, and a blend is as sure as its models are together: one model sure and the others
    unsure, or against it, is what a human most often marks otherwise. On a finer scale the side
    of the middle decides no grade, and the blend's distance stands (BENCHMARKS.md, issue 15,
    session 6)."""
    distance = np.abs(2 * raw - 1)
    if not two_way(levels):
        return distance
    side = np.where(raw >= 0.5, 1.0, -1.0)
    together = np.mean([np.maximum(0.0, side * (2 * p - 1)) for p in predicted], axis=0)
    return np.minimum(distance, together)


def agreement(predicted: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """1 where the prediction agrees with the mark (the same grade, or within a tenth)."""
    return (np.abs(predicted - truth) <= AGREEMENT_SHARE + 1e-9).astype(np.float64)


def fit_confidence(sure: np.ndarray, agree: np.ndarray) -> tuple[float, float]:
    """(slope, bias) of P(agree) = sigmoid(slope · sureness + bias), a penalised logistic fit
    (Newton's method); the slope stays ≥ 0 (farther from a threshold is never less sure)."""
    w = np.zeros(2)
    for _ in range(30):
        p = 1 / (1 + np.exp(-(w[0] * sure + w[1])))
        r, s = p - agree, p * (1 - p)
        grad = np.array([r @ sure, r.sum()]) + CONFIDENCE_PRIOR * w
        hess = np.array([[s @ (sure * sure), s @ sure], [s @ sure, s.sum()]])
        step = np.linalg.solve(hess + np.diag(CONFIDENCE_PRIOR), grad)
        w = w - step
        w[0] = max(0.0, w[0])
        if np.abs(step).max() < 1e-7:
            break
    return float(w[0]), float(w[1])
