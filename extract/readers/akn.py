"""Akoma Ntoso (AKN 3.0 in the UN's AKN4UN profile) in, the lines of the printed document out.

The UN publishes Security Council resolutions as AKN XML in the six languages.  The
markup says what the printed page shows (cover page, the issuer formula, one preambular
paragraph per ``<container>``, numbered operative ``<paragraph>`` elements with their
``<list>`` of lettered points, annexes as attachments), so the reader lays it out as the
page does, one printed paragraph per line with blank lines between, and the structure
parser reads it like any other text: one parser for every format, and the markup is an
answer key for that parser (``cosp eval --suite akn``).  Paragraph numbers are kept as
printed ("1." or the Arabic "1 -").  The FRBR identification (work and expression IRIs,
adoption date, language) is returned beside the lines in :class:`AknMeta`.
"""
from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Iterator, Optional

from extract.errors import ReadError
from extract.resources import load_yaml
from models.source import Line, Source, assign_offsets

NS = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"
_CODES = load_yaml("akn.yaml")
# ISO 639-2 (FRBR) to the two-letter codes of the language packs: the export's codes turned round,
# and the bibliographic variants ("fre", "chi").
LANGUAGES = {v: k for k, v in _CODES["languages"].items()} | _CODES["languages_also"]


@dataclass
class AknMeta:
    work: Optional[str] = None  # /akn/un/statement/deliberation/unsc/2020-01-10/2504-2020/
    expression: Optional[str] = None  # the work IRI + "fra@/"
    date: Optional[str] = None  # adoption date, ISO
    language: Optional[str] = None  # two-letter code
    symbol: Optional[str] = None  # as printed: "S/RES/2504 (2020)"
    name: Optional[str] = None  # "resolution", "presidentialStatement"


def is_akn(data: bytes) -> bool:
    return b"<akomaNtoso" in data[:4096]


def _tag(e: ET.Element) -> str:
    return e.tag.replace(NS, "")


def text_of(e: ET.Element) -> str:
    """An element's printed text, inline marks dropped, spaces as printed once."""
    return re.sub(r"\s+", " ", "".join(e.itertext())).strip()


def parse_akn(data: bytes, name: str) -> tuple[ET.Element, AknMeta]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ReadError(f"the Akoma Ntoso file is not well-formed XML ({exc})",
                        "re-download it; an empty or cut file cannot be read") from exc
    if _tag(root) != "akomaNtoso":
        raise ReadError("an XML file that is not Akoma Ntoso", "only AKN 3.0 XML files are read as XML")
    doc = next(iter(root), None)
    if doc is None:
        raise ReadError("the Akoma Ntoso file holds no document", "re-download it")
    meta = AknMeta(name=doc.get("name") or _tag(doc))
    ident = doc.find(f"{NS}meta/{NS}identification")
    if ident is not None:
        work = ident.find(f"{NS}FRBRWork/{NS}FRBRuri")
        expr = ident.find(f"{NS}FRBRExpression/{NS}FRBRuri")
        date = ident.find(f"{NS}FRBRWork/{NS}FRBRdate")
        lang = ident.find(f"{NS}FRBRExpression/{NS}FRBRlanguage")
        meta.work = work.get("value") if work is not None else None
        meta.expression = expr.get("value") if expr is not None else None
        meta.date = date.get("date") if date is not None else None
        code = lang.get("language") if lang is not None else None
        meta.language = LANGUAGES.get(code or "", code)
    number = doc.find(f".//{NS}docNumber")
    meta.symbol = text_of(number) if number is not None else None
    return doc, meta


def _paragraph_lines(p: ET.Element) -> Iterator[str]:
    """A numbered paragraph as printed: its headings, "1. text" (a list's intro on the same line),
    then one line per point, nested points after their parent."""
    num = p.find(f"{NS}num")
    for h in (f"{NS}heading", f"{NS}subheading"):
        for e in p.findall(h):
            yield text_of(e)
            yield ""
    body = []
    content = p.find(f"{NS}content")
    if content is not None:
        body.append(text_of(content))
    lst = p.find(f"{NS}list")
    if lst is not None:
        intro = lst.find(f"{NS}intro")
        if intro is not None:
            body.append(text_of(intro))
    text = " ".join(t for t in body if t)
    if num is not None or text:
        yield " ".join(t for t in ((text_of(num) if num is not None else ""), text) if t)
    if lst is not None:
        yield from _points(lst)


def _points(lst: ET.Element) -> Iterator[str]:
    for e in lst:
        tag = _tag(e)
        if tag == "point":
            num = e.find(f"{NS}num")
            own = " ".join(text_of(c) for c in e if _tag(c) in ("intro", "content"))
            yield " ".join(t for t in ((text_of(num) if num is not None else ""), own) if t)
            for sub in e:
                if _tag(sub) in ("list", "sublist"):
                    yield from _points(sub)
        elif tag in ("list", "sublist"):
            intro = e.find(f"{NS}intro")
            if intro is not None:
                yield text_of(intro)
            yield from _points(e)


def _body_lines(body: ET.Element) -> Iterator[str]:
    for e in body:
        tag = _tag(e)
        if tag == "paragraph":
            yield from _paragraph_lines(e)
        elif tag in ("container", "alinea", "p"):
            yield text_of(e)
        yield ""


def render_lines(doc: ET.Element) -> list[str]:
    """The document's printed lines: cover page, issuer formula, preamble, operative part, annexes."""
    out: list[str] = []
    cover = doc.find(f"{NS}coverPage")
    if cover is not None:
        out += [text_of(p) for p in cover if text_of(p)] + [""]
    for part in (doc.find(f"{NS}preface"), doc.find(f"{NS}preamble")):
        if part is None:
            continue
        for e in part:
            out += [text_of(e), ""]
    main = doc.find(f"{NS}mainBody")
    if main is not None:
        out += list(_body_lines(main))
    for att in doc.findall(f"{NS}attachments/{NS}attachment"):
        for inner in att:
            heading = inner.find(f".//{NS}docTitle")
            out += [heading.text.strip() if heading is not None and heading.text else "Annex", ""]
            body = inner.find(f"{NS}mainBody")
            if body is not None:
                out += list(_body_lines(body))
    lines: list[str] = []
    for t in out:  # one blank line between paragraphs
        if t or (lines and lines[-1]):
            lines.append(t)
    return lines


def read_akn(data: bytes, name: str) -> Source:
    doc, meta = parse_akn(data, name)
    texts = render_lines(doc)
    if not any(texts):
        raise ReadError("the Akoma Ntoso file has no text", "re-download it")
    lines = assign_offsets([Line(text=t) for t in texts])
    symbol = re.sub(r"\s+", " ", meta.symbol) if meta.symbol else None
    declared = {k: v for k, v in vars(meta).items() if v}
    return Source(file=name, format="akn", sha256=hashlib.sha256(data).hexdigest(), lines=lines,
                  printed_symbol=symbol, declared=declared)
