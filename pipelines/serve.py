"""Serve a built database with Datasette: immutable, read-only, with the project's metadata."""
from __future__ import annotations

import os
import shutil
from functools import lru_cache
import sys
from pathlib import Path

DATASETTE_DIR = Path(__file__).resolve().parent.parent / "datasette"
SQL_TIME_LIMIT_MS = 2000


# Example parameters for every canned query: the tests run them, `cosp bench --serve` times them.
EXAMPLE_PARAMS = {
    "search_paragraphs": {"q": "spontaneous disclosure"},
    "documents_citing": {"id": "7/1"},
    "mandate_history": {"words": "timely sharing of information"},
    "mandates_addressed_to": {"addressee": "Secretariat"},
    "guideline_diff": {"from_version": "000_de38badff640f652.txt#guidelines",
                       "to_version": "001_2874813f072c823d.txt#guidelines"},
    "network_mentions_by_document": {"network": "Egmont"},
    "figure_time_series": {"subject": "Central authorities"},
}


@lru_cache(maxsize=1)
def metadata() -> dict:
    """metadata.yml, read once (Datasette asks for metadata many times per request)."""
    import yaml

    with open(DATASETTE_DIR / "metadata.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def database_metadata() -> dict:
    """The table and query metadata, to apply to a database whatever its file is called."""
    return metadata()["databases"]["cosp"]


def metadata_for(db_path: Path) -> dict:
    """metadata.yml with its database section under the name Datasette gives this file."""
    meta = {k: v for k, v in metadata().items() if not k.startswith("x-")}
    return dict(meta, databases={Path(db_path).stem: database_metadata()})


def datasette_args(db_path: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    args = ["serve", "-i", str(db_path), "--host", host, "--port", str(port),
            "--setting", "sql_time_limit_ms", str(SQL_TIME_LIMIT_MS), "--setting", "default_page_size", "50",
            "--setting", "suggest_facets", "off", "--setting", "facet_time_limit_ms", "200"]
    import json
    import tempfile

    meta_file = Path(tempfile.mkdtemp(prefix="cosp-serve-")) / "metadata.json"
    meta_file.write_text(json.dumps(metadata_for(db_path)), encoding="utf-8")
    args += ["--metadata", str(meta_file)]
    for flag, sub in (("--template-dir", "templates"), ("--plugins-dir", "plugins"), ("--static", "static")):
        folder = DATASETTE_DIR / sub
        if folder.is_dir() and any(folder.iterdir()):
            args += [flag, f"static:{folder}" if flag == "--static" else str(folder)]
    return args


def datasette_instance(db_path: Path):
    """A Datasette configured as `cosp serve` runs it, for tests and the latency benchmark."""
    from datasette.app import Datasette

    return Datasette([], immutables=[str(db_path)], metadata=metadata_for(db_path),
                     template_dir=str(DATASETTE_DIR / "templates"), plugins_dir=str(DATASETTE_DIR / "plugins"),
                     settings={"sql_time_limit_ms": SQL_TIME_LIMIT_MS, "default_page_size": 50,
                               "suggest_facets": False, "facet_time_limit_ms": 200})


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    exe = shutil.which("datasette") or str(Path(sys.executable).parent / "datasette")
    os.execv(exe, [exe] + datasette_args(db_path, host, port))
