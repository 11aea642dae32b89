"""``cosp eval``: score the pipeline against hand-made answer keys.

Every extractor adds its rows here, so the figures quoted in notes always come from
one command.  Scoring follows ``spec/identifiers.md``:

* metadata: exact match per field (null counts when both are null);
* references: (kind, id, address) as a multiset, where any address that is not a
  paragraph, item, footnote or guideline address counts as the same place; the
  answer keys of real excerpts have no addresses, so there (kind, id) per document;
* entries marked ``borderline`` are optional: found or not, they never count against.

The overall F1 is micro-averaged over every scored decision.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

from pipelines.corpus.ingest import ingest
from pipelines.corpus.serialize import META_KEYS, document_json

SHARED_GOLD = Path(__file__).resolve().parents[3] / "shared" / "gold" / "seeds"
PROJECT_GOLD = Path(__file__).resolve().parents[2] / "tests" / "gold"
# The reference kinds spec/identifiers.md scores; others (decisions, treaty articles, FATF
# recommendations, other bodies' resolutions) are recognised and stored but not scored.
SCORED_REFERENCE_KINDS = ("cosp_resolution", "ga_resolution", "document", "uncac_article", "uncac_chapter",
                          "instrument")
# Operative paragraphs of a resolution inside another document are addressed in it ("8/9/op3(a)");
# preambular paragraphs are unnumbered in print, so their addresses count as "other" places.
_SPECIFIC = re.compile(r"^(?:\d+(?:\([a-z]+\))?|fn[\d*]+|g\d+\.(?:\d+|title)(?:\([a-z]+\))?|.+/op\d+(?:\([a-z]+\))?)$")


def default_gold_dir() -> Path:
    return SHARED_GOLD if SHARED_GOLD.is_dir() else PROJECT_GOLD


SHARED = SHARED_GOLD.parent.parent


def suites() -> dict[str, tuple[Path, Path]]:
    """Named answer-key sets, each (gold folder, corpus folder): the seeds, the real excerpts kept
    in ../shared, the project's typed resolution texts, and its keys for the real PDFs in ../shared."""
    from pipelines.corpus.ingest import BUNDLED

    return {
        "seeds": (default_gold_dir(), BUNDLED),
        "real": (SHARED / "gold" / "real", SHARED / "corpus" / "real-excerpts"),
        "resolutions": (PROJECT_GOLD / "resolutions", PROJECT_GOLD / "resolutions"),
        "pdfs": (PROJECT_GOLD / "pdfs", SHARED / "corpus" / "real-pdfs"),
        "pdfs-shared": (SHARED / "gold" / "pdfs", SHARED / "corpus" / "real-pdfs"),
        "multilingual": (SHARED / "gold" / "multilingual", SHARED / "corpus" / "multilingual" / "texts"),
        "akn": (SHARED / "corpus" / "multilingual" / "unsc-akn" / "2020", SHARED / "corpus" / "multilingual" / "unsc-akn" / "2020"),
    }


@dataclass
class Row:
    field: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    exact: Optional[float] = None  # exact-match rate, for fields scored per document
    compared: int = 0  # documents behind ``exact``
    summary: bool = False  # another view of decisions scored elsewhere: left out of the overall F1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)  # what went wrong, for people fixing it

    def row(self, name: str, summary: bool = False) -> Row:
        for r in self.rows:
            if r.field == name:
                return r
        r = Row(name, summary=summary)
        self.rows.append(r)
        return r

    @property
    def overall(self) -> float:
        rows = [r for r in self.rows if not r.summary]
        tp = sum(r.tp for r in rows)
        fp = sum(r.fp for r in rows)
        fn = sum(r.fn for r in rows)
        return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def place(at: Optional[str]) -> str:
    """Paragraph, item, footnote and guideline addresses compare exactly; others are one place."""
    return at if at and _SPECIFIC.match(at) else "other"


