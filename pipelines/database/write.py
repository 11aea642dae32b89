"""Fill the database from a parsed corpus; every row carries its provenance.

Rows say which document, which address (paragraph, item, footnote, guideline paragraph)
and which character span they come from, and how to quote the place (``cite``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import subprocess
from dataclasses import asdict
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Optional

import sqlite_utils

from pipelines.corpus import cache
from pipelines.corpus.fingerprint import BUILD_PARTS, code_fingerprint
from pipelines.corpus.ingest import Corpus
from pipelines.database.schema import UNDOCS, index_texts

def insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict], replace: bool = False) -> None:
    """Insert rows into a table the schema created, with one ``executemany``: sqlite-utils'
    ``insert_all`` checks and converts every value and commits every chunk (1,100 commits
    and a million conversions for 250 documents); the rows here are plain values already.
    A list or dict value is stored as JSON, as sqlite-utils would (``_as_json``)."""
    if not rows:
        return
    columns = list(dict.fromkeys(k for row in rows for k in row))
    names = ", ".join(f"[{c}]" for c in columns)
    marks = ", ".join("?" for _ in columns)
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    db.conn.executemany(f"{verb} INTO [{table}] ({names}) VALUES ({marks})",
                        ([row.get(c) for c in columns] for row in rows))


def _as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


for _kind in (list, dict, tuple):  # sqlite3 asks only for values it cannot store itself
    sqlite3.register_adapter(_kind, _as_json)


def doc_id(doc) -> str:
    return doc.file


def cite(doc, at: str) -> str:
    """How a person quotes the place: "CAC/COSP/WG.2/2018/2, para. 54 (b)"."""
    name = doc.meta.symbol or doc.file
    m = re.match(r"^(\d+(?:bis|ter|quater|quinquies)?)(?:\(([a-z]+)\))?$", at)
    if m:
        return f"{name}, para. {_bis(m.group(1))}" + (f" ({m.group(2)})" if m.group(2) else "")
    m = re.match(r"^(?:(.+)/)?(op|pp)(\d+(?:bis|ter|quater|quinquies)?)(?:\(([a-z]+)\))?$", at)
    if m:  # a resolution's parts: "resolution 8/9, para. 3 (a)", "resolution 8/9, preambular para. 2"
        res = f", resolution {m.group(1)}" if m.group(1) and not re.fullmatch(r"r\d+", m.group(1)) else ""
        kind = "para." if m.group(2) == "op" else "preambular para."
        return f"{name}{res}, {kind} {_bis(m.group(3))}" + (f" ({m.group(4)})" if m.group(4) else "")
    m = re.match(r"^fn(\d+|\*)$", at)
    if m:
        return f"{name}, footnote {m.group(1)}"
    m = re.match(r"^g(\d+)\.(\d+|title)(?:\(([a-z]+)\))?$", at)
    if m:
        where = "title" if m.group(2) == "title" else f"para. {m.group(1)}.{m.group(2)}"
        return f"{name}, draft guideline {m.group(1)}, {where}" + (f" ({m.group(3)})" if m.group(3) else "")
    return f"{name}, front page" if at == "front" else f"{name}, under “{at[:80]}”"


def _bis(number: str) -> str:
    """"1bis" -> "1 bis", as a repeated paragraph number is cited."""
    return re.sub(r"(?<=\d)(?=[a-z])", " ", number)


def write_corpus(db: sqlite_utils.Database, corpus: Corpus, started: dt.datetime, fingerprint: str = "",
                 cache_dir: Optional[Path] = None) -> None:
    docs, paragraphs, footnotes, headings = [], [], [], []
    for doc in corpus.documents:
        did = doc_id(doc)
        m = asdict(doc.meta)
        docs.append(dict(
            m, id=did, file=doc.file, year=int(m["date"][:4]) if m["date"] else None,
            url=UNDOCS + m["symbol"] if m["symbol"] else None, format=doc.format, pages=doc.pages,
            sha256=doc.sha256, paragraph_count=doc.own_paragraph_count(),
            footnote_count=doc.own_footnote_count(),
            warnings="\n".join(doc.warnings) or None))
        body = sorted(doc.paragraphs + doc.items, key=lambda u: (u.start, u.kind != "paragraph"))
        for seq, u in enumerate(body):
            paragraphs.append(dict(id=f"{did}#{u.at}", document=did, at=u.at, kind=u.kind, parent=u.parent,
                                   seq=seq, section=u.section, text=u.text, start=u.start, end=u.end, page=u.page))
        for u in doc.footnotes:
            footnotes.append(dict(id=f"{did}#{u.at}", document=did, at=u.at, anchor=u.anchor, text=u.text,
                                  start=u.start, end=u.end, page=u.page))
        for seq, u in enumerate(sorted(doc.front + doc.headings, key=lambda u: u.start)):
            headings.append(dict(id=f"{did}#h{seq}", document=did, at=u.at, kind=u.kind, level=u.level, seq=seq,
                                 text=u.text, start=u.start, end=u.end, page=u.page))
    insert_rows(db, "documents", docs, replace=True)
    insert_rows(db, "metadata_evidence", [
        dict(id=f"{doc_id(d)}#{e.field}", document=doc_id(d), field=e.field, value=e.value, start=e.start, end=e.end,
             confidence=e.confidence, rule=e.rule) for d in corpus.documents for e in d.meta_evidence], replace=True)
    insert_rows(db, "paragraphs", paragraphs, replace=True)
    insert_rows(db, "footnotes", footnotes, replace=True)
    insert_rows(db, "headings", headings, replace=True)
    insert_rows(db, "ingest_errors", [asdict(e) for e in corpus.errors])
    write_references(db, corpus)
    write_guidelines(db, corpus, cache_dir)
    write_entities(db, corpus)
    write_mandates(db, corpus)
    index_texts(db)
    insert_rows(db, "build_info", build_info(corpus, started) + [{"key": "inputs_fingerprint", "value": fingerprint}],
                replace=True)


def write_references(db: sqlite_utils.Database, corpus: Corpus) -> None:
    from extract.resources import load_yaml

    sessions = load_yaml("cosp_sessions.yaml")
    rows, resolutions = [], {}
    for doc in corpus.documents:
        did = doc_id(doc)
        for r in doc.references:
            rows.append(dict(document=did, at=r.at, unit=f"{did}#{r.at}", cite=cite(doc, r.at), kind=r.kind,
                             ref_id=r.id, text=r.text, detail=r.detail, title=r.title, url=r.url,
                             start=r.start, end=r.end))
            if r.kind in ("cosp_resolution", "ga_resolution"):
                entry = resolutions.setdefault(r.id, dict(id=r.id, kind=r.kind, title=None, url=r.url,
                                                          docs=set(), times_cited=0))
                entry["docs"].add(did)
                entry["times_cited"] += 1
                entry["title"] = entry["title"] or r.title
    insert_rows(db, "references", rows)
    insert_rows(db, "cosp_sessions",
        [dict(session=int(k), year=v["year"], place=v["place"], url=v["url"]) for k, v in sessions.items()],
        replace=True)
    texts = write_resolution_texts(db, corpus)
    out = []
    for text in texts.values():
        text.pop("draft")
    for e in resolutions.values():
        cited = dict(title=e["title"], url=e["url"], documents_citing=len(e["docs"]), times_cited=e["times_cited"])
        out.append(_resolution_row(e["id"], e["kind"], sessions, {**cited, **texts.pop(e["id"], {})}))
    for rid, text in texts.items():  # resolutions whose text is in the corpus but that nothing cites
        uncited = dict(url=UNDOCS + rid if rid.startswith("A/RES/") else None, documents_citing=0, times_cited=0)
        out.append(_resolution_row(rid, text["kind"], sessions, {**uncited, **text}))
    insert_rows(db, "resolutions", out, replace=True)


def _resolution_row(rid: str, kind: str, sessions: dict, fields: dict) -> dict:
    """A ``resolutions`` row: session, number, year and place read off the id (none for A/RES/3514(XXX)).
    ``kind`` is the citations' when the resolution is cited, else its text's."""
    m = re.search(r"(\d+)/(\d+)$", rid)
    session = int(m.group(1)) if m and kind == "cosp_resolution" else None
    info = sessions.get(session, {}) if session else {}
    return {**fields, "id": rid, "kind": kind, "session": session, "number": int(m.group(2)) if m else None,
            "year": info.get("year"), "place": info.get("place")}


def write_resolution_texts(db: sqlite_utils.Database, corpus: Corpus) -> dict[str, dict]:
    """Every resolution text the corpus holds, part by part; returns what the resolutions table
    learns from them (kind, title, issuer, adoption date, the document holding the text)."""
    rows, found = [], {}
    for doc in corpus.documents:
        did = doc_id(doc)
        for res in doc.resolutions:
            for seq, p in enumerate(res.parts):
                rows.append(dict(id=f"{did}#{p.address}", document=did, resolution=res.id, resolution_key=res.key,
                                 address=p.address, kind=p.kind, at=p.at, unit=f"{did}#{p.at}", cite=cite(doc, p.at),
                                 verb=p.verb, seq=seq, text=p.text, start=p.start, end=p.end, page=p.page))
            if res.id is None:
                continue
            kind = "ga_resolution" if res.id.startswith("A/RES/") else "cosp_resolution" if re.fullmatch(
                r"\d+/\d+", res.id) else "other_resolution"  # a draft's symbol is no N/M resolution id
            entry = found.setdefault(res.id, dict(kind=kind, title=None, body=None, adopted=None, text_document=None,
                                                  texts=0, draft=True))
            entry["texts"] += 1
            if entry["draft"] and (entry["text_document"] is None or not res.draft):  # the first adopted text
                entry.update(title=res.title or entry["title"], body=res.issuer, adopted=res.adopted or entry["adopted"],
                             text_document=did, draft=res.draft)
    insert_rows(db, "resolution_paragraphs", rows, replace=True)
    return found


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
        except (OSError, ValueError, TypeError):
            path.unlink(missing_ok=True)
    if result is None:
        result = align(old, new)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".tmp-{os.getpid()}")
                tmp.write_bytes(cache.dump_records(list(result)))
                os.replace(tmp, path)
            except OSError:
                pass
    if len(_ALIGNED) > 10_000:
        _ALIGNED.clear()
    _ALIGNED[key] = result
    return result


_ALIGNED: dict[str, tuple] = {}


def write_guidelines(db: sqlite_utils.Database, corpus: Corpus, cache_dir: Optional[Path] = None) -> None:
    """Every guideline set in the corpus, its versions chained by date, each step aligned."""
    if not any(d.guidelines for d in corpus.documents):
        return
    from extract.align import version_of
    from pipelines.guidelines.align import chains

    docs = {d.file: d for d in corpus.documents if d.guidelines}
    versions, paragraphs, links, titles = [], [], [], []
    for c, chain in enumerate(chains([version_of(d) for d in docs.values()]), start=1):
        for pos, v in enumerate(chain):
            doc = docs[v.file]
            vid = f"{doc_id(doc)}#guidelines"
            v.label = f"{doc.meta.symbol or doc.file} ({v.year})"
            versions.append(dict(id=vid, document=doc_id(doc), symbol=doc.meta.symbol, label=v.label, year=v.year,
                                 chain=c, position=pos, guidelines=len(v.titles), paragraphs=len(v.paragraphs)))
            paragraphs += [dict(id=f"{vid}#g{n}.title", version=vid, at=f"g{n}.title", kind="title", guideline=n,
                                idx=-1, text=t) for n, t in v.titles.items()]
            paragraphs += [dict(id=f"{vid}#{p.at}", version=vid, at=p.at, kind="paragraph", guideline=p.guideline,
                                idx=p.index, text=p.text) for p in v.paragraphs]
        for old, new in zip(chain, chain[1:]):
            a, b = f"{doc_id(docs[old.file])}#guidelines", f"{doc_id(docs[new.file])}#guidelines"
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
    insert_rows(db, "guideline_versions", versions, replace=True)
    insert_rows(db, "guideline_paragraphs", paragraphs, replace=True)
    insert_rows(db, "guideline_alignment", links)
    insert_rows(db, "guideline_title_changes", titles)


def write_entities(db: sqlite_utils.Database, corpus: Corpus) -> None:
    """Registries (networks, organisations, countries) and what each document says of them."""
    from extract.countries import display_name, group_of
    from extract.resources import load_yaml

    mentions, candidates, facts, figures, replies = [], [], [], [], []
    for doc in corpus.documents:
        did = doc_id(doc)
        for m in doc.mentions:
            mentions.append(dict(document=did, at=m.at, unit=f"{did}#{m.at}", cite=cite(doc, m.at),
                                 entity_type=m.entity_type, entity=m.key, text=m.text, method=m.method,
                                 score=m.score, start=m.start, end=m.end))
        candidates += [dict(document=did, at=c.at, text=c.text, closest=c.closest, score=c.score, start=c.start,
                            end=c.end) for c in doc.candidates]
        facts += [dict(network=f.network, kind=f.kind, value=f.value, number=f.number, unit=f.unit, document=did,
                       document_date=doc.meta.date, at=f.at, cite=cite(doc, f.at), sentence=f.sentence,
                       start=f.start, end=f.end) for f in doc.facts]
        figures += [dict(subject=f.subject, value=f.value, unit=f.unit, as_of=f.as_of, document=did, at=f.at,
                         cite=cite(doc, f.at), text=f.text, start=f.start, end=f.end) for f in doc.figures]
        replies += [dict(document=did, footnote=r.footnote, anchor=r.anchor, country=r.country, iso3=r.iso3,
                         regional_group=group_of().get(r.iso3)) for r in doc.replies]
    counts: dict[tuple[str, str], tuple[set, int]] = {}
    for m in mentions:
        docs, n = counts.get((m["entity_type"], m["entity"]), (set(), 0))
        docs.add(m["document"])
        counts[(m["entity_type"], m["entity"])] = (docs, n + 1)

    def used(kind, name):
        docs, n = counts.get((kind, name), (set(), 0))
        return len(docs), n

    insert_rows(db, "networks", [dict(
        name=e["name"], acronym=", ".join(e.get("acronyms", [])) or None, aliases="; ".join(e.get("aliases", [])) or None,
        type=e["type"], region=e.get("region"), documents=used("network", e["name"])[0],
        mentions=used("network", e["name"])[1]) for e in load_yaml("networks.yaml")], replace=True)
    insert_rows(db, "organisations", [dict(
        name=e["name"], acronym=", ".join(e.get("acronyms", [])) or None, type=e.get("type"),
        documents=used("organisation", e["name"])[0], mentions=used("organisation", e["name"])[1])
        for e in load_yaml("organisations.yaml")], replace=True)
    insert_rows(db, "countries", [dict(iso3=iso, name=display_name(iso), regional_group=g)
                                for iso, g in sorted(group_of().items())], replace=True)
    insert_rows(db, "mentions", mentions)
    insert_rows(db, "network_candidates", candidates)
    insert_rows(db, "network_facts", facts)
    insert_rows(db, "figures", figures)
    insert_rows(db, "replies", replies)


def source_parts(doc) -> dict[tuple[str, str], str]:
    """(unit address, resolution id) -> the resolution paragraph's id, for the operative parts
    of every resolution text in the document: mandates printed there are at their source."""
    did = doc_id(doc)
    return {(p.at, res.id): f"{did}#{p.address}" for res in doc.resolutions if res.id
            for p in res.parts if p.kind != "preambular"}


def mandate_sightings(corpus: Corpus) -> list[tuple]:
    """(document, mandate, sighting) for every mandate, each sighting keyed
    ``document#address#verb`` (numbered when one place gives the same verb twice)."""
    from extract.lineage import Sighting

    out = []
    for doc in corpus.documents:
        did = doc_id(doc)
        parts = source_parts(doc)
        seen: dict[str, int] = {}
        for m in doc.mandates:
            key = f"{did}#{m.at}#{m.verb}"
            seen[key] = seen.get(key, 0) + 1
            key = key if seen[key] == 1 else f"{key}#{seen[key]}"
            out.append((doc, m, Sighting(key, did, doc.meta.date, m.at, m.body, m.resolution, m.verb, m.action,
                                         m.addressee, parts.get((m.at, m.resolution)))))
    return out


