"""Level of obligation in a guideline text: modal verbs, hedging qualifiers, the subject.

The 2021 note says States commented on "the level of obligation"; staff ask where a
redraft moved it.  Modal phrases and their ranks, and the qualifier list, are data
(``data/obligation.yaml``); this module finds them and compares two versions.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from extract.resources import load_yaml

_DATA = load_yaml("obligation.yaml")
RANK = {m["phrase"]: m["rank"] for m in _DATA["modals"]}


@lru_cache(maxsize=1)
def _modal_re() -> re.Pattern:
    phrases = sorted(RANK, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(p) for p in phrases) + r")\b", re.I)


def modals(text: str) -> list[str]:
    """Modal phrases in reading order, lower-cased (longest match: "should consider", not "should")."""
    return [m.group(1).lower() for m in _modal_re().finditer(text)]


def direction(before: list[str], after: list[str]) -> str:
    """strengthened | softened | same | none, from the first modal that differs in strength.

    Modals are compared position by position (first with first, ...), so a modal added at
    the end of a sentence that keeps its main obligation does not change the direction;
    no modal at all before and one after is an obligation created (strengthened), and
    the reverse is one removed (softened).
    """
    if not before and not after:
        return "none"
    if not before:
        return "strengthened"
    if not after:
        return "softened"
    for b, a in zip(before, after):
        rb, ra = RANK.get(b, 0), RANK.get(a, 0)
        if ra > rb:
            return "strengthened"
        if ra < rb:
            return "softened"
    return "same"


def qualifiers(text: str) -> list[str]:
    low = text.lower()
    return [q for q in _DATA["qualifiers"] if q.lower() in low]


def qualifiers_added(old: str, new: str, inserted: str = "") -> list[str]:
    """Listed qualifiers new to the text, plus new clauses that open like a hedge ("if ...")."""
    added = [q for q in qualifiers(new) if q not in qualifiers(old)]
    starts = "|".join(re.escape(s) for s in _DATA["clause_starts"])
    for m in re.finditer(rf"(?:^|[,;]\s*)((?:{starts})\b[^,;.]*)", inserted, re.I):
        clause = m.group(1).strip()
        if clause and not any(clause.lower() in q.lower() or q.lower() in clause.lower() for q in added):
            added.append(clause)
    return added


def subject(text: str) -> Optional[str]:
    """Who is asked: the words before the first modal, without a leading qualifier."""
    m = _modal_re().search(text)
    if not m:
        return None
    head = text[:m.start()].strip()
    for q in sorted(_DATA["qualifiers"], key=len, reverse=True):
        head = re.sub(rf"^{re.escape(q)},?\s*", "", head, flags=re.I)
    head = re.split(r"[,;]\s*", head)[-1].strip()
    return head or None
