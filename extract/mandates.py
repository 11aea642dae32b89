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

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from extract.references import RESOLUTION_KINDS, anaphora_spans, resolution_before
from extract.resources import load_yaml
from extract.sentences import sentences
from models.document import ParsedDocument, Unit
from models.mandates import Evidence, Mandate, Proposal

_ITEM_START = re.compile(r"\(([a-z])\)\s+")
# Verb forms used as adjectives: "requesting and requested States", "an established practice".
_ADJECTIVE = re.compile(r"requesting and requested|requested and requesting|requested (?:States?|countr|jurisdiction|part)"
                        r"|directed (?:against|at|towards)\b"
                        r"|(?:\ban?|\bthe|newly|recently|already|well-)\s+established\b"
                        r"|\b(?:in|with|of|under|for|per|following|by|to|along|from)\s+(?:the\s+)?established\s+[a-z]"
                        r"|\bestablished\s+(?!(?:the|a|an|its|their|this|these|that|those|and|by|in|to|on|at|under|with|for)\b)"
                        r"[a-z]+[.,;)]")


@lru_cache(maxsize=1)
def rules():
    data = load_yaml("mandates.yaml")
    verbs = data["verbs"]
    forms = sorted(verbs, key=len, reverse=True)
    return {
        "bodies": [(b["name"], re.compile(b["pattern"])) for b in data["bodies"]],
        "body_names": {b["name"] for b in data["bodies"]},
        "actors": re.compile(data["actors"]),
        "pronouns": re.compile(data["pronouns"]),
        "verb_re": re.compile(r"\b(" + "|".join(re.escape(f) for f in sorted(forms + data["other_verbs"], key=len,
                                                                                    reverse=True)) + r")\b"),
        "verbs": verbs,
        "observation": re.compile(data["observation_objects"]),
        "adverbs": data["adverbs"],
        "addressees": re.compile(data["addressees"]),
        "proposal": re.compile(data["proposal"]),
        "evidence": re.compile(data["evidence_section"]),
        "operative": data["operative"],
        "coordinated": {k.lower(): v for k, v in data["operative"].items()} | data["coordinated_phrases"],
        "coordinated_re": re.compile(
            r"(?:,|;|\band\b)\s+(?:(?:" + data["coordinated_adverbs"] + r"),?\s+)*(?P<verb>"
            + "|".join(sorted([re.escape(k.lower()) for k in data["operative"]] + [re.escape(k) for k in data["coordinated_phrases"]],
                              key=len, reverse=True)) + r")\b"),
        "agent": re.compile(data["agent_words"]),
        "to_is_preposition_after": set(data["to_is_preposition_after"]),
        "determiners": set(data["determiners"]),
        "aside": re.compile(data["aside"]),
        "not_an_agent": re.compile(data["not_an_agent"]),
        "operative_re": re.compile(r"^(?:(?:" + data["operative_adverbs"] + r")\s+)?("
                                   + "|".join(sorted(list(data["operative"]) + [k.lower() for k in data["operative"]],
                                                     key=len, reverse=True)) + r")\b"),
        "preamble": data["preamble"],
        "preamble_re": re.compile(r"^(?:(?:" + data["operative_adverbs"] + r")\s+)?("
                                  + "|".join(sorted(data["preamble"], key=len, reverse=True)) + r")\b"),
        "deliverables": [(k, re.compile(v, re.I)) for k, v in data["deliverables"].items()],
        "time_frame": re.compile(data["time_frame"]),
        "funding": re.compile(data["funding"], re.I),
    }


@dataclass
class _Verb:
    form: str
    start: int  # offset of the verb in the sentence
    end: int
    body: Optional[str] = None


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


def _is_passive(sentence: str, v: _Verb) -> bool:
    before = sentence[max(0, v.start - 25):v.start]
    after = sentence[v.end:v.end + 4]
    return bool(re.search(r"\b(?:been|was|were|is|are|be)\s+(?:\w+ly\s+)?$", before) or after.startswith(" by "))


