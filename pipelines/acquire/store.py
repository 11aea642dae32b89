"""What a fetch keeps beside the files: the manifest and the state, each written atomically.

``manifest.tsv`` has a row per file (file, symbol, language, source URL, SHA-256, size, fetched
at, note) and is what ``cosp build`` reads for symbols and languages.  ``.cosp-fetch.json``
records, per template, year and language, where the walk through a series stands (the next
number, the run of misses, whether it is done) and which symbols ODS does not have, so a fetch
that is run again, or was killed, asks only for what it does not have.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

from pipelines.corpus.workers import process_gone

MANIFEST = "manifest.tsv"
STATE = ".cosp-fetch.json"
COLUMNS = ["file", "symbol", "language", "url", "sha256", "size", "fetched_at", "note"]


def file_name(symbol: str, lang: str, fmt: str, version: int = 1) -> str:
    """``CAC/COSP/2019/5`` in English as PDF -> ``CAC_COSP_2019_5.en.pdf`` (a reissue: ``.v2``)."""
    stem = symbol.replace("/", "_").replace(" ", "")
    return f"{stem}.{lang}{f'.v{version}' if version > 1 else ''}.{fmt}"


_TEMP = re.compile(rf"^\.(?:{re.escape(MANIFEST)}|{re.escape(STATE)})\.tmp-(\d+)$|^\.cosp-write-test-(\d+)$")


def remove_stale_temps(folder: Path) -> None:
    """The temp files of fetches that were killed (their process is gone): a manifest or state
    written to a temp name and not yet renamed, the write probe; a running fetch's are kept."""
    for f in folder.glob(".*"):
        m = _TEMP.match(f.name)
        if m and process_gone(int(m.group(1) or m.group(2))):
            f.unlink(missing_ok=True)


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@dataclass
class Row:
    file: str
    symbol: str
    language: str
    url: str
    sha256: str
    size: int
    fetched_at: str
    note: str = ""


class Manifest:
    def __init__(self, folder: Path):
        self.path = folder / MANIFEST
        self.rows: list[Row] = []
        if self.path.exists():
            with open(self.path, encoding="utf-8", newline="") as fh:
                for rec in csv.DictReader(fh, delimiter="\t"):
                    if rec.get("file") and rec.get("symbol"):
                        self.rows.append(Row(**{c: rec.get(c) or "" for c in COLUMNS}))
                        self.rows[-1].size = int(self.rows[-1].size or 0)

    def has(self, symbol: str, lang: str) -> Optional[Row]:
        return next((r for r in reversed(self.rows) if r.symbol == symbol and r.language == lang), None)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        out = io.StringIO()
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in self.rows:
            writer.writerow([getattr(r, c) for c in COLUMNS])
        write_atomic(self.path, out.getvalue())


@dataclass
class Walk:
    """Where a template stands for one year and language."""

    next: int = 1
    misses: int = 0
    highest: int = 0
    done: bool = False


@dataclass
class State:
    walks: dict[str, Walk] = field(default_factory=dict)  # "template|year|lang" -> Walk
    missing: dict[str, str] = field(default_factory=dict)  # "symbol|lang" -> when ODS last had none

    @classmethod
    def load(cls, folder: Path) -> "State":
        path = folder / STATE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls({k: Walk(**v) for k, v in data.get("walks", {}).items()}, dict(data.get("missing", {})))
        except (OSError, ValueError, TypeError):
            return cls()

    def save(self, folder: Path) -> None:
        write_atomic(folder / STATE, json.dumps({"walks": {k: asdict(v) for k, v in sorted(self.walks.items())},
                                                 "missing": dict(sorted(self.missing.items()))}, indent=1))


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
