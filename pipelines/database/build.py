"""Build the SQLite database from a corpus, atomically.

The database is written to a temporary file beside the target and moved into place
with ``os.replace`` only when complete: a build that is killed, or that fails, leaves
the previous database exactly as it was.  The published file is made read-only.
"""
from __future__ import annotations

import datetime as dt
import errno
import fcntl
import functools
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
from pipelines.corpus import files, ingest, manifest as manifests, workers
from pipelines.corpus.fingerprint import BUILD_PARTS, code_fingerprint, inputs_fingerprint
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
    stale: dict[str, str] = field(default_factory=dict)  # published documents kept though their file failed: why


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
        if m and workers.process_gone(int(m.group(1))):
            tmp.unlink(missing_ok=True)


class BuildError(Exception):
    """A build that cannot go on or must not replace the database; ``hint`` says what to do."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


@contextmanager
def _lock(target: Path):
    """One build at a time per target: a second one is told which process holds it."""
    path = target.parent / f".{target.name}.lock"
    try:  # never through a link: a planted lock-file link would have the build truncate its target
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise BuildError(f"the lock file {path} is a symbolic link", "remove it and build again") from None
        raise
    fh = os.fdopen(fd, "r+")
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
    errors: list[IngestError] = []
    found = files.walk(paths, errors, follow_links)
    todo = files.plan(paths, errors, follow_links, found)
    digests = files.input_digests(todo)
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
        # Row ids are hashes (stable across builds), so rows land all over the tables' B-trees:
        # a page cache of up to 256 MB keeps those inserts in memory (at 2 MB, SQLite's default,
        # they cost a third of a build's writing).
        db.conn.execute("PRAGMA cache_size = -262144")
        schema.apply(db)  # the temp file exists from the start: a kill at any point leaves it, not a half db
        job = Job(db, todo, found.unreachable, cache_dir, progress, pdf_reader, jobs, engine,
                  dict(digests) if reuse else None, target if previous else None)
        published = write.published_of(target) if previous else {}
        corpus = job.run(errors)
        if not corpus.entries and int(previous.get("documents") or 0) > 0:
            failed = sorted({e.file for e in corpus.errors if e.severity == "error"})
            named = ", ".join(failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
            raise BuildError(f"no document could be read ({len(failed)} file(s) failed: {named}): "
                             f"{target} keeps its documents", "fix those files and build again")
        complete = not any(e.severity == "error" for e in corpus.errors)
        # A build that left a file out is not "up to date" with its inputs: the next one tries again.
        corpus_tables.write_corpus_tables(db, corpus.entries, corpus.errors, started,
                                          fingerprint if complete else "incomplete", cache_dir,
                                          corpus.written if reuse else None, jobs)
        write.mark_stale(db, corpus.stale)
        write.record_history(db, target if previous else None, not reuse, published,
                             started.isoformat(timespec="seconds"), sorted(corpus.stale))
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


@dataclass
class Job:
    """One build's documents: which to keep, parse, carry over or delete, and the writing of them.

    Documents are visited in file order, whatever the mode, so a full and an incremental build
    record the same rows, warnings and summaries in the same order.  ``digests`` (an incremental
    build: file -> SHA-256) says which files are unchanged: their rows, already in the copied
    database, are kept with their summaries.  ``old`` is the database being replaced: a
    document it published whose file cannot be read now (unreadable, timed out, crashed, its
    folder not listable) stays published from it, marked stale, until its file builds again;
    only a file that is gone, or no longer among the inputs, takes its document away."""

    db: sqlite_utils.Database
    todo: list[Path]
    unreachable: list[Path]
    cache_dir: Optional[Path]
    progress: Optional[Callable[[Path], None]]
    pdf_reader: str
    jobs: int
    engine: Optional[object]
    digests: Optional[dict]
    old: Optional[Path]

    def run(self, errors: list[IngestError]) -> BuiltCorpus:
        out = BuiltCorpus(errors=errors)
        manifest = manifests.read(self.todo, out.errors)
        names = [files.file_id(p) for p in self.todo]
        published = self._published()  # id -> the path it was read from
        stored = corpus_tables.load_entries(self.db) if self.digests is not None else {}
        kept: dict[str, DocumentEntry] = {}
        to_parse = []
        for path, name in zip(self.todo, names):
            entry = stored.get(name)
            if (entry is not None and self.digests.get(os.path.realpath(path)) == bytes.fromhex(entry.sha256)
                    and entry.corrected() == manifests.corrections(manifest.get(name, {}))):
                kept[name] = entry  # unchanged, and so is what its manifest row says of it
            else:
                to_parse.append(path)
        wanted = set(names)
        away = sorted(d for d, p in published.items() if d not in wanted and (files.under(p, self.unreachable)
                                                                              or not files.reachable(p)))
        removed = {d for d in published if d not in wanted} - set(away)
        if self.digests is not None:
            present = {r[0] for r in self.db.conn.execute("SELECT id FROM documents")}
            corpus_tables.clear(self.db)
            write.delete_documents(self.db, sorted(removed | (present - set(stored))))  # unsummarised: written anew
        corpus_tables.write_registries(self.db)
        out.kept = len(kept)
        entries: dict[str, DocumentEntry] = {}
        stream = ingest.parse_stream(to_parse, self.cache_dir, self.progress, self.pdf_reader, self.jobs,
                                     engine=self.engine, finish=functools.partial(write.prepare, manifest=manifest))
        for path, name in zip(self.todo, names):
            if name in kept:
                entries[name] = kept[name]
                out.errors.extend(ingest.reader_warnings(path, kept[name].input_warnings))
                if self.progress:
                    self.progress(path)  # unchanged: counted as done
                continue
            _, ready, found, hit = next(stream)
            out.errors.extend(found)
            out.cache_hits += hit
            if ready is not None:
                if self.digests is not None and name in published:
                    write.delete_documents(self.db, [name])
                write.write_rows(self.db, ready.rows)
                entries[name] = ready.entry
                out.written.add(name)
            elif name in published:
                self._keep(name, stored, entries, out, found)
        for name in away:
            out.errors.append(IngestError(files.readable(published[name]), "read",
                                          "the file cannot be reached (its folder cannot be read)",
                                          "check the folder's permissions"))
            self._keep(name, stored, entries, out, out.errors[-1:])
        ordered = [entries[n] for n in names + away if n in entries]
        return self._decide(ordered, manifest, out)

    def _published(self) -> dict[str, str]:
        """The documents of the database being replaced, with the path each was read from."""
        if self.old is None:
            return {}
        source = self.db if self.digests is not None else sqlite_utils.Database(self.old)
        try:
            return dict(source.execute("SELECT id, path FROM corpus_entries").fetchall())
        except Exception:  # an older or damaged database: nothing to carry over
            return {}
        finally:
            if source is not self.db:
                source.close()

    def _keep(self, name: str, stored: dict, entries: dict, out: BuiltCorpus, found: list[IngestError]) -> None:
        """A published document whose file failed now: its rows stay (copied from the old
        database in a full build), marked stale, and the error says so."""
        entry = stored.get(name) if self.digests is not None else write.carry_over(self.db, self.old, name)
        if entry is None:
            return
        entries[name] = entry
        out.stale[name] = next((e.message for e in found if e.severity == "error"), "the file could not be read")
        for e in found:
            if e.severity == "error":
                e.hint += "; the version published before stays, marked stale, until this file builds"
        if self.digests is None:
            out.written.add(name)

    def _decide(self, ordered: list[DocumentEntry], manifest: dict, out: BuiltCorpus) -> BuiltCorpus:
        """Symbols (manifest, inferred) and duplicates, decided over the whole corpus."""
        found = ingest.decide(ordered, manifest)
        out.errors.extend(found.errors)
        for e in ordered:
            symbol, source, note = found.symbols.get(e.file, (e.meta.symbol, e.meta.symbol_source, None))
            before = e.written_symbol
            if _settle_symbol(self.db, e, symbol, source, note, self.cache_dir, self.pdf_reader):
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
    if entry.written_symbol not in (None, symbol):
        _, doc, _, _ = next(ingest.parse_stream([Path(entry.path)], cache_dir, None, pdf_reader))  # bounded, as every parse
        write.delete_documents(db, [entry.id])
        if doc is None:
            return False
        manifests.apply(doc, entry.corrected())
        doc.meta = dataclasses.replace(doc.meta, symbol=symbol, symbol_source=source)
        doc.references = without_self_references(doc.references, symbol, doc.resolutions)
        if note:
            doc.warnings.append(note)
        write.write_document(db, doc)
        entry.written_symbol = symbol
        return True
    if symbol != entry.written_symbol:
        write.rename(db, entry.id, entry.meta.name(entry.file, entry.written_symbol or ""),
                     entry.meta.name(entry.file, symbol or ""))
        db.conn.execute("DELETE FROM [references] WHERE document = ? AND kind IN ('document', 'ga_resolution') "
                        "AND ref_id = ?", [entry.id, symbol])
        entry.written_symbol = symbol
    db.conn.execute("UPDATE documents SET symbol = ?, name = ?, symbol_source = ?, url = ?, warnings = ? WHERE id = ?",
                    [symbol, entry.meta.name(entry.file, symbol or ""), source, schema.UNDOCS + symbol if symbol else None,
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


def install_sigterm_cleanup() -> None:
    """Turn SIGTERM into an exception so ``build`` removes its temp file on the way out."""
    def _raise(signum, frame):  # pragma: no cover - exercised by the kill test through a subprocess
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _raise)
