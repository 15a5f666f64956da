"""`gradewise exam check|draft|schema|template`: validate the exam file, draft one, publish its
schema, find the answer regions on the blank paper."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.tree import Tree

from gradewise.cli.common import console, echo_json, json_option, output_file, workspace
from gradewise.errors import ExamError, WorkspaceError
from gradewise.exam import ComputeStatus, ExamReport, check_exam, load_exam_text
from gradewise.model import Exam, Part

if TYPE_CHECKING:
    from gradewise.scripts.templated import TemplateCheck
    from gradewise.workspace import Workspace

MARKS = {
    ComputeStatus.OK: "ok",
    ComputeStatus.MISMATCH: "PROBABLE KEY ERROR",
    ComputeStatus.FAILED: "failed",
    ComputeStatus.UNCHECKED: "not compared",
}


@click.group()
def exam() -> None:
    """The exam file (exam.yaml): structure, keys, rubrics."""


@exam.command()
@click.option("--no-compute", is_flag=True, help="Skip running the compute blocks.")
@click.option("--time-limit", default=5.0, show_default=True, help="Seconds per compute block.")
@click.option(
    "--trust-compute",
    is_flag=True,
    help="Where no sandbox is available, run compute blocks anyway, with your own rights.",
)
@json_option
@click.pass_context
def check(
    ctx: click.Context, no_compute: bool, time_limit: float, trust_compute: bool, as_json: bool
) -> None:
    """Validate exam.yaml, print its parts with marks and totals, re-run compute blocks.

    Compute blocks run in a sandbox (bubblewrap, on Linux); where there is none they run only
    with --trust-compute.

    Example: gradewise exam check
    """
    ws = workspace(ctx)
    report = check_exam(
        ws.exam, run_compute=not no_compute, time_limit=time_limit, trust_compute=trust_compute
    )
    template = _checked_template(ws)
    ok = report.ok and not (template and template.errors)
    if as_json:
        echo_json({**_as_json(ws.exam, report), "template": _check_json(template), "ok": ok})
    else:
        console.print(_tree(ws.exam))
        _print_report(report, template)
    if not report.ok:
        raise click.ClickException(_problems(ws.exam_path, report))
    if not ok:
        raise WorkspaceError(
            f"{ws.exam_path}: the template: the paper's page images are missing (listed above)",
            fix="run 'gradewise exam template BLANK.pdf' again in this workspace",
        )


def _starter(path: Path) -> bool:
    """Whether `path` is still the starter exam `gradewise init` wrote, untouched: a draft may
    take its place (README's tutorial drafts into it) without --force."""
    from gradewise.workspace import STARTER_EXAM

    try:
        return path.is_file() and path.read_text(encoding="utf-8") == STARTER_EXAM
    except (OSError, UnicodeDecodeError):
        return False


def _checked_template(ws: Workspace) -> TemplateCheck | None:
    """The template checked against the workspace (its stored boxes, if it has a database)."""
    from gradewise.scripts.templated import check_template
    from gradewise.workspace import DB_FILE, PAGES_DIR

    cut = ws.store.cut_parts() if (ws.root / DB_FILE).is_file() else {}
    return check_template(ws.exam, ws.root / PAGES_DIR, cut)


def _check_json(found: TemplateCheck | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "source": found.source,
        "pages": found.pages,
        "boxed": list(found.boxed),
        "unboxed": list(found.unboxed),
        "errors": list(found.errors),
        "warnings": [{"address": a, "message": m} for a, m in found.warnings],
    }


@exam.command()
@click.argument(
    "documents", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the draft here."
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def draft(documents: tuple[Path, ...], output: Path | None, force: bool) -> None:
    """Draft an exam file from the paper (and its solutions): .md (.Rmd, .qmd), .txt, .tex,
    .pdf, .docx or a Jupyter notebook (.ipynb); or from a Moodle question bank: XML (.xml, on
    its own), GIFT (.gift) or Aiken (.txt).

    Every value says where in the documents it came from; what is missing or could not be
    placed is listed at the top. Give the paper first, then any solutions documents.

    Example: gradewise exam draft paper.pdf solutions.md -o exam.yaml
    """
    from gradewise.exam.draft import DocumentError, draft_exam, render  # readers: only here
    from gradewise.exam.draft.unplaced import says_missed

    if output is not None and output.exists() and not force and not _starter(output):
        raise WorkspaceError(
            f"{output} already exists and is not the starter 'gradewise init' wrote",
            fix="choose another -o, or add --force to overwrite it",
        )
    drafted = draft_exam(list(documents))
    if not any(section.questions for section in drafted.sections):
        raise DocumentError(
            "no question found, so no exam was drafted",
            file=str(documents[0]),
            fix="number the questions ('Question 1', '1.', '## 2 (5 marks)'; in LaTeX \\question "
            "or \\item), and keep the .sty defining the paper's own macros beside it",
        )
    text = render(drafted)
    if output is None:
        click.echo(text, nl=False)
        return
    output_file(output).write_text(text, encoding="utf-8")
    questions = sum(len(s.questions) for s in drafted.sections)
    click.echo(
        f"Drafted {len(drafted.sections)} sections, {questions} questions into {output}: "
        f"{len(drafted.todo)} to fill in, {len(drafted.notes)} notes (listed at the top)."
    )
    missed = sum(says_missed(note.value) for note in drafted.notes)
    if missed:
        click.echo(
            f"{missed} lines look like questions the draft may have missed (listed at the top):"
            " add those that are by hand before grading."
        )
    try:
        load_exam_text(text, source=str(output))
        todo = " and fill in what the list at its top names" if drafted.todo else ""
        click.echo(f"It loads; review it{todo}, then run 'gradewise exam check'.")
    except ExamError as exc:
        click.echo(f"Still to do before 'gradewise exam check' passes: {exc}")


@exam.command()
@click.argument("blank", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be written; write nothing.")
@click.option(
    "--replace-edited",
    is_flag=True,
    help="Overwrite regions edited by hand in exam.yaml since the last run (kept otherwise).",
)
@click.option("--who", default=getpass.getuser, show_default="your user name")
@json_option
@click.pass_context
def template(
    ctx: click.Context, blank: Path, dry_run: bool, replace_edited: bool, who: str, as_json: bool
) -> None:
    """Find where each part is answered on the blank paper BLANK (a PDF with its text layer)
    and write those regions into exam.yaml, for scans of that paper to be cut by part.

    Each part's printed label (`1.`, `Question 2`, `(a)`, `b)`, `2(c)`) is looked for, and its
    answer space is the space below the label's paragraph, down to the next label. Parts
    whose label is not on the paper are listed, never guessed (they keep any regions written
    before). Check the regions in exam.yaml: `box` is [x0, y0, x1, y1] in fractions of the
    page from its top left. Regions you edited by hand since the last run are kept (and
    listed) unless --replace-edited.

    Example: gradewise exam template blank-paper.pdf --dry-run
    """
    from gradewise.actions.template import set_template  # PDFium: only here

    ws = workspace(ctx)
    before = ws.exam.template
    done = set_template(ws, blank, who=who, dry_run=dry_run, replace_edited=replace_edited)
    if as_json:
        echo_json({**_template_json(done.found, done.written), "kept": list(done.kept)})
        return
    for placed in done.found.placed:
        where = "; ".join(f"page {r.page} {_box(r.box)}" for r in placed.regions)
        edited = ""
        if placed.address in done.kept:
            edited = (
                "; not written: its regions were edited by hand in exam.yaml since the last run,"
                " and are kept (--replace-edited takes the paper's)"
            )
        click.echo(f"{placed.address}: label {placed.label!r}, {where}{edited}")
    for address, why in done.found.missing:
        kept = ""
        if before is not None and address in before.regions:  # never silently
            kept = f"; it keeps the regions written before (from {before.source or 'exam.yaml'})"
            kept += ": check them in exam.yaml"
        click.echo(f"{address}: not placed: {why}{kept}")
    placed_n, pages = len(done.found.placed), len(done.pages)
    if done.written:
        click.echo(
            f"Wrote the regions of {placed_n} parts ({pages} pages) into {ws.exam_path.name}."
        )
    else:
        click.echo(f"Dry run: {placed_n} parts placed on {pages} pages; nothing written.")
    if done.found.missing:
        click.echo("Write the regions of the parts not placed by hand, or check their labels.")


def _box(box: tuple[float, float, float, float]) -> str:
    return "[" + ", ".join(f"{x:.3f}" for x in box) + "]"


def _template_json(found: Any, written: bool) -> dict[str, Any]:
    return {
        "written": written,
        "placed": [
            {
                "part": p.address,
                "label": p.label,
                "regions": [{"page": r.page, "box": list(r.box)} for r in p.regions],
            }
            for p in found.placed
        ],
        "missing": [{"part": address, "why": why} for address, why in found.missing],
    }


@exam.command()
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write it here."
)
def schema(output: Path | None) -> None:
    """Print the exam file's JSON Schema, for editors to complete and check exam.yaml.

    With VS Code's YAML extension, save it beside the exam and start exam.yaml with the line
    `# yaml-language-server: $schema=exam.schema.json`.

    Example: gradewise exam schema -o exam.schema.json
    """
    from gradewise.exam.schema import schema_text

    text = schema_text()
    if output is None:
        click.echo(text, nl=False)
        return
    output_file(output).write_text(text, encoding="utf-8")
    click.echo(f"Wrote the exam file's JSON Schema to {output}")


def _tree(exam: Exam) -> Tree:
    root = Tree(f"[bold]{exam.title}[/] ({exam.id}) — {exam.marks:g} marks")
    for section in exam.sections:
        rule = (
            f", best {section.rule.best} of {len(section.questions)}" if section.rule.best else ""
        )
        branch = root.add(f"Section {section.id}: {section.title} — {section.marks:g} marks{rule}")
        for question in section.questions:
            if len(question.parts) == 1 and question.parts[0].address.count(".") == 1:
                branch.add(_part_line(question.parts[0]))
                continue
            q = branch.add(f"{section.id}.{question.id} — {question.marks:g} marks")
            for part in question.parts:
                q.add(_part_line(part))
    return root


def _part_line(part: Part) -> str:
    criteria = ", ".join(f"{c.id} {c.marks:+g}" for c in part.rubric)
    extra = f" [{criteria}]" if criteria else ""
    compute = " (compute)" if part.compute else ""
    return f"{part.address} — {part.marks:g} marks, {part.kind}{extra}{compute}"


def _print_report(report: ExamReport, template: TemplateCheck | None) -> None:
    for result in report.computes:
        line = f"compute {result.address}: {MARKS[result.status]} — {result.message}"
        click.echo(line)
    for warning in report.warnings:
        click.echo(f"warning {warning.address}: {warning.message}")
    if template is not None:
        click.echo(template.summary)
        for error in template.errors:
            click.echo(f"error template: {error}")
        for address, message in template.warnings:
            click.echo(f"warning {address}: {message}")
    if report.ok and not (template and template.errors):
        click.echo("Exam file OK.")


def _problems(path: Path, report: ExamReport) -> str:
    """The one-line failure: how many compute blocks disagree with their key or failed."""
    wrong = sum(r.status == ComputeStatus.MISMATCH for r in report.computes)
    failed = sum(r.status == ComputeStatus.FAILED for r in report.computes)
    counts = [
        f"{wrong} probable key error(s)" if wrong else "",
        f"{failed} failed" if failed else "",
    ]
    return (
        f"{path}: compute blocks: {' and '.join(c for c in counts if c)} (listed above)"
        " — correct the key or the block, then run 'gradewise exam check' again"
    )


def _as_json(exam: Exam, report: ExamReport) -> dict[str, Any]:
    return {
        "id": exam.id,
        "title": exam.title,
        "marks": exam.marks,
        "parts": [
            {
                "address": p.address,
                "marks": p.marks,
                "kind": p.kind,
                "criteria": [
                    {"id": c.id, "marks": c.marks, "check": c.check.kind if c.check else None}
                    for c in p.criteria
                ],
            }
            for p in exam.parts()
        ],
        "computes": [
            {
                "address": r.address,
                "status": str(r.status),
                "message": r.message,
                "expected": r.expected,
                "computed": r.computed,
            }
            for r in report.computes
        ],
        "warnings": [{"address": w.address, "message": w.message} for w in report.warnings],
        "ok": report.ok,
    }
