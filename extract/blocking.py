"""Candidate pairs without comparing every pair: a prefix-filter index over word sets.

Fuzzy matching (rapidfuzz's token-set ratio) is exact but costs one call per pair, and
a corpus of N mandates has N² pairs.  Two actions can only reach the lineage thresholds
if they share a good part of their words: on every mandate of the seeds, the real
excerpts and the real PDFs, no pair scoring 75 or more shares fewer than half the
words of the shorter action (``cosp bench`` prints the figures).  So a pair is compared
only if its word sets overlap by at least ``t`` of the smaller one, and the pairs that can
reach ``t`` are found with the prefix filter of set-similarity joins (Chaudhuri et al.
2006; Bayardo et al. 2007, "All-pairs"): with words ordered rarest first, two sets whose
overlap is at least ``α`` share a word among the first ``|x| - α + 1`` words of the
smaller one.  Rare words have short posting lists, so the candidates of an action are
found in time that grows with its neighbours, not with the corpus.

The filter is lossless for the overlap condition (tested against a brute-force join);
the condition itself is the documented approximation of the fuzzy threshold.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Hashable, Iterable


def words(text: str) -> frozenset[str]:
    """The word set used for blocking: lower case, a plural ``s`` dropped ("report" and
    "reports" block together, as the fuzzy score treats them as near equal)."""
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in re.findall(r"[a-z0-9]+", text.lower()))


def overlap(a: frozenset, b: frozenset) -> float:
    """Shared words over the smaller set's size (1.0 when one set holds the other)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


class OverlapIndex:
    """Find earlier entries whose word sets overlap a query's by at least ``t`` (``overlap``).

    Word frequencies are fixed up front (``frequencies``: every set that will be added or
    asked about), so the rarest-first order does not change as entries are added.  Two
    posting lists are kept: every word of an entry (probed with the query's prefix, which
    finds entries at least as large as the query) and an entry's prefix only (probed
    with every word of the query, which finds the smaller entries).
    """

    def __init__(self, t: float, frequencies: Iterable[frozenset]):
        if not 0 < t <= 1:
            raise ValueError("t is a fraction of the smaller set: 0 < t <= 1")
        self.t = t
        df = Counter(w for s in frequencies for w in s)
        self._rank = {w: (n, w) for w, n in df.items()}
        self._all: dict[str, list[Hashable]] = {}
        self._prefix: dict[str, list[Hashable]] = {}
        self._sets: dict[Hashable, frozenset] = {}
        self._seq: dict[Hashable, int] = {}

    def _prefix_of(self, s: frozenset) -> list[str]:
        ordered = sorted(s, key=lambda w: self._rank.get(w, (0, w)))
        need = max(1, math.ceil(self.t * len(s) - 1e-9))
        return ordered[:len(s) - need + 1]

    def add(self, key: Hashable, s: frozenset) -> None:
        self._sets[key] = s
        self._seq[key] = len(self._seq)
        for w in s:
            self._all.setdefault(w, []).append(key)
        for w in self._prefix_of(s):
            self._prefix.setdefault(w, []).append(key)

    def candidates(self, s: frozenset) -> list[Hashable]:
        """Entries overlapping ``s`` by at least ``t``, in the order they were added."""
        if not s:
            return []
        found: set = set()
        for w in self._prefix_of(s):
            found.update(self._all.get(w, ()))
        for w in s:
            found.update(self._prefix.get(w, ()))
        keep = [k for k in found if overlap(self._sets[k], s) >= self.t - 1e-9]
        return sorted(keep, key=self._seq.__getitem__)
