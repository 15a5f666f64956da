"""The command line: `gradewise NOUN VERB`, one module per command group, thin over the library."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from gradewise.cli import (
    comments,
    evaluate,
    exam,
    export,
    grades,
    init,
    judges,
    regrade,
    report,
    review,
    rubric,
    run,
    scripts,
    users,
)
from gradewise.cli.common import GradewiseGroup
from gradewise.errors import GradewiseError


@click.group(cls=GradewiseGroup)
@click.option(
    "-w",
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    envvar="GRADEWISE_WORKSPACE",
    show_default=True,
    help="The exam workspace folder (holds exam.yaml and gradewise.db).",
)
@click.version_option(package_name="gradewise")
@click.pass_context
def cli(ctx: click.Context, workspace: Path) -> None:
    """Grade exam answer scripts against the key and rubric, offline, every mark explained.

    Example: gradewise init demo --example; cd demo; gradewise scripts add scripts; gradewise grade
    """
    ctx.obj = workspace


cli.add_command(init.init)
cli.add_command(exam.exam)
cli.add_command(scripts.scripts)
cli.add_command(run.grade)
cli.add_command(run.results)
cli.add_command(review.review)
cli.add_command(grades.grades)
cli.add_command(rubric.rubric)
cli.add_command(comments.comments)
cli.add_command(regrade.regrade)
cli.add_command(export.export)
cli.add_command(judges.judges)
cli.add_command(evaluate.evaluate_command)
cli.add_command(report.report)
cli.add_command(users.users)


def main() -> None:
    """Entry point: user errors are one line; an unexpected failure is reported, not dumped."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except GradewiseError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:
        if os.environ.get("GRADEWISE_DEBUG"):
            raise
        click.echo(
            f"Error: internal error {exc!r}; nothing stored was lost. "
            "Run again with GRADEWISE_DEBUG=1 for details and report it.",
            err=True,
        )
        sys.exit(2)
