"""Which answers to mark first: greedy facility location, on hand-made similarity matrices."""

from __future__ import annotations

import random

import numpy as np
import pytest

from gradewise.judges.select import cosine_matrix, teach_order
from gradewise.judges.similarity import SimilarityJudge


def blocks(*sizes: int, within: float = 0.9, across: float = 0.1) -> np.ndarray:
    """A similarity matrix of clusters of the given sizes, in index order."""
    labels = [c for c, size in enumerate(sizes) for _ in range(size)]
    n = len(labels)
    sims = np.full((n, n), across)
    for i in range(n):
        for j in range(n):
            if labels[i] == labels[j]:
                sims[i, j] = within
        sims[i, i] = 1.0
    return sims


@pytest.mark.parametrize(
    "sims, k, marked, expected",
    [
        (blocks(3, 2, 1), 3, (), [0, 3, 5]),  # largest group first, the lone answer last
        (blocks(1, 2, 3), 2, (), [3, 1]),  # order in the file does not matter, size does
        (blocks(3, 2, 1), 2, (1,), [3, 5]),  # the first group is already taught by a mark
        (blocks(3, 2, 1), 2, (0, 3), [5, 1]),  # then the untaught lone answer beats a repeat
        (blocks(2, 2), 10, (), [0, 2, 1, 3]),  # k above the answers: each once, none twice
        (blocks(2, 2), 3, (0, 1, 2, 3), []),  # all marked: nothing to suggest
        (np.ones((3, 3)), 1, (), [0]),  # all alike: ties go to the first
        (np.array([[1, -0.5], [-0.5, 1]]), 2, (), [0, 1]),  # opposite answers count as 0
    ],
)
def test_teach_order(
    sims: np.ndarray, k: int, marked: tuple[int, ...], expected: list[int]
) -> None:
    assert teach_order(sims, k, marked) == expected


def test_cosine_matrix() -> None:
    sims = cosine_matrix(np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [0.0, 0.0]]))
    assert sims[0, 1] == pytest.approx(1.0) and sims[0, 2] == pytest.approx(0.0)
    assert sims[3].tolist() == [0.0, 0.0, 0.0, 0.0]  # an empty vector is alike to nothing


def test_similarity_judge_picks_one_answer_of_each_kind_first() -> None:
    answers = [
        "Overfitting: the model memorises the training data and fails on new data.",
        "The model fits the noise of the training set, so it generalises badly.",
        "It learns the training examples by heart and does poorly on unseen examples.",
        "A learning rate that is too large makes gradient descent diverge.",
        "With a huge step size the loss oscillates and blows up.",
        "qwpz xkcd vvv",
    ]
    picks = SimilarityJudge().select(answers, 3, random.Random(0))
    assert set(picks[:2]) & {0, 1, 2} and set(picks[:2]) & {3, 4}  # one of each topic first
    assert 5 not in picks[:2]  # the gibberish teaches nothing about the others