def _verbs(sentence: str, previous_body: Optional[str]) -> list[_Verb]:
    """Verb forms with the body that is their subject (None: not a body)."""
    r = rules()
    out: list[_Verb] = []
    clause_start = 0
    last_body = previous_body
    for m in r["verb_re"].finditer(sentence):
        v = _Verb(m.group(1), m.start(), m.end())
        if _is_passive(sentence, v) or _ADJECTIVE.search(sentence[max(0, v.start - 24):v.end + 12]):
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


def _object(sentence: str, v: _Verb, nxt: Optional[_Verb]) -> str:
    end = nxt.start if nxt else len(sentence)
    obj = sentence[v.end:end]
    obj = re.sub(r"(?:,\s*|\s+)(?:and|as well as)\s+(?:has |have |had )?(?:also |further )?(?:in [^,]*? )?(?:it\s*)?$", "", obj)
    return obj.strip().rstrip(".;,")


def _parse_object(verb_lemma: str, obj: str) -> tuple[Optional[str], str]:
    """(addressee, action) from the words after the verb."""
    r = rules()
    obj = re.sub(r"^,?\s*inter alia,\s*", "", obj.strip())
    m = re.match(r"^that\s+(.*)$", obj, re.S)
    if m:
        clause = m.group(1)
        s = re.match(r"^(?P<who>.+?)\s+(?:should|shall|must|would|could|may|need to|needed to)\s+(?P<act>.+)$", clause, re.S)
        if s and r["addressees"].match(s.group("who").strip()):
            return s.group("who").strip(), s.group("act").strip()
        s = re.match(r"^(?P<who>UNODC|States parties|Member States|the Secretariat|the secretariat)\s+(?P<act>.+)$", clause)
        if s:
            return s.group("who"), s.group("act").strip()
        s = re.match(r"^(?P<who>(?:the |all )?[A-Z][\w-]*(?: (?:[A-Z][\w-]*|of|and|on|for|the))*?)"
                     r" (?P<act>(?!(?:of|and|on|for|the|to|in|at|by|with|is|are|was|were|has|have)\b)[a-z]+\b.*)$", clause, re.S)
        if s and s.group("who").split()[-1][0].isupper():
            return s.group("who"), s.group("act").strip()  # "recommended that the Council consider ...": subjunctive
        return None, clause.strip()
    m = re.match(r"^the (?:[\w-]+ ){0,2}?need for (?P<rest>.+)$", obj, re.S)
    if m:
        for k in re.finditer(r" to (?!(?:the|a|an|its|their)\b)", m.group("rest")):
            who = m.group("rest")[:k.start()].strip()
            if r["addressees"].match(who):
                return who, m.group("rest")[k.end():].strip()
    m = re.match(r"^to (?P<who>the [A-Z][\w-]*(?: (?:[A-Z][\w-]*|of|and|the|on|for))*) (?P<act>the (?:adoption|approval|consideration) .+)$",
                 obj, re.S)
    if m:  # "recommends to the General Assembly the adoption of ..."
        return m.group("who"), m.group("act").strip()
    if obj.startswith("to "):  # "reiterates its request to the Department ... to prepare ..."
        who_act = _addressee_then_infinitive(obj[3:])
        if who_act and re.match(r"(?:the |all )?[A-Z]", who_act[0]):
            return who_act
        return None, obj[3:].strip()
    m = re.match(r"^(?P<who>[^,]+?)\s+with,?\s+(?:inter alia,\s+)?(?P<act>\w+ing\b.+)$", obj, re.S)
    if m and verb_lemma == "task":
        return m.group("who").strip(), m.group("act").strip()
    who_act = _addressee_then_infinitive(obj)
    if who_act:
        return who_act
    return None, obj


