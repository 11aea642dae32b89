"""Build the SQLite database from a corpus, atomically.

The database is written to a temporary file beside the target and moved into place
with ``os.replace`` only when complete: a build that is killed, or that fails, leaves
the previous database exactly as it was.  The published file is made read-only.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

import sqlite_utils

from pipelines import schema, write
from pipelines.fingerprint import inputs_fingerprint
from pipelines.ingest import MANIFEST_NAMES, Corpus, collect, ingest

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
    """Temp files of builds that were killed (their process is gone) are removed."""
    for tmp in target.parent.glob(f".{target.name}.building-*"):
        try:
            pid = int(tmp.name.rsplit("-", 1)[1])
            os.kill(pid, 0)
        except (ValueError, ProcessLookupError):
            tmp.unlink(missing_ok=True)
        except PermissionError:
            pass


def build(paths: Iterable[str | Path], db_path: str | Path = DEFAULT_DB, cache_dir: Optional[Path] = None,
          progress: Optional[Callable[[Path], None]] = None, force: bool = False,
          pdf_reader: str = "pdfium") -> BuildResult:
    """Build the database; with unchanged code and inputs an existing database is left as it is."""
    started = dt.datetime.now(dt.timezone.utc)
    target = Path(db_path).resolve()
    paths = list(paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(target)
    fingerprint = inputs_fingerprint(_input_digests(paths) + [("pdf_reader", pdf_reader.encode())])
    if not force and _built_from(target) == fingerprint:
        return BuildResult(target, Corpus(), (dt.datetime.now(dt.timezone.utc) - started).total_seconds(), True)
    tmp = target.parent / f".{target.name}.building-{os.getpid()}"  # stale ones were removed above
    tmp.unlink(missing_ok=True)
    try:
        db = sqlite_utils.Database(tmp)
        schema.apply(db)  # the temp file exists from the start: a kill at any point leaves it, not a half db
        corpus = ingest(paths, cache_dir=cache_dir, progress=progress, pdf_reader=pdf_reader)
        write.write_corpus(db, corpus, started, fingerprint)
        db.conn.commit()
        db.conn.execute("PRAGMA optimize")
        db.close()
        os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    seconds = (dt.datetime.now(dt.timezone.utc) - started).total_seconds()
    return BuildResult(target, corpus, seconds)


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
