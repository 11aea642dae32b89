"""Read UN PDFs into the same typed lines as the text reader, page by page.

Two engines give each page's printed segments (``pdf_pdfium``: pypdfium2, the default,
fast and bounded in memory; ``pdf_plumber``: pdfplumber, the parity reference); one
layout (``pdf_layout``) turns them into lines: headers and footers dropped, footnotes
under the rule, paragraphs as blocks.  Pages without a text layer are named in the
warnings; a PDF with none at all is refused with what to do.
"""
from __future__ import annotations

import hashlib

from extract.errors import ReadError
from extract.readers.charset import removed_warning, without_format_characters
from extract.readers.pdf_layout import layout
from models.source import Source, assign_offsets

ENGINES = ("pdfium", "pdfplumber")
# A UN document, budget fascicles and annexed reports included, runs to a few hundred pages;
# a PDF of tens of thousands is a compilation or a bomb, refused before any page is read.
MAX_PAGES = 5000


def _engine(name: str):
    if name == "pdfplumber":
        from extract.readers import pdf_plumber

        return pdf_plumber
    if name == "pdfium":
        from extract.readers import pdf_pdfium

        return pdf_pdfium
    raise ValueError(f"unknown PDF reader {name!r}: choose one of {', '.join(ENGINES)}")


def read_pdf(data: bytes, name: str, engine: str = "pdfium") -> Source:
    from extract.readers.pdf_pdfium import page_count

    count = page_count(data, name)
    if count > MAX_PAGES:
        raise ReadError(f"the PDF has {count:,} pages, over the {MAX_PAGES:,}-page limit for one document",
                        "split it into its documents (e.g. `qpdf --split-pages`) and give those")
    pages = list(_engine(engine).read_pages(data, name))
    if not any(s.text.strip() for p in pages for s in p.segments):
        raise ReadError("the PDF has no text layer (it is a scan or an image)",
                        "run OCR on it first (for example `ocrmypdf in.pdf out.pdf`) and give the result")
    warnings = []
    empty = [p.number for p in pages if not p.segments]
    if empty:
        shown = ", ".join(map(str, empty[:10])) + (" ..." if len(empty) > 10 else "")
        warnings.append(f"page(s) {shown} have no text layer (scanned images?): their text is missing; "
                        "run OCR on the PDF to read them")
    landscape = [p.number for p in pages if p.width > p.height * 1.1 and p.segments]
    if landscape:
        shown = ", ".join(map(str, landscape[:10])) + (" ..." if len(landscape) > 10 else "")
        warnings.append(f"page(s) {shown} are landscape (a table, most likely): their cells are read as lines of text; "
                        "check figures quoted from them against the PDF")
    lines, header_symbol, count = layout(pages)
    removed = 0
    for line in lines:
        line.text, n = without_format_characters(line.text)
        removed += n
    warnings += removed_warning(removed)
    return Source(file=name, format="pdf", sha256=hashlib.sha256(data).hexdigest(), lines=assign_offsets(lines),
                  pages=count, printed_symbol=header_symbol, warnings=warnings)
