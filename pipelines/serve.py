"""Serve a built database with Datasette: immutable, read-only, with the project's metadata."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

DATASETTE_DIR = Path(__file__).resolve().parent.parent / "datasette"


def datasette_args(db_path: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    args = ["serve", "-i", str(db_path), "--host", host, "--port", str(port),
            "--setting", "sql_time_limit_ms", "2000", "--setting", "default_page_size", "50"]
    metadata = DATASETTE_DIR / "metadata.yml"
    if metadata.exists():
        args += ["--metadata", str(metadata)]
    for flag, sub in (("--template-dir", "templates"), ("--plugins-dir", "plugins"), ("--static", "static")):
        folder = DATASETTE_DIR / sub
        if folder.is_dir() and any(folder.iterdir()):
            args += [flag, f"static:{folder}" if flag == "--static" else str(folder)]
    return args


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    exe = shutil.which("datasette") or str(Path(sys.executable).parent / "datasette")
    os.execv(exe, [exe] + datasette_args(db_path, host, port))
