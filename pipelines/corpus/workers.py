"""Parse files in worker processes: all cores, a time limit and a memory bound per document.

One bad file cannot take a build down: a document that runs past its time limit is stopped
(its worker killed and replaced), one that exceeds the memory bound fails inside its worker,
and either is recorded with what to do; the other files go on.  Workers are forked, so they
start with the parent's imports; each loads spaCy once, on its first document.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import resource
import threading
import time
from collections import deque
from multiprocessing.connection import wait
from typing import Callable, Iterator, Optional

from extract.errors import ReadError

DEFAULT_TIMEOUT_S = 120.0  # the slowest real document parses in under 5 s (cosp bench --hostile)
DEFAULT_MEMORY_MB = 2048


def env_number(name: str, default: float, unit: str, cast: Callable = float):
    """A number from the environment; a bad value is a one-line error saying what to set."""
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return cast(value)
    except ValueError:
        raise ReadError(f"{name}={value!r} is not a number of {unit}",
                        f"set it to a number, e.g. {name}={default:g}, or unset it") from None


def timeout_from_env() -> float:
    return env_number("COSP_DOC_TIMEOUT", DEFAULT_TIMEOUT_S, "seconds")


def memory_from_env() -> int:
    return env_number("COSP_DOC_MAX_MB_RAM", DEFAULT_MEMORY_MB, "megabytes", int)


def default_jobs() -> int:
    return env_number("COSP_JOBS", os.cpu_count() or 1, "worker processes", int)


def process_gone(pid: int) -> bool:
    """Whether no process has this id any more: a temp file named after a process that is gone
    was left by a kill (no ``finally`` runs under SIGKILL), and may be removed."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _die_with_parent() -> None:
    """A build killed with -9 takes its workers with it (Linux), rather than leaving them parsing."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _address_space() -> int:
    """Bytes of address space this process has mapped (what RLIMIT_AS counts)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _worker(conn, task: Callable, memory_mb: int) -> None:
    _die_with_parent()
    try:
        # The bound is what one document may add to the worker as forked: the parent's
        # libraries (spaCy, numpy) map hundreds of megabytes of address space before any parse,
        # and a bound counted from zero failed every document at a low setting.
        limit = _address_space() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if job is None:
            return
        index, args = job
        try:
            result = task(*args)
        except MemoryError:
            result = MemoryError(f"ran out of memory (the bound is {memory_mb} MB per document)")
        conn.send((index, result))


class Aside:
    """``fn(*args)`` computed in a forked process while the caller goes on (``result()`` waits).

    For the corpus stage's pure computations (guideline alignment, lineage): the child reads
    the parent's objects as they are at the fork, nothing is pickled but the result, and the
    result is what the same call would return in the parent, so a build's bytes do not depend
    on where it ran.  If the child fails in any way, ``result()`` computes it here instead; a
    process running threads (a Dask client) is not forked at all, since a fork copies the
    locks other threads hold, and ``result()`` computes it here too."""

    def __init__(self, fn: Callable, *args):
        self.fn, self.args = fn, args
        self.conn = self.proc = None
        if threading.active_count() > 1:
            return
        ctx = mp.get_context("fork")
        self.conn, child = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=self._child, args=(child,), daemon=True)
        self.proc.start()
        child.close()

    def _child(self, conn) -> None:
        _die_with_parent()
        try:
            conn.send(self.fn(*self.args))
        except BaseException:  # the parent computes it itself
            conn.send(_Failed())

    def result(self):
        if self.proc is None:
            return self.fn(*self.args)
        try:
            value = self.conn.recv()
        except (EOFError, OSError):
            value = _Failed()
        finally:
            self.conn.close()
            self.proc.join()
        return self.fn(*self.args) if isinstance(value, _Failed) else value


class _Failed:
    """What a failed ``Aside`` child sends (the parent then computes the result itself)."""


class _Slot:
    """One worker process and the jobs sent to it, in the order it takes them (the first is
    the one it is on, since ``started``)."""

    def __init__(self, ctx, task, memory_mb):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, task, memory_mb), daemon=True)
        self.proc.start()
        child.close()
        self.jobs: deque[int] = deque()
        self.started = 0.0

    def stop(self) -> None:
        self.proc.kill()
        self.proc.join()


