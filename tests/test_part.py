"""The per-part model: TF-IDF, closed-form ridge, the cross-validated blend, the grade scale,
confidence from the part's own held-out marks."""

from __future__ import annotations

import random

import numpy as np
import pytest

from gradewise.judges import _part
from gradewise.judges._part import (
    MAX_CHARS,
    Candidate,
    PartFit,
    consensus,
    enough,
    fit_part,
    fit_thresholds,
    fitted_tfidf,
    folds,
    ngrams,
    ridge,
    snap,
    tfidf,
    weight_step,
)

QUESTION = "Why do we keep a validation set apart from the training data?"
REFERENCE = (
    "To tune the hyperparameters on data the model was not trained on, which estimates how "
    "well it generalises and shows overfitting."
)
# Each concept is worth one of the question's three marks; phrasings as students write them.
CONCEPTS = [
    [
        "to tune the hyperparameters",
        "for choosing hyperparameters",
        "hyperparameter tuning",
        "to pick hyperparameters like the learning rate",
        "to tune hyper-parameters",
    ],
    [
        "it estimates how well the model generalises",
        "to measure performance on new data",
        "gives an unbiased estimate of generalisation",
        "checks accuracy on data it has not seen",
    ],
    [
        "to detect overfitting",
        "it shows when the model overfits",
        "to stop before it overfits",
        "catches overfitting to the training set",
    ],
]
FILLER = [
    "because the training set is too big",
    "to train the weights faster",
    "it makes the gradient smaller",
    "we use it to store the data",
    "the validation set is used for training",
    "so the test set is bigger",
]
OPENERS = ["", "We keep it ", "Basically ", "I think ", "The reason is "]


def synthetic_part(n: int, seed: int = 0) -> list[tuple[str, float]]:
    """n answers to QUESTION with their marks out of 3 (one per concept the answer states),
    with openers, wrong claims and typos mixed in, as a class's answers look."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        said = [rng.choice(c) for c in CONCEPTS if rng.random() < 0.45]
        if not said or rng.random() < 0.4:
            said.append(rng.choice(FILLER))
        rng.shuffle(said)
        text = rng.choice(OPENERS) + ", and ".join(said) + "."
        if rng.random() < 0.3:  # a typo: one letter dropped
            i = rng.randrange(len(text))
            text = text[:i] + text[i + 1 :]
        grade = sum(any(p in text for p in c) for c in CONCEPTS)
        out.append((text, float(grade)))
    return out


def _fit(marked: int, noise: float = 0.3, seed: int = 0) -> tuple[PartFit, np.ndarray, Candidate]:
    """A part of 200 answers, the first `marked` marked; a 'global' candidate that knows the
    truth up to Gaussian noise. Returns the fit, the judged answers' true fractions and it."""
    answers = synthetic_part(200, seed)
    texts = tuple(t for t, _ in answers)
    truth = np.array([g / 3 for _, g in answers])
    rng = np.random.default_rng(seed)
    noisy = np.clip(truth + rng.normal(0, noise, len(truth)), 0, 1)
    marked_rows = np.arange(marked)
    judged = np.arange(marked, len(texts))
    glob = Candidate("global", noisy[:marked], noisy[marked:])
    fit = fit_part(truth[:marked], marked_rows, judged, {"words": tfidf(texts)}, [glob])
    return fit, truth[marked:], glob


def test_the_blend_is_never_worse_than_a_candidate_on_the_held_out_marks() -> None:
    answers = synthetic_part(120, 1)
    texts = tuple(t for t, _ in answers)
    marks = np.array([g / 3 for _, g in answers])
    rows = np.arange(len(texts))
    words = ridge("words", tfidf(texts), marks, rows, rows)
    glob = Candidate("global", np.clip(marks + 0.2 * np.sin(rows), 0, 1), marks)
    fit = fit_part(marks, rows, rows, {"words": tfidf(texts)}, [glob])
    mix = sum(fit.weights[c.name] * c.held_out for c in (words, glob))
    for candidate in (words, glob):
        assert ((mix - marks) ** 2).mean() <= ((candidate.held_out - marks) ** 2).mean() + 1e-12
    assert sum(fit.weights.values()) == pytest.approx(1.0)


