"""The resolutions pages: every resolution the corpus gives or cites, one resolution's page, and
finding a resolution by any way people write it.

A delegate types "71/208", "A/RES/71/208", "resolution 7/1", "CCPCJ 25/2" or "Commission on
Crime Prevention resolution 25/2"; the ids are those the reference reader gives
(``cosp_resolution`` "7/1", ``ga_resolution`` "A/RES/71/208", ``other_resolution`` "CCPCJ 25/2",
"S/RES/2436 (2018)").  The issuers and their id prefixes come from the reference reader's own
data (``extract/data/references.yaml``), so the two never disagree.
"""
from __future__ import annotations

import re
import sqlite3
from functools import lru_cache
from typing import Optional
from urllib.parse import quote

from extract.resources import load_yaml
from pipelines.publish.pagekit import (addressee_url, document_url, mandate_url, readable_document_url, resolution_url,
                                       rows)

_NUMBER = re.compile(r"(?P<num>\d{1,3}/\d{1,4})\b|(?P<sc>\b\d{3,4})\s*(?:\((?P<year>\d{4})\))?\s*$")
_WORD = re.compile(r"^\s*(?:resolutions?|res\.)\s*", re.I)
KINDS = "('cosp_resolution', 'ga_resolution', 'other_resolution')"  # the reference kinds that are resolutions
OTHER = "Other bodies"  # an id whose form names no body (a draft's symbol, A/80/L.8)


@lru_cache(maxsize=1)
def _issuers() -> list[tuple[re.Pattern, str]]:
    """(what names the issuer, the id prefix): the reference reader's issuers, and each prefix's
    own letters ("CCPCJ", "HRC", "S/RES")."""
    R = load_yaml("references.yaml")
    out = []
    for issuer in R["issuers"]:
        prefix = issuer.get("prefix", "A/RES/" if issuer["kind"] == "ga_resolution" else "")
        out.append((re.compile(issuer["pattern"], re.I), prefix))
        if prefix.strip():
            out.append((re.compile(r"\b" + re.escape(prefix.strip().rstrip("/")) + r"\b", re.I), prefix))
    out.append((re.compile(r"\bGA\b|\bA/RES\b", re.I), "A/RES/"))
    return out


@lru_cache(maxsize=1)
def _bodies() -> tuple[tuple[str, str], ...]:
    """(id prefix, issuing body), longest prefix first; the Conference's own ids have none."""
    issuers = load_yaml("references.yaml")["issuers"]
    found = {i.get("prefix", "A/RES/" if i["kind"] == "ga_resolution" else ""): i["body"] for i in issuers}
    return tuple(sorted(found.items(), key=lambda kv: -len(kv[0])))


@lru_cache(maxsize=1)
def id_pattern() -> re.Pattern:
    """What a resolution id looks like: the Conference's "7/1", a special session's "S-30/1", or
    an issuer's prefix and its number ("A/RES/71/208", "CCPCJ 25/2", "S/RES/2436 (2018)")."""
    prefixes = "|".join(re.escape(p) for p, _ in _bodies() if p)
    return re.compile(rf"^(?:\d+/\d+|S-\d+/\d+|(?:{prefixes})\d[\w/() -]*)$")


def body_of(rid: str) -> str:
    """The body whose resolution ``rid`` is, by the id's prefix ("CCPCJ 25/2", "A/RES/71/208"); a bare
    "7/1" is the Conference's; another form (a draft's symbol) names no body."""
    if re.fullmatch(r"\d+/\d+", rid):
        return dict(_bodies())[""]
    return next((body for prefix, body in _bodies() if prefix and rid.startswith(prefix)), OTHER)


def _known(conn: sqlite3.Connection, rid: str) -> Optional[str]:
    """The id as the database holds it (a Security Council number with or without its year)."""
    found = conn.execute("select id from resolutions where id = ? union all select ref_id from [references] "
                         f"where ref_id = ? and kind in {KINDS} limit 1", [rid, rid]).fetchone()
    if found:
        return found[0]
    if rid.startswith("S/RES/") and "(" not in rid:
        found = conn.execute("select id from resolutions where id like ? || ' (%' union all select ref_id from "
                             "[references] where ref_id like ? || ' (%' limit 1", [rid, rid]).fetchone()
    return found[0] if found else None


