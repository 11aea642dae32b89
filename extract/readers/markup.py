"""Strip the Markdown residue of UN text conversions into plain, typed lines.

The seed conversions mix Markdown (``#`` headings, ``**bold**``, ``<sup>1</sup>``,
``[symbol](#)`` links, ``\\*`` escapes, ``- `` list markers) into otherwise plain text.
Every text input goes through the same cleaning so that a Markdown and a plain-text
rendering of one document normalize to the same lines.
"""
from __future__ import annotations

import re

from models.source import Line

SUPERSCRIPT = str.maketrans("0123456789*", "⁰¹²³⁴⁵⁶⁷⁸⁹*")
PLAIN = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")  # the way back

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s*(?:-{3,}|_{3,}|\*{3,}|—{2,})\s*$")
_BULLET = re.compile(r"^(\s*)[-+]\s+(?=\S)")
_LONE_BULLET = re.compile(r"^\s*[-+*]\s*$")
_SUP = re.compile(r"<sup>\s*([^<]*?)\s*</sup>", re.I)
_LINK = re.compile(r"\[([^\]]+)\]\(([^()\s]*)\)")  # no "(" in a target: linear on "[a]([a]([a](..."
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
_DOUBLE_ESCAPE = re.compile(r"\\\\([_*\[\]()#+.!-])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+.!|-])")
_ITALIC = re.compile(r"(?<![\w*\\])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_BOLD_TAIL = re.compile(r"^(\S[^*]*?\S)\*\*(.+)\*\*\s*$")
_SPACES = re.compile(r"[ \t]+")
_HTML_TAG = re.compile(r"</?(?:br|em|strong|i|b|span|p)\b[^>]*>", re.I)


def is_markdown(raw: str) -> bool:
    return bool(re.search(r"^#{1,6} \S|<sup>", raw, re.M))


def _inline(text: str) -> str:
    """Markdown inline marks out; each pass runs only if its mark character is in the line
    (most lines of a plain conversion have none)."""
    if "<" in text:
        text = _SUP.sub(lambda m: m.group(1).translate(SUPERSCRIPT), text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "<" in text:
        text = _AUTOLINK.sub(r"\1", text)
    if "*" in text:
        text = text.replace("**", "")
        text = _ITALIC.sub(r"\1", text)
    if "<" in text:
        text = _HTML_TAG.sub("", text)
    if "\\" in text:
        text = _DOUBLE_ESCAPE.sub(r"\1", text)
        text = _ESCAPE.sub(r"\1", text)
    return text


def _split_bold_runs(raw: str) -> list[str]:
    """Split ``Draft guideline 2**Title**`` and ``**Draft guideline 7****Title**`` in two.

    Converters glue a heading and its bold title onto one line; the parser wants them
    on two, as they are printed.
    """
    if "****" in raw:
        head, tail = raw.split("****", 1)
        return [head + "**", "**" + tail]
    m = _BOLD_TAIL.match(raw) if "**" in raw else None
    if m and not raw.lstrip().startswith("**"):
        return [m.group(1), "**" + m.group(2) + "**"]
    return [raw]


def clean_lines(raw: str) -> list[Line]:
    """Turn raw (possibly Markdown-flavoured) text into typed, cleaned lines."""
    lines: list[Line] = []
    bold_open = False
    blank_run = 0
    for raw_line in raw.split("\n"):
        raw_line = raw_line.rstrip()
        for part in _split_bold_runs(raw_line):
            line = _clean_one(part, bold_open)
            if part.count("**") % 2 == 1:
                bold_open = not bold_open
            if line is None:
                continue
            if not line.text.strip() and not line.rule:
                blank_run += 1
                line.text = ""
            else:
                line.page_break = blank_run >= 2
                blank_run = 0
            lines.append(line)
    return lines


def _clean_one(part: str, bold_open: bool) -> Line | None:
    if _RULE.match(part):
        return Line(text="", rule=True)
    if _LONE_BULLET.match(part):
        return Line(text="")
    heading = None
    m = _HEADING.match(part)
    if m:
        heading, part = len(m.group(1)), m.group(2)
    indent = len(part) - len(part.lstrip(" "))
    b = _BULLET.match(part)
    if b:
        indent = len(b.group(1)) + 2
        part = part[b.end():]
    stripped = part.strip()
    bold = bold_open or (stripped.startswith("**") and (stripped.endswith("**") or stripped.count("**") == 1))
    text = _inline(stripped)
    text = _SPACES.sub(" ", text).strip()
    return Line(text=text, heading=heading, bold=bold and bool(text), indent=indent)
