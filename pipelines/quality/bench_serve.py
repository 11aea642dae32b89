"""``cosp bench --serve``: latency of every canned query and page, on the seeds and 100x larger.

The larger corpus is the bundled documents copied 100 times (``scale.py``: each copy with
symbols of its own), built by the real pipeline.  Requests go through Datasette's own ASGI
client (no network), configured as `cosp serve` runs it but without its response cache:
every page is rendered.  Covered: the home page, the database page, tables, every view,
every canned query (JSON and HTML) and the project's pages.
"""
from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urlencode

from datasette.utils import tilde_encode

from pipelines.quality.scale import scale_corpus

REPEATS = 20
GOAL_MS = 100.0


def _urls(db, db_path: Path) -> list[str]:
    from pipelines.database.schema import DERIVED
    from pipelines.publish.pagekit import entity_url
    from pipelines.publish.serve import EXAMPLE_PARAMS, database_metadata

    name = Path(db_path).stem
    doc = db.execute("select id from documents order by id limit 1").fetchone()[0]
    thread = db.execute("select thread from mandates group by thread order by count(*) desc limit 1").fetchone()[0]
    versions = [r[0] for r in db.execute("select id from guideline_versions order by chain, position limit 2")]
    named = {kind: db.execute("select entity from mentions where entity_type = ? group by entity "
                              "order by count(*) desc, entity limit 1", [kind]).fetchone()
             for kind in ("organisation", "country", "regional_group")}  # the most named: the longest pages
    urls = ["/", f"/{name}", f"/{name}/paragraphs", f"/{name}/mandates", f"/{name}/references?kind=cosp_resolution",
            "/-/cosp/resolution?id=7/1", "/-/cosp/documents", "/-/cosp/addressee", "/-/cosp/threads",
            "/-/cosp/addressee?name=the+Secretariat", "/-/cosp/network?name=Egmont+Group+of+Financial+Intelligence+Units",
            f"/-/cosp/document/{tilde_encode(doc)}", f"/-/cosp/mandate?thread={quote(thread)}", "/-/cosp/redline",
            f"/{name}/search_paragraphs?q=spontaneous+disclosure", f"/{name}/paragraphs?_search=spontaneous+disclosure",
            "/-/cosp/country", "/-/cosp/organisation", "/-/cosp/resolutions", "/-/cosp/resolution/71/208",
            "/-/cosp/search?q=asset+recovery", "/-/cosp/search?q=CARIN", "/-/cosp/network?name=CARIN",
            "/-/cosp/redline.docx", "/-/cosp/redline.html"]
    urls += [entity_url(kind, found[0]) for kind, found in named.items() if found]
    urls += [f"/{name}/{table}" for table in DERIVED]
    for q in database_metadata()["queries"]:
        params = dict(EXAMPLE_PARAMS[q])
        if q == "guideline_diff" and len(versions) == 2:
            params = {"from_version": versions[0], "to_version": versions[1]}
        urls.append(f"/{name}/{q}.json?_shape=array&{urlencode(params)}")
        urls.append(f"/{name}/{q}?{urlencode(params)}")
    return urls


def latencies(db_path: Path) -> list[tuple[str, float, float, int]]:
    import sqlite_utils

    from pipelines.publish.serve import datasette_instance

    ds = datasette_instance(db_path)
    db = sqlite_utils.Database(db_path)
    out = []

    async def run():
        for url in _urls(db, db_path):
            await ds.client.get(url)  # warm
            times = []
            status = 0
            for _ in range(REPEATS):
                t = time.perf_counter()
                r = await ds.client.get(url)
                times.append((time.perf_counter() - t) * 1000)
                status = r.status_code
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
            out.append((url, statistics.median(times), p95, status))

    asyncio.run(run())
    return out


def _group(url: str, queries) -> str:
    if url.startswith("/-/cosp/"):
        return "cosp pages"
    parts = url.split("?")[0].split("/")
    if len(parts) > 2 and parts[2].split(".")[0] in queries:
        return "canned queries"
    return "Datasette index, database, table and view pages"


def run_serve_bench(echo: Callable[[str], None] = print, copies: int = 100) -> list[str]:
    from pipelines.database.build import build
    from pipelines.publish.serve import database_metadata
    from pipelines.corpus.ingest import BUNDLED

    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        echo("building the seed database ...")
        seed_db = build([BUNDLED], tmp / "cosp.db", force=True).db
        echo(f"building a corpus {copies}x larger (this takes a minute) ...")
        big = build([scale_corpus(tmp / "synthetic", copies)], tmp / "synthetic.db", cache_dir=tmp / "cache",
                    force=True)
        echo(f"  {len(big.corpus.documents)} documents in {big.seconds:.0f} s")
        worst: dict[tuple[str, str], float] = {}
        for label, path in (("seeds", seed_db), (f"{copies}x", big.db)):
            for url, p50, p95, status in latencies(path):
                lines.append(f"{label:6} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {status}  {url[:110]}")
                group = _group(url, database_metadata()["queries"])
                worst[(label, group)] = max(worst.get((label, group), 0.0), p95)
        lines.append("")
        for (label, group), p95 in sorted(worst.items()):
            lines.append(f"worst p95, {group}, {label}: {p95:.1f} ms (goal < {GOAL_MS:.0f} ms): "
                         f"{'met' if p95 < GOAL_MS else 'NOT met'}")
    return lines
