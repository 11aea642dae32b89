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


def _join(toks: list[str]) -> str:
    out = ""
    for t in toks:
        if out and not re.match(r"^[,.;:)\]”’]", t) and not out.endswith(("(", "[", "“")):
            out += " "
        out += t
    return out


def diff_ops(old: str, new: str) -> list[dict]:
    """[{op: equal|insert|delete|replace, old, new}] over word tokens, filler folded into changes."""
    a, b = tokens(old), tokens(new)
    raw = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    ops: list[list] = [[tag, a[i1:i2], b[j1:j2]] for tag, i1, i2, j1, j2 in raw]
    merged: list[list] = []
    i = 0
    while i < len(ops):
        tag, x, y = ops[i]
        if (tag == "equal" and merged and merged[-1][0] != "equal" and i + 1 < len(ops)
                and len(x) <= 2 and all(t.lower() in _FILLER for t in x)):
            prev = merged.pop()
            nxt = ops[i + 1]
            merged.append(["replace", prev[1] + x + nxt[1], prev[2] + y + nxt[2]])
            i += 2
            continue
        if merged and tag != "equal" and merged[-1][0] != "equal":
            prev = merged.pop()
            merged.append(["replace", prev[1] + x, prev[2] + y])
        else:
            merged.append([tag, x, y])
        i += 1
    out = []
    for tag, x, y in merged:
        if tag == "replace":
            tag = "insert" if not x else "delete" if not y else "replace"
        out.append({"op": tag, "old": _join(x), "new": _join(y)})
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
        if o["old"]:
            parts.append(f"<del>{html.escape(o['old'])}</del>")
        if o["new"]:
            parts.append(f"<ins>{html.escape(o['new'])}</ins>")
    return " ".join(p for p in parts if p)
