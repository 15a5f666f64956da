"""`gradewise scripts add|list|show|assign`."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gradewise import actions
from gradewise.cli.common import echo_json, json_option, table, workspace

if TYPE_CHECKING:
    from gradewise.scripts.gather import Gathered
    from gradewise.scripts.ingest import Roster
    from gradewise.workspace import AddReport


@click.group()
def scripts() -> None:
    """Students' answer scripts and how they were split into answers."""


@scripts.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV with columns id, name, email.",
)
@click.option("--ocr", "engine", default="tesseract", show_default=True, help="OCR engine.")
@click.option(
    "--transcribe",
    is_flag=True,
    help="Read handwritten pages with the vision model of gradewise.toml's [transcribe].",
)
@click.option(
    "--replace",
    is_flag=True,
    help="A file for a student who already has a script from another file replaces it.",
)
@click.option("--who", default=getpass.getuser, show_default="your user name")
@json_option
@click.pass_context
def add(
    ctx: click.Context,
    paths: tuple[Path, ...],
    roster: Path | None,
    engine: str,
    transcribe: bool,
    replace: bool,
    who: str,
    as_json: bool,
) -> None:
    """Add scripts: Markdown, text or LaTeX files, PDFs and scans/photos (OCR), or folders.

    Other files in a folder are listed, not read. The text is stored unchanged (pages of a
    PDF or scan separated by a form feed). A Markdown transcription beside a scan (s1.md
    next to s1.pdf) is used instead of OCR. With
    --roster, each script is matched to a student by id or name (fuzzily); the ones that
    need a human are listed and never guessed. Two files for one student are held, not
    stored: both when they come in one run, the new one when the student already has a
    script from another file (--replace takes it). Adding the same file again updates it.
    Every page of a PDF or scan is kept as an image in the workspace (pages/). With
    --transcribe, pages are read by a vision model (see [transcribe] in the README) instead
    of OCR; only the page image is sent, its name band blanked.

    Example: gradewise scripts add scripts/ --roster roster.csv
    """
    from gradewise.scripts.ingest import read_roster  # the roster reader serves this command only

    ws = workspace(ctx)
    known = read_roster(roster) if roster else None
    with _reading(show=not as_json and sys.stderr.isatty()) as (on_start, on_file):
        found = ws.gather_scripts(
            paths,
            known,
            engine=engine,
            replace=replace,
            transcribe=transcribe,
            on_start=on_start,
            on_file=on_file,
        )
    reports = ws.store_scripts(found, known, who=who)
    if transcribe:
        reader = ws.transcriber()
        click.echo(reader.spend.line(reader.settings, "Transcription by"), err=True)
    if as_json:
        echo_json(
            [
                {
                    "student": r.student,
                    "source": r.source,
                    "status": r.status,
                    "error": r.error,
                    "why": r.why,
                    "note": r.note,
                }
                for r in reports
            ]
            + [
                {
                    "student": "",
                    "source": str(p),
                    "status": "skipped",
                    "error": "",
                    "why": "not a script",
                    "note": "",
                }
                for p in found.skipped
            ]
        )
    else:
        _summary(reports)
        _roster_listing(found)
        if known is not None:
            _without_scripts(known, {s.student for s in ws.store.scripts()})
    if any(r.error for r in reports):
        ctx.exit(1)


def _roster_listing(found: Gathered) -> None:
    for scan in found.transcribed:
        click.echo(f"{scan}: its Markdown transcription was used instead of OCR.")
    if found.skipped:
        from gradewise.scripts.gather import READ_SUFFIXES  # loaded already by the gathering

        for path in found.skipped:
            click.echo(f"{path}: skipped: scripts are {', '.join(READ_SUFFIXES)} files.")
    fuzzy = [m for m in found.matches if m.status == "fuzzy"]
    human = [m for m in found.matches if m.needs_human]
    for m in fuzzy:
        click.echo(f"matched {m.source} → {m.student} ({m.how})")
    if human:
        click.echo(f"{len(human)} scripts need a human:")
        for m in human:
            click.echo(f"  {m.status}: {m.source} (came as {m.claimed!r}): {m.how}")
    if any(not m.held for m in human):
        click.echo("Unmatched and ambiguous scripts were stored under the id they came with.")
    if found.held:
        click.echo(
            "Held scripts were not stored: keep the right one for each student with"
            " 'gradewise scripts add FILE --replace' (or give each file its own student id)."
        )


def _without_scripts(roster: Roster, stored: set[str]) -> None:
    """The roster's students with no script in the workspace, named: absent, or a file that
    was not added (another name, another kind), never left unsaid."""
    missing = [s for s in roster.entries if s not in stored]
    if not missing:
        return
    named = ", ".join(f"{s} ({roster.name(s)})" if roster.name(s) else s for s in missing[:10])
    more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
    click.echo(
        f"{len(missing)} of {len(roster)} students on the roster have no script: {named}{more}."
    )


