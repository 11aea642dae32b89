"""Mandate lineage: the same mandate seen in several documents, and threads across resolutions.

Two levels, both from rapidfuzz's token-set ratio over the action text, each link kept
with its score and method:

* sightings: mandates of the same body, verb and resolution whose actions match
  (``SAME`` or more) are one mandate reported in several documents (or twice);
* sources: when a resolution's text is in the corpus, each of its operative paragraphs is
  the source of its mandates; a sighting under that resolution elsewhere (a progress report,
  a later preamble) links to the operative mandate its action matches best (``SOURCE`` or
  more; ``SOURCE_OTHER_VERB`` when the report words the verb differently: "mandated" for
  "Decides that ... shall"), and the mandate's timeline then starts at the operative paragraph;
* threads: mandates of the same body, addressed to the same party (or to no one named),
  under different resolutions, whose actions are close (``THREAD`` or more, and at least
  ``MIN_WORDS`` content words, since short actions match anything) continue one task ("initiate the process" 6/2 -> "continue
  its work ... with a view to developing non-binding guidelines" 7/1 -> "sustain the
  process" 8/9), ordered by session.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from rapidfuzz import fuzz

from extract.blocking import OverlapIndex, words
from models.corpus import Sighting

__all__ = ["Sighting", "build_lineage"]

SAME = 85.0
SOURCE = 75.0
SOURCE_OTHER_VERB = 85.0
THREAD = 75.0
MIN_WORDS = 6  # shorter actions ("technical assistance in this regard") are too generic to thread
SAME_ADDRESSEE = 60.0
# Word overlap (of the smaller action) below which no pair reaches SAME / THREAD: the
# lowest seen over every real mandate pair is 0.67 at SAME and 0.5 at THREAD; the
# blocks keep a margin below both (extract/blocking.py).
SAME_OVERLAP = 0.5
THREAD_OVERLAP = 0.34
_STOP = set("the a an of to and or in on for with by that this its their be as such inter alia".split())


@dataclass
class SourceLink:
    part: str  # the operative paragraph's id: "<document>#8/9/op1"
    mandate: str  # the key of the mandate printed there
    score: float
    method: str


@dataclass
class LinkRecord:
    a: str
    b: str
    kind: str  # sighting | thread
    score: float
    method: str


@dataclass
class Lineage:
    mandate_of: dict[str, str] = field(default_factory=dict)  # sighting key -> mandate id (first sighting)
    thread_of: dict[str, str] = field(default_factory=dict)  # mandate id -> thread id
    links: list[LinkRecord] = field(default_factory=list)
    source_of: dict[str, SourceLink] = field(default_factory=dict)  # sighting key -> its operative paragraph


def _norm(action: str) -> str:
    words = re.findall(r"[a-z0-9]+", action.lower())
    return " ".join(w for w in words if w not in _STOP)


def _session(resolution: Optional[str]) -> int:
    m = re.match(r"^(\d+)/", resolution or "")
    return int(m.group(1)) if m else 10**6


class _Union:
    """Union-find over sighting keys; a component holds at most one source (one operative
    paragraph), so two paragraphs of a resolution are never merged into one mandate."""

    def __init__(self):
        self.parent: dict[str, str] = {}
        self.source: dict[str, str] = {}  # root -> the source sighting's key

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        sa, sb = self.source.get(ra), self.source.get(rb)
        if sa and sb:
            return False
        root, child = min(ra, rb), max(ra, rb)
        self.parent[child] = root
        if sa or sb:
            self.source[root] = sa or sb
        self.source.pop(child, None)
        return True


def _same_party(a: Sighting, b: Sighting) -> bool:
    if not a.addressee or not b.addressee:
        return True
    return fuzz.token_set_ratio(a.addressee.lower(), b.addressee.lower()) >= SAME_ADDRESSEE


def _sources(ordered: list[Sighting], norm: dict[str, str], out: Lineage) -> None:
    """Link every sighting under a resolution whose text the corpus holds to its operative paragraph."""
    by_resolution: dict[tuple[str, str], list[Sighting]] = {}
    for s in ordered:
        if s.part and s.resolution:
            by_resolution.setdefault((s.body, s.resolution), []).append(s)
    for s in ordered:
        candidates = by_resolution.get((s.body, s.resolution or ""), [])
        if s.part or not candidates:
            continue
        best: Optional[tuple[float, int, Sighting]] = None
        for rank, src in enumerate(candidates):
            if not _same_party(src, s):
                continue
            score = fuzz.token_set_ratio(norm[src.key], norm[s.key])
            if score < (SOURCE if src.verb == s.verb else SOURCE_OTHER_VERB):
                continue
            key = (score + (1 if src.verb == s.verb else 0), -rank, src)
            if best is None or key[:2] > best[:2]:
                best = key
        if best is not None:
            src = best[2]
            method = "resolution+verb+action" if src.verb == s.verb else "resolution+action"
            score = round(fuzz.token_set_ratio(norm[src.key], norm[s.key]), 1)
            out.source_of[s.key] = SourceLink(src.part, src.key, score, method)
            out.links.append(LinkRecord(src.key, s.key, "source", score, method))


def build_lineage(sightings: list[Sighting]) -> Lineage:
    out = Lineage()
    ordered = sorted(sightings, key=lambda s: (s.part is None, s.date or "", s.document, s.at))
    norm = {s.key: _norm(s.action) for s in ordered}
    by_key = {s.key: s for s in ordered}
    same = _Union()
    for s in ordered:
        if s.part:
            out.source_of[s.key] = SourceLink(s.part, s.key, 100.0, "printed in the resolution")
            same.source[same.find(s.key)] = s.key
    _sources(ordered, norm, out)
    for key, link in out.source_of.items():
        same.union(key, link.mandate)
    groups: dict[tuple, list[Sighting]] = {}  # only sightings of one body, verb and resolution can be one
    for s in ordered:
        if s.resolution is not None:
            groups.setdefault((s.body, s.verb, s.resolution), []).append(s)
    score = _Scores(norm)
    for members in groups.values():
        _sightings(members, norm, same, score, out)
    first: dict[str, str] = {}  # component root -> its earliest sighting
    for s in ordered:
        first.setdefault(same.find(s.key), s.key)
    for s in ordered:
        root = same.find(s.key)
        out.mandate_of[s.key] = same.source.get(root) or first[root]
    mandates = {k: by_key[k] for k in dict.fromkeys(out.mandate_of[s.key] for s in ordered)}  # a stable order
    thread = _Union()
    ids = sorted(mandates, key=lambda k: (_session(mandates[k].resolution), mandates[k].date or ""))
    # Only mandates under a resolution, with enough words, can thread; they are compared within
    # their body's block, and there only with the mandates sharing enough words (extract/blocking.py).
    blocks: dict[str, list[str]] = {}
    for k in ids:
        thread.find(k)
        m = mandates[k]
        if m.resolution and len(norm[k].split()) >= MIN_WORDS:
            blocks.setdefault(m.body, []).append(k)
    for block in blocks.values():
        vocab = {k: words(norm[k]) for k in block}
        index = OverlapIndex(THREAD_OVERLAP, vocab.values())
        found = []
        for b_id in block:
            b = mandates[b_id]
            for a_id in index.candidates(vocab[b_id]):
                a = mandates[a_id]
                if a.resolution != b.resolution and _same_party(a, b):
                    found.append((a_id, b_id))
            index.add(b_id, vocab[b_id])
        position = {k: i for i, k in enumerate(block)}
        for a_id, b_id in sorted(found, key=lambda p: (position[p[0]], position[p[1]])):
            pair = score(a_id, b_id)
            if pair >= THREAD:
                thread.union(a_id, b_id)
                out.links.append(LinkRecord(a_id, b_id, "thread", round(pair, 1), "successive resolutions+action"))
    for k in ids:
        out.thread_of[k] = thread.find(k)
    return out


class _Scores:
    """Token-set ratio of two sightings' normalised actions, each pair of texts scored once
    (a mandate quoted verbatim in many documents is one text)."""

    def __init__(self, norm: dict[str, str]):
        self.norm, self.memo = norm, {}

    def __call__(self, a: str, b: str) -> float:
        x, y = self.norm[a], self.norm[b]
        if x == y:
            return 100.0
        pair = (x, y) if x < y else (y, x)
        if pair not in self.memo:
            self.memo[pair] = fuzz.token_set_ratio(x, y)
        return self.memo[pair]


def _sightings(members: list[Sighting], norm: dict[str, str], same: _Union, score: _Scores, out: Lineage) -> None:
    """Single linkage within one (body, verb, resolution) group, as if every pair were compared:
    a sighting is compared with the earlier texts that share enough words (``SAME_OVERLAP``),
    and linked once to each mandate it joins (to its earliest matching sighting).  Each text
    keeps one sighting per mandate it belongs to, so a mandate repeated in N documents costs
    about N comparisons, not N²."""
    texts: dict[str, list[Sighting]] = {}  # normalised action -> its earliest sighting per mandate
    vocab = {t: words(t) for t in dict.fromkeys(norm[s.key] for s in members)}
    index = OverlapIndex(SAME_OVERLAP, vocab.values())
    for b in members:
        text = norm[b.key]
        for other in index.candidates(vocab[text]):
            kept: dict[str, Sighting] = {}
            for a in texts[other]:
                kept.setdefault(same.find(a.key), a)
            texts[other] = list(kept.values())
            for a in texts[other]:
                if same.find(a.key) == same.find(b.key):
                    continue
                pair = score(a.key, b.key)
                if pair >= SAME and same.union(a.key, b.key):
                    out.links.append(LinkRecord(a.key, b.key, "sighting", round(pair, 1), "resolution+verb+action"))
        if text not in texts:
            texts[text] = []
            index.add(text, vocab[text])
        texts[text].append(b)
