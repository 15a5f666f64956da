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
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gradewise.errors import ScriptError
from gradewise.model import Exam, Script
from gradewise.scripts.ingest import SCRIPT_SUFFIXES, Roster, find_scripts, other_files, read_script
from gradewise.scripts.pages import Page, PageImage, render_pages
from gradewise.scripts.roster_match import Match, apply_match, match_scripts
from gradewise.scripts.scans import SCAN_SUFFIXES, find_scans, read_scan_pages, transcribed
from gradewise.scripts.templated import Box, Paper, Reader, read_templated, reader_of

if TYPE_CHECKING:
    from gradewise.scripts.transcribe import Transcriber

Scanned = tuple[Script, tuple[PageImage, ...]]
# Pages drawn ahead per request the endpoint may have in flight: enough to keep it busy,
# few enough that a run of many scans never holds them all in memory.
BATCH_PER_REQUEST = 4
READ_SUFFIXES = SCRIPT_SUFFIXES + SCAN_SUFFIXES  # the files `gather` reads; others are listed


@dataclass
class Gathered:
    scripts: list[Script] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (source, one-line message)
    transcribed: list[Path] = field(default_factory=list)  # scans skipped for their .md
    skipped: list[Path] = field(default_factory=list)  # files in the folders no reader takes
    matches: list[Match] = field(default_factory=list)
    held: list[Match] = field(default_factory=list)  # not stored, for a human
    pages: dict[str, tuple[PageImage, ...]] = field(default_factory=dict)  # a scan's, by source
    boxes: dict[str, tuple[Box, ...]] = field(default_factory=dict)  # a templated scan's parts
    on_file: Callable[[Path], None] | None = field(default=None, repr=False)  # progress


def gather(
    paths: Iterable[Path],
    roster: Roster | None = None,
    *,
    engine: str = "tesseract",
    stored: Iterable[Script] = (),
    replace: bool = False,
    root: Path | None = None,
    transcriber: Transcriber | None = None,
    paper: tuple[Paper, Exam] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> Gathered:
    """Read every script among `paths` (files or folders); see the module docstring.

    `stored`: the scripts already in the workspace; `replace`: a new file for a student who
    has one replaces it (two files for one student in this run are held all the same);
    `root`: the workspace folder, so that a workspace moved or copied elsewhere still
    recognises its own files; `transcriber`: pages without a text layer are read by a vision
    model rather than the OCR `engine`; `paper`: the exam's blank paper, to cut scans by
    (`templated`), and the exam; `on_start(files)` and `on_file(path)` report progress (the
    number of files to read, then each file read or refused).
    """
    paths = [Path(p) for p in paths]
    out = Gathered(on_file=on_file)
    texts = [p for p in paths if not (p.is_file() and p.suffix.lower() in SCAN_SUFFIXES)]
    scans, out.transcribed = find_scans(paths)
    documents = find_scripts(texts) if texts else []
    out.skipped = other_files(paths, READ_SUFFIXES)
    if on_start is not None:
        on_start(len(documents) + len(scans))
    read: list[Script] = []
    for path in documents:
        _read_one(out, read, path, lambda p: read_script(p, roster=roster))
    if paper is not None:
        _cut(out, read, scans, roster, paper, reader_of(engine, transcriber))
    elif transcriber is not None:
        _transcribe(out, read, scans, roster, transcriber)
    for path in scans if transcriber is None and paper is None else []:
        ocr = functools.partial(read_scan_pages, roster=roster, engine=engine)
        _read_one(out, read, path, functools.partial(_keep, out, ocr))
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
    if out.on_file is not None:
        out.on_file(path)


def _keep(out: Gathered, scan: Callable[[Path], Scanned], path: Path) -> Script:
    """The script `scan` reads from `path`, its page images kept in `out`."""
    script, images = scan(path)
    out.pages[script.source] = images
    return script


def _cut(
    out: Gathered,
    read: list[Script],
    scans: list[Path],
    roster: Roster | None,
    paper: tuple[Paper, Exam],
    reader: Reader,
) -> None:
    """Read each scan through the blank paper: its parts' boxes, or by labels when a page
    does not line up."""
    for path in scans:
        _read_one(out, read, path, functools.partial(_keep_cut, out, paper, reader, roster))


def _keep_cut(
    out: Gathered, paper: tuple[Paper, Exam], reader: Reader, roster: Roster | None, path: Path
) -> Script:
    done = read_templated(path, *paper, reader, roster=roster)
    out.pages[done.script.source] = done.pages
    out.boxes[done.script.source] = done.boxes
    return done.script


def _transcribe(
    out: Gathered,
    read: list[Script],
    scans: list[Path],
    roster: Roster | None,
    transcriber: Transcriber,
) -> None:
    """Render scans a batch at a time (files until a few pages per request the endpoint may
    have in flight are drawn), send each batch's pages at once under the concurrency limit,
    then make and store each file's script before drawing the next batch."""
    held = BATCH_PER_REQUEST * transcriber.settings.max_concurrency
    rendered: list[tuple[Path, list[Page]]] = []
    for path in scans:
        try:
            pages = render_pages(path)
        except ScriptError as exc:
            out.errors.append((str(path), str(exc)))
            if out.on_file is not None:
                out.on_file(path)
            continue
        rendered.append((path, pages))
        if sum(len(p) for _, p in rendered) >= held:
            _send(out, read, rendered, roster, transcriber)
            rendered = []
    _send(out, read, rendered, roster, transcriber)


def _send(
    out: Gathered,
    read: list[Script],
    rendered: list[tuple[Path, list[Page]]],
    roster: Roster | None,
    transcriber: Transcriber,
) -> None:
    """Transcribe one batch of rendered scans and keep each file's script."""
    asked = [
        (page.image, number == 0)
        for _, pages in rendered
        for number, page in enumerate(pages)
        if page.text is None
    ]
    answers = iter(transcriber.read(asked))
    for path, pages in rendered:
        reads = [next(answers) if page.text is None else None for page in pages]
        made = functools.partial(transcribed, pages=pages, reads=reads, roster=roster)
        _read_one(out, read, path, functools.partial(_keep, out, made))
