"""From a PDF page's printed segments to the typed lines the structure parser reads.

Both PDF engines (pypdfium2, the default; pdfplumber, the parity reference) hand over the
same thing: segments of text with their box, font size and weight.  This module does the
rest, the same for both:

* segments on one baseline form a printed line; a gap of several em-spaces keeps two
  columns apart (the two-column front page); a raised footnote mark joins the line it
  belongs to;
* the running header (the symbol, kept as the printed symbol) and the footer (job number,
  ``3/14``, barcode ``*1802212*``) are dropped; a short footnote at the bottom of a page is
  not a footer (``17 A/HRC/59/51.`` and ``CAC/COSP/2019/17.`` are exactly that short);
* lines under the footnote rule (drawn, or printed as ``______``; without one, small-font
  lines low on the page) are footnotes, their numbers printed as ``¹`` like the text
  conversions';
* printed lines are grouped into blocks (a paragraph, a heading) by vertical gap, and blocks
  are separated by blank lines, as in the text conversions.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Optional

from extract.readers.markup import PLAIN, SUPERSCRIPT
from extract.resources import load_yaml
from models.source import Line

_FOOTER = re.compile(r"^(?:(?:V|GE|NY)\.\d{2}-\d{5}(?:\s*\(E\))?(?:\s+\d{6})*(?:\s+\*\d{7}\*)?|\d{1,3}/\d{1,3}|\*\d{7}\*|"
                     r"\d{2}-\d{5}(?:\s*\(E\))?(?:\s+\d{6})*(?:\s+\*\d{7}\*)?|\(?[A-Z]\)?(?:\s+\*\d{7}\*)?|"
                     r"V\.\d{2}-\d{5}\s+\d{1,3}/\d{1,3}|\d{1,3}/\d{1,3}\s+V\.\d{2}-\d{5}|[\d/]+\s*\*?\d{7}\*?|"
                     r"Please recycle|\d{1,3})$")
_STARTS_UNIT = re.compile(r"^(?:\d{1,5}\.(?:\d{1,3}\.?)?\s|\([a-z]{1,2}\)\s|[⁰¹²³⁴⁵⁶⁷⁸⁹*]+\s|Draft guideline \d)")
_RULE_TEXT = re.compile(r"^[_\u2014\u2013-]{8,}$")
HEADER_BAND = 0.09  # fraction of the page height holding the running header
FOOTER_BAND = 0.08
COLUMN_GAP = 4.0  # em-spaces between two columns of one baseline


def _header_symbol() -> re.Pattern:
    symbol = load_yaml("frontpage.yaml")["symbol"]
    return re.compile(rf"^(?:United Nations\s+)?({symbol})(?:[*\s].*)?$")


_SYMBOL = _header_symbol()
_MASTHEAD = re.compile(r"^United Nations\b")


@dataclass
class Segment:
    text: str
    top: float  # top-down page coordinates, like pdfplumber's
    bottom: float
    x0: float
    x1: float
    size: float
    bold: bool = False
    page: int = 0
    only_mark: bool = False  # a footnote mark on its own ("²"), raised above its line
    run: int = -1  # segments cut from one engine run share a baseline by construction


@dataclass
class PrintedPage:
    number: int
    height: float
    width: float
    segments: list[Segment] = field(default_factory=list)
    rule_top: Optional[float] = None  # the drawn footnote rule, if any
    chars: int = 0


def body_size(pages: list[PrintedPage]) -> float:
    sizes = Counter()
    for p in pages:
        for s in p.segments:
            sizes[s.size] += len(s.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def printed_lines(segments: list[Segment]) -> list[dict]:
    """Segments grouped by baseline, left to right; columns stay apart."""
    sizes = Counter(s.size for s in segments for _ in range(len(s.text)))
    page_body = sizes.most_common(1)[0][0] if sizes else 10.0
    for s in segments:  # a number alone, in a smaller font: the mark of a footnote or of its text
        if not s.only_mark and re.fullmatch(r"\d{1,3}|\*", s.text) and s.size < page_body * 0.8:
            s.only_mark, s.text = True, s.text.translate(SUPERSCRIPT)
    marks = [s for s in segments if s.only_mark]
    rows: list[list[Segment]] = []
    by_run: dict[int, list[Segment]] = {}
    for s in sorted((s for s in segments if not s.only_mark), key=lambda s: s.bottom):
        home = by_run.get(s.run) if s.run >= 0 else None
        if home is None:
            home = next((r for r in reversed(rows) if abs(r[0].bottom - s.bottom) <= max(1.5, 0.15 * s.size)), None)
        if home is None:
            home = []
            rows.append(home)
        home.append(s)
        if s.run >= 0:
            by_run[s.run] = home
    for m in marks:  # raised: its bottom sits above the baseline of its line, within a line height
        home = min((r for r in rows if r[0].bottom - r[0].size * 1.2 <= m.bottom <= r[0].bottom - r[0].size * 0.1),
                   key=lambda r: abs(r[0].bottom - m.bottom), default=None)
        if home is None:  # not raised above any line: a small number of its own (a chart's label)
            m.only_mark, m.text = False, m.text.translate(PLAIN)
            home = next((r for r in rows if abs(r[0].bottom - m.bottom) <= max(1.5, 0.15 * m.size)), None)
            if home is None:
                rows.append([m])
                continue
        home.append(m)
    out = []
    for row in sorted(rows, key=lambda r: min(s.bottom for s in r if not s.only_mark) if any(
            not s.only_mark for s in r) else r[0].bottom):
        row.sort(key=lambda s: s.x0)
        group = [row[0]]
        for prev, s in zip(row, row[1:]):
            if not s.only_mark and s.x0 - prev.x1 > COLUMN_GAP * min(s.size, prev.size):
                out.append(_line(group))
                group = []
            group.append(s)
        out.append(_line(group))
    return out


def _line(group: list[Segment]) -> dict:
    parts = []
    for s in group:
        lead_mark = len(parts) == 1 and group[0].only_mark  # "⁴" + "Ibid., vol. 1582": a footnote's number
        mark_first = s.text[:1] in "⁰¹²³⁴⁵⁶⁷⁸⁹"  # "decision 1/CMA.5," + "¹⁸ and calls upon": the mark is glued
        glue = "" if not parts or (s.only_mark or mark_first or parts[-1].endswith("-") and s.text[:1].islower()) \
            and not lead_mark else " "
        parts.append(glue + s.text)
    text = re.sub(r"\s+", " ", "".join(parts)).strip()
    normal = [s for s in group if not s.only_mark] or group
    size = Counter(s.size for s in normal for _ in range(max(1, len(s.text)))).most_common(1)[0][0]
    return {"text": text, "bottom": max(s.bottom for s in normal), "top": min(s.top for s in normal),
            "x0": normal[0].x0, "size": size, "bold": all(s.bold for s in normal)}


def layout(pages: Iterable[PrintedPage]) -> tuple[list[Line], Optional[str], int]:
    """The document's lines, the symbol its running header prints, and its page count."""
    pages = list(pages)
    body = body_size(pages)
    # A document that draws (or prints) its footnote rule does so on every page with footnotes:
    # small print low on a page without one is a table, not footnotes.
    ruled = any(p.rule_top is not None or any(_RULE_TEXT.match(s.text) for s in p.segments) for p in pages)
    lines: list[Line] = []
    header_symbol = None
    for page in pages:
        h, number = page.height, page.number
        page_lines = printed_lines(page.segments)
        rule = _checked_rule(page.rule_top, page_lines, body)
        blocks: list[Line] = []
        prev: Optional[dict] = None
        for pl in page_lines:
            t = pl["text"]
            if pl["bottom"] < h * HEADER_BAND:
                m = _SYMBOL.match(t)
                if m and header_symbol is None:
                    header_symbol = re.sub(r"\s*/\s*", "/", m.group(1))
                if number > 1 or not (m or _MASTHEAD.match(t)):
                    continue  # a running header; page 1's masthead is the front page's first line

            if _RULE_TEXT.match(t):  # the footnote rule printed as text
                rule = pl["top"] if rule is None or pl["top"] < rule else rule
                continue
            zone = (rule is not None and pl["top"] > rule) or (
                rule is None and not ruled and pl["size"] < body * 0.9 and pl["top"] > h * 0.6
                and (_zone_started(blocks) or _NUMBER.match(t) or t.startswith("*")))
            if pl["top"] > h * (1 - FOOTER_BAND) and _FOOTER.match(t) and not (zone and re.match(r"^\d{1,3}\s\S", t)):
                continue
            if zone and not _zone_started(blocks):
                blocks.append(Line(text="", rule=True, page=number))
            pieces = _side_by_side(t) if zone else [t]
            for t in pieces[:-1]:
                if blocks and not blocks[-1].rule:
                    blocks.append(Line(text="", page=number))
                blocks.append(Line(text=_footnote_number(t), page=number, footnote_zone=True))
            t = pieces[-1]
            if zone:
                t = _footnote_number(t)
            new_block = (
                prev is None or not blocks or blocks[-1].rule or zone != blocks[-1].footnote_zone
                or pl["top"] - prev["bottom"] > pl["size"] * 0.75 or _STARTS_UNIT.match(t)
                or pl["bold"] != prev["bold"]
            )
            if new_block:
                if blocks and not blocks[-1].rule:
                    blocks.append(Line(text="", page=number))
                blocks.append(Line(text=t, page=number, footnote_zone=zone, bold=pl["bold"],
                                   page_break=not blocks or all(b.rule or not b.text for b in blocks)))
            else:  # the block goes on: a line of its own, as in a text conversion (the front page reads lines)
                blocks.append(Line(text=t, page=number, footnote_zone=zone, bold=pl["bold"]))
            prev = pl
        lines.extend(blocks)
        lines.append(Line(text="", page=number))
        lines.append(Line(text="", page=number))
    return lines, header_symbol, len(pages)


