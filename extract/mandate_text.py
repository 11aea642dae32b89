"""The grammar of a mandate clause, shared by mandates reported in prose and mandates given
in a resolution's own text: the rules in ``data/mandates.yaml``, who is asked and what to do
(the object after the verb), which resolution the clause is under, and one mandate per
lettered item.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from extract.references import RESOLUTION_KINDS, anaphora_spans, resolution_before
from extract.resources import load_yaml
from models.document import ParsedDocument, Unit
from models.mandates import Mandate

ITEM_START = re.compile(r"(?:\(|(?<![\w(]))([a-z])\)\s+")  # "(a) ", and "a) " as web pages print it


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
        "continuation": re.compile(data["continuation"], re.I),
        "established_continued": re.compile(data["established_continued"], re.S),
        "not_an_agent": re.compile(data["not_an_agent"]),
        "operative_re": re.compile(r"^(?:(?:" + data["operative_adverbs"] + r")\s+)?("
                                   + "|".join(sorted(list(data["operative"]) + [k.lower() for k in data["operative"]],
                                                     key=len, reverse=True)) + r")\b"),
        "preamble": data["preamble"],
        "preamble_re": re.compile(r"^(?:(?:" + data["operative_adverbs"] + r")\s+)?("  # "Also encouraging ..."
                                  + "|".join(sorted(list(data["preamble"]) + [k.lower() for k in data["preamble"]],
                                                    key=len, reverse=True)) + r")\b"),
        "coordinated_participles": {v: data["preamble"][v[0].upper() + v[1:]] for v in data["coordinated_participles"]},
        "coordinated_pp_re": re.compile(  # after a comma: "on promoting and encouraging the ..." is a title's gerund
            r"[,;]\s+(?:and\s+)?(?:(?:" + data["coordinated_adverbs"] + r"),?\s+)*(?P<verb>"
            + "|".join(sorted(data["coordinated_participles"], key=len, reverse=True)) + r")\b"),
        "resolution_subjects": re.compile(data["resolution_subjects"]),
        "resolution_bodies": data["resolution_bodies"],
        "declaration_speaker": re.compile(data["declaration"]["speaker"]),
        "declaration_verb": re.compile(data["declaration"]["verb"]),
        "declaration_verbs": data["declaration"]["verbs"],
        "deliverables": [(k, re.compile(v, re.I)) for k, v in data["deliverables"].items()],
        "time_frame": re.compile(data["time_frame"]),
        "funding": re.compile(data["funding"], re.I),
    }


@lru_cache(maxsize=1)
def strengths() -> dict[str, str]:
    """Every mandate lemma and its strength ("request" -> request, "urge" -> exhortation), from the
    operative and the reported verbs alike: what a verb read in another language is classed by."""
    r = rules()
    return {lemma: strength for lemma, strength in list(r["verbs"].values()) + list(r["operative"].values())}


@dataclass
class Verb:
    form: str
    start: int  # offset of the verb in the sentence
    end: int
    body: Optional[str] = None


def parse_object(verb_lemma: str, obj: str) -> tuple[Optional[str], str]:
    """(addressee, action) from the words after the verb."""
    r = rules()
    obj = re.sub(r"^,?\s*inter alia,\s*", "", obj.strip())
    m = re.match(r"^that\s+(.*)$", obj, re.S)
    if m:
        clause = m.group(1)
        s = re.match(r"^(?P<who>(?:the |all )?[A-Z][^,]{0,80}?), (?P<aside>[^,]+?), (?P<act>[a-z]+\b.*)$", clause, re.S)
        if s and r["aside"].match(s.group("aside")) and r["agent"].search(s.group("who")) and not re.search(
                r"\b(?:should|shall|must|would|could|may|will|need|is|are)\b", s.group("who")):
            return s.group("who"), s.group("act").strip()  # "that Member States, as appropriate ..., adopt ..."
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
    m = re.match(r"^(?P<who>(?:(?! to )[^,])+?), (?P<aside>.+?), to (?=[a-z])", obj[:900])  # the nearest ", to"
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
        if len(who.split()) > 45 or not r["agent"].search(who) or r["not_an_agent"].match(who) or re.search(
                r"\b(?:the need|importance|with a view)\b", who):
            return None
        return who.strip(), act.strip()
    return None


def resolution_named(doc: ParsedDocument, unit: Unit, sent_start: int, verb_pos: int,
                     any_body: bool = False) -> tuple[Optional[str], list[str]]:
    """The resolution a clause is under: the last one named before its verb (or pointed back to).
    Only the Conference's and the Assembly's count, unless the subject is another body's
    ("in which the Council decided"): ``any_body``."""
    kinds = RESOLUTION_KINDS + (("other_resolution",) if any_body else ())
    lo, hi = unit.doc_offset(sent_start), unit.doc_offset(sent_start + verb_pos)
    named = [r for r in doc.references if r.kind in kinds and lo <= r.start < hi
             and not r.at.startswith("fn")]  # a footnote printed inside the paragraph's span is not its text
    back = [s for s, _ in anaphora_spans(unit.text[sent_start:sent_start + verb_pos])]
    if back:
        anchor = unit.doc_offset(sent_start + back[-1])
        ref = resolution_before(doc.references, anchor)
        if ref and (not named or named[-1].start < anchor):
            return ref.id, [ref.id]
    if named:
        # A resolution cited in brackets names an instrument ("the Convention ... (resolution 55/25,
        # annex I) was desirable and decided ..."), not the resolution the clause is under: the
        # last one named outside brackets is, where there is one.
        clause = unit.text[sent_start:sent_start + verb_pos]
        bracketed = [(unit.doc_offset(sent_start + m.start()), unit.doc_offset(sent_start + m.end()))
                     for m in re.finditer(r"\([^()]*\)", clause)]
        free = [r for r in named if not any(a <= r.start < b for a, b in bracketed)]
        return (free or named)[-1].id, [r.id for r in named]
    return None, []


# What is asked, as kept: the longest real action is under 600 characters; a clause that runs
# on (a unit of thousands of verbs and no full stop) is cut here, so each mandate costs the
# same whatever the unit's length (otherwise n verbs made n actions of the unit's length).
MAX_ACTION = 1000


def bounded(action: str) -> str:
    if len(action) <= MAX_ACTION:
        return action
    cut = action.rfind(" ", 0, MAX_ACTION)
    return action[:cut if cut > MAX_ACTION // 2 else MAX_ACTION] + " …"


def details(text: str) -> tuple[Optional[str], Optional[str], Optional[str]]:
    text = text[:MAX_ACTION]
    r = rules()
    deliverable = next((k for k, rx in r["deliverables"] if rx.search(text)), None)
    tf = r["time_frame"].search(text)
    fund = r["funding"].search(text)
    return deliverable, tf.group(0).strip() if tf else None, fund.group(0) if fund else None


def with_items(doc, unit, s_off, sentence, v, lemma, strength, addressee, action, resolution, rlist) -> list[Mandate]:
    """One mandate for the clause, or one per lettered item when the clause introduces items."""
    items = [m for m in ITEM_START.finditer(action)]
    letters = [m.group(1) for m in items]
    out = []

    def make(at: str, act: str, start: int, end: int, text: str) -> Mandate:
        deliverable, tf, fund = details(act)
        return Mandate(at=at, body=v.body, resolution=resolution, verb=lemma, strength=strength, addressee=addressee,
                       action=bounded(act.strip().rstrip(".;,")), text=text, start=start, end=end, resolution_list=rlist,
                       deliverable=deliverable, time_frame=tf, funding=fund)

    start = unit.doc_offset(s_off)
    end = unit.doc_offset(s_off + len(sentence))
    if len(sentence) > 2 * MAX_ACTION:  # a run-on "sentence": each mandate keeps the stretch around its verb
        lo = max(0, v.start - 300)
        sentence = ("… " if lo else "") + sentence[lo:v.start + MAX_ACTION] + " …"
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


def body_of_resolution(rid: Optional[str]) -> Optional[str]:
    """The body that issued a resolution, told by its canonical id ("HRC 47/24", "A/RES/77/276", "7/1")."""
    if not rid:
        return None
    if re.fullmatch(r"\d+/\d+", rid):
        return "Conference"
    return next((body for prefix, body in rules()["resolution_bodies"].items() if rid.startswith(prefix)), None)
