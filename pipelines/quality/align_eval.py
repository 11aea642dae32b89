"""Score guideline alignment against ``guidelines.json``: pairs with relation, titles, obligation direction."""
from __future__ import annotations

import re

from extract import obligation
from extract.align import align, version_of


def gold_modals(side: str) -> list[str]:
    """"should; could (new)" -> ["should", "could"]; "none (is key)" -> []: the gold's phrases, in our table."""
    out = []
    for part in side.split(";"):
        part = re.sub(r"\(.*?\)", "", part).strip().lower()
        if not part or part.startswith("none"):
            continue
        if part in obligation.RANK:
            out.append(part)
            continue
        prefix = [p for p in obligation.RANK if part.startswith(p + " ")]  # "should avoid" -> "should"
        longer = [p for p in obligation.RANK if p.startswith(part + " ")]  # "should endeavour" -> "... to"
        out.append(min(longer, key=len) if longer else max(prefix, key=len) if prefix else part)
    return out


def gold_direction(text: str) -> str:
    before, _, after = text.partition("->")
    return obligation.direction(gold_modals(before), gold_modals(after))


def score_guidelines(report, gold: dict, corpus) -> None:
    docs = {d.file: d for d in corpus.documents}
    old_doc, new_doc = docs.get(gold["2018"]["file"]), docs.get(gold["2021"]["file"])
    if old_doc is None or new_doc is None:
        report.misses.append("guidelines: a version's file is missing from the corpus")
        report.row("guidelines.alignment").fn += len(gold["alignment"])
        return
    old_v, new_v = version_of(old_doc), version_of(new_doc)
    texts = report.row("guidelines.paragraph_text")
    for year, v in (("2018", old_v), ("2021", new_v)):
        mine = {p.at: p.text for p in v.paragraphs}
        for g in gold[year]["guidelines"]:
            for p in g["paragraphs"]:
                ok = mine.get(p["at"]) == p["text"]
                texts.tp += ok
                texts.fn += not ok
                if not ok:
                    report.misses.append(f"guidelines {year} {p['at']}: text differs")
    links, titles = align(old_v, new_v)
    mine = {(lk.from_at, lk.to_at): lk for lk in links}
    row, dirs = report.row("guidelines.alignment"), report.row("guidelines.obligation_direction")
    for g in gold["alignment"]:
        lk = mine.pop((g["from"], g["to"]), None)
        if lk is not None and lk.relation == g["relation"]:
            row.tp += 1
        else:
            row.fn += 1
            report.misses.append(f"guidelines: missed {g['from']} -> {g['to']} {g['relation']}"
                                 + (f" (found {lk.relation})" if lk else ""))
            if lk is not None:
                row.fp += 1
        if lk is not None:
            expected = gold_direction(g["obligation"])
            ok = lk.direction == expected
            dirs.tp += ok
            dirs.fn += not ok
            dirs.fp += not ok
            if not ok:
                report.misses.append(f"guidelines: {g['from']} -> {g['to']} direction {lk.direction}, gold {expected}")
    for key, lk in mine.items():
        row.fp += 1
        report.misses.append(f"guidelines: extra {key} {lk.relation}")
    trow = report.row("guidelines.title_changes")
    found = {(t.guideline, t.from_title, t.to_title) for t in titles}
    for t in gold["title_changes"]:
        key = (t["guideline"], t["from"], t["to"])
        trow.tp += key in found
        trow.fn += key not in found
        found.discard(key)
    trow.fp += len(found)
