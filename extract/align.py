"""Align two versions of a guideline set, paragraph by paragraph, and say what changed.

1. Paragraphs are paired by an optimal assignment (scipy's ``linear_sum_assignment``)
   over a similarity that mixes rapidfuzz token-sort and token-set ratios, plus a small
   bonus for staying in the same guideline; pairs under ``MIN_PAIR`` are not pairs.
2. Paragraphs left over are looked at sentence by sentence: a new paragraph whose
   sentences come from an old paragraph already paired elsewhere is part of a split;
   an old paragraph whose sentences went into a paired new one was merged.  An old
   paragraph whose content words reappear only in what a neighbour's new version
   inserted was absorbed into it (merged: 2018 6.2 "Language requirements" became
   "and have relevant language skills" in 2021 6.1).
3. The rest are added or deleted.  Among one-to-one pairs, those outside the longest
   order-preserving chain moved (a swap of two moves both); renumbering alone is not a move.

Each link keeps its score and the method that made it.
"""
from __future__ import annotations

import re
from typing import Optional

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from extract import obligation
from extract.diff import diff_ops, inserted_text, ops_html
from extract.sentences import sentences as split_sentences
from models.guidelines import GuidelineParagraph, GuidelineVersion, Link, TitleChange

MIN_PAIR = 58.0  # paragraph similarity (0-100) below which two paragraphs are not one
MIN_SENTENCE = 60.0  # sentence similarity for split/merge evidence and sentence moves
SAME_GUIDELINE_BONUS = 8.0
_STOP = set("the a an of to and or in on for with by that this these those be is are was were it its their "
            "should could may can such as which from at under into other any all also".split())


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def similarity(a: list[str], b: list[str]) -> np.ndarray:
    na, nb = [_norm(t) for t in a], [_norm(t) for t in b]
    if not na or not nb:
        return np.zeros((len(na), len(nb)))
    return (cdist(na, nb, scorer=fuzz.token_sort_ratio) + cdist(na, nb, scorer=fuzz.token_set_ratio)) / 2.0


def sentences(text: str) -> list[str]:
    return [s for _, s in split_sentences(text, split_items=True) if s.strip()]


def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _STOP}


def _pairs(old: list[GuidelineParagraph], new: list[GuidelineParagraph]) -> dict[int, tuple[int, float]]:
    from scipy.optimize import linear_sum_assignment  # 0.4 s to import: only when aligning

    sim = similarity([p.text for p in old], [p.text for p in new])
    bonus = np.array([[SAME_GUIDELINE_BONUS if o.guideline == n.guideline else 0.0 for n in new] for o in old])
    score = sim + bonus if sim.size else sim
    if not score.size:
        return {}
    rows, cols = linear_sum_assignment(-score)
    return {int(i): (int(j), float(sim[i, j])) for i, j in zip(rows, cols) if score[i, j] >= MIN_PAIR}


def _sentence_evidence(p: GuidelineParagraph, q: GuidelineParagraph) -> float:
    s = similarity(sentences(p.text), sentences(q.text))
    return float(s.max()) if s.size else 0.0


