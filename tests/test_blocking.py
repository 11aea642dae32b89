"""Blocking finds every pair the fuzzy thresholds could accept, without comparing every pair."""
import itertools
import random

import pytest
from rapidfuzz import fuzz

from extract.blocking import OverlapIndex, overlap, words
from extract.lineage import SAME, SAME_OVERLAP, THREAD, THREAD_OVERLAP, Sighting, _norm, build_lineage


@pytest.mark.parametrize("t", [0.34, 0.5, 0.67, 1.0])
def test_the_index_finds_exactly_the_pairs_a_brute_force_join_finds(t):
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(40)]
    sets = [frozenset(rng.sample(vocab, rng.randint(1, 12))) for _ in range(300)]
    index = OverlapIndex(t, sets)
    for i, s in enumerate(sets):
        brute = [j for j in range(i) if overlap(sets[j], s) >= t - 1e-9]
        assert index.candidates(s) == brute
        index.add(i, s)


def test_plural_words_block_together():
    assert words("submit its reports to the Conference") >= {"report", "conference"}


def test_every_seed_pair_the_fuzzy_score_accepts_shares_enough_words(seeds):
    """The blocking condition is an approximation of the fuzzy thresholds: checked on the
    bundled corpus (the real excerpts and PDFs are checked by the same rule in cosp bench)."""
    texts = sorted({_norm(m.action) for doc in seeds.values() for m in doc.mandates})
    assert len(texts) > 50
    for a, b in itertools.combinations(texts, 2):
        score = fuzz.token_set_ratio(a, b)
        if score >= THREAD and a and b:
            assert overlap(words(a), words(b)) >= THREAD_OVERLAP, (a, b)
        if score >= SAME and a and b:
            assert overlap(words(a), words(b)) >= SAME_OVERLAP, (a, b)


def test_mandates_repeated_in_many_documents_are_found_in_linear_comparisons(monkeypatch):
    """Two mandates of one resolution, each reported in n documents with one word left out:
    two mandates found, with comparisons that do not grow as n² (the unblocked loop compared
    every sighting with every sighting of the other mandate: 5,000 calls at n = 100)."""
    from extract import lineage

    calls = []
    real = lineage.fuzz.token_set_ratio
    monkeypatch.setattr(lineage.fuzz, "token_set_ratio", lambda a, b: calls.append(1) or real(a, b))
    actions = ["continue to collect and disseminate information on good practices in asset recovery",
               "convene open-ended intergovernmental expert meetings to enhance international cooperation"]
    for n in (100, 400):
        calls.clear()
        sightings = [Sighting(f"d{i}#4#requests", f"d{i}", f"20{10 + i % 15}-01-01", "4", "COSP", "8/9", "requests",
                              " ".join(w for k, w in enumerate(actions[i % 2].split()) if k != i % 11),
                              "the Secretariat") for i in range(n)]
        found = build_lineage(sightings)
        assert len(set(found.mandate_of.values())) == 2
        assert len(calls) < 300, n  # distinct wordings are scored once per pair of wordings