def _addressee_then_infinitive(obj: str) -> Optional[tuple[str, str]]:
    """"States parties, consistent with domestic law, to transmit ..." -> (States parties, transmit ...);
    "the President of the General Assembly, the Secretary-General and UNODC to give ..." -> the list.

    The addressee ends at the first "to" that opens an infinitive: not one after "parties" or
    "signatories" (the treaty follows), nor one before a determiner or a name ("to those
    Conventions", "to the Convention")."""
    r = rules()
    for aside in (r"[^,]+", r"[^,]+,[^,]+"):  # the nearest ", to" first
        m = re.match(rf"^(?P<who>(?:(?! to )[^,])+?), (?P<aside>{aside}), to (?=[a-z])", obj[:600])
        if m and r["aside"].match(m.group("aside")) and r["agent"].search(m.group("who")) \
                and not r["not_an_agent"].match(m.group("who")):
            return m.group("who").strip(), obj[m.end():].strip()  # "States parties, without prejudice to ..., to endeavour"
    for k in re.finditer(r" to (?=(\S+))", obj[:600]):
        before = obj[:k.start()].rstrip(" ,")
        word_before = before.split()[-1].lower() if before.split() else ""
        after = k.group(1).strip(",;")
        if after.lower() in r["determiners"] or not after[:1].islower():
            continue
        if word_before in r["to_is_preposition_after"] and re.search(r"-|(?:al|ary|ic|ous)$", after):
            continue  # "parties to information-exchange agreements", "signatories to bilateral ... agreements"
        who, act = before, obj[k.end():]
        passive = re.match(r"^be \w+ed\b[^,]*? to (?!(?:the|a|an|its|their)\b)", act)
        if passive:  # "the expert group to be convened pursuant to resolution 55/61 to examine ..."
            who, act = f"{who} to {act[:passive.end() - 4]}", act[passive.end() - 3:].lstrip()
        parts = who.split(", ")
        if len(parts) > 1 and r["aside"].match(parts[1]):
            who = parts[0]  # "States parties, consistent with domestic law, to ..."
        if len(who.split()) > 30 or not r["agent"].search(who) or r["not_an_agent"].match(who) or re.search(
                r"\b(?:the need|importance|with a view)\b", who):
            return None
        return who.strip(), act.strip()
    return None


def _resolution(doc: ParsedDocument, unit: Unit, sent_start: int, verb_pos: int) -> tuple[Optional[str], list[str]]:
    lo, hi = unit.doc_offset(sent_start), unit.doc_offset(sent_start + verb_pos)
    named = [r for r in doc.references if r.kind in RESOLUTION_KINDS and lo <= r.start < hi]
    back = [s for s, _ in anaphora_spans(unit.text[sent_start:sent_start + verb_pos])]
    if back:
        anchor = unit.doc_offset(sent_start + back[-1])
        ref = resolution_before(doc.references, anchor)
        if ref and (not named or named[-1].start < anchor):
            return ref.id, [ref.id]
    if named:
        return named[-1].id, [r.id for r in named]
    return None, []


def _details(text: str) -> tuple[Optional[str], Optional[str], Optional[str]]:
    r = rules()
    deliverable = next((k for k, rx in r["deliverables"] if rx.search(text)), None)
    tf = r["time_frame"].search(text)
    fund = r["funding"].search(text)
    return deliverable, tf.group(0).strip() if tf else None, fund.group(0) if fund else None


def extract_mandates(doc: ParsedDocument) -> tuple[list[Mandate], list[Proposal], list[Evidence]]:
    r = rules()
    mandates: list[Mandate] = []
    proposals: list[Proposal] = []
    evidence: list[Evidence] = []
    block: list[str] = []  # mandates stated since the section began: what "Action taken" answers
    section: Optional[str] = None
    # Web pages and excerpts without numbered paragraphs state mandates in unnumbered text.
    units = (doc.paragraphs + doc.preamble) or [u for u in doc.front + doc.headings if len(u.text) > 120]
    for unit in sorted(units, key=lambda u: u.start):
        if unit.section and r["evidence"].match(unit.section):
            evidence.append(Evidence(at=unit.at, text=unit.text, start=unit.start, end=unit.end, mandates=list(block)))
            continue
        if unit.section != section:
            section, block = unit.section, []
        if r["proposal"].search(unit.text):
            proposals.append(Proposal(at=unit.at, text=unit.text, start=unit.start, end=unit.end))
            continue
        if unit.kind == "preamble":
            found = _preamble_mandates(doc, unit)
        else:
            found = _operative(doc, unit) or _unit_mandates(doc, unit)
        mandates += found
        block += [m.at for m in found]
    return mandates, proposals, evidence


