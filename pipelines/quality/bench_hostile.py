"""``cosp bench --hostile``: the large and slow hostile cases, each timed with its peak memory,
and a load test of the server (``load.py``: distinct URLs at 20 and 50 clients, and readers
beside clients sending the heaviest queries, with the server's memory).

Kept out of ``make test`` because each case takes seconds to minutes; the inputs are made here,
nothing large is checked in.  Each case parses one file in a fresh process with the default
settings (size limit, time limit), and says whether the file was built or recorded.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Callable

from pipelines.quality.bench import long_pdf_of, measure
from pipelines.quality.load import load_lines
from pipelines.quality.scale import scale_corpus


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


def run_hostile_bench(echo: Callable[[str], None] = print) -> list[str]:
    from pipelines.database.build import build

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
        echo("building 100 copies of the seeds for the load test ...")
        db = folder / "cosp.db"
        build([scale_corpus(folder / "scaled", 100)], db)
        lines += load_lines(db, echo)
    return lines
