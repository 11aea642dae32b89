"""Where the parse stage runs past one machine: a Dask distributed cluster.

Why Dask rather than Ray: the parse stage is a plain map of a pure function over files
(bytes in, a parsed document out), which is exactly ``Client.submit`` and ``wait``; Dask
is pure Python, installs from PyPI with no native daemon, runs the same code on a
``LocalCluster`` in a test and on an HPC or Kubernetes cluster (``dask-jobqueue``,
``dask-kubernetes``), and its scheduler dashboard shows each file's task.  Ray would give
the same map, with a heavier runtime and object store this job does not need.

The client keeps what must stay on one machine: it reads each file (under the size limit),
looks it up in the parse cache, and writes the database; the cluster only receives bytes
and returns parsed documents (``ingest.parse_data``), so its workers need the code but
not the corpus's file system.  A document is under the same time limit and memory bound as
with local workers, enforced on the Dask worker: each task parses in a child process of the
worker (``workers.run_one``, from a fork server, since a Dask worker runs threads), killed at
the limit, so a runaway document never holds the worker; the client keeps a backstop on the
time (measured from when the task is handed to a free worker thread: no more tasks are in
flight than the cluster has threads), and the Dask worker's own ``memory_limit`` stays.
Run workers with one thread each and as many processes as cores (``dask worker ADDRESS
--nworkers auto --nthreads 1``): a process parses one document at a time.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, Iterator, Optional

from models.document import IngestError
from pipelines.corpus import ingest, workers


BACKSTOP_S = 30.0  # the client's own limit past the workers': a worker that stops answering


def parse_bounded(data: bytes, name: str, pdf_reader: str, timeout: float, memory_mb: int):
    """What a Dask worker runs for one file: ``ingest.parse_data`` in a child process under the
    time limit and memory bound; (document, error), or the exception that stopped it."""
    return workers.run_one(ingest.parse_data, (data, name, pdf_reader), timeout, memory_mb)


class EngineError(Exception):
    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


class DaskEngine:
    """Parse on the Dask cluster whose scheduler is at ``address`` (``tcp://host:8786``)."""

    def __init__(self, address: str, timeout: Optional[float] = None, connect_timeout: float = 10.0):
        try:
            from distributed import Client
        except ImportError:
            raise EngineError("the Dask engine needs the `distributed` package",
                              'install it with `pip install "cosp-tracker[cluster]"`') from None
        try:
            self.client = Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise EngineError(f"no Dask scheduler answers at {address} ({exc})",
                              "start one (`dask scheduler`, then `dask worker ADDRESS`) or check --scheduler") from None
        self.address = address
        self.timeout = timeout if timeout is not None else workers.timeout_from_env()

    def close(self) -> None:
        self.client.close()

    def threads(self) -> int:
        """Documents in flight: one per worker process (a process parses one at a time)."""
        return max(1, len(self.client.nthreads()))

    def map(self, todo: list[Path], cache_dir: Optional[Path], pdf_reader: str,
            progress: Optional[Callable[[Path], None]] = None) -> Iterator[tuple[int, tuple]]:
        """(index, (document, error, cache hit)) for each file, in completion order."""
        queue = list(range(len(todo)))[::-1]
        running: dict = {}  # future -> (index, data, handed at)
        while queue or running:
            slots = self.threads()  # asked of the scheduler once a round, not once a file (workers may join)
            while queue and len(running) < slots:
                i = queue.pop()
                if progress:
                    progress(todo[i])
                data, done = ingest.read_input(todo[i], cache_dir, pdf_reader)
                if data is None:
                    yield i, done
                    continue
                future = self.client.submit(parse_bounded, data, ingest.readable(str(todo[i])), pdf_reader,
                                            self.timeout, workers.memory_from_env(), pure=False,
                                            key=f"cosp-parse-{i}-{ingest.file_id(todo[i])}")
                running[future] = (i, data, time.monotonic())
            if not running:
                continue
            finished = {f for f in running if f.done()}
            if not finished:
                time.sleep(0.02)  # futures of a client that is not the process default: polled
            now = time.monotonic()
            for future in list(running):
                i, data, handed = running[future]
                if future in finished:
                    del running[future]
                    yield i, self._result(future, todo[i], data, cache_dir, pdf_reader)
                elif now - handed > self.timeout + BACKSTOP_S:
                    del running[future]
                    future.cancel()
                    yield i, (None, ingest.stopped(todo[i], TimeoutError(f"still parsing after {self.timeout:g} s"),
                                                   self.timeout, workers.memory_from_env()), False)

    def _result(self, future, path: Path, data: bytes, cache_dir, pdf_reader) -> tuple:
        try:
            result = future.result()
            if isinstance(result, BaseException):  # stopped on the worker: over the time or memory bound
                return None, ingest.stopped(path, result, self.timeout, workers.memory_from_env()), False
            doc, error = result
        except Exception as exc:  # the worker died (KilledWorker: over its memory limit), or the task failed
            return None, IngestError(str(path), "parse", f"stopped on the cluster: {type(exc).__name__}: {exc}",
                                     "check the Dask workers' logs and memory limit; the other files were built"), False
        if doc is not None:
            ingest.store(doc, data, cache_dir, pdf_reader)
        return doc, error, False


def engine_for(name: str, scheduler: Optional[str]) -> Optional[DaskEngine]:
    """``local`` (worker processes on this machine: None) or ``dask`` (needs ``scheduler``)."""
    if name == "local":
        if scheduler:
            raise EngineError("--scheduler is for --engine dask", "add --engine dask, or drop --scheduler")
        return None
    if not scheduler:
        raise EngineError("--engine dask needs the scheduler's address",
                          "give --scheduler tcp://HOST:8786 (start one with `dask scheduler`)")
    return DaskEngine(scheduler)
