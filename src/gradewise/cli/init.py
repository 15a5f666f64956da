"""`gradewise init`: make a workspace folder."""

from __future__ import annotations

from pathlib import Path

import click

from gradewise.workspace import init_workspace


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--example", is_flag=True, help="Copy the bundled example exam, roster and scripts.")
def init(directory: Path, example: bool) -> None:
    """Create an exam workspace in DIRECTORY.

    Example: gradewise init ml-final --example
    """
    root = init_workspace(directory, example=example)
    click.echo(f"Created workspace {root}")
    if example:
        click.echo(
            f"Next: cd {root}; gradewise scripts add scripts --roster roster.csv; gradewise grade"
        )
    else:
        click.echo(f"Next: edit {root / 'exam.yaml'}, then 'gradewise exam check'")
