"""Test helper: one seed document rendered the ways real UN text reaches users.

Real conversions of one front page disagree about lines: Markdown marks the title bold,
``pdftotext -layout`` keeps the two columns side by side with wide gaps, and some
extractions read the two-column header across, one line for both columns.  These
functions rewrite a seed's plain text into those renderings, so a test can ask for the
same metadata from each.  They live in ``tests/`` because only tests need them.
"""
from __future__ import annotations

import re

_HEADER_RIGHT = re.compile(r"^(?:Distr\.:\s*\w+|\d{1,2} [A-Z][a-z]+ \d{4}|Original:\s*\w+)$")


def _split_front(text: str) -> tuple[list[str], list[str], list[str]]:
    """(header-left lines, header-right lines, the rest) of a seed's plain text."""
    lines = text.split("\n")
    left, right, i = [], [], 0
    while i < len(lines) and len(right) < 3:
        t = lines[i].strip()
        if _HEADER_RIGHT.match(t):
            right.append(t)
        elif t:
            left.append(t)
        i += 1
    return left, right, lines[i:]


def markdown(text: str) -> str:
    """Headings as ``#``, the session block's body in bold, as converters print them."""
    out = []
    for line in text.split("\n"):
        if re.match(r"^[IVX]+\.\s+\S", line):
            out.append("## " + line)
        elif line.startswith("Open-ended "):
            out.append(f"**{line}**")
        else:
            out.append(line)
    return "\n".join(out)


def wide_columns(text: str) -> str:
    """``pdftotext -layout``: the body's name wrapped on the left, Distr./date/Original on the right."""
    left, right, rest = _split_front(text)
    words = " ".join(left).split()
    wrapped, line = [], ""
    for w in words:
        if len(line) + len(w) + 1 > 40 and line:
            wrapped.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    wrapped.append(line)
    rows = max(len(wrapped), len(right))
    wrapped += [""] * (rows - len(wrapped))
    right += [""] * (rows - len(right))
    header = [f"{a:<44}{' ' * 20}{b}".rstrip() for a, b in zip(wrapped, right)]
    return "\n".join(header + [""] + rest)


def read_across(text: str) -> str:
    """The two-column header read across: one line holds both columns."""
    left, right, rest = _split_front(text)
    return "\n".join([" ".join(left) + " " + " ".join(right), ""] + rest)
