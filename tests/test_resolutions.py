"""Resolution texts: one record per resolution, parts addressed as delegates cite them."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.evaluate import evaluate
from pipelines.parse import parse_bytes, parse_path

TYPED = Path(__file__).parent / "gold" / "resolutions"


def test_a_session_report_chapter_gives_one_record_per_resolution_with_restarted_numbering():
    doc = parse_path(TYPED / "cosp_report_chapter.txt")
    assert [(r.id, r.title, r.body) for r in doc.resolutions] == [
        ("8/9", "Strengthening asset recovery to support the 2030 Agenda for Sustainable Development", "Conference"),
        ("8/10", "Promoting the role of the private sector", "Conference")]
    parts = [p.address for p in doc.resolutions[0].parts]
    assert parts[:3] == ["8/9/pp1", "8/9/pp2", "8/9/pp3"] and "8/9/op3(a)" in parts and "8/9/op4" in parts
    assert [p.at for p in doc.paragraphs if "/" not in p.at] == ["1", "2"]  # the report's own numbering stays


def test_operative_mandates_carry_the_resolutions_own_id_and_preamble_recalls_are_sightings():
    doc = parse_path(TYPED / "cosp_report_chapter.txt")
    got = {(m.at, m.verb, m.resolution) for m in doc.mandates}
    assert ("8/9/op1", "request", "8/9") in got and ("8/10/op1", "urge", "8/10") in got
    assert ("8/9/pp2", "request", "7/1") in got  # "Recalling also its resolution 7/1 ..., in which it requested"
    assert not any(m.verb in ("adopt", "note") for m in doc.mandates)


@pytest.mark.parametrize("sentence, verb", [
    ("1. Reaffirms its commitment to the Convention;", None),
    ("1. Endorses the conclusions of the Working Group, in line with established practice;", None),
    ("1. Also requests the Secretariat to report on the implementation of the present resolution;", "request"),
    ("1. Further decides to convene an expert meeting on asset recovery in 2020;", "decide"),
])
def test_operative_verbs(sentence, verb):
    text = f"Resolution 9/1\nA title\n\nThe Conference of the States Parties to the United Nations Convention against Corruption,\n\nRecalling chapter V of the Convention,\n\n{sentence}\n"
    doc = parse_bytes(text.encode(), "r.txt")
    assert [m.verb for m in doc.mandates] == ([verb] if verb else [])
    assert all(m.resolution == "9/1" for m in doc.mandates)


def test_issuer_context_does_not_leak_from_an_earlier_clause():
    doc = parse_path(TYPED / "ga_resolution.txt")
    ids = {r.id for r in doc.references}
    assert {"A/RES/73/190", "A/RES/73/191", "HRC 35/25"} <= ids and "HRC 73/190" not in ids


def test_a_resolution_cut_before_its_operative_part_is_flagged():
    text = "Resolution 9/2\nA title\n\nThe Conference of the States Parties to the United Nations Convention against Corruption,\n\nRecalling its resolution 8/9,\n"
    doc = parse_bytes(text.encode(), "cut.txt")
    assert any("cut.txt: resolution 9/2" in w and "before any operative paragraph" in w for w in doc.warnings)


def test_the_typed_resolution_keys_score_as_the_issue_requires():
    report = evaluate(TYPED, TYPED)
    brv = report.row("mandates (body, resolution, verb)")
    assert brv.f1 >= 0.9 and report.row("mandates").f1 >= 0.9
    assert report.row("meta (all fields)").exact >= 0.95
