"""A reference found in a document: a resolution, a document symbol, a Convention article, ..."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass
class Reference:
    kind: str  # cosp_resolution | ga_resolution | document | uncac_article | uncac_chapter | instrument | ...
    id: str  # canonical id (spec/identifiers.md)
    at: str  # address of the unit (or lettered item) it sits in
    text: str  # surface text as printed
    start: int  # offsets into the document's normalized text
    end: int
    detail: Optional[str] = None  # pinpoint: "para. 2", "paragraphs 4 and 5", "sect. IV"
    url: Optional[str] = None
    title: Optional[str] = None  # "its resolution 6/4, entitled “...”"
