"""Turn paths into parsed documents, one file at a time, never letting one bad file stop the rest.

Parse results are cached by content hash (and the code's fingerprint) as JSON data
(``pipelines/cache.py``), so a rebuild with unchanged inputs only reads, hashes and loads.  Corpus-level decisions (symbols
from a manifest or inferred from citations, duplicate symbols) are made here, after
every file is parsed, because they need the whole corpus.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from extract.errors import ReadError
from extract.symbols import infer_symbols, without_self_references
from models.corpus import DocumentEntry, ResolutionText
from models.document import IngestError, ParsedDocument
from pipelines.corpus import cache, manifest as manifests, workers
from pipelines.corpus.entries import entry_of
from pipelines.corpus.files import (MAX_MB, SECONDS_PER_MB, SUFFIXES, collect, file_id, kind_of,  # noqa: F401
                                    plan, readable)
from pipelines.corpus.fingerprint import code_fingerprint

BUNDLED = Path(__file__).resolve().parents[2] / "corpus" / "seeds"


@dataclass
class Corpus:
    documents: list[ParsedDocument] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    cache_hits: int = 0


def read_input(path: Path, cache_dir: Optional[Path], pdf_reader: str = "pdfium") -> tuple[Optional[bytes], Optional[tuple]]:
    """Read a file under the size limit and look it up in the cache.

    Returns ``(data, None)`` when it must be parsed, or ``(None, result)`` with the
    ``(document, error, cache_hit)`` result when it is read from the cache or cannot be read."""
    name = readable(str(path))
    try:
        # Opened without blocking and checked on the open file: a FIFO put in a file's place
        # after a listing must not hang the build.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return None, (None, IngestError(name, "read", f"cannot open the file: {exc.strerror}",
                                        "check the path and its permissions"), False)
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
            return None, (None, IngestError(name, "read", f"not a regular file ({what})",
                                            "give the documents' files, or a folder holding them"), False)
        size = info.st_size
        kind = kind_of(path)
        limit = MAX_MB[kind]
        if size > limit * 1024 * 1024:
            seconds = size / 2**20 * SECONDS_PER_MB[kind]
            return None, (None, IngestError(
                name, "read", f"the file is {size / 2**20:.0f} MB, over the {limit:g} MB limit for one document "
                f"(it would take about {seconds:.0f} s to parse)",
                "split it into one file per document, or set COSP_MAX_MB to raise the limit"), False)
        try:
            data = fh.read(int(limit * 1024 * 1024) + 1)  # a file that grows while read is still bounded
        except OSError as exc:
            return None, (None, IngestError(name, "read", f"cannot read the file: {exc.strerror}",
                                            "check the disk and the file's permissions"), False)
    cached = _cache_path(data, cache_dir, pdf_reader)
    if cached is not None and cached.is_file():
        try:
            doc = cache.loads(cached.read_bytes())
            doc.file = file_id(path)
            return None, (doc, None, True)
        except Exception:  # a damaged or foreign entry, whatever it breaks, is discarded and re-parsed
            try:
                cached.unlink(missing_ok=True)
            except OSError:
                pass
    return data, None


def _cache_path(data: bytes, cache_dir: Optional[Path], pdf_reader: str) -> Optional[Path]:
    if not cache_dir:
        return None
    return cache_dir / f"{hashlib.sha256(data + code_fingerprint().encode() + pdf_reader.encode()).hexdigest()}.json"


_PARSING = threading.Lock()


def parse_data(data: bytes, name: str, pdf_reader: str = "pdfium") -> tuple[Optional[ParsedDocument], Optional[IngestError]]:
    """Parse a file's bytes: the part of the work that can run anywhere (a worker process, a
    Dask worker on another machine); no file system is touched.

    One parse at a time per process: spaCy's string store and the extractors' caches are not
    thread-safe (a Dask worker with several threads would corrupt them), and the parser holds
    the GIL anyway, so processes, not threads, are what run documents in parallel."""
    from pipelines.corpus.parse import parse_bytes  # spaCy loads only when something must be parsed

    try:
        with _PARSING:
            return parse_bytes(data, name, pdf_reader), None
    except ReadError as exc:
        return None, IngestError(name, "read", exc.message, exc.hint)
    except MemoryError:
        raise  # a worker reports it with the memory bound
    except Exception as exc:  # a parser bug must not stop the corpus
        return None, IngestError(name, "parse", f"the parser failed: {type(exc).__name__}: {exc}",
                                 "report this file to the maintainers; the other files were still built")


def store(doc: ParsedDocument, data: bytes, cache_dir: Optional[Path], pdf_reader: str) -> None:
    """Put a parse result in the cache (atomically; a cache that cannot be written is skipped)."""
    cached = _cache_path(data, cache_dir, pdf_reader)
    if cached is None:
        return
    cache.write_atomic(cached, cache.dumps(doc))


def parse_one(path: Path, cache_dir: Optional[Path],
              pdf_reader: str = "pdfium") -> tuple[Optional[ParsedDocument], Optional[IngestError], bool]:
    """Parse a file (or load it from the cache). Returns (document, error, cache_hit)."""
    data, done = read_input(path, cache_dir, pdf_reader)
    if data is None:
        return done
    doc, error = parse_data(data, readable(str(path)), pdf_reader)
    if doc is not None:
        store(doc, data, cache_dir, pdf_reader)
    return doc, error, False


def parse_stream(todo: list[Path], cache_dir: Optional[Path] = None, progress: Optional[Callable[[Path], None]] = None,
                 pdf_reader: str = "pdfium", jobs: int = 1, timeout: Optional[float] = None,
                 engine: Optional[object] = None,
                 finish: Optional[Callable] = None) -> Iterator[tuple[Path, Optional[object], list[IngestError], bool]]:
    """(path, document or None, errors and warnings, cache hit) for each file, in the order of
    ``todo`` whatever order the workers finish in (so the database is the same for any
    ``jobs``); results that finish early wait, so at most about ``jobs`` documents are held.

    Files are parsed in worker processes (``workers.py``; one for ``jobs`` 1), each under the
    time limit and the memory bound, whatever the number of files: the one new file of an
    incremental build is bounded as much as a corpus; ``engine`` (``engines.py``) parses them
    elsewhere, e.g. on a Dask cluster, under the same bounds there.

    ``finish(document, path)``, a module-level function, turns each document into what the
    caller keeps (the build's rows and summary); it runs where the document was parsed (in the
    worker process), so that work is spread over the cores too.  It yields that instead of the
    document; the result has the document's ``input_warnings``."""
    if engine is not None:
        results = _finished(engine.map(todo, cache_dir, pdf_reader, progress), todo, finish)
    else:
        results = _local_workers(todo, cache_dir, pdf_reader, jobs, timeout, progress, finish)
    waiting: dict[int, tuple] = {}
    following = 0
    for i, result in results:
        waiting[i] = result
        while following in waiting:
            doc, error, hit = waiting.pop(following)
            path = todo[following]
            following += 1
            if error:
                yield path, None, [error], False
            else:
                yield path, doc, reader_warnings(path, doc.input_warnings), hit


