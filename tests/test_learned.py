"""The learned judge: shipped weights load, match this version's features, and grade sensibly."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from ruamel.yaml import YAML

from gradewise.judges import learned
from gradewise.judges._embed import DIM, Encoder
from gradewise.judges.features import rich_features, vector
from gradewise.judges.learned import (
    LEARNED_FEATURES,
    SHOT_CONFIDENCE,
    SHOT_FEATURES,
    ZERO_CONFIDENCE,
    LearnedJudge,
    fit_logistic,
    model,
    shot_confidence_inputs,
    shot_features,
    zero_confidence_inputs,
)
from gradewise.judges.registry import Example, JudgeItem, judges
from gradewise.model import GradedAnswer, Status
from test_part import QUESTION, REFERENCE, synthetic_part

QUESTIONS = YAML(typ="safe").load(
    (Path(__file__).parent / "fixtures" / "freetext" / "questions.yaml").read_text()
)
JUDGE = LearnedJudge()


def test_weights_ship_with_the_package_and_fit_the_features() -> None:
    weights = model()
    assert tuple(weights["features"]) == LEARNED_FEATURES
    assert len(weights["coef"]) == len(LEARNED_FEATURES)
    assert all("train split" in source for source in weights["trained_on"])  # never a test split
    assert judges().get("learned") is not None
    assert "training answers" in JUDGE.version
    forest = weights["shots"]
    assert tuple(forest["features"]) == SHOT_FEATURES and len(forest["roots"]) >= 100
    assert JUDGE.model.forest is not None and "forest of" in JUDGE.version
    sure = weights["confidence"]
    assert tuple(sure["zero"]["features"]) == ZERO_CONFIDENCE and sure["zero"]["coef"][0] > 0
    assert tuple(sure["shots"]["features"]) == SHOT_CONFIDENCE and sure["shots"]["coef"][0] > 0


@pytest.mark.parametrize("q", QUESTIONS, ids=[q["question"][:30] for q in QUESTIONS])
def test_right_answer_beats_wrong_answer(q: dict[str, str]) -> None:
    items = [JudgeItem(q["question"], q["reference"], q[k]) for k in ("right", "wrong")]
    right, wrong = JUDGE.judge_many(items)
    assert right.fraction > wrong.fraction


def test_empty_and_question_repeats() -> None:
    q = QUESTIONS[1]
    empty, repeat = JUDGE.judge_many(
        [
            JudgeItem(q["question"], q["reference"], ""),
            JudgeItem(q["question"], q["reference"], q["question"]),
        ]
    )
    assert empty.fraction == 0.0 and repeat.fraction <= 0.25


def test_logistic_fit_recovers_a_known_model() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4000, 2))
    p = 1 / (1 + np.exp(-(1.5 * x[:, 0] - 2.0 * x[:, 1] + 0.5)))
    coef, intercept = fit_logistic(x, p)  # soft labels: the probabilities themselves
    assert coef == pytest.approx([1.5, -2.0], abs=0.05) and intercept == pytest.approx(
        0.5, abs=0.05
    )


def test_fit_learns_a_data_sets_scale() -> None:
    # A lenient grader: every answer got most of the marks; the refitted judge follows.
    q = QUESTIONS[0]
    rows = [
        GradedAnswer("d", "train", "1", q["question"], q["reference"], str(i), answer, score, 5)
        for i, (answer, score) in enumerate(
            [(q["right"], 5), (q["partial"], 4.5), (q["wrong"], 4)] * 10
        )
    ]
    judge = LearnedJudge()
    fitted = judge.fit(rows)
    assert (
        "refitted on 30 answers" in fitted.version
        and fitted.model.weights is not judge.model.weights
    )
    item = JudgeItem(q["question"], q["reference"], q["wrong"], max_marks=5)
    assert fitted.judge_many([item])[0].fraction > judge.judge_many([item])[0].fraction


def test_alignment_features_by_hand() -> None:
    # No vectors: every cosine is 0, so the word features can be checked by hand.
    item = JudgeItem("Why use dropout?", "Dropout reduces overfitting || It regularises", "")
    answer = "dropout reduces overfitting and noise"
    got = dict(zip(LEARNED_FEATURES, rich_features(item, answer, {}), strict=True))
    # answer's own words (question's 'dropout' left out): reduc, overfitt, nois -> 2 of 3 wanted
    assert got["precision"] == pytest.approx(2 / 3)
    # the references' words: reduc, overfitt, regularis -> the answer has 2 of 3
    assert got["recall"] == pytest.approx(2 / 3)
    assert got["mean_cosine"] == got["question_answer"] == got["question_reference"] == 0.0
    # 5 answer words against the shorter reference's 2
    assert got["length_ratio"] == pytest.approx((np.log1p(5) - np.log1p(2)) / 3)


def test_shot_features_by_hand() -> None:
    f = [0.0] * len(LEARNED_FEATURES)
    sims = np.array([0.9, 0.2, 0.5])
    marks = np.array([1.0, 0.0, 0.5])
    zeros = np.array([0.6, 0.4, 0.5])
    got = dict(
        zip(SHOT_FEATURES, shot_features(f, 0.7, sims, marks, zeros, (1.0, 0.0)), strict=True)
    )
    assert got["zero"] == 0.7 and got["calibrated"] == pytest.approx(0.7)  # the curve (1, 0)
    # weights s^2: 0.81, 0.04, 0.25 -> (0.81 + 0.125) / 1.1
    assert got["neighbours"] == pytest.approx(0.935 / 1.1)
    assert (got["nearest_mark"], got["nearest_cosine"]) == (1.0, 0.9)
    assert (got["best_cosine"], got["worst_cosine"]) == (0.9, 0.2)
    assert got["mean_mark"] == pytest.approx(0.5) and got["spread_marks"] == pytest.approx(
        np.std([1.0, 0.0, 0.5])
    )
    assert got["mean_gap"] == pytest.approx(0.0)  # marks minus logistic fractions: +.4 -.4 0
    assert got["mean_cosine_marked"] == pytest.approx(1.6 / 3)
    assert got["log_marked"] == pytest.approx(np.log1p(3))


# One question, a few answers a human marked, and answers to judge: (answer, low, high) bounds.
DROPOUT = (
    "Why does dropout help a neural network generalise?",
    "It randomly switches off units during training, so the network cannot rely on any "
    "one unit and overfits less.",
)
MARKED = (
    Example("Random neurons are turned off while training, which reduces overfitting.", 1.0),
    Example("It stops units co-adapting, so the model overfits less.", 1.0),
    Example("Dropout makes training faster because there are fewer weights.", 0.0),
    Example("It removes neurons from the network for good.", 0.0),
    Example("It drops units at random during training.", 0.5),
)


@pytest.mark.parametrize(
    "answer, low, high",
    [
        (MARKED[0].answer, 0.75, 1.0),  # the very answer a human gave full marks
        (MARKED[2].answer, 0.0, 0.25),  # the very answer a human gave nothing
        ("Units are switched off at random in training, so it overfits less.", 0.6, 1.0),
        ("It makes training faster since there are fewer weights to update.", 0.0, 0.4),
    ],
)
def test_the_forest_follows_the_marked_answers(answer: str, low: float, high: float) -> None:
    [j] = JUDGE.judge_many([JudgeItem(*DROPOUT, answer, examples=MARKED, group="q")])
    assert low <= j.fraction <= high and j.status is not Status.NEEDS_REVIEW


def test_marks_that_contradict_the_forest_cap_its_confidence() -> None:
    contrary = tuple(Example(e.answer, 1 - e.fraction) for e in MARKED)
    answer = "Units are switched off at random in training, so it overfits less."
    sure, unsure = JUDGE.judge_many(
        [
            JudgeItem(*DROPOUT, answer, examples=e, group=g)
            for e, g in ((MARKED, "a"), (contrary, "b"))
        ]
    )
    assert unsure.confidence < sure.confidence and unsure.confidence <= 0.65


def test_a_model_file_without_a_forest_still_learns_from_marks() -> None:
    older = {k: v for k, v in model().items() if k != "shots"}
    judge = LearnedJudge(weights=older)
    assert judge.model.forest is None
    taught, plain = judge.judge_many(
        [
            JudgeItem(*DROPOUT, MARKED[0].answer, examples=e, group=g)
            for e, g in ((MARKED, "q"), ((), ""))
        ]
    )
    assert taught.fraction > plain.fraction + 0.05  # as the similarity judge learns


def test_refitting_keeps_the_forest() -> None:
    q = QUESTIONS[0]
    rows = [
        GradedAnswer("d", "train", "1", q["question"], q["reference"], str(i), a, s, 5)
        for i, (a, s) in enumerate([(q["right"], 5), (q["wrong"], 0)] * 5)
    ]
    assert LearnedJudge().fit(rows).model.forest is JUDGE.model.forest


def test_confidence_inputs_by_hand() -> None:
    f = [0.8, 0.6] + [0.0] * (len(LEARNED_FEATURES) - 2)
    assert zero_confidence_inputs(0.9) == pytest.approx([0.8])
    row = shot_features(
        f, 0.3, np.array([0.9, 0.2]), np.array([1.0, 0.0]), np.array([0.6, 0.4]), (1.0, 0.0)
    )
    assert shot_confidence_inputs(row, 0.25) == pytest.approx([0.5, np.log1p(2)])


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.3, 0.45])
def test_confidence_grows_with_distance_from_the_middle(fraction: float) -> None:
    sure = JUDGE.model.sure_zero
    assert sure is not None
    nearer, farther = sure.predict([zero_confidence_inputs(f) for f in (fraction, 1 - fraction)])
    closer_to_middle = sure.predict([zero_confidence_inputs((fraction + 0.5) / 2)])[0]
    assert nearer == pytest.approx(farther) and closer_to_middle < nearer
    assert 0.0 < nearer < 1.0


@pytest.mark.parametrize(
    "marks, shifted",
    [
        ((1.0, 1.0, 0.0, 0.0, 1.0), False),  # right/wrong marks: no scale to shift
        ((1.0, 1.0, 0.0, 0.0, 0.5), True),  # a point scale: a kinder or harsher grader shows
    ],
)
def test_the_forest_shifts_to_the_graders_scale_only_on_a_point_scale(
    marks: tuple[float, ...], shifted: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    examples = tuple(Example(e.answer, m) for e, m in zip(MARKED, marks, strict=True))
    answer = "Units are switched off at random in training, so it overfits less."
    item = JudgeItem(*DROPOUT, answer, examples=examples, group="q")
    with_shift = JUDGE.judge_many([item])[0].fraction
    monkeypatch.setattr(learned, "SHIFT_PRIOR", None)
    without = JUDGE.judge_many([item])[0].fraction
    assert (with_shift != without) is shifted


def _class(
    marked: int, n: int = 160, right_wrong: bool = False
) -> tuple[list[JudgeItem], np.ndarray]:
    """A class's answers to one part (tests/test_part.py's synthetic set), `marked` of them
    marked by a human (out of 3, or `right_wrong`: full marks from 2 of 3 on, else none); the
    items to judge and their true fractions."""
    answers = synthetic_part(n, seed=5)
    if right_wrong:
        answers = [(t, 3 if g >= 2 else 0) for t, g in answers]
    examples = tuple(Example(t, g / 3) for t, g in answers[:marked])
    items = [
        JudgeItem(QUESTION, REFERENCE, t, max_marks=3, examples=examples, group="v")
        for t, _ in answers[marked:]
    ]
    return items, np.array([g / 3 for _, g in answers[marked:]])


def test_with_many_marks_the_part_model_is_at_least_as_good_as_the_forest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    items, truth = _class(80)
    judged = JUDGE.judge_many(items)
    fit = JUDGE.lesson(items)
    assert isinstance(fit, learned.ShotFit) and fit.part is not None
    assert set(fit.part.weights) == {"words", "meaning", "forest", "zero"}
    part_error = np.abs([j.fraction for j in judged] - truth).mean()
    monkeypatch.setattr(learned._part, "MIN_MARKS", 10**6)  # the forest alone, as before
    forest_error = np.abs([j.fraction for j in JUDGE.judge_many(items)] - truth).mean()
    assert part_error <= forest_error and part_error < 0.15


@pytest.mark.parametrize("right_wrong", [False, True])
def test_a_part_model_is_no_surer_than_the_shipped_curve_or_its_held_out_error(
    right_wrong: bool,
) -> None:
    items, _ = _class(80, right_wrong=right_wrong)
    fit = JUDGE.lesson(items)
    assert isinstance(fit, learned.ShotFit) and fit.part is not None and JUDGE.model.sure_shots
    # The shipped curve read at how sure the part's models are together (_part.consensus):
    # never farther from the middle than the blend's own fraction, nearer where they differ
    # on a part marked right or wrong.
    distance = np.abs(2 * fit.part.raw - 1)
    assert (fit.part.agreed <= distance + 1e-12).all()
    assert bool((fit.part.agreed < distance - 0.05).any()) is right_wrong
    inputs = [[a, np.log1p(80)] for a in fit.part.agreed]
    ceiling = np.minimum(JUDGE.model.sure_shots.predict(inputs), 1 - fit.part.held_out_error)
    sure = np.array([fit.confidences[a] for a in dict.fromkeys(i.answer for i in items)])
    assert (sure <= ceiling + 1e-9).all()
    assert (sure < fit.part.confidence - 0.01).any()  # the part's own curve alone is surer


def test_with_many_marks_predictions_are_on_the_parts_grade_scale() -> None:
    items, _ = _class(60)
    grades = {round(j.fraction * 3, 3) for j in JUDGE.judge_many(items)}
    assert grades <= {0.0, 1.0, 2.0, 3.0} and {0.0, 3.0} <= grades  # the ends are reached


@pytest.mark.parametrize(
    "marks, part_model",
    [
        ([1.0] * 50, False),  # one grade level only: the forest, as before
        ([0.0, 1.0] * 14, False),  # 28 marks: too few for a model of the part
        ([0.0, 1.0] * 15, True),  # 30 marks, two levels (SciEntsBank's ~37 a question)
    ],
)
def test_a_part_model_needs_enough_and_varied_marks(marks: list[float], part_model: bool) -> None:
    texts = [t for t, _ in synthetic_part(len(marks) + 5, seed=6)]
    examples = tuple(Example(t, m) for t, m in zip(texts, marks, strict=False))
    items = [JudgeItem(QUESTION, REFERENCE, t, examples=examples, group="v") for t in texts[-5:]]
    fit = JUDGE.lesson(items)
    assert isinstance(fit, learned.ShotFit) and (fit.part is not None) is part_model


def test_two_marks_and_many_answers_are_never_auto_accepted() -> None:
    texts = [t for t, _ in synthetic_part(400, seed=7)]
    examples = (Example(texts[0], 1.0), Example(texts[1], 0.0))
    items = [JudgeItem(QUESTION, REFERENCE, t, examples=examples, group="v") for t in texts[2:]]
    judged = JUDGE.judge_many(items)
    assert max(j.confidence for j in judged) < items[0].review_below  # none auto-accepted


def test_the_same_answer_marked_none_and_full_is_never_sure() -> None:
    texts = [t for t, _ in synthetic_part(30, seed=8)]
    contradicting = tuple(Example(texts[i // 2], float(i % 2)) for i in range(48))  # 0 and 1 each
    judged = JUDGE.judge_many(
        [JudgeItem(QUESTION, REFERENCE, t, examples=contradicting, group="v") for t in texts]
    )
    assert max(j.confidence for j in judged) < 0.8


@pytest.mark.parametrize("copies", [1, 3])
def test_an_answer_marked_none_and_full_among_agreeing_marks_goes_to_review(copies: int) -> None:
    answers = synthetic_part(80, seed=3)
    disputed = answers[60][0]
    examples = (
        *(Example(t, g / 3) for t, g in answers[:50]),
        *[Example(disputed, 0.0)] * copies,
        *[Example(disputed, 1.0)] * copies,
    )
    items = [
        JudgeItem(QUESTION, REFERENCE, t, max_marks=3, examples=examples, group="v")
        for t, _ in answers[60:]
    ]
    judged = JUDGE.judge_many(items)
    assert judged[0].confidence < items[0].review_below  # the disputed text itself: to review
    assert all(0.0 <= j.fraction <= 1.0 for j in judged)


def test_a_10000_word_answer_among_many_marks_is_judged() -> None:
    items, _ = _class(40, n=45)
    long = replace(items[0], answer="overfitting and hyperparameters " * 5000)
    judged = JUDGE.judge_many([long, *items[1:]])
    assert judged[0].status is Status.NEEDS_REVIEW  # too long for the model to read whole
    assert all(0.0 <= j.fraction <= 1.0 for j in judged)


@pytest.mark.parametrize(
    "level, marked",
    [
        (0.0, 50),  # fifty answers, all marked wrong: nothing says what a right one looks like
        (1.0, 50),  # all full marks: nothing says what a wrong one looks like
        (2 / 3, 50),  # all one point short: nor what earns the third
        (1.0, 10),  # ten alike: too few to accept even their own grade
    ],
)
def test_marks_of_one_grade_never_auto_accept_another_grade(level: float, marked: int) -> None:
    answers = synthetic_part(80, seed=6)
    examples = tuple(Example(t, level) for t, _ in answers[:marked])
    items = [
        JudgeItem(QUESTION, REFERENCE, t, max_marks=3, examples=examples, group="v")
        for t, _ in answers[marked:]
    ]
    judged = JUDGE.judge_many(items)
    accepted = [j for j in judged if j.confidence >= items[0].review_below]
    assert all(abs(j.fraction - level) <= 0.1 for j in accepted)
    assert not accepted or marked >= 14  # the rule of three: 1 - 3/(n + 1) ≥ 0.8 from 14


def test_many_marks_of_one_grade_accept_answers_like_them() -> None:
    wrong = [f"I do not know, maybe it is about {w}." for w in ("cats", "rain", "music", "bread")]
    examples = tuple(Example(f"{wrong[i % 4]} ({i})", 0.0) for i in range(60))
    items = [JudgeItem(QUESTION, REFERENCE, w, examples=examples, group="v") for w in wrong]
    judged = JUDGE.judge_many(items)
    assert all(j.fraction <= 0.1 for j in judged)
    assert any(j.confidence >= items[0].review_below for j in judged)


def test_an_answer_in_the_questions_words_marked_right_goes_to_review() -> None:
    question = "Why did the indophenol not change color in the vitamin C test?"
    reference = "The juice contains no vitamin C, so the indophenol stays blue."
    right = ["Because there was no vitamin C in it.", "It has no vitamin C.", "no vitamin C"]
    wrong = ["Because it was too cold.", "The test was done wrong.", "It is acid."]
    examples = tuple(
        Example(f"{t} {'!' * i}", float(t in right)) for i in range(8) for t in right + wrong
    )
    repeat = JudgeItem(question, reference, "The vitamin C.", examples=examples, group="c")
    judged = JUDGE.judge_many([repeat])[0]
    assert judged.status is Status.NEEDS_REVIEW and judged.fraction <= 0.5


def test_two_marks_and_two_thousand_answers() -> None:
    texts = [t for t, _ in synthetic_part(2000, seed=9)]
    examples = (Example(texts[0], 1.0), Example(texts[1], 0.0))
    judged = JUDGE.judge_many(
        [JudgeItem(QUESTION, REFERENCE, t, examples=examples, group="v") for t in texts]
    )
    assert len(judged) == 2000 and all(0.0 <= j.fraction <= 1.0 for j in judged)
    review_below = JudgeItem(QUESTION, REFERENCE, "").review_below
    assert max(j.confidence for j in judged) < review_below  # two marks: none auto-accepted


def test_a_10000_word_answer_among_the_marks_is_learnt_from_safely() -> None:
    items, _ = _class(60, n=70)
    long = Example("overfitting and hyperparameters " * 5000, 1.0)
    examples = (long, *items[0].examples)
    judged = JUDGE.judge_many([replace(i, examples=examples) for i in items])
    assert all(0.0 <= j.fraction <= 1.0 for j in judged)
    fit = JUDGE.lesson([replace(i, examples=examples) for i in items])
    assert isinstance(fit, learned.ShotFit)


@pytest.mark.parametrize(
    "marked, kind",
    [
        (20, "forest"),  # below the part model: the forest, its held-out misses over every mark
        (60, "part"),  # a part model, every mark held out in turn
        (130, "part"),  # more marks than folds: k-fold over all of them, not the first 100
        (130, "item"),  # a rubric item's classifier, the same recipe on 0/1 labels
    ],
)
def test_the_order_of_the_marks_does_not_change_the_judgement(marked: int, kind: str) -> None:
    answers = synthetic_part(marked + 40, seed=11)
    marks = [g / 3 if kind != "item" else float(g >= 2) for _, g in answers[:marked]]
    examples = [Example(t, m) for (t, _), m in zip(answers, marks, strict=False)]
    shuffled = list(examples)
    np.random.default_rng(3).shuffle(shuffled)
    criterion = "states two concepts" if kind == "item" else ""

    def judge(marks_in_order: list[Example]) -> tuple[np.ndarray, np.ndarray]:
        items = [
            JudgeItem(
                QUESTION,
                REFERENCE,
                t,
                max_marks=3,
                examples=tuple(marks_in_order),
                group="v",
                criterion=criterion,
            )
            for t, _ in answers[marked:]
        ]
        judged = JUDGE.judge_many(items)
        return np.array([j.fraction for j in judged]), np.array([j.confidence for j in judged])

    (fractions, sure), (fractions_shuffled, sure_shuffled) = judge(examples), judge(shuffled)
    assert np.abs(fractions - fractions_shuffled).max() < 1e-6
    assert np.abs(sure - sure_shuffled).max() < 1e-6


@pytest.mark.parametrize(
    "width, embedded, expected",
    [
        (768, True, 768),  # a wider encoder (all-mpnet-base-v2): as wide as its vectors
        (384, True, 384),  # MiniLM
        (16, True, 16),
        (None, False, DIM),  # nothing embedded at all: MiniLM's width
    ],
)
def test_a_blank_texts_vector_is_as_wide_as_the_encoders(
    width: int | None, embedded: bool, expected: int
) -> None:
    vectors = {"an answer": np.ones(width, dtype=np.float32)} if embedded and width else {}
    blank = vector(vectors, "   ")
    assert blank.shape == (expected,) and not blank.any()
    if vectors:
        assert vector(vectors, "an answer") is vectors["an answer"]


class Narrow(Encoder):
    """A stand-in encoder with 16-wide vectors (not MiniLM's 384): a hash of the words."""

    def __init__(self) -> None:
        super().__init__()
        self.dim = 16

    def _encode(self, texts: list[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            for word in text.lower().split():
                row[sum(map(ord, word)) % self.dim] += 1.0
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)


@pytest.mark.parametrize("marked", [10, 40])  # the forest alone; the part's own model
def test_a_blank_marked_answer_with_an_encoder_of_another_width_is_learnt_from(
    marked: int,
) -> None:
    answers = synthetic_part(marked + 10, seed=9)
    examples = (Example("", 0.0), *(Example(t, g / 3) for t, g in answers[: marked - 1]))
    judge = LearnedJudge(encoder=Narrow())
    items = [
        JudgeItem(QUESTION, REFERENCE, t, max_marks=3, examples=examples, group="v")
        for t, _ in answers[marked:]
    ]
    judged = judge.judge_many(items)
    assert not any("failed" in j.reason for j in judged)
    fit = judge.lesson(items)
    assert isinstance(fit, learned.ShotFit) and (fit.part is not None) is (marked >= 30)
