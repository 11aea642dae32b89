"""``cosp sync``: what came in with the last build, as a person keeping up would want it.

The last row of ``build_history`` names the documents the build added; their mandates and the
resolutions they cite are read from the database.  Also the site's "new since" page and feeds
read the same rows (``documents.first_seen``)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def summary(db_path: Path, shown: int = 10) -> list[str]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        last = conn.execute("SELECT built_at, added, changed, removed FROM build_history ORDER BY id DESC LIMIT 1").fetchone()
        if last is None:
            return ["no build history yet"]
        built_at, added, changed, removed = last[0], *(json.loads(v) for v in last[1:])
        lines = [f"since the previous build ({built_at}): {len(added)} new document(s), {len(changed)} changed, "
                 f"{len(removed)} removed"]
        if not added:
            return lines
        marks = ", ".join("?" for _ in added)
        for did, symbol, title in conn.execute(f"SELECT id, symbol, title FROM documents WHERE id IN ({marks}) "
                                               f"ORDER BY date DESC, id LIMIT {shown}", added):
            lines.append(f"  new: {symbol or did}: {(title or '')[:90]}")
        mandates = conn.execute(f"SELECT body, verb, coalesce(addressee_key, addressee, '-'), count(*) FROM mandates "
                                f"WHERE document IN ({marks}) GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT {shown}",
                                added).fetchall()
        total = conn.execute(f"SELECT count(*) FROM mandates WHERE document IN ({marks})", added).fetchone()[0]
        lines.append(f"{total} new mandate(s)" + (":" if mandates else ""))
        lines += [f"  {n} x {body} {verb} -> {who}" for body, verb, who, n in mandates]
        cited = conn.execute(f"SELECT ref_id, count(*) FROM [references] WHERE document IN ({marks}) AND kind IN "
                             f"('cosp_resolution', 'ga_resolution') GROUP BY ref_id ORDER BY 2 DESC, 1 LIMIT {shown}",
                             added).fetchall()
        lines.append("new citations of resolutions" + (": " + ", ".join(f"{r} ({n})" for r, n in cited) if cited else ": none"))
        return lines
    finally:
        conn.close()