def reader_warnings(path: Path, warnings: list[str]) -> list[IngestError]:
    """What the reader repaired in a file, as the build records it (again at every build, for
    the files an incremental build keeps as well as those it parses)."""
    return [IngestError(readable(str(path)), "read", w, "the file was built; check the repaired text",
                        severity="warning") for w in warnings]


def _finish(finish: Optional[Callable], result: tuple, path: Path) -> tuple:
    """A ``(document, error, hit)`` result with ``finish`` applied to its document."""
    doc, error, hit = result
    return (finish(doc, path) if finish and doc is not None else doc), error, hit


def _finished(results, todo, finish):
    for i, result in results:
        yield i, _finish(finish, result, todo[i])


def parse_and_finish(path: Path, cache_dir: Optional[Path], pdf_reader: str, finish: Optional[Callable]) -> tuple:
    """``parse_one``, then ``finish`` on the document (a worker process's task)."""
    return _finish(finish, parse_one(path, cache_dir, pdf_reader), path)


def _local_workers(todo, cache_dir, pdf_reader, jobs, timeout, progress, finish=None):
    limit = timeout if timeout is not None else workers.timeout_from_env()
    memory = workers.memory_from_env()
    tasks = [(p, cache_dir, pdf_reader, finish) for p in todo]
    for i, result in workers.run(parse_and_finish, tasks, jobs, limit, memory,
                                 on_start=(lambda i: progress(todo[i])) if progress else None):
        if isinstance(result, BaseException):
            result = (None, stopped(todo[i], result, limit, memory), False)
        yield i, result


