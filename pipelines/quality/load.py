"""A load test of ``cosp serve`` as hostile and ordinary visitors use it (``cosp bench --hostile``).

The server runs in its own process, as deployed (host check, admission lanes, response
cache); clients are threads with keep-alive connections.  Three scenes:

- ``distinct``: every request a URL never asked before (a page, a search, a facet, a row), so
  nothing is answered from the cache: the server's real throughput and its fairness;
- ``attack``: clients sending the heaviest requests a visitor can make (queries that run to
  the time limit, 60 rows of 7.9 MB blobs as JSON) while readers ask cached and uncached
  pages: what the readers wait, and whether the server's memory stays bounded.

Each scene reports p50/p95/p99 and errors; the server's resident memory is read before and
after (and its peak, ``VmHWM``) from /proc.
"""
from __future__ import annotations

import itertools
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Optional


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``cosp serve`` in a subprocess, on a free port."""

    def __init__(self, db_path: Path, extra: tuple[str, ...] = ()):
        self.port = _port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--db", str(db_path),
                                      "--port", str(self.port), *extra], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, cwd=Path(__file__).resolve().parents[2])
        import httpx

        for _ in range(200):
            try:
                httpx.get(self.base + "/-/versions.json", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)

    def memory_mb(self) -> dict[str, float]:
        """Resident memory now and at its peak, of the server and its children."""
        out = {"rss": 0.0, "peak": 0.0}
        pids = [self.proc.pid]
        try:
            pids += [int(p) for p in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
        except OSError:
            pass
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    out["rss"] += int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    out["peak"] += int(line.split()[1]) / 1024
        return out

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def distinct_urls(db_path: Path) -> Callable[[int], str]:
    """URL number ``n``: a page of the site no earlier request asked (a search word, a facet
    value, a row, a document, a page offset, each with the request's own number)."""
    import sqlite_utils

    db = sqlite_utils.Database(db_path)
    name = db_path.stem
    words = [w for (t,) in db.execute("select text from paragraphs order by id limit 400") for w in t.split()
             if w.isalpha() and len(w) > 5][:300] or ["corruption"]
    docs = [d for (d,) in db.execute("select id from documents order by id")]
    verbs = [v for (v,) in db.execute("select distinct verb from mandates")] or ["request"]
    db.close()
    from datasette.utils import tilde_encode

    templates = [
        lambda n: f"/{name}/paragraphs?_search={words[n % len(words)]}&_n={n}",
        lambda n: f"/{name}/search_paragraphs?q={words[n % len(words)]}+{words[(n * 7) % len(words)]}",
        lambda n: f"/{name}/mandates?verb={verbs[n % len(verbs)]}&_n={n}",
        lambda n: f"/-/cosp/document/{tilde_encode(docs[n % len(docs)])}?_n={n}",
        lambda n: f"/{name}/references?kind=cosp_resolution&_n={n}",
        lambda n: f"/-/cosp/resolution/7/1?_n={n}",
        lambda n: f"/{name}/documents.json?_shape=array&_n={n}",
        lambda n: f"/-/cosp/threads?_n={n}",
    ]
    return lambda n: templates[n % len(templates)](n)


HEAVY = ["/{name}.json?sql=select+zeroblob(7900000)+from+paragraphs+limit+60&_n={n}",
         "/{name}.json?sql=with+recursive+c(x)+as+(select+1+union+all+select+x%2B1+from+c)"
         "+select+count(*)+from+c&_n={n}",
         "/{name}.json?sql=select+count(*)+from+paragraphs+a,+paragraphs+b,+paragraphs+c&_n={n}"]


def _clients(base: str, n_clients: int, per_client: int, url_of: Callable[[int], str],
             timeout: float = 60.0, stop: Optional[threading.Event] = None) -> dict:
    import httpx

    counter = itertools.count()
    times: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def client() -> None:
        with httpx.Client(base_url=base, timeout=timeout) as http:
            for _ in range(per_client):
                if stop is not None and stop.is_set():
                    return
                url = url_of(next(counter))
                start = time.perf_counter()
                try:
                    status = http.get(url).status_code
                except httpx.HTTPError:
                    status = 0
                with lock:
                    times.append(time.perf_counter() - start)
                    statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(n_clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"times": times, "statuses": statuses}


def _line(label: str, result: dict) -> str:
    times = result["times"]
    if len(times) < 2:
        return f"{label}: {len(times)} requests"
    q = statistics.quantiles(times, n=100)
    bad = {s: c for s, c in result["statuses"].items() if s != 200}
    return (f"{label}: {len(times)} requests, p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, "
            f"p99 {q[98] * 1000:.0f} ms, errors {sum(c for s, c in bad.items() if s == 0 or s >= 500)}"
            + (f" (statuses {dict(sorted(bad.items()))})" if bad else ""))


def load_lines(db_path: Path, echo: Callable[[str], None] = print, requests: int = 1000) -> list[str]:
    """The scenes above against one server; one line each, and the server's memory."""
    lines = []
    server = Server(db_path)
    try:
        before = server.memory_mb()
        url_of = distinct_urls(db_path)
        offset = itertools.count(0, 100_000)
        for clients in (20, 50):
            echo(f"load: {clients} clients, distinct URLs ...")
            base = next(offset)
            lines.append(_line(f"distinct URLs, {clients} clients", _clients(
                server.base, clients, max(1, requests // clients), lambda n, b=base: url_of(b + n))))
        echo("load: 20 clients attacking, 5 reading ...")
        name = db_path.stem
        stop = threading.Event()
        heavy = threading.Thread(target=lambda: attack.update(_clients(
            server.base, 20, 10_000, lambda n: random.choice(HEAVY).format(name=name, n=n), stop=stop)))
        attack: dict = {}
        heavy.start()
        time.sleep(2)
        base = next(offset)
        cached = _clients(server.base, 5, 60, lambda n: url_of(n % 16))
        fresh = _clients(server.base, 5, 40, lambda n, b=base: url_of(b + n))
        stop.set()
        heavy.join()
        lines.append(_line("under attack, readers of cached pages", cached))
        lines.append(_line("under attack, readers of new pages", fresh))
        lines.append(_line("the attackers' own requests", attack))
        after = server.memory_mb()
        lines.append(f"server memory: {before['rss']:.0f} MB before, {after['rss']:.0f} MB after, "
                     f"peak {after['peak']:.0f} MB (bound 1,024 MB)")
    finally:
        server.close()
    return lines