def _summary(reports: list[AddReport]) -> None:
    for r in reports:
        if r.status == "error":
            click.echo(f"Error: {r.error}", err=True)
        elif r.error:  # stored, but some pages could not be read
            click.echo(f"Error: {r.source}: {r.error}", err=True)
        if r.note:  # a re-cut scan: what became of the boxes a human moved
            click.echo(f"{r.source}: {r.note}")
    counts: dict[str, int] = {}
    for r in reports:
        counts[r.status] = counts.get(r.status, 0) + 1
    summary = (
        ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no scripts found"
    )
    click.echo(f"Scripts: {summary}.")


@contextmanager
def _reading(
    show: bool,
) -> Iterator[tuple[Callable[[int], None] | None, Callable[[Path], None] | None]]:
    """Progress while files are read, on stderr and only on a terminal (long PDFs and stacks
    of scans take minutes); nothing otherwise."""
    if not show:
        yield None, None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("reading {task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(
        *columns, TimeElapsedColumn(), console=Console(stderr=True), transient=True
    ) as bar:
        task = bar.add_task("files", total=None)

        def read(path: Path) -> None:
            bar.update(task, advance=1, description=path.name)

        yield (lambda total: bar.update(task, total=total)), read


@scripts.command("list")
@json_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """List the scripts with how many parts were found in each.

    Example: gradewise scripts list --json
    """
    ws = workspace(ctx)
    answers = ws.store.answers()
    unread = ws.store.page_errors()
    rows: list[dict[str, Any]] = []
    for script in ws.store.scripts():
        mine = [a for a in answers if a.student == script.student]
        rows.append(
            {
                "student": script.student,
                "name": script.name,
                "source": script.source,
                "answered": sum(1 for a in mine if a.text.strip()),
                "missing": [a.address for a in mine if not a.text.strip()],
                "errors": [f"page {n}: {why}" for n, why in unread.get(script.student, [])],
            }
        )
    if as_json:
        echo_json(rows)
        return
    table(
        "Scripts",
        ["student", "name", "answered", "missing", "source", *(["errors"] if unread else [])],
        [
            [
                r["student"],
                r["name"],
                r["answered"],
                ", ".join(r["missing"]),
                r["source"],
                *(["; ".join(r["errors"])] if unread else []),
            ]
            for r in rows
        ],
    )
    if unread:
        click.echo(
            "Pages with errors were kept empty and their scripts' answers go to review: fix the"
            " [transcribe] endpoint and add the files again, or add a Markdown transcription."
        )


@scripts.command()
@click.argument("student")
@json_option
@click.pass_context
def show(ctx: click.Context, student: str, as_json: bool) -> None:
    """Show each piece of STUDENT's script and the part it went to.

    Example: gradewise scripts show s2024001
    """
    from gradewise.scripts.scans import page_count, page_of

    ws = workspace(ctx)
    seg = ws.segmentation(student)
    script = ws.store.script(student)
    assert script is not None
    images = [str(ws.page_path(page.image)) for page in ws.store.pages(student)]
    rows: list[dict[str, Any]] = [
        {
            "piece": i,
            "page": page_of(script.text, p.start),
            "image": _image(images, page_of(script.text, p.start)),
            "start": p.start,
            "end": p.end,
            "label": p.label,
            "part": p.address,
            "how": p.how,
            "text": script.text[p.start : p.end],
        }
        for i, p in enumerate(seg.pieces, 1)
    ]
    if as_json:
        echo_json(rows)
        return
    paged = page_count(script.text) > 1  # a PDF or scan: say where each piece is
    table(
        f"Segmentation of {student}",
        ["#", *(["page"] if paged else []), "part", "how", "label", "text"],
        [_show_row(r, paged) for r in rows],
    )
    if images:
        click.echo(f"Page images: {', '.join(images)}")
    click.echo("Move a piece with: gradewise scripts assign STUDENT PIECE PART --why '...'")


@scripts.command()
@click.argument("student")
@click.argument("piece", type=int)
@click.argument("part")
@click.option("--why", required=True, help="The reason, kept in the audit log.")
@click.option("--who", default=getpass.getuser, show_default="your user name")
@click.pass_context
def assign(ctx: click.Context, student: str, piece: int, part: str, why: str, who: str) -> None:
    """Move piece number PIECE of STUDENT's script (see 'scripts show') to PART.

    Example: gradewise scripts assign s2024004 3 II.8.b --why "answer to 8b written under 8a"
    """
    ws = workspace(ctx)
    start = actions.piece_start(ws, student, piece)
    moved = actions.move_piece(ws, student, start, part, who=who, why=why)
    click.echo(f"{student} piece {piece}: {moved.message} (recorded)")


def _image(images: list[str], page: int) -> str:
    """The file of the page's image ("" for a text script, which has none)."""
    return images[page - 1] if page <= len(images) else ""


def _show_row(row: dict[str, Any], paged: bool) -> list[Any]:
    page = [row["page"]] if paged else []
    return [
        row["piece"],
        *page,
        row["part"] or "—",
        row["how"],
        row["label"],
        _preview(row["text"]),
    ]


def _preview(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