def ingest(paths: Iterable[str | Path], cache_dir: Optional[Path] = None,
           progress: Optional[Callable[[Path], None]] = None, pdf_reader: str = "pdfium",
           follow_links: bool = False, jobs: int = 1, timeout: Optional[float] = None,
           engine: Optional[object] = None) -> Corpus:
    """Parse every file and make the corpus-wide decisions, all documents held in memory (for
    ``cosp parse``, ``cosp eval`` and the tests; ``cosp build`` streams, see ``database/build.py``)."""
    corpus = Corpus()
    todo = plan(paths, corpus.errors, follow_links)
    entries = []
    given = manifests.read(todo, corpus.errors)
    for path, doc, errors, hit in parse_stream(todo, cache_dir, progress, pdf_reader, jobs, timeout, engine):
        corpus.errors.extend(errors)
        corpus.cache_hits += hit
        if doc is not None:
            read = manifests.apply(doc, given.get(doc.file, {}))
            corpus.documents.append(doc)
            entries.append(entry_of(doc, path, read))
    by_file = {d.file: d for d in corpus.documents}
    found = decide(entries, given)
    corpus.errors.extend(found.errors)
    for file, (symbol, source, note) in found.symbols.items():
        doc = by_file[file]
        doc.meta.symbol, doc.meta.symbol_source = symbol, source
        if note:
            doc.warnings.append(note)
    for doc in corpus.documents:
        doc.references = without_self_references(doc.references, doc.meta.symbol, doc.resolutions)
    return corpus


def stopped(path: Path, exc: BaseException, limit: float, memory: int) -> IngestError:
    size = f"{path.stat().st_size / 2**20:.1f} MB" if path.exists() else "size unknown"
    if isinstance(exc, TimeoutError):
        return IngestError(readable(str(path)), "parse", f"stopped: {exc} ({size})",
                           f"split it into one file per document, or raise COSP_DOC_TIMEOUT (now {limit:g} s)")
    if isinstance(exc, MemoryError):
        return IngestError(readable(str(path)), "parse", f"stopped: {exc} ({size})",
                           f"split it, or raise COSP_DOC_MAX_MB_RAM (now {memory} MB)")
    return IngestError(readable(str(path)), "parse", f"stopped: {exc} ({size})",
                       "report this file to the maintainers; the other files were still built")


@dataclass
class Decisions:
    """What the corpus decides about its documents once all are read."""

    symbols: dict[str, tuple[str, str, Optional[str]]] = field(default_factory=dict)  # file -> (symbol, source, note)
    errors: list[IngestError] = field(default_factory=list)


def decide(entries: list[DocumentEntry], manifest: dict[str, dict[str, str]]) -> Decisions:
    """Manifest symbols, then inferred ones; duplicate symbols flagged (both documents kept); a
    resolution printed in several documents flagged.  Reads only the entries' summaries
    (``models/corpus.py``), with the manifest's dates and titles already in them (``manifest.apply``)."""
    out = Decisions()
    for e in entries:
        given = manifest.get(e.file, {})
        if e.meta.symbol is None and "symbol" in given:
            out.symbols[e.file] = (given["symbol"], "manifest", None)
        elif given.get("symbol") not in (None, e.meta.symbol):
            out.errors.append(IngestError(
                e.file, "symbol", f"the manifest gives {given['symbol']}, the document prints {e.meta.symbol}: the "
                "printed symbol is kept", "correct the manifest's row, or check the file is the one meant",
                severity="warning"))
    pending = [e if e.file not in out.symbols else _with_symbol(e, out.symbols[e.file][0]) for e in entries]
    for inf in infer_symbols(pending):
        out.symbols[inf.file] = (inf.symbol, "inferred",
                                 f"symbol {inf.symbol} inferred from {inf.evidence} (title match {inf.score:.0f})")
    seen: dict[tuple[str, str], str] = {}
    for e in entries:
        sym = out.symbols[e.file][0] if e.file in out.symbols else e.meta.symbol
        # One symbol is published in six languages: a version in another language is no duplicate.
        lang = e.meta.language or "en"
        if sym and (sym, lang) in seen:  # a mirror, a reissue, an advance version: kept apart, never merged
            out.errors.append(IngestError(
                e.file, "symbol", f"duplicate symbol {sym} in {lang!r}: {seen[(sym, lang)]} gives it too; both are kept as separate "
                "documents (by file name), neither replaces the other",
                "if one is a copy, remove one of the two files; if the symbol is wrong, correct it in a manifest.tsv "
                "beside them", severity="warning"))
        elif sym:
            seen[(sym, lang)] = e.file
    out.errors += resolution_text_warnings(entries)
    out.errors += version_warnings(entries, {f: s for f, (s, _, _) in out.symbols.items()})
    return out


