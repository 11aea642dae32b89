"""Word-level differences between two versions of a paragraph, as JSON ops and escaped HTML.

Tokens are words and punctuation, not characters, so a change reads as a change of
words.  After difflib's matching, short runs of unchanged filler ("the", ",") between two
changes are folded into them (a semantic clean-up in the spirit of diff-match-patch),
so "should include" -> "may include" is one replacement, not a scatter of edits.
"""
from __future__ import annotations

import difflib
import html
import re

_TOKEN = re.compile(r"\w+(?:[-'’/.]\w+)*|[^\w\s]")
_FILLER = {"the", "a", "an", "of", "to", "and", "or", "in", "on", ",", ".", ";", "for", "that", "is", "be"}


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _slice(text: str, spans: list[tuple[int, int]], i1: int, i2: int) -> str:
    """The original text of tokens i1..i2 and the space after them, as printed.

    Concatenating the slices of consecutive ops gives back the text exactly.
    """
    if i2 <= i1:
        return ""
    return text[spans[i1][0]:spans[i2][0] if i2 < len(spans) else len(text)]


def diff_ops(old: str, new: str) -> list[dict]:
    """[{op: equal|insert|delete|replace, old, new}] over word tokens, filler folded into changes.

    Each op carries the original text of its tokens, so rendering keeps the spacing and
    punctuation exactly as printed.
    """
    sa = [m.span() for m in _TOKEN.finditer(old)]
    sb = [m.span() for m in _TOKEN.finditer(new)]
    a, b = [old[x:y] for x, y in sa], [new[x:y] for x, y in sb]
    raw = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    merged: list[list] = []  # [tag, i1, i2, j1, j2]
    k = 0
    while k < len(raw):
        tag, i1, i2, j1, j2 = raw[k]
        filler = tag == "equal" and i2 - i1 <= 2 and all(t.lower() in _FILLER for t in a[i1:i2])
        if filler and merged and merged[-1][0] != "equal" and k + 1 < len(raw):
            prev = merged.pop()
            nxt = raw[k + 1]
            merged.append(["replace", prev[1], nxt[2], prev[3], nxt[4]])
            k += 2
            continue
        if merged and tag != "equal" and merged[-1][0] != "equal":
            prev = merged.pop()
            merged.append(["replace", prev[1], i2, prev[3], j2])
        else:
            merged.append([tag, i1, i2, j1, j2])
        k += 1
    out = []
    for tag, i1, i2, j1, j2 in merged:
        if tag != "equal":
            tag = "insert" if i1 == i2 else "delete" if j1 == j2 else "replace"
        out.append({"op": tag, "old": _slice(old, sa, i1, i2), "new": _slice(new, sb, j1, j2)})
    return out


def inserted_text(ops: list[dict]) -> str:
    return " ".join(o["new"] for o in ops if o["op"] in ("insert", "replace"))


def ops_html(ops: list[dict]) -> str:
    """Escaped HTML: unchanged text plain, deletions in <del>, insertions in <ins>."""
    parts = []
    for o in ops:
        if o["op"] == "equal":
            parts.append(html.escape(o["old"]))
            continue
        for tag, text in (("del", o["old"]), ("ins", o["new"])):
            if text:
                body = text.rstrip()
                parts.append(f"<{tag}>{html.escape(body)}</{tag}>{html.escape(text[len(body):])}")
        if o["old"] and o["new"] and not o["old"][-1:].isspace():
            parts.insert(len(parts) - 1, " ")  # "<del>information</del> <ins>based</ins>", not glued
    return "".join(parts)
