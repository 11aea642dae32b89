"""Read plain text and Markdown files: decode bytes safely, then clean into lines."""
from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata

from extract.errors import ReadError
from extract.readers.charset import removed_warning, without_format_characters
from extract.language import SAMPLE, detect
from extract.readers.glued import rejoin, unglue
from extract.readers.markup import clean_lines, is_markdown
from extract.readers.noise import denoise, looks_noisy, running_symbol
from models.source import Source, assign_offsets

_CONTROL = set(range(0, 32)) - {9, 10, 12, 13}
# A UN document's own header: a text that has one was converted from the document, not scraped.
_UN_HEADER = re.compile(r"Distr\.\s*:?\s*\w")
_CONTROL_BYTES = bytes(sorted(_CONTROL - {0}))  # NUL bytes are counted and removed on their own
_CONTROL_CHARS = {c: None for c in _CONTROL | {0}}


def _wide_encoding(data: bytes) -> str | None:
    """UTF-32 or UTF-16, by byte-order mark, or (no mark) by NUL bytes at every second or fourth place."""
    if data[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE):
        return "utf-32"
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    sample = data[:4096]
    if len(sample) >= 16:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
    return None


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Bytes to str, saying what was done: NULs dropped, a legacy encoding used."""
    warnings: list[str] = []
    if not data.strip():
        raise ReadError("the file is empty", "export the document's text again, or remove the file")
    wide = _wide_encoding(data)
    if wide:
        try:
            text = data.decode(wide)
        except UnicodeDecodeError:
            raise ReadError(f"the file looks {wide.upper()} but does not decode as such",
                            "save the document's text again as UTF-8") from None
        warnings.append(f"decoded as {wide.upper()}" + ("" if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
                                                        or data[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
                                                        else " (no byte-order mark: told by its NUL bytes)"))
        text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
        sample = text[:32768]
        if len(sample) - len(sample.translate(_CONTROL_CHARS)) > max(8, len(sample) // 50):
            raise ReadError("the file looks binary, not text (it decodes as " + wide.upper() + " into control characters)",
                            "give a .txt, .md or .pdf file; if this is a PDF or Word file, convert it or fix its name")
        return _normalised(text, warnings)
    sample = data[:65536]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # counted in C, not byte by byte
    if controls > max(8, len(sample) // 50):
        raise ReadError(
            "the file looks binary, not text",
            "give a .txt, .md or .pdf file; if this is a PDF or Word file, convert it or fix its name",
        )
    if b"\x00" in data:
        count = data.count(b"\x00")
        data = data.replace(b"\x00", b"")
        warnings.append(f"removed {count} NUL byte(s)")
        if not data.strip():
            raise ReadError("the file holds only NUL bytes", "export the document's text again")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
            warnings.append("not valid UTF-8: decoded as Windows-1252; save the file as UTF-8 to be sure")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            warnings.append("not valid UTF-8 or Windows-1252: decoded as Latin-1; check accented names")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    return _normalised(text, warnings)


def _normalised(text: str, warnings: list[str]) -> tuple[str, list[str]]:
    text, removed = without_format_characters(unicodedata.normalize("NFC", text))
    return text, warnings + removed_warning(removed)


def read_text(data: bytes, name: str) -> Source:
    raw, warnings = decode(data, name)
    fmt = "markdown" if is_markdown(raw) else "text"
    header_symbol = running_symbol(raw)
    if looks_noisy(raw):
        raw = denoise(raw)
        fmt = "extracted"
        warnings.append("text looks extracted from a PDF by another tool: running headers and run-together paragraphs repaired")
    # Extracted by a tool, or a web page, and in English: the segmenter knows English words only
    # ("sexto" is no glued "sex to").
    identified = None
    if fmt == "extracted" or not _UN_HEADER.search(raw[:6000]):
        found = detect(raw[:SAMPLE], raw[:3000])
        identified = found.code if found.method == "identifier" else None
        if found.code == "en":
            raw, glued = unglue(raw)
            if glued:
                warnings.append(f"separated {glued} glued word(s) (e.g. 'Partiesto' -> 'Parties to')")
            raw, broken = rejoin(raw)
            if broken:
                warnings.append(f"joined {broken} word(s) broken apart (e.g. 'Docume nt' -> 'Document')")
    lines = assign_offsets(clean_lines(raw))
    if not any(line.text for line in lines):
        raise ReadError("the file has no readable text", "check that it is the document's text, not an empty export")
    return Source(file=name, format=fmt, sha256=hashlib.sha256(data).hexdigest(), lines=lines, warnings=warnings,
                  printed_symbol=header_symbol, identified=identified)
