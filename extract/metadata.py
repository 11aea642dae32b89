"""Read a UN document's front page into :class:`DocumentMeta`.

The front page is a fixed sequence: the body line(s), ``Distr.: General`` and the date,
``Original: English``, the meeting body, session, place and dates, ``Item N of the
provisional agenda*``, the agenda title, the document title and its type ("Note by
the Secretariat").  Labelled lines are recognised by pattern; the three free-text
blocks after the agenda line are told apart by position and by the doc-type pattern.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from extract.resources import load_yaml
from models.document import DocumentMeta, Unit

_LAYOUT = load_yaml("layout.yaml")
_LABEL = {k: re.compile(v) for k, v in _LAYOUT["front_labels"].items()}
_DOC_TYPES = [re.compile(p) for p in _LAYOUT["doc_types"]]
SYMBOL = re.compile(r"\bCAC/COSP/(?:[A-Z]+(?:\.\d+)?/)?\d{4}/(?:CRP\.|INF\.|L\.)?\d+(?:/(?:Rev|Corr|Add)\.\d+)*\b|\bA/RES/\d+/\d+\b")
_MONTHS = {m: i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August",
     "September", "October", "November", "December"], 1)}


def bodies() -> list[dict]:
    return load_yaml("bodies.yaml")


def _body_of(line: str) -> Optional[str]:
    low = line.lower().strip()
    for entry in bodies():
        for name in entry["names"]:
            if low == name.lower():
                return entry["body"]
    return None


def _iso_date(day: str, month: str, year: str) -> Optional[str]:
    if month not in _MONTHS:
        return None
    try:
        return dt.date(int(year), _MONTHS[month], int(day)).isoformat()
    except ValueError:
        return None


def _lines(front: list[Unit], text: str) -> list[list[str]]:
    """Front blocks as lists of their printed lines."""
    return [[text[s:e].strip() for s, e in unit.segments] for unit in front]


def read_metadata(front: list[Unit], footnotes: list[Unit], text: str) -> DocumentMeta:
    meta = DocumentMeta()
    free: list[str] = []  # unlabelled blocks after the agenda line, in order
    after_agenda = False
    bodies_seen: list[str] = []
    for block in _lines(front, text):
        labelled = False
        rest = []
        for line in block:
            if _label(meta, line, bodies_seen):
                labelled = True
                if _LABEL["agenda"].match(line):
                    after_agenda = True
            else:
                rest.append(line)
        if rest and (after_agenda or not labelled):
            joined = " ".join(rest)
            if after_agenda:
                free.append(joined)
            elif meta.symbol is None and SYMBOL.fullmatch(joined):
                meta.symbol, meta.symbol_source = joined, "printed"
    non_conference = [b for b in bodies_seen if not b.startswith("Conference of the States Parties")]
    meta.body = non_conference[0] if non_conference else (bodies_seen[0] if bodies_seen else None)
    _assign_titles(meta, free)
    for fn in footnotes:
        if fn.at == "fn*":
            m = SYMBOL.search(fn.text)
            if m:
                meta.agenda_symbol = m.group(0)
    return meta


def _label(meta: DocumentMeta, line: str, bodies_seen: list[str]) -> bool:
    if _LABEL["distribution"].match(line) or _LABEL["original"].match(line):
        return True
    m = _LABEL["date"].match(line)
    if m and meta.date is None:
        meta.date = _iso_date(*m.groups())
        return meta.date is not None
    m = _LABEL["agenda"].match(line)
    if m:
        meta.agenda_item = int(m.group(1))
        return True
    m = _LABEL["session"].match(line)
    if m:
        meta.session = line
        return True
    body = _body_of(line)
    if body:
        bodies_seen.append(body)
        return True
    m = _LABEL["place_dates"].match(line)
    if m and meta.meeting_place is None:
        meta.meeting_place, meta.meeting_dates = m.group(1).strip(), m.group(2).strip()
        return True
    if SYMBOL.fullmatch(line) and meta.symbol is None:
        meta.symbol, meta.symbol_source = line, "printed"
        return True
    return False


def _assign_titles(meta: DocumentMeta, free: list[str]) -> None:
    """Agenda title, title, doc type: the doc type is recognised, the others go by order."""
    type_at = next((i for i, b in enumerate(free) if any(p.match(b) for p in _DOC_TYPES) and len(b) < 120), None)
    if type_at is not None:
        meta.doc_type = free[type_at]
        before = free[:type_at]
    else:
        before = free
    if len(before) >= 2:
        meta.agenda_title, meta.title = before[0], " ".join(before[1:])
    elif len(before) == 1:
        meta.title = before[0]