def test_with_many_marks_the_part_model_beats_the_global_one() -> None:
    fit, truth, glob = _fit(100)
    assert fit.weights["words"] > 0.5  # the part's own words explain its marks best
    part_error = np.abs(fit.fractions - truth).mean()
    assert part_error < np.abs(glob.predicted - truth).mean()
    assert part_error < 0.1  # most answers get exactly the human's grade


def test_with_a_good_global_model_the_blend_keeps_it() -> None:
    fit, truth, _ = _fit(30, noise=0.0)  # the global model is always right
    assert fit.weights["global"] == 1.0
    assert np.abs(fit.fractions - truth).max() < 1e-9


@pytest.mark.parametrize(
    "marks, expected",
    [
        ([0, 1] * 14 + [0], False),  # 29 marks: too few
        ([1.0] * 60, False),  # one grade level only: nothing to tell apart
        ([0, 1] * 15, True),  # 30 marks, two levels
        ([0] + [1] * 38 + [0.5], True),  # a point scale
    ],
)
def test_enough_marks(marks: list[float], expected: bool) -> None:
    assert enough(marks) is expected


def test_predictions_are_on_the_parts_grade_scale() -> None:
    fit, _, _ = _fit(60)
    assert fit.levels == (0.0, 1 / 3, 2 / 3, 1.0) or set(fit.levels) <= {0, 1 / 3, 2 / 3, 1}
    assert {round(float(f), 6) for f in fit.fractions} <= {round(x, 6) for x in fit.levels}
    assert min(fit.fractions) == 0.0 and max(fit.fractions) == 1.0  # the ends are reached


@pytest.mark.parametrize(
    "value, grade",
    [
        (0.0, 0.0),  # the bottom
        (0.29, 0.0),  # below the first threshold
        (0.3, 0.5),  # at a threshold: the grade above
        (0.69, 0.5),  # just under the second
        (0.95, 1.0),  # the top
    ],
)
def test_snap_to_the_grade_between_thresholds(value: float, grade: float) -> None:
    assert snap(np.array([value]), (0.0, 0.5, 1.0), (0.3, 0.7))[0] == grade


def test_thresholds_stretch_predictions_that_never_reach_the_ends() -> None:
    # A model that regresses to the mean: its predictions span only 0.35..0.65 of the scale.
    truth = np.repeat([0.0, 1 / 3, 2 / 3, 1.0], 5)
    held = 0.35 + 0.3 * truth + np.tile([-0.02, -0.01, 0.0, 0.01, 0.02], 4)
    cuts = fit_thresholds(held, truth, (0.0, 1 / 3, 2 / 3, 1.0))
    assert np.array_equal(snap(held, (0.0, 1 / 3, 2 / 3, 1.0), cuts), truth)
    # Midpoints between the levels (the start) would put every prediction on the middle two.
    assert set(snap(held, (0.0, 1 / 3, 2 / 3, 1.0), (1 / 6, 0.5, 5 / 6))) == {1 / 3, 2 / 3}


def test_confidence_rises_with_marks() -> None:
    few, _, _ = _fit(12)
    many, _, _ = _fit(120)
    assert many.confidence.mean() > few.confidence.mean()
    assert (many.confidence >= 0.9).mean() > (few.confidence >= 0.9).mean()


def test_thin_evidence_is_never_sure() -> None:
    fit, _, _ = _fit(10)
    assert fit.confidence.max() < 0.95


