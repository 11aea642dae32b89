"""What a person types in a search box, as a valid SQLite FTS5 query.

FTS5's syntax fails on ordinary input: an empty box, "7/1", "A/RES/71/208", a stray quote
or parenthesis are syntax errors, and Datasette's ``escape_fts`` quotes ``OR`` as a word.
``fts_query`` keeps what people mean: every word must appear, in any order; "quoted
phrases" stay phrases; ``OR`` between two terms is either; a symbol or a resolution number
is a phrase of its parts (the index splits "7/1" into "7" and "1", in that order).  An
empty box matches nothing instead of failing.  Registered as the SQL function
``cosp_fts(q)`` on every connection the site opens.
"""
from __future__ import annotations

import re

_TOKENS = re.compile(r'"([^"]*)"|(\S+)')


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_query(q: str | None) -> str:
    terms: list[str] = []
    for m in _TOKENS.finditer(q or ""):
        phrase, word = m.group(1), m.group(2)
        if word == "OR":
            if terms and terms[-1] != "OR":
                terms.append("OR")
            continue
        text = (phrase if phrase is not None else word.strip('"()*^:+-'))
        if text.strip():
            terms.append(_phrase(text.strip()))
    while terms and terms[-1] == "OR":
        terms.pop()
    return " ".join(terms) or '""'