def score_sets(report: Report, name: str, gold: list, predicted: list, label: str) -> None:
    """Multiset scoring; ``gold`` entries are (key, borderline)."""
    row = report.row(name)
    required = Counter(k for k, b in gold if not b)
    optional = Counter(k for k, b in gold if b)
    pred = Counter(predicted)
    for key, n in pred.items():
        hit = min(n, required[key])
        row.tp += hit
        extra = n - hit - min(n - hit, optional[key])
        row.fp += extra
        if extra:
            report.misses.append(f"{label}: {name} extra {key}")
    for key, n in required.items():
        missed = n - min(n, pred[key])
        row.fn += missed
        if missed:
            report.misses.append(f"{label}: {name} missed {key}")


@lru_cache(maxsize=1)
def _short_bodies() -> dict[str, str]:
    """Each registered body's full name -> the spec's short canonical name ("Conference")."""
    from extract.metadata import bodies

    return {e["body"]: e.get("short", e["body"]) for e in bodies()}


def _same(key: str, g, p) -> bool:
    """Equal, a body given in the spec's short canonical form counting as its full name (the
    keys of other-language documents give "Conference", those of English ones the full name)."""
    if g == p:
        return True
    return key == "body" and g is not None and p is not None and g in set(_short_bodies().values()) \
        and _short_bodies().get(p) == g


def score_metadata(report: Report, gold: dict, out: dict, label: str) -> None:
    if gold.get("language") and "language" in out:
        ok = gold["language"] == out["language"]
        row = report.row("language")
        row.tp += ok
        row.fp += not ok and out["language"] is not None
        row.fn += not ok
        _exact(row, ok)
        if not ok:
            report.misses.append(f"{label}: language {out['language']!r} != gold {gold['language']!r}")
    for key in META_KEYS:
        if not gold.get("document") or key not in gold["document"]:
            continue
        g, p = gold["document"][key], out["document"].get(key)
        ok = _same(key, g, p)
        for row in (report.row(f"meta.{key}"), report.row("meta (all fields)", summary=True)):
            row.tp += ok and g is not None
            row.fp += (not ok) and p is not None  # a wrong value: precision counts it, abstaining does not
            row.fn += (not ok) and g is not None
            _exact(row, ok)
        if not ok:
            report.misses.append(f"{label}: {key} {p!r} != gold {g!r}")
    for key in ("paragraph_count", "footnote_count"):
        if key in gold:
            row = report.row(key)
            ok = gold[key] == out[key]
            row.tp += ok
            row.fn += not ok
            _exact(row, ok)
            if not ok:
                report.misses.append(f"{label}: {key} {out[key]} != gold {gold[key]}")


def _exact(row: Row, ok: bool) -> None:
    row.exact = ((row.exact or 0.0) * row.compared + ok) / (row.compared + 1)
    row.compared += 1


def score_references(report: Report, gold: dict, out: dict, label: str) -> None:
    if "references" not in gold:
        return  # an answer key that does not list references does not score them
    addressed = any(isinstance(r.get("at"), str) for r in gold.get("references", []))  # else (kind, id) per document
    kinds = [k for k in SCORED_REFERENCE_KINDS
             if any(r["kind"] == k for r in gold.get("references", []) + out["references"])]
    for kind in kinds:
        def key(r):
            return (r["id"], place(r["at"])) if addressed else r["id"]
        g = [(key(r), bool(r.get("borderline"))) for r in gold.get("references", []) if r["kind"] == kind]
        # A reference repeated inside one unit is one fact at that address.
        p = [key(r) for r in {(r["id"], r["at"]): r for r in out["references"] if r["kind"] == kind}.values()]
        if not addressed:  # per-document answer keys: each id once
            g, p = list(dict(g).items()), list(set(p))
        if g or p:
            score_sets(report, f"references.{kind}", g, p, label)


def score_networks(report: Report, gold: dict, out: dict, label: str) -> None:
    """(canonical name, address) pairs; answer keys without addresses compare names."""
    if "networks" not in gold or gold["networks"] is None:
        return
    g, p = [], []
    for n in gold["networks"]:
        for at in n.get("at") or [None]:
            g.append(((n["name"], place(at)), bool(n.get("borderline"))))
    for n in out["networks"]:
        p += list({(n["name"], place(at)) for at in n["at"]})
    score_sets(report, "networks", g, p, label)


