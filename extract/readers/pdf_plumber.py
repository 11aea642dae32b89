"""Printed segments of a PDF page from pdfplumber: every character, grouped by baseline.

The parity reference for the pypdfium2 engine (``--pdf-reader pdfplumber``): slower (it
parses every character's box in Python) but independent.  Small characters raised above
the baseline are footnote marks and become ``¹``; a gap of several em-spaces splits a line
into columns; the PDF's own space characters are kept, and a gap of a fifth of the font
size between two characters is a space too.
"""
from __future__ import annotations

import io
import re
from collections import Counter

from extract.errors import ReadError
from extract.readers.markup import SUPERSCRIPT
from extract.readers.pdf_layout import COLUMN_GAP, PrintedPage, Segment


def open_pdf(data: bytes, name: str):
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages  # forces the page tree: a truncated file fails here
        return pdf
    except (PdfminerException, PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AssertionError) as exc:
        if "password" in str(exc).lower() or "PDFPasswordIncorrect" in repr(exc):
            raise ReadError("the PDF is password-protected",
                            "open it with its password and save an unprotected copy") from exc
        raise ReadError(f"the PDF is damaged or truncated ({type(exc).__name__})",
                        "download the PDF again, or give its text export instead") from exc
    except Exception as exc:
        raise ReadError(f"the PDF cannot be opened ({type(exc).__name__}: {exc})",
                        "download the PDF again, or give its text export instead") from exc


def _segments(chars: list[dict], number: int) -> list[Segment]:
    visible = [c for c in chars if c["text"].strip()]
    if not visible:
        return []
    body = Counter(round(c["size"], 1) for c in visible).most_common(1)[0][0]
    rows: dict[float, list[dict]] = {}
    for c in sorted(chars, key=lambda c: c["bottom"]):
        if not c["text"].strip() and c["text"] != " ":
            continue
        key = next((k for k in reversed(list(rows)) if abs(k - c["bottom"]) <= 1.5), None)
        rows.setdefault(c["bottom"] if key is None else key, []).append(c)
    # A row of small digits raised above a line holds that line's footnote marks: put each mark
    # among the line's characters (by x), so "parties.³ On the basis" reads as printed.
    keys = sorted(rows)
    for k in list(keys):
        cs = rows[k]
        texts = [c["text"].strip() for c in cs if c["text"].strip()]
        if not texts or not all(t in "0123456789*" for t in texts) or max(c["size"] for c in cs) >= body * 0.8:
            continue
        home = next((h for h in keys if h != k and k < h <= k + body * 1.2 and h in rows
                     and any(c["size"] >= body * 0.8 for c in rows[h])), None)
        if home is not None:
            rows[home].extend(dict(c, text=c["text"].translate(SUPERSCRIPT), _mark=True) for c in cs)
            del rows[k]
    out: list[Segment] = []
    run = 0
    for baseline, cs in rows.items():
        cs.sort(key=lambda c: c["x0"])
        sizes = Counter(round(c["size"], 1) for c in cs if c["text"].strip())
        if not sizes:
            continue
        size = sizes.most_common(1)[0][0]
        marks_only = size < body * 0.8 and all(c["text"].strip() in "0123456789*" for c in cs if c["text"].strip())
        for piece in _columns(cs, size):
            seg = _segment(piece, size, number, run)
            if seg is not None:
                seg.only_mark = marks_only
                if marks_only:
                    seg.text = seg.text.translate(SUPERSCRIPT)
                out.append(seg)
        run += 1
    return out


def _columns(cs: list[dict], size: float) -> list[list[dict]]:
    segs, cur = [], [cs[0]]
    for prev, c in zip(cs, cs[1:]):
        if c["x0"] - prev["x1"] > size * COLUMN_GAP:
            segs.append(cur)
            cur = []
        cur.append(c)
    segs.append(cur)
    return segs


def _segment(cs: list[dict], size: float, number: int, run: int):
    parts = []
    prev = None
    for c in cs:
        t = c["text"]
        small = t.strip() and c["size"] < size * 0.8
        if c.get("_mark"):
            if parts and parts[-1] == " ":
                parts.pop()
        elif small and t.strip() in "0123456789*" and parts:
            t = t.translate(SUPERSCRIPT)
            if parts and parts[-1] == " " and (prev is None or not prev.get("_mark")):
                parts.pop()
            c = dict(c, _mark=True)
        elif prev is not None and t != " " and parts[-1] != " " and not prev.get("_mark"):
            if c["x0"] - prev["x1"] > min(c["size"], prev["size"]) * 0.2:
                parts.append(" ")
        elif prev is not None and prev.get("_mark") and t != " ":
            if c["x0"] - prev["x1"] > min(c["size"], prev["size"]) * 0.2:
                parts.append(" ")
        parts.append(t)
        prev = c
    text = re.sub(r"\s+", " ", "".join(parts)).strip()
    normal = [c for c in cs if c["text"].strip() and c["size"] >= size * 0.8] or [c for c in cs if c["text"].strip()]
    if not text or not normal:
        return None
    bold = all("Bold" in c.get("fontname", "") for c in normal)
    return Segment(text=text, top=min(c["top"] for c in normal), bottom=max(c["bottom"] for c in normal),
                   x0=normal[0]["x0"], x1=normal[-1]["x1"], size=size, bold=bold, page=number, run=run)


def _rule_top(page, height: float):
    tops = [ln["top"] for ln in list(page.lines) + list(page.rects)
            if ln["top"] > height * 0.45 and 20 < abs(ln["x1"] - ln["x0"]) < page.width * 0.45
            and abs(ln["bottom"] - ln["top"]) < 2]
    return min(tops) if tops else None


def read_pages(data: bytes, name: str):
    pdf = open_pdf(data, name)
    try:
        for number, page in enumerate(pdf.pages, start=1):
            h = float(page.height)
            chars = page.chars
            yield PrintedPage(number=number, height=h, width=float(page.width), segments=_segments(chars, number),
                              rule_top=_rule_top(page, h), chars=len(chars))
            page.close()  # pdfplumber keeps every page's objects otherwise
    finally:
        pdf.close()
