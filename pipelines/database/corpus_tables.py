"""The corpus-wide tables, written once every document's rows are in.

They need the whole corpus but not its texts: each is computed from the documents'
summaries (``models/corpus.py``) and from the rows already written, so a build holds one
parsed document at a time and an incremental build redoes these stages without reading
the unchanged documents.  Resolution and registry counts are SQL over the written rows;
lineage reads the sightings; guideline chains the versions (alignments memoised on content).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import subprocess
from dataclasses import asdict
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Optional

import sqlite_utils

from models.corpus import DocumentEntry
from models.document import IngestError
from pipelines.corpus import cache
from pipelines.corpus.fingerprint import BUILD_PARTS, code_fingerprint
from pipelines.corpus.workers import Aside
from pipelines.database.schema import (AGGREGATES, DERIVED, LINKED_DERIVED, PER_DOCUMENT, UNDOCS, derive,
                                       derive_documents, index_document_texts, index_guideline_texts, stable_id,
                                       text_id)
from pipelines.database.write import insert_rows, sync_rows

# Rewritten whole by every build, full or incremental.
CORPUS_TABLES = ["resolutions", "cosp_sessions", "ingest_errors", "build_info"]
# What links documents to each other (parents first): an incremental build writes only what
# changed in them (``write.sync_rows``); a removed or rewritten document takes its share with it
# (``write.delete_documents``).
LINKED_TABLES = ["guideline_versions", "guideline_paragraphs", "guideline_alignment", "guideline_title_changes",
                 "mandate_links"]


def clear(db: sqlite_utils.Database) -> None:
    """Before an incremental build changes documents: the corpus tables go (they are redone)."""
    for table in CORPUS_TABLES:
        db.conn.execute(f"DELETE FROM [{table}]")


def write_corpus_tables(db: sqlite_utils.Database, entries: list[DocumentEntry], errors: list[IngestError],
                        started: dt.datetime, fingerprint: str, cache_dir: Optional[Path] = None,
                        written: Optional[set[str]] = None, jobs: int = 1) -> None:
    """After ``clear`` and every document's rows: ``written`` is an incremental build's new and
    changed documents (None: a full build).

    The two computations that read only the summaries, guideline alignment and lineage
    (``linked_rows``), run in a second process when there are cores for it (``jobs`` > 1),
    while this one writes the SQL-made tables; the writes come in the same order either way,
    so the database's bytes do not depend on ``jobs``."""
    aside = Aside(linked_rows, entries, cache_dir) if jobs > 1 else None
    insert_rows(db, "ingest_errors", [asdict(e) for e in errors])
    write_resolutions(db, entries)
    verbs_from_english_versions(db)
    count_registries(db)
    save_entries(db, entries, written)
    index_document_texts(db, written)
    names = [n for n in list(DERIVED) + list(AGGREGATES) if n not in LINKED_DERIVED]
    if written is None:
        derive(db, names)
    else:  # an update: the per-document tables redo the written documents' rows only
        derive(db, [n for n in names if n not in PER_DOCUMENT])
        derive_documents(db, [n for n in names if n in PER_DOCUMENT], written)
    rows = aside.result() if aside is not None else linked_rows(entries, cache_dir)
    lineage = rows["mandate_lineage"]
    if written is None:
        for table in LINKED_TABLES:
            insert_rows(db, table, rows[table], replace=table in ("guideline_versions", "guideline_paragraphs"))
    else:
        sync_rows(db, {table: rows[table] for table in LINKED_TABLES})
        have = {r[-1]: r for r in db.conn.execute(
            "SELECT mandate, thread, source, source_score, source_method, id FROM mandates")}
        lineage = [r for r in lineage if have.get(r[-1]) != tuple(r)]
    db.conn.executemany("UPDATE mandates SET mandate = ?, thread = ?, source = ?, source_score = ?, source_method = ? "
                        "WHERE id = ?", lineage)
    derive(db, list(LINKED_DERIVED))
    index_guideline_texts(db, written is not None)
    insert_rows(db, "build_info", build_info(entries, len(errors), started)
                + [{"key": "inputs_fingerprint", "value": fingerprint}], replace=True)


