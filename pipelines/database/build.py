"""Build the SQLite database from a corpus, atomically.

The database is written to a temporary file beside the target and moved into place
with ``os.replace`` only when complete: a build that is killed, or that fails, leaves
the previous database exactly as it was.  The published file is made read-only.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import re
import signal
import stat
from contextlib import contextmanager
import dataclasses
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

import sqlite_utils

from extract.symbols import without_self_references
from models.corpus import DocumentEntry
from models.document import IngestError
from pipelines.corpus import ingest, workers
from pipelines.corpus.fingerprint import BUILD_PARTS, code_fingerprint, inputs_fingerprint
from pipelines.corpus.ingest import MANIFEST_NAMES, collect
from pipelines.database import corpus_tables, schema, write

DEFAULT_DB = "cosp.db"


@dataclass
class BuiltCorpus:
    """What a build wrote: the documents' summaries, the files left out, cache hits, rows kept."""

    entries: list[DocumentEntry] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    cache_hits: int = 0
    kept: int = 0  # documents whose rows an incremental build kept as they were
    written: set[str] = field(default_factory=set)  # documents whose rows or summary this build wrote

    @property
    def documents(self) -> list[DocumentEntry]:
        return self.entries


@dataclass
class BuildResult:
    db: Path
    corpus: BuiltCorpus
    seconds: float
    up_to_date: bool = False


def _remove_stale_temps(target: Path) -> None:
    """Temp files of builds that were killed (their process is gone) are removed: the database
    ``.cosp.db.building-<pid>`` and SQLite's ``-journal``/``-wal``/``-shm`` beside it. Called
    under the build lock, so no running build's files are touched."""
    for tmp in target.parent.glob(f".{target.name}.building-*"):
        m = re.match(rf"^\.{re.escape(target.name)}\.building-(\d+)(?:-journal|-wal|-shm)?$", tmp.name)
        if not m:
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            tmp.unlink(missing_ok=True)
        except PermissionError:
            pass


class BuildError(Exception):
    """A build that cannot go on or must not replace the database; ``hint`` says what to do."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


@contextmanager
def _lock(target: Path):
    """One build at a time per target: a second one is told which process holds it."""
    path = target.parent / f".{target.name}.lock"
    fh = open(path, "a+")
    try:
        try:
            fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a POSIX lock: forked workers do not inherit it
        except (BlockingIOError, PermissionError):
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise BuildError(f"another build (pid {holder}) is writing {target}",
                             "wait for it to finish, or build into another --db") from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        fh.close()


def _check_target(target: Path) -> None:
    """Refuse a target that is a folder, or a file that is not a database we built."""
    if target.is_dir():
        raise BuildError(f"{target} is a folder", "give --db a file name, e.g. --db cosp.db")
    if target.exists():
        with open(target, "rb") as fh:
            head = fh.read(16)
        if head and head != b"SQLite format 3\x00":
            raise BuildError(f"{target} exists and is not a SQLite database: it would be overwritten",
                             "move it away, or choose another --db")
        if head and not _is_ours(target):
            raise BuildError(f"{target} is a SQLite database that cosp did not build: it would be overwritten",
                             "move it away, or choose another --db")


def _is_ours(target: Path) -> bool:
    """A database `cosp` built (it has build_info), or an empty one."""
    try:
        db = sqlite_utils.Database(target)
        ours = "build_info" in db.table_names() or not db.table_names()
        db.close()
        return ours
    except Exception:
        return False


def build(paths: Iterable[str | Path], db_path: str | Path = DEFAULT_DB, cache_dir: Optional[Path] = None,
          progress: Optional[Callable[[Path], None]] = None, force: bool = False,
          pdf_reader: str = "pdfium", follow_links: bool = False, jobs: Optional[int] = None,
          engine: Optional[object] = None, incremental: bool = True) -> BuildResult:
    """Build the database; with unchanged code and inputs an existing database is left as it is.

    With ``incremental`` (the default) and a database built by the same code, the documents
    whose file is unchanged keep their rows: only new and changed files are parsed and
    written, removed ones are deleted, and the corpus-wide tables are redone from the
    documents' summaries.  Either way the result is written into a temp file and swapped in."""
    started = _build_time()
    target = Path(db_path).resolve()
    paths = list(paths)
    _check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _lock(target):
        return _build_locked(target, paths, cache_dir, progress, force, pdf_reader, follow_links, started,
                             jobs if jobs is not None else workers.default_jobs(), engine, incremental)