_NUMBER = re.compile(r"^([\d⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})\s")
_FOOTNOTE_START = re.compile(r"^(?:[\d⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}|\*{1,3})\s*[A-Za-z“\"(]")  # "4 726" is a table's figure


def _footnote_number(t: str) -> str:
    m = _NUMBER.match(t)
    return t[:m.end(1)].translate(SUPERSCRIPT) + t[m.end(1):] if m else t


# Abbreviations a citation puts before a number (UN editorial usage): a full stop that ends one
# does not end a footnote.
_NUMBERED_ABBREVIATION = re.compile(r"\b(?:No|Nos|vol|vols|para|paras|p|pp|chap|chaps|sect|art|arts|Suppl|fig|ser)\.\Z",
                                    re.I)


def _side_by_side(t: str) -> list[str]:
    """Short footnotes printed on one line ("2 Ibid., vol. 976. 3 Ibid., vol. 1019."): one each,
    cut only where the next number in sequence follows a full stop."""
    m = _NUMBER.match(t)
    if not m:
        return [t]
    pieces, n, pos = [], int(m.group(1).translate(PLAIN)), 0
    for cut in re.finditer(r"(?<=\.)\s+([\d⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})\s+(?=\S)", t):
        if _NUMBERED_ABBREVIATION.search(t, 0, cut.start()):
            continue  # "Supplement No. 8 (E/2019/28)", "vol. 2", "para. 3": a citation's number, not a note's
        if int(cut.group(1).translate(PLAIN)) == n + 1:
            pieces.append(t[pos:cut.start()])
            pos, n = cut.start() + len(cut.group(0)) - len(cut.group(0).lstrip()), n + 1
    return pieces + [t[pos:]]


def _checked_rule(rule: Optional[float], lines: list[dict], body: float) -> Optional[float]:
    """A drawn stroke is the footnote rule only if a footnote follows it (a chart's axis or a
    table's border is not): nothing under it is in the body's size, and a line under it opens
    with a number or a star and then words (the first may end a footnote begun on the page before)."""
    if rule is None:
        return None
    below = [pl for pl in lines if pl["top"] > rule and not _FOOTER.match(pl["text"])]
    if any(pl["size"] >= body * 0.95 for pl in below):
        return None  # body text goes on under it: a table's border, not the footnote rule
    if any(_FOOTNOTE_START.match(pl["text"]) for pl in below):
        return rule
    small = below and all(pl["size"] < body * 0.95 for pl in below) and len(below) <= 8
    return rule if small and not below[0]["text"][:1].isdigit() else None  # only the end of a footnote


def _zone_started(blocks: list[Line]) -> bool:
    return any(b.rule or b.footnote_zone for b in blocks)
