"""The guideline redline page: two versions side by side, a picker of every consecutive pair,
counts by relation and by obligation shift, the shifts alone, and the links to take it away
(Word and HTML, ``pipelines/guidelines/word.py`` and ``redline.py``)."""
from __future__ import annotations

import json
import re
import sqlite3
from typing import Optional

from markupsafe import Markup

from extract.diff import diff_ops
from pipelines.guidelines.redline import sides
from pipelines.publish.pagekit import redline_url
from pipelines.publish.pagekit import rows as _rows


def is_shift(link: dict) -> bool:
    """Whether an aligned row's obligation shifted: its modal verb moved between two versions of
    one text.  An added or removed paragraph has no earlier or later obligation to compare
    with, so "may" in an added paragraph is an addition, never counted a strengthening (the
    alignment keeps its modal verbs, "none -> may", as the answer keys give them)."""
    return link.get("relation") not in ("added", "removed") and link.get("direction") not in ("same", "none", None)


def _name_splits_and_merges(rows: list[dict]) -> None:
    """A split prints its old paragraph once and a merge its new one once, each named with its
    parts ("g3.1 → g3.1 + g3.2 + g3.3"); the other rows of the group show only their own side."""
    for relation, shared, other in (("split", "from_at", "to_at"), ("merged", "to_at", "from_at")):
        members: dict[str, list[dict]] = {}
        for r in rows:
            if r["relation"] == relation and r[shared]:
                members.setdefault(r[shared], []).append(r)
        for key, group in members.items():
            parts = " + ".join(r[other] for r in group if r[other])
            group[0]["parts"] = f"{key} → {parts}" if relation == "split" else f"{parts} → {key}"
            for r in group[1:]:
                r["continued"] = True
                if relation == "split":
                    r["left"] = Markup("")
                else:
                    r["right"] = Markup("")


def redline_page(conn: sqlite3.Connection, from_version: Optional[str], to_version: Optional[str],
                 shifts: bool = False) -> Optional[dict]:
    """Two versions side by side, with a picker of every consecutive pair, counts by relation
    and by obligation shift, and (``shifts``) only the paragraphs whose obligation moved."""
    versions = _rows(conn, "select * from guideline_versions order by chain, position")
    if not versions:
        return None
    if not from_version or not to_version:
        pairs = [(a, b) for a, b in zip(versions, versions[1:]) if a["chain"] == b["chain"]]
        if not pairs:
            return None
        from_version, to_version = pairs[-1][0]["id"], pairs[-1][1]["id"]
    labels = {v["id"]: v["label"] for v in versions}
    links = _rows(conn, "select * from guideline_alignment where from_version = ? and to_version = ?",
                  [from_version, to_version])
    if not links:
        return None
    order = {p["at"]: p["idx"] for p in _rows(conn, "select at, idx from guideline_paragraphs where version = ?",
                                               [to_version])}
    guideline_of = lambda at: int(re.match(r"g(\d+)", at).group(1)) if at else 0  # noqa: E731
    relations: dict[str, int] = {}
    directions: dict[str, int] = {}
    for lk in links:
        relations[lk["relation"]] = relations.get(lk["relation"], 0) + 1
        if is_shift(lk):
            directions[lk["direction"]] = directions.get(lk["direction"], 0) + 1
    pairs = [dict(from_id=a["id"], to_id=b["id"], label=f"{a['label']} → {b['label']}", url=redline_url(a["id"], b["id"]),
                  current=(a["id"], b["id"]) == (from_version, to_version))
             for a, b in zip(versions, versions[1:]) if a["chain"] == b["chain"]]
    if shifts:
        links = [lk for lk in links if is_shift(lk)]
    groups: dict[int, dict] = {}
    for lk in sorted(links, key=lambda x: (order.get(x["to_at"], 10**6), x["from_at"] or "")):
        left, right = sides(json.loads(lk["diff_ops"]))
        g = guideline_of(lk["to_at"] or lk["from_at"])
        groups.setdefault(g, {"number": g, "rows": [], "title": None})["rows"].append(dict(lk, left=left, right=right,
                                                                                             shift=is_shift(lk)))
    for t in _rows(conn, "select * from guideline_title_changes where from_version = ? and to_version = ?",
                   [from_version, to_version]):
        if shifts and t["direction"] in ("same", "none", None):
            continue  # "only obligation shifts": a title whose obligation did not move is not one
        left, right = sides(diff_ops(t["from_title"], t["to_title"]))
        groups.setdefault(t["to_guideline"], {"number": t["to_guideline"], "rows": [], "title": None})["title"] = dict(
            t, left=left, right=right)
    for g in groups.values():
        _name_splits_and_merges(g["rows"])
    return {"from_label": labels[from_version], "to_label": labels[to_version], "versions": versions,
            "guidelines": [groups[k] for k in sorted(groups)], "pairs": pairs, "relations": relations,
            "directions": directions, "shifts": shifts, "all_url": redline_url(from_version, to_version),
            "shifts_url": redline_url(from_version, to_version, shifts=True),
            "download_docx": redline_url(from_version, to_version).replace("/redline?", "/redline.docx?"),
            "download_html": redline_url(from_version, to_version).replace("/redline?", "/redline.html?")}