def verbs_from_english_versions(db: sqlite_utils.Database) -> int:
    """A translation renders one English verb by several of its own and one of its verbs by
    several English ones (French "Demande": requests, calls upon, calls for).  Where the corpus
    holds the English version of the same symbol, and the English paragraph of the same number
    gives exactly one mandate, a translated mandate at that paragraph takes the English verb and
    strength (the printed verb stays in ``verb_printed``).  Returns how many were changed."""
    rows = db.conn.execute(
        "select m.id, e.verb, e.strength from mandates m join documents d on d.id = m.document "
        "join documents de on de.symbol = d.symbol and de.language = 'en' and de.id != d.id "
        "join mandates e on e.document = de.id and e.at = m.at "
        "where coalesce(d.language, 'en') != 'en' and d.symbol is not null "
        "and (select count(*) from mandates x where x.document = de.id and x.at = m.at) = 1 "
        "and (select count(*) from mandates y where y.document = m.document and y.at = m.at) = 1 "
        "and e.verb != m.verb").fetchall()
    db.conn.executemany("UPDATE mandates SET verb = ?, strength = ? WHERE id = ?", [(v, s, i) for i, v, s in rows])
    return len(rows)


def linked_rows(entries: list[DocumentEntry], cache_dir: Optional[Path] = None) -> dict[str, list]:
    """The rows that link documents to each other: the guideline chains with their
    alignments, and each mandate's lineage (a pure function of the summaries)."""
    return {**guideline_rows(entries, cache_dir), **lineage_rows(entries)}


def save_entries(db: sqlite_utils.Database, entries: list[DocumentEntry], written: Optional[set[str]] = None) -> None:
    """The summaries, for the next incremental build (JSON records, like the parse cache);
    an incremental build replaces only the written ones and drops those of removed documents."""
    if written is None:
        db.conn.execute("DELETE FROM corpus_entries")
    else:
        db.conn.execute("DELETE FROM corpus_entries WHERE id NOT IN (SELECT id FROM documents)")
    db.conn.executemany("INSERT OR REPLACE INTO corpus_entries (id, sha256, path, entry) VALUES (?, ?, ?, ?)",
                        [(e.id, e.sha256, e.path, cache.dump_records(e).decode("utf-8")) for e in entries
                         if written is None or e.id in written])


def load_entries(db: sqlite_utils.Database, ids: Optional[list[str]] = None) -> dict[str, DocumentEntry]:
    """The stored summaries (of ``ids`` only, when given)."""
    if "corpus_entries" not in db.table_names():
        return {}
    out = {}
    rows = db.conn.execute("SELECT id, entry FROM corpus_entries") if ids is None else db.conn.execute(
        f"SELECT id, entry FROM corpus_entries WHERE id IN ({', '.join('?' for _ in ids)})", ids)
    for did, data in rows:
        try:
            entry = cache.load_records(data.encode("utf-8"))
        except (ValueError, TypeError):
            continue  # not readable: that document is parsed again
        if isinstance(entry, DocumentEntry):
            out[did] = entry
    return out


