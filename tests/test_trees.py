"""The boosted forest the learned judge applies: a hand-built forest, checked row by row."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gradewise.judges._trees import Forest

# Tree 1 (nodes 0-2): x0 <= 0.5 -> 1.0, else 2.0.
# Tree 2 (nodes 3-7): x1 <= 0 -> -0.5, else (x0 <= 1 -> 0.25, else 0.75).
FOREST: dict[str, Any] = {
    "features": ["x0", "x1"],
    "baseline": 0.1,
    "roots": [0, 3],
    "feature": [0, -1, -1, 1, -1, 0, -1, -1],
    "threshold": [0.5, 0, 0, 0.0, 0, 1.0, 0, 0],
    "left": [1, 0, 0, 4, 0, 6, 0, 0],
    "right": [2, 0, 0, 5, 0, 7, 0, 0],
    "value": [0, 1.0, 2.0, 0, -0.5, 0, 0.25, 0.75],
}


@pytest.mark.parametrize(
    "row, expected",
    [
        ([0.0, -1.0], 0.1 + 1.0 - 0.5),
        ([0.5, 0.0], 0.1 + 1.0 - 0.5),  # equal to the threshold: left
        ([0.7, 0.2], 0.1 + 2.0 + 0.25),
        ([1.0, 3.0], 0.1 + 2.0 + 0.25),
        ([1.5, 3.0], 0.1 + 2.0 + 0.75),
        ([float("nan"), 1.0], 0.1 + 1.0 + 0.25),  # a missing value reads as 0
    ],
)
def test_each_row_follows_its_path_through_every_tree(row: list[float], expected: float) -> None:
    forest = Forest.from_json(FOREST)
    assert forest.predict([row])[0] == pytest.approx(expected)


def test_many_rows_at_once_and_a_round_trip() -> None:
    forest = Forest.from_json(FOREST)
    rows = np.array([[0.0, -1.0], [0.7, 0.2], [1.5, 3.0]])
    again = Forest.from_json(forest.to_json())
    assert again.predict(rows).tolist() == pytest.approx([0.6, 2.35, 2.85])
    assert forest.predict(np.zeros((0, 2))).shape == (0,)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"roots": None}, "malformed"),  # a field missing
        ({"value": [0, 1.0]}, "differ in length"),
        ({"feature": [5, -1, -1, 1, -1, 0, -1, -1]}, "does not have"),  # no feature 5
        ({"left": [9, 0, 0, 4, 0, 6, 0, 0]}, "does not have"),  # no node 9
        ({"threshold": ["high"] * 8}, "malformed"),
    ],
)
def test_a_malformed_forest_is_refused(change: dict[str, Any], message: str) -> None:
    data = {k: v for k, v in {**FOREST, **change}.items() if v is not None}
    with pytest.raises(ValueError, match=message):
        Forest.from_json(data)


def test_a_forest_that_loops_is_refused_when_applied() -> None:
    looping = {**FOREST, "left": [0, 0, 0, 4, 0, 6, 0, 0]}  # node 0 sends x0 <= 0.5 to itself
    with pytest.raises(ValueError, match="loop"):
        Forest.from_json(looping).predict([[0.0, 0.0]])


def test_rows_of_the_wrong_width_are_refused() -> None:
    with pytest.raises(ValueError, match="2 features"):
        Forest.from_json(FOREST).predict([[0.0, 1.0, 2.0]])