def resolve(conn: sqlite3.Connection, typed: Optional[str]) -> Optional[str]:
    """The id of the resolution ``typed`` names, if the corpus gives or cites it; None otherwise."""
    q = " ".join((typed or "").split())
    if not q:
        return None
    exact = _known(conn, q)
    if exact:
        return exact
    m = _NUMBER.search(q)
    if not m:
        return None
    before = _WORD.sub("", q[:m.start()]).strip()
    if m.group("sc"):
        return _known(conn, f"S/RES/{m.group('sc')}" + (f" ({m.group('year')})" if m.group("year") else ""))
    num = m.group("num")
    named = [prefix for rx, prefix in _issuers() if before and rx.search(before)]
    if named:
        candidates = [named[0] + num]
    else:
        session = int(num.split("/")[0])
        candidates = [num, "A/RES/" + num] if session <= load_yaml("references.yaml")["max_cosp_session"] \
            else ["A/RES/" + num, num]
        candidates += [prefix + num for _, prefix in _issuers() if prefix not in ("", "A/RES/")]
    return next((found for c in candidates if (found := _known(conn, c))), None)


def resolutions_index(conn: sqlite3.Connection) -> dict:
    """Every resolution the corpus gives (its text is here) or cites, by body and session, with
    how often it is cited, in how many documents, and how many mandates are reported under it."""
    cited = rows(conn, f"select ref_id as id, count(*) as times, count(distinct document) as documents "
                       f"from [references] where kind in {KINDS} group by ref_id")
    found = {r["id"]: dict(r, text=False, mandates=0, title=None) for r in cited}
    for r in rows(conn, "select id, title, body, text_document, times_cited, documents_citing from resolutions"):
        entry = found.setdefault(r["id"], dict(id=r["id"], times=r["times_cited"] or 0,
                                               documents=r["documents_citing"] or 0, mandates=0))
        entry.update(title=r["title"], text=bool(r["text_document"]), issuer=r["body"])
    for r in rows(conn, "select resolution, count(*) as n from mandates where resolution is not null "
                        "group by resolution"):
        if r["resolution"] in found:
            found[r["resolution"]]["mandates"] = r["n"]
    bodies: dict[str, list[dict]] = {}
    for r in found.values():  # the issuer its text names (a draft "A/80/L.8": the Assembly), else its id's
        r["url"], r["body"] = resolution_url(r["id"]), r.get("issuer") or body_of(r["id"])
        bodies.setdefault(r["body"], []).append(r)
    order = [body_of("1/1"), "General Assembly"]
    groups = [dict(body=b, resolutions=sorted(rs, key=_order_key))
              for b, rs in sorted(bodies.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 9, kv[0]))]
    return {"groups": groups, "total": len(found)}


def _order_key(r: dict) -> tuple:
    numbers = [int(n) for n in re.findall(r"\d+", r["id"])]
    return (numbers, r["id"])


def resolution_page(conn: sqlite3.Connection, typed: Optional[str]) -> Optional[dict]:
    """A resolution: its record, its text part by part (when the corpus prints it) with the
    mandates each operative paragraph gives and how often later documents reported on them; the
    mandates reported under it elsewhere, grouped by who is asked; the documents citing it,
    each place a link.  A resolution only cited still has its page."""
    rid = resolve(conn, typed)
    if rid is None:
        return None
    res = next(iter(rows(conn, "select * from resolutions where id = ?", [rid])), None) or {"id": rid}
    res["body"] = res.get("body") or (body_of(rid) if body_of(rid) != OTHER else None)
    parts = rows(conn, "select * from resolution_paragraphs where resolution = ? and document = ? order by seq",
                 [rid, res.get("text_document") or ""])
    given: dict[str, list] = {}
    for m in rows(conn, "select g.id, g.source, g.verb, g.addressee, g.action, g.thread, "
                        "(select count(*) from mandates s where s.source = g.source and s.at_source = 0) as reported "
                        "from mandates g where g.at_source = 1 and g.resolution = ?", [rid]):
        m["thread_url"] = mandate_url(m["thread"])
        given.setdefault(m["source"], []).append(m)
    for p in parts:
        p["mandates"] = given.get(p["id"], [])
        p["document_url"] = document_url(p["document"], p["at"])
    total = conn.execute("select count(*), count(distinct document) from [references] where ref_id = ?",
                         [rid]).fetchone()
    citing = rows(conn, "select r.document, d.name, d.symbol, d.language, d.date, count(*) as times, "
                        "group_concat(distinct r.at) "
                        "as places from [references] r join documents d on d.id = r.document where r.ref_id = ? "
                        "group by r.document order by d.date, d.name limit ?", [rid, CITING_SHOWN])
    for c in citing:
        c["document_url"] = readable_document_url(c["document"], c["symbol"], c["language"])
        c["places"] = [dict(at=at, url=readable_document_url(c["document"], c["symbol"], c["language"], at))
                       for at in (c["places"] or "").split(",") if at]
    res["times_cited"], res["documents_citing"] = total
    return {"resolution": res, "parts": parts, "citing": citing, "reported": reported_mandates(conn, rid),
            "typed": typed if typed != rid else None}


