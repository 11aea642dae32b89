"""Parse one file: read, recover structure and metadata, run the extractors."""
from __future__ import annotations

import re
from pathlib import Path

from extract.countries import find_countries, replies
from extract.facts import figures, network_facts
from extract.mandates import extract_mandates
from extract.language import detect, other_language
from extract.metadata import read_front_page
from extract.networks import find_mentions
from extract.references import extract_references
from extract.symbols import without_self_references
from extract.readers import read_bytes
from extract.mandate_text import body_of_resolution
from extract.resolutions import adopt_front_page_id, implied_preamble, implied_resolution, resolution_records
from extract.structure import parse_structure
from models.document import FieldEvidence, ParsedDocument

# An annex heading in any UN language ("Annex II", "Annexe", "Anexo", "Приложение", "附件", "المرفق").
_ANNEX = re.compile(r"^(?:Annex|ANNEX|Annexe|ANNEXE|Anexo|ANEXO|Приложение|ПРИЛОЖЕНИЕ|附件|المرفق)(?:\s+\S{1,6})?\s*$")



def parse_bytes(data: bytes, name: str, pdf_reader: str = "pdfium") -> ParsedDocument:
    source = read_bytes(data, name, pdf_reader)
    b = parse_structure(source)
    text = source.text
    # The header's clues (job number, version line) sit in the first page even where the
    # structure found the front page short (site noise before it).
    header = text[:max(b.front[-1].end if b.front else 0, 3000)]
    body = " ".join(u.text for u in b.paragraphs[:40]) or text[len(header):]
    lang = detect(body, header, source.declared.get("language"), source.identified)
    reading = lang.code if lang.packed else "en"  # the pack its words are read with
    front = read_front_page(b.front, b.footnotes, text, Path(name).name, reading)
    meta = front.meta
    meta.language = lang.code
    front.evidence.append(FieldEvidence("language", lang.code, 0, 0, lang.confidence, lang.evidence))
    if lang.contradicted:
        front.warnings.append(f"{Path(name).name}: the document reads as {lang.code!r}, {lang.evidence}: read as {lang.code!r}")
    annex = next((u for u in b.headings if _ANNEX.match(u.text)), None)
    if annex is not None:  # an annex in another language (a French annex to an English report): said, not re-read
        other = other_language(text[annex.end:], lang.code)
        if other:
            front.warnings.append(f"{Path(name).name}: the document reads as {lang.code!r} but its annex from "
                                  f"{annex.text[:40]!r} (char {annex.start}) reads as {other!r}: it is read with the "
                                  f"{lang.code!r} words; check its fields, references and mandates")
    if not lang.packed:
        front.warnings.append(f"{Path(name).name}: the document reads as {lang.code!r} ({lang.evidence}), a language "
                              "without a pack: its fields are read with the English words, check them")
    if meta.symbol is None and source.printed_symbol:
        meta.symbol, meta.symbol_source = source.printed_symbol, "printed"
    doc = ParsedDocument(
        file=Path(name).name, format=source.format, sha256=source.sha256, text=text, meta=meta,
        pages=source.pages, front=b.front, headings=b.headings, paragraphs=b.paragraphs,
        items=b.items, footnotes=b.footnotes, guidelines=b.guidelines,
        warnings=source.warnings + b.warnings + front.warnings, input_warnings=list(source.warnings),
        meta_evidence=front.evidence, preamble=b.preamble,
    )
    adopt_front_page_id(b.openings, doc.units() + doc.items, meta.symbol, front.resolution_number, meta.doc_type)
    doc.resolutions = resolution_records(b.openings, doc.preamble + doc.paragraphs + doc.items, doc.file,
                                         front.adopted or source.declared.get("date"), b.res_spans, reading)
    if not doc.resolutions:
        implied = implied_resolution(meta.symbol, body_of_resolution(meta.symbol), doc.paragraphs, doc.file, reading)
        doc.resolutions = [implied] if implied else []
    if not doc.resolutions and not doc.paragraphs and not doc.preamble:
        implied, doc.preamble = implied_preamble(meta.symbol, body_of_resolution(meta.symbol), doc.front, doc.file,
                                                 reading)
        doc.resolutions = [implied] if implied else []
    doc.warnings += [w for r in doc.resolutions for w in r.warnings]
    doc.references = without_self_references(extract_references(doc), meta.symbol, doc.resolutions)
    doc.mandates, doc.proposals, doc.evidence = extract_mandates(doc)
    networks, doc.candidates = find_mentions(doc, "network")
    organisations, _ = find_mentions(doc, "organisation")
    doc.mentions = networks + organisations + find_countries(doc)
    doc.facts = network_facts(doc, networks)
    doc.figures = figures(doc)
    doc.replies = replies(doc)
    return doc


def parse_path(path: str | Path, pdf_reader: str = "pdfium") -> ParsedDocument:
    return parse_bytes(Path(path).read_bytes(), str(path), pdf_reader)
