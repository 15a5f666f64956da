"""The command line: `gradewise NOUN VERB`, one module per command group, thin over the library.

A command's module is imported only when that command runs, and each module imports the heavy
libraries (SymPy, numpy, the web stack, PDF rendering) inside the functions that need them, so a
read-only command starts fast. The exit status is set in one place (`common.GradewiseGroup`).
"""

from __future__ import annotations

from pathlib import Path

import click

from gradewise.cli.common import GradewiseGroup

COMMANDS = {
    "init": "gradewise.cli.init:init",
    "exam": "gradewise.cli.exam:exam",
    "scripts": "gradewise.cli.scripts:scripts",
    "grade": "gradewise.cli.run:grade",
    "results": "gradewise.cli.run:results",
    "review": "gradewise.cli.review:review",
    "grades": "gradewise.cli.grades:grades",
    "rubric": "gradewise.cli.rubric:rubric",
    "comments": "gradewise.cli.comments:comments",
    "regrade": "gradewise.cli.regrade:regrade",
    "export": "gradewise.cli.export:export",
    "judges": "gradewise.cli.judges:judges",
    "evaluate": "gradewise.cli.evaluate:evaluate_command",
    "report": "gradewise.cli.report:report",
    "users": "gradewise.cli.users:users",
}


@click.group(cls=GradewiseGroup, lazy=COMMANDS)
@click.option(
    "-w",
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    envvar="GRADEWISE_WORKSPACE",
    show_default=True,
    help="The exam workspace folder (holds exam.yaml and gradewise.db).",
)
@click.option(
    "--debug",
    is_flag=True,
    help="On an internal error, show the traceback (also GRADEWISE_DEBUG=1).",
)
@click.version_option(package_name="gradewise")
@click.pass_context
def cli(ctx: click.Context, workspace: Path, debug: bool) -> None:
    """Grade exam answer scripts against the key and rubric, offline, every mark explained.

    Exit status: 0 done, 1 a user error or a failed check, 2 usage, 3 an internal error (a bug).

    Example: gradewise init demo --example; cd demo; gradewise scripts add scripts; gradewise grade
    """
    ctx.obj = workspace


def main() -> None:
    """Entry point (the `gradewise` command); click's standalone mode applies the exit status."""
    cli(prog_name="gradewise")
