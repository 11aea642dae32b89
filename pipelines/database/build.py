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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

import sqlite_utils

from pipelines.corpus import workers
from pipelines.database import schema, write
from pipelines.corpus.fingerprint import inputs_fingerprint
from pipelines.corpus.ingest import MANIFEST_NAMES, Corpus, collect, ingest

DEFAULT_DB = "cosp.db"


@dataclass
class BuildResult:
    db: Path
    corpus: Corpus
    seconds: float
    up_to_date: bool = False


def _built_from(target: Path) -> str | None:
    """The input fingerprint the existing database was built from, if any."""
    if not target.exists():
        return None
    try:
        db = sqlite_utils.Database(target)
        row = db.execute("select value from build_info where key = 'inputs_fingerprint'").fetchone()
        db.close()
        return row[0] if row else None
    except Exception:  # not ours, or damaged: rebuild
        return None


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
          pdf_reader: str = "pdfium", follow_links: bool = False, jobs: Optional[int] = None) -> BuildResult:
    """Build the database; with unchanged code and inputs an existing database is left as it is."""
    started = dt.datetime.now(dt.timezone.utc)
    target = Path(db_path).resolve()
    paths = list(paths)
    _check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _lock(target):
        return _build_locked(target, paths, cache_dir, progress, force, pdf_reader, follow_links, started,
                             jobs if jobs is not None else workers.default_jobs())


def _build_locked(target, paths, cache_dir, progress, force, pdf_reader, follow_links, started,
                  jobs) -> BuildResult:
    _remove_stale_temps(target)
    fingerprint = inputs_fingerprint(_input_digests(paths) + [("pdf_reader", pdf_reader.encode())])
    if not force and _built_from(target) == fingerprint:
        return BuildResult(target, Corpus(), (dt.datetime.now(dt.timezone.utc) - started).total_seconds(), True)
    tmp = target.parent / f".{target.name}.building-{os.getpid()}"  # stale ones were removed above
    tmp.unlink(missing_ok=True)
    try:
        db = sqlite_utils.Database(tmp)
        # A bulk load into a private file: no rollback journal and no fsync per commit; the
        # file is synced once, complete, before it replaces the database (_publish).
        db.conn.execute("PRAGMA journal_mode = OFF")
        db.conn.execute("PRAGMA synchronous = OFF")
        schema.apply(db)  # the temp file exists from the start: a kill at any point leaves it, not a half db
        corpus = ingest(paths, cache_dir=cache_dir, progress=progress, pdf_reader=pdf_reader,
                        follow_links=follow_links, jobs=jobs)
        if not corpus.documents and _had_documents(target):
            failed = sum(1 for e in corpus.errors if e.severity == "error")
            raise BuildError(f"no document could be read ({failed} file(s) failed): {target} keeps its documents",
                             "fix the files named above and build again")
        write.write_corpus(db, corpus, started, fingerprint, cache_dir)
        db.conn.commit()
        db.conn.execute("PRAGMA optimize")
        db.close()
        _publish(tmp, target)
    except BaseException:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            leftover.unlink(missing_ok=True)
        raise
    seconds = (dt.datetime.now(dt.timezone.utc) - started).total_seconds()
    return BuildResult(target, corpus, seconds)


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


def _had_documents(target: Path) -> bool:
    if not target.exists():
        return False
    try:
        db = sqlite_utils.Database(target)
        n = db.execute("select count(*) from documents").fetchone()[0]
        db.close()
        return n > 0
    except Exception:
        return False


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
