"""The Security Council's own Akoma Ntoso as an answer key for reading resolutions in six languages.

Each AKN file marks what a reader of the printed text must find: the preambular paragraphs
(``<container>``), the numbered operative paragraphs (``<paragraph><num>``), and the verb each
operative paragraph opens with.  The suite renders every file to its printed lines, reads them
with the project's text parser (``extract.readers.akn`` then the structure parser, as
``cosp build`` does), and compares:

* structure: the preamble count, the operative count and the operative numbers, all equal;
* verbs: the English lemma read from each operative paragraph against the English version's
  paragraph of the same number (the English markup's text read by the English rules), with
  the lemmas that translations do not tell apart counted as one
  (:func:`extract.operative_verbs.same_meaning`).

The language packs' verb lists were seeded from the first half of the resolutions (by number);
the figures are reported for that half and for the second half, kept for checking.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from extract.operative_verbs import meaning, opening, same_meaning
from extract.readers.akn import NS, text_of

LANGS = ("en", "fr", "es", "ru", "ar", "zh")
_FILE = re.compile(r"^S_RES_(\d+)_(\d{4})\.([a-z]{2})\.xml$")


@dataclass
class Key:
    preamble: int
    operative: dict[int, str]  # printed number -> the paragraph's text
    references: set[str] = field(default_factory=set)  # symbols the text links to (undocs.org), normalized


@dataclass
class Tally:
    files: int = 0
    structure: int = 0
    verbs: int = 0
    verbs_right: int = 0
    ref_tp: int = 0
    ref_fp: int = 0
    ref_fn: int = 0
    same_parts: int = 0  # versions whose paragraph addresses equal the English version's
    same_refs: int = 0  # versions whose references equal the English version's
    compared: int = 0  # versions compared with an English one
    # printed verb -> the English versions' lemmas it stands for: what any reading of the printed
    # verb alone can reach (a word that translates two English verbs is right for one of them)
    senses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def line(self) -> str:
        s = f"{self.structure / self.files:.3f}" if self.files else "-"
        v = f"{self.verbs_right / self.verbs:.3f}" if self.verbs else "-"
        ceiling = sum(c.most_common(1)[0][1] for c in self.senses.values())
        c = f"{ceiling / self.verbs:.3f}" if self.verbs else "-"
        p = self.ref_tp / (self.ref_tp + self.ref_fp) if self.ref_tp + self.ref_fp else 0.0
        r = self.ref_tp / (self.ref_tp + self.ref_fn) if self.ref_tp + self.ref_fn else 0.0
        f1 = f"{2 * p * r / (p + r):.3f}" if p + r else "-"
        agree = (f"{self.same_parts / self.compared:.3f} {self.same_refs / self.compared:.3f}" if self.compared
                 else "    -     -")
        return f"{self.files:>5} {s:>9} {v:>7} {c:>7} {f1:>6} {agree}  verbs {self.verbs_right}/{self.verbs}"


def _number(num: str) -> Optional[int]:
    m = re.search(r"\d+", num)
    return int(m.group()) if m else None


def markup_key(path: Path) -> Key:
    doc = ET.parse(path).getroot()[0]
    pre = doc.find(f"{NS}preamble")
    ops: dict[int, str] = {}
    main = doc.find(f"{NS}mainBody")
    for p in main.findall(f"{NS}paragraph") if main is not None else []:
        num = p.find(f"{NS}num")
        n = _number(text_of(num)) if num is not None else None
        if n is not None:
            content = p.find(f"{NS}content")
            intro = p.find(f"{NS}list/{NS}intro")
            ops[n] = text_of(content if content is not None else intro if intro is not None else p)
    refs = set()
    for part in (pre, main):
        for a in part.iter(f"{NS}a") if part is not None else []:
            sym = normal_symbol(a.get("href") or "")
            if sym:
                refs.add(sym)
    return Key(preamble=len(pre.findall(f"{NS}container")) if pre is not None else 0, operative=ops, references=refs)


_LINK = re.compile(r"undocs\.org/(?:[a-z]{2}/)?(?P<sym>[A-Za-z]/.+)$")


def normal_symbol(text: str) -> Optional[str]:
    """A linked or extracted symbol in one form: "S/RES/2139(2014)" -> "S/RES/2139 (2014)"."""
    m = _LINK.search(text)
    sym = m.group("sym") if m else text
    sym = re.sub(r"^S/res/", "S/RES/", sym.strip())
    sym = re.sub(r"^(S/RES/\d+)\s*\((\d{4})\)$", r"\1 (\2)", sym)
    return sym if re.match(r"^[A-Z]/", sym) else None


def evaluate_akn(folder: Path, progress: Callable[[str], None] = lambda s: None) -> dict[tuple[str, str], Tally]:
    """(half, language) -> tally, half "first" (the packs' verbs were seeded there) or "second"."""
    from pipelines.corpus.parse import parse_bytes

    files: dict[int, dict[str, Path]] = defaultdict(dict)
    for f in sorted(folder.glob("*.xml")):
        m = _FILE.match(f.name)
        if m:
            files[int(m.group(1))][m.group(3)] = f
    numbers = sorted(files)
    first = set(numbers[:len(numbers) // 2])
    out: dict[tuple[str, str], Tally] = defaultdict(Tally)
    read: dict[tuple[int, str], tuple[list[str], set[str]]] = {}  # (number, language) -> (part addresses, references)
    for k, n in enumerate(numbers, 1):
        progress(f"S/RES/{n}: {k}/{len(numbers)}")
        english = {}
        if "en" in files[n]:
            english = {i: (opening(t, "en").lemma if opening(t, "en") else None)
                       for i, t in markup_key(files[n]["en"]).operative.items()}
        for lang, path in files[n].items():
            t = out[("first" if n in first else "second", lang)]
            t.files += 1
            try:
                key = markup_key(path)
                doc = parse_bytes(path.read_bytes(), str(path))
            except Exception as exc:  # noqa: BLE001 - a file the reader refuses is a miss, named
                t.errors.append(f"{path.name}: {exc}")
                continue
            parts = [p for r in doc.resolutions for p in r.parts]
            found = {normal_symbol(r.id) for r in doc.references
                     if r.kind in ("document", "ga_resolution", "other_resolution") and r.at != "front"} - {None}
            t.ref_tp += len(found & key.references)
            t.ref_fp += len(found - key.references)
            t.ref_fn += len(key.references - found)
            read[(n, lang)] = ([p.address for p in parts if p.kind != "item"], found)
            for sym in sorted(found - key.references)[:3]:
                t.misses.append(f"{path.name}: reference {sym} not linked in the markup")
            for sym in sorted(key.references - found)[:3]:
                t.misses.append(f"{path.name}: reference {sym} not found")
            pre = [p for p in parts if p.kind == "preambular"]
            ops = {int(re.search(r"op(\d+)", p.address).group(1)): p for p in parts if p.kind == "operative"}
            if len(doc.resolutions) == 1 and len(pre) == key.preamble and sorted(ops) == sorted(key.operative):
                t.structure += 1
            else:
                t.misses.append(f"{path.name}: preamble {len(pre)}/{key.preamble}, operative {sorted(ops)[:6]}.. "
                                f"{len(ops)}/{len(key.operative)}, resolutions {len(doc.resolutions)}")
            for i in key.operative:
                want = english.get(i)
                if want is None:
                    continue
                t.verbs += 1
                got = ops[i].lemma if i in ops else None
                t.senses[(ops[i].verb or "").lower() if i in ops else ""][meaning(want)] += 1
                if same_meaning(got, want):
                    t.verbs_right += 1
                else:
                    t.misses.append(f"{path.name} op{i}: {got!r} ({ops[i].verb if i in ops else '-'}) for {want!r}")
        if (n, "en") in read:
            for lang in files[n]:
                if lang != "en" and (n, lang) in read:
                    t = out[("first" if n in first else "second", lang)]
                    t.compared += 1
                    t.same_parts += read[(n, lang)][0] == read[(n, "en")][0]
                    t.same_refs += read[(n, lang)][1] == read[(n, "en")][1]
    return out


def format_akn(result: dict[tuple[str, str], Tally], shown: int = 20) -> str:
    rows = ["half    lang files structure   verbs by-word refsF1 same-as-English: paragraphs references",
            "------  ---- ----- --------- ------- ------- ------ -------------------------------------"]
    for half in ("first", "second"):
        for lang in LANGS:
            if (half, lang) in result:
                rows.append(f"{half:<7} {lang:<4} {result[(half, lang)].line()}")
    rows.append("(by-word: the verbs share the best single reading of each printed verb would get; "
                "a verb read from its construction can do better)")
    misses = [m for t in result.values() for m in t.errors + t.misses]
    if misses:
        rows += ["", f"differences ({len(misses)}, first {shown}):"] + [f"  {m}" for m in misses[:shown]]
    return "\n".join(rows)
