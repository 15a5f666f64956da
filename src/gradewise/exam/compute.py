"""Run the exam's compute blocks and compare what they compute with the keys.

A compute block is a short Python program, written beside a key, that sets `result`. An exam
file may come from someone else, so on Linux each block runs in a sandbox (bubblewrap, below):
no network, no files of the user's, an empty environment, a scratch folder of its own, memory
and file-size limits, and every process it starts killed at the time limit. Where there is no
sandbox, blocks run only when the user trusts the exam file (`--trust-compute`). The result
comes back as JSON. A block that disagrees with its key points at a probable key error; a block
that fails is reported with the reason. Nothing here raises into the caller, except
`check_exam` refusing, in one line, to run untrusted blocks with no sandbox.
"""

from __future__ import annotations

import functools
import json
import math
import os
import shutil
import signal
import site
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

from gradewise.checkers.registry import registry
from gradewise.errors import GradewiseError
from gradewise.exam.load import ExamWarning, exam_warnings
from gradewise.model import Exam, Key, Part, Status

# Runs in the child: limit memory and file sizes (soft = hard, so the block cannot raise them),
# put gradewise's site-packages first on the path, run the block with print() sent to stderr,
# write JSON.
_RUNNER = r"""
import json, numbers, site, sys
try:
    import resource
    for name, megabytes in (("RLIMIT_AS", sys.argv[1]), ("RLIMIT_FSIZE", sys.argv[2])):
        limit = int(megabytes) * 1024 * 1024
        resource.setrlimit(getattr(resource, name), (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
except (ImportError, ValueError, OSError):
    pass
before = list(sys.path)
for folder in sys.argv[3:]:
    site.addsitedir(folder)
sys.path[:] = [p for p in sys.path if p not in before] + before

def plain(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, numbers.Real):
        return float(value)
    if type(value).__module__.split(".")[0] == "sympy":
        return str(value)
    raise TypeError(
        f"result is a {type(value).__name__}; set it to numbers, lists of numbers or text"
    )

def answer(**fields):
    sys.__stdout__.write(json.dumps(fields, default=plain))

source = sys.stdin.read()
namespace = {"__name__": "__compute__"}
sys.stdout = sys.stderr
try:
    exec(compile(source, "<compute>", "exec"), namespace)
except MemoryError:
    answer(error="memory")
except BaseException as exc:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    answer(error=text)
else:
    if "result" not in namespace:
        answer(error="no result")
    else:
        try:
            answer(result=namespace["result"])
        except (TypeError, ValueError) as exc:
            answer(error=str(exc))
"""

# The largest file a block may write, its answer included; and, in the sandbox, the size of its
# scratch folder (/tmp, memory-backed).
FILE_MB = 64
SCRATCH_MB = 64

# Exact keys still allow for floating-point noise; a zero key allows this much in absolute terms.
EXACT_REL = 1e-9
EXACT_ABS = 1e-12


class ComputeStatus(StrEnum):
    """What running a compute block showed about its key."""

    OK = "ok"  # the block computes what the key says
    MISMATCH = "mismatch"  # it computes something else: a probable key error
    FAILED = "failed"  # it raised, timed out, ran out of memory or set no result
    UNCHECKED = "unchecked"  # it ran, but there is no key it can be compared with


@dataclass(frozen=True)
class ComputeRun:
    """One block's run: the result (JSON value) or why there is none."""

    result: Any = None
    error: str | None = None


@dataclass(frozen=True)
class ComputeResult:
    """One part's compute block against its key."""

    address: str
    status: ComputeStatus
    message: str
    expected: Any = None
    computed: Any = None


@dataclass(frozen=True)
class ExamReport:
    """What `check_exam` found: one row per compute block, then warnings."""

    computes: tuple[ComputeResult, ...]
    warnings: tuple[ExamWarning, ...]

    @property
    def ok(self) -> bool:
        """True when no block failed or disagreed with its key."""
        bad = (ComputeStatus.MISMATCH, ComputeStatus.FAILED)
        return all(c.status not in bad for c in self.computes)


