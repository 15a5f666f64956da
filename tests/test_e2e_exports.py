"""`export graded`: a keyed part's reference is its key (an outside check: every keyed part's
reference_answer read "correct final answer", so a judge measured on the file had nothing)."""

from __future__ import annotations

from typing import Any

import pytest

from gradewise.model import Key
from gradewise.reports.gradebook import key_text


@pytest.mark.parametrize(
    "kind, params, text",
    [
        ("numeric", {"value": 0.8}, "0.8"),  # a number
        ("numeric", {"value": 2.5, "tol": {"abs": 0.01}}, "2.5 (±0.01)"),  # with its tolerance
        ("numeric", {"value": 100, "tol": {"rel": 0.05}}, "100 (±5%)"),  # a relative one
        ("numeric", {"value": [8, 16, 28, 28]}, "[8, 16, 28, 28]"),  # a shape
        ("numeric", {"value": [[-2, 1], [1.5, -0.5]]}, "[[-2, 1], [1.5, -0.5]]"),  # a matrix
        ("truefalse", {"value": False}, "false"),
        ("choice", {"correct": ["b"], "options": {"a": "median", "b": "IQR"}}, "b (IQR)"),
        ("choice", {"correct": ["a", "b"], "options": ["x", "y"]}, "a, b"),  # options unnamed
        ("expression", {"value": "(X^T X)^{-1} X^T y"}, "(X^T X)^{-1} X^T y"),
    ],
)
def test_a_key_as_a_reference_answer(kind: str, params: dict[str, Any], text: str) -> None:
    assert key_text(Key(kind, params)) == text
