"""``cosp bench --hostile``: the large and slow hostile cases, each timed with its peak memory,
and a load test of the server (threads against 127.0.0.1).

Kept out of ``make test`` because each case takes seconds to minutes; the inputs are made here,
nothing large is checked in.  Each case parses one file in a fresh process with the default
settings (size limit, time limit), and says whether the file was built or recorded.
"""
from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Callable

from pipelines.quality.bench import long_pdf_of, measure


def _task_parse_one(path: str):
    """One file through ``parse_one``, after start-up (imports, spaCy, matchers) is done."""
    from pipelines.corpus.ingest import parse_one
    from pipelines.quality.bench import _warm_pipeline

    _warm_pipeline()
    start = time.perf_counter()
    doc, error, _ = parse_one(Path(path), None)
    outcome = f"built ({len(doc.paragraphs)} paragraphs)" if doc else f"recorded: {error.message}"
    Path(path + ".outcome").write_text(outcome, encoding="utf-8")
    return time.perf_counter() - start


def _seed_text() -> str:
    from pipelines.corpus.ingest import BUNDLED

    return (BUNDLED / "002_95027576749d3358.txt").read_text(encoding="utf-8")


def _cases(folder: Path) -> list[tuple[str, Path]]:
    text = _seed_text()
    one_line = folder / "one_line_10MB.txt"
    unit = text.replace("\n", " ")
    one_line.write_text(unit * (10 * 2**20 // len(unit.encode()) + 1), encoding="utf-8")
    sized = {}
    for mb in (1, 10, 19):
        sized[mb] = folder / f"text_{mb}MB.txt"
        sized[mb].write_text(text * (mb * 2**20 // len(text.encode())), encoding="utf-8")
    cases = [("1 MB text", sized[1]), ("10 MB text", sized[10]), ("10 MB text on one line", one_line),
             ("19 MB text (under the 20 MB limit)", sized[19])]
    pdf = long_pdf_of(folder / "pages_1500.pdf", 1500)
    if pdf:
        cases.append(("1,500-page PDF", pdf))
    return cases


def _load_test(db_path: Path, requests: int = 2000, clients: int = 20, cache: bool = True) -> str:
    """``cosp serve`` in a subprocess, ``clients`` threads sending ``requests`` GETs in all
    (with its response cache, as it runs, or rendering every request)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--db", str(db_path), "--port", str(port)]
                              + ([] if cache else ["--no-response-cache"]),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              cwd=Path(__file__).resolve().parents[2])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        urls = ["/cosp", "/cosp/paragraphs", "/cosp/mandates?verb=request", "/cosp/search_paragraphs?q=asset+recovery",
                "/-/cosp/redline", "/cosp/references.json?_shape=array&kind=cosp_resolution"]
        times: list[float] = []
        errors = [0]
        lock = threading.Lock()
        per_client = requests // clients

        def client(k: int) -> None:
            for i in range(per_client):
                path = urls[(k + i) % len(urls)]
                url = base + (f"/{db_path.stem}{path[5:]}" if path.startswith("/cosp") else path)
                start = time.perf_counter()
                try:
                    urllib.request.urlopen(url, timeout=10).read()
                    ok = True
                except OSError:
                    ok = False
                with lock:
                    times.append(time.perf_counter() - start)
                    errors[0] += not ok

        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        q = statistics.quantiles(times, n=100)
        label = "load" if cache else "load, every request rendered"
        return (f"{label}: {len(times)} requests, {clients} clients: {errors[0]} errors, p50 {q[49] * 1000:.0f} ms, "
                f"p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms")
    finally:
        server.terminate()
        server.wait()


def run_hostile_bench(echo: Callable[[str], None] = print) -> list[str]:
    from pipelines.database.build import build
    from pipelines.corpus.ingest import BUNDLED

    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        echo("making the inputs ...")
        took = {}
        for label, path in _cases(folder):
            echo(f"{label}: {path.stat().st_size / 2**20:.0f} MB ...")
            seconds, peak = measure(_task_parse_one, str(path), 1)
            took[label] = seconds
            outcome = Path(str(path) + ".outcome").read_text(encoding="utf-8")
            lines.append(f"{label + ':':40}{seconds:7.1f} s  peak {peak:6.0f} MB  {outcome[:90]}")
        lines.append(f"growth, 10 MB text / 1 MB text: {took['10 MB text'] / took['1 MB text']:.1f}x (10x is linear)")
        db = folder / "cosp.db"
        build([BUNDLED], db, jobs=1)
        echo("load test against cosp serve on the seeds ...")
        lines.append(_load_test(db))
        lines.append(_load_test(db, cache=False))
    return lines
