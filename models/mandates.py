"""Mandates (who asked whom to do what), proposals and evidence of implementation."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class Mandate:
    at: str
    body: str  # Conference | General Assembly | Working Group | Expert meeting | Implementation Review Group
    resolution: Optional[str]
    verb: str  # lemma
    strength: str  # decision | request | exhortation | encouragement | recommendation | observation
    addressee: Optional[str]
    action: str
    text: str  # the sentence (or item) as printed
    start: int
    end: int
    resolution_list: list[str] = field(default_factory=list)
    deliverable: Optional[str] = None
    time_frame: Optional[str] = None
    funding: Optional[str] = None
    verb_printed: Optional[str] = None  # the verb as printed, in the document's language ("Prie", "Solicita")


@dataclass
class Proposal:
    """ "The Working Group may wish to ..." : the Secretariat's suggestion, not a mandate."""

    at: str
    text: str
    start: int
    end: int


@dataclass
class Evidence:
    """An "Action taken" paragraph: what was done, linked to the mandates of the block before it."""

    at: str
    text: str
    start: int
    end: int
    mandates: list[str] = field(default_factory=list)  # addresses of the mandates it answers
