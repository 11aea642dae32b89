"""Compare guideline versions: load them (files or symbols in a database), align, serialize.

Versions of one guideline set are found in a corpus by the likeness of their guideline
titles and chained by date (2018 -> 2019 -> 2021), so a third version slots in.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from rapidfuzz import fuzz

from extract.align import align, version_of
from models.guidelines import GuidelineParagraph, GuidelineVersion, Link, TitleChange

SAME_SET = 60.0  # mean title similarity above which two documents hold versions of one guideline set


def obligation_text(lk: Link) -> str:
    return f"{'; '.join(lk.modal_before) or 'none'} -> {'; '.join(lk.modal_after) or 'none'}"


def link_json(lk: Link) -> dict:
    return {"from": lk.from_at, "to": lk.to_at, "relation": lk.relation, "score": lk.score, "method": lk.method,
            "changes": lk.changes, "obligation": obligation_text(lk), "direction": lk.direction,
            "qualifiers_added": lk.qualifiers_added, "qualifiers_removed": lk.qualifiers_removed,
            "subject": [lk.subject_before, lk.subject_after], "sentence_moves": lk.sentence_moves,
            "diff_ops": lk.diff_ops, "diff_html": lk.diff_html}


def title_json(t: TitleChange) -> dict:
    return {"guideline": t.guideline, "from": t.from_title, "to": t.to_title, "to_guideline": t.to_guideline,
            "direction": t.direction, "qualifiers_added": t.qualifiers_added, "changes": t.changes,
            "diff_html": t.diff_html}


def comparison_json(old: GuidelineVersion, new: GuidelineVersion) -> dict:
    links, titles = align(old, new)
    return {"from": old.label, "to": new.label, "alignment": [link_json(lk) for lk in links],
            "title_changes": [title_json(t) for t in titles]}


def same_set(a: GuidelineVersion, b: GuidelineVersion) -> bool:
    shared = set(a.titles) & set(b.titles)
    if not shared:
        return False
    return sum(fuzz.token_set_ratio(a.titles[n], b.titles[n]) for n in shared) / len(shared) >= SAME_SET


def chains(versions: list[GuidelineVersion]) -> list[list[GuidelineVersion]]:
    """Group versions of the same set and order each group by year."""
    groups: list[list[GuidelineVersion]] = []
    for v in versions:
        home = next((g for g in groups if same_set(g[0], v)), None)
        if home is None:
            groups.append([v])
        else:
            home.append(v)
    return [sorted(g, key=lambda v: (v.year or 0, v.label)) for g in groups]


def version_from_db(db_path: Path, key: str) -> Optional[GuidelineVersion]:
    import sqlite_utils

    db = sqlite_utils.Database(db_path)
    row = next(db.query("select * from guideline_versions where symbol = ? or document = ? or label = ?",
                        [key, key, key]), None)
    if row is None:
        return None
    v = GuidelineVersion(label=row["label"], file=row["document"], year=row["year"])
    for p in db.query("select * from guideline_paragraphs where version = ? order by idx", [row["id"]]):
        if p["kind"] == "title":
            v.titles[p["guideline"]] = p["text"]
        else:
            v.paragraphs.append(GuidelineParagraph(at=p["at"], guideline=p["guideline"], index=len(v.paragraphs),
                                                   text=p["text"]))
    return v


def load_version(key: str, db_path: Optional[Path]) -> GuidelineVersion:
    """A file to parse, or a symbol/label in a built database."""
    path = Path(key)
    if path.exists():
        from pipelines.corpus.ingest import ingest

        corpus = ingest([path])
        if corpus.errors or not corpus.documents:
            raise ValueError(f"{key}: {corpus.errors[0].message if corpus.errors else 'nothing parsed'}")
        v = version_of(corpus.documents[0])
    else:
        v = version_from_db(db_path, key) if db_path and db_path.exists() else None
        if v is None:
            raise ValueError(f"{key} is neither a file nor a version in {db_path or 'the database'}: "
                             "give a file, or build the database and use a symbol from guideline_versions")
    if not v.paragraphs:
        raise ValueError(f"{key} holds no draft guidelines ('Draft guideline N' blocks)")
    return v
