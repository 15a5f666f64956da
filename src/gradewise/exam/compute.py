"""Run the exam's compute blocks and compare what they compute with the keys.

A compute block is a short Python program, written beside a key, that sets `result`. Each runs
in its own interpreter (`python -I`) with a wall-time and a memory limit; the result comes back
as JSON. A block that disagrees with its key points at a probable key error; a block that
fails is reported with the reason. Nothing here raises into the caller.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from gradewise.checkers.registry import registry
from gradewise.exam.load import ExamWarning, exam_warnings
from gradewise.model import Exam, Key, Part, Status

# Runs in the child: limit memory, run the block with print() sent to stderr, write JSON.
_RUNNER = r"""
import json, numbers, sys
try:
    import resource
    limit = int(sys.argv[1]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
except (ImportError, ValueError, OSError):
    pass

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
    exam: Exam, *, run_compute: bool = True, time_limit: float = 5.0, memory_mb: int = 512
) -> ExamReport:
    """Run every compute block (unless `run_compute` is false) and collect warnings."""
    computes: tuple[ComputeResult, ...] = ()
    if run_compute:
        parts = [p for p in exam.parts() if p.compute is not None]
        workers = max(1, min(4, os.cpu_count() or 1, len(parts)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            computes = tuple(pool.map(lambda p: check_part(p, time_limit, memory_mb), parts))
    return ExamReport(computes=computes, warnings=exam_warnings(exam))


def check_part(part: Part, time_limit: float = 5.0, memory_mb: int = 512) -> ComputeResult:
    """Run one part's compute block and compare its result with the part's key."""
    run = run_compute(part.compute or "", time_limit=time_limit, memory_mb=memory_mb)
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


# --- running -------------------------------------------------------------------------------


def run_compute(source: str, *, time_limit: float = 5.0, memory_mb: int = 512) -> ComputeRun:
    """Run `source` in a fresh interpreter; never raises."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    # Numerical libraries start a thread pool per core, each with a large reserve of memory.
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    with tempfile.TemporaryDirectory(prefix="gradewise-compute-") as workdir:
        try:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-c", _RUNNER, str(memory_mb)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=workdir,
                env=env,
                start_new_session=True,
            )
        except OSError as exc:
            return ComputeRun(error=f"could not start Python: {exc}")
        return _wait(proc, source, time_limit, memory_mb)


def _wait(
    proc: subprocess.Popen[str], source: str, time_limit: float, memory_mb: int
) -> ComputeRun:
    try:
        out, err = proc.communicate(source, timeout=time_limit)
    except subprocess.TimeoutExpired:
        _kill(proc)
        return ComputeRun(error=f"timed out after {time_limit:g} s")
    try:
        answer = json.loads(out)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):  # the block died, or wrote to the real stdout itself
        return ComputeRun(error=_crash_reason(proc.returncode, err, memory_mb))
    error = answer.get("error")
    if error == "memory":
        return ComputeRun(error=f"ran out of memory (limit {memory_mb} MB)")
    if error == "no result":
        return ComputeRun(error="the block sets no 'result'; end it with 'result = ...'")
    if error is not None:
        return ComputeRun(error=str(error))
    return ComputeRun(result=answer.get("result"))


def _kill(proc: subprocess.Popen[str]) -> None:
    """Kill the block and anything it started (it leads its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (AttributeError, OSError):  # no process groups (Windows), or already gone
        proc.kill()
    proc.communicate()


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
