"""Mandates that prose in another language reports: "En su resolución 1/4, ..., la Conferencia
... estableció el Grupo de Trabajo ...".

The English grammar of reported mandates (extract/mandates.py) is English.  In the other
languages a reported mandate is read the conservative way: a past-tense mandate verb of the
language pack (``mandates.reported``), whose subject is a body the pack names
(``mandates.subjects``) before it in the sentence, under a resolution named before it in the
same sentence.  Without a named resolution nothing is read: a wrong mandate is worse than none.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from extract.language import pack
from extract.mandate_text import Verb, resolution_named, strengths, with_items
from extract.sentences import sentences
from models.document import ParsedDocument, Unit
from models.mandates import Mandate


@lru_cache(maxsize=None)
def _words(lang: str) -> Optional[dict]:
    part = pack(lang).get("mandates") or {}
    if not part.get("reported") or not part.get("subjects"):
        return None
    forms = sorted(part["reported"], key=len, reverse=True)
    return {
        "verb": re.compile(r"(?<!\w)(" + "|".join(re.escape(f) for f in forms) + r")(?!\w)"),
        "verbs": part["reported"],
        "subjects": [(re.compile(rx), body) for rx, body in part["subjects"].items()],
    }


def reported_mandates(doc: ParsedDocument, unit: Unit, lang: str) -> list[Mandate]:
    words = _words(lang)
    if words is None:
        return []
    classes = strengths()
    out: list[Mandate] = []
    for s_off, sentence in sentences(unit.text):
        for m in words["verb"].finditer(sentence):
            before = sentence[:m.start()]
            subject = max(((s.start(), body) for rx, body in words["subjects"] for s in rx.finditer(before)),
                          default=None)
            lemma = words["verbs"][m.group(1)]
            if subject is None or lemma not in classes:
                continue
            resolution, rlist = resolution_named(doc, unit, s_off, m.start())
            if resolution is None:
                continue
            action = sentence[m.end():].strip().rstrip(".;")
            v = Verb(m.group(1), m.start(), m.end(), subject[1])
            found = with_items(doc, unit, s_off, sentence, v, lemma, classes[lemma], None, action, resolution, rlist)
            for f in found:
                f.verb_printed = m.group(1)
            out += found
    return out
