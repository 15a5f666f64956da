"""What a request can get wrong; the app answers each with its HTTP status and this message."""

from __future__ import annotations

from gradewise.errors import GradewiseError


class NotFound(GradewiseError):
    """No such part, student or page (HTTP 404)."""


class BadInput(GradewiseError):
    """A request the app cannot act on: a score that is no number, or out of range (HTTP 400)."""
