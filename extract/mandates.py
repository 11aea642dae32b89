"""Mandates: sentences in which a body with the power to direct asks someone to act.

For each sentence (lettered items stay inside their sentence), every directive verb
form ("requested", "called upon", "has also urged", ...) is a candidate.  It is a
mandate when its subject is one of the bodies in ``data/mandates.yaml``:

* the subject is the last body or other actor named between the previous clause and
  the verb ("the secretariat ... invited States parties" is not a mandate); a verb
  coordinated with an earlier one ("requested UNODC, and invited the StAR Initiative")
  shares its subject; "it", "which" and "the Group" point back to the last one named;
* passives ("has been stressed", "highlighted by the Working Group") are not mandates;
* observation verbs (note, stress, emphasize, ...) count only with a that-clause or an
  object that states a need or the importance of doing something.

The object decides addressee and action: "X to do" (after any parenthesis), "that X
should do", "the need for X to do", "with, inter alia, doing", or a bare object (no
addressee).  Lettered items give one mandate each, the lead-in's action leading them.
The resolution is the last one named (or pointed back to with "the same resolution")
before the verb in the sentence, else carried from the previous mandate of the same
body in the unit ("It further decided ...").
"""
from __future__ import annotations

import dataclasses
import re
from typing import Optional

from extract.mandate_text import ITEM_START, Verb, body_of_resolution, parse_object, resolution_named, rules, with_items
from extract.resolution_mandates import declaration_mandates, declaration_of, operative, preamble_mandates
from extract.reported_mandates import reported_mandates
from extract.sentences import sentences
from models.document import ParsedDocument, Unit
from models.mandates import Evidence, Mandate, Proposal

# Verb forms used as adjectives: "requesting and requested States", "an established practice".
_ADJECTIVE = re.compile(r"requesting and requested|requested and requesting|requested (?:States?|countr|jurisdiction|part)"
                        r"|directed (?:against|at|towards)\b"
                        r"|(?:\ban?|\bthe|newly|recently|already|well-)\s+established\b"
                        r"|\b(?:in|with|of|under|for|per|following|by|to|along|from)\s+(?:the\s+)?established\s+[a-z]"
                        r"|\bestablished\s+(?:pursuant to|in accordance with|by|under|through)\b"
                        r"|\bestablished\s+(?!(?:the|a|an|its|their|this|these|that|those|and|by|in|to|on|at|under|with|for)\b)"
                        r"[a-z]+[.,;)]")



def _last_named(segment: str) -> tuple[Optional[str], int, str]:
    """The last body, actor or pronoun in ``segment``: (body name or None, position, kind)."""
    r = rules()
    best: tuple[Optional[str], int, str] = (None, -1, "")
    spans = []
    for name, rx in r["bodies"]:
        for m in rx.finditer(segment):
            spans.append(m.span())
            if m.start() > best[1]:
                best = (name, m.start(), "body")
    for m in r["resolution_subjects"].finditer(segment):  # "in which the Commission": the named resolution's issuer
        if m.start() > best[1]:
            best = ("@resolution", m.start(), "body")
    inside = lambda m: any(a <= m.start() < b for a, b in spans)  # noqa: E731  "States" in "States Parties"
    for m in r["actors"].finditer(segment):
        if m.start() > best[1] and not inside(m):
            best = (None, m.start(), "actor")
    for m in r["pronouns"].finditer(segment):
        if m.start() > best[1] and not inside(m):
            kind = "pronoun:" + m.group(0).lower()
            if kind == "pronoun:which" and re.search(r"\bresolutions?\s+[\w/() ]{1,30}?,?\s*$", segment[:m.start()]):
                best = (None, m.start(), "pronoun:it")  # "resolution 6/6, which encouraged": its body speaks
            elif kind == "pronoun:which":  # "..., the Working Group, which had noted": its antecedent
                ante = _last_named(segment[:m.start()])
                best = (ante[0], m.start(), "body") if ante[2] == "body" else (None, m.start(), "actor")
            else:
                best = (None, m.start(), kind)
    return best


def _is_passive(sentence: str, v: Verb) -> bool:
    before = sentence[max(0, v.start - 25):v.start]
    after = sentence[v.end:v.end + 4]
    return bool(re.search(r"\b(?:been|was|were|is|are|be)\s+(?:\w+ly\s+)?$", before) or after.startswith(" by "))


