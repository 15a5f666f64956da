"""`gradewise evaluate` says which protocol measured nothing, and why (an outside check ran
`--k 20` on a file of 8 answers per question: the k-shot row was simply missing)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gradewise.cli import cli
from test_evaluate import FIXTURES


@pytest.mark.parametrize(
    "args, measured, unmeasured",
    [
        (["--protocol", "k-shot", "--k", "3"], ["k-shot:3"], []),  # 4 answers a question: 1 left
        (
            ["--protocol", "k-shot", "--k", "4", "--k", "1"],  # 4 of 4 marked: none left
            ["k-shot:1"],
            ["k-shot:4: no answer left to predict: no question has more than 4 graded answers"],
        ),
        (
            ["--protocol", "train-test"],  # tiny.csv has no train split
            [],
            ["train-test: no answer to predict: the data set has no train split"],
        ),
    ],
)
def test_a_protocol_that_measured_nothing_is_said(
    args: list[str], measured: list[str], unmeasured: list[str]
) -> None:
    tiny = str(FIXTURES / "tiny.csv")
    found = json.loads(CliRunner().invoke(cli, ["evaluate", tiny, "--json", *args]).output)
    assert [d["protocol"] for d in found["results"]] == measured
    assert len(found["unmeasured"]) == len(unmeasured)
    assert all(u in said for u, said in zip(unmeasured, found["unmeasured"], strict=True))
    shown = CliRunner().invoke(cli, ["evaluate", tiny, *args]).output
    assert shown.count("Not measured: ") == len(unmeasured)
