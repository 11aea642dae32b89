"""Work spread over processes: the same results as one process, and a worker that fails
costs only its own file (never the files queued behind it)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.corpus import workers
from pipelines.corpus.ingest import BUNDLED, ingest
from tests.conftest import SEED_FILES

PARENT = os.getpid()


def _where() -> int:
    return os.getpid()


def _only_here() -> str:
    """Dies in any process but the test's: the parent then computes it itself."""
    if os.getpid() != PARENT:
        os._exit(3)
    return "computed in the parent"


def _fails() -> None:
    raise ValueError("a bug in the computation")


def _fresh(expr: str) -> str:
    """``expr`` printed by a new interpreter: single-threaded, as ``cosp build`` is (tests before
    this one leave threads in the test process, and an Aside does not fork a process with threads)."""
    code = f"import os; from tests.test_parallel import workers, _where, _only_here; print({expr})"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1]).stdout.strip()


def test_an_aside_computation_runs_in_another_process():
    assert _fresh("workers.Aside(_where).result() not in (os.getpid(), None)") == "True"


def test_a_process_running_threads_is_not_forked_for_an_aside():
    import threading

    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert workers.Aside(_where).result() == PARENT
    finally:
        stop.set()
        t.join()


def test_an_aside_child_that_dies_is_computed_again_here():
    assert _fresh("workers.Aside(_only_here).result()") == "computed in the parent"


def test_an_aside_computation_that_fails_fails_here_too():
    with pytest.raises(ValueError, match="a bug"):
        workers.Aside(_fails).result()


@pytest.fixture
def faulty_parse(monkeypatch):
    """``parse_bytes`` that hangs on a file named "hang" and kills its worker on "crash"."""
    import pipelines.corpus.parse as parse

    real = parse.parse_bytes

    def faulty(data, name, pdf_reader="pdfium"):
        if "hang" in name:
            time.sleep(30)
        if "crash" in name:
            os._exit(9)
        return real(data, name, pdf_reader)

    monkeypatch.setattr(parse, "parse_bytes", faulty)  # the forked workers see it


@pytest.mark.parametrize("bad", ["a_hang.txt", "a_crash.txt"])
def test_the_files_queued_behind_a_failing_worker_are_built(tmp_path, faulty_parse, bad):
    # one worker, so the files after the bad one were already sent to it when it failed
    assert workers.IN_FLIGHT > 1
    shutil.copy(BUNDLED / SEED_FILES[1], tmp_path / bad)
    for i, name in enumerate(["b.txt", "c.txt", "d.txt"]):
        shutil.copy(BUNDLED / SEED_FILES[i], tmp_path / name)
    start = time.monotonic()
    corpus = ingest([tmp_path], jobs=1, timeout=2)
    assert time.monotonic() - start < 20
    assert [d.file for d in corpus.documents] == ["b.txt", "c.txt", "d.txt"]
    assert [os.path.basename(e.file) for e in corpus.errors if e.severity == "error"] == [bad]
