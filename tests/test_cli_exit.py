"""Exit status: every command that reports a failure exits non-zero, with one documented code.

1 user error (bad input, a check that failed), 2 usage (click's own), 3 internal error (a bug:
one line saying so and where the traceback went, never the traceback itself unless --debug).
"""

from __future__ import annotations

import errno
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gradewise import workspace as workspace_module
from gradewise.cli import cli
from gradewise.workspace import init_workspace
from test_cli import EXAM

# The block computes another shape than the key's: `exam check` calls it a probable key error.
SHAPE_KEY = "key: {kind: numeric, value: [32, 128, 26, 26]}\n"
WRONG_KEY = EXAM.replace(SHAPE_KEY, SHAPE_KEY + '        compute: "result = [32, 128, 24, 24]"\n')


SCRIPT = "Q1 b\n\nQ2 [32, 128, 26, 26]\n\nQ3 it drops units at random\n"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    (root / "scripts" / "s1.md").write_text(SCRIPT, encoding="utf-8")
    return root


def invoke(ws: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["-w", str(ws), *args])


def wrong_key(ws: Path) -> list[str]:
    (ws / "exam.yaml").write_text(WRONG_KEY, encoding="utf-8")
    return ["exam", "check", "--trust-compute"]  # a block of ours: no sandbox needed


def corrupt_pdf(ws: Path) -> list[str]:
    (ws / "scripts" / "s2.pdf").write_bytes(b"%PDF-1.4 garbage")
    return ["scripts", "add", str(ws / "scripts")]


def broken_yaml(ws: Path) -> list[str]:
    (ws / "exam.yaml").write_text("schema_version: 1\nexam: {id: t, title: T\n", encoding="utf-8")
    return ["results"]


def not_a_workspace(ws: Path) -> list[str]:
    (ws / "exam.yaml").unlink()
    return ["review", "list"]


def garbage_db(ws: Path) -> list[str]:
    (ws / "gradewise.db").write_bytes(b"not a database at all" * 10)
    return ["scripts", "list"]


def added(*args: str) -> Callable[[Path], list[str]]:
    """`args` after the scripts were added (a workspace with a student in it)."""

    def prepare(ws: Path) -> list[str]:
        assert invoke(ws, "scripts", "add", str(ws / "scripts")).exit_code == 0
        return list(args)

    return prepare


def given(*args: str) -> Callable[[Path], list[str]]:
    return lambda ws: list(args)


def unreachable_llm(ws: Path) -> list[str]:
    """Free text (I.3) for the LLM judge, whose endpoint does not answer (a closed port)."""
    (ws / "gradewise.toml").write_text(
        '[llm]\nurl = "http://127.0.0.1:9/v1"\nmodel = "m"\nmax_retries = 0\ntimeout_s = 2\n'
    )
    assert invoke(ws, "scripts", "add", str(ws / "scripts")).exit_code == 0
    return ["grade", "--judge", "llm"]


def unwritable_output(ws: Path) -> list[str]:
    (ws / "blocker").write_text("a file, not a folder")
    return ["export", "csv", "--allow-incomplete", "-o", str(ws / "blocker" / "out.csv")]


def existing_draft_output(ws: Path) -> list[str]:
    (ws / "paper.md").write_text("Q1 (2 marks) What is 1 + 1?\n", encoding="utf-8")
    return ["exam", "draft", str(ws / "paper.md"), "-o", str(ws / "exam.yaml")]


TABLE = [
    # a compute block disagrees with its key: printed, and the status says so
    (wrong_key, 1, "PROBABLE KEY ERROR"),
    # one script of two is a corrupt PDF: the other is added, the status says one failed
    (corrupt_pdf, 1, "is not a readable PDF"),
    # the exam file does not parse: file and line, for any command that reads it
    (broken_yaml, 1, "exam.yaml:"),
    # no exam.yaml in the folder
    (not_a_workspace, 1, "gradewise init"),
    # gradewise.db is not a database
    (garbage_db, 1, "cannot open the database"),
    # a part the exam does not have
    (added("grades", "set", "s1", "I.9", "1", "--why", "x"), 1, "no part 'I.9'"),
    # a student with no script
    (added("grades", "set", "s9", "I.1", "1", "--why", "x"), 1, "no script for student"),
    # exports refuse while grading is incomplete
    (added("export", "csv"), 1, "grading is incomplete"),
    # a judge that fails (the LLM endpoint does not answer): graded, the rest stored, status 1
    (unreachable_llm, 1, "could not be decided"),
    # an output path under a file
    (unwritable_output, 1, "check the path"),
    # a draft would overwrite the exam file
    (existing_draft_output, 1, "already exists"),
    # a user that does not exist
    (given("users", "password", "nobody", "--password-stdin"), 1, "no user 'nobody'"),
    # an unknown judge
    (given("grade", "--judge", "oracle"), 1, "no judge 'oracle'"),
    # usage: an unknown command, an unknown option, a missing option, a path that is not there
    (given("gradebook"), 2, "No such command 'gradebook'"),
    (given("results", "--colour"), 2, "No such option '--colour'"),
    (given("grades", "set", "s1", "I.1", "1"), 2, "Missing option '--why'"),
    (given("scripts", "add", "no-such-folder"), 2, "does not exist"),
]