IN_FLIGHT = 2  # jobs sent to a worker at a time: it starts the next file while its last result is written


def run(task: Callable, jobs_args: list[tuple], workers: int, timeout: float, memory_mb: int,
        on_start: Optional[Callable[[int], None]] = None, start: str = "fork") -> Iterator[tuple[int, object]]:
    """Yield (index, result) for each argument tuple, in completion order; a job past its time
    limit yields ``TimeoutError``; a job whose worker died is tried once more in a new worker
    (a worker killed from outside is no fault of its document), and yields ``RuntimeError``
    if that one dies too.  The jobs queued behind a dead worker go to another.

    ``start`` "forkserver" for a caller that runs threads (a Dask worker): a fork copies the
    locks other threads hold; the fork server is a single-threaded process that forks workers."""
    ctx = mp.get_context(start)
    pending = list(range(len(jobs_args)))[::-1]
    retried: set[int] = set()
    announced: set[int] = set()
    done: list[tuple[int, object]] = []
    slots = [_Slot(ctx, task, memory_mb) for _ in range(max(1, min(workers, len(jobs_args))))]

    def refill() -> None:
        for s in list(slots):
            while len(s.jobs) < IN_FLIGHT and pending:
                job = pending.pop()
                try:
                    s.conn.send((job, jobs_args[job]))
                except (BrokenPipeError, OSError):  # the worker died since it was last looked at
                    pending.append(job)
                    if s.jobs:
                        died(s, f"the worker parsing it died (exit code {s.proc.exitcode})")
                    replace(s, kill=True)
                    break
                if not s.jobs:
                    s.started = time.monotonic()
                s.jobs.append(job)
                if on_start and job not in announced:
                    announced.add(job)
                    on_start(job)

    def replace(s: _Slot, kill: bool) -> None:
        """A new worker in the slot; the jobs queued behind the failed one are sent again."""
        if kill:
            s.stop()
        pending.extend(reversed(list(s.jobs)[1:]))
        slots[slots.index(s)] = _Slot(ctx, task, memory_mb)

    def died(s: _Slot, why: str) -> None:
        job = s.jobs[0]
        if job in retried:
            done.append((job, RuntimeError(why)))
        else:
            retried.add(job)
            pending.append(job)

    try:
        refill()
        while any(s.jobs for s in slots) or pending:
            busy = [s for s in slots if s.jobs]
            ready = wait([s.conn for s in busy], timeout=0.5)
            now = time.monotonic()
            for s in busy:
                if s.conn in ready:
                    try:
                        index, result = s.conn.recv()
                    except (EOFError, OSError):
                        died(s, "the worker parsing it died")
                        replace(s, kill=True)
                        continue
                    s.jobs.popleft()
                    s.started = now
                    done.append((index, result))
                elif not s.proc.is_alive():
                    died(s, f"the worker parsing it died (exit code {s.proc.exitcode})")
                    replace(s, kill=False)
                elif now - s.started > timeout:
                    done.append((s.jobs[0], TimeoutError(f"still parsing after {timeout:g} s")))
                    replace(s, kill=True)
            refill()  # before the caller writes these results: no worker waits for its next file
            finished, done[:] = list(done), []
            yield from finished
    finally:
        for s in slots:
            try:
                s.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
            s.proc.join(timeout=2)
            if s.proc.is_alive():
                s.stop()



def run_one(task: Callable, args: tuple, timeout: float, memory_mb: int) -> object:
    """``task(*args)`` in a child process under the time limit and memory bound, from a process
    that runs threads (a Dask worker): the result, or the ``TimeoutError``/``RuntimeError`` of
    ``run``.  The fork server is started once per process, with the parser imported and warmed
    (``warm.py``), so each document's child starts ready."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["pipelines.corpus.warm"])
    me = mp.current_process()
    daemon = me._config.get("daemon")
    me._config["daemon"] = False  # a Dask worker is a daemon process, which multiprocessing forbids children;
    try:  # these children are its own to reap (run() joins or kills them, and they die with it)
        for _, result in run(task, [args], 1, timeout, memory_mb, start="forkserver"):
            return result
        return RuntimeError("the worker returned nothing")
    finally:
        me._config["daemon"] = daemon