def _verbs(sentence: str, previous_body: Optional[str]) -> list[Verb]:
    """Verb forms with the body that is their subject (None: not a body)."""
    r = rules()
    out: list[Verb] = []
    clause_start = 0
    last_body = previous_body
    for m in r["verb_re"].finditer(sentence):
        v = Verb(m.group(1), m.start(), m.end())
        if _is_passive(sentence, v) or _ADJECTIVE.search(sentence[max(0, v.start - 24):v.end + 24]):
            continue
        segment = sentence[clause_start:v.start]
        coord = re.search(r"(?:,\s*|\s)and\s+(?:" + r["adverbs"] + r")?(?:in [^,]*? )?(?:it\s+)?$", segment)
        name, pos, kind = _last_named(segment)
        if out and coord and (kind == "" or pos < coord.start() or kind.startswith("pronoun")):
            v.body = out[-1].body  # "requested UNODC, and invited ..." shares the subject
        elif kind == "body":
            v.body = name
        elif kind.startswith("pronoun"):
            v.body = last_body if kind != "pronoun:the group" or last_body == "Working Group" else None
        elif kind == "" and out:
            v.body = out[-1].body  # "condemned ..., reaffirmed ...": no new subject, the same one
        else:
            v.body = None
        if v.body:
            last_body = v.body
        out.append(v)
        clause_start = v.end
    return out


def _established_with_next(lemma: str, obj: str, sentence: str, nxt: Optional[Verb], after: Optional[Verb]) -> str:
    """What "established" shares with the verb coordinated after it (RULES M8): "the Conference
    established and decided to continue the work of the Working Group" establishes the Working
    Group; empty for any other case."""
    if lemma != "establish" or obj or nxt is None or sentence[:nxt.start].rstrip()[-3:] != "and":
        return ""
    m = rules()["established_continued"].match(_object(sentence, nxt, after))
    return m.group("what") if m else ""


def _object(sentence: str, v: Verb, nxt: Optional[Verb]) -> str:
    end = nxt.start if nxt else len(sentence)
    obj = sentence[v.end:end]
    obj = re.sub(r"(?:,\s*|\s+)(?:and|as well as)\s+(?:has |have |had )?(?:also |further )?(?:in [^,]*? )?(?:it\s*)?$", "", obj)
    return obj.strip().rstrip(".;,")


def extract_mandates(doc: ParsedDocument) -> tuple[list[Mandate], list[Proposal], list[Evidence]]:
    r = rules()
    mandates: list[Mandate] = []
    proposals: list[Proposal] = []
    evidence: list[Evidence] = []
    block: list[str] = []  # mandates stated since the section began: what "Action taken" answers
    section: Optional[str] = None
    # Web pages and excerpts without numbered paragraphs state mandates in unnumbered text.
    declaration = declaration_of(doc)
    units = (doc.paragraphs + doc.preamble) or _with_their_items(sorted(doc.front + doc.headings, key=lambda u: u.start))
    context: dict = {}  # what the paragraphs before said, for one that goes on from them (``_unit_mandates``)
    for unit in sorted(units, key=lambda u: u.start):
        if unit.section and r["evidence"].match(unit.section):
            evidence.append(Evidence(at=unit.at, text=unit.text, start=unit.start, end=unit.end, mandates=list(block)))
            continue
        if unit.section != section:
            section, block, context = unit.section, [], {}
        if r["proposal"].search(unit.text):
            proposals.append(Proposal(at=unit.at, text=unit.text, start=unit.start, end=unit.end))
            continue
        if unit.kind == "preamble":
            found = preamble_mandates(doc, unit, _unit_mandates)
        elif declaration and unit.kind == "paragraph" and unit.resolution is None and unit.start >= declaration[0]:
            found = declaration_mandates(doc, unit, declaration[1])
        else:
            found = operative(doc, unit)
            if found:  # "Recalls resolution 47/24, in which the Council decided ...": a sighting of 47/24
                found += [m for m in _unit_mandates(doc, unit, past_only=True) if m.resolution not in (None, found[0].resolution)]
            elif (doc.meta.language or "en") != "en":
                found = reported_mandates(doc, unit, doc.meta.language)
            else:
                found = _unit_mandates(doc, unit, context=context)
        mandates += found
        block += [m.at for m in found]
    return mandates, proposals, evidence


