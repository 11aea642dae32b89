"""A parsed document's summary for the corpus-wide stages (``models/corpus.py``)."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Optional

from extract.symbols import citations
from models.corpus import DocumentEntry, ResolutionText, Sighting
from models.document import ParsedDocument
from pipelines.corpus.files import readable


def doc_id(doc: ParsedDocument) -> str:
    """A document's id in the database: its file name (unique in a corpus, see ``ingest.plan``)."""
    return doc.file


def source_parts(doc: ParsedDocument) -> dict[tuple[str, str], str]:
    """(unit address, resolution id) -> the resolution paragraph's id, for the operative parts
    of every resolution text in the document: mandates printed there are at their source."""
    did = doc_id(doc)
    return {(p.at, res.id): f"{did}#{p.address}" for res in doc.resolutions if res.id
            for p in res.parts if p.kind != "preambular"}


def sightings_of(doc: ParsedDocument) -> list[tuple[object, Sighting]]:
    """(mandate, sighting) for every mandate of the document, each sighting keyed
    ``document#address#verb`` (numbered when one place gives the same verb twice)."""
    did = doc_id(doc)
    parts = source_parts(doc)
    seen: dict[str, int] = {}
    out = []
    for m in doc.mandates:
        key = f"{did}#{m.at}#{m.verb}"
        seen[key] = seen.get(key, 0) + 1
        key = key if seen[key] == 1 else f"{key}#{seen[key]}"
        out.append((m, Sighting(key, did, doc.meta.date, m.at, m.body, m.resolution, m.verb, m.action,
                                m.addressee, parts.get((m.at, m.resolution)))))
    return out


def entry_of(doc: ParsedDocument, path: Path | str = "", read: Optional[dict] = None) -> DocumentEntry:
    """The summary of a parsed document; ``read``: the values its file reads for the fields its
    manifest row replaced (``manifest.apply``)."""
    version = None
    if doc.guidelines:
        from extract.align import version_of  # scipy: only documents with guidelines need it

        version = version_of(doc)
    return DocumentEntry(
        id=doc_id(doc), file=doc.file, sha256=doc.sha256, meta=dataclasses.replace(doc.meta),
        written_symbol=doc.meta.symbol, citations=citations(doc),
        resolutions=[ResolutionText(r.id, r.key, r.draft, r.start, r.end, r.title, r.issuer, r.adopted)
                     for r in doc.resolutions],
        sightings=[s for _, s in sightings_of(doc)], guidelines=version, warnings=list(doc.warnings),
        input_warnings=list(doc.input_warnings), path=readable(os.path.realpath(path)) if path else "",
        paragraphs=[u.at for u in doc.paragraphs], read=dict(read or {}))