def write_resolutions(db: sqlite_utils.Database, entries: list[DocumentEntry]) -> None:
    """One row per resolution cited or printed: how often and where it is cited (from the
    ``references`` rows), its session and place, and what its text in the corpus says."""
    from extract.resources import load_yaml

    sessions = load_yaml("cosp_sessions.yaml")
    insert_rows(db, "cosp_sessions", [dict(session=int(k), year=v["year"], place=v["place"], url=v["url"])
                                      for k, v in sessions.items()], replace=True)
    texts = resolution_texts(entries)
    out = []
    cited: dict[str, dict] = {}
    for rid, kind, did, title, url in db.conn.execute(
            "SELECT ref_id, kind, document, title, url FROM [references] "
            "WHERE kind IN ('cosp_resolution', 'ga_resolution') ORDER BY document, start, id"):
        e = cited.setdefault(rid, dict(kind=kind, title=None, url=url, docs=set(), times=0))
        e["docs"].add(did)
        e["times"] += 1
        e["title"] = e["title"] or title
    for rid, e in cited.items():
        fields = dict(title=e["title"], url=e["url"], documents_citing=len(e["docs"]), times_cited=e["times"])
        out.append(_resolution_row(rid, e["kind"], sessions, {**fields, **texts.pop(rid, {})}))
    for rid, text in texts.items():  # resolutions whose text is in the corpus but that nothing cites
        uncited = dict(url=UNDOCS + rid if rid.startswith("A/RES/") else None, documents_citing=0, times_cited=0)
        out.append(_resolution_row(rid, text["kind"], sessions, {**uncited, **text}))
    insert_rows(db, "resolutions", out, replace=True)


def resolution_texts(entries: list[DocumentEntry]) -> dict[str, dict]:
    """What the resolutions table learns from the texts: kind, title, issuer, adoption date,
    the document holding the text (the first adopted one, else the first draft)."""
    found: dict[str, dict] = {}
    for e in entries:
        for res in e.resolutions:
            if res.id is None:
                continue
            kind = "ga_resolution" if res.id.startswith("A/RES/") else "cosp_resolution" if re.fullmatch(
                r"\d+/\d+", res.id) else "other_resolution"  # a draft's symbol is no N/M resolution id
            entry = found.setdefault(res.id, dict(kind=kind, title=None, body=None, adopted=None, text_document=None,
                                                  texts=0, rank=(True, True)))
            entry["texts"] += 1
            rank = (res.draft, (e.meta.language or "en") != "en")  # adopted, then English
            if entry["text_document"] is None or rank < entry["rank"]:
                entry.update(title=res.title or entry["title"], body=res.issuer, adopted=res.adopted or entry["adopted"],
                             text_document=e.id, rank=rank)
    for text in found.values():
        text.pop("rank")
    return found


def _resolution_row(rid: str, kind: str, sessions: dict, fields: dict) -> dict:
    """A ``resolutions`` row: session, number, year and place read off the id (none for A/RES/3514(XXX)).
    ``kind`` is the citations' when the resolution is cited, else its text's."""
    m = re.search(r"(\d+)/(\d+)$", rid)
    session = int(m.group(1)) if m and kind == "cosp_resolution" else None
    info = sessions.get(session, {}) if session else {}
    return {**fields, "id": rid, "kind": kind, "session": session, "number": int(m.group(2)) if m else None,
            "year": info.get("year"), "place": info.get("place")}


def aligned(old, new, cache_dir: Optional[Path] = None) -> tuple[list, list]:
    """``extract.align.align`` of two versions, memoised on their content (and the code): a
    version re-issued verbatim, or a rebuild that did not touch a chain, costs no alignment.
    Kept in the build and, with a cache folder, beside the parse cache as JSON records."""
    from extract.align import align

    key = hashlib.sha256(json.dumps([code_fingerprint(BUILD_PARTS), old.titles, [vars(p) for p in old.paragraphs],
                                     new.titles, [vars(p) for p in new.paragraphs]],
                                    sort_keys=True, default=str).encode()).hexdigest()
    if key in _ALIGNED:
        return _ALIGNED[key]
    path = cache_dir / f"align-{key}.json" if cache_dir else None
    result = None
    if path is not None and path.is_file():
        try:
            found, changed = cache.load_records(path.read_bytes())
            result = (found, changed)
        except Exception:  # damaged: aligned again
            path.unlink(missing_ok=True)
    if result is None:
        result = align(old, new)
        if path is not None:
            cache.write_atomic(path, cache.dump_records(list(result)))
    if len(_ALIGNED) > 10_000:
        _ALIGNED.clear()
    _ALIGNED[key] = result
    return result