def _resolution_of(doc: ParsedDocument, unit: Unit):
    return next((r for r in doc.resolutions if r.key == unit.resolution), None) if unit.resolution else None


def _operative(doc: ParsedDocument, unit: Unit) -> list[Mandate]:
    """A resolution's own operative paragraph: "Requests the United Nations Office ... to assist",
    "Also decides that ...: (a) ...; (b) ..." (one mandate per item), and every verb coordinated
    after the first ("Recognizes that ... and therefore encourages Member States to ...,
    in this regard invites ...", "reiterates its request to ... to ...")."""
    r = rules()
    res = _resolution_of(doc, unit)
    if res is None or unit.kind != "paragraph" or res.body not in r["body_names"]:
        return []
    text = unit.text if _ITEM_START.search(unit.text) else unit.text.split(";")[0]
    later = [c for c in r["coordinated_re"].finditer(text) if c.start() > 0]
    m = r["operative_re"].match(unit.text)
    out = []
    if m:
        lemma, strength = r["operative"][m.group(1)[0].upper() + m.group(1)[1:]]
        out += _own_clause(doc, unit, res, m, lemma, strength, stop=later[0].start() if later else None)
    for k, c in enumerate(later):
        stop = later[k + 1].start() if k + 1 < len(later) else len(text)
        lemma, strength = r["coordinated"][c.group("verb").lower()]
        out += _own_clause(doc, unit, res, c, lemma, strength, stop=stop, verb_group="verb", items=False)
    return out


def _preamble_mandates(doc: ParsedDocument, unit: Unit) -> list[Mandate]:
    """A preambular paragraph: its own participle ("Stressing the need for States parties to ...")
    is the issuer's; the mandates of the resolutions it recalls ("Recalling its resolution 7/1,
    in which it requested ...") are sightings of those resolutions."""
    r = rules()
    res = _resolution_of(doc, unit)
    if res is None or res.body not in r["body_names"]:
        return []
    out = []
    m = r["preamble_re"].match(unit.text)
    if m:
        lemma, strength = r["preamble"][m.group(1)]
        out += _own_clause(doc, unit, res, m, lemma, strength)
    return out + _unit_mandates(doc, unit, previous_body=res.body)


def _own_clause(doc: ParsedDocument, unit: Unit, res, m: re.Match, lemma: str, strength: str,
                stop: Optional[int] = None, verb_group: int | str = 1, items: bool = True) -> list[Mandate]:
    """The mandate of one verb of the issuer's own: its object runs to ``stop`` (the next
    coordinated verb) or the end of the paragraph's first clause."""
    r = rules()
    sentence = unit.text if _ITEM_START.search(unit.text) else unit.text.split(";")[0]
    obj = sentence[m.end():stop].strip()
    obj = re.sub(r"(?:,?\s*(?:and|as well as))?[\s,;:.]*$", "", obj) if stop is not None else obj.rstrip(".;:,")
    if strength == "observation" and not r["observation"].match(obj):
        return []
    addressee, action = _parse_object(lemma, obj)
    if not action:
        return []
    v = _Verb(m.group(verb_group), m.start(verb_group), m.end(), res.body)
    own = res.id
    if not items:
        action = _ITEM_START.split(action)[0].strip().rstrip(":")
    return _with_items(doc, unit, 0, sentence, v, lemma, strength, addressee, action, own, [own] if own else [])


