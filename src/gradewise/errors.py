"""Errors written for instructors: where (file, line or field), what is wrong, what to write."""

from __future__ import annotations


class GradewiseError(Exception):
    """A user-facing error; `str()` is one line naming the place, the problem and the fix."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        fix: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        fix = f" — {self.fix}" if self.fix else ""
        return f"{where}{self.message}{fix}"


class ExamError(GradewiseError):
    """The exam file is malformed or inconsistent."""


class KeyParamsError(GradewiseError):
    """A key or check has bad parameters; raised by a checker's `validate`.

    `field` is the offending parameter name (relative to the key), so the exam loader can
    point at its line.
    """

    def __init__(self, message: str, *, field: str | None = None, fix: str | None = None) -> None:
        self.field = field
        super().__init__(message, fix=fix)


class ScriptError(GradewiseError):
    """A script or roster could not be read."""


class WorkspaceError(GradewiseError):
    """The workspace folder is missing or not a gradewise workspace."""


class ConflictError(GradewiseError):
    """A change based on an out-of-date read: someone else changed the same thing first."""

    def __init__(self, message: str, *, fix: str, student: str, address: str) -> None:
        self.student = student
        self.address = address
        super().__init__(message, fix=fix)


class ReviewError(GradewiseError):
    """The review app cannot start as asked (e.g. an address it may not bind yet)."""


class NotFound(GradewiseError):
    """A change names something that is not there: a part, a student, a piece (HTTP 404)."""


class BadInput(GradewiseError):
    """A change that cannot be made as asked: a score that is no number, an unknown rubric
    item, an empty why (HTTP 400)."""