_ALIGNED: dict[str, tuple] = {}


GUIDELINE_TABLES = ("guideline_versions", "guideline_paragraphs", "guideline_alignment", "guideline_title_changes")


def guideline_rows(entries: list[DocumentEntry], cache_dir: Optional[Path] = None) -> dict[str, list[dict]]:
    """Every guideline set in the corpus, its versions chained by date, each step aligned."""
    docs = {e.file: e for e in entries if e.guidelines}
    if not docs:
        return {table: [] for table in GUIDELINE_TABLES}
    from extract.align import version_label
    from pipelines.guidelines.align import chains

    versions, paragraphs, links, titles = [], [], [], []

    for c, chain in enumerate(chains([e.guidelines for e in docs.values()]), start=1):
        for pos, v in enumerate(chain):
            doc = docs[v.file]
            vid = f"{doc.id}#guidelines"
            v.label = version_label(doc.meta, doc.file, doc.written_symbol or "")  # under the symbol the corpus decided
            versions.append(dict(id=vid, document=doc.id, symbol=doc.written_symbol, label=v.label, year=v.year,
                                 chain=c, position=pos, guidelines=len(v.titles), paragraphs=len(v.paragraphs)))
            mine = [dict(id=f"{vid}#g{n}.title", version=vid, at=f"g{n}.title", kind="title", guideline=n,
                         idx=-1, text=t) for n, t in v.titles.items()]
            mine += [dict(id=f"{vid}#{p.at}", version=vid, at=p.at, kind="paragraph", guideline=p.guideline,
                          idx=p.index, text=p.text) for p in v.paragraphs]
            for n, row in enumerate(mine):
                row["text_id"] = text_id(vid, "guideline_paragraphs", n)
            paragraphs += mine
        for old, new in zip(chain, chain[1:]):
            a, b = f"{docs[old.file].id}#guidelines", f"{docs[new.file].id}#guidelines"
            found, changed = aligned(old, new, cache_dir)
            links += [dict(from_version=a, to_version=b, from_at=lk.from_at, to_at=lk.to_at, relation=lk.relation,
                           score=lk.score, method=lk.method, modal_before="; ".join(lk.modal_before),
                           modal_after="; ".join(lk.modal_after), direction=lk.direction,
                           qualifiers_added="; ".join(lk.qualifiers_added),
                           qualifiers_removed="; ".join(lk.qualifiers_removed), subject_before=lk.subject_before,
                           subject_after=lk.subject_after, changes=lk.changes,
                           sentence_moves=json.dumps(lk.sentence_moves) if lk.sentence_moves else None,
                           diff_html=lk.diff_html, diff_ops=json.dumps(lk.diff_ops, ensure_ascii=False))
                      for lk in found]
            titles += [dict(from_version=a, to_version=b, guideline=t.guideline, to_guideline=t.to_guideline,
                            from_title=t.from_title, to_title=t.to_title, direction=t.direction,
                            qualifiers_added="; ".join(t.qualifiers_added), changes=t.changes,
                            diff_html=t.diff_html) for t in changed]
    numbered(links, "guideline_alignment", ("from_version", "to_version"))
    numbered(titles, "guideline_title_changes", ("from_version", "to_version"))
    return dict(zip(GUIDELINE_TABLES, (versions, paragraphs, links, titles)))


def numbered(rows: list[dict], table: str, owner: tuple[str, ...]) -> list[dict]:
    """Give rows that link documents a ``stable_id`` from what they link (the ``n``-th row of
    the same ``owner`` columns): a full and an incremental build number them alike, and an
    incremental one rewrites only the rows that changed (``write.sync_rows``)."""
    seen: dict[tuple, int] = {}
    for row in rows:
        key = tuple(row[c] for c in owner)
        seen[key] = seen.get(key, -1) + 1
        row["id"] = stable_id("\x1f".join(map(str, key)), table, seen[key])
    return rows