def _with_their_items(units: list[Unit]) -> list[Unit]:
    """The unnumbered text of a web page: a lead-in ending in a colon joined with the lettered
    items printed under it ("decided to establish a working group to:" / "a) Assist ...; b) ..."),
    so the items are the lead-in's mandates (RULES M7); then the units of over 120 characters
    (prose, not menus and headers)."""
    kept: list[Unit] = []
    for u in units:
        first = ITEM_START.match(u.text)
        if kept and kept[-1].text.rstrip().endswith(":") and first and first.group(1) == "a":
            prev = kept[-1]
            kept[-1] = dataclasses.replace(prev, text=prev.text + " " + u.text, end=u.end,
                                           segments=(prev.segments or [(prev.start, prev.end)])
                                           + (u.segments or [(u.start, u.end)]))
        else:
            kept.append(u)
    return [u for u in kept if len(u.text) > 120]


def _unit_mandates(doc: ParsedDocument, unit: Unit, previous_body: Optional[str] = None,
                   past_only: bool = False, context: Optional[dict] = None) -> list[Mandate]:
    """Mandates a text reports ("In its resolution 7/1, the Conference requested ..."); in a
    preamble, ``previous_body`` is the issuer, whom "in which it requested" points back to.
    ``context`` (kept by the caller from one paragraph to the next of a section) carries the
    body "It" points to and the resolution a sentence that goes on ("The Conference further
    decided ...", RULES M5) still speaks under."""
    r = rules()
    out: list[Mandate] = []
    carried: dict[str, tuple[Optional[str], list[str]]] = {}
    before = context.get("carried", {}) if context is not None else {}
    if context is not None and previous_body is None:
        previous_body = context.get("body")
    for s_off, sentence in sentences(unit.text):
        verbs = _verbs(sentence, previous_body)
        for i, v in enumerate(verbs):
            if not v.body:
                continue
            previous_body = v.body
            if v.form not in r["verbs"]:  # "condemned", "adopted": a verb of the body, not a mandate
                continue
            if past_only and not v.form.split()[0].endswith("ed"):
                continue  # in an operative paragraph, only what was asked before is reported
            lemma, strength = r["verbs"][v.form]
            nxt = verbs[i + 1] if i + 1 < len(verbs) else None
            obj = _object(sentence, v, nxt)
            shared = _established_with_next(lemma, obj, sentence, nxt, verbs[i + 2] if i + 2 < len(verbs) else None)
            obj = shared or obj
            if strength == "observation" and not r["observation"].match(re.sub(r"^,?\s*(?:again|also)\s*,?\s*", "", obj)):
                continue
            if not obj or re.match(r"^(?:the|its|their) (?:study|results|initiative|role|usefulness)\b", obj):
                continue
            addressee, action = parse_object(lemma, obj)
            if (not re.search(r"\bto\b|\bthat\b|\bwith\b", obj) and len(obj.split()) <= 6 and rules()["agent"].search(obj)
                    and nxt and nxt.body == v.body):
                # "requested UNODC, and invited the StAR Initiative, to continue ...": one action, two addressees
                addressee = obj
                action = parse_object(r["verbs"][nxt.form][0], _object(sentence, nxt, None))[1]
            resolution, rlist = resolution_named(doc, unit, s_off, v.start,
                                                 any_body=v.body not in ("Conference", "General Assembly"))
            if v.body == "@resolution":
                v.body = body_of_resolution(resolution)
                if v.body not in r["body_names"]:
                    continue
            if shared and len(rlist) > 1:  # a body is established once, by the first of the resolutions named
                resolution = rlist[0]
            if resolution is None and v.body in carried:
                resolution, rlist = carried[v.body]
            elif resolution is None and v.body in before and r["continuation"].search(sentence[:v.start]):
                resolution, rlist = before[v.body]
            carried[v.body] = (resolution, rlist)
            out += with_items(doc, unit, s_off, sentence, v, lemma, strength, addressee, action, resolution, rlist)
        quiet = {v.body for v in verbs if v.body} - carried.keys()
        if quiet and context is not None:  # a resolution named with a verb that asks nothing ("reconfirmed ... in resolution 5/4")
            named = resolution_named(doc, unit, s_off, len(sentence))
            if named[0]:
                carried |= {body: named for body in quiet}
    if context is not None:
        context["body"] = previous_body
        context["carried"] = {**before, **carried}
    return out
