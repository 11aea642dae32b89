"""A document's meeting from its opening sentence, where it has no front page.

Compilations of adopted resolutions and transcripts of UN web pages carry no masthead, but they
open with the UN's reporting formula: "At its fifth session, held in Panama City, Panama, from
25 to 29 November 2013, the Conference of the States Parties ... adopted the following
resolutions".  That sentence names the body, session, place and dates; each is kept only if it is
knowledge the project holds (a registered body, a gazetteer place), at a confidence below the
front page's; the heading printed just before it ("Resolutions adopted by the Conference of the
States Parties ...") is the compilation's title.  Further into a text the same formula recalls an
earlier session, so only the opening of a text without a front page is read.
"""
from __future__ import annotations

import re
from typing import Optional

from extract.places import known_place

CONFIDENCE = 0.75


def session_statement(opening: str, pattern: re.Pattern, registry_name,
                      heading: Optional[re.Pattern] = None) -> Optional[dict]:
    """{field: (value, start, end)} from the ``opening`` of a text, or None.  ``pattern`` is
    frontpage.yaml's ``session_statement`` with its ordinals and months filled in (metadata's
    ``_patterns``); ``registry_name`` maps a printed body name to the registered body (None if
    unknown); ``heading`` (``compilation_title``) reads the title printed just before the sentence."""
    m = pattern.search(opening)
    if m is None:
        return None
    out = {}
    h = heading.search(opening[:m.start()]) if heading is not None else None
    if h and registry_name(re.sub(r"\s+", " ", h.group("body")).strip()) is not None:
        out["title"] = (re.sub(r"\s+", " ", h.group("title")), h.start("title"), h.end("title"))
    out |= {"session": (m.group("session"), m.start("session"), m.end("session")),
            "meeting_dates": (m.group("dates"), m.start("dates"), m.end("dates"))}
    place = known_place(m.group("place"))
    if place is not None:
        out["meeting_place"] = (place.text, m.start("place"), m.end("place"))
    body = registry_name(re.sub(r"\s+", " ", m.group("body")).strip())
    if body is not None:
        out["body"] = (body, m.start("body"), m.end("body"))
    return out
