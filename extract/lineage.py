"""Mandate lineage: the same mandate seen in several documents, and threads across resolutions.

Two levels, both from rapidfuzz's token-set ratio over the action text, each link kept
with its score and method:

* sightings: mandates of the same body, verb and resolution whose actions match
  (``SAME`` or more) are one mandate reported in several documents (or twice);
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

SAME = 85.0
THREAD = 75.0
MIN_WORDS = 6  # shorter actions ("technical assistance in this regard") are too generic to thread
SAME_ADDRESSEE = 60.0
_STOP = set("the a an of to and or in on for with by that this its their be as such inter alia".split())


@dataclass
class Sighting:
    key: str  # document#address#verb
    document: str
    date: Optional[str]
    at: str
    body: str
    resolution: Optional[str]
    verb: str
    action: str
    addressee: Optional[str] = None


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


def _norm(action: str) -> str:
    words = re.findall(r"[a-z0-9]+", action.lower())
    return " ".join(w for w in words if w not in _STOP)


def _session(resolution: Optional[str]) -> int:
    m = re.match(r"^(\d+)/", resolution or "")
    return int(m.group(1)) if m else 10**6


class _Union:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _same_party(a: Sighting, b: Sighting) -> bool:
    if not a.addressee or not b.addressee:
        return True
    return fuzz.token_set_ratio(a.addressee.lower(), b.addressee.lower()) >= SAME_ADDRESSEE


def build_lineage(sightings: list[Sighting]) -> Lineage:
    out = Lineage()
    ordered = sorted(sightings, key=lambda s: (s.date or "", s.document, s.at))
    norm = {s.key: _norm(s.action) for s in ordered}
    position = {s.key: i for i, s in enumerate(ordered)}
    groups: dict[tuple, list[Sighting]] = {}  # only sightings of one body, verb and resolution can be one
    for s in ordered:
        if s.resolution is not None:
            groups.setdefault((s.body, s.verb, s.resolution), []).append(s)
    first_of: dict[str, str] = {}  # sighting -> first sighting of its mandate
    for members in groups.values():
        # Single linkage, as if every pair were compared, but each sighting is linked once to
        # each cluster it joins (to the first member it matches): a mandate repeated in N
        # documents costs N links and about N comparisons, not N².
        clusters: list[list[Sighting]] = []  # each in date order
        for b in members:
            merged, kept = [b], []
            for cluster in clusters:
                for a in cluster:
                    score = fuzz.token_set_ratio(norm[a.key], norm[b.key])
                    if score >= SAME:
                        out.links.append(LinkRecord(a.key, b.key, "sighting", round(score, 1),
                                                    "resolution+verb+action"))
                        merged += cluster
                        break
                else:
                    kept.append(cluster)
            clusters = kept + [sorted(merged, key=lambda s: position[s.key])]
        for cluster in clusters:
            for s in cluster:
                first_of[s.key] = cluster[0].key
    for s in ordered:
        out.mandate_of[s.key] = first_of.get(s.key, s.key)
    by_key = {s.key: s for s in ordered}
    mandates = {k: by_key[k] for k in set(out.mandate_of.values())}
    thread = _Union()
    ids = sorted(mandates, key=lambda k: (_session(mandates[k].resolution), mandates[k].date or ""))
    for i, a_id in enumerate(ids):
        thread.find(a_id)
        a = mandates[a_id]
        for b_id in ids[i + 1:]:
            b = mandates[b_id]
            if a.body != b.body or not a.resolution or not b.resolution or a.resolution == b.resolution:
                continue
            if min(len(norm[a_id].split()), len(norm[b_id].split())) < MIN_WORDS or not _same_party(a, b):
                continue
            score = fuzz.token_set_ratio(norm[a_id], norm[b_id])
            if score >= THREAD:
                thread.union(a_id, b_id)
                out.links.append(LinkRecord(a_id, b_id, "thread", round(score, 1), "successive resolutions+action"))
    for k in ids:
        out.thread_of[k] = thread.find(k)
    return out