def check_exam(
    exam: Exam,
    *,
    run_compute: bool = True,
    time_limit: float = 5.0,
    memory_mb: int = 512,
    trust_compute: bool = False,
) -> ExamReport:
    """Run every compute block (unless `run_compute` is false) and collect warnings.

    Raises GradewiseError, before running anything, when there are blocks to run, no sandbox,
    and `trust_compute` is false.
    """
    parts = [p for p in exam.parts() if p.compute is not None] if run_compute else []
    computes: tuple[ComputeResult, ...] = ()
    if parts:
        if not trust_compute:
            find_sandbox()
        workers = max(1, min(4, os.cpu_count() or 1, len(parts)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            computes = tuple(
                pool.map(lambda p: check_part(p, time_limit, memory_mb, trust_compute), parts)
            )
    return ExamReport(computes=computes, warnings=exam_warnings(exam))


def check_part(
    part: Part, time_limit: float = 5.0, memory_mb: int = 512, trust: bool = False
) -> ComputeResult:
    """Run one part's compute block and compare its result with the part's key."""
    run = run_compute(part.compute or "", time_limit=time_limit, memory_mb=memory_mb, trust=trust)
    if run.error is not None:
        return ComputeResult(part.address, ComputeStatus.FAILED, run.error)
    if part.key is None:
        return ComputeResult(
            part.address,
            ComputeStatus.UNCHECKED,
            "the part has no key to compare with",
            computed=run.result,
        )
    status, message = compare(run.result, part.key)
    return ComputeResult(part.address, status, message, _expected(part.key), run.result)


# --- the sandbox ---------------------------------------------------------------------------

# Bubblewrap (`bwrap`, Debian package bubblewrap) is the sandbox Flatpak runs every app in: small,
# audited, packaged everywhere, and it needs neither root nor a daemon. It gives the block new
# user, PID, network, IPC and mount namespaces, so the block runs as nobody, with no network (not
# even the host's loopback), seeing only the system's /usr (read-only), gradewise's Python
# (read-only) and a fresh /tmp; no /home, /root, /etc/passwd or workspace. The block is a child
# of the sandbox's first process: killing bwrap kills that one (--die-with-parent), and with it
# the kernel kills every process in the namespace, even one that started a session of its own.
SANDBOX_TOOL = "bwrap"
SANDBOX_FIX = (
    "install bubblewrap (apt-get install bubblewrap), or pass --trust-compute to run the "
    "blocks with your own rights (only for exam files you trust), or --no-compute"
)
# The base interpreter, and the folders its packages come from: the venv gradewise runs in
# (its interpreter is a link that needs the venv's files around it; the base one does not).
PYTHON = os.path.realpath(getattr(sys, "_base_executable", "") or sys.executable)
SITES = tuple(os.path.realpath(p) for p in site.getsitepackages() if os.path.isdir(p))


@dataclass(frozen=True)
class Sandbox:
    """The sandbox tool and the options that build the block's world."""

    tool: str
    options: tuple[str, ...]

    def wrap(self, argv: Sequence[str]) -> list[str]:
        """The command that runs `argv` inside the sandbox."""
        return [self.tool, *self.options, "--", *argv]


def find_sandbox() -> Sandbox:
    """The working sandbox; GradewiseError saying why not and what to do when there is none."""
    tool = shutil.which(SANDBOX_TOOL)
    found = _probe(tool) if tool else f"'{SANDBOX_TOOL}' not found"
    if isinstance(found, str):
        raise GradewiseError(f"compute blocks not run: no sandbox ({found})", fix=SANDBOX_FIX)
    return found


@functools.cache
def _probe(tool: str) -> Sandbox | str:
    """Start Python in the sandbox once: bwrap may be installed where namespaces are not allowed
    (some containers, kernels that forbid user namespaces). The sandbox, or why it failed."""
    sandbox = Sandbox(tool, _sandbox_options(tool))
    try:
        done = subprocess.run(
            sandbox.wrap([PYTHON, "-I", "-c", "pass"]),
            capture_output=True,
            text=True,
            timeout=60,
            env=_environment("/tmp"),
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{tool} cannot start: {exc}"
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        return f"{tool} cannot start: {last[0]}"
    return sandbox


def _sandbox_options(tool: str) -> tuple[str, ...]:
    try:
        helptext = subprocess.run([tool, "--help"], capture_output=True, text=True, timeout=60)
        known = helptext.stdout
    except (OSError, subprocess.SubprocessError):
        known = ""
    size = ["--size", str(SCRATCH_MB * 1024 * 1024)] if "--size" in known else []
    nested = ["--disable-userns"] if "--disable-userns" in known else []  # bwrap 0.8 and later
    return (
        *("--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534", *nested),
        *("--die-with-parent", "--new-session", "--proc", "/proc", "--dev", "/dev"),
        *_system_mounts(),
        *(f for root in _python_roots() for f in ("--ro-bind", root, root)),
        *(*size, "--tmpfs", "/tmp", "--chdir", "/tmp"),
    )


def _system_mounts() -> list[str]:
    """/usr read-only, and /bin, /lib... as they are here (links into /usr, or folders)."""
    mounts = ["--ro-bind", "/usr", "/usr"]
    for path in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(path):
            mounts += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            mounts += ["--ro-bind", path, path]
    for path in ("/etc/ld.so.cache", "/etc/localtime"):  # where libraries are; the time zone
        mounts += ["--ro-bind-try", path, path]
    return mounts


def _python_roots() -> list[str]:
    """The interpreter's own folders and the package folders, outside /usr, nested ones once:
    with a Python or venv in the home folder, only these folders of it are seen."""
    wanted = [sys.base_prefix, sys.base_exec_prefix, os.path.dirname(PYTHON), *SITES]
    roots: list[str] = []
    for path in sorted({os.path.realpath(p) for p in wanted if p}):
        if not any(_under(path, root) for root in ["/usr", *roots]):
            roots.append(path)
    return roots


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _environment(home: str) -> dict[str, str]:
    """The block's whole environment: nothing of the user's (API keys live there)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8"}
    # Numerical libraries start a thread pool per core, each with a large reserve of memory.
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    if "SYSTEMROOT" in os.environ:  # Windows cannot start Python without it
        env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    return env


# --- running -------------------------------------------------------------------------------


def run_compute(
    source: str, *, time_limit: float = 5.0, memory_mb: int = 512, trust: bool = False
) -> ComputeRun:
    """Run `source` in the sandbox, or with `trust` and no sandbox as the user; never raises."""
    try:
        sandbox: Sandbox | None = find_sandbox()
    except GradewiseError as exc:
        if not trust:
            return ComputeRun(error=str(exc))
        sandbox = None
    with tempfile.TemporaryDirectory(
        prefix="gradewise-compute-", ignore_cleanup_errors=True
    ) as folder:
        return _run_in(Path(folder), source, sandbox, time_limit, memory_mb)


def _run_in(
    folder: Path, source: str, sandbox: Sandbox | None, time_limit: float, memory_mb: int
) -> ComputeRun:
    """Files, not pipes, for the block's input and output: a process the block leaves behind
    can hold a pipe open forever, but never stops us reading a file."""
    (folder / "block.py").write_text(source, encoding="utf-8")
    scratch = folder / "scratch"
    scratch.mkdir()
    argv = [PYTHON, "-I", "-c", _RUNNER, str(memory_mb), str(FILE_MB), *SITES]
    home = "/tmp" if sandbox else str(scratch)
    with (
        open(folder / "block.py", "rb") as stdin,
        open(folder / "out", "w+b") as out,
        open(folder / "err", "w+b") as err,
    ):
        try:
            proc = subprocess.Popen(
                sandbox.wrap(argv) if sandbox else argv,
                stdin=stdin,
                stdout=out,
                stderr=err,
                cwd=scratch,
                env=_environment(home),
                start_new_session=True,
            )
        except OSError as exc:
            return ComputeRun(error=f"could not start Python: {exc}")
        code = _wait(proc, time_limit)
        if code is None:
            return ComputeRun(error=f"timed out after {time_limit:g} s")
        if sandbox and code > 128:  # bwrap reports a block killed by signal N as 128 + N
            code = 128 - code
        return _answer(_read(out), _read(err, tail=True), code, memory_mb)


def _wait(proc: subprocess.Popen[bytes], time_limit: float) -> int | None:
    """The exit code, or None when the block ran out of time (it is killed then)."""
    try:
        return proc.wait(timeout=time_limit)
    except subprocess.TimeoutExpired:
        _kill(proc)
        return None


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the block and its process group: in the sandbox that is bwrap, and with it the whole
    namespace; without one, a process that left the group lives on (it cannot be followed)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (AttributeError, OSError):  # no process groups (Windows), or already gone
        proc.kill()
    proc.wait()


def _read(file: IO[bytes], tail: bool = False) -> str:
    size = file.seek(0, os.SEEK_END)
    file.seek(max(0, size - 4096) if tail else 0)
    return file.read().decode("utf-8", errors="replace")


def _answer(out: str, err: str, code: int, memory_mb: int) -> ComputeRun:
    try:
        answer = json.loads(out)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):  # the block died, or wrote to the real stdout itself
        return ComputeRun(error=_crash_reason(code, err, memory_mb))
    error = answer.get("error")
    if error == "memory":
        return ComputeRun(error=f"ran out of memory (limit {memory_mb} MB)")
    if error == "no result":
        return ComputeRun(error="the block sets no 'result'; end it with 'result = ...'")
    if error is not None:
        return ComputeRun(error=str(error))
    return ComputeRun(result=answer.get("result"))


def _crash_reason(code: int | None, stderr: str, memory_mb: int) -> str:
    last = stderr.strip().splitlines()[-1:] or [""]
    if (
        "MemoryError" in stderr or code == -signal.SIGKILL
    ):  # SIGKILL: most often the kernel's OOM killer
        return f"ran out of memory (limit {memory_mb} MB)"
    if code is not None and code < 0:
        return f"the block's process was killed by signal {-code}"
    return f"the block ended without a result (exit code {code}) {last[0]}".strip()


# --- comparing -----------------------------------------------------------------------------


def _expected(key: Key) -> Any:
    if key.kind == "choice":
        return key.params.get("correct")
    return key.params.get("value")


def compare(computed: Any, key: Key) -> tuple[ComputeStatus, str]:
    """Whether a computed value agrees with a key, and a message saying how."""
    expected = _expected(key)
    if expected is None:
        return ComputeStatus.UNCHECKED, f"the {key.kind} key has no value to compare with"
    if key.kind == "numeric":
        return _compare_numeric(computed, expected, _tolerance(key))
    if _same(computed, expected, key.kind):
        return ComputeStatus.OK, "computed value matches the key"
    if key.kind == "expression":
        return _ask_checker(computed, key)
    return ComputeStatus.MISMATCH, f"computed {computed!r} but the key says {expected!r}"


def _same(computed: Any, expected: Any, kind: str) -> bool:
    if kind == "choice":
        return _options(computed) == _options(expected)
    if kind == "expression" and isinstance(computed, str) and isinstance(expected, str):
        return "".join(computed.split()) == "".join(expected.split())
    return bool(computed == expected)


def _options(value: Any) -> set[str]:
    items = value if isinstance(value, list) else str(value).replace(",", " ").split()
    return {str(item).strip().lower() for item in items}


def _ask_checker(computed: Any, key: Key) -> tuple[ComputeStatus, str]:
    """Expressions that differ as text may still be equal: the checker decides."""
    checker = registry().get(key.kind)
    try:
        outcome = checker.check(str(computed), key) if checker else None
    except Exception as exc:  # a checker must not raise, but a broken one must not stop us
        return ComputeStatus.UNCHECKED, f"the {key.kind} checker failed: {exc}"
    if outcome is not None and outcome.status is Status.MET:
        return ComputeStatus.OK, "computed value is equivalent to the key"
    if outcome is not None and outcome.status is Status.NOT_MET:
        return ComputeStatus.MISMATCH, f"computed {computed!r} but the key says {_expected(key)!r}"
    reason = outcome.reason if outcome else "no checker"
    return (
        ComputeStatus.UNCHECKED,
        f"computed {computed!r}; could not compare with the key ({reason})",
    )


@dataclass(frozen=True)
class _Tolerance:
    abs: float = 0.0
    rel: float = 0.0

    def close(self, computed: float, expected: float) -> bool:
        if math.isnan(computed) or math.isnan(expected):
            return math.isnan(computed) and math.isnan(expected)
        if not (self.abs or self.rel):
            return math.isclose(computed, expected, rel_tol=EXACT_REL, abs_tol=EXACT_ABS)
        return abs(computed - expected) <= max(self.abs, self.rel * abs(expected))

    def __str__(self) -> str:
        parts = [
            f"{name} {value:g}" for name, value in (("abs", self.abs), ("rel", self.rel)) if value
        ]
        return ", ".join(parts) or f"exact (rel {EXACT_REL:g})"


def _tolerance(key: Key) -> _Tolerance:
    tol = key.params.get("tol")
    if not isinstance(tol, dict):
        tol = key.params
    try:
        return _Tolerance(abs=float(tol.get("abs") or 0), rel=float(tol.get("rel") or 0))
    except (TypeError, ValueError):
        return _Tolerance()


def _compare_numeric(computed: Any, expected: Any, tol: _Tolerance) -> tuple[ComputeStatus, str]:
    got, want = _numbers(computed), _numbers(expected)
    if want is None:
        return ComputeStatus.UNCHECKED, f"cannot read the key {expected!r} as numbers"
    if got is None:
        return (
            ComputeStatus.MISMATCH,
            f"computed {computed!r}, which is not numbers; the key says {expected!r}",
        )
    shapes = _shape(got), _shape(want)
    if None not in shapes and shapes[0] != shapes[1]:
        return ComputeStatus.MISMATCH, (
            f"computed {computed!r} of shape {shapes[0]} but the key {expected!r} "
            f"has shape {shapes[1]}"
        )
    if not _close(got, want, tol):
        return ComputeStatus.MISMATCH, (
            f"computed {computed!r} but the key says {expected!r} (tolerance {tol})"
        )
    return ComputeStatus.OK, f"computed value matches the key (tolerance {tol})"


def _close(got: Any, want: Any, tol: _Tolerance) -> bool:
    """Element-wise closeness of nested lists of the same structure (ragged ones too)."""
    if isinstance(got, list) and isinstance(want, list):
        return len(got) == len(want) and all(
            _close(g, w, tol) for g, w in zip(got, want, strict=True)
        )
    if isinstance(got, list) or isinstance(want, list):
        return False
    return tol.close(got, want)


def _numbers(value: Any) -> Any:
    """Nested lists of floats, or None if something is not a number."""
    if isinstance(value, list):
        items = [_numbers(item) for item in value]
        return None if any(item is None for item in items) else items
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            return None
    return None


def _shape(value: Any) -> tuple[int, ...] | None:
    """The shape of nested lists; None when ragged (ragged lists must match exactly)."""
    if not isinstance(value, list):
        return ()
    shapes = {_shape(item) for item in value}
    if len(shapes) > 1 or None in shapes:
        return None
    inner = shapes.pop() if shapes else ()
    return None if inner is None else (len(value), *inner)
