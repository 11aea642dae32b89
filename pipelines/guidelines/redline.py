"""Render an alignment as a standalone, printable side-by-side redline (HTML).

Jinja2 autoescapes every text; the only markup passed through is the diff built by
``extract.diff`` from escaped tokens, wrapped in ``Markup`` here and nowhere else.
"""
from __future__ import annotations

import html
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from extract.align import align
from pipelines.guidelines.align import obligation_text
from models.guidelines import GuidelineVersion

_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(["html"]))


def _wrapped(text: str, opening: str, closing: str, escape=str) -> str:
    """A changed run between its marks, its trailing space outside them ("<del>basis</del> ")."""
    body = text.rstrip()
    return f"{opening}{escape(body)}{closing}{escape(text[len(body):])}"


def sides(ops: list[dict]) -> tuple[Markup, Markup]:
    """Old text with deletions marked, new text with insertions marked (both escaped)."""
    left, right = [], []
    for o in ops:
        if o["op"] == "equal":
            left.append(html.escape(o["old"]))
            right.append(html.escape(o["new"]))
            continue
        for side, tag, text in ((left, "del", o["old"]), (right, "ins", o["new"])):
            if text:
                side.append(_wrapped(text, f"<{tag}>", f"</{tag}>", html.escape))
    return Markup("".join(left)), Markup("".join(right))


def wdiff(ops: list[dict]) -> str:
    """The redline as plain text, read from the old text: deletions [-so-] and insertions {+so+}
    (wdiff's notation), for CSV and JSON; the site shows the marks as <del>/<ins>."""
    out = []
    for o in ops:
        if o["op"] == "equal":
            out.append(o["old"])
            continue
        out += [_wrapped(text, a, b) for text, a, b in ((o.get("old"), "[-", "-]"), (o.get("new"), "{+", "+}")) if text]
    return "".join(out)


def render_redline(old: GuidelineVersion, new: GuidelineVersion) -> str:
    links, titles = align(old, new)
    g_of = {p.at: p.guideline for p in new.paragraphs}
    g_old = {p.at: p.guideline for p in old.paragraphs}
    by_g: dict[int, dict] = {}
    for lk in links:
        number = g_of.get(lk.to_at) or g_old.get(lk.from_at)
        left, right = sides(lk.diff_ops)
        by_g.setdefault(number, {"number": number, "rows": [], "title": None})["rows"].append({
            "from_at": lk.from_at, "to_at": lk.to_at, "left": left, "right": right, "relation": lk.relation,
            "direction": lk.direction, "obligation": obligation_text(lk), "score": lk.score, "method": lk.method,
            "qualifiers": lk.qualifiers_added, "moves": lk.sentence_moves,
            "subject": f"{lk.subject_before} → {lk.subject_after}"
            if lk.subject_before and lk.subject_after and lk.subject_before != lk.subject_after else ""})
    for t in titles:
        from extract.diff import diff_ops

        left, right = sides(diff_ops(t.from_title, t.to_title))
        by_g.setdefault(t.to_guideline, {"number": t.to_guideline, "rows": [], "title": None})["title"] = {
            "left": left, "right": right, "direction": t.direction, "qualifiers": t.qualifiers_added}
    guidelines = [by_g[k] for k in sorted(by_g)]
    return _ENV.get_template("redline.html").render(old_label=old.label, new_label=new.label, guidelines=guidelines)


def render_published(from_label: str, to_label: str, guidelines: list[dict]) -> str:
    """The same standalone redline from the published database's rows (the redline page's
    groups), for the site's download: qualifiers and modal verbs are "; "-joined text there."""
    def listed(value) -> list[str]:
        return [x for x in (value or "").split("; ") if x] if isinstance(value, str) else list(value or [])

    shown = []
    for g in guidelines:
        title = dict(g["title"], qualifiers=listed(g["title"].get("qualifiers_added"))) if g.get("title") else None
        rows = [dict(r, obligation=f"{r.get('modal_before') or 'none'} -> {r.get('modal_after') or 'none'}",
                     qualifiers=listed(r.get("qualifiers_added")), moves=[],
                     subject=f"{r['subject_before']} → {r['subject_after']}" if r.get("subject_before") and
                     r.get("subject_after") and r["subject_before"] != r["subject_after"] else "")
                for r in g["rows"]]
        shown.append(dict(g, title=title, rows=rows))
    return _ENV.get_template("redline.html").render(old_label=from_label, new_label=to_label, guidelines=shown)
