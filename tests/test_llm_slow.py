"""The in-process model itself (`make test-llm`; marked `llm`, so `make test` and CI skip it).

It needs the local-llm extra: llama-cpp-python and the packaged GGUF model. A handful of
hand-made answers, right and wrong, for a few criteria: the model loads, every verdict is a
valid one, and right answers score above wrong ones.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from gradewise.judges.llm import LLMJudge
from gradewise.judges.registry import JudgeItem
from gradewise.model import Status

pytestmark = [
    pytest.mark.llm,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None,
        reason="needs the local model: pip install 'gradewise[local-llm]' (make test-llm)",
    ),
]

DROPOUT = (
    "Why does dropout reduce overfitting?",
    "During training it randomly zeroes activations, so units cannot co-adapt.",
)
GD = (
    "What does the learning rate control in gradient descent?",
    "The size of each step taken against the gradient.",
)
# (question and reference, criterion, answer, right?)
ITEMS = [
    (
        DROPOUT,
        "units are dropped at random during training",
        "It switches off a random subset of neurons in every training step.",
        True,
    ),
    (
        DROPOUT,
        "units are dropped at random during training",
        "Dropout removes the layers that are not needed after training.",
        False,
    ),
    (GD, "", "It scales how far the weights move along the negative gradient in each step.", True),
    (GD, "", "It is the number of epochs the network is trained for.", False),
    (
        ("What is the output shape of Conv2d(3, 8, 3) on a (1, 3, 5, 5) input?", "(1, 8, 3, 3)"),
        "",
        "The output has shape (1, 8, 3, 3).",
        True,
    ),
    (
        ("What is the output shape of Conv2d(3, 8, 3) on a (1, 3, 5, 5) input?", "(1, 8, 3, 3)"),
        "",
        "The output has shape (1, 3, 5, 5).",
        False,
    ),
]


@pytest.fixture(scope="module")
def judge(tmp_path_factory: pytest.TempPathFactory) -> LLMJudge:
    root = tmp_path_factory.mktemp("local-llm")
    (root / "gradewise.toml").write_text('[llm]\nurl = "local:"\nthreads = 2\n')
    return LLMJudge().configured(root, {})


def items() -> list[JudgeItem]:
    return [
        JudgeItem(question=q, reference=ref, answer=answer, criterion=criterion)
        for (q, ref), criterion, answer, _ in ITEMS
    ]


def test_local_model_separates_right_from_wrong(judge: LLMJudge) -> None:
    out = judge.judge_many(items())
    right = [j.fraction for j, (*_, ok) in zip(out, ITEMS, strict=True) if ok]
    wrong = [j.fraction for j, (*_, ok) in zip(out, ITEMS, strict=True) if not ok]
    for j in out:  # valid verdicts: a decision with its provenance, or a case for review
        assert j.status in {Status.MET, Status.PARTIAL, Status.NOT_MET, Status.NEEDS_REVIEW}
        assert 0 <= j.fraction <= 1 and 0 <= j.confidence <= 1 and "P(Yes) = " in j.reason
        assert "llm qwen2.5-coder-1.5b-instruct-q4_k_m" in j.reason
    # Each question's right answer above its wrong one (the hand-made items come in pairs).
    assert all(r > w for r, w in zip(right, wrong, strict=True)), (right, wrong)
    assert sum(right) / len(right) > sum(wrong) / len(wrong) + 0.2
    assert sum(j.status.decided for j in out) >= len(out) - 1
    assert judge.client is not None and judge.client.spend.sent >= len(out)
    assert "$0 (in this process)" in judge.spend_line()


def test_local_model_json_style_gives_valid_verdicts(tmp_path: Path) -> None:
    (tmp_path / "gradewise.toml").write_text(
        '[llm]\nurl = "local:"\nthreads = 2\nstyle = "json"\nmax_tokens = 160\n'
    )
    judge = LLMJudge().configured(tmp_path, {})
    for j in judge.judge_many(items()[:2]):
        assert j.status is not Status.ERROR, j.reason
        assert j.status.decided or "malformed" in j.reason or "not in the answer" in j.reason
