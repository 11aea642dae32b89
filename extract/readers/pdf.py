"""Read UN-layout PDFs with pdfplumber into the same typed lines as the text reader.

One pass over each page's characters (no second text extraction), so the reader costs
little more than pdfplumber's own ``extract_text``:

* characters are grouped into printed lines by baseline; a gap wider than a few
  em-spaces splits a line into columns (the two-column front page);
* small characters raised above the baseline are footnote marks and become ``¹`` etc.,
  the convention of the text conversions, so PDF and text parse alike;
* the running header (symbol) and footer (job number, ``3/14``, barcode ``*1802212*``)
  are dropped, and the header symbol is kept as the printed symbol;
* lines under the short footnote rule (or, without one, small-font lines at the
  bottom) are footnotes;
* printed lines are merged into blocks (a paragraph, a heading) by vertical gap, and
  blocks are separated by blank lines, as in the text conversions.
"""
from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from typing import Optional

from extract.errors import ReadError
from extract.readers.markup import SUPERSCRIPT
from models.source import Line, Source, assign_offsets

_SYMBOL = re.compile(r"^(?:United Nations\s+)?((?:CAC/COSP|A)/[A-Z0-9./]+\d)$")
_FOOTER = re.compile(r"^(?:V\.\d{2}-\d{5}(?:\s*\(E\))?(?:\s+\d{6})*(?:\s+\*\d{7}\*)?|\d{1,3}/\d{1,3}|\*\d{7}\*|"
                     r"V\.\d{2}-\d{5}\s+\d{1,3}/\d{1,3}|\d{1,3}/\d{1,3}\s+V\.\d{2}-\d{5}|[\d/]+\s*\*?\d{7}\*?)$")
_STARTS_UNIT = re.compile(r"^(?:\d{1,3}\.(?:\d{1,2}\.?)?\s|\([a-z]{1,2}\)\s|[⁰¹²³⁴⁵⁶⁷⁸⁹*]+\s|Draft guideline \d)")
HEADER_BAND = 0.09  # fraction of the page height holding the running header
FOOTER_BAND = 0.08


