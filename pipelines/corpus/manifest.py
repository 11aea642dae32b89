"""The manifest beside the files: what the user (or ``cosp fetch``) says a file is.

``manifest.tsv`` is tab-separated with a header naming its columns; ``file`` and any of
``symbol``, ``date``, ``title`` are read (``cosp fetch`` writes ``file, symbol, language, url,
...``; a user correcting documents writes ``file, symbol, date, title``).  A file without a
header is read as ``file<TAB>symbol`` lines, as earlier versions wrote it.

It is how a document the reader cannot identify gets its identity: the symbol fills a
document that prints none (a printed symbol stays: it is the document's own word, and a
manifest row can be stale); the date and title replace what was read, since a user who
writes them is correcting the reading.  A value that is not one (a symbol that is no UN
symbol, a date not in ISO form) is refused with a warning naming the manifest and the row,
never used.  A cell may carry a remark after the value in brackets ("A/RES/73/190 (page 2's
running header)"): the value is what precedes it.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from pathlib import Path
from typing import Iterable, Optional

from models.document import FieldEvidence, IngestError, ParsedDocument

NAMES = ("manifest.tsv", "MANIFEST.tsv")
FIELDS = ("symbol", "date", "title")  # the columns read; the others are the fetch's own records
REPLACED = ("date", "title")  # the fields a manifest value replaces (the symbol only fills: ``ingest.decide``)
_REMARK = re.compile(r"\s+\([^()]*\)\s*$")


def read(paths: Iterable[Path], errors: Optional[list[IngestError]] = None) -> dict[str, dict[str, str]]:
    """file name -> {field: value} from the manifests beside ``paths`` (only valid values)."""
    found: dict[str, dict[str, str]] = {}
    for folder in sorted({p.parent for p in paths}):
        for name in NAMES:
            f = folder / name
            if f.is_file():
                found.update(_read_one(f, errors if errors is not None else []))
    return found


def _read_one(f: Path, errors: list[IngestError]) -> dict[str, dict[str, str]]:
    from pipelines.corpus.files import readable

    try:
        data = f.read_bytes()[: 16 << 20]
    except OSError as exc:
        errors.append(IngestError(readable(str(f)), "read", f"cannot read the manifest: {exc.strerror}",
                                  "check its permissions"))
        return {}
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        errors.append(IngestError(readable(str(f)), "read", "the manifest is not UTF-8: read as Windows-1252",
                                  "save it as UTF-8", severity="warning"))
    rows = list(csv.reader(text.splitlines(), delimiter="\t"))
    header = [c.strip().lower() for c in rows[0]] if rows else []
    if "file" in header:
        columns, rows = {c: header.index(c) for c in ("file",) + FIELDS if c in header}, rows[1:]
    else:
        columns = {"file": 0, "symbol": 1}
    out: dict[str, dict[str, str]] = {}
    for n, row in enumerate(rows, 2 if "file" in header else 1):
        cells = {c: row[i].strip() for c, i in columns.items() if i < len(row)}
        file = cells.pop("file", "")
        if not file:
            continue
        values = {}
        for key, value in cells.items():
            value = _REMARK.sub("", value).strip()
            if not value:
                continue
            problem = _problem(key, value)
            if problem:
                errors.append(IngestError(readable(str(f)), "manifest", f"row {n} ({file}): {key} {value!r} {problem}: "
                                          "not used", "correct the row", severity="warning"))
            else:
                values[key] = value
        if values:
            out[file] = values
    return out


def _problem(key: str, value: str) -> Optional[str]:
    if key == "symbol" and not _symbol().fullmatch(value):
        return "is not a UN document symbol"
    if key == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return "is not a date written YYYY-MM-DD"
    return None


@functools.lru_cache(maxsize=1)
def _symbol() -> re.Pattern:
    """A UN document symbol of any series, as the front-page reader knows them."""
    from extract.resources import load_yaml

    return re.compile(load_yaml("frontpage.yaml")["symbol"])


def corrections(given: dict[str, str]) -> dict[str, str]:
    """The values of a manifest row that replace what a document reads."""
    return {k: v for k, v in given.items() if k in REPLACED}


def apply(doc: ParsedDocument, given: dict[str, str]) -> dict[str, Optional[str]]:
    """Give a parsed document its manifest row's date and title, with the manifest as their
    evidence and a warning saying what the file reads ("date '2019-09-02' from the manifest (the
    document reads '2019-09-23')"); returns the values read, by field (``DocumentEntry.read``)."""
    fields = corrections(given)
    read = {k: getattr(doc.meta, k) for k in fields}
    for key, value in sorted(fields.items()):
        setattr(doc.meta, key, value)
        if read[key] != value:
            doc.warnings.append(f"{key} {value!r} from the manifest" + (
                f" (the document reads {read[key]!r})" if read[key] else " (the document gives none)"))
    doc.meta_evidence = [e for e in doc.meta_evidence if e.field not in fields] + [
        FieldEvidence(k, v, 0, 0, 1.0, "manifest") for k, v in sorted(fields.items())]
    return read
