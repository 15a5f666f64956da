"""Fuzz: the roster readers (`scripts add --roster`, `export canvas|moodle --roster`) given any
bytes or any CSV-like text load it or raise the one-line user error, never anything else, and
finish quickly (Hypothesis's deadline bounds every example)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradewise.errors import GradewiseError
from gradewise.reports.lms import read_lms_roster
from gradewise.scripts.ingest import read_roster

READERS: list[Callable[[Path], Any]] = [read_roster, read_lms_roster]
FUZZ = settings(
    max_examples=150,
    deadline=timedelta(seconds=1),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Cells built from what breaks CSV readers: separators, quotes, line ends, NUL, BOMs, non-ASCII.
CELL = st.text(
    st.sampled_from([*"ab1 -=@é", ",", ";", "\t", '"', "\n", "\r", "\x00", "\ufeff", "ü"]),
    max_size=12,
)
HEADER = st.lists(
    st.sampled_from(["id", "ID", "student", "name", "email", "lms_id", "sis_login", "section"])
    | CELL,
    min_size=0,
    max_size=5,
)
# Now and then a field longer than the csv module's limit (131,072 characters).
ROWS = st.lists(st.lists(CELL | st.just("x" * 131_073), max_size=6), max_size=8)


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def _read_each(path: Path) -> None:
    for read in READERS:
        try:
            read(path)
        except GradewiseError as error:
            assert str(error) and "\n" not in str(error).strip()  # one line, never empty


@FUZZ
@given(data=st.binary(max_size=400))
def test_any_bytes(folder: Path, data: bytes) -> None:
    path = folder / "roster.csv"
    path.write_bytes(data)
    _read_each(path)


@FUZZ
@given(
    header=HEADER,
    rows=ROWS,
    separator=st.sampled_from([",", ";", "\t"]),
    end=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_csv_like_text(
    folder: Path, header: list[str], rows: list[list[str]], separator: str, end: str, encoding: str
) -> None:
    text = end.join(separator.join(row) for row in [header, *rows])
    path = folder / "roster.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    _read_each(path)
