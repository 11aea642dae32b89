"""What a person types in a search box, as a valid SQLite FTS5 query.

FTS5's syntax fails on ordinary input: an empty box, "7/1", "A/RES/71/208", a stray quote
or parenthesis are syntax errors, and Datasette's ``escape_fts`` quotes ``OR`` as a word.
``fts_query`` keeps what people mean: every word must appear, in any order; "quoted
phrases" stay phrases; ``OR`` between two terms is either; a symbol or a resolution number
is a phrase of its parts (the index splits "7/1" into "7" and "1", in that order).  An
empty box matches nothing instead of failing.  Registered as the SQL function
``cosp_fts(q)`` on every connection the site opens.

``ref_ids`` does the same for a typed reference ("resolution 7/1", "71/208", "a/res/71/208"):
the ids it can be in the ``references`` table, as a JSON list (SQL ``cosp_ref_ids(q)``).
"""
from __future__ import annotations

import json
import re

PREFIX_MIN = 3  # letters before a "*"
_TOKENS = re.compile(r'"([^"]*)"|(\S+)')
_SYMBOL_NUMBER = re.compile(r"(?i)(?:A|E|S)/RES/(\d+/\d+)")


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
        if not text.strip():
            continue
        term = _phrase(text.strip())
        printed = _SYMBOL_NUMBER.fullmatch(text.strip()) if phrase is None else None
        if printed:  # "A/RES/71/208" as typed, or "71/208" as documents print it
            term = f"({term} OR {_phrase(printed.group(1))})"
        elif word and word.endswith("*") and phrase is None and len(text.strip()) >= PREFIX_MIN:
            term += " *"  # a shorter prefix ("a*") matches most of the index: searched as the word
        terms.append(term)
    while terms and terms[-1] == "OR":
        terms.pop()
    return " ".join(terms) or '""'


_LEAD = re.compile(r"^(?:(?:GA|General Assembly|Conference|COSP)\s+)?(?:resolutions?|decisions?|documents?|res\.?)\s+", re.I)


def ref_ids(q: str | None) -> str:
    typed = _LEAD.sub("", (q or "").strip()).strip(" .,;")
    if not typed:
        return "[]"
    if re.fullmatch(r"(?i)a/res/.+", typed):
        return json.dumps(["A/RES/" + typed[6:]])
    if re.fullmatch(r"\d{1,3}/\d{1,4}", typed):  # a Conference's 7/1, or the General Assembly's 71/208
        return json.dumps([typed, "A/RES/" + typed])
    return json.dumps([typed, typed.upper()] if typed != typed.upper() else [typed])