def _fuzzy_equal(a, b) -> bool:
    from rapidfuzz import fuzz

    if not a and not b:
        return True
    if not a or not b:
        return False
    return fuzz.token_set_ratio(str(a).lower(), str(b).lower()) >= 85


def _mandate_ok(g: dict, m: dict) -> bool:
    resolutions = {g.get("resolution")} | set(g.get("resolution_list") or [])
    return (place(g["at"]) == place(m["at"]) and g["body"] == m["body"] and g["verb"] == m["verb"]
            and (m["resolution"] in resolutions or (g.get("resolution") is None and m["resolution"] is None))
            and _fuzzy_equal(g.get("addressee"), m.get("addressee")) and _fuzzy_equal(g["action"], m["action"]))


def score_mandates(report: Report, gold: dict, out: dict, label: str) -> None:
    """A mandate is found when body, resolution, verb and address match exactly and addressee
    and action match fuzzily (token-set ratio >= 85).  Per-field accuracy compares every gold
    mandate with the prediction at the same address and verb (else the same address)."""
    if gold.get("mandates") is None or "mandates" not in out:
        return
    row = report.row("mandates")
    left = list(out["mandates"])
    for g in gold["mandates"]:
        g = dict(g, at=g.get("at"))
        pair = next((m for m in out["mandates"] if place(m["at"]) == place(g["at"]) and m["verb"] == g["verb"]),
                    None) or next((m for m in out["mandates"] if place(m["at"]) == place(g["at"])), None)
        if pair is not None and not g.get("borderline"):
            for f in ("body", "resolution", "verb", "addressee", "action"):
                fuzzy = f in ("addressee", "action")
                ok = _fuzzy_equal(g.get(f), pair.get(f)) if fuzzy else g.get(f) == pair.get(f)
                fr = report.row(f"mandates.{f}")
                fr.tp += ok
                fr.fn += not ok
                _exact(fr, ok)
        hit = next((m for m in left if _mandate_ok(g, m)), None)
        if hit is not None:
            left.remove(hit)
            row.tp += not g.get("borderline")
            continue
        if not g.get("borderline"):
            row.fn += 1
            report.misses.append(f"{label}: mandate missed {g['at']} {g['body']} {g['verb']} {g.get('resolution')}"
                                 + (f" (near: {pair['verb']} {pair['resolution']} {pair['body']})" if pair else ""))
    row.fp += len(left)
    _score_brv(report, gold, out)
    report.misses += [f"{label}: mandate extra {m['at']} {m['body']} {m['verb']} {m['resolution']} | "
                      f"{(m.get('addressee') or '-')[:30]} | {m['action'][:50]}" for m in left]


def _score_brv(report: Report, gold: dict, out: dict) -> None:
    """Mandates as (body, resolution, verb) per document, whatever the address, addressee or action:
    whether the reader saw who gave which mandate under which resolution."""
    row = report.row("mandates (body, resolution, verb)", summary=True)
    left = [(m["body"], m["resolution"], m["verb"]) for m in out["mandates"]]
    for g in sorted(gold["mandates"], key=lambda g: bool(g.get("borderline"))):  # required ones first
        ids = {g.get("resolution")} | set(g.get("resolution_list") or [])
        hit = next((k for k in left if k[0] == g["body"] and k[2] == g["verb"] and k[1] in ids), None)
        if hit is not None:
            left.remove(hit)
            row.tp += not g.get("borderline")
        elif not g.get("borderline"):
            row.fn += 1
    row.fp += len(left)


SCORERS: list[Callable[[Report, dict, dict, str], None]] = [score_metadata, score_references, score_networks,
                                                             score_mandates]


def register(scorer: Callable[[Report, dict, dict, str], None]) -> None:
    """Extractors add their scorer here (mandates, networks, ...)."""
    if scorer not in SCORERS:
        SCORERS.append(scorer)


