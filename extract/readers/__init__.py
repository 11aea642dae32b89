"""Readers: bytes of a file in, a normalized :class:`models.source.Source` out."""
from __future__ import annotations

from pathlib import Path

from extract.errors import ReadError
from models.source import Source

PDF_MAGIC = b"%PDF"


def read_bytes(data: bytes, name: str, pdf_reader: str = "pdfium") -> Source:
    """Pick the reader from the content, not the file name (UN exports are often misnamed);
    ``pdf_reader`` picks the PDF engine (pdfium, or pdfplumber as the parity reference)."""
    if data.lstrip()[:4] == PDF_MAGIC:
        from extract.readers.pdf import read_pdf  # the PDF engines are only imported when needed

        return read_pdf(data, name, pdf_reader)
    if name.lower().endswith(".pdf"):
        raise ReadError("the file is named .pdf but is not a PDF", "re-download or re-export the PDF")
    from extract.readers.akn import is_akn

    if is_akn(data):
        from extract.readers.akn import read_akn

        return read_akn(data, name)
    if name.lower().endswith(".xml") and not data.strip():
        raise ReadError("the XML file is empty", "re-download it: an empty file has no document")
    if name.lower().endswith(".xml"):
        raise ReadError("the file is named .xml but is not Akoma Ntoso", "only AKN 3.0 XML files are read as XML")
    from extract.readers.text import read_text

    return read_text(data, name)


def read_path(path: str | Path) -> Source:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot open the file: {exc.strerror}", "check the path and its permissions") from exc
    return read_bytes(data, str(path))
