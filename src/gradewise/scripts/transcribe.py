"""Handwriting read by a vision model: `gradewise scripts add DIR --transcribe`.

Each page image goes to an OpenAI-compatible chat-completions endpoint (vLLM, Ollama, a
llama.cpp server, a hosted API) as an `image_url` data URI, configured in gradewise.toml:

```toml
[transcribe]
base_url = "http://127.0.0.1:8000/v1"
model = "Qwen2.5-VL-7B-Instruct"
api_key_env = "GRADEWISE_TRANSCRIBE_KEY"   # optional: the variable holding the key
mask_top = 0.12        # the fraction of the first page's height blanked (the name/ID band)
max_concurrency = 4    # also: timeout_s, max_retries, max_tokens, price_per_1k_input/_output
```

The calls go through the llm judge's client (`judges.llm_client`): the same cache file, keyed
by the image's hash, the model and `PROMPT_VERSION`; the same concurrency limit, retries,
timeouts and spend line. Nothing identifying is sent: the request holds the page image with
the top band of the first page blanked, and no student id or file name. The model is asked for
Markdown with LaTeX math keeping the student's own labels, `ILLEGIBLE` for words it cannot
read (the answer then goes to a human) and `BLANK_PAGE` for a page with no writing. A reply
that is empty or refuses is an error on that page, never an empty answer.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from gradewise.errors import WorkspaceError
from gradewise.judges.llm_client import CACHE_FILE, Client, Reply, ResponseCache, Spend
from gradewise.judges.llm_config import (
    EndpointSettings,
    api_key,
    read_tables,
    settings_file,
    validated,
)
from gradewise.model import ILLEGIBLE

PROMPT_VERSION = 1
BLANK_PAGE = "[blank page]"
KEYS = (
    "base_url, model (optional: api_key_env, mask_top, max_concurrency, timeout_s, max_retries, "
    "max_tokens, price_per_1k_input, price_per_1k_output)"
)
NO_CONFIG_FIX = (
    'write a [transcribe] table with base_url = "http://127.0.0.1:8000/v1" and model = '
    '"Qwen2.5-VL-7B-Instruct", each on its own line, naming a vision model your endpoint serves'
)
PROMPT = f"""\
You transcribe one page of a handwritten university exam script (machine learning, \
mathematics) for the graders.
Write exactly what the student wrote, as Markdown:
- keep the student's own question labels as they wrote them (e.g. "Q2 (a)", "3.b)", "(ii)"), \
each at the start of its own line;
- write all mathematics in LaTeX: inline as $...$, displayed as $$...$$; matrices with \
\\begin{{bmatrix}};
- keep crossed-out work out; describe a drawing or plot in one line in square brackets;
- write {ILLEGIBLE} for each word or symbol you cannot read; never guess;
- do not correct, complete, explain or grade anything.
If the page has no writing at all, answer only {BLANK_PAGE}.
Answer with the transcription only."""

_REFUSAL = re.compile(
    r"^\s*(i'?m sorry|i am sorry|sorry,|i can(?:no|')t|i am unable|i'm unable)", re.I
)


class TranscribeSettings(EndpointSettings):
    """The `[transcribe]` table: the vision model's endpoint and how to call it."""

    url: Annotated[str, Field(pattern=r"^https?://", validation_alias="base_url")]
    model: str
    timeout_s: Annotated[float, Field(gt=0)] = 120.0
    max_tokens: Annotated[int, Field(ge=64)] = 2048
    mask_top: Annotated[float, Field(ge=0, le=0.5)] = 0.12


@dataclass(frozen=True)
class Read:
    """What the model made of one page: its text, or why there is none."""

    text: str = ""
    error: str = ""


def load_settings(root: Path) -> tuple[TranscribeSettings, str]:
    """The `[transcribe]` settings of the workspace at `root` and the API key ("" for none);
    a missing or wrong table is a one-line WorkspaceError."""
    path = settings_file(root)
    tables = read_tables(path, NO_CONFIG_FIX, "transcription by a vision model")
    if "transcribe" not in tables:
        raise WorkspaceError(
            "no [transcribe] table: no vision model is configured",
            file=str(path),
            fix=NO_CONFIG_FIX,
        )
    settings = validated(TranscribeSettings, tables["transcribe"], path, "transcribe", KEYS)
    return settings, api_key(settings, path, "transcribe")


class Transcriber:
    """Reads page images through the endpoint, all of a run's pages under one concurrency limit."""

    def __init__(self, settings: TranscribeSettings, api_key: str, root: Path) -> None:
        self.settings = settings
        cache = ResponseCache(root / CACHE_FILE)
        self.client = Client(settings, api_key, cache, logged=_logged)

    @property
    def spend(self) -> Spend:
        return self.client.spend

    def read(self, pages: Sequence[tuple[Any, bool]]) -> list[Read]:
        """What each page (an upright PIL image; True for the first page of a script) says,
        in order; never raises."""
        bodies = [self.request(image, first) for image, first in pages]
        return [_read(reply) for reply in self.client.complete_all(bodies)]

    def request(self, image: Any, first: bool) -> dict[str, Any]:
        """The chat-completions request for one page: the prompt and the image, nothing else."""
        png = _png(masked(image, self.settings.mask_top) if first else image)
        uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        return {
            "model": self.settings.model,
            "temperature": 0,
            "max_tokens": self.settings.max_tokens,
            "messages": [
                {"role": "system", "content": PROMPT},
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "Transcribe this page."},
                        {"type": "image_url", "image_url": {"url": uri}},
                    ],
                },
            ],
        }


def masked(image: Any, fraction: float) -> Any:
    """The page with its top `fraction` of height painted white (where names and ids are)."""
    from PIL import ImageDraw

    out = image.copy()
    band = round(out.height * fraction)
    if band:
        white = 255 if out.mode == "L" else (255,) * len(out.getbands())
        ImageDraw.Draw(out).rectangle((0, 0, out.width, band - 1), fill=white)
    return out


def _png(image: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _logged(body: dict[str, Any]) -> dict[str, Any]:
    """The request as cached: the image by its SHA-256 (the cache key is image + model +
    prompt version), so the cache file holds no pages."""
    content = [dict(part) for part in body["messages"][1]["content"]]
    for part in content:
        if part.get("type") == "image_url":
            data = part["image_url"]["url"].encode("ascii")
            part["image_url"] = {"sha256": hashlib.sha256(data).hexdigest()}
    user = {**body["messages"][1], "content": content}
    return {**body, "messages": [body["messages"][0], user], "prompt_version": PROMPT_VERSION}


def _read(reply: Reply) -> Read:
    if reply.error:
        return Read(error=f"the vision model gave no transcription: {reply.error}")
    text = reply.content.strip()
    if reply.refusal or (_REFUSAL.match(text) and len(text) < 400):
        why = " ".join((reply.refusal or text).split())[:120]
        return Read(error=f"the vision model refused to transcribe the page ({why})")
    if not text:
        return Read(error="the vision model returned an empty transcription")
    if text == BLANK_PAGE:
        return Read(text="")
    return Read(text=_unfenced(text))


def _unfenced(text: str) -> str:
    """The transcription without a ```markdown fence around it (some models add one)."""
    fenced = re.fullmatch(r"```(?:markdown|md)?\s*\n(.*?)\n?```", text, re.S)
    return fenced[1].strip() if fenced else text