def _unit_mandates(doc: ParsedDocument, unit: Unit, previous_body: Optional[str] = None) -> list[Mandate]:
    """Mandates a text reports ("In its resolution 7/1, the Conference requested ..."); in a
    preamble, ``previous_body`` is the issuer, whom "in which it requested" points back to."""
    r = rules()
    out: list[Mandate] = []
    carried: dict[str, tuple[Optional[str], list[str]]] = {}
    for s_off, sentence in sentences(unit.text):
        verbs = _verbs(sentence, previous_body)
        for i, v in enumerate(verbs):
            if not v.body:
                continue
            previous_body = v.body
            if v.form not in r["verbs"]:  # "condemned", "adopted": a verb of the body, not a mandate
                continue
            lemma, strength = r["verbs"][v.form]
            nxt = verbs[i + 1] if i + 1 < len(verbs) else None
            obj = _object(sentence, v, nxt)
            if strength == "observation" and not r["observation"].match(re.sub(r"^,?\s*(?:again|also)\s*,?\s*", "", obj)):
                continue
            if not obj or re.match(r"^(?:the|its|their) (?:study|results|initiative|role|usefulness)\b", obj):
                continue
            addressee, action = _parse_object(lemma, obj)
            if (not re.search(r"\bto\b|\bthat\b|\bwith\b", obj) and len(obj.split()) <= 6 and rules()["agent"].search(obj)
                    and nxt and nxt.body == v.body):
                # "requested UNODC, and invited the StAR Initiative, to continue ...": one action, two addressees
                addressee = obj
                action = _parse_object(r["verbs"][nxt.form][0], _object(sentence, nxt, None))[1]
            resolution, rlist = _resolution(doc, unit, s_off, v.start)
            if resolution is None and v.body in carried:
                resolution, rlist = carried[v.body]
            carried[v.body] = (resolution, rlist)
            out += _with_items(doc, unit, s_off, sentence, v, lemma, strength, addressee, action, resolution, rlist)
    return out


def _with_items(doc, unit, s_off, sentence, v, lemma, strength, addressee, action, resolution, rlist) -> list[Mandate]:
    """One mandate for the clause, or one per lettered item when the clause introduces items."""
    items = [m for m in _ITEM_START.finditer(action)]
    letters = [m.group(1) for m in items]
    out = []

    def make(at: str, act: str, start: int, end: int, text: str) -> Mandate:
        deliverable, tf, fund = _details(act)
        return Mandate(at=at, body=v.body, resolution=resolution, verb=lemma, strength=strength, addressee=addressee,
                       action=act.strip().rstrip(".;,"), text=text, start=start, end=end, resolution_list=rlist,
                       deliverable=deliverable, time_frame=tf, funding=fund)

    start = unit.doc_offset(s_off)
    end = unit.doc_offset(s_off + len(sentence))
    if len(items) >= 2 and letters[:2] == ["a", "b"]:
        lead = action[:items[0].start()].strip().rstrip(":").strip()
        lead_clean = re.sub(r",?\s*inter alia$", "", lead).strip().rstrip(",")
        if lead_clean and not re.search(
                r"(?:\binter alia|following \w+|as follows|\b(?:on|by|to|of|for|in|with|including|should|shall|must))$", lead):
            out.append(make(doc.address_at(unit, s_off + v.start), lead_clean, start, end, sentence))
        for k, m in enumerate(items):
            stop = items[k + 1].start() if k + 1 < len(items) else len(action)
            body = action[m.end():stop].strip().rstrip(";").strip()
            body = re.sub(r"^(?:To|to)\s+", "", body)
            body = re.sub(r";?\s*and$", "", body).strip()
            prefix = "" if lead_clean.endswith(("inter alia", ":")) else lead_clean
            text = (prefix + " " + body).strip() if re.search(r"\b(?:on|by)$", lead) else body
            at = f"{doc.address_at(unit, s_off + v.start).split('(')[0]}({m.group(1)})"
            out.append(make(at, text, start, end, sentence))
        return out
    return [make(doc.address_at(unit, s_off + v.start), action, start, end, sentence)]
