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
    free: list[str] = []  # unlabelled blocks after the masthead, in order
    masthead_seen = False
    contents = False
    bodies_seen: list[str] = []
    for block in _lines(front, text):
        rest = []
        for line in block:
            if line.endswith(" Contents"):  # the table of contents starts on the title's line
                line, contents_next = line[: -len(" Contents")], True
            else:
                contents_next = False
            if _LABEL["contents"].match(line):
                contents = contents or line == "Contents"
            elif _label(meta, line, bodies_seen):
                masthead_seen = masthead_seen or bool(_LABEL["original"].match(line) or _LABEL["distribution"].match(line))
            else:
                rest.append(line)
        if rest and not contents:
            _keep_free(meta, rest, masthead_seen, free)
        contents = contents or contents_next
    _finish(meta, bodies_seen, free, footnotes)
    return meta


def _keep_free(meta: DocumentMeta, rest: list[str], masthead_seen: bool, free: list[str]) -> None:
    """Unlabelled text after the masthead is a title; before it, only a printed symbol counts."""
    joined = " ".join(rest)
    if masthead_seen:
        free.append(joined)
    elif meta.symbol is None and SYMBOL.fullmatch(joined):
        meta.symbol, meta.symbol_source = joined, "printed"


def _finish(meta: DocumentMeta, bodies_seen: list[str], free: list[str], footnotes: list[Unit]) -> None:
    non_conference = [b for b in bodies_seen if not b.startswith("Conference of the States Parties")]
    meta.body = non_conference[0] if non_conference else (bodies_seen[0] if bodies_seen else None)
    _assign_titles(meta, free)
    _from_report_title(meta)
    for fn in footnotes:
        if fn.at == "fn*":
            m = SYMBOL.search(fn.text)
            if m:
                meta.agenda_symbol = m.group(0)


def _from_report_title(meta: DocumentMeta) -> None:
    """"Report of ... on its third session, held in Doha from 9 to 13 November 2009"."""
    m = _LABEL["report_title"].search(meta.title or "")
    if m:
        meta.session = meta.session or m.group(1)
        meta.meeting_place = meta.meeting_place or m.group(2)
        meta.meeting_dates = meta.meeting_dates or m.group(3)


def _label(meta: DocumentMeta, line: str, bodies_seen: list[str]) -> bool:
    m = _LABEL["date"].match(line)
    if m and meta.date is None:
        meta.date = _iso_date(*m.groups())
        if meta.date is not None:
            return True
    if _LABEL["distribution"].match(line) or _LABEL["original"].match(line):
        return True
    m = _LABEL["agenda"].match(line)
    if m:
        meta.agenda_item = int(m.group(1) or m.group(2))
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
        meta.doc_type = _LABEL["doc_type_date"].sub("", free[type_at])
        before = free[:type_at]
        if not before and type_at + 1 < len(free):  # resolutions print the type before the title
            meta.title = free[type_at + 1]
            return
    else:
        before = free
    if len(before) >= 2:
        meta.agenda_title, meta.title = before[0], " ".join(before[1:])
    elif len(before) == 1:
        meta.title = before[0]
