"""Sentence boundaries in UN prose, with offsets, for the extractors that work sentence by sentence.

A sentence ends at "." or ";" followed by a capital or a quote — not after "i.e." or
"e.g.".  With ``split_items`` a parenthesis after ".", ";" or ":" also starts one, so a
lettered item ("... as follows: (a) ...; (b) ...") is a sentence of its own (facts
belong to an item); mandates keep items inside their sentence, since the lead-in says
who is asked.
"""
from __future__ import annotations

import re

_END = r"(?<=[.;])\s+(?=[A-Z“\"])(?<!\bi\.e\.\s)(?<!\be\.g\.\s)"
_SPLIT = re.compile(_END)
_SPLIT_ITEMS = re.compile(_END + r"|(?<=[.;:])\s+(?=\()")


# The extractors look back over a sentence from each verb or reference in it: a "sentence" of a
# hostile or misread input (a megabyte without a full stop) would make that quadratic.  Real
# sentences, long preambular paragraphs included, stay under 2,000 characters; longer runs are
# cut at a space every MAX_SENTENCE characters.
MAX_SENTENCE = 4000


def sentences(text: str, split_items: bool = False) -> list[tuple[int, str]]:
    """(offset, sentence) pairs covering the text in order."""
    out, pos = [], 0
    for part in (_SPLIT_ITEMS if split_items else _SPLIT).split(text):
        i = text.find(part, pos)
        pos = i + len(part)
        while len(part) > MAX_SENTENCE:
            cut = part.rfind(" ", MAX_SENTENCE // 2, MAX_SENTENCE) + 1 or MAX_SENTENCE
            out.append((i, part[:cut]))
            i, part = i + cut, part[cut:]
        out.append((i, part))
    return out


def sentence_at(text: str, pos: int) -> str:
    """The sentence (or lettered item) holding offset ``pos``."""
    for start, s in reversed(sentences(text, split_items=True)):
        if start <= pos:
            return s
    return text
