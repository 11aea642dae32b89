"""Incremental builds: only new and changed files are parsed, and the database they give is
the database a full build of the same files gives."""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from pipelines.corpus.ingest import BUNDLED
from pipelines.database import build as build_module
from pipelines.database.build import build

SKIP = {"build_info", "build_history", "sqlite_stat1", "sqlite_stat4"}  # when it was built: not what


def content(path: Path) -> dict[str, list]:
    """Every table's rows, integer row ids left out (they depend on insertion history)."""
    conn = sqlite3.connect(path)
    out = {}
    for (table,) in conn.execute("select name from sqlite_master where type = 'table'"):
        if table in SKIP or "_fts" in table:
            continue
        info = list(conn.execute(f"pragma table_info([{table}])"))
        cols = [c[1] for c in info if not (c[1] in ("id", "text_id") and c[2].upper() == "INTEGER")
                and c[1] not in ("text_id", "first_seen")]
        if table == "corpus_entries":
            cols = ["id", "sha256"]
        out[table] = sorted(map(repr, conn.execute(f"select {', '.join(f'[{c}]' for c in cols)} from [{table}]")))
    conn.close()
    return out


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(BUNDLED, folder)
    return folder


def _full(folder: Path, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    build([folder], path, incremental=False)
    return path


def _copy_with_symbol(folder: Path, source: str, name: str, symbol: str) -> None:
    text = (BUNDLED / source).read_text(encoding="utf-8")
    (folder / name).write_text(f"United Nations\n\n{symbol}\n\n{text}", encoding="utf-8")


def test_adding_a_document_parses_only_it_and_gives_the_full_build(corpus, tmp_path):
    db = tmp_path / "cosp.db"
    build([corpus], db)
    _copy_with_symbol(corpus, "002_95027576749d3358.txt", "new.txt", "CAC/COSP/WG.2/2018/9")
    result = build([corpus], db)
    assert result.corpus.kept == 5 and len(result.corpus.documents) == 6
    assert content(db) == content(_full(corpus, tmp_path, "full.db"))


def test_changing_and_removing_documents_gives_the_full_build(corpus, tmp_path):
    db = tmp_path / "cosp.db"
    build([corpus], db)
    changed = corpus / "004_a54e2567ed20a275.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("asset recovery", "recovery of assets"),
                       encoding="utf-8")
    (corpus / "003_0699b6471873cb14.txt").unlink()
    result = build([corpus], db)
    assert result.corpus.kept == 3 and len(result.corpus.documents) == 4
    assert content(db) == content(_full(corpus, tmp_path, "full.db"))


def test_a_new_document_that_takes_an_inferred_symbol_rewrites_the_one_that_had_it(corpus, tmp_path):
    """The seed 000 prints no symbol: the corpus infers CAC/COSP/WG.2/2018/5 for it.  A new file
    printing that symbol claims it; 000 is then written again without it (its references to
    that symbol, removed while it was its own, are back)."""
    db = tmp_path / "cosp.db"
    build([corpus], db)
    conn = sqlite3.connect(db)
    assert conn.execute("select symbol from documents where id like '000%'").fetchone()[0] == "CAC/COSP/WG.2/2018/5"
    conn.close()
    _copy_with_symbol(corpus, "004_a54e2567ed20a275.txt", "claims.txt", "CAC/COSP/WG.2/2018/5")
    build([corpus], db)
    assert content(db) == content(_full(corpus, tmp_path, "full.db"))


def test_a_failed_update_leaves_the_previous_database_and_no_temp_file(corpus, tmp_path, monkeypatch):
    db = tmp_path / "cosp.db"
    build([corpus], db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    _copy_with_symbol(corpus, "002_95027576749d3358.txt", "new.txt", "CAC/COSP/WG.2/2018/9")

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build_module.corpus_tables, "write_corpus_tables", fail)
    with pytest.raises(OSError):
        build([corpus], db)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not list(tmp_path.glob(".cosp.db.building-*"))


def test_a_database_from_other_code_is_rebuilt_in_full(corpus, tmp_path):
    db = tmp_path / "cosp.db"
    build([corpus], db)
    conn = sqlite3.connect(db)
    conn.execute("pragma query_only = 0")
    conn.close()
    db.chmod(0o644)
    with sqlite3.connect(db) as conn:
        conn.execute("update build_info set value = 'older code' where key = 'build_code'")
    (corpus / "003_0699b6471873cb14.txt").unlink()
    assert build([corpus], db).corpus.kept == 0


def _search(path: Path, query: str) -> list[str]:
    conn = sqlite3.connect(path)
    rows = [r[0] for r in conn.execute("select t.source from texts_fts f join texts t on t.id = f.rowid "
                                       "where texts_fts match ? order by t.source", [query])]
    conn.close()
    return rows


def test_search_after_an_update_finds_what_a_full_build_finds(corpus, tmp_path):
    db = tmp_path / "cosp.db"
    build([corpus], db)
    assert _search(db, "spontaneously")
    (corpus / "000_de38badff640f652.txt").unlink()
    _copy_with_symbol(corpus, "002_95027576749d3358.txt", "new.txt", "CAC/COSP/WG.2/2018/9")
    build([corpus], db)
    full = _full(corpus, tmp_path, "full.db")
    for query in ("spontaneously", "asset recovery", "egmont"):
        assert _search(db, query) == _search(full, query), query
    assert not [s for s in _search(db, "spontaneously") if s.startswith("000_")]
