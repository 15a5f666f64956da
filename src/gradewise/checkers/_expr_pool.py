"""Worker processes with a hard time limit per task, for slow or hanging SymPy work.

A task that runs past its limit cannot be interrupted inside the worker (SymPy may be deep in
a C-level big-integer loop), so the worker is killed and replaced, and that task alone is
reported as timed out. The pool is safe to share between threads: each call checks out idle
workers for its own use and gives them back when done.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

CHUNK = 4  # tasks sent per message: amortises pipe overhead, keeps work spread across workers
START_LIMIT_S = 120.0  # a worker imports SymPy and warms its parser before it says ready


@dataclass(frozen=True)
class TaskResult:
    """What one task came back with: ok=False means `value` is the failure reason."""

    ok: bool
    value: Any


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    conn: _Duplex

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Kill the process (it may be stuck where no signal helps) and reap it."""
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.alive():
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


def _start(module: str) -> _Worker:
    """Run `python -m module READ_FD WRITE_FD` talking pickled messages over two pipes.

    A plain subprocess rather than multiprocessing: it never re-imports the caller's main
    script, so a script without an `if __name__ == "__main__"` guard still works.
    """
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    env = dict(os.environ)
    # The package may run from a source tree that is not installed: let the child find it.
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", module, str(to_child_r), str(from_child_w)],
            pass_fds=(to_child_r, from_child_w),
            stdin=subprocess.DEVNULL,
            env=env,
        )
    finally:
        os.close(to_child_r)
        os.close(from_child_w)
    conn = _Duplex(from_child_r, to_child_w)
    return _Worker(process, conn)


class _Duplex:
    """A Connection-like pair of one-way pipes: recv from one fd, send to the other."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self._r = Connection(read_fd, writable=False)
        self._w = Connection(write_fd, readable=False)

    @property
    def reader(self) -> Connection:
        """The receiving end, for `multiprocessing.connection.wait`."""
        return self._r

    def send(self, obj: Any) -> None:
        self._w.send(obj)

    def recv(self) -> Any:
        return self._r.recv()

    def poll(self, timeout: float) -> bool:
        return self._r.poll(timeout)

    def close(self) -> None:
        self._r.close()
        self._w.close()


class WorkerPool:
    """A lazily started pool of `size` processes, each running `python -m module FD FD`.

    The module must send one message when ready, then answer each list of `(index, payload)`
    with one `(index, result)` message per item, in order; `None` asks it to exit.
    """

    def __init__(self, module: str, *, size: int = 2, timeout: float = 5.0) -> None:
        self.module = module
        self.size, self.timeout = size, timeout
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._live = 0
        self._closed = False
        atexit.register(self.close)

    def run_many(self, payloads: Sequence[Any]) -> list[TaskResult]:
        """Run every payload on the workers; results in input order, failures as ok=False."""
        if not payloads:
            return []
        workers = self._checkout(len(payloads))
        run = _Run(self, payloads, workers)
        try:
            run.drive()
        finally:
            self._checkin(run.workers, run.busy())
        return run.collect()

    def close(self) -> None:
        """Stop every idle worker; called at interpreter exit."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._live -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.process.wait(timeout=0.5)
            worker.stop()

    def spawn(self) -> _Worker:
        """Start one worker and wait until it says it is ready."""
        worker = _start(self.module)
        try:
            if not worker.conn.poll(START_LIMIT_S):
                raise RuntimeError(f"worker did not start within {START_LIMIT_S:g} s")
            worker.conn.recv()
        except BaseException:
            worker.stop()
            raise
        return worker

    def _checkout(self, want: int) -> list[_Worker]:
        with self._cond:
            while True:
                if self._closed:
                    raise RuntimeError("worker pool is closed")
                if self._idle or self._live < self.size:
                    break
                self._cond.wait()
            taken = self._idle[:want]
            del self._idle[:want]
            extra = min(want - len(taken), self.size - self._live)
            self._live += max(extra, 0)
        return taken + self._spawn_reserved(max(extra, 0))

    def _spawn_reserved(self, count: int) -> list[_Worker]:
        started: list[_Worker] = []
        try:
            for _ in range(count):
                started.append(self.spawn())
        except BaseException:
            with self._cond:
                self._live -= count - len(started)
                self._cond.notify_all()
            if not started:
                raise
        return started

    def _checkin(self, workers: list[_Worker], busy: set[int]) -> None:
        """Give workers back; one still holding tasks (an interrupted run) is killed."""
        keep = [w for w in workers if id(w) not in busy and w.alive()]
        for worker in workers:
            if worker not in keep:
                worker.stop()
        with self._cond:
            self._live -= len(workers) - len(keep)
            if self._closed:
                self._live -= len(keep)
            else:
                self._idle.extend(keep)
            self._cond.notify_all()
        if self._closed:
            for worker in keep:
                worker.stop()


