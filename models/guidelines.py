"""Records for comparing versions of a guideline set: paragraphs, links, title changes."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class GuidelineParagraph:
    at: str  # g4.2
    guideline: int
    index: int  # position in the version, 0-based, across all guidelines
    text: str


@dataclass
class GuidelineVersion:
    label: str  # symbol or file, and year
    file: str
    year: Optional[int]
    titles: dict[int, str] = field(default_factory=dict)
    paragraphs: list[GuidelineParagraph] = field(default_factory=list)


@dataclass
class Link:
    """One alignment entry: ``from``/``to`` addresses, relation, score and what changed."""

    from_at: Optional[str]
    to_at: Optional[str]
    relation: str  # unchanged | reworded | moved | merged | split | added | deleted
    score: float
    method: str  # paragraph | sentence | absorbed | none
    modal_before: list[str] = field(default_factory=list)
    modal_after: list[str] = field(default_factory=list)
    direction: str = "none"
    qualifiers_added: list[str] = field(default_factory=list)
    qualifiers_removed: list[str] = field(default_factory=list)
    subject_before: Optional[str] = None
    subject_after: Optional[str] = None
    diff_ops: list[dict] = field(default_factory=list)
    diff_html: str = ""
    changes: str = ""
    sentence_moves: list[dict] = field(default_factory=list)


@dataclass
class TitleChange:
    guideline: int
    from_title: str
    to_title: str
    to_guideline: int
    direction: str
    qualifiers_added: list[str] = field(default_factory=list)
    diff_html: str = ""
    changes: str = ""
