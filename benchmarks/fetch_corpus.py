"""Fetch the corpus of real exam documents listed in benchmarks/corpus/sources.yaml.

Run by a person with a network (gradewise itself never downloads anything): each document is
taken from GitHub at its pinned commit into benchmarks/corpus/docs/ (not kept in git: the text
is its authors'). Then run benchmarks/bench_draft.py.

    .venv/bin/python benchmarks/fetch_corpus.py
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

from ruamel.yaml import YAML

CORPUS = Path(__file__).parent / "corpus"
RAW = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"


def main() -> None:
    sources = YAML(typ="safe").load((CORPUS / "sources.yaml").read_text())["documents"]
    out = CORPUS / "docs"
    out.mkdir(exist_ok=True)
    for doc in sources:
        target = out / (doc["name"] + Path(doc["path"]).suffix)
        if target.exists():
            continue
        url = RAW.format(repo=doc["repo"], commit=doc["commit"], path=doc["path"])
        with urllib.request.urlopen(url, timeout=30) as response:
            target.write_bytes(response.read())
        print(f"{doc['name']}: {url}")


if __name__ == "__main__":
    main()
