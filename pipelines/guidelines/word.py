"""The guideline redline as a Word document with real tracked changes.

Secretariat staff take a redline to a meeting as a Word file: insertions and deletions are
Word's own revisions (``w:ins`` / ``w:del``), so Review > Accept all gives the new version's
text and Reject all the old one's, and every obligation shift (a modal verb strengthened or
softened) is a Word comment on the paragraph.  python-docx writes the document and the
comments; it has no API for revisions, so those runs are built as WordprocessingML here.

A split paragraph is tracked once (old text to its first part; the other parts inserted whole)
and a merged one likewise (its other old parts deleted whole), so that accepting or rejecting
every change gives exactly one version, each paragraph once.
"""
from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from itertools import count

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

AUTHOR = "cosp-tracker"
SHIFTED = ("strengthened", "softened")


def _text_element(tag: str, text: str):
    t = OxmlElement(tag)
    t.set(qn("xml:space"), "preserve")
    t.text = text
    return t


def _run(text: str, deleted: bool = False):
    r = OxmlElement("w:r")
    r.append(_text_element("w:delText" if deleted else "w:t", text))
    return r


class _Revisions:
    """Numbers and stamps Word's revision elements (every ``w:ins``/``w:del`` needs an id)."""

    def __init__(self) -> None:
        self.ids = count(1)
        self.date = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")

    def mark(self, tag: str, text: str):
        el = OxmlElement(tag)
        el.set(qn("w:id"), str(next(self.ids)))
        el.set(qn("w:author"), AUTHOR)
        el.set(qn("w:date"), self.date)
        el.append(_run(text, deleted=tag == "w:del"))
        return el

    def write(self, paragraph, ops: list[dict]) -> None:
        """The diff's operations into the paragraph: equal text plain, the rest tracked."""
        for o in ops:
            if o["op"] == "equal" and o["old"] == o["new"]:
                paragraph._p.append(_run(o["new"]))
                continue
            if o["op"] == "equal":  # the same words, spaced differently ("a treaty " / "a treaty"): common part plain
                common = o["new"] if o["old"].startswith(o["new"]) else o["old"] if o["new"].startswith(o["old"]) else ""
                if common:
                    paragraph._p.append(_run(common))
                    o = {"old": o["old"][len(common):], "new": o["new"][len(common):]}
            if o.get("old"):
                paragraph._p.append(self.mark("w:del", o["old"]))
            if o.get("new"):
                paragraph._p.append(self.mark("w:ins", o["new"]))


def _ops(value) -> list[dict]:
    return json.loads(value) if isinstance(value, str) else list(value or [])


def row_ops(row: dict) -> list[dict]:
    """What one aligned row contributes, so that each version's text appears exactly once: the
    later parts of a split are inserted whole, the later parts of a merge deleted whole."""
    ops = _ops(row.get("diff_ops"))
    if row.get("continued") and row.get("relation") == "split":
        return [{"op": "insert", "old": "", "new": "".join(o["new"] for o in ops)}]
    if row.get("continued") and row.get("relation") == "merged":
        return [{"op": "delete", "old": "".join(o["old"] for o in ops), "new": ""}]
    return ops


def redline_docx(from_label: str, to_label: str, guidelines: list[dict]) -> bytes:
    """``guidelines``: the redline page's groups (``number``, ``title`` with ``from_title``,
    ``to_title``, ``direction``; ``rows`` with ``diff_ops``, ``relation``, ``direction``,
    ``modal_before``, ``modal_after``, ``from_at``, ``to_at``, ``continued``)."""
    from extract.diff import diff_ops

    doc = Document()
    doc.core_properties.title = f"Redline: {from_label} → {to_label}"
    doc.core_properties.author = AUTHOR
    doc.add_heading(f"Draft guidelines: {from_label} → {to_label}", level=1)
    doc.add_paragraph(f"Tracked changes turn {from_label} into {to_label}: Review > Accept all gives the new text, "
                      "Reject all the old. Comments mark each obligation strengthened or softened. Machine-made from "
                      "machine-extracted text: check it against the official documents.")
    revisions = _Revisions()
    for g in guidelines:
        doc.add_heading(f"Draft guideline {g['number']}", level=2)
        title = g.get("title")
        if title:
            p = doc.add_paragraph()
            label = p.add_run("Title: ")
            label.bold = True
            revisions.write(p, diff_ops(title.get("from_title") or "", title.get("to_title") or ""))
            if title.get("direction") in SHIFTED:
                doc.add_comment([label], text=f"Title: obligation {title['direction']}.", author=AUTHOR, initials="CT")
        for row in g["rows"]:
            p = doc.add_paragraph()
            address = p.add_run((row.get("to_at") or row.get("from_at") or "") + " ")
            address.bold = True
            revisions.write(p, row_ops(row))
            note = [f"{row['relation']}"] + ([row["parts"]] if row.get("parts") else [])
            if row.get("direction") in SHIFTED and row.get("relation") not in ("added", "removed"):
                doc.add_comment([address], author=AUTHOR, initials="CT",
                                text=f"Obligation {row['direction']}: {row.get('modal_before') or 'none'} → "
                                     f"{row.get('modal_after') or 'none'} ({', '.join(note)}).")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