def _open(data: bytes, name: str):
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages  # forces the page tree: a truncated file fails here
        return pdf
    except (PdfminerException, PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise ReadError(f"the PDF is damaged or truncated ({type(exc).__name__})",
                        "download the PDF again, or give its text export instead") from exc
    except Exception as exc:
        raise ReadError(f"the PDF cannot be opened ({type(exc).__name__}: {exc})",
                        "download the PDF again, or give its text export instead") from exc


def _body_size(pages_chars: list[list[dict]]) -> float:
    sizes = Counter(round(c["size"], 1) for chars in pages_chars for c in chars if c["text"].strip())
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _printed_lines(chars: list[dict], body: float) -> list[dict]:
    """Group characters into printed lines (and columns); marks become superscripts."""
    normal = [c for c in chars if c["text"].strip() and c["size"] >= body * 0.8]
    small = [c for c in chars if c["text"].strip() and c["size"] < body * 0.8]
    rows: dict[int, list[dict]] = {}
    for c in normal:
        rows.setdefault(round(c["bottom"]), []).append(c)
    # Merge baselines one point apart (rounding), then place small characters.
    keys = sorted(rows)
    merged: dict[int, list[dict]] = {}
    for k in keys:
        target = next((m for m in merged if abs(m - k) <= 1.5), None)
        merged.setdefault(target if target is not None else k, []).extend(rows[k])
    lines_small: dict[int, list[dict]] = {}
    for c in small:
        home = next((k for k in merged if k - body * 1.0 <= c["bottom"] <= k + 0.5), None)
        if home is not None:
            c = dict(c, text=c["text"].translate(SUPERSCRIPT), _sup=True)
            merged[home].append(c)
        else:
            lines_small.setdefault(round(c["bottom"]), []).append(c)
    for k, cs in lines_small.items():
        target = next((m for m in merged if abs(m - k) <= 1.5), None)
        merged.setdefault(target if target is not None else k, []).extend(cs)
    out = []
    for baseline in sorted(merged):
        cs = sorted(merged[baseline], key=lambda c: c["x0"])
        for seg in _columns(cs, body):
            out.append(_line_from(seg, baseline))
    return out


def _columns(cs: list[dict], body: float) -> list[list[dict]]:
    segs, cur = [], [cs[0]]
    for prev, c in zip(cs, cs[1:]):
        if c["x0"] - prev["x1"] > body * 4:
            segs.append(cur)
            cur = []
        cur.append(c)
    segs.append(cur)
    return segs


def _line_from(cs: list[dict], baseline: float) -> dict:
    parts = []
    prev = None
    for c in cs:
        if prev is not None:
            gap = c["x0"] - prev["x1"]
            if gap > min(c["size"], prev["size"]) * 0.2 and not c.get("_sup"):
                parts.append(" ")
        parts.append(c["text"])
        prev = c
    text = re.sub(r"\s+", " ", "".join(parts)).strip()
    size = Counter(round(c["size"], 1) for c in cs if not c.get("_sup")).most_common(1)
    bold = all("Bold" in c.get("fontname", "") for c in cs if not c.get("_sup"))
    return {"text": text, "bottom": baseline, "top": min(c["top"] for c in cs), "x0": cs[0]["x0"],
            "size": size[0][0] if size else cs[0]["size"], "bold": bold}


def _footnote_rule_top(page, height: float) -> Optional[float]:
    for ln in list(page.lines) + list(page.rects):
        width = abs(ln["x1"] - ln["x0"])
        if ln["top"] > height * 0.45 and 20 < width < page.width * 0.45 and abs(ln["bottom"] - ln["top"]) < 2:
            return ln["top"]
    return None


def read_pdf(data: bytes, name: str) -> Source:
    pdf = _open(data, name)
    try:
        pages_chars = [p.chars for p in pdf.pages]
        if not any(c["text"].strip() for chars in pages_chars for c in chars):
            raise ReadError("the PDF has no text layer (it is a scan or an image)",
                            "run OCR on it first (for example `ocrmypdf in.pdf out.pdf`) and give the result")
        body = _body_size(pages_chars)
        lines: list[Line] = []
        header_symbol = None
        for number, (page, chars) in enumerate(zip(pdf.pages, pages_chars), start=1):
            h = float(page.height)
            rule = _footnote_rule_top(page, h)
            blocks: list[Line] = []
            prev: Optional[dict] = None
            for pl in _printed_lines(chars, body):
                t = pl["text"]
                if pl["bottom"] < h * HEADER_BAND:
                    m = _SYMBOL.match(t)
                    if m and header_symbol is None:
                        header_symbol = m.group(1)
                    continue
                if pl["top"] > h * (1 - FOOTER_BAND) and (_FOOTER.match(t) or len(t) < 40):
                    continue
                zone = (rule is not None and pl["top"] > rule) or (
                    rule is None and pl["size"] < body * 0.9 and pl["top"] > h * 0.6)
                if zone and not blocks_zone(blocks):
                    blocks.append(Line(text="", rule=True, page=number))
                if zone and re.match(r"^\d{1,3}\s", t) and not t[0] in "⁰¹²³⁴⁵⁶⁷⁸⁹":
                    num, rest = t.split(" ", 1)
                    t = num.translate(SUPERSCRIPT) + " " + rest
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
                else:
                    last = blocks[-1]
                    joiner = "" if last.text.endswith("-") and t[:1].islower() else " "
                    last.text = last.text + joiner + t
                prev = pl
            lines.extend(blocks)
            lines.append(Line(text="", page=number))
            lines.append(Line(text="", page=number))
        source = Source(file=name, format="pdf", sha256=hashlib.sha256(data).hexdigest(),
                        lines=assign_offsets(lines), pages=len(pdf.pages), printed_symbol=header_symbol)
        return source
    finally:
        pdf.close()


def blocks_zone(blocks: list[Line]) -> bool:
    """Whether the footnote zone of this page has begun."""
    return any(b.rule or b.footnote_zone for b in blocks)