def _build_time() -> dt.datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` (reproducible builds): the same inputs then give the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc)


def _build_locked(target, paths, cache_dir, progress, force, pdf_reader, follow_links, started, jobs, engine,
                  incremental) -> BuildResult:
    _remove_stale_temps(target)
    clock = time.monotonic()
    digests = _input_digests(paths)
    fingerprint = inputs_fingerprint(digests + [("pdf_reader", pdf_reader.encode())])
    previous = _previous(target)
    if not force and previous.get("inputs_fingerprint") == fingerprint:
        return BuildResult(target, BuiltCorpus(), time.monotonic() - clock, True)
    reuse = incremental and not force and previous.get("build_code") == _build_code(pdf_reader)
    tmp = target.parent / f".{target.name}.building-{os.getpid()}"  # stale ones were removed above
    tmp.unlink(missing_ok=True)
    try:
        if reuse:
            shutil.copyfile(target, tmp)
            os.chmod(tmp, stat.S_IRUSR | stat.S_IWUSR)
        db = sqlite_utils.Database(tmp)
        # A bulk load into a private file: no rollback journal and no fsync per commit; the
        # file is synced once, complete, before it replaces the database (_publish).
        db.conn.execute("PRAGMA journal_mode = OFF")
        db.conn.execute("PRAGMA synchronous = OFF")
        schema.apply(db)  # the temp file exists from the start: a kill at any point leaves it, not a half db
        corpus = _write_documents(db, paths, cache_dir, progress, pdf_reader, follow_links, jobs, engine,
                                  dict(digests) if reuse else None)
        if not corpus.entries and int(previous.get("documents") or 0) > 0:
            failed = sum(1 for e in corpus.errors if e.severity == "error")
            raise BuildError(f"no document could be read ({failed} file(s) failed): {target} keeps its documents",
                             "fix the files named above and build again")
        corpus_tables.write_corpus_tables(db, corpus.entries, corpus.errors, started, fingerprint, cache_dir,
                                          corpus.written if reuse else None, jobs)
        db.conn.execute("INSERT OR REPLACE INTO build_info VALUES ('build_code', ?)", [_build_code(pdf_reader)])
        db.conn.commit()
        free, pages = (db.conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("freelist_count", "page_count"))
        if reuse and free > pages // 4:
            db.conn.execute("VACUUM")  # an update that freed much is compacted
        db.conn.execute("PRAGMA optimize")
        db.close()
        _publish(tmp, target)
    except BaseException:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            leftover.unlink(missing_ok=True)
        raise
    return BuildResult(target, corpus, time.monotonic() - clock)


def _build_code(pdf_reader: str) -> str:
    """What a database's rows depend on besides its inputs: the code and the PDF engine."""
    return hashlib.sha256((code_fingerprint(BUILD_PARTS) + pdf_reader).encode()).hexdigest()


def _previous(target: Path) -> dict[str, str]:
    """The existing database's build_info (empty if there is none, or it is not ours or damaged)."""
    if not target.exists():
        return {}
    try:
        db = sqlite_utils.Database(target)
        info = dict(db.execute("select key, value from build_info").fetchall())
        db.close()
        return info
    except Exception:
        return {}


def _write_documents(db, paths, cache_dir, progress, pdf_reader, follow_links, jobs, engine,
                     digests: Optional[dict]) -> BuiltCorpus:
    """Parse and write every document that needs it, one at a time (memory holds the documents
    in flight, not the corpus); decide symbols and duplicates; return the summaries.

    ``digests`` (an incremental build: file -> SHA-256) says which files are unchanged: their
    rows, already in the copied database, are kept with their summaries."""
    out = BuiltCorpus()
    todo = ingest.plan(paths, out.errors, follow_links)
    manifest = ingest.read_manifest(todo)
    stored = corpus_tables.load_entries(db) if digests is not None else {}
    entries: dict[str, DocumentEntry] = {}
    to_parse = []
    for path in todo:
        entry = stored.get(path.name)
        if entry is not None and digests.get(str(path.resolve())) == bytes.fromhex(entry.sha256):
            entries[path.name] = entry
            if progress:
                progress(path)  # unchanged: counted as done
        else:
            to_parse.append(path)
    present = {r[0] for r in db.conn.execute("SELECT id FROM documents")}
    corpus_tables.clear(db)
    write.delete_documents(db, sorted(present - set(entries)))  # changed and removed files
    corpus_tables.write_registries(db)
    out.kept = len(entries)
    for path, ready, errors, hit in ingest.parse_stream(to_parse, cache_dir, progress, pdf_reader, jobs,
                                                        engine=engine, finish=write.prepare):
        out.errors.extend(errors)
        out.cache_hits += hit
        if ready is not None:
            write.write_rows(db, ready.rows)
            entries[ready.file] = ready.entry
            out.written.add(ready.file)
    ordered = [entries[p.name] for p in todo if p.name in entries]
    found = ingest.decide(ordered, manifest)
    out.errors.extend(found.errors)
    write.delete_documents(db, sorted(found.refused))
    for e in ordered:
        if e.file in found.refused:
            continue
        symbol, source, note = found.symbols.get(e.file, (e.meta.symbol, e.meta.symbol_source, None))
        before = e.written_symbol
        if _settle_symbol(db, e, symbol, source, note, cache_dir, pdf_reader):
            out.entries.append(e)
        if e.written_symbol != before:
            out.written.add(e.id)
    return out


def _settle_symbol(db, entry: DocumentEntry, symbol: Optional[str], source: Optional[str], note: Optional[str],
                   cache_dir, pdf_reader) -> bool:
    """Write the symbol the corpus decided into the document's rows: its ``documents`` row, the
    citations of its rows, its self-references removed.  A document whose rows were written
    under another symbol (an incremental build changed what it is inferred to be) is written
    again from its file, since references to its old symbol were removed as its own."""
    final = dataclasses.replace(entry.meta, symbol=symbol, symbol_source=source)
    if entry.written_symbol not in (None, symbol):
        doc, _, _ = ingest.parse_one(Path(entry.path), cache_dir, pdf_reader)
        write.delete_documents(db, [entry.id])
        if doc is None:
            return False
        doc.meta = final
        doc.references = without_self_references(doc.references, symbol, doc.resolutions)
        if note:
            doc.warnings.append(note)
        write.write_document(db, doc)
        entry.written_symbol = symbol
        return True
    if symbol != entry.written_symbol:
        write.rename(db, entry.id, entry.written_symbol or entry.file, symbol or entry.file)
        db.conn.execute("DELETE FROM [references] WHERE document = ? AND kind IN ('document', 'ga_resolution') "
                        "AND ref_id = ?", [entry.id, symbol])
        entry.written_symbol = symbol
    db.conn.execute("UPDATE documents SET symbol = ?, symbol_source = ?, url = ?, warnings = ? WHERE id = ?",
                    [symbol, source, schema.UNDOCS + symbol if symbol else None,
                     "\n".join(entry.warnings + ([note] if note else [])) or None, entry.id])
    return True


def _publish(tmp: Path, target: Path) -> None:
    """Make the complete temp file durable and read-only, then swap it in (one rename)."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    os.replace(tmp, target)
    try:
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:  # some file systems cannot sync a folder; the rename itself is atomic
        pass


def _input_digests(paths: list) -> list[tuple[str, bytes]]:
    """Name and SHA-256 of every input and manifest, one file in memory at a time."""
    def digest(f: Path) -> bytes:
        try:
            return hashlib.sha256(f.read_bytes()).digest()
        except OSError:
            return hashlib.sha256(b"").digest()

    files = collect(paths)
    out = [(str(f.resolve()), digest(f)) for f in files]
    for folder in {f.parent for f in files}:
        out += [(str(folder / name), digest(folder / name)) for name in MANIFEST_NAMES if (folder / name).exists()]
    return out


def install_sigterm_cleanup() -> None:
    """Turn SIGTERM into an exception so ``build`` removes its temp file on the way out."""
    def _raise(signum, frame):  # pragma: no cover - exercised by the kill test through a subprocess
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _raise)