def write_mandates(db: sqlite_utils.Database, corpus: Corpus) -> None:
    """Mandates with their lineage: the operative paragraph each reports on, the same mandate
    across documents, threads across resolutions."""
    from extract.lineage import build_lineage

    rows, proposals, evidence = [], [], []
    found = mandate_sightings(corpus)
    for doc, m, s in found:
        did = doc_id(doc)
        rows.append(dict(id=s.key, document=did, document_date=doc.meta.date, at=m.at, unit=f"{did}#{m.at}",
                         cite=cite(doc, m.at), body=m.body, resolution=m.resolution,
                         session=int(m.resolution.split("/")[0]) if re.match(r"^\d+/", m.resolution or "") else None,
                         resolution_list=", ".join(m.resolution_list) or None, verb=m.verb, strength=m.strength,
                         addressee=m.addressee, action=m.action, deliverable=m.deliverable,
                         time_frame=m.time_frame, funding=m.funding, text=m.text, start=m.start, end=m.end,
                         at_source=int(s.part is not None)))
    for doc in corpus.documents:
        did = doc_id(doc)
        proposals += [dict(document=did, at=p.at, cite=cite(doc, p.at), text=p.text) for p in doc.proposals]
        evidence += [dict(document=did, at=e.at, cite=cite(doc, e.at), text=e.text,
                          mandates=", ".join(dict.fromkeys(e.mandates)) or None) for e in doc.evidence]
    lineage = build_lineage([s for _, _, s in found])
    for row in rows:
        row["mandate"] = lineage.mandate_of[row["id"]]
        row["thread"] = lineage.thread_of[row["mandate"]]
        link = lineage.source_of.get(row["id"])
        row.update(source=link.part if link else None, source_score=link.score if link else None,
                   source_method=link.method if link else None)
    insert_rows(db, "mandates", rows, replace=True)
    insert_rows(db, "proposals", proposals)
    insert_rows(db, "evidence", evidence)
    insert_rows(db, "mandate_links", [dict(a=lk.a, b=lk.b, kind=lk.kind, score=lk.score, method=lk.method)
                                    for lk in lineage.links])


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


def build_info(corpus: Corpus, started: dt.datetime) -> list[dict]:
    digest = hashlib.sha256("".join(sorted(d.sha256 for d in corpus.documents)).encode()).hexdigest()
    libs = {p: _version(p) for p in ("spacy", "pdfplumber", "rapidfuzz", "sqlite-utils", "datasette")}
    info = {
        "build_time": started.isoformat(timespec="seconds"),
        "project_version": _version("cosp-tracker"),
        "git_commit": _git_commit(),
        "corpus_hash": digest,
        "documents": str(len(corpus.documents)),
        "ingest_errors": str(len(corpus.errors)),
        "library_versions": json.dumps(libs, sort_keys=True),
    }
    return [{"key": k, "value": v} for k, v in info.items()]
