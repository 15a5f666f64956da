"""`gradewise users add | list | remove | assign | password`: who may log in to the review pages."""

from __future__ import annotations

import getpass
import sys

import click

from gradewise.cli.common import echo_json, json_option, table, workspace
from gradewise.store.users import ROLES, User, UserError, Users
from gradewise.workspace import Workspace


@click.group()
def users() -> None:
    """Who may log in to 'gradewise review serve': instructors (everything) and TAs (their parts).

    Login is needed whenever the review pages are served on an address other machines can
    reach (or with --login). Passwords are kept as Argon2 hashes only.
    """


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.option("--parts", default="", help="A TA's parts, comma-separated: II.7.a,II.7.b.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin (scripts).")
@click.pass_context
def add(ctx: click.Context, name: str, role: str, parts: str, password_stdin: bool) -> None:
    """Add a user; the password is asked for (hidden), or read from stdin.

    Example: gradewise users add ta-li --role ta --parts II.7.a,II.7.b
    """
    ws = workspace(ctx)
    store = Users(ws.store)
    wanted = store.check_new(name, role, _parts(ws, parts))  # before the password is typed
    password_hash = _hash(_password(password_stdin))
    user = store.add(
        name, role, password_hash, wanted, who=getpass.getuser(), why="gradewise users add"
    )
    click.echo(f"Added {_describe(user)}")
    if user.role == "ta" and not user.parts:
        click.echo(f"{name} grades no part yet: gradewise users assign {name} PARTS")


@users.command("list")
@json_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """List the users, their roles and a TA's parts (never a password or its hash).

    Example: gradewise users list --json
    """
    found = Users(workspace(ctx).store).all()
    if as_json:
        echo_json(
            [
                {"name": u.name, "role": u.role, "parts": list(u.parts), "added_at": u.added_at}
                for u in found
            ]
        )
        return
    table(
        f"Users ({len(found)})",
        ["name", "role", "parts", "added"],
        [[u.name, u.role, _parts_text(u), u.added_at] for u in found],
    )
    if not found:
        click.echo("Add one with: gradewise users add NAME --role instructor")


@users.command("remove")
@click.argument("name")
@click.pass_context
def remove(ctx: click.Context, name: str) -> None:
    """Remove a user; a running server refuses their session at their next click.

    Example: gradewise users remove ta-li
    """
    user = Users(workspace(ctx).store).remove(
        name, who=getpass.getuser(), why="gradewise users remove"
    )
    click.echo(f"Removed {_describe(user)}")


@users.command("assign")
@click.argument("name")
@click.argument("parts")
@click.pass_context
def assign(ctx: click.Context, name: str, parts: str) -> None:
    """Set the parts a TA grades (replacing those they had), comma-separated.

    Example: gradewise users assign ta-li II.7.a,II.7.b,II.10.a
    """
    ws = workspace(ctx)
    wanted = _parts(ws, parts)
    store = Users(ws.store)
    old = store.assign(name, wanted, who=getpass.getuser(), why="gradewise users assign")
    was = ", ".join(old) or "none"
    click.echo(f"{name} grades {', '.join(dict.fromkeys(wanted))} (was: {was})")


@users.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin (scripts).")
@click.pass_context
def password(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Set a new password for a user (their open sessions go on until they end).

    Example: gradewise users password ta-li
    """
    store = Users(workspace(ctx).store)
    if store.get(name) is None:
        raise UserError(f"no user {name!r}", fix="see 'gradewise users list'")
    password_hash = _hash(_password(password_stdin))
    store.set_password(name, password_hash, who=getpass.getuser(), why="gradewise users password")
    click.echo(f"New password set for {name}")


def _hash(password: str) -> str:
    # Imported here: gradewise.review loads the web stack, which listing users does not need.
    from gradewise.review.passwords import hash_password

    return hash_password(password)


def _password(from_stdin: bool) -> str:
    """The password: one line of stdin, or typed twice at a hidden prompt."""
    from gradewise.review.passwords import check_password

    if from_stdin:
        typed = sys.stdin.readline().rstrip("\r\n")
        if not typed:
            raise UserError("no password on stdin", fix="pipe one line: echo PASSWORD | ...")
        return check_password(typed)
    typed = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return check_password(str(typed))


def _parts(ws: Workspace, text: str) -> list[str]:
    """The parts named in `text` (comma-separated), each checked against the exam."""
    wanted = [p.strip() for p in text.split(",") if p.strip()]
    return [ws.check_part(label) for label in wanted]


def _parts_text(user: User) -> str:
    return "all" if user.instructor else ", ".join(user.parts) or "none yet"


def _describe(user: User) -> str:
    return f"{user.name} ({user.role}; parts: {_parts_text(user)})"
