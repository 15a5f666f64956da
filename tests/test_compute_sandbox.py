"""Compute blocks from a shared exam file run contained: no network, no files of the user's,
no environment, no process left behind; without a sandbox they run only when trusted."""

from __future__ import annotations

import os
import socket
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import missing_system_package
from gradewise.cli import cli
from gradewise.errors import GradewiseError
from gradewise.exam import ComputeStatus, check_exam, load_exam, load_exam_text, run_compute
from gradewise.exam import compute as compute_module
from gradewise.workspace import init_workspace

EXAMPLE_EXAM = Path(compute_module.__file__).parent.parent / "example" / "exam.yaml"


@pytest.fixture
def sandbox() -> None:
    """The real sandbox tool works on this machine (CI installs it with `make system-deps`)."""
    try:
        compute_module.find_sandbox()
    except GradewiseError as exc:
        missing_system_package("bubblewrap", f"apt-get install bubblewrap ({exc})")


@pytest.fixture
def no_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without the sandbox tool."""
    monkeypatch.setattr(compute_module, "SANDBOX_TOOL", "gradewise-no-such-bwrap")


def attempt(body: str) -> str:
    """A block that sets result to 'contained' when `body` raises, 'escaped: ...' when not."""
    return (
        "try:\n"
        + textwrap.indent(textwrap.dedent(body), "    ")
        + "\n    result = 'escaped: ' + repr(loot)[:80]\n"
        + "except Exception:\n    result = 'contained'\n"
    )


@pytest.fixture
def secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder with a secret file in it, and an API key in the environment."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".netrc").write_text("machine example.org password hunter2\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-gradewise-test-secret")
    return home


@pytest.mark.parametrize(
    "body",
    [
        # the accounts of the machine
        "loot = open('/etc/passwd').read()",
        # the password hashes
        "loot = open('/etc/shadow').read()",
        # a file in the home folder, by its real path
        "loot = open(HOME + '/.netrc').read()",
        # ... or listed
        "loot = os.listdir(HOME)",
        # the source tree this test runs from (the workspace around it)
        "loot = open(THIS_FILE).read()",
        # an API key in the environment
        "loot = os.environ['OPENAI_API_KEY']",
        # ... or in the environment of the process that started the block
        "loot = open('/proc/1/environ').read()\nassert 'sk-gradewise' in loot",
        "loot = open('/proc/self/environ').read()\nassert 'sk-gradewise' in loot",
        "loot = open(f'/proc/{os.getppid()}/environ').read()\nassert 'sk-gradewise' in loot",
        # a file written outside the scratch folder
        "loot = open(HOME + '/planted', 'w').write('x')",
        # ... or in the system's temporary folder, where it would outlive the run
        "loot = open(os.path.dirname(HOME) + '/planted', 'w').write('x')",
        # a connection to a server on this machine
        "import socket\nloot = socket.create_connection(('127.0.0.1', PORT), timeout=2)",
        # a connection to the outside
        "import socket\nloot = socket.create_connection(('1.1.1.1', 53), timeout=2)",
    ],
)
def test_blocks_are_contained(sandbox: None, secrets: Path, body: str) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        prelude = f"import os\nHOME = {str(secrets)!r}\nTHIS_FILE = {__file__!r}\nPORT = {port}\n"
        run = run_compute(prelude + attempt(body), time_limit=20)
    assert run.error is None, run.error
    assert run.result == "contained"
    assert sorted(p.name for p in secrets.parent.iterdir()) == ["home"]  # nothing planted
    assert sorted(p.name for p in secrets.iterdir()) == [".netrc"]


def test_blocks_write_in_their_scratch_folder(sandbox: None) -> None:
    block = "open('notes.txt', 'w').write('w = 3.8')\nresult = open('notes.txt').read()"
    assert run_compute(block, time_limit=20).result == "w = 3.8"


def _alive(marker: str) -> list[int]:
    """Processes on this machine whose command line holds `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "cmdline").read_text():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.fixture
def marker() -> Iterator[str]:
    """A word to find a sleeper by; any sleeper left at the end is killed."""
    word = f"gradewise-sleeper-{uuid.uuid4().hex}"
    yield word
    for pid in _alive(word):
        os.kill(pid, 9)


def sleeper_block(marker: str) -> str:
    """A block that leaves a child in its own session, holding stdout and stderr, asleep past
    the limit, and then spins itself."""
    return textwrap.dedent(f"""\
        import subprocess, sys
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", {marker!r}],
                         start_new_session=True)
        while True:
            pass
        """)


def test_the_whole_process_tree_dies_at_the_limit(sandbox: None, marker: str) -> None:
    started = time.monotonic()
    run = run_compute(sleeper_block(marker), time_limit=2)
    assert run.error == "timed out after 2 s"
    assert time.monotonic() - started < 15  # not the sleeper's 30 s
    time.sleep(0.5)
    assert _alive(marker) == []


def test_trusted_blocks_never_hang_on_what_they_leave_behind(no_sandbox: None, marker: str) -> None:
    # Without a sandbox the sleeper survives (nothing can follow it out of its session), but
    # the run still ends at the limit.
    started = time.monotonic()
    run = run_compute(sleeper_block(marker), time_limit=2, trust=True)
    assert run.error == "timed out after 2 s"
    assert time.monotonic() - started < 15


@pytest.mark.parametrize(
    "block,result",
    [
        # numpy, from the environment gradewise runs in
        (
            "import numpy as np\nresult = np.linalg.inv([[2.0, 0.0], [0.0, 4.0]])",
            [[0.5, 0], [0, 0.25]],
        ),
        # sympy
        ("import sympy as sp\nx = sp.Symbol('x')\nresult = sp.diff(x**3, x).subs(x, 2)", 12.0),
        # the standard library
        ("import statistics\nresult = statistics.mean([1, 2, 3, 4])", 2.5),
    ],
)
def test_sandboxed_blocks_import_the_math_libraries(
    sandbox: None, block: str, result: object
) -> None:
    run = run_compute(block, time_limit=30)
    assert run.error is None, run.error
    assert run.result == result


def test_the_bundled_example_checks_in_the_sandbox(sandbox: None) -> None:
    report = check_exam(load_exam(EXAMPLE_EXAM), time_limit=30)
    assert len(report.computes) == 5
    assert [(c.address, c.status, c.message) for c in report.computes if c.status != "ok"] == []


EXAM = """\
schema_version: 1
exam: {id: t, title: T}
sections:
  - id: I
    title: Short
    questions:
      - {id: "1", marks: 1, key: {kind: numeric, value: 40}, compute: "result = 8 * 5"}
      - {id: "2", marks: 1, key: {kind: numeric, value: 2}}
"""


def test_no_sandbox_refuses_to_run_blocks(no_sandbox: None) -> None:
    exam = load_exam_text(EXAM)
    with pytest.raises(GradewiseError) as raised:
        check_exam(exam)
    message = str(raised.value)
    assert "gradewise-no-such-bwrap" in message and "--trust-compute" in message
    assert "\n" not in message
    # trusted: the blocks run (with the user's rights)
    assert [c.status for c in check_exam(exam, trust_compute=True).computes] == [ComputeStatus.OK]
    # nothing to run: nothing refused
    assert check_exam(exam, run_compute=False).ok
    assert check_exam(load_exam_text(EXAM.replace(', compute: "result = 8 * 5"', ""))).ok


def test_run_compute_without_a_sandbox_says_why(no_sandbox: None) -> None:
    run = run_compute("result = 1")
    assert run.result is None
    assert run.error is not None and "--trust-compute" in run.error
    assert run_compute("result = 1", trust=True).result == 1


def test_a_sandbox_tool_that_cannot_start_is_no_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # bwrap installed where the kernel or a container forbids namespaces
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(compute_module, "SANDBOX_TOOL", str(fake))
    with pytest.raises(GradewiseError, match="No permissions to create new namespace"):
        check_exam(load_exam_text(EXAM))


@pytest.mark.parametrize(
    "flags,exit_code,fragment",
    [
        # refused: one line, saying what to do
        ((), 1, "--trust-compute"),
        # trusted: run, checked
        (("--trust-compute",), 0, "compute I.1: ok"),
        # not run at all
        (("--no-compute",), 0, "Exam file OK."),
    ],
)
def test_exam_check_without_a_sandbox(
    no_sandbox: None, tmp_path: Path, flags: tuple[str, ...], exit_code: int, fragment: str
) -> None:
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM)
    out = CliRunner().invoke(cli, ["-w", str(root), "exam", "check", *flags])
    assert out.exit_code == exit_code, out.output
    assert fragment in out.output
    if exit_code:
        assert len(out.output.strip().splitlines()) == 1 and "Traceback" not in out.output
