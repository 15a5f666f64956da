"""Read a workspace's exam file fully once per change, not on every command.

Reading exam.yaml in full — the YAML reader that keeps line numbers, the schema, every checker's
validation, and SymPy parsing each expression key in a worker process — costs a command about a
second. Its outcome depends only on the file's text and on the code that reads it, so the Exam
it gives is kept in the user's cache folder (`exams/` under `gradewise.user_cache.cache_dir`),
named by the SHA-256 of the text and of that code (gradewise's modules, the checker plugins
installed, SymPy's version). A command that finds its entry builds the Exam from it; a changed
file or an upgrade names another entry, so the file is read and validated in full again.

The cache is the user's own, outside the workspace: a workspace received from someone else
cannot bring an Exam that differs from its exam.yaml.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import fields, is_dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, entry_points, version
from pathlib import Path
from typing import Any

from gradewise.model import Criterion, Exam, Key, Part, Question, Region, Rule, Section, Template
from gradewise.user_cache import cache_dir

KEEP = 200  # entries kept; the oldest go first
_TYPES = {
    t.__name__: t for t in (Exam, Section, Question, Part, Criterion, Key, Rule, Region, Template)
}


def load_exam_cached(path: Path) -> Exam:
    """The exam file at `path`, from the cache when this text was read by this code before;
    else read and validated in full (ExamError names the file, the line and the fix)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        text = None
    entry = cache_dir() / "exams" / f"{_digest(text)}.json" if text is not None else None
    kept = _read(entry) if entry else None
    if kept is not None:
        return kept
    # The full reading (YAML, schema, checkers, SymPy), imported only when it is needed.
    from gradewise.exam import load_exam, load_exam_text

    if text is None or entry is None:
        return load_exam(path)  # says what is wrong with the file
    exam = load_exam_text(text, source=str(path))
    _keep(entry, exam)
    return exam


def _digest(text: str) -> str:
    return hashlib.sha256(f"{code_fingerprint()}\0{text}".encode()).hexdigest()


@cache
def code_fingerprint() -> str:
    """What reading an exam file depends on besides its text: gradewise's modules (name, size,
    time), the checker plugins installed and the SymPy that decides whether expressions parse."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for folder, subfolders, files in os.walk(package):
        subfolders.sort()
        for name in sorted(f for f in files if f.endswith(".py")):
            info = os.stat(os.path.join(folder, name))
            where = os.path.relpath(os.path.join(folder, name), package)
            digest.update(f"{where} {info.st_size} {info.st_mtime_ns}\n".encode())
    for point in entry_points(group="gradewise"):
        release = point.dist.version if point.dist else ""
        digest.update(f"plugin {point.name} {point.value} {release}\n".encode())
    for dist in ("sympy", "latex2sympy2_extended"):
        digest.update(f"{dist} {_version(dist)}\n".encode())
    return digest.hexdigest()


def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "none"


def _read(entry: Path) -> Exam | None:
    """The Exam kept in `entry`, or None (missing, unreadable or not an Exam: read in full)."""
    try:
        exam = _decode(json.loads(entry.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None
    return exam if isinstance(exam, Exam) else None


def _keep(entry: Path, exam: Exam) -> None:
    """Write the entry whole (never half written), if JSON gives back exactly this Exam; a
    cache folder that cannot be written only means the next command reads the file in full."""
    try:
        text = json.dumps(_encode(exam), ensure_ascii=False)
    except TypeError:
        return  # a value JSON cannot hold
    if repr(_decode(json.loads(text))) != repr(exam):
        return  # repr, not ==: 1 == 1.0 == True, and a list is not a tuple
    partial = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, entry)
            _prune(entry.parent)
        finally:
            partial.unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    for old in entries[:-KEEP]:
        old.unlink(missing_ok=True)


def _encode(value: Any) -> Any:
    """JSON for an Exam: tuples, mappings and the exam's value types tagged, to come back as
    they were."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": {k: _encode(v) for k, v in value.items()}}
    name = type(value).__name__
    if is_dataclass(value) and _TYPES.get(name) is type(value):
        return {
            "type": name,
            "fields": {f.name: _encode(getattr(value, f.name)) for f in fields(value)},
        }
    raise TypeError(f"cannot keep a {name}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "tuple" in value:
        return tuple(_decode(v) for v in value["tuple"])
    if "dict" in value:
        return {k: _decode(v) for k, v in value["dict"].items()}
    return _TYPES[value["type"]](**{k: _decode(v) for k, v in value["fields"].items()})
