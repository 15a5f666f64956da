"""Gather the scripts to add: text files, PDFs and images (OCR), matched to the roster.

Reading only: nothing is stored here. `scripts add` stores what `gather` returns; a script
whose roster match needs a human (unmatched, ambiguous, two scripts for one student) is
listed in `matches` and, if it would overwrite another script, not returned at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gradewise.errors import ScriptError
from gradewise.model import Script
from gradewise.scripts.ingest import Roster, find_scripts, read_script
from gradewise.scripts.roster_match import Match, apply_match, match_scripts
from gradewise.scripts.scans import SCAN_SUFFIXES, find_scans, read_scan


@dataclass
class Gathered:
    scripts: list[Script] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (source, one-line message)
    transcribed: list[Path] = field(default_factory=list)  # scans skipped for their .md
    matches: list[Match] = field(default_factory=list)
    held: list[Match] = field(default_factory=list)  # doubles: not stored, for a human


def gather(
    paths: Iterable[Path], roster: Roster | None = None, *, engine: str = "tesseract"
) -> Gathered:
    """Read every script among `paths` (files or folders); see the module docstring."""
    paths = [Path(p) for p in paths]
    out = Gathered()
    texts = [p for p in paths if not (p.is_file() and p.suffix.lower() in SCAN_SUFFIXES)]
    scans, out.transcribed = find_scans(paths)
    read: list[Script] = []
    for path in find_scripts(texts) if texts else []:
        _read_one(out, read, path, lambda p: read_script(p, roster=roster))
    for path in scans:
        _read_one(out, read, path, lambda p: read_scan(p, roster=roster, engine=engine))
    if roster is None:
        out.scripts = read
        return out
    out.matches = match_scripts(read, roster)
    for script, match in zip(read, out.matches, strict=True):
        if match.status == "double":
            out.held.append(match)  # storing it would overwrite the other script
        else:
            out.scripts.append(apply_match(script, match, roster))
    return out


def _read_one(
    out: Gathered, read: list[Script], path: Path, reader: Callable[[Path], Script]
) -> None:
    try:
        read.append(reader(path))
    except ScriptError as exc:  # one unreadable file must not stop the others
        out.errors.append((str(path), str(exc)))
