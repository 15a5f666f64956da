"""Opening PDFs (exam papers and answer scripts) with pypdf, failures as one-line errors."""

from __future__ import annotations

import io
import logging
from typing import Any

from gradewise.errors import GradewiseError


def open_pdf(data: bytes, source: str, *, error: type[GradewiseError], then: str) -> Any:
    """A pypdf reader, decrypted if it only has an empty password; `error` otherwise, whose fix
    ends with `then` (what to do with the repaired copy: "use that", "add that")."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not for instructors
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise error(
                "is an encrypted PDF",
                file=source,
                fix=f"save an unprotected copy (open it and print to PDF) and {then}",
            )
        len(reader.pages)  # a broken page tree only shows here
    except GradewiseError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, NotImplementedError) as exc:
        raise error(
            f"is not a readable PDF ({type(exc).__name__})",
            file=source,
            fix="open it in a PDF viewer and save or print it to a new PDF",
        ) from None
    return reader
