"""What a request can get wrong; the app answers each with its HTTP status and this message.

The errors are the actions layer's (gradewise.errors), so a rule refused there reads the same
on the page as on the command line.
"""

from __future__ import annotations

from gradewise.errors import BadInput, NotFound

__all__ = ["BadInput", "NotFound"]