class _Run:
    """One `run_many` call: feeds chunks to its workers and enforces the per-task limit."""

    def __init__(self, pool: WorkerPool, payloads: Sequence[Any], workers: list[_Worker]):
        self.pool, self.payloads, self.workers = pool, payloads, workers
        self.pending: deque[int] = deque(range(len(payloads)))
        self.results: list[TaskResult | None] = [None] * len(payloads)
        self.inflight: dict[int, deque[int]] = {}
        self.deadline: dict[int, float] = {}

    def drive(self) -> None:
        self._feed_idle()
        while self.inflight:
            active = [w for w in self.workers if id(w) in self.inflight]
            now = time.monotonic()
            wait_s = max(0.0, min(self.deadline[id(w)] for w in active) - now)
            ready = wait([w.conn.reader for w in active], timeout=wait_s)
            for worker in active:
                if worker.conn.reader in ready:
                    self._receive(worker)
                elif time.monotonic() >= self.deadline[id(worker)]:
                    self._fail_head(worker, f"timed out after {self.pool.timeout:g} s")
            self._feed_idle()

    def _feed_idle(self) -> None:
        # Requeued tasks (after a timeout) may wait while another worker sits idle.
        for worker in list(self.workers):
            if id(worker) not in self.inflight:
                self._feed(worker)

    def busy(self) -> set[int]:
        return set(self.inflight)

    def collect(self) -> list[TaskResult]:
        missing = TaskResult(False, "not run")
        return [r if r is not None else missing for r in self.results]

    def _feed(self, worker: _Worker) -> None:
        chunk = [self.pending.popleft() for _ in range(min(CHUNK, len(self.pending)))]
        if not chunk:
            return
        worker.conn.send([(i, self.payloads[i]) for i in chunk])
        self.inflight[id(worker)] = deque(chunk)
        self.deadline[id(worker)] = time.monotonic() + self.pool.timeout

    def _receive(self, worker: _Worker) -> None:
        try:
            index, value = worker.conn.recv()
        except (EOFError, OSError):
            self._fail_head(worker, "the expression worker stopped unexpectedly")
            return
        queue = self.inflight[id(worker)]
        queue.remove(index)
        self.results[index] = TaskResult(True, value)
        self.deadline[id(worker)] = time.monotonic() + self.pool.timeout
        if not queue:
            del self.inflight[id(worker)], self.deadline[id(worker)]
            self._feed(worker)

    def _fail_head(self, worker: _Worker, reason: str) -> None:
        """The worker's current task failed: record it, requeue the rest, replace the worker."""
        queue = self.inflight.pop(id(worker))
        del self.deadline[id(worker)]
        self.results[queue.popleft()] = TaskResult(False, reason)
        self.pending.extendleft(reversed(queue))
        worker.stop()
        position = self.workers.index(worker)
        try:
            fresh = self.pool.spawn()
        except Exception:  # no replacement can start: go on with fewer workers (see _drop)
            self._drop(position)
            return
        self.workers[position] = fresh

    def _drop(self, position: int) -> None:
        """No replacement could start: run on with fewer workers, or fail what is left."""
        dead = self.workers.pop(position)
        with self.pool._cond:
            self.pool._live -= 1
            self.pool._cond.notify_all()
        del dead
        if not self.workers:
            while self.pending:
                self.results[self.pending.popleft()] = TaskResult(False, "no worker could start")
