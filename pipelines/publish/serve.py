"""Serve a built database with Datasette: immutable, read-only, with the project's metadata."""
from __future__ import annotations

import copy
import sys
from functools import lru_cache
from pathlib import Path
from typing import Optional

DATASETTE_DIR = Path(__file__).resolve().parents[2] / "datasette"
SQL_TIME_LIMIT_MS = 2000
# Rows a query page or arbitrary SQL returns (Datasette says when it truncated; tables page
# with `_next`).  At 1,000 documents rendering 1,000 rows took up to 0.2 s.
MAX_RETURNED_ROWS = 200


# Example parameters for every canned query: the tests run them, `cosp bench --serve` times them.
EXAMPLE_PARAMS = {
    "search_paragraphs": {"q": "spontaneous disclosure"},
    "search_all_text": {"q": "Egmont"},
    "documents_citing": {"id": "7/1"},
    "mandate_history": {"words": "timely sharing of information"},
    "mandates_addressed_to": {"addressee": "Secretariat"},
    "guideline_diff": {"from_version": "2018", "to_version": "2021"},
    "network_mentions_by_document": {"network": "Egmont"},
    "figure_time_series": {"subject": "Central authorities"},
    "citations_per_year": {"resolution": "7/1"},
    "new_documents": {"since": ""},
    "new_mandates": {"addressee": "the Secretariat", "body": ""},
    "search_feed": {"q": "asset recovery"},
}


class SharedDescriptions(dict):
    """Column descriptions that Datasette may share instead of copying.

    Datasette 0.65.5 deep-copies the whole metadata for each table at each permission
    check (``Datasette._table_permission_allows``), twice per table on the database page.
    With a description for every column that copy was a quarter of the page's time.  The
    descriptions are only ever read, so a deep copy returns the same object; writing to
    it raises, so a Datasette that started to write would fail the tests, not go wrong.
    """

    def __deepcopy__(self, memo):
        return self

    def _read_only(self, *args, **kwargs):
        raise TypeError("column descriptions are read-only")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _read_only


@lru_cache(maxsize=1)
def metadata() -> dict:
    """metadata.yml, read once, its column descriptions made shareable (see SharedDescriptions)."""
    import yaml

    with open(DATASETTE_DIR / "metadata.yml", encoding="utf-8") as fh:
        meta = yaml.safe_load(fh)
    for database in meta.get("databases", {}).values():
        for table in database.get("tables", {}).values():
            if "columns" in table:
                table["columns"] = SharedDescriptions(table["columns"])
    return meta


def database_metadata() -> dict:
    """The table and query metadata, to apply to a database whatever its file is called."""
    return metadata()["databases"]["cosp"]


def metadata_for(db_path: Path) -> dict:
    """metadata.yml with its database section under the name Datasette gives this file.

    A copy for each instance, because Datasette writes into its metadata (canned query
    names, inherited source and licence); the column descriptions are shared, not copied.
    """
    name = Path(db_path).stem
    meta = {k: v for k, v in metadata().items() if not k.startswith("x-") and k != "databases"}
    meta["description_html"] = meta.get("description_html", "").replace('href="/cosp/', f'href="/{name}/')
    return dict(meta, databases={name: copy.deepcopy(database_metadata())})


def datasette_instance(db_path: Path):
    """The Datasette that `cosp serve` runs; tests and the latency benchmark use it too."""
    from datasette.app import Datasette

    from pipelines.publish.hooks import open_databases

    ds = Datasette([], immutables=[str(db_path)], metadata=metadata_for(db_path),
                   template_dir=str(DATASETTE_DIR / "templates"), plugins_dir=str(DATASETTE_DIR / "plugins"),
                   static_mounts=[("cosp-static", str(DATASETTE_DIR / "static"))],
                   settings={"sql_time_limit_ms": SQL_TIME_LIMIT_MS, "default_page_size": 30,
                             "max_returned_rows": MAX_RETURNED_ROWS,
                             "suggest_facets": False, "facet_time_limit_ms": 200, "num_sql_threads": 6})
    open_databases(ds)  # connections of its own, so a rebuilt file is served (site.reopen_if_rebuilt)
    return ds


def serving_app(db_path: Path, cache: bool = True, hosts: Optional[frozenset[str]] = None):
    """The ASGI app `cosp serve` runs: the Datasette instance behind admission control, a
    response cache (the database is immutable between builds, see ``response_cache.py``) and
    the host check (``guard.py``); ``hosts`` None answers to the loopback names at any port
    (tests)."""
    from pipelines.publish.guard import Admission, HostGuard
    from pipelines.publish.response_cache import ResponseCache

    ds = datasette_instance(db_path)
    app = Admission(ds.app())
    if cache:
        app = ResponseCache(app, lambda: [db.path for db in ds.databases.values() if db.path])
    return HostGuard(app, hosts) if hosts is not None else app


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8001, cache: bool = True,
          allowed: tuple[str, ...] = (), workers: int = 1) -> None:
    """Run the instance with uvicorn, as ``datasette serve`` does (startup hooks run on the
    first request); with ``workers`` > 1, that many processes share the port (the database is
    immutable, so they need share nothing else), each with its own admission lanes and cache."""
    import json
    import os

    import uvicorn

    from pipelines.publish.guard import allowed_hosts

    hosts = allowed_hosts(host, port, allowed)
    print(f"cosp-tracker: serving {db_path} on http://{host}:{port}/ with {workers} process(es) (Ctrl-C stops)",
          file=sys.stderr, flush=True)
    if workers <= 1:
        uvicorn.run(serving_app(db_path, cache, hosts), host=host, port=port, log_level="warning")
        return
    os.environ[WORKER_ENV] = json.dumps({"db": str(Path(db_path).resolve()), "cache": cache, "hosts": sorted(hosts)})
    uvicorn.run("pipelines.publish.serve:worker_app", factory=True, host=host, port=port, workers=workers,
                log_level="warning")


WORKER_ENV = "COSP_SERVE_WORKER"


def worker_app():
    """The app of one of several server processes (``serve`` passes its settings in the environment)."""
    import json
    import os

    settings = json.loads(os.environ[WORKER_ENV])
    return serving_app(Path(settings["db"]), settings["cache"], frozenset(settings["hosts"]))


def default_workers() -> int:
    """One process per core, at most two: pages are rendered holding the GIL, and Datasette's
    table pages (a count and eight facets) take 60 ms each, so one process answers about 30
    pages a second; a second answers 20 clients on distinct pages within a second at p99
    (`cosp bench --hostile`), for at most twice the memory (each is bounded: guard.py)."""
    import os

    return max(1, min(2, os.cpu_count() or 1))