@pytest.mark.parametrize("prepare, code, message", TABLE, ids=[m for _, _, m in TABLE])
def test_failures_exit_non_zero_with_one_error_line(
    ws: Path, prepare: Callable[[Path], list[str]], code: int, message: str
) -> None:
    out = invoke(ws, *prepare(ws))
    assert (out.exit_code, message in out.output) == (code, True), out.output
    assert "Traceback" not in out.output
    assert out.stderr.strip().splitlines()[-1].startswith("Error: ")


def test_success_exits_zero(ws: Path) -> None:
    assert invoke(ws, "exam", "check").exit_code == 0
    assert invoke(ws, "scripts", "add", str(ws / "scripts")).exit_code == 0
    graded = invoke(ws, "grade")  # free text waits for a human: that is no failure
    assert graded.exit_code == 0 and "1 wait for review" in graded.output


@pytest.fixture
def bug(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """`results` fails the way only a bug would; tracebacks go to a folder of the test's own."""

    def results(self: object) -> None:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(workspace_module.Workspace, "results", results)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.delenv("GRADEWISE_DEBUG", raising=False)
    return tmp_path


def test_internal_error_is_one_line_and_the_traceback_is_kept(ws: Path, bug: Path) -> None:
    out = invoke(ws, "results")
    assert out.exit_code == 3
    [line] = out.stderr.strip().splitlines()
    assert line.startswith("Error: ") and "bug" in line and "--debug" in line
    assert "ZeroDivisionError" in line and "Traceback" not in out.output
    [kept] = bug.glob("gradewise-traceback-*.txt")
    assert str(kept) in line
    assert "Traceback" in kept.read_text() and "ZeroDivisionError" in kept.read_text()


@pytest.mark.parametrize(
    "error, message",
    [
        # the machine, not gradewise: a full disk is the user's to fix
        (OSError(errno.ENOSPC, "No space left on device"), "Error: No space left on device\n"),
        # a file named in the error: which one, and what to check
        (
            PermissionError(errno.EACCES, "Permission denied", "/srv/x.csv"),
            "Error: /srv/x.csv: Permission denied — check the path and that you may write there",
        ),
    ],
)
def test_the_machine_refusing_is_a_user_error(
    ws: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, message: str
) -> None:
    def results(self: object) -> None:
        raise error

    monkeypatch.setattr(workspace_module.Workspace, "results", results)
    out = invoke(ws, "results")
    assert out.exit_code == 1 and message in out.stderr


@pytest.mark.parametrize(
    "args, env",
    [
        (["--debug"], {}),  # the flag
        ([], {"GRADEWISE_DEBUG": "1"}),  # or the environment variable
    ],
)
def test_debug_shows_the_traceback(
    ws: Path, bug: Path, args: list[str], env: dict[str, str]
) -> None:
    out = CliRunner(env=env).invoke(cli, [*args, "-w", str(ws), "results"])
    assert isinstance(out.exception, ZeroDivisionError)
    assert not list(bug.glob("gradewise-traceback-*.txt"))


def gradewise(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed entry point, as a shell runs it."""
    command = [sys.executable, "-c", "from gradewise.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_entry_point_exit_status(ws: Path) -> None:
    assert gradewise("--version").returncode == 0
    (ws / "scripts" / "s2.pdf").write_bytes(b"%PDF-1.4 garbage")
    added = gradewise("-w", str(ws), "scripts", "add", str(ws / "scripts"))
    assert added.returncode == 1 and "s2.pdf: is not a readable PDF" in added.stderr
    (ws / "exam.yaml").write_text(WRONG_KEY, encoding="utf-8")
    checked = gradewise("-w", str(ws), "exam", "check", "--trust-compute")
    assert checked.returncode == 1 and "PROBABLE KEY ERROR" in checked.stdout
    assert gradewise("-w", str(ws), "nonsense").returncode == 2
