"""The similarity judge: real embeddings offline; right > wrong; bad input and failures handled."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from ruamel.yaml import YAML

from gradewise.judges._embed import Encoder
from gradewise.judges.registry import Example, JudgeItem, judges
from gradewise.judges.similarity import SimilarityJudge
from gradewise.model import Status

QUESTIONS = YAML(typ="safe").load(
    (Path(__file__).parent / "fixtures" / "freetext" / "questions.yaml").read_text()
)
JUDGE = SimilarityJudge()


def test_encoder_is_offline_deterministic_and_meaningful(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    encoder = Encoder()
    a, b, c = encoder.embed(["the cat sat on the mat", "a cat was sitting on a rug", "stocks fell"])
    assert np.linalg.norm(a) == pytest.approx(1, abs=1e-5)
    assert float(a @ b) > float(a @ c) + 0.3  # paraphrase far closer than an unrelated sentence
    again = Encoder().embed(["the cat sat on the mat"])[0]
    assert np.allclose(a, again, atol=1e-5)


@pytest.mark.parametrize(
    "q", QUESTIONS, ids=[q["topic"] + ":" + q["question"][:30] for q in QUESTIONS]
)
def test_right_answer_beats_wrong_answer(q: dict[str, str]) -> None:
    items = [JudgeItem(q["question"], q["reference"], q[k]) for k in ("right", "partial", "wrong")]
    right, partial, wrong = JUDGE.judge_many(items)
    assert right.fraction > wrong.fraction
    assert right.fraction >= partial.fraction


@pytest.mark.parametrize(
    "answer, status",
    [
        ("", Status.NOT_MET),  # empty: nothing, surely
        ("qwxz bbbbbbbbbbbbbbbbbbbbbbbbbbbbb zzkkj", Status.NOT_MET),  # gibberish
    ],
)
def test_empty_and_gibberish_get_nothing(answer: str, status: Status) -> None:
    [j] = JUDGE.judge_many([JudgeItem(QUESTIONS[1]["question"], QUESTIONS[1]["reference"], answer)])
    assert (j.status, j.fraction) == (status, 0.0) and j.confidence >= 0.9


def test_repeating_the_question_never_earns_full_marks() -> None:
    q = QUESTIONS[1]
    [j] = JUDGE.judge_many([JudgeItem(q["question"], q["reference"], q["question"])])
    assert j.fraction <= 0.25


def test_human_marks_move_the_judgement() -> None:
    q = QUESTIONS[0]
    harsh = tuple(Example(a, 0.0) for a in (q["right"], q["partial"], "It controls the step."))
    plain = JUDGE.judge_many([JudgeItem(q["question"], q["reference"], q["right"])])[0]
    taught = JUDGE.judge_many(
        [JudgeItem(q["question"], q["reference"], q["right"], examples=harsh, group="g")]
    )[0]
    assert taught.fraction < plain.fraction


class Broken(Encoder):
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        raise RuntimeError("model file is corrupt")


def test_a_model_failure_goes_to_review() -> None:
    [j] = SimilarityJudge(Broken()).judge_many([JudgeItem("q", "r", "some answer")])
    assert j.status is Status.NEEDS_REVIEW and "corrupt" in j.reason


def test_registered() -> None:
    assert judges().get("similarity") is not None