def version_warnings(entries: list[DocumentEntry], decided: dict[str, str]) -> list[IngestError]:
    """Language versions of one symbol are lined up paragraph by paragraph by their numbers, which
    the UN keeps identical in the six languages; where a version's numbering differs from the
    English one (or the first held), the warning says which numbers are missing or extra."""
    by_symbol: dict[str, dict[str, DocumentEntry]] = {}
    for e in entries:
        sym = decided.get(e.file, e.meta.symbol)
        if sym:
            by_symbol.setdefault(sym, {}).setdefault(e.meta.language or "en", e)
    out = []
    for sym, versions in by_symbol.items():
        if len(versions) < 2:
            continue
        ref_lang = "en" if "en" in versions else sorted(versions)[0]
        ref = versions[ref_lang].paragraphs
        for lang, e in sorted(versions.items()):
            if lang == ref_lang or e.paragraphs == ref:
                continue
            missing = [a for a in ref if a not in set(e.paragraphs)]
            extra = [a for a in e.paragraphs if a not in set(ref)]
            what = "; ".join(x for x in (f"missing here: {', '.join(missing[:8])}" if missing else "",
                                         f"only here: {', '.join(extra[:8])}" if extra else "",
                                         "same numbers in another order" if not missing and not extra else "") if x)
            out.append(IngestError(
                e.file, "versions", f"the {lang!r} version of {sym} is numbered differently from the {ref_lang!r} one "
                f"({versions[ref_lang].file}): {what}; paragraphs are lined up by number where both have it",
                "check both files are the same document; a paragraph split or merged in one version is kept as printed",
                severity="warning"))
    return out


def _with_symbol(entry: DocumentEntry, symbol: str) -> DocumentEntry:
    return dataclasses.replace(entry, meta=dataclasses.replace(entry.meta, symbol=symbol))


def resolution_text_warnings(entries: list[DocumentEntry]) -> list[IngestError]:
    """One resolution printed in two documents (its draft and the adopted text, or a report
    chapter and a web page): both texts are kept, with their own paragraphs; the warning says
    which one the ``resolutions`` table describes (the adopted text before a draft).  Its versions
    in other languages are the same resolution, not a second text."""
    texts: dict[tuple[str, str], list[tuple[DocumentEntry, ResolutionText]]] = {}
    for e in entries:
        for res in e.resolutions:
            if res.id:
                texts.setdefault((res.id, e.meta.language or "en"), []).append((e, res))
    out = []
    for (rid, _), found in texts.items():
        if len(found) < 2:
            continue
        kept = next(((d, r) for d, r in found if not r.draft), found[0])
        where = ", ".join(f"{d.file} (chars {r.start}-{r.end}{', draft' if r.draft else ''})" for d, r in found)
        out.append(IngestError(
            found[-1][0].file, "resolution", f"resolution {rid} is printed in {len(found)} places: {where}; "
            f"all texts are kept, the resolutions table describes the one in {kept[0].file}",
            "if one is a copy of the other, remove it; if one is a draft, give it its L. symbol", severity="warning"))
    return out