def test_contradicting_marks_give_low_confidence() -> None:
    # The same answers marked 0 and full alternately: nothing can agree with such a grader.
    texts = tuple(t for t, _ in synthetic_part(40, 2))
    marks = np.array([i % 2 for i in range(40)], dtype=float)
    rows = np.arange(40)
    glob = Candidate("global", np.full(40, 0.5), np.full(40, 0.5))
    fit = fit_part(marks, rows, rows, {"words": tfidf(texts)}, [glob])
    assert fit.confidence.max() < 0.8


def test_ridge_leave_one_out_matches_refitting_without_each_mark(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = synthetic_part(25, 3)
    x = tfidf(tuple(t for t, _ in answers))
    marks = np.array([g / 3 for _, g in answers])
    rows = np.arange(25)
    monkeypatch.setattr(_part, "PENALTIES", (1.0,))  # one penalty: the same model each time
    held = ridge("words", x, marks, rows, rows).held_out
    for i in (0, 7, 24):
        others = rows[rows != i]
        refit = ridge("words", x, marks[others], others, np.array([i])).predicted[0]
        assert held[i] == pytest.approx(refit, abs=1e-5)  # a float32 kernel


def test_tfidf_rows_are_unit_or_zero() -> None:
    x = tfidf(("the learning rate", "", "the step size of the learning rate"))
    norms = np.linalg.norm(x, axis=1)
    assert norms[0] == pytest.approx(1.0, abs=1e-5) and norms[1] == 0.0


def test_a_very_long_answer_is_read_from_its_start_only() -> None:
    words, chars = ngrams("overfitting " * 10_000)
    assert len(words) <= MAX_CHARS and len(chars) <= 3 * MAX_CHARS


@pytest.mark.parametrize(
    "n, most, sizes",
    [
        (1, 100, [1]),  # one mark: its own fold
        (37, 100, [1] * 37),  # up to `most`, each mark alone (leave one out)
        (100, 100, [1] * 100),  # exactly `most`
        (101, 100, [2] + [1] * 99),  # one more: one fold of two
        (500, 100, [5] * 100),  # Powergrading's 500: a hundred folds of five
        (7, 3, [3, 2, 2]),  # folds differ in size by one at most
    ],
)
def test_folds_are_even(n: int, most: int, sizes: list[int]) -> None:
    answers = [f"answer {i}" for i in range(n)]
    fold = folds(answers, [i % 4 / 3 for i in range(n)], most)
    assert sorted(np.bincount(fold).tolist(), reverse=True) == sizes


def test_a_marks_fold_does_not_depend_on_the_order_of_the_marks() -> None:
    answers = list(dict.fromkeys(t for t, _ in synthetic_part(300, seed=2)))  # distinct
    marks = [float(i % 2) for i in range(len(answers))]
    fold = folds(answers, marks)
    order = np.random.default_rng(0).permutation(len(answers))
    shuffled = folds([answers[i] for i in order], [marks[i] for i in order])
    assert (shuffled == fold[order]).all()


def test_every_candidate_must_hold_out_every_mark() -> None:
    x = tfidf(tuple(t for t, _ in synthetic_part(40, 1)))
    marks = np.array([0.0, 1.0] * 15)
    short = Candidate("global", np.zeros(20), np.zeros(10))
    with pytest.raises(ValueError, match="every mark"):
        fit_part(marks, np.arange(30), np.arange(30, 40), {"words": x}, [short])


def test_ridges_weights_score_new_rows_as_its_dual_form_does() -> None:
    texts = tuple(t for t, _ in synthetic_part(80, 4))
    marks = np.array([g / 3 for _, g in synthetic_part(80, 4)][:50])
    x = tfidf(texts)
    words = ridge("words", x, marks, np.arange(50), np.arange(50, 80))
    assert words.linear is not None
    weights, intercept = words.linear
    assert np.allclose(np.clip(x[50:] @ weights + intercept, 0, 1), words.predicted, atol=1e-5)


def test_a_fitted_tfidf_reads_its_own_texts_as_its_rows_and_ignores_new_ngrams() -> None:
    texts = tuple(t for t, _ in synthetic_part(40, 5))
    fitted = fitted_tfidf(texts)
    assert np.allclose(fitted.read(texts[:5]), fitted.matrix[:5], atol=1e-6)
    assert not fitted.read(["zyxwv qqqq"]).any()  # nothing these texts used: a zero row


@pytest.mark.parametrize(
    "predicted, raw, levels, expected",
    [
        ([0.9, 0.9], 0.9, (0, 1), 0.8),  # alike: the blend's own distance from the middle
        ([1.0, 0.6], 0.8, (0, 1), 0.6),  # one unsure: their mean, (1.0 + 0.2) / 2
        ([1.0, 0.6], 0.96, (0, 1), 0.6),  # however little the unsure one weighs in the blend
        ([1.0, 0.4], 0.88, (0, 1), 0.5),  # one on the other side counts as 0
        ([0.0, 0.3], 0.15, (0, 1), 0.7),  # the same below the middle
        ([1.0, 0.0], 1.0, (0, 1), 0.5),  # a model the blend leaves out still says it is unsure
        ([0.7, 1.0], 0.73, (0, 1), 0.46),  # never farther than the blend itself
        ([0.5, 0.5], 0.5, (0, 1), 0.0),  # in the middle: not sure at all
        ([1.0, 0.4], 0.88, (0, 0.5, 1), 0.76),  # a finer scale: the blend's distance stands
        ([1.0, 0.4], 0.88, (0.5, 1), 0.76),  # two grades, not none and full: the same
        ([1.0, 0.4], 0.88, (), 0.76),  # continuous: the same
    ],
)
def test_a_blend_is_as_sure_as_its_models_together(
    predicted: list[float], raw: float, levels: tuple[float, ...], expected: float
) -> None:
    rows = [np.array([p]) for p in predicted]
    assert consensus(rows, np.array([raw]), levels)[0] == pytest.approx(expected)


@pytest.mark.parametrize(
    "levels, step",
    [
        ((0.0, 1.0), _part.TWO_WAY_STEP),  # right or wrong: the finer grid
        ((0.0, 1.0000001), _part.TWO_WAY_STEP),  # full marks read as a float
        ((0.0, 0.5, 1.0), _part.WEIGHT_STEP),  # points: the coarser grid
        ((0.5, 1.0), _part.WEIGHT_STEP),  # two grades, but not none and full
        ((0.0, 0.5), _part.WEIGHT_STEP),  # the same
        ((), _part.WEIGHT_STEP),  # continuous
    ],
)
def test_the_blend_grid_is_finer_on_a_part_marked_right_or_wrong(
    levels: tuple[float, ...], step: float
) -> None:
    assert weight_step(levels) == step


def _two_models(grades: list[float]) -> tuple[np.ndarray, list[Candidate]]:
    """Marks cycling through `grades` and two models, each wrong on half the marks (toward the
    middle; 0.4 and 0.3 off), so the best blend gives the first 0.3² / (0.4² + 0.3²) = 0.36."""
    marks = np.array([grades[i % len(grades)] for i in range(40)])
    toward = np.where(marks < 0.5, 1.0, -1.0)
    first, second = marks.copy(), marks.copy()
    first[:20] += 0.4 * toward[:20]
    second[20:] += 0.3 * toward[20:]
    return marks, [Candidate("first", first, first[:3]), Candidate("second", second, second[:3])]


@pytest.mark.parametrize(
    "grades, first",
    [
        ([0.0, 1.0], 0.35),  # right or wrong: the nearest multiple of 0.05
        ([0.0, 0.5, 1.0], 0.4),  # points: the nearest multiple of 0.1
    ],
)
def test_a_parts_blend_weights_come_from_its_scales_grid(grades: list[float], first: float) -> None:
    marks, models = _two_models(grades)
    fit = fit_part(marks, np.arange(40), np.arange(3), {}, models)
    assert fit.weights["first"] == pytest.approx(first)
    assert fit.weights["second"] == pytest.approx(1 - first)
