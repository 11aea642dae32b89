"""Build timings as whole ``cosp build`` processes, on a corpus 50 times the seeds, and growth
(``cosp bench --scale N``).

Each build runs as its own process (start-up, imports and spaCy's load included, as a user
waits for them), with a parse cache of its own so "full" means every file parsed.  Peak
memory is the largest process of the build (the builder or one of its workers).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from pipelines.quality.scale import scale_corpus, seed_symbols

ROOT = Path(__file__).resolve().parents[2]
_PEAK = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
         "stderr=subprocess.DEVNULL).returncode; print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)")


def cosp_build(args: list[str], cache: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one ``cosp build`` process."""
    env = dict(os.environ, COSP_CACHE_DIR=str(cache))
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _PEAK, sys.executable, "-m", "pipelines.cli", "build", *args],
                         capture_output=True, text=True, env=env, cwd=ROOT, check=True).stdout.split()
    seconds = time.perf_counter() - start
    if out[1] != "0":
        raise RuntimeError(f"cosp build {' '.join(args)} failed (exit {out[1]})")
    return seconds, int(out[0]) / 1024.0


def _new_document(folder: Path, n: int = 0, name: str = "zz_added.txt", number: int = 999) -> None:
    """A document no cache has seen: a seed with a symbol of its own and one sentence more."""
    from pipelines.corpus.ingest import BUNDLED

    text = (BUNDLED / "002_95027576749d3358.txt").read_text(encoding="utf-8")
    (folder / name).write_text(
        f"United Nations\n\nCAC/COSP/WG.2/2018/{number}\n\n{text}\n\n99. The present addition {n} was made on "
        f"{time.time()}.\n", encoding="utf-8")


def build_lines(echo: Callable[[str], None] = print, copies: int = 50,
                repeat: int = 3) -> tuple[list[str], list[str]]:
    """Each build ``repeat`` times, the best kept (as every ``cosp bench`` figure); the full
    builds alternate between all cores and one, so a drift of the machine's speed in the
    run touches both sides of the ratio alike."""
    lines, ratios = [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = scale_corpus(tmp / "corpus", copies)
        n = copies * len(seed_symbols())
        echo(f"build: {n} documents ({copies} copies of the seeds), whole processes, best of {repeat}")
        runs_all, runs_one = [], []
        for i in range(max(1, repeat)):
            runs_all.append(cosp_build([str(corpus), "--db", str(tmp / f"all{i}.db")], tmp / f"cache-all{i}"))
            runs_one.append(cosp_build([str(corpus), "--db", str(tmp / f"one{i}.db"), "--jobs", "1"],
                                       tmp / f"cache-one{i}"))
        (t_all, m_all), (t_one, m_one) = min(runs_all), min(runs_one)  # the fastest, with its peak
        db, cache = tmp / "all0.db", tmp / "cache-all0"
        t_same, _ = cosp_build([str(corpus), "--db", str(db)], cache)
        shutil.copyfile(db, tmp / "before.db")
        runs_inc = []
        for i in range(max(1, repeat)):  # the same update each time: the 250-document database, one new file
            db.unlink()  # the published database is read-only: replaced, not written over
            shutil.copyfile(tmp / "before.db", db)
            _new_document(corpus, i)
            runs_inc.append(cosp_build([str(corpus), "--db", str(db)], cache))
        t_inc, m_inc = min(runs_inc)
        t_forced, _ = cosp_build([str(corpus), "--db", str(db), "--force"], cache)
        lines += [f"build, {n} documents, all cores ({os.cpu_count()}): {t_all:.2f} s  peak {m_all:.0f} MB",
                  f"build, {n} documents, one core: {t_one:.2f} s  peak {m_one:.0f} MB",
                  f"build, unchanged: {t_same:.2f} s  (same code and inputs: the database is kept)",
                  f"build, one document added: {t_inc:.2f} s  peak {m_inc:.0f} MB  (incremental: one file parsed)",
                  f"build --force, from the parse cache: {t_forced:.2f} s"]
        ratios += [f"build, all cores / one core: {t_all / t_one:.2f}x",
                   f"incremental build, one document added to {n} / full build: {t_inc / t_all:.2f}x",
                   f"build from the parse cache / full build: {t_forced / t_all:.2f}x",
                   f"unchanged rebuild / full build: {t_same / t_all:.2f}x"]
    return lines, ratios


def scale_lines(ns: list[int], echo: Callable[[str], None] = print, added: int = 5, repeat: int = 2) -> list[str]:
    """``cosp bench --scale N``: a full build of N copies of the seeds (N * 5 documents), then
    what adding ``added`` new documents to it costs next to building those alone (the figure
    of ``cosp sync``'s build step: it should follow what changed, not the corpus' size).
    Both are whole ``cosp build`` processes, the best of ``repeat``; the new documents are
    new to every parse cache."""
    lines = []
    symbols = seed_symbols()
    for copies in ns:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            corpus = scale_corpus(tmp / "corpus", copies, symbols)
            size = sum(f.stat().st_size for f in corpus.iterdir())
            n = copies * len(symbols)
            echo(f"scale {copies}: {n} documents, {size / 1e6:.1f} MB of text")
            seconds, peak = cosp_build([str(corpus), "--db", str(tmp / "s.db")], tmp / "cache")
            db_mb = (tmp / "s.db").stat().st_size / 1e6
            lines.append(f"scale {copies}: {n} documents  {seconds:.1f} s  peak {peak:.0f} MB  "
                         f"database {db_mb:.1f} MB ({db_mb / (size / 1e6):.1f}x the text)  "
                         f"{n / seconds:.1f} documents/s")
            if added:
                echo(f"scale {copies}: adding {added} new documents, best of {repeat}")
                lines.append(_sync_line(tmp, corpus, n, added, repeat))
    return lines


def _sync_line(tmp: Path, corpus: Path, n: int, added: int, repeat: int) -> str:
    db, before, new = tmp / "s.db", tmp / "before.db", tmp / "new"
    shutil.copyfile(db, before)
    new.mkdir()
    into, alone = [], []
    for i in range(max(1, repeat)):
        for f in new.iterdir():
            f.unlink()
        for j in range(added):
            _new_document(new, i * 100 + j, name=f"zz_added_{j}.txt", number=900 + j)
        db.unlink()  # the published database is read-only: replaced, not written over
        shutil.copyfile(before, db)
        into.append(cosp_build([str(corpus), str(new), "--db", str(db)], tmp / "cache")[0])
        alone.append(cosp_build([str(new), "--db", str(tmp / f"alone{i}.db")], tmp / f"cache-alone{i}")[0])
    t_into, t_alone = min(into), min(alone)
    return (f"scale: {added} new documents into {n}: {t_into:.2f} s, the same {added} built alone: {t_alone:.2f} s, "
            f"ratio {t_into / t_alone:.2f}x (whole processes)")