def evaluate(gold_dir: Path, corpus_dir: Path, pdf_reader: str = "pdfium") -> Report:
    golds = {}
    for f in sorted(Path(gold_dir).glob("*.json")):
        data = json.loads(f.read_text(encoding="utf-8"))
        if "file" in data and "document" in data:
            golds[data["file"]] = data
    files = [Path(corpus_dir) / name for name in golds if (Path(corpus_dir) / name).exists()]
    corpus = ingest(files, pdf_reader=pdf_reader)
    outputs = {d.file: document_json(d) for d in corpus.documents}
    report = Report()
    report.misses += [f"{e.file}: {e.severity}: {e.message}" for e in corpus.errors if e.severity == "error"]
    for name, gold in golds.items():
        out = outputs.get(name)
        if out is None:
            report.misses.append(f"{name}: not parsed (missing from {corpus_dir} or unreadable)")
            report.row("documents").fn += 1
            continue
        report.row("documents").tp += 1
        for scorer in SCORERS:
            scorer(report, gold, out, name)
    _extra_scorers(report, Path(gold_dir), corpus, golds)
    return report


def score_lineage(report: Report, golds: dict, corpus) -> None:
    """Gold mandates that name a ``source`` (``<file>#8/9/op1``, or null when the resolution's
    text is not in the corpus) check that each sighting reaches the operative paragraph it
    reports on; the sighting is the prediction at the same document, address and verb."""
    wanted = [(name, g) for name, gold in golds.items() for g in gold.get("mandates") or [] if "source" in g]
    if not wanted:
        return
    from extract.lineage import build_lineage
    from pipelines.corpus.entries import sightings_of

    found = [(d, m, s) for d in corpus.documents for m, s in sightings_of(d)]
    lineage = build_lineage([s for _, _, s in found])
    row = report.row("lineage.source")
    for name, g in wanted:
        s = next((s for d, m, s in found if d.file == name and place(m.at) == place(g["at"]) and m.verb == g["verb"]),
                 None)
        link = lineage.source_of.get(s.key) if s else None
        p = link.part if link else None
        ok = s is not None and p == g["source"]
        row.tp += ok and g["source"] is not None
        row.fp += (not ok) and p is not None
        row.fn += (not ok) and g["source"] is not None
        _exact(row, ok)
        if not ok:
            report.misses.append(f"{name}: lineage {g['at']} {g['verb']} source {p!r} != gold {g['source']!r}")


def _extra_scorers(report: Report, gold_dir: Path, corpus, golds: dict) -> None:
    """Corpus-level answer keys (guideline alignment, lineage) score here when present."""
    score_lineage(report, golds, corpus)
    guidelines = gold_dir / "guidelines.json"
    if guidelines.exists():
        try:
            from pipelines.quality.align_eval import score_guidelines
        except ImportError:
            return
        score_guidelines(report, json.loads(guidelines.read_text(encoding="utf-8")), corpus)


def format_table(report: Report, shown: int = 40) -> str:
    lines = [f"{'field':34} {'P':>6} {'R':>6} {'F1':>6} {'exact':>6} {'tp':>5} {'fp':>4} {'fn':>4}"]
    for r in report.rows:
        exact = f"{r.exact:.3f}" if r.exact is not None else ""
        if r.summary and not (r.tp + r.fp + r.fn):
            lines.append(f"{r.field:34} {'':>6} {'':>6} {'':>6} {exact:>6}   ({r.compared} fields)")
            continue
        lines.append(f"{r.field:34} {r.precision:6.3f} {r.recall:6.3f} {r.f1:6.3f} {exact:>6} "
                     f"{r.tp:5d} {r.fp:4d} {r.fn:4d}")
    if report.misses:
        lines.append("")
        lines.append(f"{len(report.misses)} differences" + (f" (first {shown}):" if len(report.misses) > shown else ":"))
        lines.extend(f"  {m}" for m in report.misses[:shown])
    lines.append(f"overall F1: {report.overall:.3f}")
    return "\n".join(lines)
