"""Build the SQLite database from a corpus, atomically.

The database is written to a temporary file beside the target and moved into place
with ``os.replace`` only when complete: a build that is killed, or that fails, leaves
the previous database exactly as it was.  The published file is made read-only.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

import sqlite_utils

from pipelines import schema
from pipelines.ingest import Corpus, ingest

DEFAULT_DB = "cosp.db"


@dataclass
class BuildResult:
    db: Path
    corpus: Corpus
    seconds: float


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
          progress: Optional[Callable[[Path], None]] = None) -> BuildResult:
    started = dt.datetime.now(dt.timezone.utc)
    target = Path(db_path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(target)
    tmp = target.parent / f".{target.name}.building-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    try:
        db = sqlite_utils.Database(tmp)
        schema.apply(db)  # the temp file exists from the start: a kill at any point leaves it, not a half db
        corpus = ingest(paths, cache_dir=cache_dir, progress=progress)
        schema.write_corpus(db, corpus, started)
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


def install_sigterm_cleanup() -> None:
    """Turn SIGTERM into an exception so ``build`` removes its temp file on the way out."""
    def _raise(signum, frame):  # pragma: no cover - exercised by the kill test through a subprocess
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _raise)
