"""Who may log in to the review pages: a name, a role, an Argon2 hash and, for a TA, the parts.

Every change is an audit event in the same transaction, like a mark. Users are not students:
their events carry an empty student and address, kinds `user.add`, `user.remove`, `user.assign`
and `user.password`, and the user in `old`/`new` ('bo (ta: II.7.a, II.7.b)'); never a hash.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from gradewise.errors import GradewiseError
from gradewise.store.db import Store, now

ROLES = ("instructor", "ta")
# Names go into audit events, pages and log lines: plain characters only, and not too long.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class UserError(GradewiseError):
    """A user that does not exist, exists already, or cannot have what was asked."""


@dataclass(frozen=True)
class User:
    """One login; `parts` are the addresses a TA grades (an instructor grades every part)."""

    name: str
    role: str
    parts: tuple[str, ...]
    password_hash: str = field(repr=False)
    added_at: str = ""

    @property
    def instructor(self) -> bool:
        return self.role == "instructor"


def check_name(name: str) -> str:
    """`name` if it is a valid user name, else UserError saying what to write."""
    if not NAME.fullmatch(name):
        raise UserError(
            f"user name {name!r} is not allowed",
            fix="use letters, digits and . _ @ - (at most 64, starting with a letter or digit)",
        )
    return name


class Users:
    """The users of one workspace database."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    def get(self, name: str) -> User | None:
        """The user called `name`, or None."""
        row = self.db.execute(
            "SELECT name, role, password_hash, added_at FROM users WHERE name = ?", (name,)
        ).fetchone()
        return None if row is None else self._user(row)

    def all(self) -> list[User]:
        """Every user, by name."""
        rows = self.db.execute(
            "SELECT name, role, password_hash, added_at FROM users ORDER BY name"
        ).fetchall()
        return [self._user(row) for row in rows]

    def instructors(self) -> int:
        """How many instructors there are (login needs at least one)."""
        row = self.db.execute("SELECT COUNT(*) FROM users WHERE role = 'instructor'").fetchone()
        return int(row[0])

    def add(
        self,
        name: str,
        role: str,
        password_hash: str,
        parts: Iterable[str] = (),
        *,
        who: str,
        why: str = "",
    ) -> User:
        """Add a user (audited); UserError if the name is taken."""
        wanted = self.check_new(name, role, parts)
        try:
            with self.store.transaction() as db:
                db.execute(
                    "INSERT INTO users (name, role, password_hash, added_at) VALUES (?, ?, ?, ?)",
                    (name, role, password_hash, now()),
                )
                self._set_parts(db, name, wanted)
                new = _describe(name, role, wanted)
                self.store._event(db, who, "user.add", "", "", None, new, why)
        except sqlite3.IntegrityError:  # added by someone else since the check
            raise _taken(name) from None
        return self._need(name)

    def check_new(self, name: str, role: str, parts: Iterable[str] = ()) -> tuple[str, ...]:
        """The parts, once `name`, `role` and `parts` are known to make a new user (else
        UserError): checked before a password is asked for, and again when it is added."""
        check_name(name)
        if self.get(name) is not None:
            raise _taken(name)
        return _parts(role, parts)

    def remove(self, name: str, *, who: str, why: str = "") -> User:
        """Remove a user (audited); their sessions end at their next request."""
        user = self._need(name)
        with self.store.transaction() as db:
            db.execute("DELETE FROM users WHERE name = ?", (name,))
            old = _describe(name, user.role, user.parts)
            self.store._event(db, who, "user.remove", "", "", old, None, why)
        return user

    def assign(
        self, name: str, parts: Iterable[str], *, who: str, why: str = ""
    ) -> tuple[str, ...]:
        """Replace a TA's parts (audited); returns the parts they had."""
        user = self._need(name)
        wanted = _parts(user.role, parts)
        if not wanted:
            raise UserError("no parts given", fix="name them, e.g. II.7.a,II.7.b")
        with self.store.transaction() as db:
            self._set_parts(db, name, wanted)
            old, new = _describe(name, user.role, user.parts), _describe(name, user.role, wanted)
            self.store._event(db, who, "user.assign", "", "", old, new, why)
        return user.parts

    def set_password(self, name: str, password_hash: str, *, who: str, why: str = "") -> None:
        """Replace a user's password hash (audited, the hash itself kept out of the event)."""
        self._need(name)
        with self.store.transaction() as db:
            db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (password_hash, name))
            self.store._event(db, who, "user.password", "", "", None, name, why)

    def _need(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise UserError(f"no user {name!r}", fix="see 'gradewise users list'")
        return user

    def _user(self, row: tuple[str, str, str, str]) -> User:
        name, role, password_hash, added_at = row
        parts = self.db.execute(
            "SELECT address FROM user_parts WHERE name = ? ORDER BY address", (name,)
        ).fetchall()
        return User(name, role, tuple(p for (p,) in parts), password_hash, added_at)

    @staticmethod
    def _set_parts(db: sqlite3.Connection, name: str, parts: tuple[str, ...]) -> None:
        db.execute("DELETE FROM user_parts WHERE name = ?", (name,))
        db.executemany("INSERT INTO user_parts VALUES (?, ?)", [(name, p) for p in parts])


def _taken(name: str) -> UserError:
    return UserError(
        f"user {name!r} exists already",
        fix=f"choose another name, or 'gradewise users remove {name}' first",
    )


def _parts(role: str, parts: Iterable[str]) -> tuple[str, ...]:
    if role not in ROLES:
        raise UserError(f"no role {role!r}", fix=f"use one of: {', '.join(ROLES)}")
    wanted = tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))
    if wanted and role == "instructor":
        raise UserError(
            "an instructor grades every part already", fix="give parts to TAs only (--role ta)"
        )
    return wanted


def _describe(name: str, role: str, parts: Iterable[str]) -> str:
    """How an event shows a user: 'ada (instructor)', 'bo (ta: II.7.a, II.7.b)'."""
    listed = ", ".join(parts)
    return f"{name} ({role}: {listed})" if listed else f"{name} ({role})"