def _moved(one_to_one: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Pairs outside the longest order-preserving chain; a swap of two marks both."""
    pairs = sorted(one_to_one)
    seq = [j for _, j in pairs]
    n = len(seq)
    best, prev = [1] * n, [-1] * n
    for i in range(n):
        for k in range(i):
            if seq[k] < seq[i] and best[k] + 1 > best[i]:
                best[i], prev[i] = best[k] + 1, k
    keep, i = set(), (max(range(n), key=best.__getitem__) if n else -1)
    while i >= 0:
        keep.add(i)
        i = prev[i]
    movers = {pairs[i] for i in range(n) if i not in keep}
    for m in list(movers):
        inverted = [p for p in pairs if p != m and (p[0] - m[0]) * (p[1] - m[1]) < 0]
        if len(inverted) == 1:
            movers.add(inverted[0])
    return movers


def _describe(ops: list[dict], added: list[str], removed: list[str], subj: tuple) -> str:
    parts = []
    if subj[0] and subj[1] and subj[0] != subj[1]:
        parts.append(f"subject '{subj[0]}' -> '{subj[1]}'")
    for o in ops:
        old, new = o["old"].strip(), o["new"].strip()
        if o["op"] == "replace":
            parts.append(f"'{old}' -> '{new}'")
        elif o["op"] == "insert":
            parts.append(f"added: '{new}'")
        elif o["op"] == "delete":
            parts.append(f"deleted: '{old}'")
    parts += [f"qualifier added: {q}" for q in added] + [f"qualifier removed: {q}" for q in removed]
    return "; ".join(parts) or "no change"


def _link(p: Optional[GuidelineParagraph], q: Optional[GuidelineParagraph], relation: str, score: float,
          method: str) -> Link:
    old, new = (p.text if p else ""), (q.text if q else "")
    ops = diff_ops(old, new)
    mb, ma = obligation.modals(old), obligation.modals(new)
    added = obligation.qualifiers_added(old, new, inserted_text(ops)) if p and q else obligation.qualifiers(new)
    removed = [x for x in obligation.qualifiers(old) if x not in obligation.qualifiers(new)]
    subj = (obligation.subject(old) if p else None, obligation.subject(new) if q else None)
    return Link(from_at=p.at if p else None, to_at=q.at if q else None, relation=relation, score=round(score, 1),
                method=method, modal_before=mb, modal_after=ma, direction=obligation.direction(mb, ma),
                qualifiers_added=added, qualifiers_removed=removed, subject_before=subj[0], subject_after=subj[1],
                diff_ops=ops, diff_html=ops_html(ops), changes=_describe(ops, added, removed, subj))


def version_label(meta, file: str, symbol: Optional[str] = None) -> str:
    """A guideline version as people name it: the document's name (``DocumentMeta.name``, under
    ``symbol`` when given) and its year, "CAC/COSP/WG.2/2018/5 (2018)"; a name made of the title
    already carries its date."""
    name = meta.name(file, symbol)
    symbol = symbol if symbol is not None else meta.symbol
    return f"{name} ({meta.date[:4]})" if meta.date and (symbol or name.endswith("(not identified)")) else name


def version_of(doc) -> GuidelineVersion:
    """The guideline set of a parsed document (``models.document.ParsedDocument``)."""
    year = int(doc.meta.date[:4]) if doc.meta.date else None
    v = GuidelineVersion(label=version_label(doc.meta, doc.file), file=doc.file, year=year)
    for g in doc.guidelines:
        if g.title:
            v.titles[g.number] = g.title
        for u in g.paragraphs:
            if u.kind == "guideline_paragraph":
                v.paragraphs.append(GuidelineParagraph(at=u.at, guideline=g.number, index=len(v.paragraphs),
                                                       text=u.text))
    return v


def align(old_v: GuidelineVersion, new_v: GuidelineVersion) -> tuple[list[Link], list[TitleChange]]:
    old, new = old_v.paragraphs, new_v.paragraphs
    pairs = _pairs(old, new)
    to_new = {i: j for i, (j, _) in pairs.items()}
    to_old = {j: i for i, j in to_new.items()}
    groups: dict[tuple[str, int], list[tuple[int, int, float, str]]] = {}  # (kind, anchor) -> members

    for j, q in enumerate(new):  # a new paragraph made of an old one's sentences: split
        if j in to_old:
            continue
        cands = [(i, _sentence_evidence(old[i], q)) for i in to_new]
        i, s = max(cands, key=lambda c: c[1], default=(None, 0.0))
        if i is not None and s >= MIN_SENTENCE:
            groups.setdefault(("split", i), [(i, to_new[i], pairs[i][1], "paragraph")]).append((i, j, s, "sentence"))
    for i, p in enumerate(old):  # an old paragraph whose sentences went into a paired new one: merged
        if i in to_new:
            continue
        cands = [(j, _sentence_evidence(p, new[j])) for j in to_old]
        j, s = max(cands, key=lambda c: c[1], default=(None, 0.0))
        method = "sentence"
        if j is None or s < MIN_SENTENCE:
            j, s = _absorbed_into(i, old, new, to_new)
            method = "absorbed"
        if j is not None:
            groups.setdefault(("merged", j), [(to_old[j], j, pairs[to_old[j]][1], "paragraph")]).append(
                (i, j, s, method))

    grouped = {(i, j) for members in groups.values() for i, j, _, _ in members}
    one_to_one = [(i, j) for i, j in to_new.items() if (i, j) not in grouped]
    movers = _moved(one_to_one)
    links: list[Link] = []
    for i, j in one_to_one:
        p, q = old[i], new[j]
        rel = "moved" if (i, j) in movers else ("unchanged" if _norm(p.text) == _norm(q.text) else "reworded")
        links.append(_link(p, q, rel, pairs[i][1], "paragraph"))
    for (kind, _), members in groups.items():
        for i, j, s, method in members:
            links.append(_link(old[i], new[j], kind, s, method))
    used_old = {i for i, _ in one_to_one} | {i for m in groups.values() for i, _, _, _ in m}
    used_new = {j for _, j in one_to_one} | {j for m in groups.values() for _, j, _, _ in m}
    links += [_link(p, None, "deleted", 0.0, "none") for i, p in enumerate(old) if i not in used_old]
    links += [_link(None, q, "added", 0.0, "none") for j, q in enumerate(new) if j not in used_new]
    links.sort(key=lambda lk: (_index(new, lk.to_at), _index(old, lk.from_at)))
    _sentence_moves(links, old, new)
    return links, title_changes(old_v, new_v, links)


def _absorbed_into(i: int, old, new, to_new) -> tuple[Optional[int], float]:
    """A neighbour's new version inserted this paragraph's content words: it was absorbed."""
    words = _content(old[i].text)
    best, best_share = None, 0.0
    for k in (i - 1, i + 1):
        if k not in to_new or not (0 <= k < len(old)) or old[k].guideline != old[i].guideline:
            continue
        j = to_new[k]
        gained = _content(inserted_text(diff_ops(old[k].text, new[j].text)))
        share = len(words & gained) / len(words) if words else 0.0
        if share >= 0.2 and share > best_share:
            best, best_share = j, share
    return best, round(best_share * 100, 1)


def _sentence_moves(links: list[Link], old, new) -> None:
    """Sentences that left their paragraph for another one than it was paired with."""
    by_at_old = {p.at: p for p in old}
    flat = [(q.at, s) for q in new for s in sentences(q.text)]
    targets: dict[str, set[str]] = {}
    for lk in links:
        if lk.from_at and lk.to_at:
            targets.setdefault(lk.from_at, set()).add(lk.to_at)
    for lk in links:
        if not lk.from_at or lk.relation in ("split",):
            continue
        p = by_at_old[lk.from_at]
        for k, sent in enumerate(sentences(p.text)):
            sims = similarity([sent], [s for _, s in flat])
            if not sims.size:
                continue
            idx = int(sims.argmax())
            at, score = flat[idx][0], float(sims[0, idx])
            if score >= 75 and at not in targets.get(lk.from_at, set()):
                lk.sentence_moves.append({"sentence": k + 1, "to": at, "score": round(score, 1)})


def _index(paras: list[GuidelineParagraph], at: Optional[str]) -> int:
    return next((p.index for p in paras if p.at == at), 10**6)


def title_changes(old_v: GuidelineVersion, new_v: GuidelineVersion, links: list[Link]) -> list[TitleChange]:
    """Guidelines are matched by where most of their paragraphs went; titles compared pairwise."""
    votes: dict[int, dict[int, int]] = {}
    g_of_old = {p.at: p.guideline for p in old_v.paragraphs}
    g_of_new = {p.at: p.guideline for p in new_v.paragraphs}
    for lk in links:
        if lk.from_at and lk.to_at:
            votes.setdefault(g_of_old[lk.from_at], {}).setdefault(g_of_new[lk.to_at], 0)
            votes[g_of_old[lk.from_at]][g_of_new[lk.to_at]] += 1
    out = []
    for g, title in sorted(old_v.titles.items()):
        target = max(votes.get(g, {g: 1}).items(), key=lambda kv: kv[1])[0]
        new_title = new_v.titles.get(target)
        if new_title is None or new_title == title:
            continue
        ops = diff_ops(title, new_title)
        mb, ma = obligation.modals(title), obligation.modals(new_title)
        added = obligation.qualifiers_added(title, new_title, inserted_text(ops))
        out.append(TitleChange(guideline=g, from_title=title, to_title=new_title, to_guideline=target,
                               direction=obligation.direction(mb, ma), qualifiers_added=added,
                               diff_html=ops_html(ops), changes=_describe(ops, added, [], (None, None))))
    return out
