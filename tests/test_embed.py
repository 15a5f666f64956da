"""The encoder on an `EncoderSpec`: another model's files are checked, its vectors kept apart."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gradewise.judges import _embed
from gradewise.judges._embed import MINILM, Encoder, ModelMissing
from test_similarity import DictStore

TEXTS = ["gradient descent steps downhill", "dropout drops units at random"]


@pytest.mark.parametrize(
    "change",
    [
        {"model_sha256": "0" * 64},  # the model file is not the one the spec pins
        {"tokenizer_sha256": "0" * 64},  # nor is the tokenizer
    ],
)
def test_a_spec_whose_files_are_not_pinned_ones_fails_loudly(change: dict[str, str]) -> None:
    with pytest.raises(ModelMissing, match="not the pinned file"):
        Encoder(spec=replace(MINILM, **change)).embed(TEXTS)


def test_another_model_never_reads_the_vectors_kept_for_minilm() -> None:
    store = DictStore()
    with Encoder().persisting(store) as minilm:
        minilm.embed(TEXTS)
    for (_, key), _vector in list(store.kept.items()):  # poison MiniLM's vectors
        store.kept[(MINILM.fingerprint, key)] = np.ones(MINILM.dim, np.float32).tobytes()
    other = Encoder(spec=replace(MINILM, model_id="another-model"))
    assert other.fingerprint != MINILM.fingerprint
    with other.persisting(store):
        vectors = other.embed(TEXTS)
    assert other._session is not None  # encoded afresh, not read from MiniLM's entries
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert not np.allclose(vectors, 1.0)


@pytest.mark.parametrize(
    "texts,rows",
    [
        (["", "   "], 2),  # blank texts: zero rows of the spec's width, the model never loads
        ([], 0),  # nothing to embed
    ],
)
def test_rows_have_the_spec_width(texts: list[str], rows: int) -> None:
    wide = Encoder(spec=replace(MINILM, dim=768))
    assert wide.embed(texts).shape == (rows, 768)
    assert wide._session is None


def test_the_default_spec_is_minilm_as_pinned() -> None:
    assert Encoder().spec is _embed.MINILM
    assert MINILM.fingerprint == f"{_embed.MODEL_ID}:{_embed.MODEL_SHA256[:12]}"