THREADS_SHOWN = 25  # mandates per addressee on a resolution's page (the rest: the filtered thread list)
PLACES_SHOWN = 5  # reports per mandate (the rest: its timeline)
CITING_SHOWN = 100


def reported_mandates(conn: sqlite3.Connection, rid: str) -> list[dict]:
    """The mandates documents report under the resolution, grouped by who is asked (the
    Secretariat first, then by how many reports), each mandate once with what it asks, its
    timeline and its latest reports, each linked to its paragraph.  Bounded: a resolution
    reported thousands of times shows the busiest mandates of each addressee and links the rest."""
    groups = rows(conn, "select coalesce(addressee_key, '') as addressee, count(*) as sightings, "
                        "count(distinct thread) as mandates from mandates where resolution = ? and at_source = 0 "
                        "group by 1", [rid])
    threads = rows(conn, """select * from (
                                select coalesce(addressee_key, '') as addressee, thread, count(*) as n,
                                       row_number() over (partition by coalesce(addressee_key, '')
                                                          order by count(*) desc, max(document_date) desc, thread) as rank
                                from mandates where resolution = ? and at_source = 0 group by 1, thread)
                            where rank <= ?""", [rid, THREADS_SHOWN])
    marks = ", ".join("?" for _ in threads)
    places: dict[str, list[dict]] = {}
    first: dict[str, dict] = {}
    for m in rows(conn, f"""select * from (
                               select m.thread, m.verb, m.action, m.document, m.at, m.cite, m.document_date,
                                      row_number() over (partition by m.thread order by m.document_date desc, m.start) as rn
                               from mandates m where m.resolution = ? and m.at_source = 0 and m.thread in ({marks}))
                           as m join documents d on d.id = m.document where rn <= ? order by m.thread, rn""",
                  [rid] + [t["thread"] for t in threads] + [PLACES_SHOWN]) if threads else []:
        first.setdefault(m["thread"], m)
        places.setdefault(m["thread"], []).append(
            dict(cite=m["cite"], date=m["document_date"], symbol=m["symbol"],  # a name without a symbol holds its date
                 url=readable_document_url(m["document"], m["symbol"], m["language"], m["at"])))
    by_addressee: dict[str, list[dict]] = {}
    for t in threads:
        m = first[t["thread"]]
        by_addressee.setdefault(t["addressee"], []).append(
            dict(verb=m["verb"], action=m["action"], url=mandate_url(t["thread"]), places=places[t["thread"]],
                 more=t["n"] - len(places[t["thread"]])))
    out = []
    for g in groups:
        who = g["addressee"] or "(no addressee printed)"
        out.append(dict(g, addressee=who, url=addressee_url(who) if g["addressee"] else None,
                        threads=by_addressee.get(g["addressee"], []),
                        more=max(0, g["mandates"] - THREADS_SHOWN),
                        more_url=f"/-/cosp/threads?resolution={quote(rid, safe='/')}"
                                 + (f"&addressee={quote(g['addressee'])}" if g["addressee"] else "")))
    return sorted(out, key=lambda g: (g["addressee"] != "the Secretariat", -g["sightings"], g["addressee"]))