def write_registries(db: sqlite_utils.Database) -> None:
    """Networks, organisations and countries, before any document names them (their rows
    point here); ``count_registries`` fills the counts at the end.  Kept by incremental
    builds: the registries are data files, and changing one changes the code fingerprint."""
    from extract.countries import display_name, group_of
    from extract.resources import load_yaml

    if db.conn.execute("SELECT count(*) FROM networks").fetchone()[0]:
        return
    insert_rows(db, "networks", [dict(
        name=e["name"], acronym=", ".join(e.get("acronyms", [])) or None, aliases="; ".join(e.get("aliases", [])) or None,
        type=e["type"], region=e.get("region"), documents=0, mentions=0) for e in load_yaml("networks.yaml")],
        replace=True)
    insert_rows(db, "organisations", [dict(
        name=e["name"], acronym=", ".join(e.get("acronyms", [])) or None, type=e.get("type"), documents=0, mentions=0)
        for e in load_yaml("organisations.yaml")], replace=True)
    insert_rows(db, "countries", [dict(iso3=iso, name=display_name(iso), regional_group=g)
                                  for iso, g in sorted(group_of().items())], replace=True)


def count_registries(db: sqlite_utils.Database) -> None:
    """How many documents name each network and organisation, and how often: one grouped pass
    over ``mentions`` per registry (a correlated count per name let the planner pick the
    ``entity_type`` index and scan every mention of the type, per name: 0.2 s at 250 documents)."""
    for table, kind in (("networks", "network"), ("organisations", "organisation")):
        counts = db.conn.execute("SELECT entity, count(DISTINCT document), count(*) FROM mentions "
                                 "WHERE entity_type = ? GROUP BY entity", [kind]).fetchall()
        db.conn.execute(f"UPDATE [{table}] SET documents = 0, mentions = 0")
        db.conn.executemany(f"UPDATE [{table}] SET documents = ?, mentions = ? WHERE name = ?",
                            [(docs, n, name) for name, docs, n in counts])


def lineage_rows(entries: list[DocumentEntry]) -> dict[str, list]:
    """The lineage columns of every mandate row (as ``UPDATE`` parameters), and the links that
    justify them."""
    from extract.lineage import build_lineage

    lineage = build_lineage([s for e in entries for s in e.sightings])
    updates = []
    for e in entries:
        for s in e.sightings:
            mandate = lineage.mandate_of[s.key]
            link = lineage.source_of.get(s.key)
            updates.append((mandate, lineage.thread_of[mandate], link.part if link else None,
                            link.score if link else None, link.method if link else None, s.key))
    return {"mandate_lineage": updates,
            "mandate_links": numbered([dict(a=lk.a, b=lk.b, kind=lk.kind, score=lk.score, method=lk.method)
                                       for lk in lineage.links], "mandate_links", ("a", "b", "kind"))}


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).parent)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _version(pkg: str) -> str | None:
    try:
        return importlib_metadata.version(pkg)
    except importlib_metadata.PackageNotFoundError:
        return None


def build_info(entries: list[DocumentEntry], errors: int, started: dt.datetime) -> list[dict]:
    digest = hashlib.sha256("".join(sorted(e.sha256 for e in entries)).encode()).hexdigest()
    libs = {p: _version(p) for p in ("spacy", "pdfplumber", "rapidfuzz", "sqlite-utils", "datasette")}
    info = {
        "build_time": started.isoformat(timespec="seconds"),
        "project_version": _version("cosp-tracker"),
        "git_commit": _git_commit(),
        "corpus_hash": digest,
        "documents": str(len(entries)),
        "ingest_errors": str(errors),
        "library_versions": json.dumps(libs, sort_keys=True),
    }
    return [{"key": k, "value": v} for k, v in info.items()]
