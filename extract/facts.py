"""Facts about networks and stated figures, each quoted from its sentence.

A fact belongs to the network named first in its sentence or, for a sentence that
goes on about it ("It was established in 2004. Its secretariat is ..."), to the last
network named before it in the same unit.  Figures ("Central authorities for mutual
legal assistance in 129 States parties") carry the as-of date the paragraph states,
else the document's date, so the same subject across documents becomes a time series.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from functools import lru_cache
from typing import Optional

from extract.resources import load_yaml
from extract.sentences import sentences
from models.document import ParsedDocument, Unit
from models.entities import Fact, Figure, Mention

_GOES_ON = re.compile(r"^(?:It|Its|The [Nn]etwork|Members of th(?:at|is|e) [\w ]*?network)\b")


@lru_cache(maxsize=1)
def _patterns():
    data = load_yaml("facts.yaml")
    facts = {k: [re.compile(p) for p in v] for k, v in data["network_facts"].items()}
    return facts, [re.compile(p) for p in data["figures"]], re.compile(data["as_of"])


def network_facts(doc: ParsedDocument, mentions: list[Mention]) -> list[Fact]:
    facts, _, _ = _patterns()
    out: list[Fact] = []
    networks = sorted((m for m in mentions if m.entity_type == "network"), key=lambda m: m.start)
    starts = [m.start for m in networks]
    for unit in doc.units():
        lo, hi = bisect.bisect_left(starts, unit.start), bisect.bisect_left(starts, unit.end + 1)
        mine = networks[lo:hi]  # by bisection: linear in the document, not units x mentions
        if not mine:
            continue
        current: Optional[str] = None
        for offset, sentence in sentences(unit.text, split_items=True):
            start, end = unit.doc_offset(offset), unit.doc_offset(offset + len(sentence))
            named = [m for m in mine if start <= m.start < end]
            if named and not (current and _GOES_ON.match(sentence)):  # "Its secretariat is supported by X"
                current = named[0].key
            if current is None:
                continue
            for kind, pats in facts.items():
                for p in pats:
                    m = p.search(sentence)
                    if m:
                        out.append(_fact(doc, unit, current, kind, m, sentence, offset))
                        break
    return out


def _fact(doc, unit: Unit, network: str, kind: str, m: re.Match, sentence: str, offset: int) -> Fact:
    g = m.groupdict()
    number, unit_name, value = None, g.get("unit"), m.group(0)
    if g.get("year"):
        number, value = int(g["year"]), g["year"]
    elif g.get("host"):
        value = g["host"].strip()
    elif g.get("n"):
        number = int(g["n"].replace(",", ""))
        if g.get("n2"):
            value = f"{g['n']} and {g['n2']}"
            unit_name = unit_name or _second_unit(m.group(0))
        else:
            value = f"{g['n']} {unit_name or ''}".strip()
    return Fact(network=network, kind=kind, value=value, number=number, unit=unit_name,
                at=doc.address_at(unit, offset + m.start()), sentence=sentence.strip(),
                start=unit.doc_offset(offset + m.start()), end=unit.doc_offset(offset + m.end()))


def _second_unit(text: str) -> str:
    if "focal points" in text:
        return "focal points; countries"
    if "international organizations" in text:
        return "member States; international organizations"
    return "members"


def _iso(day: str, month: str, year: str) -> Optional[str]:
    try:
        return dt.datetime.strptime(f"{day} {month} {year}", "%d %B %Y").date().isoformat()
    except ValueError:
        return None


def figures(doc: ParsedDocument) -> list[Figure]:
    _, pats, as_of_re = _patterns()
    out: list[Figure] = []
    units = list(doc.items) + doc.paragraphs
    for unit in units:
        parent = next((p for p in doc.paragraphs if p.at == unit.parent), None) if unit.kind == "item" else unit
        stated = as_of_re.search(parent.text if parent else unit.text)
        as_of = _iso(*stated.group("day", "month", "year")) if stated else doc.meta.date
        text = unit.text
        for p in pats:
            for m in p.finditer(text):
                if unit.kind == "paragraph" and p.pattern.startswith("^\\("):
                    continue  # lettered items are read as items, not again inside their paragraph
                out.append(Figure(subject=re.sub(r"\s+", " ", m.group("subject")).strip(),
                                  value=int(m.group("value")), unit=m.group("unit"), as_of=as_of,
                                  at=unit.at, text=m.group(0), start=unit.doc_offset(m.start()),
                                  end=unit.doc_offset(m.end())))
    return out
