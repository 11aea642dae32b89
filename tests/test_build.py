"""`cosp build`: atomic, cached, complete tables, read-only output."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlite_utils

from pipelines.database.build import build
from pipelines.corpus.ingest import BUNDLED

COSP = [sys.executable, "-m", "pipelines.cli"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_writes_every_table_and_a_read_only_file(tmp_path):
    db_path = tmp_path / "cosp.db"
    result = build([BUNDLED], db_path)
    db = sqlite_utils.Database(db_path)
    assert {"documents", "paragraphs", "footnotes", "headings", "ingest_errors", "build_info"} <= set(
        db.table_names())
    assert db["documents"].count == 5
    assert db.execute("select count(*) from paragraphs where kind = 'paragraph'").fetchone()[0] == 48 + 21 + 105 + 96 + 81
    assert not os.access(db_path, os.W_OK) or os.geteuid() == 0
    assert oct(db_path.stat().st_mode & 0o222) == "0o0"
    assert result.corpus.errors == []
    info = {r["key"]: r["value"] for r in db["build_info"].rows}
    assert info["documents"] == "5" and len(info["corpus_hash"]) == 64


def test_rebuild_over_a_read_only_database_replaces_it(tmp_path):
    db_path = tmp_path / "cosp.db"
    build([BUNDLED / "000_de38badff640f652.txt"], db_path)
    build([BUNDLED], db_path)
    assert sqlite_utils.Database(db_path)["documents"].count == 5


def test_second_build_reads_parse_results_from_the_cache(tmp_path):
    cache = tmp_path / "cache"
    first = build([BUNDLED], tmp_path / "a.db", cache_dir=cache)
    second = build([BUNDLED], tmp_path / "b.db", cache_dir=cache)
    assert first.corpus.cache_hits == 0 and second.corpus.cache_hits == 5
    rows = lambda p: list(sqlite_utils.Database(p).query("select id, text from paragraphs order by id"))  # noqa: E731
    assert rows(tmp_path / "a.db") == rows(tmp_path / "b.db")
    symbols = lambda p: [r["symbol"] for r in sqlite_utils.Database(p)["documents"].rows]  # noqa: E731
    assert symbols(tmp_path / "a.db") == symbols(tmp_path / "b.db")  # inference is re-run on cached docs


def _kill_build_when(tmp_path, corpus, ready, what: str):
    """Start `cosp build` of ``corpus`` over a seeds database, kill -9 it once ``ready(temp)``,
    and check the previous database is intact and the next build clears the temp file."""
    db_path = tmp_path / "cosp.db"
    build([BUNDLED], db_path)
    before = _sha(db_path)
    env = dict(os.environ, COSP_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.Popen(COSP + ["build", str(corpus), "--db", str(db_path)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=Path(__file__).parent.parent)
    temp = tmp_path / f".cosp.db.building-{proc.pid}"
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and not ready(temp):
        time.sleep(0.01)
    assert proc.poll() is None, "the build finished before it could be killed: make the corpus larger"
    assert ready(temp), f"the build never {what}"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _sha(db_path) == before
    assert sqlite_utils.Database(db_path)["documents"].count == 5
    build([BUNDLED], db_path)  # the next build clears the dead build's temporary file
    assert not temp.exists()


def test_killing_a_build_midway_leaves_the_previous_database_intact(tmp_path):
    big = tmp_path / "big"
    big.mkdir()
    for i in range(120):
        for f in BUNDLED.glob("*.txt"):
            shutil.copy(f, big / f"{i:03d}_{f.name}")
    started = []

    def ready(temp):  # half a second after the temp file appears: parsing
        if temp.exists() and not started:
            started.append(time.time())
        return bool(started) and time.time() - started[0] > 0.5

    _kill_build_when(tmp_path, big, ready, "started writing its temporary file")


def test_cli_build_reports_counts(tmp_path):
    out = subprocess.run(COSP + ["build", str(BUNDLED), "--db", str(tmp_path / "x.db")], capture_output=True,
                         text=True, env=dict(os.environ, COSP_CACHE_DIR=str(tmp_path / "c")),
                         cwd=Path(__file__).parent.parent)
    assert out.returncode == 0, out.stderr
    assert "5 documents, 0 files left out" in out.stdout


def test_schema_and_search_index_can_be_applied_again(tmp_path):
    from pipelines.database.schema import apply, index_texts

    db_path = tmp_path / "cosp.db"
    build([BUNDLED], db_path)
    copy = tmp_path / "copy.db"
    shutil.copy(db_path, copy)
    os.chmod(copy, 0o644)
    db = sqlite_utils.Database(copy)
    before = {t: db[t].count for t in ("texts", "paragraphs", "mandates")}
    apply(db)
    index_texts(db)
    assert {t: db[t].count for t in before} == before
    assert db.execute("select count(*) from paragraphs where text_id is null").fetchone()[0] == 0
    hits = db.execute("select t.source from texts_fts join texts t on t.id = texts_fts.rowid "
                      "where texts_fts match 'spontaneous disclosure'").fetchall()
    assert ("000_de38badff640f652.txt#10",) in hits
    assert len(hits) == len(set(hits))  # indexed once, not twice


def test_killing_a_build_while_it_writes_rows_leaves_the_previous_database_intact(tmp_path):
    """Rows are written as documents are parsed: the kill lands once the temp file holds
    rows (it has grown past the empty schema), and the previous database is untouched."""
    from pipelines.quality.scale import scale_corpus

    _kill_build_when(tmp_path, scale_corpus(tmp_path / "big", 40),
                     lambda temp: temp.exists() and temp.stat().st_size > 3_000_000, "wrote rows")


def test_the_same_inputs_give_the_same_bytes_whatever_the_number_of_workers(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build([BUNDLED], tmp_path / "one.db", jobs=1)
    # two workers, and the corpus stage's second process: as `cosp build` runs, in a process of its
    # own (this one may run other tests' threads, and a process with threads does not fork it)
    subprocess.run([sys.executable, "-m", "pipelines.cli", "build", str(BUNDLED), "--db", str(tmp_path / "two.db"),
                    "--jobs", "2", "--no-cache"], check=True, capture_output=True, cwd=Path(__file__).parent.parent)
    assert _sha(tmp_path / "one.db") == _sha(tmp_path / "two.db")
