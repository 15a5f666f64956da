"""Gather the scripts to add: text files, PDFs and images (OCR), matched to the roster.

Reading only: nothing is stored here. `scripts add` stores what `gather` returns; a script
whose roster match needs a human (unmatched, ambiguous) is listed in `matches`, and one that
would overwrite another script is held: listed and not returned at all. That is two files
for one student in the same run (both held), or a file for a student who already has a
script from another file with other text (`stored`), unless `replace` says to take it. The
same file added again with new text is an update, as is a file beside it with the same name
in another form (a transcription of a scan).
"""

from __future__ import annotations

import dataclasses
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
    held: list[Match] = field(default_factory=list)  # not stored, for a human


def gather(
    paths: Iterable[Path],
    roster: Roster | None = None,
    *,
    engine: str = "tesseract",
    stored: Iterable[Script] = (),
    replace: bool = False,
    root: Path | None = None,
) -> Gathered:
    """Read every script among `paths` (files or folders); see the module docstring.

    `stored`: the scripts already in the workspace; `replace`: a new file for a student who
    has one replaces it (two files for one student in this run are held all the same);
    `root`: the workspace folder, so that a workspace moved or copied elsewhere still
    recognises its own files.
    """
    paths = [Path(p) for p in paths]
    out = Gathered()
    texts = [p for p in paths if not (p.is_file() and p.suffix.lower() in SCAN_SUFFIXES)]
    scans, out.transcribed = find_scans(paths)
    read: list[Script] = []
    for path in find_scripts(texts) if texts else []:
        _read_one(out, read, path, lambda p: read_script(p, roster=roster))
    for path in scans:
        _read_one(out, read, path, lambda p: read_scan(p, roster=roster, engine=engine))
    before = {} if replace else {s.student: s for s in stored}
    for script, match in zip(read, match_scripts(read, roster), strict=True):
        final = apply_match(script, match, roster)
        if not match.held and _replaces(final, before.get(final.student), root):
            old = before[final.student].source
            how = f"{final.student} already has a script from {old}"
            match = dataclasses.replace(match, status="replaces", student=final.student, how=how)
        out.matches.append(match)
        if match.held:
            out.held.append(match)
        else:
            out.scripts.append(final)
    return out


def _replaces(new: Script, old: Script | None, root: Path | None = None) -> bool:
    """Would storing `new` lose `old`: another document, with other text? The same file, or
    the same one in another form beside it (s1.md transcribing s1.pdf), is an update; so is
    the same file of the workspace's scripts/ after the workspace was moved or copied."""
    if old is None or new.text == old.text:
        return False
    new_path, old_path = (Path(s.source).resolve().with_suffix("") for s in (new, old))
    if new_path == old_path:
        return False
    if root is None or not new_path.is_relative_to(root.resolve()):
        return True
    inside = new_path.relative_to(root.resolve()).parts
    return not (inside[0] == "scripts" and old_path.parts[-len(inside) :] == inside)


def _read_one(
    out: Gathered, read: list[Script], path: Path, reader: Callable[[Path], Script]
) -> None:
    try:
        read.append(reader(path))
    except ScriptError as exc:  # one unreadable file must not stop the others
        out.errors.append((str(path), str(exc)))
