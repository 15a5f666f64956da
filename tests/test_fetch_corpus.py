"""benchmarks/fetch_corpus.py: a corpus document comes out byte for byte as committed (Word
and PDF files are binary: NUL bytes, CR LF pairs, bytes over 127 kept), from a bare mirror or a
clone; a path with a space is a valid GitHub address. Repositories are built here, offline."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "fetch_corpus.py"


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fetch_corpus", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


BINARY = bytes(range(256)) + b"PK\x03\x04\r\n\x00\r\n%PDF-1.7\n\xff\xfe"


@pytest.mark.parametrize(
    "path, bare",
    [
        ("exams/midterm solution.docx", True),  # a space in the name, a bare mirror
        ("handouts/final.pdf", False),  # a clone kept with its .git inside
    ],
)
def test_a_binary_file_comes_out_byte_for_byte(tmp_path: Path, path: str, bare: bool) -> None:
    work = tmp_path / "work"
    (work / path).parent.mkdir(parents=True)
    (work / path).write_bytes(BINARY)
    _git(tmp_path, "init", "-q", str(work))
    _git(work, "add", ".")
    _git(work, "commit", "-qm", "exam")
    commit = _git(work, "rev-parse", "HEAD")
    mirrors = tmp_path / "mirrors"
    target = mirrors / "someone+course" / "repo"
    target.parent.mkdir(parents=True)
    if bare:
        _git(tmp_path, "clone", "-q", "--bare", str(work), str(target))
    else:
        _git(tmp_path, "clone", "-q", str(work), str(target))
    doc = {"name": "x", "repo": "someone/course", "commit": commit, "path": path}
    assert _module().from_mirror(doc, mirrors) == BINARY


@pytest.mark.parametrize(
    "path, expected",
    [
        # a space is percent-encoded, the folders' slashes are kept
        ("project/mid/midterm solution.docx", "project/mid/midterm%20solution.docx"),
        ("exam/exam.tex", "exam/exam.tex"),
        ("Examen final é.pdf", "Examen%20final%20%C3%A9.pdf"),  # a letter beyond ASCII
    ],
)
def test_github_addresses_hold_any_path(path: str, expected: str) -> None:
    doc = {"repo": "someone/course", "commit": "a" * 40, "path": path}
    url = _module().raw_url(doc)
    assert url == f"https://raw.githubusercontent.com/someone/course/{'a' * 40}/{expected}"
