"""Fetch the corpus of real exam documents listed in benchmarks/corpus/sources.yaml.

Run by a person (gradewise itself never downloads anything): each document is taken at its
pinned commit into benchmarks/corpus/docs/ (not kept in git: the text is its authors'), from
GitHub with a network, or with `--mirrors DIR` from local git copies of the repositories
(`DIR/owner+name/repo`, a bare git directory each, or a clone with its `.git` inside, as a
mirroring tool leaves them). Then run benchmarks/bench_draft.py.

    .venv/bin/python benchmarks/fetch_corpus.py
    .venv/bin/python benchmarks/fetch_corpus.py --mirrors /work/.mirror
"""

from __future__ import annotations

import argparse
import posixpath
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ruamel.yaml import YAML

CORPUS = Path(__file__).parent / "corpus"
RAW = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"


def raw_url(doc: dict[str, str]) -> str:
    """Where GitHub serves the file at its commit; a path with spaces or other characters a
    URL cannot hold as they are ('project/mid/midterm solution.docx') is percent-encoded."""
    return RAW.format(repo=doc["repo"], commit=doc["commit"], path=quote(doc["path"], safe="/"))


def from_github(doc: dict[str, str]) -> bytes:
    """The document's bytes at its pinned commit, over the network."""
    with urllib.request.urlopen(raw_url(doc), timeout=30) as response:
        data: bytes = response.read()
    return data


def from_mirror(doc: dict[str, str], mirrors: Path) -> bytes:
    """The document's bytes at its pinned commit, from a local git copy of its repository."""
    git_dir = mirrors / doc["repo"].replace("/", "+") / "repo"
    if (git_dir / ".git").is_dir():  # a copy kept as a clone with a work tree, not bare
        git_dir = git_dir / ".git"
    shown = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{doc['commit']}:{doc['path']}"],
        capture_output=True,
        check=False,
    )
    if shown.returncode != 0:
        raise LookupError(shown.stderr.decode(errors="replace").strip() or "git show failed")
    return shown.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, help="folder of local git copies, owner+name/repo")
    args = parser.parse_args()
    sources = YAML(typ="safe").load((CORPUS / "sources.yaml").read_text())["documents"]
    out = CORPUS / "docs"
    out.mkdir(exist_ok=True)
    failed = 0
    for doc in sources:
        for target, path in targets(doc, out):
            if target.exists():
                continue
            try:
                one = {**doc, "path": path}
                data = from_mirror(one, args.mirrors) if args.mirrors else from_github(one)
            except (OSError, LookupError) as exc:
                print(f"{doc['name']}: {path} not fetched: {exc}", file=sys.stderr)
                failed += 1
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            print(f"{doc['name']}: {doc['repo']}@{doc['commit'][:7]}:{path}")
    sys.exit(1 if failed else 0)


def targets(doc: dict[str, Any], out: Path) -> list[tuple[Path, str]]:
    """Where each file of a document goes: docs/NAME.EXT alone, or, with files `beside` it
    (the .sty defining its macros, the main file that inputs it; `../x.sty` one folder up),
    all in docs/NAME/, laid out as in the repository from the highest folder they are in."""
    if not doc.get("beside"):
        return [(out / (doc["name"] + Path(doc["path"]).suffix), doc["path"])]
    folder = posixpath.dirname(doc["path"])
    paths = [doc["path"], *(posixpath.normpath(posixpath.join(folder, n)) for n in doc["beside"])]
    root = posixpath.commonpath([posixpath.dirname(path) for path in paths]) or "."
    return [(out / doc["name"] / posixpath.relpath(path, root), path) for path in paths]


if __name__ == "__main__":
    main()
