"""Resolutions read at their source: the text that gives mandates, part by part.

Addresses follow the UN's Akoma Ntoso profile in spirit: a resolution's parts are
``<id>/pp<k>`` (preambular paragraph k, as counted: they are not numbered in print) and
``<id>/op<n>`` / ``<id>/op<n>(<letter>)`` (operative paragraph n, lettered item), e.g.
``8/9/op3(a)``, ``A/RES/74/276/pp2``.  Each part also keeps its address inside the
containing document (``at``), so a citation of the document stays valid.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class ResolutionPart:
    address: str  # "8/9/op3(a)"
    kind: str  # preambular | operative | item
    at: str  # the unit's address in the containing document ("3(a)", "8/9/op3(a)", "pp2")
    text: str
    start: int
    end: int
    page: Optional[int] = None
    verb: Optional[str] = None  # the word the paragraph opens with: "Recalling", "Requests", "Prie"
    lemma: Optional[str] = None  # an operative verb's English lemma, in every language: "request"


@dataclass
class Resolution:
    key: str  # the id, or "r<k>" (the k-th resolution of the document) when no number is printed
    id: Optional[str]  # canonical: "8/9", "A/RES/74/276", a draft's symbol; None when not printed
    issuer: str  # the printed issuer: "General Assembly", "Conference of the States Parties ..."
    body: str  # the canonical body: "Conference", "General Assembly", ...
    start: int
    end: int
    title: Optional[str] = None
    session: Optional[int] = None
    adopted: Optional[str] = None  # ISO date, where printed
    draft: bool = False
    parts: list[ResolutionPart] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
