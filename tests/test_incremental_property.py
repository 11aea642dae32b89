"""An incremental build publishes the database a full build does, after any sequence of changes.

Hypothesis draws sequences of adds, changes, removals, renames, new guideline versions and
broken files over a small corpus.  After each step the database is updated incrementally
(the default) and, from the same previous database, rebuilt in full (``--full``); every table
is compared, row ids included (row URLs use them), the full-text index too."""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from pipelines.corpus.ingest import BUNDLED
from pipelines.database.build import build

SEEDS = sorted(p.name for p in BUNDLED.glob("*.txt"))
GUIDELINES_2021 = "001_2874813f072c823d.txt"


def every_row(path: Path) -> dict[str, list]:
    """Every table's rows, ids included, in key order; the FTS index's rows; not build_info."""
    conn = sqlite3.connect(path)
    out = {}
    for (table,) in conn.execute("select name from sqlite_master where type = 'table' order by name"):
        if table in ("build_info", "sqlite_stat1", "sqlite_stat4") or table.startswith("texts_fts_"):
            continue
        if table == "texts_fts":
            out[table] = conn.execute("select rowid, text, detail from texts_fts order by rowid").fetchall()
            continue
        out[table] = sorted(map(repr, conn.execute(f"select * from [{table}]")))
    conn.close()
    return out


def _new_document(folder: Path, n: int) -> None:
    source = (BUNDLED / SEEDS[2 + n % 3]).read_text(encoding="utf-8")
    (folder / f"new_{n}.txt").write_text(f"United Nations\n\nCAC/COSP/WG.2/2030/{n + 1}\n\n{source}", encoding="utf-8")


def _new_guideline_version(folder: Path, n: int) -> None:
    """A later draft of the guidelines: the 2021 text a year later per version, one paragraph reworded."""
    text = (BUNDLED / GUIDELINES_2021).read_text(encoding="utf-8")
    text = text.replace("2021", str(2022 + n)).replace("should consider", "shall" if n % 2 else "may consider", 1)
    (folder / f"guidelines_{n}.txt").write_text(text, encoding="utf-8")


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".txt")


def apply(folder: Path, op: tuple[str, int]) -> None:
    kind, n = op
    present = _files(folder)
    pick = present[n % len(present)] if present else None
    if kind == "add":
        _new_document(folder, n)
    elif kind == "guideline":
        _new_guideline_version(folder, n)
    elif kind == "change" and pick:
        text = pick.read_text(encoding="utf-8", errors="replace")
        pick.write_text(text.replace("asset recovery", "recovery of assets", 1) + f"\n\n{n}. Added paragraph.\n",
                        encoding="utf-8")
    elif kind == "remove" and pick and len(present) > 1:
        pick.unlink()
    elif kind == "rename" and pick:
        pick.rename(folder / f"renamed_{n}_{pick.name}")
    elif kind == "break" and pick:
        pick.write_bytes(b"\x00\x01\x02" * 10)  # not a document: it fails, its published version stays
    elif kind == "mend":
        for f in present:
            if f.read_bytes().startswith(b"\x00\x01\x02"):
                shutil.copy(BUNDLED / SEEDS[n % len(SEEDS)], f)


OPS = st.tuples(st.sampled_from(["add", "change", "remove", "rename", "guideline", "break", "mend"]),
                st.integers(0, 7))


@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(OPS, min_size=1, max_size=3))
def test_an_incremental_build_equals_a_full_build_after_any_changes(tmp_path_factory, steps):
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"  # the same build time for both: the same history
    try:
        _compare_after(tmp_path_factory.mktemp("prop"), steps)
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def _compare_after(tmp: Path, steps: list) -> None:
    corpus, cache = tmp / "corpus", tmp / "cache"
    shutil.copytree(BUNDLED, corpus)
    db = tmp / "incremental.db"
    build([corpus], db, cache_dir=cache, jobs=1)
    for step in steps:
        apply(corpus, step)
        full = tmp / "full.db"
        full.unlink(missing_ok=True)
        shutil.copy(db, full)  # the same previous database: both keep what it published
        build([corpus], full, cache_dir=cache, incremental=False, jobs=1)
        build([corpus], db, cache_dir=cache, jobs=1)
        a, b = every_row(db), every_row(full)
        assert a.keys() == b.keys()
        for table in a:
            assert a[table] == b[table], f"after {steps}: {table} differs"
