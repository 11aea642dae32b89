"""Named things in the documents: networks, organisations, countries, and the facts stated about them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass
class Mention:
    """A network, organisation, country or regional group named in a unit."""

    entity_type: str  # network | organisation | country | regional_group
    key: str  # canonical name (networks, organisations, groups) or ISO3 (countries)
    at: str
    text: str  # as printed
    start: int
    end: int
    method: str  # exact | acronym | alias | fuzzy | context
    score: float = 100.0


@dataclass
class Candidate:
    """A name that looks like a network but is not in the registry: kept for review."""

    text: str
    at: str
    start: int
    end: int
    closest: Optional[str] = None
    score: float = 0.0


@dataclass
class Fact:
    """Something a document states about a network: when it began, who hosts it, how many members."""

    network: str
    kind: str  # established | launched | secretariat | members
    value: str
    number: Optional[int]
    unit: Optional[str]
    at: str
    sentence: str
    start: int
    end: int


@dataclass
class Figure:
    """A stated figure: "Central authorities for mutual legal assistance in 129 States parties"."""

    subject: str
    value: int
    unit: str
    as_of: Optional[str]  # ISO date the document gives, else its own date
    at: str
    text: str
    start: int
    end: int


@dataclass
class Reply:
    """A State named in a footnote list of replies to a note verbale."""

    footnote: str
    country: str
    iso3: Optional[str]
    anchor: Optional[str]
